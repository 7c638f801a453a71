"""Every profile field optional: unknown facts are asked, or decided when they cannot matter."""

from __future__ import annotations

from typing import Any

import pytest

from prechecks.engine import evaluate
from prechecks.profile import SUPPORT_ITEM_IDS, parse_profile
from prechecks.results import NOT_STATED


def results_for(data: dict[str, Any], rules, corpus, **kwargs: Any) -> dict[str, Any]:
    return {r.item_id: r for r in evaluate(parse_profile(data), rules, corpus, **kwargs)}


def test_an_empty_profile_gets_every_item_with_questions(rules, corpus) -> None:
    results = results_for({}, rules, corpus)
    assert list(results) == list(SUPPORT_ITEM_IDS)
    assert {r.status for r in results.values()} == {"needs_info"}
    compute = results["lg-compute"]
    assert next(m.field for m in compute.missing) == "org_type"
    assert compute.missing[-1].field == "compute_expense_wan"
    assert all(m.question.endswith("？") for m in compute.missing)
    assert compute.alternatives[-1] == "否则：不符合条件"


def test_an_individual_is_ineligible_with_the_condition_cited(rules, corpus) -> None:
    results = results_for({"org_type": "individual"}, rules, corpus)
    assert {r.status for r in results.values()} == {"ineligible"}
    for result in results.values():
        assert result.missing == ()
        failed = [r for r in result.reasons if r.kind == "not_met"]
        assert failed and "本单位为个人" in failed[0].text and failed[0].citation.clause_id
        assert any(c.verdict == "unmet" for c in result.conditions)


def test_startup_unknown_but_capped_either_way_is_decided(rules, corpus) -> None:
    result = results_for({"org_type": "enterprise", "training_compute_contract_wan": 2500},
                         rules, corpus)["sz-training-voucher"]
    assert (result.status, result.estimate_wan) == ("eligible", 1000.0)
    assert result.irrelevant_unknowns == ("is_startup",)
    assert result.missing == ()
    assert "无论是否为初创企业，结果相同" in result.formula


def test_startup_unknown_that_matters_lists_both_alternatives(rules, corpus) -> None:
    result = results_for({"org_type": "enterprise", "training_compute_contract_wan": 1000},
                         rules, corpus)["sz-training-voucher"]
    assert (result.status, result.estimate_wan) == ("needs_info", None)
    assert result.alternatives == ("若为初创企业：符合条件，测算600万元", "否则：符合条件，测算500万元")
    assert [m.field for m in result.missing] == ["is_startup"]


def test_only_the_facts_that_matter_are_asked(rules, corpus) -> None:
    profile = {"org_type": "enterprise", "registered_in_longgang": True, "independent_legal_person": True,
               "tax_in_longgang": True, "compute_expense_wan": 200}
    result = results_for(profile, rules, corpus)["lg-compute"]
    assert result.status == "needs_info"
    assert [m.field for m in result.missing] == ["stats_in_longgang"]
    assert result.alternatives == ("若统计地在龙岗区：符合条件，测算60万元", "否则：不符合条件")
    assert result.conditions_met == "4/5"


def test_unknown_org_type_is_asked_with_the_types_that_qualify(rules, corpus) -> None:
    result = results_for({"training_compute_contract_wan": 100, "is_startup": False},
                         rules, corpus)["sz-training-voucher"]
    assert result.status == "needs_info"
    assert [m.field for m in result.missing] == ["org_type"]
    assert result.alternatives == ("若为法人企业、高等院校或科研机构：符合条件，测算50万元", "否则：不符合条件")


def test_non_enterprise_is_not_asked_about_tax_or_stats(rules, corpus) -> None:
    result = results_for({"org_type": "social_organization", "registered_in_longgang": True,
                          "independent_legal_person": True, "compute_expense_wan": 100}, rules, corpus)["lg-compute"]
    assert (result.status, result.estimate_wan) == ("eligible", 30.0)
    assert result.irrelevant_unknowns == ()
    assert result.conditions_met == "3/3"


def test_unknown_amount_stays_needs_info_with_the_method(rules, corpus) -> None:
    profile = {"org_type": "enterprise", "registered_in_longgang": True, "independent_legal_person": True,
               "tax_in_longgang": True, "stats_in_longgang": True, "activities": ["lg-compute"]}
    result = results_for(profile, rules, corpus)["lg-compute"]
    assert result.status == "needs_info"
    assert [m.field for m in result.missing] == ["compute_expense_wan"]
    assert "购买算力的费用 × 30%，上限600万元" in result.formula


def test_item_ids_reports_every_item_asked_for(rules, corpus) -> None:
    results = results_for({"org_type": "enterprise", "compute_expense_wan": 100}, rules, corpus,
                          item_ids=SUPPORT_ITEM_IDS)
    assert list(results) == list(SUPPORT_ITEM_IDS)


# --- application facts ----------------------------------------------------------------------------

def test_application_facts_are_cited_or_not_stated(rules, corpus) -> None:
    results = results_for({"org_type": "enterprise"}, rules, corpus)
    compute = results["lg-compute"].to_dict()["application"]
    assert set(compute) == {"window", "materials", "department", "review_mode", "stacking"}
    assert "区工业和信息化局" in compute["department"]["text"]
    assert compute["department"]["citation"]["clause_id"] == "lg-ai-rules-explainer#四、（四）"
    assert compute["stacking"] == {"text": NOT_STATED, "citation": None}
    corpus_voucher = results["sz-corpus-voucher"].to_dict()["application"]
    assert all(fact == {"text": NOT_STATED, "citation": None} for fact in corpus_voucher.values())


# --- units ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("amount", "warned"), [
    (800_000, True),    # 80万元 typed in 元: far above the 2000万元 that reaches the cap
    (50_000, True),     # a whole multiple of 10,000 this large reads like 元
    (2_500, False),
    (456.5, False),
])
def test_amounts_that_look_like_yuan_are_warned_never_changed(rules, corpus, amount, warned) -> None:
    profile = {"org_type": "enterprise", "registered_in_longgang": True, "independent_legal_person": True,
               "tax_in_longgang": True, "stats_in_longgang": True, "compute_expense_wan": amount}
    result = results_for(profile, rules, corpus)["lg-compute"]
    assert bool(result.warnings) is warned
    if warned:
        assert "以元为单位" in result.warnings[0] and f"{amount / 10_000:g}万元" in result.warnings[0]
        assert result.estimate_wan == 600.0  # the cap, computed from the figure as typed, and said so
        assert "未作任何折算" in result.warnings[0]
