"""The soak benchmark itself, in a 30-second version (slow: `pytest -m slow tests/reliability`).

The 10-minute run is `python -m eval.soak`; its figures go to eval/reports/reliability.md.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.service import PolicyAssistant
from assistant.settings import Settings
from eval import soak


@pytest.mark.slow
def test_soak_30_seconds(tmp_path: Path, mini_settings: Settings, mini_assistant: PolicyAssistant,
                         record_property) -> None:
    """30 s at 5 requests/s against the real server process: no errors, p95 per window, bounded RSS growth."""
    out = tmp_path / "soak.json"
    status = soak.main(["--minutes", "0.5", "--rate", "5", "--warmup-s", "10", "--window-s", "10",
                        "--corpus-dir", str(mini_settings.corpus_dir), "--index-from", str(mini_settings.data_dir),
                        "--out", str(out)])
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["errors"] == 0, result["error_examples"]
    assert result["requests"] >= 0.8 * 30 * 5
    assert len(result["windows"]) == 3 and all(w["p95_ms"] for w in result["windows"])
    assert result["rss_growth_pct"] is not None and result["rss_growth_pct"] < 10
    assert result["server_error_log_lines"] == 0
    assert status == 0
    for key in ("requests", "errors", "p95_ms", "p95_drift_pct", "rss_growth_pct"):
        record_property(key, result[key])
