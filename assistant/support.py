"""Decide whether the held documents support an answer, and if not, why — once, for every composer.

`Support` is the decision: answered (with the evidence that answers), or one reason the held documents
cannot answer, with a Chinese note saying so. Composers read it; none of them decides it again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from assistant.evidence import Evidence, candidate_evidence, cut_off_subject, supported
from assistant.understanding.query import Query
from retrieval.articles import ArticleLookup, find_article
from retrieval.models import Corpus, DocumentMeta, Hit, final_version
from retrieval.search import Retriever

Reason = Literal[
    "answered",
    "not_held",  # no held clause states it
    "beyond_held_copy",  # the held copy stops before what is asked
    "no_such_article",  # the named document has no such article
    "draft_only",  # only a draft says it; the question asks for the official text
    "newer_not_held",  # the document that says it reports a newer version that is not held
    "out_of_scope",
    "instruction_only",  # the message was only instructions to the assistant
]

# "What does the officially issued version say …" (not "is it official?").
_ASKS_OFFICIAL = re.compile(r"正式(?:印发|发布|出台)?(?:的|稿|版|文本)|定稿|最终稿|现行")
_ASKS_IF_OFFICIAL = re.compile(r"正式[^，。？?]{0,8}[吗么]|是不是正式|是否正式|算不算正式|正式.{0,4}了没")


@dataclass(frozen=True)
class Support:
    """Whether the held documents answer a query, the evidence that does, or why none does."""

    reason: Reason
    evidence: tuple[Evidence, ...] = ()
    note: str = ""  # why the held documents cannot answer, for the person (Chinese); "" when answered

    @property
    def answered(self) -> bool:
        return self.reason == "answered"


def cut_off_note(evidence: Evidence) -> str:
    """Where the held copy stops just as it comes to what the question asks."""
    doc, clause = evidence.hit.doc, evidence.hit.clause
    return (f"所存《{doc.short_title}》{clause.label}的原文在论及此事处中断（其后原文未收录），"
            f"相关规定应在该文件未收录的部分。")


def superseded_draft(corpus: Corpus, query: Query, evidence: list[Evidence]) -> str:
    """Why draft evidence cannot answer a question about the official version, or "".

    When the question asks what the officially issued document says and the held copy of that
    document does not say it, a draft's clause is no answer: the final text may differ.
    """
    folded = query.folded
    if not evidence or not _ASKS_OFFICIAL.search(folded) or _ASKS_IF_OFFICIAL.search(folded):
        return ""
    finals = {final_version(corpus, e.hit.doc) for e in evidence}
    held = {f for f in finals if f is not None}
    if len(held) < len(finals) or any(e.hit.doc.status != "draft-for-comment" for e in evidence):
        return ""
    titles = "、".join(f"《{corpus.documents[f].short_title}》" for f in sorted(held))
    return (f"所存的正式印发文本{titles}为部分收录，其中没有找到这项规定；征求意见稿中的相关内容"
            f"不代表正式政策，正式稿是否保留、如何规定，所存文件无法确认。")


def newer_not_held(corpus: Corpus, docs: list[DocumentMeta]) -> str:
    """When every document that answers reports a newer version the corpus does not hold: say so, or ""."""
    newer = [[d for d in doc.superseded_by if d not in corpus.documents] for doc in docs]
    if not docs or not all(newer):
        return ""
    titles = "、".join(dict.fromkeys(f"《{doc.short_title}》" for doc in docs))
    return (f"所存{titles}已被更新的版本取代，但更新后的文本未收录，现行规定可能已有变化，"
            f"所存文件无法确认。")


def newer_version_held(corpus: Corpus, doc: DocumentMeta) -> bool:
    """True when the corpus holds a version that supersedes `doc` (its final text, a named successor)."""
    return final_version(corpus, doc) is not None or any(d in corpus.documents for d in doc.superseded_by)


def article_lookups(corpus: Corpus, query: Query) -> list[ArticleLookup]:
    """The articles the query names, looked up in each document it names (the search tab's rule)."""
    return [find_article(corpus.documents[d], corpus.doc_clauses(d), locator)
            for d in sorted(query.documents) for locator in query.articles]


def _missing_article(corpus: Corpus, query: Query) -> Support | None:
    """No held document the query names has the article it names: why, or None."""
    lookups = article_lookups(corpus, query)
    if not lookups or any(lookup.found for lookup in lookups):
        return None
    beyond = [lookup for lookup in lookups if lookup.outcome == "beyond_held_copy"]
    lookup = (beyond or lookups)[0]
    reason: Reason = "beyond_held_copy" if beyond else "no_such_article"
    return Support(reason, note=lookup.message(f"《{lookup.doc.short_title}》"))


def decide_support(retriever: Retriever, query: Query, hits: list[Hit], *,
                   eligible: set[str] | None = None) -> Support:
    """Whether the retrieved clauses answer the query (`eligible`: only these clause ids may)."""
    corpus = retriever.corpus
    missing = _missing_article(corpus, query)
    if missing is not None:
        return missing
    candidates = candidate_evidence(retriever, query, hits, eligible=eligible)
    # A gap in a text whose newer version is held says nothing of what the current text states.
    cut = cut_off_subject([c for c in candidates if not (c.cut_off and newer_version_held(corpus, c.hit.doc))])
    if cut is not None:
        return Support("beyond_held_copy", note=cut_off_note(cut))
    evidence = supported(candidates)
    if not evidence:
        return Support("not_held")
    draft_only = superseded_draft(corpus, query, evidence)
    if draft_only:
        return Support("draft_only", note=draft_only)
    outdated = newer_not_held(corpus, [e.hit.doc for e in evidence[:1]])
    if outdated:
        return Support("newer_not_held", note=outdated)
    return Support("answered", tuple(evidence))
