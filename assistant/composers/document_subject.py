"""Which held document(s) a question about documents themselves is about.

A question names a document by its title, short title or an alias (`Query.named_documents`), and may name a
version of it: its draft for comment ("征求意见稿"), the text as issued ("正式稿"), or both ("征求意见稿和正式稿
各是哪天发的"). Documents belong to one family when their titles name the same policy: its draft and final
texts, the notice that puts the draft out for comment, its explanation and its interpretation
("《X》起草说明", "关于公开征求《X（征求意见稿）》意见的通知", "X（2026年）" all name X).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from assistant.composers.draft import status_subject
from assistant.evidence import related_documents
from assistant.understanding.document_asks import mentioned_versions
from retrieval.models import ABOUT_TYPES, DRAFT_MARKS, Corpus, DocumentMeta, final_version
from retrieval.text import compact, fold

_PARENTHESES = re.compile(r"[（(][^）)]*[）)]")
_TITLED = re.compile(r"《([^》]+)》")


def bare_title(title: str) -> str:
    """A title as users spell it: folded, without spaces, parenthesised parts and title marks."""
    return _PARENTHESES.sub("", compact(fold(title))).strip("《》")


def family_key(doc: DocumentMeta) -> str:
    """The policy a document's title names: the titled document inside it ("《X》起草说明" → X), else the
    title itself, without parenthesised parts (a year, a draft mark)."""
    title = compact(fold(doc.title))
    for mark in DRAFT_MARKS:
        title = title.replace(compact(fold(mark)), "")
    inner = _TITLED.search(title)
    return bare_title(inner.group(1) if inner else title)


def family(corpus: Corpus, doc: DocumentMeta) -> list[DocumentMeta]:
    """The held documents that name the same policy as `doc` (itself first)."""
    key = family_key(doc)
    return [doc, *(d for d in corpus.documents.values() if d.doc_id != doc.doc_id and family_key(d) == key)]


def version_of(corpus: Corpus, doc: DocumentMeta, version: str) -> DocumentMeta | None:
    """The held draft ("draft") or issued text ("final") of the policy `doc` is a version of; None when it
    is no version of a policy (an explanation, a notice) or that version is not held. Versions are linked
    by `supersedes`/`superseded_by`, or by a title that differs only by the draft mark."""
    if doc.doc_type in ABOUT_TYPES:
        return None
    docs = corpus.documents
    linked = [doc, *(docs[i] for i in (*doc.supersedes, *doc.superseded_by) if i in docs),
              *(d for d in docs.values() if doc.doc_id in (*d.supersedes, *d.superseded_by))]
    final = final_version(corpus, doc)
    if final:
        linked.append(docs[final])
    linked += [d for d in docs.values() if final_version(corpus, d) == doc.doc_id]
    return next((d for d in linked if d.doc_type not in ABOUT_TYPES
                 and (d.status == "draft-for-comment") == (version == "draft")), None)


def spells(question: str, doc: DocumentMeta) -> bool:
    """True when a question spells out a title of `doc` (not only an alias it shares with other documents)."""
    return _spelled(doc, compact(fold(question))) > 0


def _spelled(doc: DocumentMeta, folded: str) -> int:
    """How long a title of `doc` the (folded, compacted) question spells out; 0 when none."""
    return max((len(t) for t in (bare_title(doc.title), bare_title(doc.short_title)) if t and t in folded), default=0)


# The words by which a question names a document that is about a policy, by its kind.
_KIND_WORDS = {"notice": re.compile(r"通知|公告"), "explanation": re.compile(r"说明"),
               "interpretation": re.compile(r"解读")}


def names_kind(doc: DocumentMeta, folded: str) -> bool:
    """True when a (folded) question names the kind of document `doc` is about a policy as."""
    words = _KIND_WORDS.get(doc.doc_type)
    return words is not None and words.search(folded) is not None


def subject_document(corpus: Corpus, named: Mapping[str, int], question: str = "") -> DocumentMeta | None:
    """The one document a question is about: the one whose title it spells out at most length (an
    interpretation's title contains its policy's), then the most named, the policy itself before its
    explanation or notice; None when it names no document, or several unrelated ones. A title spelled out
    (even one no alias lists) outranks documents named by an alias only. A word for a version ("征求意见稿",
    "正式稿") names every draft or final: beside a document named by more of its names, it names no other."""
    folded = compact(fold(question))
    spelled = {d: _spelled(corpus.documents[d], folded) for d in corpus.documents}
    candidates = {d: named.get(d, 0) for d in corpus.documents if d in named or spelled[d]}
    if any(spelled[d] for d in candidates):
        candidates = {d: n for d, n in candidates.items() if spelled[d]}
    if not candidates:
        return None
    rank = {d: (spelled[d], n) for d, n in candidates.items()}
    most = max(rank.values())
    if mentioned_versions(question) and most[1] > 1:
        candidates = {d: n for d, n in candidates.items() if n > 1 or spelled[d]}
    top = sorted(d for d, r in rank.items() if r == most)
    # Of a policy's documents named alike, the kind the question names ("…征求意见的通知是哪个单位发的").
    top = [d for d in top if names_kind(corpus.documents[d], folded)] or top
    subject = status_subject(corpus, corpus.documents[top[0]], set(top))
    # Naming a document names its explanation, interpretation or notice too; naming two others, two subjects.
    related = related_documents(corpus.documents, {subject.doc_id}) | {d.doc_id for d in family(corpus, subject)}
    alone = all(d in related or subject.doc_id in related_documents(corpus.documents, {d}) for d in candidates)
    return subject if alone else None


def subject_documents(corpus: Corpus, named: Mapping[str, int], question: str,
                      versions: frozenset[str] = frozenset()) -> list[DocumentMeta]:
    """The documents a question is about, in the order draft, final when it names versions of a policy
    whose draft and final texts are both held ("征求意见稿和正式稿" → both; "正式稿" → the final); else the
    one `subject_document`, or none."""
    if versions:
        folded = compact(fold(question))
        rank = {d: (_spelled(corpus.documents[d], folded), named.get(d, 0)) for d in corpus.documents}
        top = max((r for d, r in rank.items() if any(r)), default=None)
        tied = sorted(d for d, r in rank.items() if r == top)
        families = {frozenset(f.doc_id for f in family(corpus, corpus.documents[d])) for d in tied}
        if len(families) > 1:
            return []  # a bare version word ("征求意见稿") names several policies' drafts alike: none surely
        for doc_id in tied:  # the policy named most surely
            doc = corpus.documents[doc_id]
            pair = [version_of(corpus, doc, v) for v in ("draft", "final")]
            if all(pair):
                return [p for p, v in zip(pair, ("draft", "final"), strict=True) if p is not None and v in versions]
    by_family: dict[frozenset[str], dict[str, int]] = {}
    for doc_id, count in named.items():
        key = frozenset(f.doc_id for f in family(corpus, corpus.documents[doc_id]))
        by_family.setdefault(key, {})[doc_id] = count
    if len(by_family) > 1 and _EACH.search(question):
        # "A和B各是哪个单位印发的": each policy's own facts, the one document of each it is surely about.
        each = [subject_document(corpus, docs, question) for docs in by_family.values()]
        return [d for d in each if d is not None]
    subject = subject_document(corpus, named, question)
    return [subject] if subject is not None else []


_EACH = re.compile(r"各|分别|各自|(?:each|respectively)")
