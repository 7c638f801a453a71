"""Where a quoted formulation comes from: the held clauses containing it word for word, never a near match."""

from __future__ import annotations

from types import SimpleNamespace

from assistant.composers.base import DONE, NEXT, Context
from assistant.composers.draft import Draft
from assistant.composers.source import phrase_source
from assistant.service import PolicyAssistant
from assistant.support import Support
from assistant.understanding.asks import asked
from assistant.understanding.query import quoted_phrases
from retrieval.models import Clause, Corpus, DocumentMeta
from retrieval.text import fold


def _doc(doc_id: str, status: str = "official") -> DocumentMeta:
    return DocumentMeta(doc_id=doc_id, title=f"某市示例方案{doc_id}", short_title=f"示例方案{doc_id}", issuer="某市政府",
                        level="municipal", doc_type="action_plan", status=status, language="zh", completeness="full",
                        source="test")


_CORPUS = Corpus(
    {"a": _doc("a"), "b": _doc("b", "draft-for-comment")},
    (Clause("a#一、（一）", "a", "一、（一）", "item", (), "（一）构建“一核多极”算力体系。建设公共算力平台。", 0),
     Clause("a#一、（二）", "a", "一、（二）", "item", (), "（二）推进一核多极布局。", 1),
     Clause("b#一、", "b", "一、", "item", (), "一、总体要求。坚持一核 多极，协同发展。", 0)),
    "t")


def _run(question: str) -> tuple[Draft, object]:
    query = SimpleNamespace(asks=asked(question), quoted=tuple(quoted_phrases(question)), folded=fold(question))
    context = Context(query=query, hits=[], support=Support("not_held"), intent="policy")  # type: ignore[arg-type]
    draft = Draft()
    return draft, phrase_source(SimpleNamespace(corpus=_CORPUS), context, draft)  # type: ignore[arg-type]


def test_a_quoted_phrase_is_traced_to_each_document_containing_it() -> None:
    draft, step = _run("“一核多极”是哪个文件提出来的")
    assert step == DONE
    assert draft.lines[0] == "这一提法出自《示例方案a》一、（一）[1]、《示例方案b》一、[2]。"
    assert draft.lines[1] == "原文（《示例方案a》一、（一））：“（一）构建“一核多极”算力体系。”"
    # the first clause of each document; a space inside the text does not hide it; a draft is said to be one
    assert [c.clause_id for c in draft.citations] == ["a#一、（一）", "b#一、"]
    assert any("征求意见稿" in c for c in draft.caveats)


def test_a_phrase_no_held_text_contains_or_no_source_asked_goes_on() -> None:
    assert _run("“一核三极”是哪个文件提出的")[1] == NEXT  # the support decision says it does not occur
    assert _run("“一核多极”是什么意思")[1] == NEXT  # a definition, not a source, is asked
    assert _run("“算力”出自哪里")[1] == NEXT  # a word, not a formulation


def test_end_to_end_a_slogan_is_traced_to_its_clause(policy_assistant: PolicyAssistant) -> None:
    phrase, clause = next((p, c) for c in policy_assistant.corpus.clauses if "“" in c.text
                          and len(p := c.text.split("“", 1)[1].split("”", 1)[0]) >= 6)
    answer = policy_assistant.answer(f"“{phrase}”这个提法出自哪个文件")
    assert not answer.refused and clause.doc_id in {c.doc_id for c in answer.citations}
    assert answer.text.startswith("这一提法出自《")


def test_an_unquoted_formulation_long_enough_is_traced_too() -> None:
    draft, step = _run("构建一核多极算力体系是哪份文件提的")
    assert step == DONE and draft.citations[0].clause_id == "a#一、（一）"
    assert _run("算力是哪个文件提出的")[1] == NEXT  # a word, not a formulation
