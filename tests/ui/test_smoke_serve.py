"""Smoke test: the README's run command (`policy-assistant serve`) starts the web app and API."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import httpx
import pytest
from servers import ServerProcess

from assistant.settings import PROJECT_ROOT, Settings


def serve_program() -> tuple[str, ...]:
    """The installed console script next to this interpreter (what scripts/run.sh execs)."""
    script = Path(sys.executable).with_name("policy-assistant")
    if not script.exists():
        pytest.skip(f"console script not installed at {script}; run scripts/setup.sh")
    return (str(script),)


def test_run_script_execs_policy_assistant_serve() -> None:
    run_sh = (PROJECT_ROOT / "scripts" / "run.sh").read_text(encoding="utf-8")
    assert re.search(r"^exec \.venv/bin/policy-assistant serve \"\$@\"$", run_sh, re.M), run_sh
    assert os.access(PROJECT_ROOT / "scripts" / "run.sh", os.X_OK)
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert "scripts/run.sh" in readme and "policy-assistant serve" in readme


def test_policy_assistant_serve_starts_and_is_healthy(built_settings: Settings,
                                                      policy_assistant: object) -> None:
    """`policy-assistant serve --port <free>` over the session's index (already built: no rebuild)."""
    with ServerProcess(built_settings.data_dir, program=serve_program()) as server:
        base_url = server.base_url
        health = httpx.get(f"{base_url}/healthz", timeout=10)
        assert health.status_code == 200 and health.json()["status"] == "ok"
        page = httpx.get(f"{base_url}/", timeout=30)
        assert page.status_code == 200 and "政策通" in page.text
        search = httpx.get(f"{base_url}/api/search", params={"q": "训力券"}, timeout=30)
        assert search.status_code == 200 and search.json()["results"]
