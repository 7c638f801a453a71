"""Helpers for the reliability tests: free ports, servers in a thread or a child process, error checks."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx

ADMIN_TOKEN = "reliability-admin-token-0123456789"
# The documents the pre-check rules cite, so that a corpus of just these still compiles every rule.
MINI_DOCS = ("lg-ai-measures-en", "lg-ai-rules-consultation-notice", "lg-ai-rules-explainer",
             "lg-itc-fund-measures-2026", "sz-ai-pioneer-measures-2024")
ELIGIBLE_PROFILE = {"org_type": "enterprise", "registered_in_longgang": True,
                    "independent_legal_person": True, "tax_in_longgang": True,
                    "stats_in_longgang": True, "compute_expense_wan": 500}


def is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def assert_error(response: httpx.Response, status: int | tuple[int, ...], code: str | None = None) -> dict:
    """The response is the contract's JSON error (`{"error": {"code", "message"}}`) with a Chinese message."""
    statuses = (status,) if isinstance(status, int) else status
    assert response.status_code in statuses, (response.status_code, response.text[:500])
    assert response.headers["content-type"].startswith("application/json"), response.headers
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message"}, body
    if code is not None:
        assert body["error"]["code"] == code, body
    assert is_chinese(body["error"]["message"]), body
    return body["error"]


def copy_data_dir(source: Path, target: Path) -> Path:
    """Copy a data directory with its built index (the `current` symlink stays relative)."""
    shutil.copytree(source, target, symlinks=True)
    return target
