"""Plain data types shared across retrieval, prechecks and the assistant.

A `Clause` is the smallest citable unit of a policy document; everything the product shows a user
points back to one by its stable id ``"{doc_id}#{locator}"``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Level = Literal["national", "provincial", "municipal", "district"]
DocType = Literal[
    "regulation", "law", "measures", "rules", "action_plan", "fund_regulation",
    "opinions", "notice", "explanation", "interpretation",
]
DocStatus = Literal["official", "draft-for-comment", "expired"]
ClauseKind = Literal["preamble", "section", "article", "item", "table_row", "table"]

GAP_MARKER = "〔以下原文未收录〕"
# A table row's clause ends with the row as the document prints it ("| 1 | 名称 | 12000 |"), after its cells read
# with their headers: a search for the printed row finds it; quotes show the readable part (`Clause.shown_text`).
PRINTED_ROW = "原表格行"

STATUS_LABELS: dict[str, str] = {
    "official": "正式",
    "draft-for-comment": "征求意见稿",
    "expired": "已失效",
}


@dataclass(frozen=True)
class DocumentMeta:
    """Provenance front matter of one policy document (see DESIGN.md, corpus file format)."""

    doc_id: str
    title: str
    short_title: str
    issuer: str
    level: Level
    doc_type: DocType
    status: DocStatus
    language: str
    completeness: Literal["full", "partial"]
    source: str
    doc_number: str | None = None
    published: str | None = None
    effective_from: str | None = None
    effective_to: str | None = None
    # The issuer's own address for the text; `source` is only where this copy came from (provenance).
    official_url: str | None = None
    supersedes: tuple[str, ...] = ()
    superseded_by: tuple[str, ...] = ()
    notes: str | None = None
    # Ordinals of the clauses before which the held copy has a gap (`〔以下原文未收录〕`);
    # an ordinal equal to the clause count means the gap is at the end.
    gaps: tuple[int, ...] = ()

    @property
    def status_label(self) -> str:
        """The status as users read it: 正式 / 征求意见稿 / 已失效."""
        return STATUS_LABELS[self.status]

    @property
    def is_partial(self) -> bool:
        """True when the held copy is not the whole document."""
        return self.completeness == "partial" or bool(self.gaps)


@dataclass(frozen=True)
class Clause:
    """One citable unit: an article, a numbered item, a section lead, a preamble, a table row or a whole table."""

    clause_id: str  # "{doc_id}#{locator}"
    doc_id: str
    locator: str  # "第十二条", "一、（二）", "1.(2)", "表1/4", "序言"
    kind: ClauseKind
    heading_path: tuple[str, ...]  # headings above this clause, outermost first
    text: str  # the clause text as published (heading line included)
    ordinal: int  # position in the document, from 0

    @property
    def label(self) -> str:
        """What a citation shows after the document title, e.g. ``一、（二）``."""
        return self.locator

    @property
    def shown_text(self) -> str:
        """The text a quote shows: a table row's cells with their headers, without the printed row."""
        return self.text.split(f"｜{PRINTED_ROW}：", 1)[0] if self.kind == "table_row" else self.text


@dataclass(frozen=True)
class Citation:
    """A reference a user sees: 《short title》label, the quoted words, status and source."""

    clause_id: str
    doc_id: str
    title: str  # 《short title》
    label: str
    quote: str
    status: str  # 正式 / 征求意见稿 / 已失效
    source: str

    @property
    def display(self) -> str:
        """The citation as one line, e.g. ``《深圳市人工智能先锋城市若干措施》一、（二）``."""
        return f"{self.title}{self.label}"

    def to_dict(self) -> dict[str, str]:
        """JSON shape used by the CLI and the API."""
        return {
            "clause_id": self.clause_id,
            "doc_id": self.doc_id,
            "title": self.title,
            "label": self.label,
            "quote": self.quote,
            "status": self.status,
            "source": self.source,
        }


def cite(clause: Clause, doc: DocumentMeta, quote: str | None = None) -> Citation:
    """Build the citation of `clause`, quoting `quote` (default: the whole clause text)."""
    return Citation(
        clause_id=clause.clause_id,
        doc_id=clause.doc_id,
        title=f"《{doc.short_title}》",
        label=clause.label,
        quote=quote if quote is not None else clause.shown_text,
        status=doc.status_label,
        source=doc.source,
    )


@dataclass(frozen=True)
class Hit:
    """One ranked search result: a clause with its fused score and the scores it was fused from."""

    clause: Clause
    doc: DocumentMeta
    score: float
    sources: dict[str, int] = field(default_factory=dict)  # retriever name -> 1-based rank

    @property
    def citation(self) -> Citation:
        """The citation of the hit's clause."""
        return cite(self.clause, self.doc)

    def to_dict(self) -> dict[str, object]:
        """JSON shape of `search --json` results (DESIGN.md)."""
        return {
            "clause_id": self.clause.clause_id,
            "doc_id": self.clause.doc_id,
            "title": f"《{self.doc.short_title}》",
            "label": self.clause.label,
            "text": self.clause.text,
            "score": round(self.score, 6),
            "status": self.doc.status_label,
        }


@dataclass(frozen=True)
class Corpus:
    """All parsed documents and their clauses, in document order."""

    documents: dict[str, DocumentMeta]
    clauses: tuple[Clause, ...]  # what is searched and read
    fingerprint: str
    titles: tuple[Clause, ...] = ()  # parts' bare titles ("一、丰富生态要素供给"): cited, not searched
    # Whole tables ("表1", as printed): cited by an answer that reads every row (a list of the table's names),
    # not searched: each row is searched as its own clause.
    tables: tuple[Clause, ...] = ()

    def clause(self, clause_id: str) -> Clause | None:
        """The clause (or part title, or whole table) with this id, or None."""
        return self._by_id.get(clause_id)

    def title_clause(self, doc_id: str, heading: str) -> Clause | None:
        """The bare title line of a document's part, held as written, or None."""
        return next((c for c in self.titles if c.doc_id == doc_id and c.text == heading), None)

    def doc_clauses(self, doc_id: str) -> list[Clause]:
        """The clauses of one document, in order."""
        return [c for c in self.clauses if c.doc_id == doc_id]

    @property
    def _by_id(self) -> dict[str, Clause]:
        cached = self.__dict__.get("_by_id_cache")
        if cached is None:
            cached = {c.clause_id: c for c in (*self.clauses, *self.titles, *self.tables)}
            object.__setattr__(self, "_by_id_cache", cached)
        return cached


DRAFT_MARKS = ("（征求意见稿）", "(征求意见稿)", "（送审稿）", "(送审稿)", "（草案）", "(草案)")
# The kinds of text about a policy (its explanation, interpretation, the notice putting it out), not the policy.
ABOUT_TYPES = frozenset({"explanation", "interpretation", "notice"})


def final_version(corpus: Corpus, draft: DocumentMeta) -> str | None:
    """The doc_id of the held official version of a draft (one recorded as superseding it, or of the same title
    without the draft mark), or None."""
    if draft.status != "draft-for-comment":
        return None
    title = draft.title
    for mark in DRAFT_MARKS:
        title = title.replace(mark, "")
    return next((d.doc_id for d in corpus.documents.values() if d.status == "official"
                 and (draft.doc_id in d.supersedes or d.doc_id in draft.superseded_by)), None) \
        or next((d.doc_id for d in corpus.documents.values()
                 if d.status == "official" and d.title == title.strip()), None)
