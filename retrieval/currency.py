"""Is a document current? Versions, validity periods, drafts, and documents known but not held.

Pure functions over document metadata and a date (`today` is always injectable), plus the loader of the
registry of documents known to exist whose text is not held (`corpus/known-documents.yaml`). Nothing in
the registry is policy text: callers may say such a document exists and is not held; they never quote it
or compute from figures it records, least of all from an unverified record.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml

from retrieval.models import Corpus, DocumentMeta

State = Literal["current", "draft", "superseded", "expired", "not-yet-effective"]
KNOWN_DOCUMENTS = Path(__file__).resolve().parent.parent / "corpus" / "known-documents.yaml"
_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_KNOWN_STATUSES = ("official", "draft-for-comment", "expired", "unknown")


def date_span(value: object) -> tuple[date, date] | None:
    """The first and last day a possibly partial date covers: `2025` → the year, `2025-09` → September,
    `2025-09-30` → that day. None for an empty value; `ValueError` for text that is not such a date."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value, value
    match = _PARTIAL_DATE.match(str(value).strip())
    if not match:
        raise ValueError(f"不是日期：{value!r}（应为 YYYY、YYYY-MM 或 YYYY-MM-DD）")
    year = int(match.group(1))
    if match.group(3):
        day = date(year, int(match.group(2)), int(match.group(3)))
        return day, day
    if match.group(2):
        month = int(match.group(2))
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    return date(year, 1, 1), date(year, 12, 31)


def issued_mark(published: object) -> str:
    """When a document was issued, as said after its name ("（2026年1月20日印发）"); "" when not recorded."""
    return f"（{format_date(published)}印发）" if published else ""


def format_date(value: object) -> str:
    """A (partial) date as Chinese text: `2025-09` → 2025年9月, `2026-06-29` → 2026年6月29日."""
    match = _PARTIAL_DATE.match(str(value).strip()) if value is not None else None
    if not match:
        return str(value)
    parts = [f"{int(match.group(1))}年"]
    if match.group(2):
        parts.append(f"{int(match.group(2))}月")
    if match.group(3):
        parts.append(f"{int(match.group(3))}日")
    return "".join(parts)


@dataclass(frozen=True)
class Currency:
    """Where a held document stands on a given day.

    `state` is the one thing to say first (draft > superseded > expired > not yet effective > current);
    the other fields stay set whenever they apply, so a superseded text that also expired says both.
    `superseded_by` holds ids of held documents or verified registry entries only; newer versions that
    are merely reported (unverified) are `reported_newer`, and never make a document "superseded".
    """

    state: State
    superseded_by: tuple[str, ...] = ()
    expired_since: str | None = None  # the last day (or month, year) of validity, as recorded
    effective_from: str | None = None
    reported_newer: tuple[str, ...] = ()  # registry ids of unverified newer versions

    @property
    def is_current(self) -> bool:
        return self.state == "current"

    def describe(self, titles: Mapping[str, str] | None = None, issued: Mapping[str, str] | None = None) -> str:
        """A short Chinese caveat ("现行有效", "已被《…》取代", "已于2025年9月失效", …); a successor with an issue
        date in `issued` is named with it ("《…》（2026年1月20日印发）")."""
        titles, issued = titles or {}, issued or {}
        names = "、".join(f"《{titles.get(i, i)}》{issued_mark(issued.get(i))}" for i in self.superseded_by)
        return {
            "current": "现行有效",
            "draft": "征求意见稿，非正式文本" + (f"；正式文本见{names}" if names else ""),
            "superseded": f"已被{names}取代",
            "expired": f"已于{format_date(self.expired_since)}失效" if self.expired_since else "已失效",
            "not-yet-effective": f"尚未施行（自{format_date(self.effective_from)}起施行）",
        }[self.state]


@dataclass(frozen=True)
class KnownDocument:
    """A document known to exist (or reported to) whose text is not held."""

    id: str
    title: str
    status: str
    verified: bool
    evidence: str
    doc_number: str | None = None
    issuer: str | None = None
    published: str | None = None
    effective_from: str | None = None
    effective_to: str | None = None
    url: str | None = None
    relation: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    notes: str | None = None

    def relates(self, name: str, doc_id: str) -> bool:
        return doc_id in self.relation.get(name, ())


class KnownDocumentsError(ValueError):
    """The registry file is malformed; the message names the entry and the problem."""


def _text(value: object) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else (str(value).strip() or None)


def _known_document(n: int, entry: object) -> KnownDocument:
    where = f"known-documents 第{n}项"
    if not isinstance(entry, dict):
        raise KnownDocumentsError(f"{where}：应为键值对")
    ident = _text(entry.get("id"))
    if not ident or not _ID.match(ident):
        raise KnownDocumentsError(f"{where}：id {ident!r} 无效（小写字母、数字、连字符）")
    where = f"known-documents {ident}"
    for name in ("title", "evidence"):
        if not _text(entry.get(name)):
            raise KnownDocumentsError(f"{where}：缺少 {name}")
    status = _text(entry.get("status")) or "unknown"
    if status not in _KNOWN_STATUSES:
        raise KnownDocumentsError(f"{where}：status {status!r} 无效，应为 {' | '.join(_KNOWN_STATUSES)}")
    if not isinstance(entry.get("verified"), bool):
        raise KnownDocumentsError(f"{where}：verified 必须是 true 或 false")
    effective = entry.get("effective") or [None, None]
    if not isinstance(effective, list) or len(effective) != 2:
        raise KnownDocumentsError(f"{where}：effective 应为 [起始, 截止] 或 null")
    start, end = (_text(v) for v in effective)
    try:
        for value in (_text(entry.get("published")), start, end):
            date_span(value)
    except ValueError as exc:
        raise KnownDocumentsError(f"{where}：{exc}") from None
    relation_raw = entry.get("relation") or {}
    if not isinstance(relation_raw, dict):
        raise KnownDocumentsError(f"{where}：relation 应为键值对")
    relation = {str(k): tuple(str(i) for i in (v if isinstance(v, list) else [v]) if i)
                for k, v in relation_raw.items()}
    return KnownDocument(
        id=ident, title=str(_text(entry["title"])), status=status, verified=entry["verified"],
        evidence=str(_text(entry["evidence"])), doc_number=_text(entry.get("doc_number")),
        issuer=_text(entry.get("issuer")), published=_text(entry.get("published")), effective_from=start,
        effective_to=end, url=_text(entry.get("url")), relation=relation, notes=_text(entry.get("notes")))


@dataclass(frozen=True)
class KnownDocuments:
    """The registry of documents known but not held, with the lookups answers and pre-checks need."""

    entries: tuple[KnownDocument, ...] = ()

    @classmethod
    def load(cls, path: Path = KNOWN_DOCUMENTS) -> KnownDocuments:
        """Read and validate the registry; `KnownDocumentsError` names the first bad entry."""
        try:
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise KnownDocumentsError(f"无法读取 {path}：{exc}") from None
        if data is None:
            return cls()
        if not isinstance(data, list):
            raise KnownDocumentsError(f"{path}：应为条目列表")
        entries = tuple(_known_document(n, e) for n, e in enumerate(data, start=1))
        seen: set[str] = set()
        for entry in entries:
            if entry.id in seen:
                raise KnownDocumentsError(f"known-documents {entry.id}：id 重复")
            seen.add(entry.id)
        return cls(entries)

    def get(self, ident: str) -> KnownDocument | None:
        return next((e for e in self.entries if e.id == ident), None)

    def reported_newer_versions(self, doc_id: str) -> list[KnownDocument]:
        """Entries that supersede `doc_id` (verified or not), newest first."""
        found = [e for e in self.entries if e.relates("supersedes", doc_id)]
        return sorted(found, key=lambda e: e.published or "", reverse=True)

    def related(self, doc_id: str) -> list[KnownDocument]:
        """Entries with any recorded relation to `doc_id` (its translation's original, successors, …)."""
        return [e for e in self.entries if any(doc_id in ids for ids in e.relation.values())]

    def not_held(self, held: Iterable[str]) -> list[KnownDocument]:
        """Entries whose text is not among the held doc_ids (a document imported later drops out)."""
        held_ids = set(held)
        return [e for e in self.entries if e.id not in held_ids]


def _expired_since(meta: DocumentMeta, today: date) -> str | None:
    span = date_span(meta.effective_to)
    if span is not None and today > span[1]:
        return meta.effective_to
    return None


def document_currency(meta: DocumentMeta, today: date | None = None, *, held: Iterable[str] = (),
                      known: KnownDocuments | None = None) -> Currency:
    """Where `meta`'s document stands on `today` (default: the system date).

    A `superseded_by` id (curated front matter) makes the document superseded unless it names an unverified
    registry entry; a verified registry entry that `supersedes` it does too, when its text is not among
    `held` (held successors are named in front matter). Unverified successors go to `reported_newer`.
    """
    today = today or date.today()
    known = known or KnownDocuments()
    held_ids = set(held)

    def confirmed(ident: str) -> bool:
        entry = known.get(ident)
        return ident in held_ids or entry is None or entry.verified

    successors = tuple(i for i in meta.superseded_by if confirmed(i))
    successors += tuple(e.id for e in known.reported_newer_versions(meta.doc_id)
                        if e.verified and e.id not in successors and e.id not in held_ids)
    reported = tuple(e.id for e in known.reported_newer_versions(meta.doc_id) if not e.verified)
    reported += tuple(i for i in meta.superseded_by if not confirmed(i) and i not in reported)
    expired = _expired_since(meta, today)
    start = date_span(meta.effective_from)
    not_yet = start is not None and today < start[0]
    if meta.status == "draft-for-comment":
        state: State = "draft"
    elif successors:
        state = "superseded"
    elif meta.status == "expired" or expired:
        state = "expired"
    elif not_yet:
        state = "not-yet-effective"
    else:
        state = "current"
    return Currency(state=state, superseded_by=successors, expired_since=expired or (
        meta.effective_to if meta.status == "expired" else None),
        effective_from=meta.effective_from if not_yet else None, reported_newer=reported)


def corpus_currency(corpus: Corpus, today: date | None = None,
                    known: KnownDocuments | None = None) -> dict[str, Currency]:
    """The currency of every held document; `supersedes` links are read both ways (a held document that
    names another in `supersedes` makes that one superseded even if its own front matter says nothing)."""
    successors: dict[str, list[str]] = {}
    for doc in corpus.documents.values():
        for old in doc.supersedes:
            successors.setdefault(old, []).append(doc.doc_id)
    result = {}
    for doc_id, doc in corpus.documents.items():
        links = tuple(dict.fromkeys([*doc.superseded_by, *successors.get(doc_id, [])]))
        result[doc_id] = document_currency(replace(doc, superseded_by=links), today,
                                           held=corpus.documents.keys(), known=known)
    return result


@lru_cache(maxsize=1)
def shipped_known_documents() -> KnownDocuments:
    """The registry shipped with the product, read once per process (empty when the file is absent)."""
    return KnownDocuments.load() if KNOWN_DOCUMENTS.is_file() else KnownDocuments()


def reported_revision_note(doc: DocumentMeta, entry: KnownDocument) -> str:
    """The caveat for a newer version of `doc` that is known (or only reported) but not held.

    Only the registry's metadata is named (title, dates, address); no figure it records is repeated,
    and an unverified record says it is one.
    """
    how = "据官方信息" if entry.verified else "据未经核实的第三方记录"
    when = []
    if entry.published:
        when.append(f"于{format_date(entry.published)}印发")
    if entry.effective_from:
        when.append(f"自{format_date(entry.effective_from)}起施行")
    address = f"（{entry.url}）" if entry.url else ""
    return (f"{how}，《{entry.title}》{'、'.join(when)}{address}，所存文件未收录其文本；"
            f"以上依据所存《{doc.short_title}》，现行规定可能已有变化，请以官方发布的文本为准。")


def currency_notes(doc: DocumentMeta, today: date | None = None, *, held: Iterable[str] = (),
                   titles: Mapping[str, str] | None = None, known: KnownDocuments | None = None) -> list[str]:
    """Caveats for citing `doc`: not current (draft, superseded, expired, not yet in force), and newer
    versions reported but not held. Empty for a current document with no reported successor."""
    known = known if known is not None else shipped_known_documents()
    held = set(held)
    currency = document_currency(doc, today, held=held, known=known)
    names = {**{e.id: e.title for e in known.entries}, **(titles or {})}
    notes = [] if currency.is_current else [f"《{doc.short_title}》{currency.describe(names)}。"]
    notes += [reported_revision_note(doc, e) for e in known.reported_newer_versions(doc.doc_id)
              if e.id in currency.reported_newer and e.id not in held]
    return notes
