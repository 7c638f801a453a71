"""Facts about a document that its own text, or a held text about it, states in a recognisable form.

Pure functions over clauses: a count of a document's articles stated by its explanation or
interpretation ("《实施细则》共二十七条", "《管理办法》共分为八章32条"), the period of a public consultation
("2024年8月3日至2024年9月1日", "可在2024年9月16日前…反馈"), and the contact details for comments (an e-mail
address, a postal address, a telephone number). Each is found by its form, never by a document's wording.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from assistant.evidence import sentences
from assistant.understanding.asks import DATE, DATE_RANGE
from retrieval.models import Clause, DocumentMeta

_NUMERAL = r"(?:\d+|[一二两三四五六七八九十百]+)"
# A count of a titled document's (or "本办法"'s) chapters and articles: "共二十七条", "共分为八章32条".
_STATED_COUNT = re.compile(rf"(?:《[^》]+》|本(?:办法|条例|细则|措施|规定|意见))[^。；;]{{0,8}}?共(?:分为?|有|计)?\s*"
                           rf"(?:(?P<chapters>{_NUMERAL})\s*章\s*[、，,]?\s*)?(?:(?P<articles>{_NUMERAL})\s*条)?")
# Words of a public consultation, in a clause or its heading ("一、征求意见时间", "公开征询意见", "反馈").
_CONSULTING = re.compile(r"征求|征询|征集|意见|反馈|公示")
_RANGE = re.compile(DATE_RANGE)
_LAST_DATE = re.compile(rf"(?:{DATE})(?=\s*(?:止)?\s*$)")
_BEFORE = re.compile(rf"(?P<v>{DATE})\s*(?:前|之前|以前)")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_POST = re.compile(r"(?:寄至|寄到|寄往|邮寄地址|通讯地址|通信地址|地址)\s*[:：]?\s*(?P<v>[^,，;；。()（）\s]{4,})")
_PHONE = re.compile(r"电话\s*[:：]?\s*(?P<v>\d[\d-]{6,})")
_CONTACT = {"email": _EMAIL, "post": _POST, "phone": _PHONE}
CONTACT_LABELS = {"email": "电子邮箱", "post": "邮寄地址", "phone": "联系电话"}
# How comments are to be sent: by a means ("以信函或电子邮件形式", "通过信函方式") or to a place ("反馈至区工信局").
_CHANNEL = re.compile(r"(?:信函|电子邮件|邮件|传真|网站|在线)[^。；]{0,6}(?:方式|形式)|(?:反馈|寄|发送|提交|报送)(?:至|到)"
                      r"|by (?:letter|e-?mail|post)")


@dataclass(frozen=True)
class Stated:
    """A fact as a clause states it: the clause, the sentence, and the words that state it."""

    doc: DocumentMeta
    clause: Clause
    sentence: str
    value: str  # the fact in the sentence's words ("《实施细则》共二十七条", "2024年8月3日至2024年9月1日")
    end: str = ""  # of a period: its last day as written; of a deadline: the day before which


def _sentences(docs: Iterable[tuple[DocumentMeta, list[Clause]]]):
    for doc, clauses in docs:
        for clause in clauses:
            for sentence in sentences(clause.text):
                yield doc, clause, sentence


def stated_count(docs: Iterable[tuple[DocumentMeta, list[Clause]]], units: frozenset[str]) -> Stated | None:
    """The first sentence that states how many chapters/articles a titled document has, in the units
    asked (条 and/or 章)."""
    for doc, clause, sentence in _sentences(docs):
        for match in _STATED_COUNT.finditer(sentence):
            said = {u for u, g in (("章", "chapters"), ("条", "articles")) if match.group(g)}
            if said and said >= (units & {"章", "条"} or {"条"}):
                return Stated(doc, clause, sentence, sentence[match.start():match.end()])
    return None


def stated_division_count(docs: Iterable[tuple[DocumentMeta, list[Clause]]], label: str) -> Stated | None:
    """The first sentence that says how many articles one division has ("第五章专项资金项目管理,共4条"):
    `label` is how the division is named ("第五章")."""
    pattern = re.compile(rf"^\s*{re.escape(label)}(?P<v>[^。；;]*?共\s*{_NUMERAL}\s*条)")
    for doc, clause, sentence in _sentences(docs):
        match = pattern.search(sentence)
        if match:
            return Stated(doc, clause, sentence, f"{label}{match.group('v')}")
    return None


def division_described(docs: Iterable[tuple[DocumentMeta, list[Clause]]], label: str) -> Stated | None:
    """The first sentence that opens with a division's name and says what it holds ("第七章监督检查,共4条,
    阐述……"): what a text about a document says of a division its held copy lacks."""
    pattern = re.compile(rf"^\s*{re.escape(label)}(?![一二三四五六七八九十\d])\s*\S")
    for doc, clause, sentence in _sentences(docs):
        if pattern.search(sentence):
            return Stated(doc, clause, sentence, sentence.strip())
    return None


def comment_period(docs: Iterable[tuple[DocumentMeta, list[Clause]]]) -> Stated | None:
    """The first consultation period stated in a clause about comments: a span of two dates, or else a
    date before which comments are due."""
    found: Stated | None = None
    for doc, clause, sentence in _sentences(docs):
        if not _CONSULTING.search(clause.text):
            continue
        span = _RANGE.search(sentence)
        if span:
            value = span.group(0).strip()
            last = _LAST_DATE.search(value.rstrip("止").rstrip())
            return Stated(doc, clause, sentence, value, last.group(0) if last else "")
        before = _BEFORE.search(sentence)
        if before and found is None:
            found = Stated(doc, clause, sentence, before.group(0), before.group("v"))
    return found


def comment_channels(docs: Iterable[tuple[DocumentMeta, list[Clause]]]) -> list[Stated]:
    """The sentences that say how comments are to be sent ("请将修改意见以信函或电子邮件形式反馈至区工信局"),
    from the first document that says so."""
    for doc, clauses in docs:
        found = [Stated(doc, clause, sentence, sentence) for _, clause, sentence in _sentences([(doc, clauses)])
                 if _CHANNEL.search(sentence) and _CONSULTING.search(f"{sentence} {' '.join(clause.heading_path)}"
                                                                   f" {clause.text[:40]}")]
        if found:
            return found
    return []


def contacts(docs: Iterable[tuple[DocumentMeta, list[Clause]]], kinds: frozenset[str]) -> dict[str, Stated]:
    """Per contact kind asked ("email", "post", "phone"), the first sentence that gives one, from the first
    document that gives any."""
    for doc, clauses in docs:
        found: dict[str, Stated] = {}
        for _, clause, sentence in _sentences([(doc, clauses)]):
            for kind in sorted(kinds - set(found)):
                match = _CONTACT[kind].search(sentence)
                if match:
                    value = match.groupdict().get("v") or match.group(0)
                    found[kind] = Stated(doc, clause, sentence, value.strip())
        if found:
            return found
    return {}
