"""The divisions of a document a question names by their ordinal — parts ("第二部分", "part 2") and chapters
("第五章", "chapter 5") — against what the held copy has.

An action plan is numbered in parts ("一、强化智能算力集群供给", "1. Enhancing the supply …"), a regulation in
chapters ("第二章 个人数据"). A question about part N is about that part only: when the held copy stops before
it, another part's clause is no answer, and the refusal says which parts are held. Pure functions over the
parsed corpus.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from retrieval.articles import chinese_to_int
from retrieval.models import ABOUT_TYPES, Clause, Corpus, DocumentMeta
from retrieval.numerals import ENGLISH_NUMBERS, arabic_to_chinese
from retrieval.text import compact, fold

Unit = Literal["部分", "章"]

_ORDINAL_WORDS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
_CARDINAL_WORDS = ENGLISH_NUMBERS[:10]  # a part or chapter named in words: up to ten
_NUMBER = rf"(\d{{1,2}}|{'|'.join(_CARDINAL_WORDS)})"
_ORDINAL = rf"({'|'.join(_ORDINAL_WORDS)})"
# "第二部分", "第2章"; "part 2", "section three", "chapter 5"; "the second part", "the fifth chapter".
_NAMED: dict[Unit, tuple[re.Pattern[str], ...]] = {
    "部分": (re.compile(r"第\s*([一二三四五六七八九十\d]{1,3})\s*大?部分"),
            re.compile(rf"\b(?:part|section)\s+{_NUMBER}\b"), re.compile(rf"\b{_ORDINAL}\s+(?:part|section)\b")),
    "章": (re.compile(r"第\s*([一二三四五六七八九十\d]{1,3})\s*章"),
          re.compile(rf"\bchapter\s+{_NUMBER}\b"), re.compile(rf"\b{_ORDINAL}\s+chapter\b")),
}
# Asking what a division is about ("第七章讲什么", "主要内容"): a summary of it answers.
ABOUT_ASKED = re.compile(r"讲(?:的)?(?:是)?(?:什么|啥)|(?:是|有|写了?|说了?|规定了?)(?:些)?(?:什么|啥)(?:内容)?[？?]?$"
                         r"|主要内容|内容是|what (?:does|is) .{0,30}(?:about|cover)")
# Asking which division says something ("写在哪一章"): a summary naming it answers.
DIVISION_ASKED = re.compile(r"哪一?章|哪个章节|哪一?部分|写在哪|在哪里?规定|which (?:chapter|part|section)")
# A text's summary of one chapter of the document it is about: "第五章专项资金项目管理,共4条,阐述……".
_CHAPTER_SUMMARY = re.compile(r"^\s*第([一二三四五六七八九十]{1,3})章[^，,。；;]{0,20}[，,]\s*共\s*[一二三四五六七八九十\d]+\s*条\s*[，,]"
                              r"\s*阐述")
# A division's heading as the parser keeps it in a clause's heading path or locator.
_HEAD: dict[Unit, re.Pattern[str]] = {
    "部分": re.compile(r"^\s*(?:([一二三四五六七八九十]{1,3})、|(\d{1,2})\.(?!\d))"),  # "一、…", "1. …"
    "章": re.compile(r"^\s*第\s*([一二三四五六七八九十]{1,3})\s*章()"),  # "第二章 个人数据"
}


def _number(word: str) -> int | None:
    if word in _ORDINAL_WORDS:
        return _ORDINAL_WORDS.index(word) + 1
    if word in _CARDINAL_WORDS:
        return _CARDINAL_WORDS.index(word) + 1
    return chinese_to_int(word)


def divisions_named(text: str) -> tuple[tuple[Unit, int], ...]:
    """The divisions a question names, in order: "第二部分" / "part 2" / "the second part" → ("部分", 2)."""
    folded = fold(text)
    found = [(unit, _number(m.group(1))) for unit, patterns in _NAMED.items()
             for pattern in patterns for m in pattern.finditer(folded)]
    return tuple(dict.fromkeys((unit, n) for unit, n in found if n))


def parts_named(text: str) -> tuple[int, ...]:
    """The part numbers a question names ("第二部分" → 2, "part 2" / "the second part" → 2), in order."""
    return tuple(n for unit, n in divisions_named(text) if unit == "部分")


def _division_of(unit: Unit, text: str) -> int | None:
    match = _HEAD[unit].match(fold(text))
    if match is None:
        return None
    return chinese_to_int(match.group(1)) if match.group(1) else int(match.group(2))


def division_head(clause: Clause) -> str:
    """What a clause's division is read from: the outermost heading above it, else its locator."""
    return clause.heading_path[0] if clause.heading_path else clause.locator


def division_title(unit: Unit, heading: str) -> str:
    """The words of a division heading after its number ("一、夯实算力底座" -> "夯实算力底座"); "" for a
    division numbered without a title ("一、")."""
    folded = fold(heading)
    match = _HEAD[unit].match(folded)
    return folded[match.end():].strip() if match else ""


def held_divisions(corpus: Corpus, doc: DocumentMeta, unit: Unit) -> dict[int, str]:
    """The numbered divisions of a document its held copy has at least one clause of, with their headings
    (the locator when a part has no heading line of its own); empty for a document not so numbered."""
    held: dict[int, str] = {}
    for clause in corpus.doc_clauses(doc.doc_id):
        head = division_head(clause)
        number = _division_of(unit, head) or _division_of(unit, clause.locator)
        if number is not None:
            held.setdefault(number, head)
    return held


def held_parts(corpus: Corpus, doc: DocumentMeta) -> dict[int, str]:
    """The numbered parts ("一、…") of a document its held copy has, with their headings."""
    return held_divisions(corpus, doc, "部分")


def issuer_name(doc: DocumentMeta) -> str:
    """How a refusal names whom to ask: the issuer without the remark some copies add after it
    ("… (Invest in Longgang, …)")."""
    return re.sub(r"\s*[（(][^）)]*[）)]\s*$", "", doc.issuer) or doc.issuer


def division_label(unit: Unit, number: int) -> str:
    """"第二部分", "第五章": how a division is named in Chinese (numerals, so a refusal shows no figure)."""
    return f"第{arabic_to_chinese(number)}{unit}"


@dataclass(frozen=True)
class PartLookup:
    """Whether a document holds the part (or chapter) a question names, and if not, why."""

    doc: DocumentMeta
    part: int
    held: tuple[int, ...]  # the parts the held copy has
    unit: Unit = "部分"

    @property
    def found(self) -> bool:
        return self.part in self.held

    @property
    def beyond_held_copy(self) -> bool:
        """The part is not held because the held copy is partial (else the document has no such part)."""
        return not self.found and self.doc.is_partial

    @property
    def label(self) -> str:
        return division_label(self.unit, self.part)

    def message(self, title: str) -> str:
        """Why the part cannot be quoted, for a person (Chinese; numbers as Chinese numerals)."""
        asked = self.label
        if self.beyond_held_copy:
            held = "、".join(division_label(self.unit, n) for n in self.held)
            return (f"所存{title}不是全文，只收录了{held}的内容，{asked}的原文未收录，无法说明其中的规定。"
                    f"{asked}的内容请查阅该文件正式发布的全文，或咨询发布机关{issuer_name(self.doc)}。")
        count = arabic_to_chinese(max(self.held))
        return f"{title}共{count}{'个部分' if self.unit == '部分' else '章'}，没有{asked}。"


def missing_parts(corpus: Corpus, doc_ids: list[str], text: str,
                  described: frozenset[str] = frozenset()) -> list[PartLookup]:
    """The parts and chapters a question names that the first document of `doc_ids` so numbered does not hold.

    `doc_ids`: the documents the question is about, most likely first. `described`: documents whose clauses
    may describe the divisions of these (an interpretation's "第五章……共4条，阐述……"): a division one of them
    names is not missing, its description answers. Empty when the question names no part or chapter, none of
    the documents is so numbered, or the division is held.
    """
    out: list[PartLookup] = []
    for unit, number in divisions_named(text):
        for doc_id in doc_ids:
            doc = corpus.documents[doc_id]
            held = held_divisions(corpus, doc, unit)
            if held:
                lookup = PartLookup(doc, number, tuple(sorted(held)), unit)
                if not lookup.found and not _describes(corpus, described - {doc_id}, lookup.label):
                    out.append(lookup)
                break
    return out


def _describes(corpus: Corpus, doc_ids: frozenset[str], label: str) -> bool:
    return any(label in compact(fold(c.text)) for d in doc_ids for c in corpus.doc_clauses(d))


def _untagged(title: str) -> str:
    """A title without the bracketed tag it ends with ("…管理办法（2026年）" -> "…管理办法") or its 《》."""
    return re.sub(r"[（(][^）)]*[）)]$", "", title).strip("《》")


# An explanation's summary of what the document it explains details ("详述…扶持方式和标准…和证明材料").
_DETAIL_SUMMARY = re.compile(r"^\s*(?:（[一二三四五六七八九十]+）[^。]{0,20}。)?\s*(?:详述|详细规定|具体规定)")
_EXPLAINED = re.compile(r"^《([^》]+)》(?:起草说明|编制说明|政策解读|解读)")


def summarised_unheld_text(corpus: Corpus, sentence: str, about: DocumentMeta) -> str:
    """The title of the document a sentence of its explanation (`about`) only summarises ("详述…证明材料"),
    when no held document is that one: the summary names what it details, never what it provides. "" else."""
    explained = _EXPLAINED.match(about.title)
    if about.doc_type not in ABOUT_TYPES or explained is None or not _DETAIL_SUMMARY.match(sentence):
        return ""
    title = explained.group(1)
    held = any(d is not about and _untagged(d.title) == title for d in corpus.documents.values())
    return "" if held else title


def summarised_unheld_chapter(corpus: Corpus, sentence: str, about: DocumentMeta) -> tuple[DocumentMeta, int] | None:
    """The document and chapter a sentence of `about` (its interpretation) summarises, when the held copy of
    that document lacks the chapter: the summary names what the chapter covers, never what it provides."""
    match = _CHAPTER_SUMMARY.match(fold(sentence))
    if match is None:
        return None
    number = chinese_to_int(match.group(1))
    described = sorted((d for d in corpus.documents.values() if d is not about
                        and (base := _untagged(d.title)) and base in about.title),
                       key=lambda d: d.status == "draft-for-comment")  # the issued text before its draft
    for doc in described[:1]:
        if doc.is_partial and number is not None and number not in held_divisions(corpus, doc, "章"):
            return doc, number
    return None
