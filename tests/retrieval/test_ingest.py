"""Importing real PDF, Word and HTML files: every article found, nothing of the page furniture inside a
clause, tables kept with their header, metadata detected for review; bad files refused in Chinese."""

from __future__ import annotations

import re
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from ingest_files import (
    ARTICLES,
    DOC_NUMBER,
    ISSUER,
    RUNNING_HEADER,
    TABLE,
    TITLE,
    make_docx,
    make_garbled_pdf,
    make_html,
    make_pdf,
    make_scanned_pdf,
)

from retrieval.corpus import load_corpus
from retrieval.ingest import ImportOptions, IngestError, import_file
from retrieval.ingest.bounded import read_bounded
from retrieval.ingest.legacy import soffice

MAKERS = {"pdf": make_pdf, "docx": make_docx, "html": make_html}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("ingest-files")
    return {kind: make(folder / f"measures.{kind}") for kind, make in MAKERS.items()}


@pytest.fixture(scope="module")
def imported(files: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    target = tmp_path_factory.mktemp("local-corpus")
    return {kind: import_file(path, target, ImportOptions(doc_id=f"test-measures-{kind}"))
            for kind, path in files.items()}


@pytest.mark.parametrize("kind", list(MAKERS))
def test_every_article_is_one_clause_with_its_whole_text(imported: dict, kind: str) -> None:
    clauses = {c.label: c for c in imported[kind].clauses}
    for label, text in ARTICLES.items():
        assert label in clauses, f"{kind}: {label} not found"
        # Heading and text on one line; the article that ran over a page break is whole.
        assert clauses[label].text.splitlines()[0] == f"{label} {text}"


@pytest.mark.parametrize("kind", list(MAKERS))
def test_no_running_header_or_page_number_inside_a_clause(imported: dict, kind: str) -> None:
    for clause in imported[kind].clauses:
        assert RUNNING_HEADER not in clause.text
        assert not re.search(r"-\s*\d+\s*-", clause.text), clause.text
    assert any("页眉" in w for w in imported[kind].warnings) or kind == "docx"  # Word keeps them apart


@pytest.mark.parametrize("kind", list(MAKERS))
def test_cross_reference_inside_a_sentence_is_not_a_heading(imported: dict, kind: str) -> None:
    labels = [c.label for c in imported[kind].clauses]
    assert "第十二条" not in labels
    assert [lb for lb in labels if lb.startswith("第")] == list(ARTICLES)


@pytest.mark.parametrize("kind", list(MAKERS))
def test_table_rows_are_retrievable_with_their_header(imported: dict, kind: str) -> None:
    rows = [c for c in imported[kind].clauses if c.kind == "table_row"]
    header = TABLE[0]
    assert len(rows) == len(TABLE) - 1
    for clause, row in zip(rows, TABLE[1:]):
        for name, value in zip(header, row):
            assert f"{name}：{value}" in clause.text


@pytest.mark.parametrize("kind", list(MAKERS))
def test_metadata_detected_for_review(imported: dict, kind: str) -> None:
    meta = imported[kind].meta
    assert meta["title"] == TITLE
    assert meta["doc_number"] == DOC_NUMBER
    assert meta["issuer"] == ISSUER
    assert meta["published"] in ("2024-08-20", "2024-08-21")  # the HTML page states its own date
    assert meta["effective_from"] == "2024-09-01" and meta["effective_to"] == "2027-08-31"
    assert meta["status"] == "official" and meta["language"] == "zh" and meta["level"] == "district"


def test_html_scripts_navigation_and_footer_are_dropped(imported: dict) -> None:
    text = "\n".join(c.text for c in imported["html"].clauses)
    for furniture in ("脚本", "导航", "政务公开", "当前位置", "分享到", "版权所有"):
        assert furniture not in text


def test_imported_files_load_as_one_corpus(imported: dict) -> None:
    target = next(iter(imported.values())).path.parent
    corpus = load_corpus(target)
    assert set(corpus.documents) == {f"test-measures-{k}" for k in MAKERS}
    assert corpus.documents["test-measures-pdf"].doc_number == DOC_NUMBER


def test_utf8_html_and_plain_text(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<html><head><meta charset='utf-8'><title>关于测试的通知</title></head><body><div>"
                    "<p>第一条 为了测试，制定本通知。</p><p>第二条 本通知自印发之日起施行。</p></div></body></html>",
                    encoding="utf-8")
    text = tmp_path / "notice.txt"
    text.write_text("关于测试的通知\n\n一、总体要求\n（一）坚持创新。加快发展。\n（二）坚持开放。扩大合作。\n", encoding="utf-8")
    assert [c.label for c in import_file(page, tmp_path / "out", ImportOptions(dry_run=True)).clauses] == \
        ["第一条", "第二条"]
    assert [c.label for c in import_file(text, tmp_path / "out", ImportOptions(dry_run=True)).clauses][-2:] == \
        ["一、（一）", "一、（二）"]


def test_corpus_markdown_keeps_its_front_matter(corpus_dir: Path, tmp_path: Path) -> None:
    source = corpus_dir / "sz-ai-pioneer-measures-2024.md"
    result = import_file(source, tmp_path, ImportOptions())
    shipped = load_corpus(corpus_dir).documents["sz-ai-pioneer-measures-2024"]
    again = load_corpus(tmp_path).documents["sz-ai-pioneer-measures-2024"]
    assert again == shipped
    assert result.path.read_bytes() == source.read_bytes(), "kept byte for byte"
    assert not any("doc_id" in w or "未识别" in w for w in result.warnings)
    # An option that changes the front matter rewrites it, keeping every other field.
    import_file(source, tmp_path, ImportOptions(status="expired", replace=True))
    changed = load_corpus(tmp_path).documents["sz-ai-pioneer-measures-2024"]
    assert changed == replace(shipped, status="expired")


def test_never_overwrites_without_replace(files: dict[str, Path], tmp_path: Path) -> None:
    options = ImportOptions(doc_id="test-measures")
    first = import_file(files["html"], tmp_path, options)
    with pytest.raises(IngestError, match="--replace"):
        import_file(files["pdf"], tmp_path, options)
    assert first.path.read_text(encoding="utf-8").count("measures.html") == 1  # untouched
    import_file(files["pdf"], tmp_path, ImportOptions(doc_id="test-measures", replace=True))
    assert "measures.pdf" in first.path.read_text(encoding="utf-8")


def test_shadowing_a_shipped_document_needs_replace(files: dict[str, Path], corpus_dir: Path,
                                                   tmp_path: Path) -> None:
    options = ImportOptions(doc_id="sz-ai-pioneer-measures-2024")
    with pytest.raises(IngestError, match="随产品提供"):
        import_file(files["html"], tmp_path, options, shipped_dir=corpus_dir)
    options.replace = True
    result = import_file(files["html"], tmp_path, options, shipped_dir=corpus_dir)
    assert result.written and any("代替" in w for w in result.warnings)


def test_dry_run_writes_nothing(files: dict[str, Path], tmp_path: Path) -> None:
    result = import_file(files["docx"], tmp_path / "local", ImportOptions(dry_run=True))
    assert result.clauses and not result.written and not (tmp_path / "local").exists()


def test_options_override_detection(files: dict[str, Path], tmp_path: Path) -> None:
    result = import_file(files["docx"], tmp_path, ImportOptions(
        doc_id="x-draft", title="某某办法（征求意见稿）", status="draft-for-comment", published="2024-09",
        doc_number="深测规〔2024〕9号", source="https://example.gov.cn/x.html"))
    doc = load_corpus(tmp_path).documents["x-draft"]
    assert (doc.title, doc.status, doc.published, doc.doc_number, doc.source) == (
        "某某办法（征求意见稿）", "draft-for-comment", "2024-09", "深测规〔2024〕9号", "https://example.gov.cn/x.html")
    assert result.to_dict()["status"] == "draft-for-comment"
    with pytest.raises(IngestError, match="--published"):
        import_file(files["docx"], tmp_path, ImportOptions(published="去年", dry_run=True))


def test_draft_title_is_detected_as_draft(tmp_path: Path) -> None:
    text = tmp_path / "draft.txt"
    text.write_text("深圳市测试区专项资金管理办法（征求意见稿）\n第一条 为规范资金管理，制定本办法。\n", encoding="utf-8")
    assert import_file(text, tmp_path, ImportOptions(dry_run=True)).meta["status"] == "draft-for-comment"


def test_scanned_and_garbled_pdfs_are_refused(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="没有文字层"):
        import_file(make_scanned_pdf(tmp_path / "scan.pdf"), tmp_path, ImportOptions(dry_run=True))
    with pytest.raises(IngestError, match="乱码"):
        import_file(make_garbled_pdf(tmp_path / "garbled.pdf"), tmp_path, ImportOptions(dry_run=True))


def test_hostile_and_broken_files_fail_cleanly(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b" " * (30 * 1024 * 1024))
    with pytest.raises(IngestError, match="压缩炸弹"):
        import_file(bomb, tmp_path, ImportOptions(dry_run=True))
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    with pytest.raises(IngestError, match=r"PDF|无法读取"):
        import_file(broken, tmp_path, ImportOptions(dry_run=True))
    not_docx = tmp_path / "fake.docx"
    not_docx.write_bytes(b"plain text, not a zip")
    with pytest.raises(IngestError, match="Word"):
        import_file(not_docx, tmp_path, ImportOptions(dry_run=True))
    huge = tmp_path / "huge.pdf"
    with open(huge, "wb") as handle:
        handle.truncate(60 * 1024 * 1024)  # sparse: refused by size before it is read
    with pytest.raises(IngestError, match="上限"):
        import_file(huge, tmp_path, ImportOptions(dry_run=True))
    with pytest.raises(IngestError, match="不支持"):
        import_file(_touch(tmp_path / "x.exe"), tmp_path, ImportOptions(dry_run=True))


def _touch(path: Path) -> Path:
    path.write_bytes(b"MZ")
    return path


def test_a_reader_past_its_time_limit_is_stopped(files: dict[str, Path]) -> None:
    with pytest.raises(IngestError, match="秒"):
        read_bounded("pdf", files["pdf"], timeout_s=0.01)


def test_legacy_word_without_libreoffice_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("shutil.which", lambda name: None)
    with pytest.raises(IngestError, match="LibreOffice"):
        import_file(_touch(tmp_path / "old.doc"), tmp_path, ImportOptions(dry_run=True))


@pytest.mark.skipif(soffice() is None, reason="LibreOffice not installed (scripts/install-libreoffice.sh)")
def test_legacy_word_through_libreoffice(files: dict[str, Path], tmp_path: Path) -> None:
    import subprocess

    # Make a real .doc from the Word file, then import it.
    subprocess.run([str(soffice()), f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                    "--convert-to", "doc", "--outdir", str(tmp_path), str(files["docx"])],
                   check=True, capture_output=True, timeout=180)
    result = import_file(tmp_path / "measures.doc", tmp_path / "out", ImportOptions(dry_run=True))
    assert [c.label for c in result.clauses if c.kind == "article"] == list(ARTICLES)


def test_a_repeated_line_away_from_page_edges_is_kept(tmp_path: Path) -> None:
    """An issuer that signs three attachments is text, not a running header (no page numbers around it)."""
    text = tmp_path / "notice.txt"
    parts = ["深圳市测试区人民政府关于印发三项办法的通知"]
    for n, label in enumerate(("第一条", "第二条", "第三条"), start=1):
        parts += [f"{label} 附件{n}所列事项按本通知执行。", ISSUER, f"2024年8月{n}日"]
    text.write_text("\n".join(parts), encoding="utf-8")
    result = import_file(text, tmp_path, ImportOptions(dry_run=True))
    assert sum(c.text.splitlines().count(ISSUER) for c in result.clauses) == 3
