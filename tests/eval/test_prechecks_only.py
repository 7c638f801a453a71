"""`python -m eval run --prechecks FILE` alone: the output shape, no index, and no report unless asked."""

from __future__ import annotations

import json
import subprocess
import sys

from assistant.settings import PROJECT_ROOT
from eval.__main__ import main

CASES = PROJECT_ROOT / "eval" / "data" / "precheck_dev.jsonl"
REPORTS = PROJECT_ROOT / "eval" / "reports"


def _snapshot() -> dict[str, float]:
    return {p.name: p.stat().st_mtime for p in REPORTS.glob("*")} if REPORTS.is_dir() else {}


def test_prechecks_alone_run_without_an_index(tmp_path) -> None:
    before = _snapshot()
    data_dir = tmp_path / "empty-data"  # no index here: building one would take minutes and write files
    proc = subprocess.run([sys.executable, "-m", "eval", "run", "--prechecks", str(CASES), "--json"],
                          capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(PROJECT_ROOT),
                               "PA_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1"})
    assert proc.returncode == 0, proc.stderr
    output = json.loads(proc.stdout)
    assert set(output) == {"metrics", "results", "prechecks"}
    assert output["results"] == []
    assert output["metrics"]["prechecks"]["overall"]["exactness"] == 1.0
    assert len(output["prechecks"]) == 14
    assert not data_dir.exists() or not any(data_dir.iterdir())
    assert _snapshot() == before  # no report file rewritten


def test_report_only_where_asked(tmp_path, capsys) -> None:
    report = tmp_path / "prechecks.md"
    assert main(["run", "--prechecks", str(CASES), "--report", str(report)]) == 0
    assert "items exact: 23/23" in report.read_text(encoding="utf-8")
    assert "items exact: 23/23" in capsys.readouterr().out


def test_neither_file_is_a_usage_error(capsys) -> None:
    assert main(["run"]) == 2
    assert "--prechecks" in capsys.readouterr().err


def test_an_item_the_profile_names_no_amount_of_is_checked_all_the_same(tmp_path, capsys) -> None:
    # Registered outside Longgang, with computing spend only: the model item is checked too, and is ineligible.
    case = {"id": "x-1", "profile": {"org_type": "enterprise", "registered_in_longgang": False,
                                     "compute_expense_wan": 300},
            "expect": [{"item_id": "lg-compute", "status": "ineligible", "estimate_wan": None},
                       {"item_id": "lg-model-dev", "status": "ineligible", "estimate_wan": None}]}
    path = tmp_path / "cases.jsonl"
    path.write_text(json.dumps(case, ensure_ascii=False) + "\n", encoding="utf-8")
    assert main(["run", "--prechecks", str(path), "--json"]) == 0
    output = json.loads(capsys.readouterr().out)
    assert output["metrics"]["prechecks"]["overall"]["exact"] == 2
    assert {i["item_id"] for i in output["prechecks"][0]["items"]} >= {"lg-compute", "lg-model-dev"}
