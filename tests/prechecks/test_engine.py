"""The rule engine: the development cases exactly, boundary cases, and properties of every result."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prechecks.engine import evaluate, reported_item_ids
from prechecks.profile import SUPPORT_ITEM_IDS, parse_profile
from prechecks.rules import RulesError, load_rules
from retrieval.models import Corpus
from retrieval.text import compact

DEV_CASES = Path(__file__).resolve().parents[2] / "eval" / "data" / "precheck_dev.jsonl"
CASES = [json.loads(line) for line in DEV_CASES.read_text(encoding="utf-8").splitlines() if line.strip()]
EXPECTED = [pytest.param(case["profile"], expected, id=f"{case['id']}-{expected['item_id']}")
            for case in CASES for expected in case["expect"]]
RESULT_KEYS = {"item_id", "name", "status", "status_label", "estimate_wan", "formula", "reasons", "citations",
               "missing", "caveats", "conditions", "conditions_met", "irrelevant_unknowns", "alternatives",
               "warnings", "application"}


def by_id(results: list[Any]) -> dict[str, Any]:
    return {r.item_id: r for r in results}


def cents(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"), ROUND_HALF_UP)


# --- the development cases: 100% exact ------------------------------------------------------------

def test_dev_file_has_the_cases_the_issue_describes() -> None:
    assert len(CASES) == 14
    assert len(EXPECTED) == 23


@pytest.mark.parametrize(("profile", "expected"), EXPECTED)
def test_dev_case_is_exact(profile: dict[str, Any], expected: dict[str, Any], rules, corpus) -> None:
    results = by_id(evaluate(parse_profile(profile), rules, corpus))
    assert expected["item_id"] in results, f"{expected['item_id']} not reported"
    got = results[expected["item_id"]]
    assert got.status == expected["status"]
    assert cents(got.estimate_wan) == cents(expected["estimate_wan"])


# --- formulas in words ----------------------------------------------------------------------------

def test_uncapped_formula_reads_as_designed(make_profile, rules, corpus) -> None:
    result = by_id(evaluate(make_profile(compute_expense_wan=500), rules, corpus))["lg-compute"]
    assert result.status == "eligible"
    assert result.estimate_wan == 150.0
    assert result.formula == "500万元 × 30% = 150万元，未超过上限600万元"


def test_capped_formula_reads_as_designed(make_profile, rules, corpus) -> None:
    result = by_id(evaluate(make_profile(compute_expense_wan=2500), rules, corpus))["lg-compute"]
    assert (result.status, result.estimate_wan) == ("eligible", 600.0)
    assert result.formula == "2500万元 × 30% = 750万元，超过上限600万元，按上限600万元计"
    params = {r.text: r.citation for r in result.reasons if r.kind == "parameter"}
    assert params["扶持比例：30%"].clause_id == "lg-ai-measures-en#1.(2)"
    assert params["扶持上限：600万元"].quote == "up to 6 million yuan to the maximum"
    assert params["扶持上限：600万元"].display == "《龙岗区人工智能若干措施（英文版）》1.(2)"


# --- boundaries -----------------------------------------------------------------------------------

def test_exactly_at_the_cap_is_not_over_it(make_profile, rules, corpus) -> None:
    result = by_id(evaluate(make_profile(compute_expense_wan=2000), rules, corpus))["lg-compute"]
    assert result.estimate_wan == 600.0
    assert result.formula == "2000万元 × 30% = 600万元，未超过上限600万元"


def test_one_cent_over_the_cap_is_capped(make_profile, rules, corpus) -> None:
    # 2000.05 × 30% = 600.015 → 600.02 > 600.
    result = by_id(evaluate(make_profile(compute_expense_wan=2000.05), rules, corpus))["lg-compute"]
    assert result.estimate_wan == 600.0
    assert "超过上限600万元，按上限600万元计" in result.formula


def test_training_voucher_exactly_at_its_cap(make_profile, rules, corpus) -> None:
    result = by_id(evaluate(make_profile(training_compute_contract_wan=2000), rules, corpus))
    assert result["sz-training-voucher"].estimate_wan == 1000.0
    assert "未超过上限1000万元" in result["sz-training-voucher"].formula


@pytest.mark.parametrize(("amount", "expected", "sign"), [
    (0.05, 0.02, "≈"),     # 0.015 rounds half up to 0.02
    (0.03, 0.01, "≈"),     # 0.009 → 0.01
    (0.01, 0.0, "≈"),      # 0.003 → 0.00
    (456.5, 136.95, "="),  # exact in decimal, though not in binary floating point
    (0.1, 0.03, "="),
])
def test_rounding_to_one_cent_half_up(make_profile, rules, corpus, amount, expected, sign) -> None:
    result = by_id(evaluate(make_profile(compute_expense_wan=amount), rules, corpus))["lg-compute"]
    assert result.estimate_wan == expected
    assert f" {sign} " in result.formula


def test_startup_flag_on_a_university_keeps_the_general_ratio(rules, corpus) -> None:
    profile = parse_profile({"org_type": "university", "registered_in_longgang": False,
                             "independent_legal_person": True, "is_startup": True,
                             "training_compute_contract_wan": 100})
    result = by_id(evaluate(profile, rules, corpus))["sz-training-voucher"]
    assert (result.status, result.estimate_wan) == ("eligible", 50.0)
    assert result.formula == "100万元 × 50% = 50万元，未超过上限1000万元"
    notes = [r.text for r in result.reasons if r.kind == "note"]
    assert notes and "高等院校" in notes[0] and "50%" in notes[0]
    # The startup-definition caveat only concerns enterprises that could get the higher ratio.
    assert not any("初创企业" in c.text for c in result.caveats)


def test_startup_enterprise_gets_the_startup_ratio(make_profile, rules, corpus) -> None:
    result = by_id(evaluate(make_profile(is_startup=True, training_compute_contract_wan=100),
                            rules, corpus))["sz-training-voucher"]
    assert result.estimate_wan == 60.0
    assert "60%（初创企业）" in result.formula
    assert any("初创企业" in c.text for c in result.caveats)


def test_enterprise_with_unknown_startup_status_is_asked(make_profile, rules, corpus) -> None:
    result = by_id(evaluate(make_profile(is_startup=None, training_compute_contract_wan=1000),
                            rules, corpus))["sz-training-voucher"]
    assert (result.status, result.estimate_wan) == ("needs_info", None)
    assert [m.field for m in result.missing] == ["is_startup"]
    assert "500万元" in result.formula and "600万元" in result.formula


def test_startup_flag_does_not_change_the_corpus_voucher(make_profile, rules, corpus) -> None:
    plain = by_id(evaluate(make_profile(corpus_contract_wan=100), rules, corpus))
    startup = by_id(evaluate(make_profile(corpus_contract_wan=100, is_startup=True), rules, corpus))
    assert plain["sz-corpus-voucher"].estimate_wan == startup["sz-corpus-voucher"].estimate_wan == 30.0


@pytest.mark.parametrize("org_type", ["social_organization", "private_non_enterprise"])
def test_non_enterprise_needs_no_tax_or_stats_flags(org_type, rules, corpus) -> None:
    profile = parse_profile({"org_type": org_type, "registered_in_longgang": True,
                             "independent_legal_person": True, "compute_expense_wan": 100})
    result = by_id(evaluate(profile, rules, corpus))["lg-compute"]
    assert (result.status, result.estimate_wan) == ("eligible", 30.0)
    assert result.missing == ()
    assert [r.kind for r in result.reasons].count("not_applicable") == 2
    # The English measures speak of enterprises; the result must say so rather than hide it.
    assert any("enterprise" in c.text for c in result.caveats)


def test_enterprise_caveat_is_not_shown_to_enterprises(make_profile, rules, corpus) -> None:
    result = by_id(evaluate(make_profile(compute_expense_wan=100), rules, corpus))["lg-compute"]
    assert not any("非企业单位" in c.text for c in result.caveats)


@pytest.mark.parametrize("field,item_id", [
    ("compute_expense_wan", "lg-compute"),
    ("training_compute_contract_wan", "sz-training-voucher"),
    ("corpus_contract_wan", "sz-corpus-voucher"),
])
def test_zero_amount_is_ineligible_not_zero_support(make_profile, rules, corpus, field, item_id) -> None:
    results = by_id(evaluate(make_profile(**{field: 0}), rules, corpus))
    assert list(results) == [item_id]
    assert (results[item_id].status, results[item_id].estimate_wan) == ("ineligible", None)
    assert any(r.kind == "not_met" and "0万元" in r.text for r in results[item_id].reasons)


def test_a_failed_condition_beats_a_missing_one(make_profile, rules, corpus) -> None:
    result = by_id(evaluate(make_profile(tax_in_longgang=False, stats_in_longgang=None,
                                         compute_expense_wan=100), rules, corpus))["lg-compute"]
    assert result.status == "ineligible"
    assert result.missing == ()


def test_ineligible_formula_names_the_failed_condition(make_profile, rules, corpus) -> None:
    result = by_id(evaluate(make_profile(tax_in_longgang=False, compute_expense_wan=100), rules, corpus))
    assert result["lg-compute"].formula == "不符合申报条件：法人企业的纳税地在龙岗区。不予测算。"


def test_missing_flags_produce_questions_in_chinese(make_profile, rules, corpus) -> None:
    result = by_id(evaluate(make_profile(tax_in_longgang=None, stats_in_longgang=None,
                                         compute_expense_wan=100), rules, corpus))["lg-compute"]
    assert result.status == "needs_info"
    assert [m.field for m in result.missing] == ["tax_in_longgang", "stats_in_longgang"]
    assert all(m.question.endswith("？") for m in result.missing)
    assert result.formula.startswith("如符合全部申报条件：100万元 × 30% = 30万元")


def test_not_registered_in_longgang_is_ineligible_for_longgang_items_only(make_profile, rules, corpus) -> None:
    results = by_id(evaluate(make_profile(registered_in_longgang=False, compute_expense_wan=100,
                                          training_compute_contract_wan=100), rules, corpus))
    assert results["lg-compute"].status == "ineligible"
    assert results["sz-training-voucher"].status == "eligible"


def test_not_estimable_item_carries_its_budget_row(make_profile, rules, corpus) -> None:
    result = by_id(evaluate(make_profile(activities=["lg-space-rent"]), rules, corpus))["lg-space-rent"]
    assert (result.status, result.estimate_wan) == ("not_estimable", None)
    budget = [r for r in result.reasons if r.kind == "budget"]
    assert budget[0].citation.clause_id == "lg-ai-rules-explainer#表1/9"
    assert "2026年800万元" in budget[0].text and "2026年800万元" in result.formula
    assert any(r.kind == "standard_not_held" for r in result.reasons)


def test_individuals_are_ineligible_everywhere(rules, corpus) -> None:
    profile = parse_profile({"org_type": "individual", "registered_in_longgang": True,
                             "independent_legal_person": False})
    results = evaluate(profile, rules, corpus)
    assert len(results) == len(SUPPORT_ITEM_IDS)
    assert {r.status for r in results} == {"ineligible"}


# --- which items are reported ---------------------------------------------------------------------

def test_only_items_with_an_amount_or_listed_are_reported(make_profile, rules, corpus) -> None:
    profile = make_profile(compute_expense_wan=100, activities=["lg-major-event"])
    assert reported_item_ids(profile, rules, corpus) == ["lg-compute", "lg-major-event"]
    assert [r.item_id for r in evaluate(profile, rules, corpus)] == ["lg-compute", "lg-major-event"]


def test_a_profile_naming_no_item_gets_the_overview(make_profile, rules, corpus) -> None:
    results = by_id(evaluate(make_profile(), rules, corpus))
    assert list(results) == list(SUPPORT_ITEM_IDS)
    assert results["lg-compute"].status == "needs_info"
    assert results["lg-compute"].missing[0].field == "compute_expense_wan"
    assert results["sz-corpus-voucher"].status == "needs_info"
    assert results["lg-model-dev"].status == "not_estimable"


def test_listing_an_estimable_item_without_its_amount_asks_for_it(make_profile, rules, corpus) -> None:
    results = by_id(evaluate(make_profile(activities=["sz-corpus-voucher"]), rules, corpus))
    assert list(results) == ["sz-corpus-voucher"]
    assert [m.field for m in results["sz-corpus-voucher"].missing] == ["corpus_contract_wan"]


# --- caveats and citations ------------------------------------------------------------------------

def test_longgang_results_carry_pro_rata_draft_and_review_caveats(make_profile, rules, corpus) -> None:
    result = by_id(evaluate(make_profile(compute_expense_wan=100), rules, corpus))["lg-compute"]
    clauses = {c.citation.clause_id for c in result.caveats}
    assert "lg-itc-fund-measures-2026#第三条" in clauses
    assert "lg-ai-rules-consultation-notice#序言" in clauses
    assert "lg-ai-rules-explainer#四、（四）" in clauses
    assert any("按比例核减" in c.text for c in result.caveats)
    assert any("征求意见稿" in c.text for c in result.caveats)


def test_shenzhen_vouchers_do_not_get_the_longgang_pro_rata_caveat(make_profile, rules, corpus) -> None:
    result = by_id(evaluate(make_profile(corpus_contract_wan=100), rules, corpus))["sz-corpus-voucher"]
    assert all(c.citation.doc_id.startswith("sz-") for c in result.caveats)


def test_every_citation_quotes_its_clause_literally(make_profile, rules, corpus) -> None:
    profiles = [make_profile(), make_profile(compute_expense_wan=3, training_compute_contract_wan=3,
                                             corpus_contract_wan=3, is_startup=True)]
    profiles += [parse_profile(case["profile"]) for case in CASES]
    for profile in profiles:
        for result in evaluate(profile, rules, corpus):
            cited = [r.citation for r in result.reasons] + [c.citation for c in result.caveats]
            cited += list(result.citations)
            for citation in cited:
                clause = corpus.clause(citation.clause_id)
                assert clause is not None, citation.clause_id
                assert compact(citation.quote) in compact(clause.text)
            # every clause a reason or caveat rests on is listed once in citations
            listed = [c.clause_id for c in result.citations]
            assert len(listed) == len(set(listed))
            assert set(listed) == {c.clause_id for c in cited}


def test_to_dict_has_the_contract_keys(make_profile, rules, corpus) -> None:
    data = evaluate(make_profile(compute_expense_wan=2500), rules, corpus)[0].to_dict()
    assert set(data) == RESULT_KEYS
    assert data["estimate_wan"] == 600.0
    assert set(data["citations"][0]) == {"clause_id", "doc_id", "title", "label", "quote", "status", "source"}
    assert set(data["reasons"][0]) == {"kind", "text", "citation"}
    json.dumps(data, ensure_ascii=False)  # serialisable as is


def test_rules_citing_a_clause_missing_from_the_corpus_raise(make_profile, corpus) -> None:
    thinner = Corpus(documents=corpus.documents,
                     clauses=tuple(c for c in corpus.clauses if c.clause_id != "lg-ai-measures-en#1.(2)"),
                     fingerprint="without-1.(2)")
    with pytest.raises(RulesError, match=r"lg-ai-measures-en#1\.\(2\)"):
        evaluate(make_profile(compute_expense_wan=1), load_rules(), thinner)


def test_draft_status_shows_in_citations(make_profile, rules, corpus) -> None:
    result = by_id(evaluate(make_profile(activities=["lg-model-dev"]), rules, corpus))["lg-model-dev"]
    explainer = [c for c in result.citations if c.doc_id == "lg-ai-rules-explainer"]
    assert explainer and all(c.status == "征求意见稿" for c in explainer)


def test_compiled_tables_are_per_corpus(make_profile, rules, corpus) -> None:
    other = replace(corpus, fingerprint="another-corpus")
    first = evaluate(make_profile(compute_expense_wan=10), rules, corpus)
    second = evaluate(make_profile(compute_expense_wan=10), rules, other)
    assert [r.to_dict() for r in first] == [r.to_dict() for r in second]
    assert {corpus.fingerprint, "another-corpus"} <= set(rules.compiled)


# --- properties -----------------------------------------------------------------------------------

AMOUNTS = st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(compute=AMOUNTS, training=AMOUNTS, corpus_amount=AMOUNTS, startup=st.booleans())
def test_estimates_follow_the_cited_formula(rules, corpus, compute, training, corpus_amount, startup) -> None:
    profile = parse_profile({"org_type": "enterprise", "registered_in_longgang": True,
                             "independent_legal_person": True, "tax_in_longgang": True,
                             "stats_in_longgang": True, "is_startup": startup,
                             "compute_expense_wan": float(compute),
                             "training_compute_contract_wan": float(training),
                             "corpus_contract_wan": float(corpus_amount)})
    results = by_id(evaluate(profile, rules, corpus))
    for item_id, amount, percent, cap in [
        ("lg-compute", compute, 30, 600),
        ("sz-training-voucher", training, 60 if startup else 50, 1000),
        ("sz-corpus-voucher", corpus_amount, 30, 200),
    ]:
        result = results[item_id]
        if amount == 0:
            assert (result.status, result.estimate_wan) == ("ineligible", None)
            continue
        expected = min((amount * percent / 100).quantize(Decimal("0.01"), ROUND_HALF_UP), Decimal(cap))
        assert result.status == "eligible"
        assert cents(result.estimate_wan) == expected
        assert 0 <= result.estimate_wan <= cap


@settings(max_examples=100, deadline=None)
@given(data=st.fixed_dictionaries(
    {"org_type": st.sampled_from(["enterprise", "private_non_enterprise", "social_organization",
                                  "university", "research_institute", "individual"]),
     "registered_in_longgang": st.booleans(), "independent_legal_person": st.booleans()},
    optional={"tax_in_longgang": st.booleans(), "stats_in_longgang": st.booleans(),
              "is_startup": st.booleans(), "compute_expense_wan": st.floats(0, 1e5),
              "training_compute_contract_wan": st.floats(0, 1e5),
              "corpus_contract_wan": st.floats(0, 1e5),
              "activities": st.lists(st.sampled_from(list(SUPPORT_ITEM_IDS)), max_size=4)}))
def test_same_profile_same_result_and_consistent_statuses(rules, corpus, data) -> None:
    profile = parse_profile(data)
    first = [r.to_dict() for r in evaluate(profile, rules, corpus)]
    assert first == [r.to_dict() for r in evaluate(parse_profile(dict(data)), rules, corpus)]
    for result in first:
        assert (result["estimate_wan"] is not None) == (result["status"] == "eligible")
        assert bool(result["missing"]) == (result["status"] == "needs_info")
        assert result["reasons"] and result["citations"] and result["formula"]


def test_an_exclusion_is_checked_only_when_stated(make_profile, rules, corpus) -> None:
    # The corpus voucher pays for corpora bought from parties not related to the buyer.
    unstated = by_id(evaluate(make_profile(corpus_contract_wan=100), rules, corpus))["sz-corpus-voucher"]
    assert (unstated.status, unstated.estimate_wan) == ("eligible", 30.0)
    assert "corpus_from_related_party" not in {m.field for m in unstated.missing}  # never asked
    related = by_id(evaluate(make_profile(corpus_contract_wan=100, corpus_from_related_party=True),
                             rules, corpus))["sz-corpus-voucher"]
    assert (related.status, related.estimate_wan) == ("ineligible", None)
    assert any("非关联方" in r.text and r.kind == "not_met" for r in related.reasons)
    unrelated = by_id(evaluate(make_profile(corpus_contract_wan=100, corpus_from_related_party=False),
                               rules, corpus))["sz-corpus-voucher"]
    assert (unrelated.status, unrelated.estimate_wan) == ("eligible", 30.0)
