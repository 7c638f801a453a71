"""Exact-article lookup over the parsed corpus.

Given a document and a locator a person typed ("第六十五条", "第105条", "一、(二)"), answer with the
clause, or say why there is none: the held copy stops before it (a partial document, or a
`〔以下原文未收录〕` gap where it would be), or the document has no such article (a full document of N
articles). Pure functions: the chat and the search tab both use them, so they say the same thing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from retrieval.models import ABOUT_TYPES, GAP_MARKER, Clause, Corpus, DocumentMeta, Hit
from retrieval.numerals import arabic_to_chinese, number_value
from retrieval.text import fold

Outcome = Literal["found", "beyond_held_copy", "no_such_article"]

_ARTICLE = re.compile(r"第\s*([零〇一二两三四五六七八九十百千\d]+)\s*条")
_ARTICLE_EN = re.compile(r"\b(?:article|art\.)\s*(\d{1,3})\b")  # "Article 12", "art. 12" (text folded to lower case)
# An action plan's item: "一、（二）" / "一、(二)" / "一（二）", or a section "三、".
_ITEM = re.compile(r"([一二三四五六七八九十]+)、?\s*[（(]\s*([一二三四五六七八九十]+)\s*[）)]")
# The same item said as "第一条第（一）项" / "第一部分（二）": of a text numbered by parts and items, not articles.
_PART_ITEM = re.compile(r"第([一二三四五六七八九十]+)(?:条|部分|项)的?第?\s*[（(]\s*([一二三四五六七八九十]+)\s*[）)]项?")


def chinese_to_int(numeral: str) -> int | None:
    """An article number in Chinese numerals or digits as an int (一百零五 -> 105), else None."""
    value = number_value(numeral) if numeral else None
    return int(value) if value is not None and value.denominator == 1 else None


def article_locator(number: int) -> str:
    """The locator the parser gives article `number` (105 -> 第一百零五条)."""
    return f"第{arabic_to_chinese(number)}条"


def article_number(locator: str) -> int | None:
    """The number of an article locator (第一百零五条 -> 105); None for an item or a section."""
    match = _ARTICLE.fullmatch(locator)
    return chinese_to_int(match.group(1)) if match else None


def locators_in(query: str) -> list[str]:
    """The article and item locators a query names, normalised to the parser's form, in order."""
    text = fold(query)
    found = [f"{m.group(1)}、（{m.group(2)}）" for m in _PART_ITEM.finditer(text)]
    text = _PART_ITEM.sub(" ", text)
    numbers = [chinese_to_int(m.group(1)) for m in _ARTICLE.finditer(text)]
    numbers += [int(m.group(1)) for m in _ARTICLE_EN.finditer(text)]
    found += [article_locator(n) for n in numbers if n is not None and 0 < n < 1000]
    for match in _ITEM.finditer(text):
        found.append(f"{match.group(1)}、（{match.group(2)}）")
    return list(dict.fromkeys(found))


def _article_number(clause: Clause) -> int | None:
    return article_number(clause.locator) if clause.kind == "article" else None


@dataclass(frozen=True)
class ArticleLookup:
    """What a document holds at a locator: the clause, or why there is none."""

    doc: DocumentMeta
    locator: str
    outcome: Outcome
    clause: Clause | None = None
    article_count: int = 0  # articles in the held copy
    last_held: str | None = None  # locator of the last held article or item before the gap/end

    @property
    def found(self) -> bool:
        return self.outcome == "found"

    def message(self, title: str) -> str:
        """One Chinese sentence for a user; `title` is how the document is cited (《…》)."""
        if self.outcome == "found":
            return f"{title}{self.locator}如下。"
        if self.outcome == "beyond_held_copy":
            held = f"所存副本只收录至{self.last_held}" if self.last_held else "的所存副本不完整"
            return (f"{title}{held}，{self.locator}不在所存文本中（原文此处标有{GAP_MARKER}），"
                    "无法引用，请查阅正式发布的文件。")
        if not self.article_count:  # numbered parts or items only: there is no article count to state
            last = f"（最后一部分是{self.last_held}）" if self.last_held else ""
            return f"{title}全文中没有{self.locator}{last}。"
        last = f"（最后一条是{self.last_held}）" if self.last_held else ""
        return f"{title}全文共{arabic_to_chinese(self.article_count)}条{last}，没有{self.locator}。"


def held_articles(clauses: Sequence[Clause]) -> list[tuple[int, Clause]]:
    """The numbered articles (第X条) among a document's clauses, with their numbers, in order."""
    return [(n, c) for c in clauses if (n := _article_number(c)) is not None]


def find_article(doc: DocumentMeta, clauses: Sequence[Clause], locator: str) -> ArticleLookup:
    """Look `locator` up in one document's clauses (in document order, as the corpus holds them)."""
    for clause in clauses:
        if clause.locator == locator:
            return ArticleLookup(doc, locator, "found", clause=clause)
    articles = held_articles(clauses)
    wanted = _ARTICLE.fullmatch(locator)
    number = chinese_to_int(wanted.group(1)) if wanted else None
    if number == 1 and not articles and doc.doc_type not in ABOUT_TYPES:
        # "先锋城市措施第一条": of a text numbered by parts and items, its first item is its first measure (never
        # of an explanation or notice: "实施细则第一条" is the rules' own article, whose text is not held).
        first = next((c for c in clauses if _ITEM.fullmatch(c.locator)), None)
        if first is not None:
            return ArticleLookup(doc, first.locator, "found", clause=first)  # named by its own locator
    if number is not None and articles:
        before = [(n, c) for n, c in articles if n < number]
        last_held = before[-1][1].locator if before else None
        # A gap right after the last article numbered below it, or a copy marked partial that ends
        # before it: the article may well exist in the original text.
        if doc.is_partial and _gap_after(doc, clauses, before[-1][1] if before else None, number, articles):
            return ArticleLookup(doc, locator, "beyond_held_copy", article_count=len(articles),
                                 last_held=last_held)
        return ArticleLookup(doc, locator, "no_such_article", article_count=len(articles),
                             last_held=articles[-1][1].locator)
    # Items ("一、（二）") carry no total; a partial copy may hold fewer than the original.
    last_held = clauses[-1].locator if clauses else None
    outcome: Outcome = "beyond_held_copy" if doc.is_partial else "no_such_article"
    return ArticleLookup(doc, locator, outcome, article_count=len(articles), last_held=last_held)


def _gap_after(doc: DocumentMeta, clauses: Sequence[Clause], previous: Clause | None, number: int,
               articles: list[tuple[int, Clause]]) -> bool:
    """True when the held copy has a gap between the article before `number` and the one after it."""
    start = previous.ordinal + 1 if previous is not None else 0
    following = [c for n, c in articles if n > number]
    end = following[0].ordinal if following else len(clauses)
    if any(start <= gap <= end for gap in doc.gaps):
        return True
    # A copy declared partial without a marked gap: only what comes after the last held article is unknown.
    return not following and doc.completeness == "partial"


# "违反本条例第六十八条、第六十九条规定的": a penalty clause names the articles whose duty it sanctions.
_VIOLATES = re.compile(r"违反本(?:条例|办法|法|规定|细则|措施)((?:第[零〇一二两三四五六七八九十百千\d]+条(?:第[一二三四五六七八九十]+款)?"
                       r"[、，,和及或与至]*)+)")


def violated_articles(clause: Clause) -> list[str]:
    """The locators of the articles of its own document a clause sanctions breaches of ("违反本条例第六十八条、
    第六十九条规定…处…罚款" -> [第六十八条, 第六十九条]): what the question about breaching those is answered by."""
    found: list[str] = []
    for match in _VIOLATES.finditer(fold(clause.text)):
        numbers = [chinese_to_int(m.group(1)) for m in _ARTICLE.finditer(match.group(1))]
        found += [article_locator(n) for n in numbers if n]
    return list(dict.fromkeys(found))


def sanctioning_clauses(clauses: Sequence[Clause]) -> dict[str, list[Clause]]:
    """Of one document's clauses: for each article locator, the clauses that sanction breaching it."""
    out: dict[str, list[Clause]] = {}
    for clause in clauses:
        for locator in violated_articles(clause):
            out.setdefault(locator, []).append(clause)
    return out


def with_sanctions(corpus: Corpus, hits: list[Hit], within: int = 5) -> list[Hit]:
    """`hits` with, after each of the first `within` articles, the clauses of its document that sanction
    breaching it (just below its score): a question how a duty's breach is punished is answered there."""
    out: list[Hit] = []
    seen = {h.clause.clause_id for h in hits}
    for rank, hit in enumerate(hits):
        out.append(hit)
        if rank >= within or hit.clause.kind != "article":
            continue
        for clause in sanctions_of(corpus, hit.clause):
            if clause.clause_id not in seen:
                seen.add(clause.clause_id)
                out.append(Hit(clause, hit.doc, hit.score * 0.99))
    return out


def sanctions_of(corpus: Corpus, clause: Clause | None) -> list[Clause]:
    """The clauses of its document that sanction breaching an article."""
    return _sanctions(corpus, clause.doc_id).get(clause.locator, []) if clause is not None else []


def violated_text(corpus: Corpus, clause: Clause) -> str:
    """The texts of the articles of its document a clause sanctions breaches of ("" for none)."""
    found = (corpus.clause(f"{clause.doc_id}#{locator}") for locator in violated_articles(clause))
    return " ".join(c.text for c in found if c is not None)


def _sanctions(corpus: Corpus, doc_id: str) -> dict[str, list[Clause]]:
    key = (corpus.fingerprint, doc_id)  # a corpus's clauses never change under one fingerprint
    if key not in _SANCTIONS:
        _SANCTIONS[key] = sanctioning_clauses(corpus.doc_clauses(doc_id))
    return _SANCTIONS[key]


_SANCTIONS: dict[tuple[str, str], dict[str, list[Clause]]] = {}
