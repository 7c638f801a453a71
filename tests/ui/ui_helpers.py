"""Constants the UI tests share (the servers they run are in tests/servers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.settings import PROJECT_ROOT

ADMIN_TOKEN = "test-admin-token-0123456789"
ARTIFACTS = PROJECT_ROOT / "test-artifacts"

# Debian's Chromium, driven by Playwright's Python package: never a downloaded browser build.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# The first server-side render, Gradio's queue and the answer can be slow on a busy 2-core CI machine.
TIMEOUT_MS = 45_000
# `pytestmark` of every browser test module.
BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (/usr/bin/chromium missing); "
                                                     "run scripts/install-browser.sh"),
]


def make_docx(title: str = "龙岗区星湾算力券兑换办法") -> bytes:
    """A small Word file of three articles about a made-up voucher no shipped document mentions."""
    import io

    import docx

    document = docx.Document()
    document.add_paragraph(title)
    document.add_paragraph("第一条 为推广星湾算力券，支持企业租用智能算力，制定本办法。")
    document.add_paragraph("第二条 星湾算力券每张面值一千元，企业每年最多兑换二十张。")
    document.add_paragraph("第三条 本办法由区科技创新局负责解释。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
