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
