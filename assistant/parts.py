"""The parts of a document a question names by their ordinal ("第二部分", "part 2"), against what is held.

An action plan or a set of measures is numbered in parts ("一、强化智能算力集群供给", "1. Enhancing the
supply …"), each with its items. A question about part N of a document is about that part only: when the
held copy stops before it, another part's clause is no answer, and the refusal says which part is not held.
Pure functions over the parsed corpus.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.articles import chinese_to_int
from retrieval.models import Corpus, DocumentMeta
from retrieval.numerals import arabic_to_chinese
from retrieval.text import fold

_ORDINAL_WORDS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
_CARDINAL_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
# "第二部分", "第2部分"; "part 2", "part two", "section 3"; "the second part".
_CN_PART = re.compile(r"第\s*([一二三四五六七八九十\d]{1,3})\s*(?:大)?部分")
_EN_PART = re.compile(rf"\b(?:part|section)\s+(\d{{1,2}}|{'|'.join(_CARDINAL_WORDS)})\b")
_EN_ORDINAL_PART = re.compile(rf"\b({'|'.join(_ORDINAL_WORDS)})\s+(?:part|section)\b")
# A part's heading as the parser keeps it in a clause's heading path or locator: "一、…", "1. …".
_PART_HEAD = re.compile(r"^\s*(?:([一二三四五六七八九十]{1,3})、|(\d{1,2})\.(?!\d))")


def parts_named(text: str) -> tuple[int, ...]:
    """The part numbers a question names ("第二部分" → 2, "part 2" / "the second part" → 2), in order."""
    folded = fold(text)
    found = [chinese_to_int(m.group(1)) for m in _CN_PART.finditer(folded)]
    for match in _EN_PART.finditer(folded):
        word = match.group(1)
        found.append(int(word) if word.isdigit() else _CARDINAL_WORDS.index(word) + 1)
    found += [_ORDINAL_WORDS.index(m.group(1)) + 1 for m in _EN_ORDINAL_PART.finditer(folded)]
    return tuple(dict.fromkeys(n for n in found if n))


def _part_of(text: str) -> int | None:
    match = _PART_HEAD.match(fold(text))
    if match is None:
        return None
    return chinese_to_int(match.group(1)) if match.group(1) else int(match.group(2))


def held_parts(corpus: Corpus, doc: DocumentMeta) -> dict[int, str]:
    """The numbered parts of a document its held copy has at least one clause of, with their headings
    (the locator when the part has no heading line of its own); empty for a document not numbered in parts."""
    parts: dict[int, str] = {}
    for clause in corpus.doc_clauses(doc.doc_id):
        head = clause.heading_path[0] if clause.heading_path else clause.locator
        number = _part_of(head) or _part_of(clause.locator)
        if number is not None:
            parts.setdefault(number, head)
    return parts


def issuer_name(doc: DocumentMeta) -> str:
    """How a refusal names whom to ask: the issuer without the remark some copies add after it ("… (Invest in Longgang, …)")."""
    return re.sub(r"\s*[（(][^）)]*[）)]\s*$", "", doc.issuer) or doc.issuer


@dataclass(frozen=True)
class PartLookup:
    """Whether a document holds the part a question names, and if not, why."""

    doc: DocumentMeta
    part: int
    held: tuple[int, ...]  # the parts the held copy has

    @property
    def found(self) -> bool:
        return self.part in self.held

    @property
    def beyond_held_copy(self) -> bool:
        """The part is not held because the held copy is partial (else the document has no such part)."""
        return not self.found and self.doc.is_partial

    def message(self, title: str) -> str:
        """Why the part cannot be quoted, for a person (Chinese; numbers as Chinese numerals)."""
        asked = f"第{arabic_to_chinese(self.part)}部分"
        if self.beyond_held_copy:
            held = "、".join(f"第{arabic_to_chinese(n)}部分" for n in self.held)
            return (f"所存{title}不是全文，只收录了{held}的内容，{asked}的原文未收录，无法说明其中的规定。"
                    f"{asked}的内容请查阅该文件正式发布的全文，或咨询发布机关{issuer_name(self.doc)}。")
        return f"{title}共{arabic_to_chinese(max(self.held))}个部分，没有{asked}。"


def missing_parts(corpus: Corpus, doc_ids: list[str], text: str) -> list[PartLookup]:
    """The parts a question names that the first document of `doc_ids` numbered in parts does not hold.

    `doc_ids`: the documents the question is about, most likely first. Empty when the question names no
    part, none of the documents is numbered in parts, or the part is held.
    """
    asked = parts_named(text)
    if not asked:
        return []
    for doc_id in doc_ids:
        doc = corpus.documents[doc_id]
        held = held_parts(corpus, doc)
        if held:
            lookups = [PartLookup(doc, n, tuple(sorted(held))) for n in asked]
            return [lookup for lookup in lookups if not lookup.found]
    return []
