"""Soak benchmark: the real server under a steady request rate on loopback, for minutes.

    python -m eval.soak                                 # 10 minutes at 5 requests/s (extractive backend)
    python -m eval.soak --minutes 10 --rate 8 --json    # options below; --json prints the summary as JSON

Starts `policy-assistant serve` as a child process on a free loopback port, with a private data
directory (the index is copied from the configured data directory when it is complete, else built at
start-up), the extractive backend (`PA_LLM_BASE_URL` empty) and rate limiting off. Requests are sent
open-loop — on a fixed schedule, whatever the latency — from a thread pool, in a fixed mix:

    35% POST /api/ask (questions of eval/data/dev.jsonl)    35% GET /api/search (the same questions)
    10% POST /api/precheck (profiles of eval/data/precheck_dev.jsonl)
     5% GET /api/documents/{id} or /api/clauses/{id}       5% POST /api/feedback     10% GET /healthz

After a warm-up (not counted) it reports: the error count (non-2xx or transport errors; target 0),
latency p50/p95/p99 overall and p95 per window (a minute by default) with the drift between the first
and last windows, and the server's resident memory (VmRSS from /proc/<pid>/status) at the end of the
warm-up and at the end, with its growth (target < 10%). The summary is written to
`eval/reports/soak.json` (`--out`), which `python -m eval.reliability` puts in the reliability report.
Exit status 0 when both targets are met, 1 otherwise.

Options: --minutes M (10)  --rate R requests/s (5)  --warmup-s S (60)  --window-s S (60)
         --workers N (8)  --corpus-dir DIR  --index-from DATA_DIR  --port P  --out FILE|-  --json
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from assistant.settings import PROJECT_ROOT, Settings
from eval.metrics import percentile
from eval.report import machine_description
from eval.serve import ServeProcess, free_port

DEFAULT_OUT = PROJECT_ROOT / "eval" / "reports" / "soak.json"
QUESTIONS = PROJECT_ROOT / "eval" / "data" / "dev.jsonl"
PROFILES = PROJECT_ROOT / "eval" / "data" / "precheck_dev.jsonl"
MIX: tuple[tuple[str, float], ...] = (("ask", 0.35), ("search", 0.35), ("precheck", 0.10),
                                      ("browse", 0.05), ("feedback", 0.05), ("healthz", 0.10))
RSS_TARGET_PCT = 10.0


@dataclass
class Sample:
    """One request: when it was scheduled and sent (seconds since the start), how long, what came back."""

    kind: str
    scheduled: float
    sent: float
    latency_s: float
    status: int  # 0: transport error
    error: str = ""


@dataclass
class Window:
    """Figures of one window of the measured period."""

    start_s: float
    requests: int
    errors: int
    p50_ms: float | None
    p95_ms: float | None
    max_ms: float | None


@dataclass
class SoakResult:
    """The summary written to soak.json."""

    command: str
    machine: str
    started_at: str
    minutes: float
    rate_per_s: float
    warmup_s: float
    window_s: float
    requests: int
    errors: int
    error_examples: list[str]
    late_sends: int
    by_kind: dict[str, dict[str, Any]]
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    windows: list[Window]
    p95_first_window_ms: float | None
    p95_last_window_ms: float | None
    p95_drift_pct: float | None
    p95_slope_ms_per_min: float | None
    rss_start_kib: int | None
    rss_after_warmup_kib: int | None
    rss_end_kib: int | None
    rss_max_kib: int | None
    rss_growth_pct: float | None
    rss_samples: list[tuple[float, int]] = field(default_factory=list)
    server_error_log_lines: int = 0
    passed: bool = False


# --------------------------------------------------------------------------------------- helpers


def rss_kib(pid: int) -> int | None:
    """VmRSS of a process in KiB (Linux), or None when unreadable."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def _jsonl(path: Path, key: str) -> list[Any]:
    items = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                items.append(json.loads(line)[key])
    return items


def prepare_data_dir(target: Path, index_from: Path | None) -> str:
    """A private data dir; copy a complete index into it when there is one. Returns what was done."""
    from retrieval.index import read_manifest

    target.mkdir(parents=True, exist_ok=True)
    if index_from is not None:
        current = index_from / "index" / "current"
        if current.exists() and read_manifest(current.resolve()) is not None:
            build = current.resolve()
            (target / "index" / "builds").mkdir(parents=True)
            shutil.copytree(build, target / "index" / "builds" / build.name)
            (target / "index" / "current").symlink_to(Path("builds") / build.name)
            return f"index copied from {index_from}"
    return "index built at start-up"


# ------------------------------------------------------------------------------------- requests


class Traffic:
    """Builds the request of each kind, cycling through the question and profile files."""

    def __init__(self, client: httpx.Client, seed: int = 7) -> None:
        self.client = client
        self.random = random.Random(seed)
        self.questions = _jsonl(QUESTIONS, "question")
        self.profiles = _jsonl(PROFILES, "profile")
        documents = client.get("/api/documents").json()["documents"]
        self.doc_ids = [d["doc_id"] for d in documents]
        first = client.get(f"/api/documents/{self.doc_ids[0]}").json()["items"]
        self.clause_ids = [i["clause_id"] for i in first if i.get("clause_id")][:20]
        self.kinds = [k for k, _ in MIX]
        self.weights = [w for _, w in MIX]
        self._lock = threading.Lock()

    def pick(self) -> tuple[str, Callable[[], httpx.Response]]:
        with self._lock:
            kind = self.random.choices(self.kinds, self.weights)[0]
            question = self.random.choice(self.questions)
            profile = self.random.choice(self.profiles)
            doc_id = self.random.choice(self.doc_ids)
            clause_id = self.random.choice(self.clause_ids) if self.clause_ids else None
            browse_clause = clause_id is not None and self.random.random() < 0.5
        client = self.client
        if kind == "ask":
            return kind, lambda: client.post("/api/ask", json={"question": question})
        if kind == "search":
            return kind, lambda: client.get("/api/search", params={"q": question, "k": 5})
        if kind == "precheck":
            return kind, lambda: client.post("/api/precheck", json=profile)
        if kind == "browse":
            if browse_clause:
                return kind, lambda: client.get("/api/clauses/" + quote(str(clause_id), safe=""))
            return kind, lambda: client.get(f"/api/documents/{doc_id}")
        if kind == "feedback":
            return kind, lambda: client.post("/api/feedback", json={
                "question": question, "answer": "（压力测试）", "rating": "up", "citations": []})
        return kind, lambda: client.get("/healthz")


def run_soak(base_url: str, pid: int, seconds: float, rate: float, workers: int,
             rss_every_s: float = 5.0) -> tuple[list[Sample], list[tuple[float, int]], int]:
    """Send requests at `rate`/s for `seconds`; sample the server's RSS. Returns samples, RSS, late sends."""
    samples: list[Sample] = []
    rss: list[tuple[float, int]] = []
    lock = threading.Lock()
    done = threading.Event()
    t0 = time.monotonic()

    def sampler() -> None:
        while not done.is_set():
            value = rss_kib(pid)
            if value is not None:
                rss.append((round(time.monotonic() - t0, 1), value))
            done.wait(rss_every_s)

    limits = httpx.Limits(max_connections=workers * 2, max_keepalive_connections=workers * 2)
    with httpx.Client(base_url=base_url, timeout=60, limits=limits) as client:
        traffic = Traffic(client)
        t0 = time.monotonic()
        rss_thread = threading.Thread(target=sampler, daemon=True)
        rss_thread.start()

        def one(kind: str, call: Callable[[], httpx.Response], scheduled: float) -> None:
            sent = time.monotonic()
            status, error = 0, ""
            try:
                response = call()
                status = response.status_code
                if not 200 <= status < 300:
                    error = f"{kind}: HTTP {status} {response.text[:120]}"
            except httpx.HTTPError as exc:
                error = f"{kind}: {type(exc).__name__}"
            latency = time.monotonic() - sent
            with lock:
                samples.append(Sample(kind, scheduled, sent - t0, latency, status, error))

        late = 0
        with ThreadPoolExecutor(max_workers=workers) as pool:
            n = 0
            while True:
                scheduled = n / rate
                if scheduled >= seconds:
                    break
                delay = t0 + scheduled - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                elif delay < -0.5:
                    late += 1
                kind, call = traffic.pick()
                pool.submit(one, kind, call, scheduled)
                n += 1
        done.set()
        rss_thread.join(timeout=10)
        final = rss_kib(pid)
        if final is not None:
            rss.append((round(time.monotonic() - t0, 1), final))
    return samples, rss, late


# ---------------------------------------------------------------------------------------- figures


def _ms(values: Sequence[float], q: float) -> float | None:
    value = percentile(sorted(values), q)
    return None if value is None else round(value * 1000, 1)


def summarise(samples: list[Sample], rss: list[tuple[float, int]], late: int, *, minutes: float, rate: float,
              warmup_s: float, window_s: float, command: str, server_errors: int) -> SoakResult:
    """The figures of a run of `warmup_s` + `minutes` (only the measured minutes count)."""
    measured = [s for s in samples if s.scheduled >= warmup_s]
    errors = [s for s in measured if s.error]
    latencies = [s.latency_s for s in measured]
    windows: list[Window] = []
    total_s = warmup_s + minutes * 60
    start = warmup_s
    while start < total_s - 1e-9:
        inside = [s for s in measured if start <= s.scheduled < start + window_s]
        lat = [s.latency_s for s in inside]
        windows.append(Window(round(start - warmup_s, 1), len(inside), sum(1 for s in inside if s.error),
                              _ms(lat, 50), _ms(lat, 95), round(max(lat) * 1000, 1) if lat else None))
        start += window_s
    full = [w for w in windows if w.requests] or windows
    first_p95 = full[0].p95_ms if full else None
    last_p95 = full[-1].p95_ms if full else None
    drift = round((last_p95 - first_p95) / first_p95 * 100, 1) if first_p95 and last_p95 is not None else None
    slope = None
    points = [(w.start_s / 60, w.p95_ms) for w in full if w.p95_ms is not None]
    if len(points) >= 2:
        mx = sum(x for x, _ in points) / len(points)
        my = sum(y for _, y in points) / len(points)
        var = sum((x - mx) ** 2 for x, _ in points)
        slope = round(sum((x - mx) * (y - my) for x, y in points) / var, 2) if var else None
    after_warmup = next((v for t, v in rss if t >= warmup_s), rss[-1][1] if rss else None)
    end = rss[-1][1] if rss else None
    growth = round((end - after_warmup) / after_warmup * 100, 2) if end and after_warmup else None
    by_kind: dict[str, dict[str, Any]] = {}
    for kind, _ in MIX:
        lat = [s.latency_s for s in measured if s.kind == kind]
        by_kind[kind] = {"requests": len(lat), "errors": sum(1 for s in measured if s.kind == kind and s.error),
                         "p50_ms": _ms(lat, 50), "p95_ms": _ms(lat, 95)}
    result = SoakResult(
        command=command, machine=machine_description(), started_at=time.strftime("%Y-%m-%d %H:%M:%S"),
        minutes=minutes, rate_per_s=rate, warmup_s=warmup_s, window_s=window_s,
        requests=len(measured), errors=len(errors), error_examples=sorted({s.error for s in errors})[:10],
        late_sends=late, by_kind=by_kind, p50_ms=_ms(latencies, 50), p95_ms=_ms(latencies, 95),
        p99_ms=_ms(latencies, 99), windows=windows, p95_first_window_ms=first_p95, p95_last_window_ms=last_p95,
        p95_drift_pct=drift, p95_slope_ms_per_min=slope, rss_start_kib=rss[0][1] if rss else None,
        rss_after_warmup_kib=after_warmup, rss_end_kib=end, rss_max_kib=max((v for _, v in rss), default=None),
        rss_growth_pct=growth, rss_samples=rss, server_error_log_lines=server_errors)
    result.passed = result.errors == 0 and growth is not None and growth < RSS_TARGET_PCT
    return result


def render_text(result: SoakResult) -> str:
    lines = [
        f"soak: {result.minutes:g} min at {result.rate_per_s:g} req/s (warm-up {result.warmup_s:g}s not counted)"
        f" on {result.machine}",
        f"requests {result.requests}, errors {result.errors} (target 0), late sends {result.late_sends}, "
        f"server ERROR log lines {result.server_error_log_lines}",
        f"latency p50 {result.p50_ms} ms, p95 {result.p95_ms} ms, p99 {result.p99_ms} ms",
        f"p95 first window {result.p95_first_window_ms} ms, last {result.p95_last_window_ms} ms, "
        f"drift {result.p95_drift_pct}%, slope {result.p95_slope_ms_per_min} ms/min",
        f"RSS after warm-up {result.rss_after_warmup_kib} KiB, end {result.rss_end_kib} KiB, "
        f"growth {result.rss_growth_pct}% (target < {RSS_TARGET_PCT:g}%), max {result.rss_max_kib} KiB",
        "window  requests errors  p50_ms  p95_ms  max_ms",
    ]
    for w in result.windows:
        lines.append(f"{w.start_s:6.0f}s {w.requests:8d} {w.errors:6d} {w.p50_ms!s:>7} {w.p95_ms!s:>7} {w.max_ms!s:>7}")
    lines.append("PASS" if result.passed else "FAIL")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.soak", description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=5.0, help="requests per second")
    parser.add_argument("--warmup-s", type=float, default=60.0)
    parser.add_argument("--window-s", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--corpus-dir", type=Path, default=None, help="corpus for the server (PA_CORPUS_DIR)")
    parser.add_argument("--index-from", type=Path, default=None,
                        help="data dir whose complete index is copied (default: the configured PA_DATA_DIR)")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="summary JSON file, '-' for none")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = parser.parse_args(argv)
    if args.rate <= 0 or args.minutes <= 0:
        parser.error("--rate and --minutes must be positive")
    warmup = min(args.warmup_s, args.minutes * 60 / 2)
    total_s = args.minutes * 60 + warmup
    command = "python -m eval.soak " + " ".join(argv if argv is not None else sys.argv[1:])
    index_from = args.index_from or Settings().data_dir
    with tempfile.TemporaryDirectory(prefix="pa-soak-") as tmp:
        data = Path(tmp) / "data"
        prepared = prepare_data_dir(data, index_from)
        log_path = Path(tmp) / "server.log"
        env = {"PA_ADMIN_TOKEN": ""}
        if args.corpus_dir is not None:
            env["PA_CORPUS_DIR"] = str(args.corpus_dir)
        server = ServeProcess(data, env=env, port=args.port or free_port(), log_path=log_path)
        print(f"starting the server on {server.base_url} ({prepared}) …", file=sys.stderr, flush=True)
        server.start(timeout=900)
        try:
            samples, rss, late = run_soak(server.base_url, server.pid, total_s, args.rate, args.workers)
        finally:
            server.stop()
        error_lines = [line for line in log_path.read_text(encoding="utf-8", errors="replace").splitlines()
                       if '"level": "ERROR"' in line]
        for line in error_lines[:3]:
            print(f"server error: {line[:300]}", file=sys.stderr)
        server_errors = len(error_lines)
    result = summarise(samples, rss, late, minutes=args.minutes, rate=args.rate, warmup_s=warmup,
                       window_s=args.window_s, command=command, server_errors=server_errors)
    if args.out != "-":
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(asdict(result), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(asdict(result), ensure_ascii=False, indent=1) if args.json else render_text(result))
    return 0 if result.passed else 1


if __name__ == "__main__":
    sys.exit(main())
