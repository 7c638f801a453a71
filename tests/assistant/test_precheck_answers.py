"""Pre-check answers lead with the verdict, and a budget table's figures are labelled as district totals.

Real rules and corpus, no index: the chat pre-check is run on synthetic facts and composed.
"""

from __future__ import annotations

import re

import pytest

from assistant.composers.draft import CAVEATS_HEADING, Draft, add_eligibility, add_prechecks
from assistant.precheck_service import chat_eligibility, chat_precheck
from assistant.tables import budget_note
from prechecks.rules import RuleSet, load_rules
from retrieval.models import Corpus

_ALL_MET = {"org_type": "enterprise", "registered_in_longgang": True, "independent_legal_person": True,
            "tax_in_longgang": True, "stats_in_longgang": True}


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rules()


def _line(rules: RuleSet, corpus: Corpus, item_id: str, stated: dict) -> str:
    draft = Draft()
    add_prechecks(draft, chat_precheck(rules, corpus, stated, {item_id}))
    name = rules.item(item_id).name
    line = draft.lines[0]  # the first sentence: the verdict, with an estimate before the item's name
    assert line.startswith((f"按您提供的信息测算，{name}：", "按您提供的信息测算，可以申请", "按您提供的信息测算，如满足"))
    return line.replace(f"（{name}）", "").replace(f"{name}：", "")


def _verdict(line: str) -> str:
    """What the line says before any formula or citation marker."""
    return re.split(r"[。？]", line.removeprefix("按您提供的信息测算，"))[0]


def test_eligible_gives_the_amount_first(rules: RuleSet, corpus: Corpus) -> None:
    line = _line(rules, corpus, "lg-compute", {**_ALL_MET, "compute_expense_wan": 250.0})
    assert _verdict(line) == "可以申请，预计可获75万元"
    assert line.index("75万元") < line.index("250万元 × 30%") < line.index("[1]")


def test_unconfirmed_conditions_make_the_estimate_conditional(rules: RuleSet, corpus: Corpus) -> None:
    line = _line(rules, corpus, "lg-compute", {"compute_expense_wan": 250.0})
    assert _verdict(line) == "如满足全部申报条件，可以申请，预计可获75万元"


def test_ineligible_says_why_first(rules: RuleSet, corpus: Corpus) -> None:
    line = _line(rules, corpus, "lg-compute", {**_ALL_MET, "tax_in_longgang": False, "compute_expense_wan": 250.0})
    assert _verdict(line) == "不符合申报条件，因为不满足“法人企业的纳税地在龙岗区”"
    assert "75" not in line


def test_missing_facts_are_asked_first(rules: RuleSet, corpus: Corpus) -> None:
    line = _line(rules, corpus, "lg-compute", {**_ALL_MET, "activities": ["lg-compute"]})
    assert _verdict(line).startswith("还需确认：贵单位购买算力的费用是多少万元")
    assert "30%" in line  # then how it will be computed


def test_an_item_without_a_held_standard(rules: RuleSet, corpus: Corpus) -> None:
    line = _line(rules, corpus, "lg-space-rent", {**_ALL_MET, "activities": ["lg-space-rent"]})
    assert _verdict(line) == "可以申请，但所存文件未载明扶持标准"
    assert "不是单个单位可得金额" in line  # the budget it gives is labelled as the district's


def test_several_items_one_line_each(rules: RuleSet, corpus: Corpus) -> None:
    draft = Draft()
    add_prechecks(draft, chat_precheck(rules, corpus, {**_ALL_MET, "compute_expense_wan": 250.0,
                                                       "training_compute_contract_wan": 250.0, "is_startup": False}))
    assert draft.lines[0] == "按您提供的信息测算："
    assert draft.lines[1].startswith("· 人工智能算力扶持：可以申请，预计可获75万元。")
    assert draft.lines[2].startswith("· 深圳市“训力券”：可以申请，预计可获125万元。")


def test_caveats_are_a_list(rules: RuleSet, corpus: Corpus) -> None:
    draft = Draft()
    add_prechecks(draft, chat_precheck(rules, corpus, {**_ALL_MET, "compute_expense_wan": 250.0}, {"lg-compute"}))
    assert len(draft.caveats) >= 2 and not any(c in line for c in draft.caveats for line in draft.lines)
    draft.close()  # after the items, a short list under its heading, one caveat per line
    heading = draft.lines.index(CAVEATS_HEADING)
    assert draft.lines[heading + 1:] and all(line.startswith("· ") for line in draft.lines[heading + 1:])


def test_eligibility_verdict_first(rules: RuleSet, corpus: Corpus) -> None:
    draft = Draft()
    add_eligibility(draft, chat_eligibility(rules, corpus, {"registered_in_longgang": False}, {"lg-compute"}), corpus)
    assert draft.lines[1].startswith("· 龙岗区申报条件：不符合申报条件，因为不满足“在龙岗区行政区域内依法登记注册”")
    # then the whole sentence stating the condition, as the clause words it
    assert draft.lines[2].startswith("  根据《") and "项目单位是在龙岗区行政区域内依法登记注册、具有独立法人资格" in draft.lines[2]
    draft = Draft()
    add_eligibility(draft, chat_eligibility(rules, corpus, {"registered_in_longgang": True}, {"lg-compute"}), corpus)
    # A met condition with the others unknown: a conditional yes, naming what is still to be met.
    assert draft.lines[1].startswith("· 龙岗区申报条件：可以申请，前提是还满足：")
    assert "已符合：在龙岗区行政区域内依法登记注册" in draft.lines[1]
    draft = Draft()
    add_eligibility(draft, chat_eligibility(rules, corpus, {}, {"lg-compute"}), corpus)
    assert draft.lines[1].startswith("· 龙岗区申报条件：还需确认：")


def test_budget_rows_are_labelled_as_district_totals(rules: RuleSet, corpus: Corpus) -> None:
    budget_row = next(i.budget.clause for i in rules.items if i.budget is not None and "/" in i.budget.clause)
    note = budget_note([budget_row], rules, corpus)
    assert "区级预算总额" in note and "不是单个企业可获金额" in note
    # Every row of that table, the total included, carries it; an article does not.
    table = budget_row.split("/")[0]
    rows = [c.clause_id for c in corpus.clauses if c.clause_id.startswith(table + "/")]
    assert all(budget_note([r], rules, corpus) == note for r in rows)
    assert budget_note(["lg-ai-rules-explainer#四、（三）"], rules, corpus) == ""


def test_an_english_question_gets_an_english_estimate_first(rules: RuleSet, corpus: Corpus) -> None:
    draft = Draft()
    add_prechecks(draft, chat_precheck(rules, corpus, {**_ALL_MET, "compute_expense_wan": 250.0}, {"lg-compute"}),
                  "en")
    assert draft.lines[0] == "Estimated support: 75万元 (30% of 250万元)."
    assert draft.lines[1].startswith("按您提供的信息测算")  # the verdict and formula follow in Chinese


def test_an_english_estimate_is_conditional_while_conditions_are_unconfirmed(rules: RuleSet,
                                                                            corpus: Corpus) -> None:
    draft = Draft()
    add_prechecks(draft, chat_precheck(rules, corpus, {"compute_expense_wan": 250.0}, {"lg-compute"}), "en")
    assert draft.lines[0].startswith("If all application conditions are met, estimated support: 75万元")


def test_no_english_estimate_without_a_single_figure(rules: RuleSet, corpus: Corpus) -> None:
    draft = Draft()
    add_prechecks(draft, chat_precheck(rules, corpus, {**_ALL_MET, "tax_in_longgang": False,
                                                       "compute_expense_wan": 250.0}, {"lg-compute"}), "en")
    assert draft.lines[0].startswith("按您提供的信息测算")
