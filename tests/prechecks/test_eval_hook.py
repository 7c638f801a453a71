"""The eval hook (eval/prechecks.py) and the benchmark (eval/bench_prechecks.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from eval.prechecks import PrecheckCaseError, estimates_match, run_precheck_cases

ROOT = Path(__file__).resolve().parents[2]
DEV = ROOT / "eval" / "data" / "precheck_dev.jsonl"


def test_dev_cases_are_all_exact(rules, corpus) -> None:
    report = run_precheck_cases(DEV, rules, corpus)
    overall = report["metrics"]["overall"]
    assert (overall["items"], overall["exact"], overall["exactness"]) == (23, 23, 1.0)
    assert (overall["cases"], overall["case_exactness"]) == (14, 1.0)
    assert report["mismatches"] == []
    assert set(report["metrics"]["by_status"]) == {"eligible", "ineligible", "needs_info", "not_estimable"}
    assert report["metrics"]["by_item"]["lg-compute"] == {"items": 7, "exact": 7, "exactness": 1.0}
    first = report["results"][0]
    assert first == {"id": "pd-01", "items": [{"item_id": "lg-compute", "status": "eligible",
                                               "estimate_wan": 136.95}]}


def test_mismatches_are_counted(tmp_path, rules, corpus) -> None:
    case = {"id": "x-1", "profile": {"org_type": "enterprise", "registered_in_longgang": True,
                                     "independent_legal_person": True, "tax_in_longgang": True,
                                     "stats_in_longgang": True, "compute_expense_wan": 500},
            "expect": [{"item_id": "lg-compute", "status": "eligible", "estimate_wan": 150.01},
                       {"item_id": "lg-compute", "status": "eligible", "estimate_wan": 150},
                       {"item_id": "sz-corpus-voucher", "status": "ineligible", "estimate_wan": None}]}
    path = tmp_path / "cases.jsonl"
    path.write_text(json.dumps(case) + "\n\n", encoding="utf-8")
    report = run_precheck_cases(path, rules, corpus)
    overall = report["metrics"]["overall"]
    assert (overall["items"], overall["exact"], overall["cases_exact"]) == (3, 1, 0)
    # An item the profile names no amount of is still asked of the engine: its verdict is what mismatches.
    assert [m["got"] for m in report["mismatches"]] == [{"status": "eligible", "estimate_wan": 150.0},
                                                         {"status": "needs_info", "estimate_wan": None}]
    assert report["metrics"]["by_status"]["ineligible"]["exactness"] == 0.0


@pytest.mark.parametrize(("got", "expected", "same"), [
    (None, None, True), (None, 0, False), (0.0, None, False), (136.95, 136.95, True),
    (600.0, 600, True), (199.98, 199.99, False), (0.1 + 0.2, 0.3, True),
])
def test_estimates_compare_to_two_decimals(got, expected, same) -> None:
    assert estimates_match(got, expected) is same


def test_invalid_case_names_line_and_id(tmp_path, rules, corpus) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"id": "bad-1", "profile": {"org_type": "x"}, "expect": []}) + "\n",
                    encoding="utf-8")
    with pytest.raises(PrecheckCaseError, match=r"bad\.jsonl:1.*bad-1"):
        run_precheck_cases(path, rules, corpus)


def test_benchmark_runs_and_prints_the_rate() -> None:
    done = subprocess.run([sys.executable, "-m", "eval.bench_prechecks", "--seconds", "0.05", "--json"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    assert figures["profiles"] == 14 and figures["target_per_s"] == 10_000
    assert figures["evaluate_per_s"] > 0 and figures["parse_evaluate_json_per_s"] > 0
