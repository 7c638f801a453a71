"""A part or chapter asked as a whole: its heading from the held structure, never another division's."""

from __future__ import annotations

from assistant.composers.sections import documents_asked, sections_asked
from assistant.service import PolicyAssistant
from retrieval.models import Clause, Corpus, DocumentMeta

PLAN = DocumentMeta(doc_id="t-plan", title="某市示例行动方案", short_title="示例方案", issuer="某市工业和信息化局",
                    level="municipal", doc_type="action_plan", status="official", language="zh",
                    completeness="partial", source="test")
DRAFT = DocumentMeta(doc_id="t-plan-draft", title="某市示例行动方案（征求意见稿）", short_title="示例方案征求意见稿",
                     issuer="某市工业和信息化局", level="municipal", doc_type="action_plan", status="draft-for-comment",
                     language="zh", completeness="partial", source="test", superseded_by=("t-plan",))
LAW = DocumentMeta(doc_id="t-law", title="某市示例条例", short_title="示例条例", issuer="某市人大常委会",
                   level="municipal", doc_type="regulation", status="official", language="zh", completeness="full",
                   source="test")


def _clause(doc: str, locator: str, head: str, text: str, n: int) -> Clause:
    return Clause(f"{doc}#{locator}", doc, locator, "item", (head,), text, n)


CORPUS = Corpus({"t-plan": PLAN, "t-plan-draft": DRAFT, "t-law": LAW}, (
    _clause("t-plan", "一、（一）", "一、夯实算力底座", "一、夯实算力底座\n（一）建设示例算力平台。其余内容。", 0),
    _clause("t-plan", "一、（二）", "一、夯实算力底座", "（二）发放示例券。每年发放。", 1),
    _clause("t-plan", "二、（一）", "二、繁荣应用生态", "（一）打造示例场景。", 2),
    _clause("t-plan-draft", "一、（一）", "一、加快模型迭代", "（一）支持示例模型。", 0),
    _clause("t-law", "第一条", "第一章 总则", "第一条 为了示例，制定本条例。", 0),
    _clause("t-law", "第二条", "第二章 示例数据", "第二条 处理示例数据应当合法。", 1),
    _clause("t-law", "第三条", "第二章 示例数据", "第三条 示例数据不得滥用。", 2),
), "t")


def test_a_part_and_a_chapter_by_their_headings() -> None:
    part, = sections_asked(CORPUS, "示例方案第一部分讲了什么", ["t-plan"])
    assert (part.label, part.heading) == ("第一部分", "一、夯实算力底座")
    assert [c.locator for c in part.clauses] == ["一、（一）", "一、（二）"]  # never the second part's item
    chapter, = sections_asked(CORPUS, "What does chapter 2 of the regulation cover?", ["t-law"])
    assert (chapter.label, chapter.heading) == ("第二章", "第二章 示例数据")
    assert [c.locator for c in chapter.clauses] == ["第二条", "第三条"]


def test_a_division_not_held_is_not_answered_here() -> None:
    assert sections_asked(CORPUS, "示例方案第三部分的标题", ["t-plan"]) == []
    assert sections_asked(CORPUS, "示例条例第九章", ["t-law"]) == []


def test_a_draft_and_its_final_named_together_are_both_asked() -> None:
    assert documents_asked(CORPUS, {"t-plan": 1, "t-plan-draft": 1, "t-law": 1}) == ["t-plan-draft", "t-plan"]
    assert documents_asked(CORPUS, {"t-plan": 2, "t-law": 1}) == ["t-plan"]


def test_the_answer_leads_with_the_heading_and_cites_each_item(policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("深圳经济特区数据条例的第三章主要规定哪方面？")
    assert answer.text.startswith("《深圳经济特区数据条例》第三章是“第三章 公共数据”[1]。")
    assert answer.citations and all(c.doc_id == "sz-data-regulation-2021" for c in answer.citations)
    for citation in answer.citations:  # every item quoted is under that chapter
        clause = policy_assistant.clause(citation.clause_id)
        assert clause is not None and clause.heading_path[0] == "第三章 公共数据"


def test_asked_for_its_name_the_heading_alone_answers(policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("深圳经济特区数据条例第三章的标题叫什么")
    assert answer.text.startswith("《深圳经济特区数据条例》第三章是“第三章 公共数据”[1]。")
    assert len(answer.citations) == 1


def test_a_parts_title_is_quoted_from_its_own_line(policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("先锋城市若干措施正式印发的那版，第一部分题目是啥")
    assert answer.text.startswith("《深圳市人工智能先锋城市若干措施》第一部分是“一、丰富生态要素供给”[1]。")
    title = policy_assistant.clause(answer.citations[0].clause_id)
    assert title is not None and title.text == "一、丰富生态要素供给", "the title's line, not the first item under it"


def test_an_english_question_gets_an_english_lead(policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("What is chapter 3 of the Shenzhen data regulation about?")
    assert answer.text.startswith("Chapter 3 of 《深圳经济特区数据条例》 is “第三章 公共数据”[1].")


def test_a_chapter_described_only_in_part_answers_what_it_is_about_not_its_particulars(
        policy_assistant: PolicyAssistant) -> None:
    # The interpretation's description of chapter 7 breaks off where the held copy stops.
    about = policy_assistant.answer("2026年工信资金管理办法第七章主要内容是什么")
    assert not about.refused and "监督检查" in about.text and "其后原文未收录" in about.text
    particular = policy_assistant.answer("2026年工信资金管理办法第七章中专项审计查出问题的如何处理")
    assert "监督检查,共4条" not in particular.text.split("\n")[0]
