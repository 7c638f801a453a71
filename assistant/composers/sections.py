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
from assistant.composers.document_subject import family
from assistant.composers.draft import DRAFT_NOTE, PARTIAL_COPY, Draft
from assistant.evidence import is_cut, sentences
from assistant.parts import (
    ABOUT_ASKED,
    Unit,
    division_head,
    division_label,
    division_title,
    divisions_named,
    held_divisions,
)
from assistant.resources import Resources
from assistant.stated_facts import division_described
from retrieval.models import Clause, Corpus, DocumentMeta, cite, final_version
from retrieval.text import fold

# A division is asked as a whole when nothing more specific is (an amount, a date: the clause stating it
# answers those); "status" comes with naming a draft and its final version.
_WHOLE = frozenset({"list", "count", "quantity", "status"})
MAX_ITEMS = 8  # items listed under a heading; the rest are in the cited document
# Asked for the division's name only ("标题是什么", "叫什么"): its heading answers, without its items.
# ("第一部分是“…”，正式稿改成什么了": its name, as the question gives the other version's)
_NAME_ASKED = re.compile(r"标题|题目|名称|叫什么|(?:改|换|变)(?:成|为|叫)了?(?:什么|啥)|title|heading|called|named")
# Asked what a division is about as a whole ("第七章讲什么", "主要内容"), not a particular of it.


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
    doc_ids = documents_asked(res.corpus, query.named_documents)
    found = sections_asked(res.corpus, query.text, doc_ids)
    if not found:
        return _described(res.corpus, query.text, doc_ids, draft)
    for section in found[:2]:
        # Asked its name, the title's own line where the held copy has it; asked what it holds, the first item under
        # it, which the heading's citation shares.
        name_asked = bool(_NAME_ASKED.search(query.folded))
        headed = (name_asked and res.corpus.title_clause(section.doc.doc_id, section.heading)) or section.clauses[0]
        first = cite(headed, section.doc, section.heading)
        title, marker = f"《{section.doc.short_title}》", draft.marker(first)
        if query.language == "en":
            draft.lines.append(f"{section.unit_en} {section.number} of {title} is “{section.heading}”{marker}.")
            draft.calculations.append(f"{section.unit_en} {section.number} = {section.label}")  # the heading's ordinal
        else:
            draft.lines.append(f"{title}{section.label}是“{section.heading}”{marker}。")
        for clause in () if name_asked else section.clauses[:MAX_ITEMS]:
            line = _first_line(clause, section.heading)
            draft.lines.append(f"· {line}{draft.marker(cite(clause, section.doc, line))}")
        if section.doc.status == "draft-for-comment":
            draft.caveats.append(DRAFT_NOTE.format(title=section.doc.short_title))
        if section.doc.is_partial:
            draft.caveats.append(PARTIAL_COPY)
    return DONE


def _described(corpus: Corpus, text: str, doc_ids: list[str], draft: Draft) -> Step:
    """A chapter the held copy lacks, described by a held text about the document ("第七章监督检查,共4条,阐述
    ……" in its interpretation): that sentence, cited, is the answer."""
    for doc_id in doc_ids[:1]:
        doc = corpus.documents[doc_id]
        texts = [(d, corpus.doc_clauses(d.doc_id)) for d in family(corpus, doc)]
        for unit, number in divisions_named(text):
            if number in held_divisions(corpus, doc, unit):
                continue
            stated = division_described(texts, division_label(unit, number))
            if stated is not None:
                marker = draft.marker(cite(stated.clause, stated.doc, stated.sentence))
                parts = sentences(stated.clause.text)
                cut = is_cut(stated.clause, stated.doc, parts.index(stated.sentence), parts)
                if cut and not ABOUT_ASKED.search(fold(text)):
                    return NEXT  # a description broken off says what the chapter is about, nothing more specific
                said = stated.value.rstrip("。") + ("……（其后原文未收录）" if cut else "")
                draft.lines.append(f"据《{stated.doc.short_title}》，{said}{marker}。")
                if doc.is_partial and stated.doc is not doc:
                    draft.caveats.append(f"所存《{doc.short_title}》副本未收录{division_label(unit, number)}原文，"
                                         f"以上是《{stated.doc.short_title}》的概述。")
                return DONE
    return NEXT

