"""Read `corpus/policies/*.md` into a validated `Corpus`, with a local corpus layered over it.

A corpus is one directory or several layered ones: the shipped corpus first (read-only), then the local
corpus under the data directory where imported documents go. A local file replaces the shipped file
with the same name (file name = doc_id); removing it brings the shipped one back.

Every problem with a file stops loading with a `CorpusError` naming the file and the problem: a
malformed document must never be silently dropped or half-indexed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import get_args

import yaml

from retrieval.injection import injection_text
from retrieval.models import Clause, Corpus, DocStatus, DocType, DocumentMeta, Level
from retrieval.parser import ParsedBody, parse_body

REQUIRED_FIELDS = ("doc_id", "title", "short_title", "issuer", "level", "doc_type", "status",
                   "language", "completeness", "source")
OPTIONAL_FIELDS = ("doc_number", "published", "effective_from", "effective_to", "official_url", "notes")
# Version links: lists of doc_ids (held documents or entries of known-documents.yaml).
LINK_FIELDS = ("supersedes", "superseded_by")
_ENUMS: dict[str, tuple[str, ...]] = {
    "level": get_args(Level),
    "doc_type": get_args(DocType),
    "status": get_args(DocStatus),
    "completeness": ("full", "partial"),
    "language": ("zh", "en"),
}
_DOC_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class CorpusError(ValueError):
    """A corpus file that cannot be indexed; the message names the file and the problem."""

    def __init__(self, path: Path | str, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{path}: {problem}")


LOCAL_CORPUS = "corpus"  # the local corpus's directory name under the data directory



@dataclass(frozen=True)
class CorpusLayers:
    """Corpus directories in layers (see `corpus_files`), less the documents excluded by file stem (doc_id):
    those an administrator disabled are neither indexed, searched nor cited."""

    dirs: tuple[Path, ...]
    excluded: frozenset[str] = frozenset()


CorpusDirs = Path | Sequence[Path] | CorpusLayers


def local_corpus_dir(data_dir: Path) -> Path:
    """Where imported documents live: `<data dir>/corpus/`, layered over the shipped corpus."""
    return Path(data_dir) / LOCAL_CORPUS


def corpus_files(corpus_dir: CorpusDirs) -> list[Path]:
    """The policy files of a corpus, sorted by name.

    `corpus_dir` is one directory, or layers in order: the first must exist (the shipped corpus), later
    ones may be absent; a file of a later layer replaces the file of the same name in an earlier one.
    """
    source = _layers(corpus_dir)
    layers = list(source.dirs)
    if not layers or not layers[0].is_dir():
        raise CorpusError(layers[0] if layers else "", "语料目录不存在 (corpus directory not found)")
    by_name: dict[str, Path] = {}
    for layer in layers:
        if layer.is_dir():
            by_name.update({p.name: p for p in layer.glob("*.md") if p.is_file() and not p.name.startswith(".")})
    return [by_name[name] for name in sorted(by_name) if by_name[name].stem not in source.excluded]


def _layers(corpus_dir: CorpusDirs) -> CorpusLayers:
    if isinstance(corpus_dir, CorpusLayers):
        return corpus_dir
    if isinstance(corpus_dir, (str, Path)):
        return CorpusLayers((Path(corpus_dir),))
    return CorpusLayers(tuple(Path(d) for d in corpus_dir))


def fingerprint(files: list[Path]) -> str:
    """A digest of the corpus files' names and bytes; it changes whenever any document changes."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def split_front_matter(path: Path, text: str) -> tuple[dict[str, object], str]:
    """Split a document into its YAML front matter (as a dict) and its body."""
    text = text.lstrip("\ufeff")
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise CorpusError(path, "缺少 YAML 头信息：文件须以 '---' 开头 (missing front matter)")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise CorpusError(path, "YAML 头信息没有结束的 '---' (unterminated front matter)") from None
    try:
        meta = yaml.safe_load("\n".join(lines[1:end]))
    except yaml.YAMLError as exc:
        raise CorpusError(path, f"YAML 头信息格式错误 (bad front matter): {exc}") from None
    if not isinstance(meta, dict):
        raise CorpusError(path, "YAML 头信息必须是键值对 (front matter is not a mapping)")
    return meta, "\n".join(lines[end + 1:])


def _as_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip() or None


def _as_ids(path: Path, name: str, value: object) -> tuple[str, ...]:
    """A version-link field: absent, one id, or a list of ids."""
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    ids = tuple(str(item).strip() for item in items if item is not None and str(item).strip())
    bad = [i for i in ids if not _DOC_ID.match(i)]
    if bad:
        raise CorpusError(path, f"字段 {name} 中的 {bad[0]!r} 不是有效的 doc_id")
    return ids


def document_meta(path: Path, meta: dict[str, object]) -> DocumentMeta:
    """Validate front matter fields and build the `DocumentMeta`."""
    missing = [f for f in REQUIRED_FIELDS if not _as_text(meta.get(f))]
    if missing:
        raise CorpusError(path, f"缺少必填字段 (missing fields): {', '.join(missing)}")
    fields: dict[str, object] = {f: _as_text(meta.get(f)) for f in REQUIRED_FIELDS + OPTIONAL_FIELDS}
    for name in LINK_FIELDS:
        fields[name] = _as_ids(path, name, meta.get(name))
    for name, allowed in _ENUMS.items():
        if fields[name] not in allowed:
            raise CorpusError(path, f"字段 {name} 的值 {fields[name]!r} 无效，应为 {' | '.join(allowed)}")
    doc_id = str(fields["doc_id"])
    if not _DOC_ID.match(doc_id):
        raise CorpusError(path, f"doc_id {doc_id!r} 只能包含小写字母、数字和连字符")
    if doc_id != path.stem:
        raise CorpusError(path, f"doc_id {doc_id!r} 与文件名 {path.stem!r} 不一致")
    return DocumentMeta(**fields)  # type: ignore[arg-type]


def load_document(path: Path) -> tuple[DocumentMeta, ParsedBody]:
    """Parse one corpus file into its metadata and its clauses (with its parts' titles)."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(path, f"文件不是 UTF-8 编码 (not UTF-8): {exc}") from None
    meta, body = split_front_matter(path, text)
    doc = document_meta(path, meta)
    parsed = parse_body(doc.doc_id, body, language=doc.language)
    if not parsed.clauses:
        raise CorpusError(path, "正文为空 (empty body)")
    for clause in (*parsed.clauses, *parsed.titles, *parsed.tables):  # text addressed to the assistant is not policy text: refuse the file
        found = injection_text(clause.text)
        if found:
            raise CorpusError(path, f"条款 {clause.label} 含有疑似提示注入的文字“{found}”，不是政策原文应有的内容；"
                                    "请核对原文后再建立索引 (suspected prompt injection)")
    return replace(doc, gaps=parsed.gaps), parsed


def load_corpus(corpus_dir: CorpusDirs) -> Corpus:
    """Load and validate every document of a corpus (one directory or layers, see `corpus_files`);
    raise `CorpusError` on the first problem."""
    files = corpus_files(corpus_dir)
    if not files:
        raise CorpusError(_layers(corpus_dir).dirs[0], "语料目录中没有任何 .md 政策文件 (no policy files)")
    documents: dict[str, DocumentMeta] = {}
    clauses: list[Clause] = []
    titles: list[Clause] = []
    tables: list[Clause] = []
    for path in files:
        doc, parsed = load_document(path)
        if doc.doc_id in documents:
            raise CorpusError(path, f"doc_id {doc.doc_id!r} 重复 (duplicate doc_id)")
        documents[doc.doc_id] = doc
        clauses.extend(parsed.clauses)
        titles.extend(parsed.titles)
        tables.extend(parsed.tables)
    # A part's bare title is cited when the title is what is asked, never searched: the words of a title are
    # the subject of the clauses under it, which answer.
    return Corpus(documents=documents, clauses=tuple(clauses), fingerprint=fingerprint(files), titles=tuple(titles),
                  tables=tuple(tables))
