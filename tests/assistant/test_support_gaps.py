"""A held copy that breaks off mid-sentence (〔以下原文未收录〕): refused as "the rule is in the part not held"
only when what the question asks is not already stated — before the gap, or by a complete sentence; and a
partial copy whose preamble is all it offers on a matter."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from assistant.evidence import Evidence
from assistant.parts import summarised_unheld_chapter
from assistant.service import PolicyAssistant
from assistant.support import cut_off_answer, stated_before_gap
from retrieval.models import Clause, Corpus, DocumentMeta, Hit

_DOC = DocumentMeta(doc_id="demo-fund", title="某区示例专项资金管理办法", short_title="示例资金办法", issuer="某区财政局",
                    level="district", doc_type="measures", status="official", language="zh",
                    completeness="partial", source="test", gaps=(2,))


def _evidence(locator: str, sentence: str, *, cut: bool, score: float, coverage: float) -> Evidence:
    clause = Clause(f"demo-fund#{locator}", "demo-fund", locator, "article", (), sentence, 0)
    return Evidence(Hit(clause, _DOC, score), sentence, score, coverage, cut_off=cut)


def _query(*kinds: str) -> Any:
    return SimpleNamespace(kinds=frozenset(kinds), per_units=frozenset(), counted=frozenset())


def test_a_list_of_principles_held_before_the_gap_answers() -> None:
    broken = _evidence("第四条", "第四条 资金管理坚持统筹兼顾、突出重点、注重实效、公开透明的管理原", cut=True,
                       score=0.6, coverage=0.5)
    [kept] = stated_before_gap(_query("principles"), [broken])
    assert not kept.cut_off  # the four principles are stated; only the word after them is missing


def test_a_sentence_broken_before_the_amount_still_points_to_the_missing_part() -> None:
    broken = _evidence("第六条", "第六条 对符合条件的项目，按投资额给予最高", cut=True, score=0.6, coverage=0.5)
    [kept] = stated_before_gap(_query("money"), [broken])
    assert kept.cut_off
    assert cut_off_answer(_query("money"), [kept]) is kept


def test_without_a_kind_asked_a_broken_sentence_stays_broken() -> None:
    broken = _evidence("第四条", "第四条 资金管理坚持统筹兼顾、突出重点、注重实效、公开透明的管理原", cut=True,
                       score=0.6, coverage=0.5)
    assert stated_before_gap(_query(), [broken])[0].cut_off


def test_a_complete_sentence_stating_what_is_asked_is_not_passed_over_for_a_broken_one() -> None:
    broken = _evidence("第五条", "原则上各年度间资金安排应相对均衡，对年度间预算金额", cut=True, score=0.5, coverage=0.44)
    complete = _evidence("第三条", "第三条 专项资金应当科学设立、绩效优先、管理规范、公正透明。", cut=False, score=0.4,
                         coverage=0.45)
    assert cut_off_answer(_query("principles"), [broken, complete]) is None


def test_a_broken_sentence_that_covers_the_question_better_still_says_the_rule_is_not_held() -> None:
    broken = _evidence("第五条", "第五条 专项资金的绩效评价结果应当作为", cut=True, score=0.5, coverage=0.6)
    complete = _evidence("第三条", "第三条 专项资金应当科学设立、绩效优先、管理规范、公正透明。", cut=False, score=0.4,
                         coverage=0.3)
    assert cut_off_answer(_query("principles"), [broken, complete]) is broken


_RULES = DocumentMeta(doc_id="demo-rules", title="某区示例专项资金管理办法（2027年）", short_title="示例资金办法",
                      issuer="某区财政局", level="district", doc_type="measures", status="official", language="zh",
                      completeness="partial", source="test")
_READING = DocumentMeta(doc_id="demo-reading", title="《某区示例专项资金管理办法》政策解读", short_title="示例资金办法解读",
                        issuer="某区财政局", level="district", doc_type="interpretation", status="official",
                        language="zh", completeness="full", source="test")
_SUMMARY = "第四章项目管理,共5条,阐述申报单位条件要求及审核流程。"
_FAMILY = Corpus(documents={"demo-rules": _RULES, "demo-reading": _READING}, clauses=(
    Clause("demo-rules#第一条", "demo-rules", "第一条", "article", ("第一章 总则",), "第一条 为规范资金管理，制定本办法。", 0),
    Clause("demo-reading#二、", "demo-reading", "二、", "section", (), _SUMMARY, 1),
), fingerprint="family")


def test_a_summary_of_a_chapter_the_held_copy_lacks_is_no_answer_to_what_the_chapter_provides() -> None:
    assert summarised_unheld_chapter(_FAMILY, _SUMMARY, _READING) == (_RULES, 4)
    # A chapter the copy holds, or a sentence that is no chapter's summary, is no such case.
    assert summarised_unheld_chapter(_FAMILY, "第一章总则,共3条,阐述资金的管理单位。", _READING) is None
    assert summarised_unheld_chapter(_FAMILY, "申报单位应当在本区依法登记注册。", _READING) is None


def test_the_conditions_a_summary_only_names_are_refused_as_not_held(policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("2026年龙岗工信专项资金管理办法对申报单位有什么条件要求")
    assert answer.refused and "第五章" in answer.text and "未收录" in answer.text
    # Asked what that chapter covers, the summary is the answer.
    assert not policy_assistant.answer("2026年龙岗工信专项资金管理办法第五章讲的是什么").refused


@pytest.mark.parametrize("question", ["训力券到现在已经发了多少钱", "今年一共发放了多少训力券额度，几家企业领到",
                                      "前年训力券最终发了多少钱，都给了哪些公司"])
def test_what_was_actually_paid_out_is_not_a_policys_annual_cap(policy_assistant: PolicyAssistant,
                                                                 question: str) -> None:
    answer = policy_assistant.answer(question)
    assert answer.refused and "5亿" not in answer.text and "没有载明实际发放" in answer.text


def test_a_budget_tables_years_say_no_time_to_apply(policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("龙岗算力扶持2025年几时可以开始申报")
    assert answer.refused and "12000" not in answer.text


def test_a_thing_only_named_in_a_list_has_no_measures_held(policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("广东通用人工智能的实施意见提到的“场景应用全国示范高地”，具体措施有哪些？")
    assert answer.refused and "只在列举中提到" in answer.text


def test_a_choice_no_held_sentence_makes_is_not_answered_by_a_sentence_naming_both(
        policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("具身智能机器人应用扶持走核准制还是评审制")
    assert answer.refused and "12000" not in answer.text and "包含核准制和评审制" not in answer.text


def test_a_figure_for_part_of_a_year_does_not_answer_for_the_whole_year(policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("龙岗人工智能产业集群2024年一整年的增加值有多少")
    assert answer.refused and "9.58" not in answer.text
    assert "9.58" in policy_assistant.answer("龙岗人工智能产业集群2024年一季度增加值多少").text


def test_an_item_whose_standard_is_not_held_is_not_answered_with_its_budget(policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("智能产品创新发展扶持按什么标准补")
    assert answer.refused and not answer.citations


@pytest.mark.parametrize("question", ["算力补贴申报要满足什么条件", "想申请具身智能机器人扶持，有什么门槛",
                                      "租金补贴对企业有什么要求"])
def test_who_may_apply_for_an_item_is_answered_by_its_applicant_conditions(policy_assistant: PolicyAssistant,
                                                                          question: str) -> None:
    # The conditions every Longgang item shares never name the item; the budget row that does is no answer.
    answer = policy_assistant.answer(question)
    assert not answer.refused
    assert [c.clause_id for c in answer.citations] == ["lg-ai-rules-explainer#四、（三）"]
    assert "独立法人资格" in answer.text and "测算表" not in answer.text


@pytest.mark.parametrize("question", ["训力券哪些单位能申请", "训力券是发给什么样的单位的"])
def test_the_bodies_an_item_supports_answer_who_may_apply(policy_assistant: PolicyAssistant, question: str) -> None:
    answer = policy_assistant.answer(question)
    lead = answer.text.split("\n")[0]
    assert "高等院校" in lead and "每年发放" not in lead


@pytest.mark.parametrize("question", ["龙岗算力扶持发给哪些企业", "算力扶持是给什么样的公司的"])
def test_a_budget_row_names_no_applicants(policy_assistant: PolicyAssistant, question: str) -> None:
    assert "12000" not in policy_assistant.answer(question).text


@pytest.mark.parametrize("question", ["先锋城市若干措施说行业大模型一次性资助100万，这个现在还作数吗",
                                      "征求意见稿里行业大模型一次性100万元那条，目前仍然有效吗"])
def test_whether_a_drafts_clause_is_in_force_is_answered_by_its_being_a_draft(policy_assistant: PolicyAssistant,
                                                                               question: str) -> None:
    answer = policy_assistant.answer(question)
    assert not answer.refused
    first = answer.text.split("\n")[0]
    assert "征求意见稿" in first and "正式印发文本" in first
    assert answer.citations[0].clause_id == "sz-ai-pioneer-measures-2024-draft#一、（一）"


def test_how_to_apply_for_an_item_is_answered_by_the_application_clause_not_a_summary(
        policy_assistant: PolicyAssistant) -> None:
    # "详述…审核方式…和证明材料" only says the (unheld) rules detail it; the application clause says how.
    answer = policy_assistant.answer("智能产品创新扶持专项资助怎么申报")
    assert [c.clause_id for c in answer.citations] == ["lg-ai-rules-explainer#四、（四）"]
    assert answer.text.startswith("项目单位根据申报指南要求")


def test_what_to_hand_in_is_refused_with_what_the_held_texts_say_of_it(policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("算力扶持申报需要准备哪些材料")
    assert answer.refused and "证明材料载于《实施细则》正文" in answer.text
    # The explanation's summary still answers what the rules cover.
    assert not policy_assistant.answer("实施细则的审核方式有哪几种").refused


def test_the_conditions_asked_twice_in_one_message_are_said_once(policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("实施细则对申报主体有什么要求？什么样的单位能申报？")
    lead = answer.text.split("\n")[0]
    assert answer.citations[0].clause_id == "lg-ai-rules-explainer#四、（三）"
    assert lead.count("依法登记注册") == 1
