"""Retrieval benchmarks; printed, and written as sections of a report only with `--report PATH`.

    python -m eval.bench_retrieval                  # index build time, cold start, warm search p50/p95
    python -m eval.bench_retrieval --scale 10000    # the same, then the corpus replicated to >= 10,000
                                                    # clauses: its build time and warm search p95
    options: --questions FILE (default eval/data/dev.jsonl)  --cold-runs N (default 3)
             --report PATH (e.g. eval/reports/benchmarks.md; none by default)

Build      a full build (parse, BM25 tokens, embeddings, Chroma) of the configured corpus into a temp
           index dir with `retrieval.index.build_index`; the embedding model is loaded beforehand and its
           load time (with its first query: some backends load lazily) is reported separately.
Cold start wall time of a fresh `policy-assistant search "…" --json` process (or `python -m
           ui.cli` where the script is not installed) against the built index.
Warm       the product's retrieval (`PolicyAssistant.retrieve`, k=10) over the question file after one
           warm-up query, per question: wall time, and the process's CPU time (all threads), which
           other processes on the machine do not inflate; the load average is reported with them.
Scale      every policy file copied N times with a new doc_id (= file stem), a copy tag in the title and
           body, and a few word substitutions chosen by the copy number, until the corpus has >= the
           requested number of clauses; built and searched as above.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from assistant.runtime import chroma_location, load_retriever, make_settings_embedder
from assistant.service import PolicyAssistant
from assistant.settings import PROJECT_ROOT, Settings
from eval.dataset import Question, load_questions
from eval.harness import TOP_K
from eval.metrics import percentile
from eval.report import machine_description
from eval.systems import HybridSystem
from prechecks.rules import load_rules
from retrieval.corpus import corpus_files, load_corpus, split_front_matter
from retrieval.embeddings import Embedder
from retrieval.index import Manifest, build_index
from retrieval.lexicon import Lexicon, Tokenizer

DEFAULT_QUESTIONS = PROJECT_ROOT / "eval" / "data" / "dev.jsonl"
COLD_QUERY = "龙岗区对购买算力的企业有什么扶持？"
# Word substitutions that vary synthetic copies; copy i applies pair j when bit j of i is set.
VARIATIONS: tuple[tuple[str, str], ...] = (
    ("人工智能", "AI"), ("企业", "公司"), ("支持", "扶持"), ("资助", "补助"), ("鼓励", "引导"),
    ("enterprises", "companies"), ("computing power", "compute"),
)


@dataclass(frozen=True)
class WarmLatency:
    """Warm per-question search latency over a question set."""

    questions: int
    p50_ms: float
    p95_ms: float
    max_ms: float
    # CPU time of the process (all threads) per search: unlike wall time, it does not grow when
    # other processes share the cores, so it bounds the wall time on an otherwise idle machine.
    cpu_p50_ms: float = 0.0
    cpu_p95_ms: float = 0.0
    load_average: float = 0.0  # 1-minute load average when the searches ended


def timed_build(corpus_dir: Path, index_dir: Path, embedder: Embedder, settings: Settings,
                ) -> tuple[Manifest, float]:
    """Build a full index; return its manifest and the wall time in seconds."""
    started = time.perf_counter()
    manifest = build_index(corpus_dir, index_dir, embedder, Tokenizer(Lexicon.load()),
                           chroma_location(settings))
    return manifest, time.perf_counter() - started


def search_command() -> list[str]:
    """The installed `policy-assistant` script, or the module that implements it."""
    script = shutil.which("policy-assistant")
    return [script] if script else [sys.executable, "-m", "ui.cli"]


def _display(command: Sequence[str]) -> str:
    return " ".join("python" if part == sys.executable else Path(part).name if os.sep in part else part
                    for part in command)


def cold_start_seconds(data_dir: Path, corpus_dir: Path, query: str = COLD_QUERY) -> float:
    """Wall time of one fresh `search --json` process against the index under `data_dir`."""
    env = {**os.environ, "PA_DATA_DIR": str(data_dir), "PA_CORPUS_DIR": str(corpus_dir)}
    started = time.perf_counter()
    proc = subprocess.run([*search_command(), "search", query, "--json"], capture_output=True,
                          text=True, env=env, cwd=PROJECT_ROOT, timeout=600)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0 or not json.loads(proc.stdout).get("results"):
        raise RuntimeError(f"cold search failed (exit {proc.returncode}): {proc.stderr[-2000:]}")
    return elapsed


def warm_latency(settings: Settings, embedder: Embedder, questions: Sequence[Question]) -> WarmLatency:
    """Open the built index under `settings` and time the product's retrieval per question."""
    retriever = load_retriever(settings, build_if_needed=False, embedder=embedder)
    system = HybridSystem(PolicyAssistant(settings=settings, retriever=retriever, rules=load_rules()))
    system.retrieve(questions[0], TOP_K)  # warm-up, as the harness does
    walls: list[float] = []
    cpus: list[float] = []
    for question in questions:
        wall, cpu = time.perf_counter(), time.process_time()
        system.retrieve(question, TOP_K)
        cpus.append((time.process_time() - cpu) * 1000)
        walls.append((time.perf_counter() - wall) * 1000)
    return WarmLatency(len(walls), percentile(walls, 50) or 0.0, percentile(walls, 95) or 0.0, max(walls),
                       percentile(cpus, 50) or 0.0, percentile(cpus, 95) or 0.0, os.getloadavg()[0])


def _warm_rows(warm: WarmLatency) -> list[str]:
    return [
        f"| warm search p50 ({warm.questions} questions, hybrid, k=10) | {warm.p50_ms:.1f} ms |",
        f"| warm search p95 | {warm.p95_ms:.1f} ms |",
        f"| warm search max | {warm.max_ms:.1f} ms |",
        f"| CPU time per search, all threads, p50 / p95 | {warm.cpu_p50_ms:.1f} / {warm.cpu_p95_ms:.1f} ms |",
        f"| load average (1 min) at the end of the searches | {warm.load_average:.2f} |",
    ]


def vary(text: str, copy: int) -> str:
    """Apply the word substitutions that copy number `copy` selects."""
    for bit, (old, new) in enumerate(VARIATIONS):
        if copy >> bit & 1:
            text = text.replace(old, new)
    return text


def write_copy(source: Path, target_dir: Path, copy: int) -> Path:
    """Write synthetic copy `copy` of one policy file (new doc_id = file stem, tagged, varied)."""
    meta, body = split_front_matter(source, source.read_text(encoding="utf-8"))
    doc_id = f"{meta['doc_id']}-copy{copy:03d}"
    meta = {**meta, "doc_id": doc_id, "title": f"{meta['title']}（合成副本{copy}）",
            "short_title": f"{meta['short_title']}（副本{copy}）"}
    head = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000)
    path = target_dir / f"{doc_id}.md"
    path.write_text(f"---\n{head}---\n（规模测试合成副本{copy}）\n{vary(body, copy)}\n", encoding="utf-8")
    return path


def synthesize_corpus(source_dir: Path, target_dir: Path, min_clauses: int) -> int:
    """Fill `target_dir` with copies of the corpus until it holds >= `min_clauses`; return the count."""
    files = corpus_files(source_dir)
    per_copy = len(load_corpus(source_dir).clauses)
    copies = max(1, math.ceil(min_clauses / per_copy))
    for copy in range(copies):
        for path in files:
            write_copy(path, target_dir, copy)
    clauses = len(load_corpus(target_dir).clauses)
    while clauses < min_clauses:  # a copy may parse into slightly fewer clauses than the original
        copies += 1
        for path in files:
            write_copy(path, target_dir, copies - 1)
        clauses = len(load_corpus(target_dir).clauses)
    return clauses


def update_section(path: Path, heading: str, body: str) -> None:
    """Replace the `## heading` section of a Markdown file (or append it), keeping the others."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    section = f"## {heading}\n\n{body.strip()}\n"
    pattern = re.compile(rf"^## {re.escape(heading)}\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(lambda _: section + "\n", text, count=1) if pattern.search(text) \
        else text.rstrip("\n") + "\n\n" + section
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _header(argv: Sequence[str]) -> list[str]:
    return [f"- date: {time.strftime('%Y-%m-%d %H:%M')}",
            f"- command: `python -m eval.bench_retrieval {' '.join(argv)}`".replace("  ", " "),
            f"- machine: {machine_description()}"]


def bench_base(settings: Settings, embedder: Embedder, embedder_seconds: float,
               questions: Sequence[Question], cold_runs: int, workdir: Path, argv: Sequence[str]) -> str:
    """Build, cold-start and warm-search benchmark of the configured corpus, as Markdown."""
    bench = settings.model_copy(update={"data_dir": workdir / "base"})
    print("building the index …", file=sys.stderr)
    manifest, build_s = timed_build(bench.corpus_dir, bench.index_dir, embedder, bench)
    print(f"built in {build_s:.1f} s; cold starts …", file=sys.stderr)
    colds = [cold_start_seconds(bench.data_dir, bench.corpus_dir) for _ in range(cold_runs)]
    print("warm searches …", file=sys.stderr)
    warm = warm_latency(bench, embedder, questions)
    return "\n".join([
        *_header(argv), f"- corpus: {bench.corpus_dir} — {manifest.clauses} clauses, "
        f"{manifest.chunks} embedded chunks, embedder {manifest.embedder}", "",
        "| measure | value |", "|---|---|",
        f"| embedding model load (incl. first query) | {embedder_seconds:.2f} s |",
        f"| full index build | {build_s:.2f} s |",
        f"| cold start `{_display(search_command())} search \"…\" --json` "
        f"(median of {len(colds)}) | {sorted(colds)[len(colds) // 2]:.2f} s "
        f"(runs: {', '.join(f'{c:.2f}' for c in colds)}) |",
        *_warm_rows(warm),
    ])


def bench_scale(settings: Settings, embedder: Embedder, questions: Sequence[Question], min_clauses: int,
                workdir: Path, argv: Sequence[str]) -> str:
    """Build and warm-search benchmark of the corpus replicated to >= `min_clauses`, as Markdown."""
    corpus_dir = workdir / "scaled-corpus"
    corpus_dir.mkdir()
    clauses = synthesize_corpus(settings.corpus_dir, corpus_dir, min_clauses)
    files = len(corpus_files(corpus_dir))
    bench = settings.model_copy(update={"data_dir": workdir / "scaled", "corpus_dir": corpus_dir})
    print(f"scaled corpus: {files} files, {clauses} clauses; building …", file=sys.stderr)
    manifest, build_s = timed_build(corpus_dir, bench.index_dir, embedder, bench)
    print(f"built in {build_s:.1f} s; warm searches …", file=sys.stderr)
    warm = warm_latency(bench, embedder, questions)
    return "\n".join([
        *_header(argv), f"- synthetic corpus: {files} files, {manifest.clauses} clauses, "
        f"{manifest.chunks} embedded chunks (copies of {settings.corpus_dir.name}/)", "",
        "| measure | value |", "|---|---|",
        f"| full index build | {build_s:.1f} s ({manifest.chunks / build_s:.0f} chunks/s) |",
        *_warm_rows(warm),
    ])


def build_parser() -> argparse.ArgumentParser:
    """The benchmark's argument parser."""
    parser = argparse.ArgumentParser(prog="python -m eval.bench_retrieval", description="检索性能基准测试")
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS, help="用于计时的问题文件")
    parser.add_argument("--scale", type=int, default=0, help="另测扩充到至少这么多条款的合成语料（如 10000）")
    parser.add_argument("--cold-runs", type=int, default=3, help="冷启动测量次数")
    parser.add_argument("--report", default="", help="把结果写入此报告文件的相应小节（默认不写）")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks, print each section and write it to the report when one is named."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    settings = Settings()
    questions = load_questions(args.questions)
    started = time.perf_counter()
    embedder = make_settings_embedder(settings)
    embedder.embed_queries([COLD_QUERY])  # some backends load their weights on first use
    embedder_seconds = time.perf_counter() - started
    sections: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="pa-bench-") as tmp:
        workdir = Path(tmp)
        sections.append(("Retrieval: index build, cold start, warm search",
                         bench_base(settings, embedder, embedder_seconds, questions, max(1, args.cold_runs),
                                    workdir, argv)))
        if args.scale:
            sections.append((f"Retrieval: scaling to {args.scale} clauses",
                             bench_scale(settings, embedder, questions, args.scale, workdir, argv)))
    for heading, body in sections:
        print(f"## {heading}\n\n{body}\n")
        if args.report not in ("", "-"):
            update_section(Path(args.report), heading, body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
