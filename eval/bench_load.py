"""Load benchmark of the web app's HTTP API: simulated users on loopback against the real server.

    python -m eval.bench_load --report eval/reports/benchmarks.md   # 20 users for 60 s; writes its section
    python -m eval.bench_load --users 4 --seconds 5                 # a short run, no report
    options: --port N (default: a free port)  --url URL (use a running server instead of starting one)
             --data-dir DIR (index to serve; default PA_DATA_DIR or data/)  --think MIN MAX (seconds)
             --seed N  --no-page (skip the page-ready measurement)  --json

The server is `python -m ui.cli serve` started as a child process with the extractive backend
(PA_LLM_BASE_URL empty) and the per-client rate limit off: every simulated user comes from 127.0.0.1,
whereas real users each have their own address and bucket. Each user loops until the time is up:
- 45 %: POST /api/ask — a question drawn from varied templates (amounts, places, documents, follow-ups
  with history, English, off-topic questions that must be refused), not only the dev set;
- 45 %: GET /api/search — hotline staff typing: 1–3 growing prefixes of a query 0.2 s apart, as the
  search box fires while typing, with a filter now and then;
- 10 %: POST /api/precheck — a random but valid enterprise profile;
then "reads" for a think time drawn from [--think MIN, MAX] (default 0.5–2 s).
An error is a transport failure, a timeout, any status other than 200, or a body without the contract's
keys. Latency is per request, from send to the whole body received. Before the load, the page-ready
time of the chat tab is measured in headless Chromium when /usr/bin/chromium and playwright exist
(median of 3 cold loads; see tests/ui/test_browser.py).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shlex
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from eval.metrics import percentile
from eval.serve import ServeProcess, free_port, wait_healthy

PROJECT_ROOT = Path(__file__).resolve().parent.parent
REPORT_HEADING = "Web app: HTTP API under load, page ready"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TARGETS_MS = {"/api/ask": 1000.0, "/api/search": 200.0}
ROUTE_WEIGHTS = (("/api/ask", 45), ("/api/search", 45), ("/api/precheck", 10))

# ------------------------------------------------------------------------------------ workload

ASK_TEMPLATES = [
    "我们公司在龙岗注册纳税，去年租算力花了{amount}万，区里能补多少？",
    "龙岗区对企业购买算力有什么补贴？补贴比例是多少？",
    "购买算力{amount}万元，按龙岗的政策最多能拿到多少扶持？",
    "深圳市“训力券”怎么申请，最多补贴多少？",
    "我们是一家初创企业，租用智能算力训练大模型，合同{amount}万，训力券能补多少？",
    "语料券的资助比例和上限是多少？",
    "通过数据交易平台买语料{amount}万，能申请语料券吗？",
    "《实施细则》里的申报项目采用什么审核方式？",
    "龙岗区人工智能实施细则是哪个部门起草的？",
    "具身智能机器人应用有哪些扶持政策？",
    "调用大模型开发应用可以获得哪些扶持？",
    "大模型自主开发的企业在龙岗能拿到什么支持？",
    "征求意见稿和正式文件有什么不同？",
    "深圳经济特区人工智能产业促进条例第{article}条规定了什么？",
    "生成式人工智能服务管理暂行办法对训练数据有什么要求？",
    "提供生成式人工智能服务需要备案吗？",
    "中小企业促进法对融资有什么规定？",
    "深圳市数据条例里公共数据怎么开放？",
    "人工智能先锋城市的行动方案有哪些目标？",
    "龙岗区产业空间租金扶持怎么申请？",
    "公共技术服务平台运营扶持的条件是什么？",
    "申报截止时间是什么时候？",
    "What support does Longgang give to companies buying computing power?",
    "今天深圳天气怎么样？",
    "帮我写一首关于春天的诗",
]
FOLLOW_UPS = [
    ("龙岗区对企业购买算力有什么补贴？", "最多能补多少？"),
    ("深圳市“训力券”怎么申请？", "初创企业呢？"),
    ("语料券是什么？", "由哪个部门负责？"),
    ("《实施细则》采用什么审核方式？", "需要提交什么材料？"),
]
ARTICLES = ["一", "三", "五", "八", "十", "十二", "十五", "二十", "三十", "四十五"]
SEARCH_QUERIES = [
    "训力券", "语料券", "算力 补贴比例", "购买算力", "初创企业 资助比例", "核准制", "评审制",
    "促进条例第十二条", "大模型 备案", "具身智能机器人", "应用场景示范", "产业空间 租金",
    "公共技术服务平台", "专项资金 审核", "数据交易", "生成式人工智能 训练数据", "人工智能伦理",
    "算力券", "中小企业 融资", "个人信息保护", "龙岗区工业和信息化局", "申报条件 纳税地",
    "computing power", "重大活动", "先锋城市",
]
SEARCH_FILTERS = [{}, {}, {}, {"level": "district"}, {"status": "official"}, {"level": "municipal"}]
ORG_TYPES = ["enterprise", "enterprise", "enterprise", "private_non_enterprise", "social_organization",
             "university", "research_institute"]
ACTIVITIES = ["lg-model-dev", "lg-model-app", "lg-embodied-robot", "lg-smart-product", "lg-scenario-demo",
              "lg-space-rent"]


# How people open and close a question: with the amounts, almost every question text is new, so the
# server's query-embedding cache does not flatter the figures.
OPENERS = ["", "", "请问", "你好，", "您好，想咨询一下：", "麻烦问下，", "我想了解一下，", "老师好，"]
CLOSERS = ["", "", "谢谢", "，谢谢！", "？急", "。", "，有文件依据吗？"]


def ask_body(rng: random.Random) -> dict[str, Any]:
    """A question (sometimes a follow-up with history) for POST /api/ask."""
    if rng.random() < 0.15:
        first, follow = rng.choice(FOLLOW_UPS)
        history = [{"role": "user", "content": first},
                   {"role": "assistant", "content": "（上一轮回答）"}]
        return {"question": rng.choice(OPENERS) + follow, "history": history}
    template = rng.choice(ASK_TEMPLATES)
    amount = rng.choice([rng.randint(10, 6000), round(rng.uniform(10, 3000), 1)])
    question = template.format(amount=amount, article=rng.choice(ARTICLES))
    if not question.isascii():
        question = rng.choice(OPENERS) + question + rng.choice(CLOSERS)
    return {"question": question, "history": []}


def search_steps(rng: random.Random) -> list[dict[str, Any]]:
    """Query parameters for 1–3 searches of growing prefixes, as while typing."""
    query = rng.choice(SEARCH_QUERIES)
    if rng.random() < 0.4:
        query += " " + rng.choice(SEARCH_QUERIES)
    filters = rng.choice(SEARCH_FILTERS)
    typed = rng.randint(1, 3)
    cuts = sorted({max(1, round(len(query) * (i + 1) / typed)) for i in range(typed)})
    return [{"q": query[:cut], "k": 8, **filters} for cut in cuts]


def precheck_profile(rng: random.Random) -> dict[str, Any]:
    """A random, valid enterprise profile."""
    profile: dict[str, Any] = {
        "org_type": rng.choice(ORG_TYPES),
        "registered_in_longgang": rng.random() < 0.85,
        "independent_legal_person": rng.random() < 0.9,
    }
    for key in ("tax_in_longgang", "stats_in_longgang", "is_startup"):
        profile[key] = rng.choice([True, True, False, None])
    for key in ("compute_expense_wan", "training_compute_contract_wan", "corpus_contract_wan"):
        if rng.random() < 0.6:
            profile[key] = round(rng.uniform(0, 4000), 1)
    profile["activities"] = rng.sample(ACTIVITIES, rng.randint(0, 2))
    return profile


# ---------------------------------------------------------------------------------- measurement


@dataclass
class Stats:
    """Latencies and errors of one route."""

    latencies_ms: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    inputs: set[str] = field(default_factory=set)  # distinct questions / queries / profiles sent

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


def _valid(route: str, body: Any) -> bool:
    if route == "/api/ask":
        return isinstance(body, dict) and {"answer", "citations", "prechecks", "refused"} <= set(body)
    if route == "/api/search":
        return isinstance(body, dict) and isinstance(body.get("results"), list)
    return isinstance(body, list) and all("item_id" in item and "status" in item for item in body)


async def _request(client: httpx.AsyncClient, stats: dict[str, Stats], route: str,
                   **kwargs: Any) -> None:
    method = "GET" if route == "/api/search" else "POST"
    stats[route].inputs.add(json.dumps(kwargs.get("json") or kwargs.get("params"), sort_keys=True,
                                       ensure_ascii=False))
    started = time.perf_counter()
    try:
        response = await client.request(method, route, **kwargs)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            stats[route].error(f"HTTP {response.status_code}")
            return
        if not _valid(route, response.json()):
            stats[route].error("bad body")
            return
        stats[route].latencies_ms.append(elapsed)
    except httpx.TimeoutException:
        stats[route].error("timeout")
    except (httpx.HTTPError, ValueError) as exc:
        stats[route].error(type(exc).__name__)


async def user(index: int, client: httpx.AsyncClient, stats: dict[str, Stats], deadline: float,
               seed: int, think: tuple[float, float]) -> None:
    """One simulated user: act, think, repeat until the deadline."""
    rng = random.Random(seed * 1000 + index)
    routes = [r for r, _ in ROUTE_WEIGHTS]
    weights = [w for _, w in ROUTE_WEIGHTS]
    await asyncio.sleep(rng.uniform(0, think[1]))  # users do not all arrive in the same instant
    while time.monotonic() < deadline:
        route = rng.choices(routes, weights)[0]
        if route == "/api/ask":
            await _request(client, stats, route, json=ask_body(rng))
        elif route == "/api/search":
            for number, params in enumerate(search_steps(rng)):
                if number:
                    await asyncio.sleep(0.2)
                await _request(client, stats, route, params=params)
        else:
            await _request(client, stats, route, json=precheck_profile(rng))
        await asyncio.sleep(rng.uniform(*think))


async def run_load(base_url: str, users: int, seconds: float, seed: int,
                   think: tuple[float, float]) -> tuple[dict[str, Stats], float]:
    """All users against `base_url` for `seconds`; (stats per route, wall seconds)."""
    stats = {route: Stats() for route, _ in ROUTE_WEIGHTS}
    limits = httpx.Limits(max_connections=users + 4, max_keepalive_connections=users + 4)
    async with httpx.AsyncClient(base_url=base_url, timeout=30.0, limits=limits) as client:
        started = time.monotonic()
        deadline = started + seconds
        await asyncio.gather(*(user(i, client, stats, deadline, seed, think) for i in range(users)))
        wall = time.monotonic() - started
    return stats, wall


# -------------------------------------------------------------------------------- page ready


def page_ready(base_url: str, loads: int = 3) -> dict[str, Any] | None:
    """Chat tab ready (chat, suggested questions and input shown) per cold load, in seconds."""
    if not CHROMIUM.exists():
        return None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    script = """() => {
        const visible = (sel) => { const el = document.querySelector(sel);
                                   return el && el.getBoundingClientRect().height > 0; };
        return visible('#pa-chatbot') && visible('#pa-question textarea')
            && document.body.innerText.includes('龙岗区对企业购买算力有什么补贴') ? performance.now() : null;
    }"""
    samples: list[float] = []
    fcps: list[float] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for _ in range(loads):
                context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
                page = context.new_page()
                page.goto(base_url + "/")
                samples.append(float(page.wait_for_function(script, polling="raf", timeout=60_000)
                                     .json_value()) / 1000)
                fcp = page.evaluate("(performance.getEntriesByName('first-contentful-paint')[0] || {})"
                                    ".startTime || null")
                if fcp is not None:
                    fcps.append(float(fcp) / 1000)
                context.close()
        finally:
            browser.close()
    return {"median_s": statistics.median(samples), "samples_s": samples,
            "fcp_median_s": statistics.median(fcps) if fcps else None}


# ------------------------------------------------------------------------------------- server


# ------------------------------------------------------------------------------------- report


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f} ms"


def summary(stats: dict[str, Stats], wall: float, users: int, seconds: float,
            think: tuple[float, float], page: dict[str, Any] | None) -> dict[str, Any]:
    """The figures as JSON-ready data."""
    routes: dict[str, dict[str, Any]] = {}
    for route, s in stats.items():
        lat = s.latencies_ms
        routes[route] = {"ok": len(lat), "errors": s.error_count, "error_kinds": dict(s.errors),
                         "distinct_inputs": len(s.inputs),
                         "p50_ms": percentile(lat, 50), "p95_ms": percentile(lat, 95),
                         "max_ms": max(lat) if lat else None,
                         "target_p95_ms": TARGETS_MS.get(route)}
    total_ok = sum(r["ok"] for r in routes.values())
    total_errors = sum(r["errors"] for r in routes.values())
    met = total_errors == 0 and all(
        r["target_p95_ms"] is None or (r["ok"] and r["p95_ms"] <= r["target_p95_ms"])
        for r in routes.values())
    return {"users": users, "seconds": seconds, "wall_s": wall, "think_s": list(think),
            "requests": total_ok + total_errors, "errors": total_errors,
            "throughput_rps": total_ok / wall if wall else 0.0, "routes": routes,
            "page_ready": page, "targets_met": met}


def markdown(result: dict[str, Any], argv: Sequence[str]) -> str:
    """The report section."""
    from eval.report import machine_description

    lines = [
        f"- date: {time.strftime('%Y-%m-%d %H:%M')}",
        f"- command: `{shlex.join(['python', '-m', 'eval.bench_load', *argv])}`",
        f"- machine: {machine_description()}",
        f"- load: {result['users']} simulated users for {result['seconds']:.0f} s on loopback (async httpx), "
        f"think time {result['think_s'][0]}–{result['think_s'][1]} s; extractive backend; "
        "per-client rate limit off (all users share 127.0.0.1)",
        f"- requests: {result['requests']}, errors: {result['errors']}, "
        f"throughput: {result['throughput_rps']:.1f} requests/s",
        "",
        "| route | requests | distinct inputs | errors | p50 | p95 | max | target p95 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for route, r in result["routes"].items():
        target = f"≤ {r['target_p95_ms']:.0f} ms" if r["target_p95_ms"] else "—"
        errors = str(r["errors"]) + (f" ({', '.join(f'{k}: {v}' for k, v in r['error_kinds'].items())})"
                                     if r["errors"] else "")
        lines.append(f"| `{route}` | {r['ok'] + r['errors']} | {r['distinct_inputs']} | {errors} "
                     f"| {_ms(r['p50_ms'])} | {_ms(r['p95_ms'])} | {_ms(r['max_ms'])} | {target} |")
    page = result.get("page_ready")
    lines.append("")
    if page:
        fcp = f"; first contentful paint {page['fcp_median_s']:.2f} s" if page.get("fcp_median_s") else ""
        lines.append(f"Page ready (chat tab with suggested questions and input shown, headless Chromium, "
                     f"cold cache, server idle): median {page['median_s']:.2f} s of "
                     f"{', '.join(f'{s:.2f}' for s in page['samples_s'])} s{fcp} (target ≤ 3 s).")
    else:
        lines.append("Page ready: not measured (--no-page, or no /usr/bin/chromium or playwright).")
    lines.append("")
    lines.append("Targets (0 errors, `/api/ask` p95 ≤ 1 s, `/api/search` p95 ≤ 200 ms): "
                 + ("met." if result["targets_met"] else "**not met**."))
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m eval.bench_load", description="网页应用 HTTP API 负载测试")
    parser.add_argument("--users", type=int, default=20, help="并发模拟用户数")
    parser.add_argument("--seconds", type=float, default=60.0, help="持续时间（秒）")
    parser.add_argument("--port", type=int, default=0, help="服务端口（默认取空闲端口）")
    parser.add_argument("--url", default="", help="使用已运行的服务（不启动新进程）")
    parser.add_argument("--data-dir", type=Path, default=None, help="索引所在的数据目录（默认 PA_DATA_DIR 或 data/）")
    parser.add_argument("--think", type=float, nargs=2, default=(0.5, 2.0), metavar=("MIN", "MAX"),
                        help="每次操作后的思考时间范围（秒）")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-page", action="store_true", help="不测页面就绪时间")
    parser.add_argument("--report", default="", help="把结果写入此报告文件的相应小节（默认不写）")
    parser.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    parser.add_argument("--startup-timeout", type=float, default=600.0,
                        help="等待服务就绪的秒数（索引缺失时会先构建）")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    if args.users < 1 or args.seconds <= 0 or args.think[0] < 0 or args.think[1] < args.think[0]:
        print("--users ≥ 1, --seconds > 0 and 0 ≤ think MIN ≤ MAX", file=sys.stderr)
        return 2
    server: ServeProcess | None = None
    if args.url:
        base_url = args.url.rstrip("/")
        wait_healthy(base_url, args.startup_timeout)
    else:
        server = ServeProcess(args.data_dir, env={"PA_LOG_LEVEL": "WARNING"}, port=args.port or free_port())
        print(f"starting the app on {server.base_url} …", file=sys.stderr)
        server.start(args.startup_timeout)
        base_url = server.base_url
    try:
        page = None if args.no_page else page_ready(base_url)
        print(f"{args.users} users for {args.seconds:.0f} s …", file=sys.stderr)
        stats, wall = asyncio.run(run_load(base_url, args.users, args.seconds, args.seed,
                                           (args.think[0], args.think[1])))
    finally:
        if server is not None:
            server.stop()
    result = summary(stats, wall, args.users, args.seconds, (args.think[0], args.think[1]), page)
    body = markdown(result, argv)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(f"## {REPORT_HEADING}\n\n{body}\n")
    if args.report not in ("", "-"):
        from eval.bench_retrieval import update_section

        update_section(Path(args.report), REPORT_HEADING, body)
    return 0 if result["targets_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
