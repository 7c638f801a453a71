"""Fixtures for the assistant tests: a scripted OpenAI-compatible server and settings pointing at it."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fake_openai_server import FakeOpenAIServer

from assistant.settings import Settings


@pytest.fixture(scope="session")
def fake_openai_session() -> Iterator[FakeOpenAIServer]:
    """One fake server for the whole session (starting one per test would only cost time)."""
    server = FakeOpenAIServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture()
def fake_openai(fake_openai_session: FakeOpenAIServer) -> Iterator[FakeOpenAIServer]:
    """The session's fake server with an empty script and request log for this test."""
    fake_openai_session.script()
    yield fake_openai_session
    fake_openai_session.script()


@pytest.fixture()
def llm_settings(fake_openai: FakeOpenAIServer, tmp_path) -> Callable[..., Settings]:
    """Build `Settings` aimed at the fake server; keyword arguments override fields (e.g. a timeout)."""

    def make(**overrides: object) -> Settings:
        values: dict[str, object] = {
            "llm_base_url": fake_openai.base_url,
            "llm_model": fake_openai.model,
            "llm_api_key": "test-key",
            "llm_timeout_s": 5.0,
            "data_dir": tmp_path / "data",
        }
        values.update(overrides)
        return Settings(**values)

    return make
