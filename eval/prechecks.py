"""Pre-check evaluation: run the engine on a case file and measure exactness.

A case file has one JSON object per line: ``{"id", "profile", "expect": [{"item_id", "status",
"estimate_wan"}]}`` (shared/eval/README.md). An expected item is *exact* when the engine reports that
item with the same status and the same estimate to two decimals (null must match null).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from prechecks.engine import evaluate
from prechecks.numbers import round_cent, to_decimal
from prechecks.profile import ProfileError, parse_profile
from prechecks.rules import RuleSet
from retrieval.models import Corpus


class PrecheckCaseError(ValueError):
    """A case file line that cannot be run; the message names the file, line and case."""


def _cents(value: Any) -> Decimal | None:
    return None if value is None else round_cent(to_decimal(value))


def estimates_match(got: float | None, expected: Any) -> bool:
    """True when both are null, or both round to the same amount at 0.01 万元."""
    return _cents(got) == _cents(expected)


def read_cases(path: Path) -> list[dict[str, Any]]:
    """The cases of a JSONL file, with their line numbers; blank lines are skipped."""
    cases: list[dict[str, Any]] = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8-sig").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            case = json.loads(line)
        except json.JSONDecodeError as exc:
            raise PrecheckCaseError(f"{path}:{number}: 不是有效的 JSON：{exc.msg}") from None
        if not isinstance(case, dict) or "id" not in case or "profile" not in case:
            raise PrecheckCaseError(f"{path}:{number}: 每行须为含 id、profile、expect 的 JSON 对象")
        case["_line"] = number
        cases.append(case)
    return cases


def _tally(bucket: dict[str, dict[str, Any]], key: str, exact: bool) -> None:
    entry = bucket.setdefault(key, {"items": 0, "exact": 0})
    entry["items"] += 1
    entry["exact"] += int(exact)


def _rates(bucket: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {key: {**value, "exactness": value["exact"] / value["items"] if value["items"] else 0.0}
            for key, value in sorted(bucket.items())}


def run_precheck_cases(path: Path, rules: RuleSet, corpus: Corpus) -> dict[str, Any]:
    """Run every case of `path`; return ``{"results", "metrics", "mismatches"}``.

    `results` holds, per case, every item the engine reported as ``{"item_id", "status",
    "estimate_wan"}``; `metrics` has exactness overall (per expected item and per whole case), per
    item id and per expected status; `mismatches` lists each expected item that was not exact.
    """
    results: list[dict[str, Any]] = []
    mismatches: list[dict[str, Any]] = []
    by_item: dict[str, dict[str, Any]] = {}
    by_status: dict[str, dict[str, Any]] = {}
    items_total = items_exact = cases_exact = 0
    cases = read_cases(path)
    for case in cases:
        try:
            profile = parse_profile(case["profile"])
        except ProfileError as exc:
            raise PrecheckCaseError(f"{path}:{case['_line']}: 用例 {case['id']} 的画像无效：{exc}") from None
        reported = {r.item_id: r for r in evaluate(profile, rules, corpus)}
        # An item the case checks that the profile names no amount or activity of is not in the engine's
        # default report (which names the items a profile is about): its verdict is asked for all the same.
        unlisted = {e["item_id"] for e in case.get("expect", [])} - reported.keys()
        if unlisted:
            reported.update({r.item_id: r for r in evaluate(profile, rules, corpus, item_ids=unlisted)})
        results.append({"id": case["id"], "items": [
            {"item_id": r.item_id, "status": r.status, "estimate_wan": r.estimate_wan}
            for r in reported.values()]})
        case_exact = True
        for expected in case.get("expect", []):
            got = reported.get(expected["item_id"])
            exact = (got is not None and got.status == expected["status"]
                     and estimates_match(got.estimate_wan, expected.get("estimate_wan")))
            items_total += 1
            items_exact += int(exact)
            case_exact &= exact
            _tally(by_item, expected["item_id"], exact)
            _tally(by_status, expected["status"], exact)
            if not exact:
                mismatches.append({
                    "id": case["id"], "item_id": expected["item_id"],
                    "expected": {"status": expected["status"], "estimate_wan": expected.get("estimate_wan")},
                    "got": None if got is None else {"status": got.status, "estimate_wan": got.estimate_wan},
                })
        cases_exact += int(case_exact)
    metrics = {
        "overall": {
            "items": items_total,
            "exact": items_exact,
            "exactness": items_exact / items_total if items_total else 0.0,
            "cases": len(cases),
            "cases_exact": cases_exact,
            "case_exactness": cases_exact / len(cases) if cases else 0.0,
        },
        "by_item": _rates(by_item),
        "by_status": _rates(by_status),
    }
    return {"results": results, "metrics": metrics, "mismatches": mismatches}


def precheck_report(cases: dict[str, Any], source: str) -> str:
    """A short Markdown summary of a case run: exactness overall, per item and status, and each mismatch."""
    overall = cases["metrics"]["overall"]
    lines = [f"# Pre-check cases: {source}", "",
             f"- items exact: {overall['exact']}/{overall['items']} ({overall['exactness']:.1%})",
             f"- cases exact: {overall['cases_exact']}/{overall['cases']} ({overall['case_exactness']:.1%})", "",
             "| by | key | exact | items |", "|---|---|---|---|"]
    for by in ("by_item", "by_status"):
        for key, value in cases["metrics"][by].items():
            lines.append(f"| {by[3:]} | {key} | {value['exact']} | {value['items']} |")
    for miss in cases["mismatches"]:
        lines.append(f"- mismatch {miss['id']} {miss['item_id']}: expected {miss['expected']}, got {miss['got']}")
    return "\n".join(lines) + "\n"
