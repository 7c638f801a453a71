"""A part or chapter of a document named by its ordinal ("第三部分", "part 3", "第五章"): answered from it when
held, and otherwise refused with the reason — the held copy stops before it, or the document has no such part."""

from __future__ import annotations

import re

import pytest

from assistant.parts import divisions_named, held_divisions, held_parts, missing_parts, parts_named
from assistant.service import PolicyAssistant
from assistant.support import decide_support, refusal_title
from assistant.understanding.query import understand
from retrieval.models import Clause, Corpus, DocumentMeta
from retrieval.numerals import arabic_to_chinese


def _doc(doc_id: str, completeness: str, gaps: tuple[int, ...] = ()) -> DocumentMeta:
    return DocumentMeta(doc_id=doc_id, title=f"某市示例行动方案{doc_id}", short_title=f"示例方案{doc_id}",
                        issuer="某市人民政府办公厅（转载）", level="municipal", doc_type="action_plan",
                        status="official", language="zh", completeness=completeness, source="test", gaps=gaps)


_PARTIAL = _doc("a", "partial", gaps=(3,))
_FULL = _doc("b", "full")
_CLAUSES = (
    Clause("a#序言", "a", "序言", "preamble", (), "为推动示例产业发展，制定本方案。", 0),
    Clause("a#一、（一）", "a", "一、（一）", "item", ("一、夯实算力底座",), "（一）建设公共算力平台。", 1),
    Clause("a#一、（二）", "a", "一、（二）", "item", ("一、夯实算力底座",), "（二）发放算力券。", 2),
    Clause("b#一、（一）", "b", "一、（一）", "item", ("一、夯实算力底座",), "（一）建设公共算力平台。", 0),
    Clause("b#二、（一）", "b", "二、（一）", "item", ("二、丰富应用场景",), "（一）开放示范场景。", 1),
)
_LAW = DocumentMeta(doc_id="law", title="某市示例数据条例", short_title="示例条例", issuer="某市人大常委会", level="municipal",
                    doc_type="regulation", status="official", language="zh", completeness="partial", source="test")
_GUIDE = DocumentMeta(doc_id="law-guide", title="《某市示例数据条例》解读", short_title="条例解读", issuer="某市司法局",
                      level="municipal", doc_type="interpretation", status="official", language="zh",
                      completeness="full", source="test")
_CLAUSES = (
    *_CLAUSES,
    Clause("law#第一条", "law", "第一条", "article", ("第一章 总则",), "第一条 为规范数据处理，制定本条例。", 0),
    Clause("law#第九条", "law", "第九条", "article", ("第二章 个人数据",), "第九条 处理个人数据应当告知。", 1),
    Clause("law-guide#一、", "law-guide", "一、", "section", (), "一、第三章公共数据，共5条，阐述公共数据的开放。", 0),
)
_CORPUS = Corpus(documents={"a": _PARTIAL, "b": _FULL, "law": _LAW, "law-guide": _GUIDE}, clauses=_CLAUSES,
                 fingerprint="t")


@pytest.mark.parametrize(("question", "parts"), [
    ("这个方案第二部分讲了啥", (2,)),
    ("方案的第3部分怎么支持企业", (3,)),
    ("第一大部分和第二部分有什么区别", (1, 2)),
    ("What does part 2 of the plan cover?", (2,)),
    ("What does Part two say about vouchers?", (2,)),
    ("Is there money in the third section?", (3,)),
    ("第二条怎么规定的", ()),  # an article, not a part
    ("两部分内容都要看吗", ()),  # no ordinal
])
def test_the_part_a_question_names(question: str, parts: tuple[int, ...]) -> None:
    assert parts_named(question) == parts


@pytest.mark.parametrize(("question", "divisions"), [
    ("条例第五章讲了什么", (("章", 5),)),
    ("What does chapter 3 of the regulation say?", (("章", 3),)),
    ("第二部分和第三章", (("部分", 2), ("章", 3))),
])
def test_the_chapters_a_question_names(question: str, divisions: tuple[tuple[str, int], ...]) -> None:
    assert divisions_named(question) == divisions


def test_a_chapter_beyond_a_partial_copy_and_one_an_interpretation_describes() -> None:
    assert sorted(held_divisions(_CORPUS, _LAW, "章")) == [1, 2]
    [lookup] = missing_parts(_CORPUS, ["law"], "示例条例第五章怎么规定的")
    assert lookup.beyond_held_copy and "只收录了第一章、第二章的内容，第五章的原文未收录" in lookup.message("《示例条例》")
    # the interpretation says what chapter three is about: that answers, not a refusal
    assert missing_parts(_CORPUS, ["law"], "示例条例第三章讲什么", frozenset({"law", "law-guide"})) == []
    assert missing_parts(_CORPUS, ["law"], "示例条例第二章讲什么") == []


def test_the_parts_a_held_copy_has_and_their_headings() -> None:
    assert held_parts(_CORPUS, _PARTIAL) == {1: "一、夯实算力底座"}
    assert sorted(held_parts(_CORPUS, _FULL)) == [1, 2]


def test_a_part_beyond_a_partial_copy_is_refused_with_what_is_held_and_whom_to_ask() -> None:
    [lookup] = missing_parts(_CORPUS, ["a"], "示例方案第二部分怎么支持应用？")
    assert lookup.beyond_held_copy
    note = lookup.message("《示例方案a》")
    assert "只收录了第一部分" in note and "第二部分的原文未收录" in note
    assert "某市人民政府办公厅" in note and "转载" not in note  # the issuer, without the copy's remark
    assert not re.search(r"\d", note)  # a refusal shows no figure


def test_a_part_a_complete_document_does_not_have() -> None:
    [lookup] = missing_parts(_CORPUS, ["b"], "part 3 of the plan")
    assert not lookup.beyond_held_copy
    assert lookup.message("《示例方案b》") == "《示例方案b》共二个部分，没有第三部分。"


@pytest.mark.parametrize(("doc_ids", "question"), [
    (["a"], "示例方案第一部分有哪些措施"),  # held: answered from it
    (["b"], "the second part of the plan"),
    (["a"], "示例方案有哪些措施"),  # no part named
])
def test_a_held_part_or_no_part_named_is_not_refused_for_it(doc_ids: list[str], question: str) -> None:
    assert missing_parts(_CORPUS, doc_ids, question) == []


def _partial_document_in_parts(assistant: PolicyAssistant) -> tuple[DocumentMeta, int]:
    corpus = assistant.corpus
    for doc in assistant.documents():
        parts = held_parts(corpus, doc)
        if doc.is_partial and doc.language == "zh" and parts and doc.doc_id in corpus.documents:
            return doc, max(parts)
    raise AssertionError("the corpus holds no partial document numbered in parts")


def test_a_part_the_held_copy_stops_before_is_refused_end_to_end(policy_assistant: PolicyAssistant) -> None:
    doc, last = _partial_document_in_parts(policy_assistant)
    asked = f"第{arabic_to_chinese(last + 1)}部分"
    query = understand(f"《{doc.short_title}》{asked}主要讲怎么扶持企业？", [], policy_assistant.retriever,
                       policy_assistant.rules)
    hits = policy_assistant.retriever.search(query.text, k=8)
    support = decide_support(policy_assistant.retriever, query, hits)
    assert support.reason == "beyond_held_copy" and not support.answered
    assert refusal_title(doc) in support.note and f"{asked}的原文未收录" in support.note
    answer = policy_assistant.answer(query.text)
    assert answer.refused and not answer.citations and asked in answer.text


def test_a_held_part_is_answered_end_to_end(policy_assistant: PolicyAssistant) -> None:
    doc, _ = _partial_document_in_parts(policy_assistant)
    query = understand(f"《{doc.short_title}》第一部分主要有哪些措施？", [], policy_assistant.retriever,
                       policy_assistant.rules)
    hits = policy_assistant.retriever.search(query.text, k=8)
    assert decide_support(policy_assistant.retriever, query, hits).reason != "beyond_held_copy"
