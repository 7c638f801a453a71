"""Answers about a document itself, and exact articles: from its metadata and its clause structure.

Two strategies of the extractive composer:

* `article_lookup`: a question naming article N of a named document quotes exactly that article (the lookup
  is `retrieval.articles.find_article`; when the document lacks it, the support decision already says why,
  and no other article is quoted in its place).
* `document_facts`: what a question asks about a named document — its issuer, document number, issue date,
  date in force, validity, article count, completeness, what supersedes what — answered first, from the
  front matter (`DocumentMeta`) and the parsed structure; the clause that states the fact (the article
  "本条例自…起施行", the preamble with the number) is cited where the text has one, else the document's
  first clause. An article count is given from the structure only for a complete copy; else a count its
  family states (an interpretation's "《管理办法》共分为八章32条") is quoted as that text's, or it says
  where the copy stops. Facts of a policy's family (`assistant.stated_facts`): the consultation
  period (from the notice that put the draft out for comment first) and the contacts for comments. Of a
  draft and its final text both asked about ("征求意见稿和正式稿各是哪天"), each one's facts, each cited; a
  follow-up naming only another version ("那正式稿呢") asks what its earlier turn asked.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from assistant.calibration import CALIBRATION as CAL
from assistant.claims import ARTICLE
from assistant.composers.base import DONE, NEXT, Context, Step
from assistant.composers.document_subject import bare_title, family, names_kind, spells, subject_documents, version_of
from assistant.composers.draft import Draft, merge_quotes, status_line
from assistant.composers.lead import lead_sentence
from assistant.evidence import candidate_evidence, sentences, states
from assistant.models import Answer
from assistant.parts import division_label, divisions_named
from assistant.resources import Resources
from assistant.stated_facts import (
    CONTACT_LABELS,
    Stated,
    comment_channels,
    comment_period,
    contacts,
    stated_count,
    stated_division_count,
)
from assistant.support import article_lookups
from assistant.understanding.asks import DATE, DOCUMENT_FACTS, counted, english_dates
from assistant.understanding.asks import asked as asked_types
from assistant.understanding.document_asks import (
    asked_versions,
    asks_comment_channel,
    asks_comment_period,
    contact_kinds,
    mentioned_versions,
)
from assistant.understanding.query import Query
from retrieval.articles import article_number, held_articles
from retrieval.currency import (
    KnownDocument,
    KnownDocuments,
    corpus_currency,
    format_date,
    issued_mark,
    reported_revision_note,
    shipped_known_documents,
)
from retrieval.models import ABOUT_TYPES, Citation, Clause, Corpus, DocumentMeta, Hit, cite
from retrieval.numerals import arabic_to_chinese, english_number
from retrieval.text import compact, doc_number_form, fold

_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,8}[〔\[(（]\s*\d{4}\s*[〕\])）]\s*\d+\s*号")
_CITED_NUMBER = re.compile(r"》\s*[（(]\s*$")  # "《某办法》（深龙府规〔2024〕4号）" numbers another document
_CHAPTER = re.compile(r"^第[一二三四五六七八九十百]+章")
_BARE_LINE = 16  # characters: a sentence no longer is a bare date or name line
# Facts a held text states about a policy whose own text is not held (an explanation's "《实施细则》共二十七条");
# the explanation's or notice's own metadata (its issuer, date, status) is not the policy's.
_FAMILY_FACTS = frozenset({"article_count", "comment_period", "contact", "comment_channel"})


def stating_clause(clauses: list[Clause], needles: list[str]) -> tuple[Clause, str] | None:
    """The clause with the shortest sentence that contains one of `needles` (folded, spaces ignored), and
    that sentence: a date's or a name's own line (a signature) rather than a sentence that also states
    other dates or names."""
    wanted = [compact(fold(n)) for n in needles if n]
    found = [(clause, sentence) for clause in clauses for sentence in sentences(clause.text)
             if any(w and w in compact(fold(sentence)) for w in wanted)]
    return min(found, key=lambda f: len(f[1])) if found else None


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
    folded = doc_number_form(compact(fold(question)))
    numbers = [compact(m.group(0)) for m in _DOC_NUMBER.finditer(folded)]
    if numbers and doc_number_form(compact(fold(doc.doc_number or ""))) not in numbers:
        return True
    held = [bare_title(t) for d in corpus.documents.values() for t in (d.title, d.short_title)]
    for title in re.findall(r"《([^》]+)》", folded):
        bare = bare_title(title)
        if bare and not any(bare in h or h in bare for h in held if h):
            return True
    return False


_WHICH_APPLIES = re.compile(r"哪个为准|(?:看|用|按|执行)哪(?:个|一)(?:版|稿)?|哪(?:个|一)版本|which (?:version|one) (?:applies|to use)")
# A law's history at its head: "2017年9月1日 第十二届全国人民代表大会常务委员会第二十九次会议修订".
_HISTORY = re.compile(rf"(?P<date>{DATE})\s*(?P<body>[^。；;\n]{{0,40}}?)(?P<verb>通过|修订|修正)")
_HISTORY_ASKED = {"通过": re.compile(r"通过|adopted|passed"), "修订": re.compile(r"修订|修改|revised"),
                  "修正": re.compile(r"修正|修改|amended")}
_HISTORY_EN = {"通过": "adopted", "修订": "revised", "修正": "amended"}


class _Facts:
    """The answer lines about one document, each citing the clause that states it (or the first clause)."""

    def __init__(self, res: Resources, doc: DocumentMeta, draft: Draft, today: date | None,
                 known: KnownDocuments, question: str = "", language: str = "zh"):
        self.res, self.doc, self.draft, self.today, self.known = res, doc, draft, today, known
        self.question, self.language = question, language
        self.clauses = res.corpus.doc_clauses(doc.doc_id)
        self.title = f"《{doc.short_title}》"
        self.cannot: list[str] = []  # what is asked that the held copy cannot tell, and why
        self.standing_said = False  # a line already says it is a draft (and names its issued text)

    def _texts(self, docs: list[DocumentMeta]) -> list[tuple[DocumentMeta, list[Clause]]]:
        return [(d, self.res.corpus.doc_clauses(d.doc_id)) for d in docs]

    def quote(self, line: str, stated: Stated) -> None:
        """One conclusion line resting on a sentence another held text (or this one) states, cited and quoted."""
        citation = self._cite(stated.clause, stated.doc, stated.sentence)
        self.draft.lines.append(f"{line}{self.draft.marker(citation)}")
        self.draft.lines.append(f"原文（{citation.display}）：“{stated.sentence}”")
        self.draft.calculations.append(line)  # the quoted sentence's own words: grounded for the guard

    def say(self, line: str, needles: list[str], where: Clause | None = None) -> None:
        """One conclusion line, with the clause stating it cited (and quoted) where the text has one, else
        `where` (the clause it rests on), else the document's first clause."""
        found = stating_clause(self.clauses, needles)
        fallback = where or self.clauses[0]
        clause, quote = found if found else (fallback, sentences(fallback.text)[0])
        if found:
            # A signature's bare line is quoted with its other line: a date with the name before it, a name
            # with the date after it.
            parts = sentences(clause.text)
            at = parts.index(quote)
            dated = bool(re.search(r"\d", quote))
            if len(quote) <= _BARE_LINE and dated and at:
                quote = f"{parts[at - 1]} {quote}"
            elif len(quote) <= _BARE_LINE and not dated and at + 1 < len(parts):
                quote = f"{quote} {parts[at + 1]}"
        citation = self._cite(clause, self.doc, quote)
        self.draft.lines.append(f"{line}{self.draft.marker(citation)}")
        if found:
            self.draft.lines.append(f"原文（{citation.display}）：“{quote}”")
        self.draft.calculations.append(line)  # metadata and structure: grounded for the guard

    def _cite(self, clause: Clause, doc: DocumentMeta, quote: str) -> Citation:
        """The citation of `clause` quoting `quote`; a clause cited already quotes what both lines rest on."""
        citation = cite(clause, doc, quote)
        for n, earlier in enumerate(self.draft.citations):
            if earlier.clause_id == clause.clause_id:
                self.draft.citations[n] = merge_quotes(earlier, citation)
        return citation

    def full_title(self) -> bool:
        """Which document it is: its full title (said of the number the question names it by, if any)."""
        number = self.doc.doc_number if self.doc.doc_number and doc_number_form(compact(fold(
            self.doc.doc_number))) in doc_number_form(compact(fold(self.question))) else ""
        full = f"《{self.doc.title.strip('《》')}》"
        if self.language == "en":
            line = f"{number} is {full}." if number else f"The full title of {self.title} is {full}."
        else:
            line = f"{number}是{full}。" if number else f"{self.title}的全称是{full}。"
        self.say(line, [number or self.doc.title])
        return True

    def issuer(self) -> bool:
        names = [n.strip() for n in re.split(r"[、,，]", self.doc.issuer) if n.strip()]
        # Issued jointly: the front matter's line that names them all ("X局 Y局关于印发…") is cited.
        joint = next((x for c in self.clauses for x in sentences(c.text)
                      if len(names) > 1 and all(compact(fold(n)) in compact(fold(x)) for n in names)), None)
        # Else, unless a line cited already names it (a signature quoted for the date), the document's own title
        # line, where an official text names its issuer ("X局关于印发…的通知"); the title may shorten the name
        # ("市工业和信息化局" for "深圳市工业和信息化局").
        name = compact(fold(names[0])) if names else ""
        quoted = any(name in compact(fold(c.quote)) for c in self.draft.citations)
        headed = None if quoted else next(
            (x for c in self.clauses[:1] for x in sentences(c.text)[:2]
             if any(f"{name[i:]}关于" in compact(fold(x)) for i in range(len(name) - 3))), None)
        line = f"{self.title} was issued by {self.doc.issuer}." if self.language == "en" else \
            f"{self.title}的发布机关是{self.doc.issuer}。"
        stating = joint or headed
        self.say(line, [stating] if stating else names[:1])
        return True

    def doc_number(self) -> bool:
        number = self.doc.doc_number or next(iter(own_doc_numbers(self.clauses)), None)
        if number is None:
            self.cannot.append(f"所存资料未载明{self.title}的文号（文中所列文号属于其引用的其他文件）。")
            return False
        self.say(f"The document number of {self.title} is {number}." if self.language == "en" else
                 f"{self.title}的文号是{number}。", [number])
        return True

    def issued(self) -> bool:
        if not self.doc.published:
            return False
        when = format_date(self.doc.published)
        self.say(f"{self.title} was issued on {english_dates(when)}." if self.language == "en" else
                 f"{self.title}的发布日期是{when}。", _date_needles(self.doc.published))
        # The copy's own "发布日期:2026-01-20" line, where it keeps one in the clause cited, is quoted too.
        labelled = stating_clause(self.clauses, [f"发布日期:{self.doc.published}", f"印发日期:{self.doc.published}"])
        if labelled and any(c.clause_id == labelled[0].clause_id for c in self.draft.citations):
            self._cite(labelled[0], self.doc, labelled[1])
        return True

    def in_force_from(self) -> bool:
        if not self.doc.effective_from:
            return False
        when = format_date(self.doc.effective_from)
        self.say(f"{self.title} took effect on {english_dates(when)}." if self.language == "en" else
                 f"{self.title}自{when}起施行。", _date_needles(self.doc.effective_from))
        return True

    def adopted(self) -> bool:
        """When a law was adopted, revised or amended, as the lines of its history at its head state it: those
        of the step asked ("哪年修订的": the revisions), else every line."""
        history = [(clause, match) for clause in self.clauses[:1] for line in sentences(clause.text)
                   if (match := _HISTORY.search(line))]
        asked = {verb for verb, words in _HISTORY_ASKED.items() if words.search(fold(self.question))}
        history = [(c, m) for c, m in history if m.group("verb") in asked] or history
        for clause, match in history:
            verb, when, body = match.group("verb"), match.group("date"), match.group("body").strip()
            # The body that acted ("深圳市第七届人民代表大会常务委员会第十一次会议"), as the line names it.
            self.say(f"{self.title} was {_HISTORY_EN[verb]} on {english_dates(when)}." if self.language == "en"
                     else f"{self.title}于{when}{'经' + body if body else ''}{verb}。", [match.group(0)], clause)
        return bool(history)

    def validity(self) -> bool:
        currency = corpus_currency(self.res.corpus, self.today, self.known)[self.doc.doc_id]
        titles = {d.doc_id: d.short_title for d in self.res.corpus.documents.values()}
        titles.update({e.id: e.title for e in self.known.entries})
        # "有征求意见稿和正式稿，以哪个为准": the versions that set the scene are the ones weighed; "现在用哪个版本"
        # asks which text applies, which the current one answers.
        if currency.is_current and not (self.doc.effective_from or self.doc.effective_to) \
                and mentioned_versions(self.question) != {"draft", "final"} and not _WHICH_APPLIES.search(fold(self.question)):
            # Nothing recorded beyond the text: the clauses say it, if anything does. Of a draft and its final
            # text asked which applies ("以哪个为准"), that the final is current is the answer.
            return False
        issued = {d.doc_id: d.published for d in self.res.corpus.documents.values() if d.published}
        line = f"{self.title}{currency.describe(titles, issued)}"
        self.standing_said = currency.state == "draft"
        if currency.is_current and self.doc.effective_from:
            line += f"（自{format_date(self.doc.effective_from)}起施行"
            line += f"，有效期至{format_date(self.doc.effective_to)}）" if self.doc.effective_to else "）"
        elif currency.is_current:
            line += issued_mark(self.doc.published)
        self.say(line + "。", [*_date_needles(self.doc.effective_to), *_date_needles(self.doc.effective_from)])
        return True

    def _name(self, doc_id: str) -> str | None:
        held, entry = self.res.corpus.documents.get(doc_id), self.known.get(doc_id)
        return f"《{held.short_title}》" if held else f"《{entry.title}》" if entry else None

    def _issued(self, doc_id: str) -> str:
        """When a held successor was issued ("（2026年1月20日印发）"): what "正式的出了没" asks."""
        held = self.res.corpus.documents.get(doc_id)
        return issued_mark(held.published) if held else ""

    def supersession(self) -> bool:
        currency = corpus_currency(self.res.corpus, self.today, self.known)[self.doc.doc_id]
        older = [n for d in self.doc.supersedes if (n := self._name(d))]
        older += [f"《{e.title}》" for e in self.known.related(self.doc.doc_id)
                  if e.relates("superseded_by", self.doc.doc_id)]
        newer = [n + self._issued(d) for d in currency.superseded_by if (n := self._name(d))]
        lines = [f"{self.title}已被{'、'.join(newer)}取代。"] if newer else []
        if older:
            # "现在以哪个版本为准": the text in force, and when it was issued.
            lines.append(f"{self.title}{self._issued(self.doc.doc_id)}取代了{'、'.join(dict.fromkeys(older))}。")
        lines += [reported_revision_note(self.doc, e) for e in self.known.reported_newer_versions(self.doc.doc_id)
                  if e.id in currency.reported_newer]
        for line in lines:
            self.say(line, [])
        return bool(lines)

    def stated_count(self) -> bool:
        """A count the document's family states ("《实施细则》共二十七条"), said as what that text says, with
        what is held of the document counted."""
        units = counted(self.question) or frozenset({"条"})
        texts = self._texts(family(self.res.corpus, self.doc))
        # A chapter named ("第五章有几条"): what is said of that chapter, not of the whole document.
        divisions = [division_label(u, n) for u, n in divisions_named(self.question) if u == "章"]
        stated = next((found for label in divisions if (found := stated_division_count(texts, label))), None) \
            or stated_count(texts, units)
        if stated is None:
            return False
        self.quote(f"据《{stated.doc.short_title}》，{stated.value}。", stated)
        articles = held_articles(self.clauses)
        if self.doc.is_partial:
            self.draft.caveats.append(f"所存{self.title}副本不完整（部分条款未收录），无法据其正文核对条数。")
        elif not articles:
            unheld = [e for e in self.known.related(self.doc.doc_id) if e.id not in self.res.corpus.documents]
            self.draft.lines += [f"所存资料未收录《{e.title}》正文，以上条数是相关文本的表述。" for e in unheld[:1]]
        return True

    def article_count(self) -> bool:
        articles = held_articles(self.clauses)
        if (not articles or self.doc.is_partial) and self.stated_count():
            return True
        if not articles and not self.doc.is_partial:
            return False  # parts or items only: no article count to state
        last = articles[-1][1] if articles else self.clauses[-1]
        if self.doc.is_partial:
            self.cannot.append(f"{self.title}所存副本不完整，只收录至{last.locator}，无法据此确认全文共有几条。")
            return False
        chapters = list(dict.fromkeys(h for c in self.clauses for h in c.heading_path if _CHAPTER.match(h)))
        parts = f"分{arabic_to_chinese(len(chapters))}章、" if chapters else ""
        if self.language == "en":  # counted from the held structure, the last article cited; chapters in words,
            # as the Chinese line writes them in numerals (七章)
            line = (f"{self.title} has {len(articles)} articles"
                    f"{f' in {english_number(len(chapters))} chapters' if chapters else ''} "
                    f"(the last is Article {articles[-1][0]}); "
                    "the full text is held.")
            self.draft.calculations.append(line)
            self.say(line, [], where=last)
            return True
        self.say(f"{self.title}全文{parts}共{arabic_to_chinese(len(articles))}条（第一条至{last.locator}），"
                 "所存为全文。", [], where=last)  # the last article shows where the text ends
        return True

    def comment_period(self) -> bool:
        """When the consultation on the document's draft ran: from the notice that put it out for comment,
        else the draft's own announcement, else a text about it."""
        draft = version_of(self.res.corpus, self.doc, "draft") or self.doc
        docs = family(self.res.corpus, draft)
        order = {"notice": 0}
        docs = sorted(docs, key=lambda d: (order.get(d.doc_type, 1 if d.status == "draft-for-comment" else 2)))
        stated = comment_period(self._texts(docs))
        if stated is None:
            return False
        source = f"据《{stated.doc.short_title}》，"
        before = stated.value.endswith(("前", "之前", "以前"))
        if self.language == "en":
            # The dates in English, read back by the guard against the quoted sentence.
            source = f"According to 《{stated.doc.short_title}》, "
            when = english_dates(stated.end if before else stated.value)
            line = f"{source}comments were due before {when}." if before else \
                f"{source}the public comment period was {when}."
        elif before:
            line = f"{source}意见须于{stated.value}反馈。"
        else:
            end = f"，截止于{stated.end}" if stated.end else ""
            line = f"{source}征求意见时间为{stated.value}{end}。"
        self.quote(line, stated)
        return True

    def _consultation_texts(self) -> list[tuple[DocumentMeta, list[Clause]]]:
        """Where a consultation's details are given: the document itself, else the notice about it."""
        return self._texts(sorted(family(self.res.corpus, self.doc),
                                  key=lambda d: (d.doc_id != self.doc.doc_id, d.doc_type != "notice")))

    def _owner(self, stated: Stated) -> str:
        return self.title if stated.doc.doc_id == self.doc.doc_id else f"《{stated.doc.short_title}》"

    def _quote_contact(self, kind: str, stated: Stated) -> None:
        self.quote(f"{self._owner(stated)}载明的{CONTACT_LABELS[kind]}：{stated.value}。", stated)

    def contact(self) -> bool:
        """The e-mail, postal address or telephone a document gives for comments, from the document itself,
        else the notice about it."""
        found = contacts(self._consultation_texts(), contact_kinds(self.question))
        for kind, stated in sorted(found.items()):
            self._quote_contact(kind, stated)
        return bool(found)

    def comment_channel(self) -> bool:
        """How comments are to be sent, as the document (else the notice about it) says, with its contacts."""
        texts = self._consultation_texts()
        found = comment_channels(texts)
        for stated in found[:2]:
            self.quote(f"据{self._owner(stated)}：{stated.sentence.rstrip('。；;')}。", stated)
        given = contacts(texts, frozenset(CONTACT_LABELS))
        for kind, stated in sorted(given.items()):
            # A contact the channel sentence quoted already gives is not said again.
            if not any(c.clause_id == stated.clause.clause_id and stated.sentence in c.quote for c in self.draft.citations):
                self._quote_contact(kind, stated)
        return bool(found or given)

    def status(self, asked: bool) -> None:
        """Whether the document is a draft or issued: said with its other facts when asked, else (a draft
        whose issued text is held) among the caveats."""
        if self.standing_said:
            return  # "…征求意见稿，非正式文本；正式文本见《…》" said it
        final = version_of(self.res.corpus, self.doc, "final") if self.doc.status == "draft-for-comment" else None
        line = status_line(self.res.corpus, self.doc, final.doc_id if final else None)
        said = self.draft.lines if asked else self.draft.caveats
        if line not in said:
            said.append(line)
            self.draft.calculations.append(line)  # metadata: grounded for the guard

    def completeness(self) -> bool:
        articles = held_articles(self.clauses)
        last = (articles[-1][1] if articles else self.clauses[-1]).locator
        if self.doc.is_partial:
            self.say(f"所存{self.title}不是全文：部分内容未收录，所存副本只收录至{last}。", [])
        else:
            self.say(f"所存{self.title}为全文（至{last}）。", [])
        return True


def _asked_facts(query: Query) -> list[str]:
    """The document facts a message asks for. A follow-up that only names another version or document ("那正式
    稿呢") asks what its earlier turns asked; a time asked about a consultation is its comment period."""
    context = query.context
    earlier = context.text if context.is_followup else ""
    names = [t.name for t in query.asks if t.name in DOCUMENT_FACTS]
    # "意见截止到什么时候？用什么方式反馈？": both the consultation's period and its channel.
    period, channel = asks_comment_period(query.text, earlier), asks_comment_channel(query.text, earlier)
    if period:
        names.append("comment_period")
    if channel:
        names = [n for n in names if n != "contact"] + ["comment_channel"]
    if not (period or channel) and not names and asked_versions(query.text) and {t.name for t in query.asks} & {"date", "day"} \
            and not {t.name for t in query.asks} & {"deadline", "period", "validity"}:
        names.append("issued")  # "征求意见稿和正式版各是什么时候": when each version came out
    kinds = {t.name for t in query.asks}
    if ({"issuer", "status"} & set(names) or "status" in kinds) and kinds & {"date", "day"} \
            and not kinds & {"deadline", "period", "validity"} and not {"issued", "in_force_from"} & set(names):
        names.append("issued")  # "谁印发的，哪天", "出了没？啥时候": who issued it, whether it is out, and when
    only_names = {t.name for t in query.asks} <= {"status", "draft_status"} and (
        asked_versions(query.text) or query.documents)
    if not names and earlier and only_names:
        names = [t.name for t in asked_types(earlier) if t.name in DOCUMENT_FACTS]
        names += ["comment_period"] if asks_comment_period(earlier) else []
    return list(dict.fromkeys(names))


_PLACE_PREFIX = re.compile(r"^(?:[\u4e00-\u9fff]{1,3}[省市区])+")


def _names_version(folded: str, entry: KnownDocument) -> bool:
    """True when a (folded, compacted) question names a known document: by its number, or by its title
    (without the places it opens with) and the year it was issued ("区级财政专项资金管理办法2021年那版")."""
    if entry.doc_number and doc_number_form(compact(fold(entry.doc_number))) in folded:
        return True
    year = str(entry.published or "")[:4]
    title = _PLACE_PREFIX.sub("", compact(fold(entry.title)))
    return bool(year) and title in folded and bool(re.search(rf"(?<!\d){year}年", _DOC_NUMBER.sub("", folded)))


def _known_successor(res: Resources, query: Query, draft: Draft, known: KnownDocuments, *, lead: bool) -> bool:
    """A document the question names by its number, known (verified) but not held, and replaced by a held
    one: said (registry and front matter: metadata, not a quote) — as the answer, citing the successor's
    own first clause, when that is all the question asks (`lead`), else as a caveat after the clauses
    that answer. True when said as the answer."""
    folded = doc_number_form(compact(fold(query.text)))
    for entry in known.not_held(res.corpus.documents):
        successors = [res.corpus.documents[d] for d in entry.relation.get("superseded_by", ())
                      if d in res.corpus.documents and res.corpus.doc_clauses(d)]
        if entry.verified and successors and (entry.id == query.earlier_version or _names_version(folded, entry)):
            new = successors[0]
            said = "，".join(x for x in (new.doc_number, f"{format_date(new.published)}印发" if new.published else "") if x)
            issued = f"（{said}）" if said else ""
            note = f"《{entry.title}》（{entry.doc_number}）已被《{new.short_title}》{issued}取代。"
            draft.calculations.append(note)
            if lead:
                first = res.corpus.doc_clauses(new.doc_id)[0]
                draft.lines.append(f"{note[:-1]}{draft.marker(cite(first, new, sentences(first.text)[0]))}。")
            else:
                draft.caveats.append(note)
            return lead
    return False


def document_facts(res: Resources, context: Context, draft: Draft, today: date | None = None,
                   known: KnownDocuments | None = None) -> Step:
    """A question about a named document's own facts: the facts first, each citing where it is stated; of a
    draft and its final text both asked about, each one's."""
    query = context.query
    asked = _asked_facts(query)
    # What a text is based on or cites, and their numbers ("引用了哪个文件，文号多少"), its clauses say.
    if not asked or draft.lines or context.checks or context.eligibility or query.articles \
            or any(t.name == "basis" for t in query.asks):
        return NEXT
    docs = subject_documents(res.corpus, query.named_documents, query.text, asked_versions(query.text))
    registry = known if known is not None else shipped_known_documents()
    contact_asked = {"contact", "comment_channel"} & set(asked)
    if not docs and contact_asked and asked_versions(query.text) == {"draft"}:
        # "征求意见稿的联系电话" naming no document: each held draft that gives it, never one of them guessed.
        docs = [d for d in res.corpus.documents.values() if d.status == "draft-for-comment"
                and res.corpus.doc_clauses(d.doc_id) and all(
                    getattr(_Facts(res, d, Draft(), today, registry, query.text, query.language), name)()
                    for name in contact_asked)]
    if not docs and "comment_period" in asked and context.support.evidence:
        docs = [context.support.evidence[0].hit.doc]  # no document named: the consultation the evidence is about
    docs = [d for d in docs if res.corpus.doc_clauses(d.doc_id)]
    # A document named by the number of a replaced, unheld version: what replaced it is the answer when that
    # is all that is asked, or when whether it is in force is ("深龙府规〔2021〕1号还能用吗") and no held clause
    # states its validity — even where its title is the successor's too; else a caveat after that clause.
    kinds = {t.name for t in query.asks}
    lead = kinds == {"supersession"} or (kinds <= {"supersession", "validity", "status"}
                                         and not context.support.answered)
    # "旧版…": the version a named document replaced is another document, whose facts are not the named one's.
    another = not docs or bool(query.earlier_version) or names_another_document(query.text, docs[0], res.corpus)
    if (another or lead) and {"validity", "supersession"} & set(asked) and _known_successor(
            res, query, draft, registry, lead=lead):
        return DONE
    if another:
        return NEXT  # the clauses answer after the line on its successor, if any
    if docs[0].doc_type in ABOUT_TYPES and not spells(query.text, docs[0]) and not names_kind(docs[0], fold(query.text)) \
            and not set(asked) <= _FAMILY_FACTS:
        return NEXT  # named only by the policy it is about ("实施细则"): its own metadata is not the policy's
    status = any(t.name in ("status", "draft_status") for t in query.asks)
    answered: list[str] = []
    cannot: list[str] = []
    for doc in docs:
        facts = _Facts(res, doc, draft, today, registry, query.text, query.language)
        # A consultation is a draft's: of a draft and its final text, only the draft's is said.
        names = [n for n in asked if n != "comment_period" or doc is docs[0] or len(docs) == 1]
        done = [name for name in names if getattr(facts, name)()]
        if len(done) + len(facts.cannot) < len(names):
            # Part of what is asked is not in the metadata (a validity the text states, say): the clauses answer.
            draft.lines.clear()
            draft.citations.clear()
            draft.calculations.clear()
            return NEXT
        # A draft whose issued text is held: said, so that a date of the draft is not taken for the policy's.
        if done and (status or version_of(res.corpus, doc, "final") not in (None, doc)):
            facts.status(asked=status)
        answered += done
        cannot += facts.cannot
    if cannot and not answered and context.support.answered:
        # The held copy cannot show the count, but a held sentence states it (an interpretation's "共N条").
        draft.lines.clear()
        return NEXT
    if cannot and not answered:
        doc = docs[0]
        where = f"官方原文：{doc.official_url}。" if doc.official_url else f"如需确认，可咨询发布机关{doc.issuer}。"
        return Answer(text="\n".join([*cannot, where]), citations=[], refused=True, intent=context.intent)
    draft.lines.extend(cannot)
    return DONE if answered else NEXT


def _article_lead(res: Resources, query: Query, clause: Clause, doc: DocumentMeta, quote: str) -> str:
    """What a question asks of an article beyond its text ("第九十四条，一万元以上的怎么罚"): the article's
    sentence that answers it, said first; "" for an article asked for as a whole, or, of one sentence, asked
    nothing in particular of."""
    parts = sentences(clause.text)
    if len(parts) < 2:
        # One sentence: itself, said first when something in particular is asked of it.
        return lead_sentence(query.text, query.asks, query.language, parts[0], quote, doc.language) \
            if parts and query.kinds else ""
    # Within the article, its label ("第九十四条") marks no sentence as more of an answer than another.
    within = replace(query, text=ARTICLE.sub(" ", query.text))
    found = candidate_evidence(res.retriever, within, [Hit(clause, doc, 1.0)], with_context=False)
    best = found[0] if found else None
    if best is None or not (query.kinds or best.coverage >= CAL.support_threshold):
        return ""
    return lead_sentence(query.text, query.asks, query.language, best.sentence, quote, doc.language)


# Figures and numbers asked of an article must be stated in it to make it the answer.
_STATED_FIGURES = frozenset({"money", "cap", "ratio", "support_ratio", "quantity", "count", "duration", "doc_number",
                             "date", "day", "month", "deadline", "period", "price", "grant"})
# An article named as what was breached: the consequence is in another article.
_BREACHED = re.compile(r"违反|违背|不遵守|不履行|未履行|不执行|breach|violat")


def article_lookup(res: Resources, context: Context, draft: Draft) -> Step:
    """Article N of a named document: quote exactly that article (the whole clause)."""
    query = context.query
    if not query.articles or context.checks or context.eligibility:
        return NEXT
    found = [lookup for lookup in article_lookups(res.corpus, query) if lookup.found]
    # An article named as the setting of another question ("违反第N条的罚款是多少", "第一条引用的办法文号") is quoted
    # only when it states what is asked; else the evidence strategy finds the clause that does. An article asked
    # what it means ("第四十四条说的先行先试是啥意思") is the answer, whatever it states.
    setting = _BREACHED.search(query.folded) or query.asks_penalty or query.kinds & _STATED_FIGURES
    found = [lookup for lookup in found if not query.kinds or not setting or any(
        states(sentence, query.kinds, set(query.per_units), set(), False)
        for sentence in sentences(lookup.clause.text if lookup.clause else ""))]
    if not found:
        return NEXT  # the support decision says why it is not held, or no document is named
    for lookup in found[:3]:
        clause = lookup.clause
        assert clause is not None  # found
        quote = re.sub(r"\s*\n\s*", " ", clause.text).strip()
        citation = cite(clause, lookup.doc, quote)
        title = f"《{lookup.doc.short_title}》"
        number = article_number(lookup.locator)
        said = _article_lead(res, query, clause, lookup.doc, quote)
        if said:
            draft.lines.append(f"{said[:-1]}{draft.marker(citation)}{said[-1]}")
        if query.language == "en" and number is not None:  # an English lead; the quote stays as written
            draft.lines.append(f"Article {number} of {title} reads{draft.marker(citation)}: “{quote}”")
            draft.calculations.append(f"Article {number} = {lookup.locator}")  # the cited locator, in digits
        else:
            draft.lines.append(f"{lookup.message(title)[:-1]}{draft.marker(citation)}：“{quote}”")
        if lookup.locator not in query.articles:
            # "第一条" of a text numbered by parts and items: its first item, said as such.
            draft.caveats.append(f"{title}按“一、（一）”编排，不按“第几条”编号，以上是其第一项。")
    return DONE

