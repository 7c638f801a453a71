"""`Support`: one decision, with its reason, on whether the held documents answer a question."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.service import PolicyAssistant
from assistant.support import decide_support, newer_not_held
from assistant.understanding.query import understand
from retrieval.articles import article_locator
from retrieval.models import Corpus, DocumentMeta
from retrieval.numerals import arabic_to_chinese

_DOC = DocumentMeta(doc_id="old-measures", title="某区示例扶持措施", short_title="示例措施", issuer="某区政府",
                    level="district", doc_type="measures", status="official", language="zh",
                    completeness="full", source="test")


@pytest.mark.parametrize(("superseded_by", "held", "says_newer"), [
    ((), False, False),  # no newer version reported
    (("new-measures",), False, True),  # reported, not held: the held text may be out of date
    (("new-measures",), True, False),  # reported and held: the newer one answers for itself
])
def test_a_newer_version_reported_but_not_held(superseded_by: tuple[str, ...], held: bool,
                                               says_newer: bool) -> None:
    doc = replace(_DOC, superseded_by=superseded_by)
    docs = {doc.doc_id: doc}
    if held:
        docs["new-measures"] = replace(_DOC, doc_id="new-measures", supersedes=(doc.doc_id,))
    note = newer_not_held(Corpus(documents=docs, clauses=(), fingerprint="t"), [doc])
    assert bool(note) is says_newer
    if says_newer:
        assert "《示例措施》" in note and "未收录" in note


def _full_document_with_articles(assistant: PolicyAssistant) -> tuple[DocumentMeta, int]:
    corpus = assistant.corpus
    for doc in assistant.documents():
        articles = [c for c in corpus.doc_clauses(doc.doc_id) if c.kind == "article"]
        if doc.completeness == "full" and not doc.gaps and len(articles) >= 3:
            return doc, len(articles)
    raise AssertionError("the corpus holds no complete document with articles")


def test_an_article_the_named_document_does_not_have(policy_assistant: PolicyAssistant) -> None:
    doc, count = _full_document_with_articles(policy_assistant)
    missing = article_locator(count + 40)
    query = understand(f"《{doc.short_title}》{missing}是怎么规定的？", [], policy_assistant.retriever,
                       policy_assistant.rules)
    hits = policy_assistant.retriever.search(query.text, k=10)
    support = decide_support(policy_assistant.retriever, query, hits)
    assert support.reason == "no_such_article" and not support.answered
    assert f"共{arabic_to_chinese(count)}条" in support.note and missing in support.note
    answer = policy_assistant.answer(query.text)
    assert answer.refused and not answer.citations
    assert missing in answer.text


def test_an_article_the_named_document_has_is_not_refused_for_it(policy_assistant: PolicyAssistant) -> None:
    doc, _ = _full_document_with_articles(policy_assistant)
    query = understand(f"《{doc.short_title}》{article_locator(2)}是怎么规定的？", [], policy_assistant.retriever,
                       policy_assistant.rules)
    support = decide_support(policy_assistant.retriever, query, policy_assistant.retriever.search(query.text, k=10))
    assert support.reason not in ("no_such_article", "beyond_held_copy")
