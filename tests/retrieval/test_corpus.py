"""The corpus loader: every malformed file stops loading with a `CorpusError` naming the file and the problem;
`policy-assistant index` reports it in Chinese and leaves the previous index in service."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import retrieval.corpus as corpus_module
from assistant.settings import PROJECT_ROOT
from retrieval.corpus import CorpusError, load_corpus
from retrieval.index import build_index, read_manifest
from retrieval.models import GAP_MARKER

FRONT = {
    "doc_id": "zz-test-doc",
    "title": "测试文件全称",
    "short_title": "测试文件",
    "issuer": "测试单位",
    "level": "district",
    "doc_type": "notice",
    "status": "official",
    "published": "2024-01-02",
    "language": "zh",
    "completeness": "full",
    "source": "测试夹具",
}
BODY = "第一条 对符合条件的企业给予最高100万元资助。\n第二条 本办法自印发之日起施行。\n"


def write_doc(directory: Path, stem: str = "zz-test-doc", body: str = BODY, drop: tuple[str, ...] = (),
              **fields: object) -> Path:
    values = {**FRONT, "doc_id": stem, **fields}
    head = "\n".join(f"{k}: {v}" for k, v in values.items() if k not in drop)
    path = directory / f"{stem}.md"
    path.write_text(f"---\n{head}\n---\n{body}", encoding="utf-8")
    return path


def load_error(directory: Path) -> CorpusError:
    with pytest.raises(CorpusError) as caught:
        load_corpus(directory)
    return caught.value


def test_a_well_formed_document_loads(tmp_path: Path) -> None:
    write_doc(tmp_path, body=BODY + GAP_MARKER + "\n", completeness="partial", doc_number="null")
    corpus = load_corpus(tmp_path)
    doc = corpus.documents["zz-test-doc"]
    assert doc.published == "2024-01-02", "YAML dates come back as the ISO text"
    assert doc.doc_number is None and doc.gaps == (2,) and doc.is_partial
    assert [c.clause_id for c in corpus.clauses] == ["zz-test-doc#第一条", "zz-test-doc#第二条"]


def test_the_fingerprint_changes_with_any_byte(tmp_path: Path) -> None:
    path = write_doc(tmp_path)
    before = load_corpus(tmp_path).fingerprint
    assert load_corpus(tmp_path).fingerprint == before
    path.write_text(path.read_text(encoding="utf-8").replace("100万元", "200万元"), encoding="utf-8")
    assert load_corpus(tmp_path).fingerprint != before


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("bad-yaml", "YAML 头信息格式错误"),
        ("no-front-matter", "缺少 YAML 头信息"),
        ("unterminated", "没有结束"),
        ("not-a-mapping", "键值对"),
        ("missing-doc-id", "缺少必填字段 (missing fields): doc_id"),
        ("missing-title", "title"),
        ("stem-mismatch", "与文件名 'zz-test-doc' 不一致"),
        ("bad-doc-id", "只能包含小写字母"),
        ("empty-body", "正文为空"),
        ("only-gap", "正文为空"),
        ("not-utf8", "不是 UTF-8"),
        ("bad-level", "字段 level 的值 'city' 无效"),
        ("bad-status", "字段 status 的值 'final' 无效"),
        ("bad-language", "字段 language"),
    ],
)
def test_malformed_file_names_the_file_and_the_problem(tmp_path: Path, case: str, expected: str) -> None:
    write_doc(tmp_path, stem="aa-good-doc")  # a good file before it does not hide the bad one
    path = tmp_path / "zz-test-doc.md"
    if case == "bad-yaml":
        path.write_text("---\ndoc_id: [zz-test-doc\ntitle: x\n---\n" + BODY, encoding="utf-8")
    elif case == "no-front-matter":
        path.write_text(BODY, encoding="utf-8")
    elif case == "unterminated":
        path.write_text("---\ndoc_id: zz-test-doc\n" + BODY, encoding="utf-8")
    elif case == "not-a-mapping":
        path.write_text("---\n- a\n- b\n---\n" + BODY, encoding="utf-8")
    elif case == "missing-doc-id":
        write_doc(tmp_path, drop=("doc_id",))
    elif case == "missing-title":
        write_doc(tmp_path, title="''")
    elif case == "stem-mismatch":
        write_doc(tmp_path, doc_id="zz-other-doc")
    elif case == "bad-doc-id":
        path.write_text(write_doc(tmp_path).read_text(encoding="utf-8")
                        .replace("doc_id: zz-test-doc", "doc_id: ZZ_Test"), encoding="utf-8")
    elif case == "empty-body":
        write_doc(tmp_path, body="\n  \n")
    elif case == "only-gap":
        write_doc(tmp_path, body=GAP_MARKER + "\n")
    elif case == "not-utf8":
        text = write_doc(tmp_path).read_text(encoding="utf-8")
        path.write_bytes(text.encode("gbk"))
    elif case == "bad-level":
        write_doc(tmp_path, level="city")
    elif case == "bad-status":
        write_doc(tmp_path, status="final")
    elif case == "bad-language":
        write_doc(tmp_path, language="fr")
    error = load_error(tmp_path)
    assert error.path == str(path)
    assert "zz-test-doc.md" in str(error) and expected in str(error)


def test_duplicate_doc_id_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The file-stem rule already makes duplicates impossible within one directory; the loader still
    refuses them if the file list ever holds one document twice (e.g. from two directories)."""
    path = write_doc(tmp_path)
    monkeypatch.setattr(corpus_module, "corpus_files", lambda _dir: [path, path])
    error = load_error(tmp_path)
    assert "zz-test-doc.md" in str(error) and "重复" in str(error)


def test_missing_or_empty_corpus_directory(tmp_path: Path) -> None:
    assert "语料目录不存在" in str(load_error(tmp_path / "nowhere"))
    assert "没有任何 .md" in str(load_error(tmp_path))


# ------------------------------------------------------------------------ the `index` command

def run_cli(args: list[str], corpus_dir: Path, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PA_CORPUS_DIR": str(corpus_dir), "PA_DATA_DIR": str(data_dir),
           "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False"}
    return subprocess.run([sys.executable, "-m", "ui.cli", *args], capture_output=True, text=True,
                          env=env, cwd=PROJECT_ROOT, timeout=300)


def test_index_command_with_a_broken_file_keeps_the_previous_index(tiny_corpus_dir: Path, tmp_path: Path,
                                                                   nano_embedder, tokenizer) -> None:
    data_dir = tmp_path / "data"
    index_dir = data_dir / "index"
    build_index(tiny_corpus_dir, index_dir, nano_embedder, tokenizer)
    before = (index_dir / "current").resolve()
    (tiny_corpus_dir / "zz-broken.md").write_text("---\ndoc_id: [unclosed\n---\n正文\n", encoding="utf-8")

    result = run_cli(["index"], tiny_corpus_dir, data_dir)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    assert "索引构建失败，原索引保持不变" in result.stderr and "zz-broken.md" in result.stderr
    assert "YAML 头信息格式错误" in result.stderr
    assert (index_dir / "current").resolve() == before and read_manifest(before) is not None
    assert [p for p in (index_dir / "builds").iterdir()] == [before], "no half-built directory is left"

    # The previous index stays in service: searching still answers from it.
    search = run_cli(["search", "训力券 初创企业 比例", "--json"], tiny_corpus_dir, data_dir)
    assert search.returncode == 0, search.stderr
    assert '"clause_id": "sz-ai-pioneer-measures-2024#一、（二）"' in search.stdout
    assert (index_dir / "current").resolve() == before
