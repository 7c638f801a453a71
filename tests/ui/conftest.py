"""Fixtures for the web app and API tests: one index build per session, real servers on free ports."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from servers import ThreadedServer
from ui_helpers import ADMIN_TOKEN, CHROMIUM, CHROMIUM_ARGS

from assistant.service import PolicyAssistant
from assistant.settings import Settings


@pytest.fixture(scope="session")
def ui_data_dir(built_settings: Settings) -> Path:
    """The data directory (index, feedback store) every UI test shares: the session's one index."""
    return built_settings.data_dir


@pytest.fixture(scope="session")
def ui_settings(built_settings: Settings) -> Settings:
    """Settings for the shared app: admin routes on, rate limiting off (tests with limits make their own).

    Same data dir as `built_settings`, so the UI tests reuse the index that `policy_assistant` builds.
    """
    return built_settings.model_copy(update={"admin_token": ADMIN_TOKEN, "rate_limit_per_minute": 0,
                                             "cors_origins": "", "host": "127.0.0.1"})


@pytest.fixture(scope="session")
def shared_assistant(policy_assistant: PolicyAssistant) -> PolicyAssistant:
    """The one PolicyAssistant of the session (tests/conftest.py builds its index once)."""
    return policy_assistant


@pytest.fixture(scope="session")
def live_server(ui_settings: Settings, shared_assistant: PolicyAssistant) -> Iterator[str]:
    """The real app (API and web pages) over HTTP on a free port; yields its base URL."""
    from ui.app import create_app

    server = ThreadedServer(create_app(ui_settings, assistant=shared_assistant)).start()
    try:
        yield server.base_url
    finally:
        server.stop()


@pytest.fixture()
def http(live_server: str) -> Iterator[httpx.Client]:
    """An HTTP client for the live server."""
    with httpx.Client(base_url=live_server, timeout=30.0) as client:
        yield client


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Debian Chromium per browser test module (Playwright's sync API holds an event loop
    while it runs, which would break later tests that start their own)."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (test extra)")
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()
