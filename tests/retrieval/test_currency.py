"""Versions and currency of held documents, and the registry of documents known but not held."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from retrieval.currency import (
    KNOWN_DOCUMENTS,
    Currency,
    KnownDocuments,
    KnownDocumentsError,
    corpus_currency,
    currency_notes,
    date_span,
    document_currency,
    format_date,
)
from retrieval.models import DocumentMeta

BASE = DocumentMeta(doc_id="x-measures", title="某某措施", short_title="某某措施", issuer="某局", level="district",
                    doc_type="measures", status="official", language="zh", completeness="full", source="test")
REGISTRY = """
- id: x-measures-revision
  title: 某某措施（修订版）
  status: official
  published: 2026-06-17
  effective: [2026-06-29, 2029-06-28]
  url: https://example.gov.cn/rev.html
  relation: {supersedes: [x-measures]}
  evidence: 第三方记录
  verified: false
- id: x-old-measures
  title: 某某旧办法
  status: expired
  published: 2021
  effective: [null, 2025-09]
  relation: {superseded_by: x-measures}
  evidence: 起草说明
  verified: true
- id: y-verified-successor
  title: 某某新规程
  status: official
  published: 2025-03
  effective: null
  relation: {supersedes: [y-rules]}
  evidence: 官方网站
  verified: true
"""


@pytest.fixture()
def known(tmp_path: Path) -> KnownDocuments:
    path = tmp_path / "known.yaml"
    path.write_text(REGISTRY, encoding="utf-8")
    return KnownDocuments.load(path)


def test_partial_dates() -> None:
    assert date_span("2025-09") == (date(2025, 9, 1), date(2025, 9, 30))
    assert date_span("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    assert date_span("2021") == (date(2021, 1, 1), date(2021, 12, 31))
    assert date_span("2026-06-29") == (date(2026, 6, 29),) * 2
    assert date_span(None) is None
    with pytest.raises(ValueError):
        date_span("去年")
    assert format_date("2025-09") == "2025年9月" and format_date("2026-06-29") == "2026年6月29日"


def test_expiry_counts_the_whole_last_month() -> None:
    meta = replace(BASE, effective_to="2025-09")
    assert document_currency(meta, date(2025, 9, 30)).state == "current"
    expired = document_currency(meta, date(2025, 10, 1))
    assert expired.state == "expired" and expired.expired_since == "2025-09"
    assert expired.describe() == "已于2025年9月失效"


def test_not_yet_effective_then_current() -> None:
    meta = replace(BASE, effective_from="2026-06-29")
    early = document_currency(meta, date(2026, 6, 28))
    assert early.state == "not-yet-effective" and "2026年6月29日" in early.describe()
    assert document_currency(meta, date(2026, 6, 29)).state == "current"


def test_draft_and_status_expired() -> None:
    draft = document_currency(replace(BASE, status="draft-for-comment", superseded_by=("x-final",)), date(2025, 1, 1))
    assert draft.state == "draft" and draft.superseded_by == ("x-final",)
    assert "《正式稿》" in draft.describe({"x-final": "正式稿"})
    assert document_currency(replace(BASE, status="expired"), date(2025, 1, 1)).state == "expired"


def test_superseded_by_a_held_document(known: KnownDocuments) -> None:
    meta = replace(BASE, superseded_by=("x-new",), effective_to="2020-12-31")
    currency = document_currency(meta, date(2025, 1, 1), held=["x-measures", "x-new"], known=known)
    assert currency.state == "superseded" and currency.expired_since == "2020-12-31"
    assert currency.describe({"x-new": "新措施"}) == "已被《新措施》取代"


def test_an_unverified_revision_is_reported_never_taken_as_superseding(known: KnownDocuments) -> None:
    currency = document_currency(BASE, date(2026, 12, 1), held=["x-measures"], known=known)
    assert currency.state == "current" and currency.reported_newer == ("x-measures-revision",)
    revision = known.reported_newer_versions("x-measures")[0]
    assert (revision.published, revision.effective_from, revision.url, revision.verified) == (
        "2026-06-17", "2026-06-29", "https://example.gov.cn/rev.html", False)
    # Even named in front matter, an unverified registry entry does not make the held text superseded.
    named = document_currency(replace(BASE, superseded_by=("x-measures-revision",)), date(2026, 12, 1),
                              known=known)
    assert named.state == "current" and named.reported_newer == ("x-measures-revision",)


def test_a_verified_successor_not_held_supersedes(known: KnownDocuments) -> None:
    meta = replace(BASE, doc_id="y-rules")
    currency = document_currency(meta, date(2026, 1, 1), held=["y-rules"], known=known)
    assert currency == Currency(state="superseded", superseded_by=("y-verified-successor",))


def test_not_held_and_related(known: KnownDocuments) -> None:
    assert [e.id for e in known.not_held(["x-old-measures"])] == ["x-measures-revision", "y-verified-successor"]
    assert {e.id for e in known.related("x-measures")} == {"x-measures-revision", "x-old-measures"}
    old = known.get("x-old-measures")
    assert old is not None and old.effective_to == "2025-09" and old.effective_from is None


@pytest.mark.parametrize("bad, problem", [
    ("- {id: Bad_Id, title: t, evidence: e, verified: true}", "id"),
    ("- {id: a, evidence: e, verified: true}", "title"),
    ("- {id: a, title: t, evidence: e, verified: maybe}", "verified"),
    ("- {id: a, title: t, evidence: e, verified: true, published: 去年}", "日期"),
    ("- {id: a, title: t, evidence: e, verified: true, effective: [2024]}", "effective"),
    ("- {id: a, title: t, evidence: e, verified: true}\n- {id: a, title: t, evidence: e, verified: true}", "重复"),
    ("{id: a}", "列表"),
])
def test_a_malformed_registry_is_refused(tmp_path: Path, bad: str, problem: str) -> None:
    path = tmp_path / "known.yaml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(KnownDocumentsError, match=problem):
        KnownDocuments.load(path)


def test_the_shipped_registry_loads_and_names_the_reported_revision() -> None:
    known = KnownDocuments.load(KNOWN_DOCUMENTS)
    newer = known.reported_newer_versions("lg-ai-measures-en")
    assert newer and newer[0].published == "2026-06-17" and not newer[0].verified and newer[0].url


def test_shipped_corpus_currency(corpus) -> None:
    currencies = corpus_currency(corpus, date(2026, 12, 1), KnownDocuments.load(KNOWN_DOCUMENTS))
    assert set(currencies) == set(corpus.documents)
    assert currencies["sz-ai-pioneer-measures-2024-draft"].state == "draft"
    english = currencies["lg-ai-measures-en"]
    assert english.state == "current" and "lg-ai-measures-2026-revision" in english.reported_newer


def test_currency_notes_name_a_reported_revision_by_its_metadata_only(known: KnownDocuments) -> None:
    notes = currency_notes(BASE, date(2026, 12, 1), held=["x-measures"], known=known)
    assert len(notes) == 1
    note = notes[0]
    assert "未经核实" in note and "《某某措施（修订版）》" in note and "https://example.gov.cn/rev.html" in note
    assert "2026年6月17日印发" in note and "2026年6月29日起施行" in note and "未收录" in note
    # Once its text is held the revision is no longer "not held".
    assert currency_notes(BASE, date(2026, 12, 1), held=["x-measures", "x-measures-revision"], known=known) == []


def test_currency_notes_of_texts_not_current(known: KnownDocuments) -> None:
    expiring = replace(BASE, doc_id="z", effective_to="2025-09")
    assert currency_notes(expiring, date(2025, 9, 30), known=known) == []
    assert currency_notes(expiring, date(2025, 10, 1), known=known) == ["《某某措施》已于2025年9月失效。"]
    draft = replace(BASE, doc_id="z-draft", status="draft-for-comment")
    assert currency_notes(draft, date(2025, 1, 1), known=known) == ["《某某措施》征求意见稿，非正式文本。"]
    old = replace(BASE, doc_id="z-old", superseded_by=("z-new",))
    assert currency_notes(old, date(2025, 1, 1), held=["z-old", "z-new"], titles={"z-new": "新办法"},
                          known=known) == ["《某某措施》已被《新办法》取代。"]
