"""Answers about a document itself, and exact articles: from its metadata and its clause structure.

Two strategies of the extractive composer:

* `article_lookup`: a question naming article N of a named document quotes exactly that article (the lookup
  is `retrieval.articles.find_article`; when the document lacks it, the support decision already says why,
  and no other article is quoted in its place).
* `document_facts`: what a question asks about a named document — its issuer, document number, issue date,
  date in force, validity, article count, completeness, what supersedes what — answered first, from the
  front matter (`DocumentMeta`) and the parsed structure; the clause that states the fact (the article
  "本条例自…起施行", the preamble with the number) is cited where the text has one, else the document's
  first clause. An article count is given only for a complete copy; of a partial copy, where it stops.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from assistant.composers.base import DONE, NEXT, Context, Step
from assistant.composers.draft import Draft, status_subject
from assistant.evidence import related_documents, sentences, states
from assistant.models import Answer
from assistant.resources import Resources
from assistant.support import article_lookups
from retrieval.articles import held_articles
from retrieval.currency import (
    KnownDocuments,
    corpus_currency,
    format_date,
    reported_revision_note,
    shipped_known_documents,
)
from retrieval.models import Clause, Corpus, DocumentMeta, cite
from retrieval.numerals import arabic_to_chinese
from retrieval.text import compact, fold

_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,8}[〔\[(（]\s*\d{4}\s*[〕\])）]\s*\d+\s*号")
_CITED_NUMBER = re.compile(r"》\s*[（(]\s*$")  # "《某办法》（深龙府规〔2024〕4号）" numbers another document
_CHAPTER = re.compile(r"^第[一二三四五六七八九十百]+章")
_DOC_FACTS = ("issuer", "doc_number", "issued", "in_force_from", "validity", "article_count", "completeness",
              "supersession")


def _bare_title(title: str) -> str:
    return re.sub(r"[（(][^）)]*[）)]", "", compact(fold(title))).strip("《》")


def subject_document(corpus: Corpus, named: Mapping[str, int], question: str = "") -> DocumentMeta | None:
    """The one document a question is about: the one whose title it spells out at most length (an
    interpretation's title contains its policy's), then the most named, the policy itself before its
    explanation or notice; None when it names no document, or several."""
    if not named:
        return None
    folded = compact(fold(question))

    def spelled(doc_id: str) -> int:
        doc = corpus.documents[doc_id]
        return max((len(t) for t in (_bare_title(doc.title), _bare_title(doc.short_title)) if t and t in folded),
                   default=0)

    rank = {d: (spelled(d), n) for d, n in named.items()}
    most = max(rank.values())
    top = sorted(d for d, r in rank.items() if r == most)
    subject = status_subject(corpus, corpus.documents[top[0]], set(top))
    # Naming a document names its explanation or interpretation too; naming two others, two subjects.
    related = related_documents(corpus.documents, {subject.doc_id})
    alone = all(d in related or subject.doc_id in related_documents(corpus.documents, {d}) for d in named)
    return subject if alone else None


def stating_clause(clauses: list[Clause], needles: list[str]) -> tuple[Clause, str] | None:
    """The first clause with a sentence that contains one of `needles` (folded, spaces ignored), and that
    sentence."""
    wanted = [compact(fold(n)) for n in needles if n]
    for clause in clauses:
        for sentence in sentences(clause.text):
            folded = compact(fold(sentence))
            if any(w and w in folded for w in wanted):
                return clause, sentence
    return None


def _date_needles(value: str | None) -> list[str]:
    return [format_date(value)] if value else []


def own_doc_numbers(clauses: list[Clause]) -> list[str]:
    """Document numbers the text gives for itself: not those in parentheses after another document's title."""
    found: list[str] = []
    for clause in clauses:
        text = fold(clause.text)
        for match in _DOC_NUMBER.finditer(text):
            if not _CITED_NUMBER.search(text[max(0, match.start() - 4):match.start()]):
                found.append(match.group(0))
    return list(dict.fromkeys(found))


def names_another_document(question: str, doc: DocumentMeta, corpus: Corpus) -> bool:
    """True when the question is about a document other than `doc` that it names: a document number that
    is not `doc`'s, or a 《title》 that no held document has (a document the held texts only cite)."""
    folded = compact(fold(question))
    numbers = [compact(m.group(0)) for m in _DOC_NUMBER.finditer(folded)]
    if numbers and compact(fold(doc.doc_number or "")) not in numbers:
        return True
    held = [_bare_title(t) for d in corpus.documents.values() for t in (d.title, d.short_title)]
    for title in re.findall(r"《([^》]+)》", folded):
        bare = _bare_title(title)
        if bare and not any(bare in h or h in bare for h in held if h):
            return True
    return False


class _Facts:
    """The answer lines about one document, each citing the clause that states it (or the first clause)."""

    def __init__(self, res: Resources, doc: DocumentMeta, draft: Draft, today: date | None,
                 known: KnownDocuments):
        self.res, self.doc, self.draft, self.today, self.known = res, doc, draft, today, known
        self.clauses = res.corpus.doc_clauses(doc.doc_id)
        self.title = f"《{doc.short_title}》"
        self.cannot: list[str] = []  # what is asked that the held copy cannot tell, and why

    def say(self, line: str, needles: list[str], where: Clause | None = None) -> None:
        """One conclusion line, with the clause stating it cited (and quoted) where the text has one, else
        `where` (the clause it rests on), else the document's first clause."""
        found = stating_clause(self.clauses, needles)
        fallback = where or self.clauses[0]
        clause, quote = found if found else (fallback, sentences(fallback.text)[0])
        citation = cite(clause, self.doc, quote)
        self.draft.lines.append(f"{line}{self.draft.marker(citation)}")
        if found:
            self.draft.lines.append(f"原文（{citation.display}）：“{quote}”")
        self.draft.calculations.append(line)  # metadata and structure: grounded for the guard

    def issuer(self) -> bool:
        self.say(f"{self.title}的发布机关是{self.doc.issuer}。", [self.doc.issuer.split("、")[0]])
        return True

    def doc_number(self) -> bool:
        number = self.doc.doc_number or next(iter(own_doc_numbers(self.clauses)), None)
        if number is None:
            self.cannot.append(f"所存资料未载明{self.title}的文号（文中所列文号属于其引用的其他文件）。")
            return False
        self.say(f"{self.title}的文号是{number}。", [number])
        return True

    def issued(self) -> bool:
        if not self.doc.published:
            return False
        self.say(f"{self.title}的发布日期是{format_date(self.doc.published)}。", _date_needles(self.doc.published))
        return True

    def in_force_from(self) -> bool:
        if not self.doc.effective_from:
            return False
        self.say(f"{self.title}自{format_date(self.doc.effective_from)}起施行。",
                 _date_needles(self.doc.effective_from))
        return True

    def validity(self) -> bool:
        currency = corpus_currency(self.res.corpus, self.today, self.known)[self.doc.doc_id]
        titles = {d.doc_id: d.short_title for d in self.res.corpus.documents.values()}
        titles.update({e.id: e.title for e in self.known.entries})
        if currency.is_current and not (self.doc.effective_from or self.doc.effective_to):
            return False  # nothing recorded beyond the text: the clauses say it, if anything does
        line = f"{self.title}{currency.describe(titles)}"
        if currency.is_current and self.doc.effective_from:
            line += f"（自{format_date(self.doc.effective_from)}起施行"
            line += f"，有效期至{format_date(self.doc.effective_to)}）" if self.doc.effective_to else "）"
        self.say(line + "。", [*_date_needles(self.doc.effective_to), *_date_needles(self.doc.effective_from)])
        return True

    def _name(self, doc_id: str) -> str | None:
        held, entry = self.res.corpus.documents.get(doc_id), self.known.get(doc_id)
        return f"《{held.short_title}》" if held else f"《{entry.title}》" if entry else None

    def supersession(self) -> bool:
        currency = corpus_currency(self.res.corpus, self.today, self.known)[self.doc.doc_id]
        older = [n for d in self.doc.supersedes if (n := self._name(d))]
        older += [f"《{e.title}》" for e in self.known.related(self.doc.doc_id)
                  if e.relates("superseded_by", self.doc.doc_id)]
        newer = [n for d in currency.superseded_by if (n := self._name(d))]
        lines = [f"{self.title}已被{'、'.join(newer)}取代。"] if newer else []
        if older:
            lines.append(f"{self.title}取代了{'、'.join(dict.fromkeys(older))}。")
        lines += [reported_revision_note(self.doc, e) for e in self.known.reported_newer_versions(self.doc.doc_id)
                  if e.id in currency.reported_newer]
        for line in lines:
            self.say(line, [])
        return bool(lines)

    def article_count(self) -> bool:
        articles = held_articles(self.clauses)
        if not articles and not self.doc.is_partial:
            return False  # parts or items only: no article count to state
        last = articles[-1][1] if articles else self.clauses[-1]
        if self.doc.is_partial:
            self.cannot.append(f"{self.title}所存副本不完整，只收录至{last.locator}，无法据此确认全文共有几条。")
            return False
        chapters = list(dict.fromkeys(h for c in self.clauses for h in c.heading_path if _CHAPTER.match(h)))
        parts = f"分{arabic_to_chinese(len(chapters))}章、" if chapters else ""
        self.say(f"{self.title}全文{parts}共{arabic_to_chinese(len(articles))}条（第一条至{last.locator}），"
                 "所存为全文。", [], where=last)  # the last article shows where the text ends
        return True

    def completeness(self) -> bool:
        articles = held_articles(self.clauses)
        last = (articles[-1][1] if articles else self.clauses[-1]).locator
        if self.doc.is_partial:
            self.say(f"所存{self.title}不是全文：部分内容未收录，所存副本只收录至{last}。", [])
        else:
            self.say(f"所存{self.title}为全文（至{last}）。", [])
        return True


def document_facts(res: Resources, context: Context, draft: Draft, today: date | None = None,
                   known: KnownDocuments | None = None) -> Step:
    """A question about a named document's own facts: the facts first, each citing where it is stated."""
    query = context.query
    asked = [t.name for t in query.asks if t.name in _DOC_FACTS]
    if not asked or draft.lines or context.checks or context.eligibility or query.articles:
        return NEXT
    doc = subject_document(res.corpus, query.named_documents, query.text)
    if doc is None or not res.corpus.doc_clauses(doc.doc_id) or names_another_document(query.text, doc, res.corpus):
        return NEXT
    facts = _Facts(res, doc, draft, today, known if known is not None else shipped_known_documents())
    answered = [name for name in asked if getattr(facts, name)()]
    if len(answered) + len(facts.cannot) < len(asked):
        # Part of what is asked is not in the metadata (a validity the text states, say): the clauses answer.
        draft.lines.clear()
        draft.citations.clear()
        draft.calculations.clear()
        return NEXT
    if facts.cannot and not answered and context.support.answered:
        # The held copy cannot show the count, but a held sentence states it (an interpretation's "共N条").
        draft.lines.clear()
        return NEXT
    if facts.cannot and not answered:
        where = f"官方原文：{doc.official_url}。" if doc.official_url else f"如需确认，可咨询发布机关{doc.issuer}。"
        return Answer(text="\n".join([*facts.cannot, where]), citations=[], refused=True, intent=context.intent)
    draft.lines.extend(facts.cannot)
    return DONE if answered else NEXT


def article_lookup(res: Resources, context: Context, draft: Draft) -> Step:
    """Article N of a named document: quote exactly that article (the whole clause)."""
    query = context.query
    if not query.articles or context.checks or context.eligibility:
        return NEXT
    found = [lookup for lookup in article_lookups(res.corpus, query) if lookup.found]
    # An article named as the setting of another question ("违反第N条的罚款是多少") is quoted only when
    # it states what is asked; else the evidence strategy finds the clause that does.
    found = [lookup for lookup in found if not query.kinds or any(
        states(sentence, query.kinds, set(query.per_units), set(), False)
        for sentence in sentences(lookup.clause.text if lookup.clause else ""))]
    if not found:
        return NEXT  # the support decision says why it is not held, or no document is named
    for lookup in found[:3]:
        clause = lookup.clause
        assert clause is not None  # found
        quote = re.sub(r"\s*\n\s*", " ", clause.text).strip()
        citation = cite(clause, lookup.doc, quote)
        draft.lines.append(f"{lookup.message(f'《{lookup.doc.short_title}》')[:-1]}{draft.marker(citation)}：“{quote}”")
    return DONE

