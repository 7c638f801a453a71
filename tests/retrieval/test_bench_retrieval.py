"""The retrieval benchmark's synthetic corpus and report writing (the timed runs themselves are `-m slow`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.bench_retrieval import main, synthesize_corpus, update_section, vary
from retrieval.corpus import load_corpus


def test_vary_applies_the_substitutions_the_copy_number_selects() -> None:
    assert vary("人工智能企业", 0) == "人工智能企业"
    assert vary("人工智能企业", 1) == "AI企业"
    assert vary("人工智能企业", 3) == "AI公司"


def test_synthesized_corpus_is_valid_and_large_enough(tiny_corpus_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "scaled"
    target.mkdir()
    clauses = synthesize_corpus(tiny_corpus_dir, target, 60)
    corpus = load_corpus(target)  # every copy is a valid corpus file with doc_id == file stem
    assert clauses == len(corpus.clauses) >= 60
    assert len(corpus.documents) % 3 == 0
    copy = corpus.documents["sz-ai-pioneer-measures-2024-copy001"]
    assert "副本1" in copy.short_title
    assert any("AI" in c.text for c in corpus.doc_clauses(copy.doc_id))


def test_update_section_replaces_only_its_own_section(tmp_path: Path) -> None:
    report = tmp_path / "benchmarks.md"
    update_section(report, "A", "first")
    update_section(report, "B", "other")
    update_section(report, "A", "second")
    text = report.read_text(encoding="utf-8")
    assert "second" in text and "first" not in text and "## B\n\nother" in text
    assert text.index("## A") < text.index("## B")


@pytest.mark.slow
def test_benchmark_runs_end_to_end(capsys: pytest.CaptureFixture[str]) -> None:
    """Builds the real corpus in a temp dir (~40 s on 2 cores), one cold start, warm searches."""
    assert main(["--cold-runs", "1", "--report", "-"]) == 0
    out = capsys.readouterr().out
    assert "full index build" in out and "warm search p95" in out
