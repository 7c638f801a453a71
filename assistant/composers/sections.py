"""A part or chapter of a named document asked as a whole ("第一部分的标题是什么", "第二章讲什么", "What does
part 1 cover?"): its heading first, then the first line of each item under it, each cited.

A division held in the copy is read from the structure the parser kept (a clause's heading path), never from
another division; one not held is the support decision's refusal (`assistant.parts.missing_parts`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from assistant.composers.base import DONE, NEXT, Context, Step
from assistant.composers.draft import DRAFT_NOTE, PARTIAL_COPY, Draft
from assistant.evidence import sentences
from assistant.parts import Unit, division_head, division_label, division_title, divisions_named, held_divisions
from assistant.resources import Resources
from retrieval.models import Clause, Corpus, DocumentMeta, cite, final_version

# A division is asked as a whole when nothing more specific is (an amount, a date: the clause stating it
# answers those); "status" comes with naming a draft and its final version.
_WHOLE = frozenset({"list", "count", "quantity", "status"})
MAX_ITEMS = 8  # items listed under a heading; the rest are in the cited document
# Asked for the division's name only ("标题是什么", "叫什么"): its heading answers, without its items.
_NAME_ASKED = re.compile(r"标题|题目|名称|叫什么|title|heading|called|named")


@dataclass(frozen=True)
class Section:
    """A part or chapter of a held document: how it is named, its heading line and the clauses under it."""

    doc: DocumentMeta
    unit: Unit
    number: int
    heading: str
    clauses: tuple[Clause, ...]

    @property
    def label(self) -> str:
        """第一部分 / 第二章."""
        return division_label(self.unit, self.number)

    @property
    def unit_en(self) -> str:
        return "Part" if self.unit == "部分" else "Chapter"


def documents_asked(corpus: Corpus, named: Mapping[str, int]) -> list[str]:
    """The documents a division question is about: a draft and its final version when both are named, else
    those named by the most names."""
    finals = {d: f for d in named if (f := final_version(corpus, corpus.documents[d])) is not None and f in named}
    if finals:
        return sorted(finals) + sorted(set(finals.values()))
    most = max(named.values(), default=0)
    return sorted(d for d, n in named.items() if n == most)


def sections_asked(corpus: Corpus, text: str, doc_ids: list[str]) -> list[Section]:
    """The titled divisions a question names that the held copies of `doc_ids` hold, document by document."""
    found = []
    for doc_id in doc_ids:
        doc = corpus.documents[doc_id]
        for unit, number in divisions_named(text):
            heading = held_divisions(corpus, doc, unit).get(number)
            if heading is None or not division_title(unit, heading):
                continue  # not held (refused by the support decision), or numbered without a title ("一、")
            clauses = tuple(c for c in corpus.doc_clauses(doc_id) if division_head(c) == heading)
            found.append(Section(doc, unit, number, heading.strip(), clauses))
    return found


def _first_line(clause: Clause, heading: str) -> str:
    """What an item says first, without the division heading its clause may repeat."""
    text = clause.text.strip()
    text = text[len(heading):].strip() if text.startswith(heading) else text
    return (sentences(text) or [heading])[0]


def section_lookup(res: Resources, context: Context, draft: Draft) -> Step:
    """A named part or chapter asked as a whole: its heading first, then its items, each cited."""
    query = context.query
    if context.checks or context.eligibility or query.articles or query.kinds - _WHOLE:
        return NEXT
    found = sections_asked(res.corpus, query.text, documents_asked(res.corpus, query.documents))
    if not found:
        return NEXT
    for section in found[:2]:
        first = cite(section.clauses[0], section.doc, section.heading)
        title, marker = f"《{section.doc.short_title}》", draft.marker(first)
        if query.language == "en":
            draft.lines.append(f"{section.unit_en} {section.number} of {title} is “{section.heading}”{marker}.")
            draft.calculations.append(f"{section.unit_en} {section.number} = {section.label}")  # the heading's ordinal
        else:
            draft.lines.append(f"{title}{section.label}是“{section.heading}”{marker}。")
        for clause in () if _NAME_ASKED.search(query.folded) else section.clauses[:MAX_ITEMS]:
            line = _first_line(clause, section.heading)
            draft.lines.append(f"· {line}{draft.marker(cite(clause, section.doc, line))}")
        if section.doc.status == "draft-for-comment":
            draft.caveats.append(DRAFT_NOTE.format(title=section.doc.short_title))
        if section.doc.is_partial:
            draft.caveats.append(PARTIAL_COPY)
    return DONE
