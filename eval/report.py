"""Render a harness run (its JSON output) as the Markdown report `eval/reports/retrieval.md`."""

from __future__ import annotations

import json
import os
import platform
import shlex
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from eval.dataset import Question
from eval.metrics import Retrieved, evidence_ranks

# Kinds whose recall@5 the comparison table shows in columns of their own.
HIGHLIGHT_KINDS: tuple[str, ...] = ("colloquial", "follow-up")
_SNIPPET = 60


@dataclass(frozen=True)
class RunInfo:
    """Where and how a run was made."""

    date: str
    command: str
    questions_file: str
    machine: str

    @classmethod
    def current(cls, questions_file: str, argv: Sequence[str] | None = None) -> RunInfo:
        """Describe this process: now, its command line, the question file and the machine."""
        args = list(sys.argv[1:] if argv is None else argv)
        return cls(date=datetime.now().strftime("%Y-%m-%d %H:%M"),
                   command=shlex.join(["python", "-m", "eval", *args]),
                   questions_file=questions_file, machine=machine_description())


def machine_description() -> str:
    """CPU count, CPU model and OS, e.g. ``nproc=2, Intel Xeon …, Linux x86_64``."""
    model = platform.processor() or ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            model = next((line.split(":", 1)[1].strip() for line in handle
                          if line.startswith("model name")), model)
    except OSError:
        pass
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return ", ".join(p for p in (f"nproc={cpus}", model, f"{platform.system()} {platform.machine()}") if p)


def fmt(value: Any, digits: int = 3) -> str:
    """A metric for a table cell: numbers rounded, None as a dash."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header),
            *["| " + " | ".join(row) + " |" for row in rows]]


def comparison_table(systems: dict[str, Any]) -> list[str]:
    """One row per system: hit@1, R@5, R@10, MRR@10, R@5 of highlighted kinds, search latency."""
    header = ["system", "hit@1", "R@5", "R@10", "MRR@10",
              *[f"R@5 {k}" for k in HIGHLIGHT_KINDS], "search p50 ms", "search p95 ms"]
    rows = []
    for name, m in systems.items():
        o, by_kind = m["overall"], m["by_kind"]
        rows.append([name, fmt(o["hit@1"]), fmt(o["recall@5"]), fmt(o["recall@10"]), fmt(o["mrr@10"]),
                     *[fmt(by_kind.get(k, {}).get("recall@5")) for k in HIGHLIGHT_KINDS],
                     fmt(o["search_p50_ms"], 1), fmt(o["search_p95_ms"], 1)])
    return _table(header, rows)


def recall_by_kind_table(systems: dict[str, Any]) -> list[str]:
    """Recall@5 per system and kind with answerable questions (their number in brackets)."""
    first = next(iter(systems.values()))["by_kind"]
    kinds = [k for k, m in first.items() if m["answerable"]]
    header = ["system", *[f"{k} ({first[k]['answerable']})" for k in kinds]]
    rows = [[name, *[fmt(m["by_kind"].get(k, {}).get("recall@5")) for k in kinds]]
            for name, m in systems.items()]
    return _table(header, rows)


def answer_table(overall: dict[str, Any], by_kind: dict[str, Any]) -> list[str]:
    """Answer metrics of the product, overall and per kind ("key fact first": answered numeric/factoid
    questions stating a key fact before the first quoted clause)."""
    header = ["scope", "n", "key-fact acc.", "citation precision", "refusal acc.", "false-refusal rate",
              "answers w/ ungrounded numbers", "key fact first", "answer p50 ms", "answer p95 ms"]
    rows = []
    for scope, m in [("overall", overall), *by_kind.items()]:
        rows.append([scope, fmt(m["questions"]), fmt(m["key_fact_accuracy"]), fmt(m["citation_precision"]),
                     fmt(m["refusal_accuracy"]), fmt(m["false_refusal_rate"]),
                     fmt(m["ungrounded_number_answers"]), fmt(m.get("key_fact_first")), fmt(m["answer_p50_ms"], 1),
                     fmt(m["answer_p95_ms"], 1)])
    return _table(header, rows)


def precheck_lines(metrics: dict[str, Any]) -> list[str]:
    """Pre-check exactness as Markdown list lines, then each mismatch."""
    lines = []
    for key, value in metrics.items():
        if key == "mismatches":
            continue
        if isinstance(value, dict):
            value = ", ".join(f"{k}={fmt(v)}" for k, v in value.items())
        lines.append(f"- {key}: {value}")
    mismatches = metrics.get("mismatches", [])
    lines.append(f"- mismatches: {len(mismatches)}")
    lines += [f"  - `{json.dumps(m, ensure_ascii=False)}`" for m in mismatches]
    return lines


def _snippet(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _SNIPPET else flat[:_SNIPPET] + "…"


@dataclass(frozen=True)
class Miss:
    """An answerable question whose evidence was not all retrieved within the top k."""

    question: Question
    ranks: tuple[int | None, ...]  # per evidence item, 1-based rank of its first hit in the top 10
    retrieved: tuple[Retrieved, ...]


def retrieval_misses(output: dict[str, Any], questions: Sequence[Question], k: int = 5) -> list[Miss]:
    """The product's misses: answerable questions with an evidence item not hit within the top k."""
    by_id = {q.id: q for q in questions}
    misses = []
    for result in output["results"]:
        question = by_id[result["id"]]
        if not question.answerable:
            continue
        retrieved = tuple(Retrieved(**r) for r in result["retrieved"])
        ranks = evidence_ranks(retrieved, question.evidence)
        if not all(r is not None and r <= k for r in ranks):
            misses.append(Miss(question, ranks, retrieved))
    return misses


def miss_lines(miss: Miss, shown: int = 3) -> list[str]:
    """A miss as Markdown list lines: the question, where each evidence item ranked, the top passages."""
    q = miss.question
    lines = [f"- **{q.id}** ({q.kind}) {q.question}"]
    for evidence, rank in zip(q.evidence, miss.ranks):
        where = f"rank {rank}" if rank else "not in top 10"
        lines.append(f"  - expected `{evidence.doc_id}` 「{evidence.contains}」: {where}")
    for rank, passage in enumerate(miss.retrieved[:shown], start=1):
        lines.append(f"  - got {rank}. `{passage.clause_id}` {_snippet(passage.text)}")
    return lines


def render(output: dict[str, Any], questions: Sequence[Question], info: RunInfo) -> str:
    """The full Markdown report of one run."""
    m = output["metrics"]
    lines = ["# Retrieval and answer evaluation", "",
             f"- date: {info.date}", f"- command: `{info.command}`",
             f"- questions: `{info.questions_file}` ({len(questions)} questions, "
             f"{sum(q.answerable for q in questions)} answerable)",
             f"- machine: {info.machine}", ""]
    lines += ["", "## Retrieval (answerable questions; recall counts a question when every evidence item "
              "is hit; latency warm, per question)", "", *comparison_table(m["systems"]), "",
              "### Recall@5 by kind", "", *recall_by_kind_table(m["systems"]), ""]
    if "key_fact_accuracy" in m["overall"]:
        lines += ["## Answers (hybrid product)", "", *answer_table(m["overall"], m["by_kind"]), ""]
        ungrounded = m["overall"].get("ungrounded_numbers", {})
        if ungrounded:
            lines += ["Numbers found in no cited quote, pre-check or the user's words:", ""]
            lines += [f"- {qid}: {', '.join(nums)}" for qid, nums in ungrounded.items()]
            lines.append("")
    else:
        lines += ["## Answers", "", "Not run.", ""]
    if "prechecks" in m:
        lines += ["## Pre-checks", "", *precheck_lines(m["prechecks"]), ""]
    misses = retrieval_misses(output, questions)
    lines += [f"## Hybrid retrieval misses (evidence not all in the top 5): {len(misses)}", ""]
    lines += [line for miss in misses for line in miss_lines(miss)] or ["None."]
    lines.append("")
    return "\n".join(lines)
