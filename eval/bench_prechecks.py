"""Benchmark: pre-check profile evaluations per second on one core, and batch screening end to end.

    python -m eval.bench_prechecks [--cases FILE.jsonl] [--seconds 2] [--batch-profiles 20000] [--json]

Evaluates the profiles of the case file round-robin (rules compiled once, as in the running product)
and reports three rates per CPU second: `evaluate` alone, `evaluate` plus JSON-ready dicts, and the whole request
path (parse the raw profile, evaluate, serialise to JSON). The target is ≥ 10,000 evaluations/s.

The batch figure screens a synthetic CSV of `--batch-profiles` rows (seeded: random organisation types,
flags 是/否/blank, amounts blank or random) against all 12 items, CSV bytes in to CSV bytes out, after
start-up (rules compiled); the target is ≥ 5,000 profiles/s.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from prechecks.batch import screen_csv, template_csv, to_csv
from prechecks.engine import evaluate
from prechecks.profile import parse_profile
from prechecks.rules import load_rules
from retrieval.corpus import load_corpus

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CASES = ROOT / "eval" / "data" / "precheck_dev.jsonl"
DEFAULT_CORPUS = ROOT / "corpus" / "policies"
TARGET_PER_S = 10_000
BATCH_TARGET_PER_S = 5_000


def pin_to_one_core() -> str:
    """Restrict this process to one CPU where the OS allows it; say what was done."""
    if hasattr(os, "sched_setaffinity") and hasattr(os, "sched_getaffinity"):
        core = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        return f"pinned to CPU {core}"
    return "not pinned (single-threaded Python)"


def rate(step: Callable[[int], Any], seconds: float) -> float:
    """Calls of `step(i)` per CPU second of this process, run for about `seconds` of CPU time.

    CPU time rather than wall time, so that other load on a shared machine does not count against
    the engine: the figure is what one core, given to this process, achieves.
    """
    for i in range(200):
        step(i)
    calls = 0
    start = time.process_time()
    deadline = start + seconds
    while True:
        for _ in range(500):
            step(calls)
            calls += 1
        now = time.process_time()
        if now >= deadline:
            return calls / (now - start)


def run(cases_path: Path, corpus_dir: Path, seconds: float) -> dict[str, Any]:
    """Measure the three rates; return them with the set-up description."""
    pinning = pin_to_one_core()
    corpus = load_corpus(corpus_dir)
    rules = load_rules()
    raw = [json.loads(line)["profile"] for line in cases_path.read_text(encoding="utf-8").splitlines()
           if line.strip()]
    profiles = [parse_profile(p) for p in raw]
    n = len(profiles)
    evaluate(profiles[0], rules, corpus)  # compiles the rules once, as the running product does

    def engine_only(i: int) -> Any:
        return evaluate(profiles[i % n], rules, corpus)

    def with_dicts(i: int) -> Any:
        return [r.to_dict() for r in evaluate(profiles[i % n], rules, corpus)]

    def request_path(i: int) -> Any:
        results = evaluate(parse_profile(raw[i % n]), rules, corpus)
        return json.dumps([r.to_dict() for r in results], ensure_ascii=False)

    return {
        "profiles": n,
        "python": platform.python_version(),
        "cpu": pinning,
        "evaluate_per_s": rate(engine_only, seconds),
        "evaluate_to_dict_per_s": rate(with_dicts, seconds),
        "parse_evaluate_json_per_s": rate(request_path, seconds),
        "target_per_s": TARGET_PER_S,
    }


def synthetic_csv(profiles: int, seed: int = 13) -> bytes:
    """A batch file of `profiles` rows under the template's headers (UTF-8 with BOM, as Excel saves it)."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(next(csv.reader(io.StringIO(template_csv()))))
    orgs = ["法人企业", "法人企业", "法人企业", "民办非企业单位", "社会团体", "高等院校", "科研机构", "个人", ""]
    flags = ["是", "是", "否", ""]

    def amount(top: int) -> str:
        return rng.choice(["", "", f"{rng.randint(0, top)}", f"{rng.uniform(0, top):.2f}"])

    for i in range(profiles):
        writer.writerow([f"单位{i:05d}", rng.choice(orgs), *(rng.choice(flags) for _ in range(5)),
                         amount(5_000), amount(3_000), amount(1_000), rng.choice(["", "lg-model-dev;lg-space-rent"])])
    return out.getvalue().encode("utf-8-sig")


def batch_rate(profiles: int, corpus_dir: Path) -> dict[str, Any]:
    """Screen a synthetic batch end to end (bytes in, bytes out); wall and CPU profiles per second."""
    corpus = load_corpus(corpus_dir)
    rules = load_rules()
    data = synthetic_csv(profiles)
    screen_csv(synthetic_csv(10, seed=1), rules, corpus)  # start-up: compile the rules
    wall, cpu = time.perf_counter(), time.process_time()
    batch = screen_csv(data, rules, corpus)
    written = to_csv(batch).encode("utf-8-sig")
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"batch_profiles": batch.profiles, "batch_rows": len(batch.rows), "batch_errors": batch.errors,
            "batch_bytes_in": len(data), "batch_bytes_out": len(written), "batch_wall_s": wall,
            "batch_profiles_per_s": batch.profiles / wall, "batch_profiles_per_cpu_s": batch.profiles / cpu,
            "batch_target_per_s": BATCH_TARGET_PER_S}


def main(argv: list[str] | None = None) -> int:
    """Print the figures; exit 0 (the target is reported, not enforced, so CI noise cannot fail it)."""
    parser = argparse.ArgumentParser(prog="python -m eval.bench_prechecks", description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=DEFAULT_CASES)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--batch-profiles", type=int, default=20_000, help="rows of the batch benchmark (0: skip)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    figures = run(args.cases, args.corpus, args.seconds)
    if args.batch_profiles > 0:
        figures.update(batch_rate(args.batch_profiles, args.corpus))
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
        return 0
    verdict = "达标" if figures["evaluate_per_s"] >= TARGET_PER_S else "未达标"
    print(f"pre-check benchmark, rates per CPU second ({figures['profiles']} profiles, "
          f"Python {figures['python']}, {figures['cpu']})")
    print(f"  evaluate:                    {figures['evaluate_per_s']:>10,.0f} profiles/s  "
          f"(target ≥ {TARGET_PER_S:,}/s: {verdict})")
    print(f"  evaluate + to_dict:          {figures['evaluate_to_dict_per_s']:>10,.0f} profiles/s")
    print(f"  parse + evaluate + JSON:     {figures['parse_evaluate_json_per_s']:>10,.0f} profiles/s")
    if "batch_profiles" in figures:
        met = "达标" if figures["batch_profiles_per_s"] >= BATCH_TARGET_PER_S else "未达标"
        print(f"  batch CSV → CSV, 12 items:   {figures['batch_profiles_per_s']:>10,.0f} profiles/s wall "
              f"({figures['batch_profiles_per_cpu_s']:,.0f}/CPU s; {figures['batch_profiles']:,} profiles → "
              f"{figures['batch_rows']:,} rows in {figures['batch_wall_s']:.2f} s; "
              f"target ≥ {BATCH_TARGET_PER_S:,}/s: {met})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
