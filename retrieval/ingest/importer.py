"""Import one file into a corpus directory as a corpus-format Markdown document.

The document is parsed exactly as indexing will parse it (`retrieval.corpus.load_document`) before it is
written, so what `import` reports is what the index will hold; a file is written atomically and never
overwrites an existing document (or shadows a shipped one) unless `replace` is set.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from retrieval.corpus import CorpusError, load_document, split_front_matter
from retrieval.ingest.blocks import Block, Extracted, Para, Table
from retrieval.ingest.bounded import read_bounded
from retrieval.ingest.errors import IngestError
from retrieval.ingest.legacy import convert_to_docx
from retrieval.ingest.metadata import detect, parse_date
from retrieval.ingest.structure import body_lines, drop_running_lines
from retrieval.ingest.web import decode_text
from retrieval.models import Clause

MAX_FILE_BYTES = 50 * 1024 * 1024
SUFFIXES = {".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html", ".shtml": "html", ".txt": "text",
            ".md": "text", ".markdown": "text", ".doc": "legacy", ".wps": "legacy", ".rtf": "legacy"}
FIELD_ORDER = ("doc_id", "title", "short_title", "issuer", "level", "doc_type", "doc_number", "status",
               "published", "effective_from", "effective_to", "supersedes", "superseded_by", "language",
               "completeness", "official_url", "source", "notes")
STATUSES = ("official", "draft-for-comment", "expired")
# Placeholders for required fields that could not be detected: the document still loads, the warnings say.
_DEFAULTS = {"issuer": "（待核对）", "level": "district", "doc_type": "notice"}
_DOC_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass
class ImportOptions:
    """What the user states about the file (each overrides what is detected)."""

    doc_id: str | None = None
    title: str | None = None
    doc_number: str | None = None
    status: str | None = None
    published: str | None = None
    source: str | None = None
    replace: bool = False
    dry_run: bool = False


@dataclass
class ImportResult:
    """An imported (or, with dry_run, a checked) document."""

    doc_id: str
    path: Path
    meta: dict[str, object]
    clauses: list[Clause]
    warnings: list[str] = field(default_factory=list)
    written: bool = False

    def to_dict(self) -> dict[str, object]:
        """The JSON of `policy-assistant import --json` (DESIGN.md contract)."""
        return {
            "doc_id": self.doc_id, "path": str(self.path), "title": self.meta.get("title"),
            "doc_number": self.meta.get("doc_number"), "published": self.meta.get("published"),
            "status": self.meta.get("status"),
            "clauses": [{"clause_id": c.clause_id, "label": c.label, "text": c.text} for c in self.clauses],
            "warnings": list(self.warnings),
        }


def extract(path: Path) -> Extracted:
    """Read a PDF, Word, HTML or plain-text file (old Word/WPS through LibreOffice) into blocks."""
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise IngestError(f"不支持的文件类型 {path.suffix or '（无扩展名）'}：可导入 PDF、Word（.docx/.doc/.wps）、"
                          "网页（.html）、纯文本（.txt/.md）")
    if kind == "text":
        return read_text(path.read_bytes())
    if kind == "legacy":
        with tempfile.TemporaryDirectory(prefix="pa-convert-") as workdir:
            return read_bounded("docx", convert_to_docx(path, Path(workdir)))
    return read_bounded(kind, path)


def read_text(raw: bytes) -> Extracted:
    """Plain text or Markdown without front matter: a paragraph per line; `|` lines as a table."""
    text = decode_text(raw) if raw else ""
    blocks: list[Block] = []
    table: list[tuple[str, ...]] = []
    for line in [*text.splitlines(), ""]:
        stripped = line.strip()
        if stripped.startswith("|"):
            if not re.match(r"^\|?\s*:?-{2,}", stripped):
                table.append(tuple(c.strip() for c in stripped.strip("|").split("|")))
            continue
        if table:
            blocks.append(Table(tuple(table)))
            table = []
        blocks.append(Para(re.sub(r"^#+\s*", "", stripped)))
    return Extracted(pages=[blocks])


def _derive_doc_id(path: Path, content: bytes) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")
    return slug if slug and slug[0].isalnum() else f"import-{hashlib.sha256(content).hexdigest()[:10]}"


def _apply_options(meta: dict[str, object], options: ImportOptions, curated: bool) -> None:
    """Apply what the user stated; a new title also becomes the short title unless the file was curated."""
    if options.status is not None and options.status not in STATUSES:
        raise IngestError(f"--status 的值 {options.status!r} 无效，应为 {' | '.join(STATUSES)}")
    if options.published is not None:
        published = parse_date(options.published)
        if published is None:
            raise IngestError(f"--published 的值 {options.published!r} 不是日期（例如 2024-08-02 或 2024-08）")
        meta["published"] = published
    for name in ("title", "doc_number", "status", "source"):
        value = getattr(options, name)
        if value is not None:
            meta[name] = value.strip() or None
    if options.doc_id is not None:
        if not _DOC_ID.match(options.doc_id):
            raise IngestError(f"--doc-id {options.doc_id!r} 只能包含小写字母、数字和连字符")
        meta["doc_id"] = options.doc_id
    if options.title is not None and not curated:
        meta["short_title"] = meta["title"]
    if not meta.get("title"):
        raise IngestError("未能识别文件标题，请用 --title 指定")


def render(meta: dict[str, object], body: str) -> str:
    """A corpus file: YAML front matter (contract field order) and the body."""
    ordered = {k: meta.get(k) for k in FIELD_ORDER if k in meta or k in ("doc_number", "published", "official_url")}
    ordered |= {k: v for k, v in meta.items() if k not in ordered}
    front = yaml.safe_dump(ordered, allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{front}---\n\n{body.strip()}\n"


def _from_corpus_markdown(path: Path, text: str) -> tuple[dict[str, object], str] | None:
    """Front matter and body of a file already in corpus format; None for plain Markdown."""
    if not text.lstrip("\ufeff").startswith("---"):
        return None
    try:
        meta, body = split_front_matter(path, text)
    except CorpusError as exc:
        raise IngestError(f"文件的 YAML 头信息有误：{exc.problem}") from None
    return meta, body


def prepare(path: Path, options: ImportOptions) -> tuple[dict[str, object], str, list[str]]:
    """Read and structure a file: its front matter fields, corpus text and warnings (nothing written).

    A file already in corpus format is kept byte for byte unless an option changes its front matter.
    """
    path = Path(path)
    if not path.is_file():
        raise IngestError(f"文件不存在：{path}")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise IngestError(f"文件大小 {size / 1024 / 1024:.0f} MB 超过导入上限 {MAX_FILE_BYTES // 1024 // 1024} MB")
    content = path.read_bytes()
    warnings: list[str] = []
    existing = None
    if SUFFIXES.get(path.suffix.lower()) == "text":
        existing = _from_corpus_markdown(path, decode_text(content))
    if existing is not None:
        meta, body = existing
    else:
        extracted = extract(path)
        blocks, removed = drop_running_lines(extracted)
        lines = body_lines(blocks)
        if not any(lines):
            raise IngestError("文件中没有可导入的文字")
        detected = detect(lines, extracted.hints)
        meta = dict(detected.fields)
        warnings += detected.warnings
        if removed:
            warnings.append("已删除页眉、页脚或页码：" + "；".join(removed[:5]) + ("……" if len(removed) > 5 else ""))
        for name, value in _DEFAULTS.items():
            meta.setdefault(name, value)
        meta |= {"short_title": meta.get("title"), "completeness": "full",
                 "source": f"导入文件 {path.name}（请补充来源）", "official_url": None, "notes": None}
        meta.setdefault("doc_number", None)
        meta.setdefault("published", None)
        body = "\n".join(lines)
    meta.setdefault("doc_id", _derive_doc_id(path, content))
    if options.doc_id is None and existing is None:
        warnings.append(f"doc_id 由文件名生成为 {meta['doc_id']}，可用 --doc-id 指定")
    before = dict(meta)
    _apply_options(meta, options, curated=existing is not None)
    if existing is not None and meta == before:
        return meta, decode_text(content).lstrip("\ufeff"), warnings
    return meta, render(meta, body), warnings



def import_file(path: Path, target_dir: Path, options: ImportOptions | None = None, *,
                shipped_dir: Path | None = None) -> ImportResult:
    """Import `path` into `target_dir` as `<doc_id>.md` (only checked, not written, with `dry_run`).

    Refuses, unless `options.replace`, to overwrite a document of `target_dir` or to shadow one of
    `shipped_dir` (the corpus the target is layered over).
    """
    options = options or ImportOptions()
    meta, text, warnings = prepare(Path(path), options)
    doc_id = str(meta["doc_id"])
    with tempfile.TemporaryDirectory(prefix="pa-import-") as tmp:
        probe = Path(tmp) / f"{doc_id}.md"
        probe.write_text(text, encoding="utf-8")
        try:
            doc, parsed = load_document(probe)
        except CorpusError as exc:
            raise IngestError(f"导入结果不符合语料格式：{exc.problem}") from None
    if doc.is_partial:
        warnings.append("文件中有缺漏标记〔以下原文未收录〕：所存文本不完整")
    target = Path(target_dir) / f"{doc_id}.md"
    result = ImportResult(doc_id=doc_id, path=target, meta=meta, clauses=parsed.clauses, warnings=warnings)
    shadowed = shipped_dir is not None and (Path(shipped_dir) / f"{doc_id}.md").is_file() \
        and Path(shipped_dir).resolve() != Path(target_dir).resolve()
    if not options.replace:
        if target.exists():
            raise IngestError(f"文件 {doc_id} 已存在（{target}）；确认要替换时请加 --replace")
        if shadowed:
            raise IngestError(f"随产品提供的语料中已有 {doc_id}；导入后将以本地版本代替它。确认要替换时请加 --replace")
    elif shadowed:
        warnings.append(f"本地文件 {doc_id} 代替随产品提供的同名文件；删除本地文件即恢复原文件")
    if options.dry_run:
        return result
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp_path = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp_path.write_text(text, encoding="utf-8")
    os.replace(tmp_path, target)
    result.written = True
    return result
