"""The local corpus (imported documents, under the data directory) layered over the shipped one, and the
`policy-assistant import` command that fills it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ingest_files import ARTICLES, TITLE, make_html, make_pdf

from assistant.runtime import corpus_layers, load_retriever
from assistant.service import PolicyAssistant
from assistant.settings import Settings
from prechecks.rules import load_rules
from retrieval.corpus import CorpusLayers, corpus_files, load_corpus, local_corpus_dir
from retrieval.index import build_index, index_status, open_index
from retrieval.ingest import ImportOptions, import_file
from ui.cli import main


def _local_copy(shipped: Path, local: Path, doc_id: str, new_title: str) -> Path:
    local.mkdir(parents=True, exist_ok=True)
    text = (shipped / f"{doc_id}.md").read_text(encoding="utf-8")
    target = local / f"{doc_id}.md"
    target.write_text(text.replace("\ntitle: ", f"\ntitle: {new_title}", 1), encoding="utf-8")
    return target


def test_local_document_replaces_the_shipped_one_and_removing_it_restores_it(tiny_corpus_dir: Path,
                                                                           tmp_path: Path) -> None:
    local = tmp_path / "data" / "corpus"
    shipped = load_corpus(tiny_corpus_dir)
    assert load_corpus((tiny_corpus_dir, local)) == shipped  # an absent local corpus changes nothing
    doc_id = next(iter(shipped.documents))
    copy = _local_copy(tiny_corpus_dir, local, doc_id, "本地版本")
    layered = load_corpus((tiny_corpus_dir, local))
    assert layered.documents[doc_id].title.startswith("本地版本")
    assert set(layered.documents) == set(shipped.documents)
    assert layered.fingerprint != shipped.fingerprint
    assert copy in corpus_files((tiny_corpus_dir, local))
    copy.unlink()
    assert load_corpus((tiny_corpus_dir, local)) == shipped


def test_excluded_documents_are_left_out_of_every_layer(tiny_corpus_dir: Path, tmp_path: Path) -> None:
    local = tmp_path / "data" / "corpus"
    shipped = load_corpus(tiny_corpus_dir)
    doc_id = sorted(shipped.documents)[0]
    _local_copy(tiny_corpus_dir, local, doc_id, "本地版本")
    layers = CorpusLayers((tiny_corpus_dir, local), frozenset({doc_id}))
    assert doc_id not in {p.stem for p in corpus_files(layers)}
    kept = load_corpus(layers)
    assert set(kept.documents) == set(shipped.documents) - {doc_id}
    assert all(c.doc_id != doc_id for c in kept.clauses) and kept.fingerprint != shipped.fingerprint


def test_index_reads_the_layered_corpus(tiny_corpus_dir: Path, tmp_path: Path, hash_embedder, tokenizer) -> None:
    settings = Settings(corpus_dir=tiny_corpus_dir, data_dir=tmp_path / "data")
    layers = corpus_layers(settings)
    assert layers.dirs == (tiny_corpus_dir, local_corpus_dir(settings.data_dir)) and not layers.excluded
    build_index(layers, settings.index_dir, hash_embedder, tokenizer)
    assert index_status(layers, settings.index_dir, hash_embedder.name, tokenizer.lexicon.digest) == "ok"
    make_html(tmp_path / "measures.html")
    import_file(tmp_path / "measures.html", layers.dirs[1], ImportOptions(doc_id="test-measures"))
    assert index_status(layers, settings.index_dir, hash_embedder.name, tokenizer.lexicon.digest) == "stale"
    build_index(layers, settings.index_dir, hash_embedder, tokenizer)
    loaded = open_index(settings.index_dir)
    assert loaded.corpus.documents["test-measures"].title == TITLE


@pytest.fixture()
def data_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PA_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def test_import_command_json_contract(tmp_path: Path, data_env: Path, capsys: pytest.CaptureFixture) -> None:
    page = make_html(tmp_path / "measures.html")
    assert main(["import", str(page), "--doc-id", "test-measures", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"doc_id", "path", "title", "doc_number", "published", "status", "clauses", "warnings"}
    assert out["doc_id"] == "test-measures" and out["title"] == TITLE
    assert Path(out["path"]) == data_env / "corpus" / "test-measures.md" and Path(out["path"]).is_file()
    assert {c["label"] for c in out["clauses"]} >= set(ARTICLES)
    assert all(set(c) == {"clause_id", "label", "text"} for c in out["clauses"])
    # A second import of the same doc_id is refused, in Chinese, with the JSON error shape.
    assert main(["import", str(page), "--doc-id", "test-measures", "--json"]) == 2
    captured = capsys.readouterr()
    assert "--replace" in json.loads(captured.out)["error"]["message"] and "导入失败" in captured.err
    assert main(["import", str(page), "--doc-id", "test-measures", "--replace", "--status", "expired"]) == 0
    assert "已导入" in capsys.readouterr().out
    assert load_corpus(data_env / "corpus").documents["test-measures"].status == "expired"


def test_import_command_dry_run_and_bad_file(tmp_path: Path, data_env: Path, capsys: pytest.CaptureFixture) -> None:
    page = make_html(tmp_path / "measures.html")
    assert main(["import", str(page), "--dry-run"]) == 0
    assert "预览" in capsys.readouterr().out and not (data_env / "corpus").exists()
    assert main(["import", str(tmp_path / "missing.pdf")]) == 2
    assert "文件不存在" in capsys.readouterr().err


def test_a_question_only_an_imported_file_answers_is_answered_with_its_citation(
        tiny_corpus_dir: Path, tmp_path: Path, nano_embedder) -> None:
    """Real model, real answer path: the imported PDF's article is cited."""
    settings = Settings(corpus_dir=tiny_corpus_dir, data_dir=tmp_path / "data", llm_base_url="")
    import_file(make_pdf(tmp_path / "measures.pdf"), local_corpus_dir(settings.data_dir),
                ImportOptions(doc_id="test-measures"))
    assistant = PolicyAssistant(settings=settings, rules=load_rules(),
                                retriever=load_retriever(settings, embedder=nano_embedder))
    answer = assistant.answer("测试区对企业新购置算力设备补贴多少？")
    assert not answer.refused
    assert answer.citations and {c.doc_id for c in answer.citations} == {"test-measures"}, answer.text
    assert any(c.clause_id in ("test-measures#第三条", "test-measures#表1/算力设备") for c in answer.citations)
    assert f"《{TITLE}》" in {c.title for c in answer.citations}
