"""Incremental indexing benchmark: whole `policy-assistant index` runs (process start included).

    python -m eval.bench_index                   # the shipped corpus: full build, then three small documents added
    python -m eval.bench_index --scale 10000     # the same on the corpus replicated to >= 10,000 clauses (one
                                                 # document added), plus warm search p95 over the question file
    options: --questions FILE (default eval/data/dev.jsonl)  --report PATH (e.g. eval/reports/benchmarks.md; none by default;
             '-' writes none)

Full build   `policy-assistant index` with a fresh data directory (empty vector cache).
Added        small documents written to the local corpus (`<data dir>/corpus/`), then `policy-assistant index`
             again: only their text is embedded, the rest comes from the vector cache.
Unchanged    `policy-assistant index` once more with nothing changed.
The target of issue 11: adding three small documents costs <= 0.3 of a full build.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from assistant.runtime import make_settings_embedder
from assistant.settings import PROJECT_ROOT, Settings
from eval.bench_retrieval import (
    DEFAULT_QUESTIONS,
    _display,
    search_command,
    synthesize_corpus,
    update_section,
    warm_latency,
)
from eval.dataset import load_questions
from eval.report import machine_description
from retrieval.corpus import local_corpus_dir
from retrieval.index import read_manifest

TARGET_RATIO = 0.3
_TOPICS = ("数据要素流通", "智能网联汽车测试", "低空经济应用场景")


def small_document(n: int) -> str:
    """A small corpus-format document (five articles) whose text no other document has."""
    topic = _TOPICS[n % len(_TOPICS)]
    articles = [
        f"为推动{topic}发展（基准文件{n}），结合本区实际，制定本办法。",
        f"本办法适用于在本区开展{topic}业务的企业和机构（基准文件{n}）。",
        f"对{topic}示范项目，按照项目实际投入的{10 + n}%给予资助，最高不超过{100 + n * 50}万元。",
        f"申报单位应当于每年{n % 12 + 1}月向主管部门提交{topic}项目申报材料（基准文件{n}）。",
        f"本办法自2026年{n % 12 + 1}月1日起施行，由区主管部门负责解释（基准文件{n}）。",
    ]
    numbers = "一二三四五"
    body = "\n\n".join(f"第{numbers[i]}条 {text}" for i, text in enumerate(articles))
    return (f"---\ndoc_id: bench-small-{n}\ntitle: 深圳市基准区{topic}扶持办法（基准文件{n}）\n"
            f"short_title: {topic}扶持办法（基准{n}）\nissuer: 深圳市基准区人民政府\nlevel: district\n"
            f"doc_type: measures\ndoc_number: null\nstatus: official\npublished: 2026-01\nlanguage: zh\n"
            f"completeness: full\nsource: 基准测试合成文件\n---\n\n{body}\n")


def index_run(env: dict[str, str]) -> float:
    """Wall time of one `policy-assistant index` process."""
    started = time.perf_counter()
    proc = subprocess.run([*search_command(), "index"], capture_output=True, text=True, env=env, cwd=PROJECT_ROOT,
                          timeout=7200)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"policy-assistant index failed (exit {proc.returncode}): {proc.stderr[-2000:]}")
    return elapsed


def bench(corpus_dir: Path, data_dir: Path, added_docs: int) -> dict[str, float | int]:
    """Full build, then `added_docs` small documents added, then an unchanged rebuild."""
    env = {**os.environ, "PA_DATA_DIR": str(data_dir), "PA_CORPUS_DIR": str(corpus_dir)}
    full_s = index_run(env)
    full = read_manifest((data_dir / "index" / "current").resolve())
    local = local_corpus_dir(data_dir)
    local.mkdir(parents=True, exist_ok=True)
    for n in range(added_docs):
        (local / f"bench-small-{n}.md").write_text(small_document(n), encoding="utf-8")
    added_s = index_run(env)
    added = read_manifest((data_dir / "index" / "current").resolve())
    unchanged_s = index_run(env)
    assert full is not None and added is not None
    return {"clauses": full.clauses, "chunks": full.chunks, "full_s": full_s, "added_s": added_s,
            "added_chunks": added.chunks - full.chunks, "added_embedded": added.embedded,
            "unchanged_s": unchanged_s, "ratio": added_s / full_s}


def _rows(result: dict[str, float | int], added_docs: int) -> list[str]:
    return [
        "| measure | value |", "|---|---|",
        f"| full build (`{_display(search_command())} index`, empty vector cache) | {result['full_s']:.1f} s "
        f"({result['clauses']} clauses, {result['chunks']} chunks) |",
        f"| {added_docs} small document(s) added, rebuilt | {result['added_s']:.1f} s "
        f"({result['added_embedded']} chunks embedded, {result['added_chunks']} new) |",
        f"| ratio added / full (target <= {TARGET_RATIO}) | {result['ratio']:.2f} |",
        f"| rebuilt with nothing changed | {result['unchanged_s']:.1f} s |",
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark, print its section and write it to the report."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="python -m eval.bench_index", description="增量索引基准测试")
    parser.add_argument("--scale", type=int, default=0, help="另测扩充到至少这么多条款的合成语料（如 10000）")
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS, help="规模测试中用于计时的问题文件")
    parser.add_argument("--report", default="", help="把结果写入此报告文件的相应小节（默认不写）")
    args = parser.parse_args(argv)
    settings = Settings()
    header = [f"- date: {time.strftime('%Y-%m-%d %H:%M')}",
              f"- command: `python -m eval.bench_index {' '.join(argv)}`".replace("  ", " "),
              f"- machine: {machine_description()}"]
    sections: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="pa-bench-index-") as tmp:
        workdir = Path(tmp)
        print("shipped corpus: full build, then three documents added …", file=sys.stderr)
        result = bench(settings.corpus_dir, workdir / "base", 3)
        print(json.dumps(result), file=sys.stderr)
        sections.append(("Index: incremental build (shipped corpus)",
                         "\n".join([*header, f"- corpus: {settings.corpus_dir.name}/", "", *_rows(result, 3)])))
        if args.scale:
            corpus_dir = workdir / "scaled-corpus"
            corpus_dir.mkdir()
            clauses = synthesize_corpus(settings.corpus_dir, corpus_dir, args.scale)
            print(f"scaled corpus: {clauses} clauses …", file=sys.stderr)
            scaled = bench(corpus_dir, workdir / "scaled", 1)
            bench_settings = settings.model_copy(update={"data_dir": workdir / "scaled", "corpus_dir": corpus_dir})
            warm = warm_latency(bench_settings, make_settings_embedder(settings), load_questions(args.questions))
            sections.append((f"Index: incremental build ({args.scale:,}-clause corpus)", "\n".join([
                *header, f"- synthetic corpus: copies of {settings.corpus_dir.name}/", "", *_rows(scaled, 1),
                f"| warm search p95 ({warm.questions} questions, hybrid, k=10) | {warm.p95_ms:.1f} ms |"])))
    for heading, body in sections:
        print(f"## {heading}\n\n{body}\n")
        if args.report and args.report != "-":
            update_section(Path(args.report), heading, body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
