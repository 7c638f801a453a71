"""The LLM server down, slow or returning garbage, seen from the HTTP API.

`tests/assistant/test_llm.py` covers the composer against each failure; here the whole path is checked:
POST /api/ask (plain and streamed) answers 200 with the extractive fallback within the configured
timeout, and the failure is logged without the question.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import time
from collections.abc import Iterator

import pytest
from fake_openai_server import FakeOpenAIServer, Reply
from fastapi.testclient import TestClient
from servers import free_port, sse_events

from assistant.compose_llm import FALLBACK_BACKEND
from assistant.llm import OpenAIBackend
from assistant.service import PolicyAssistant
from assistant.settings import Settings
from ui.app import create_app

TIMEOUT_S = 1.0
MARGIN_S = 1.5  # HTTP round trip, retrieval and thread scheduling on a busy 2-core machine
QUESTION = "租用算力训练大模型，最高能获得多少资助？"
MARKER = "隐私标记LLM-5b1e"


@pytest.fixture(scope="module")
def fake_llm() -> Iterator[FakeOpenAIServer]:
    server = FakeOpenAIServer().start()
    try:
        yield server
    finally:
        server.stop()


def _client(mini_assistant: PolicyAssistant, mini_settings: Settings, base_url: str) -> TestClient:
    settings = mini_settings.model_copy(update={"llm_base_url": base_url, "llm_timeout_s": TIMEOUT_S,
                                                "llm_model": "fake", "llm_api_key": "k"})
    assistant = dataclasses.replace(mini_assistant, settings=settings, llm=OpenAIBackend(settings))
    return TestClient(create_app(settings, assistant=assistant, web=False))


@pytest.mark.parametrize("mode", ["down", "slow", "garbage", "http-500"])
def test_ask_falls_back_to_extractive_within_timeout(fake_llm: FakeOpenAIServer, mini_assistant: PolicyAssistant,
                                                     mini_settings: Settings, mode: str,
                                                     caplog: pytest.LogCaptureFixture, record_property) -> None:
    """LLM down / slow / garbage / HTTP 500: /api/ask answers 200 with the extractive fallback in time."""
    replies = {"slow": Reply(mode="slow", delay_s=4 * TIMEOUT_S), "garbage": Reply(mode="garbage"),
               "http-500": Reply(mode="error")}
    base_url = f"http://127.0.0.1:{free_port()}/v1" if mode == "down" else fake_llm.base_url

    def script() -> None:
        if mode != "down":
            fake_llm.script(*([replies[mode]] * 4))

    script()
    caplog.set_level(logging.INFO)
    with _client(mini_assistant, mini_settings, base_url) as client:
        started = time.monotonic()
        response = client.post("/api/ask", json={"question": f"{QUESTION}{MARKER}"})
        elapsed = time.monotonic() - started
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["backend"] == FALLBACK_BACKEND and body["citations"]
        assert "1000万元" in body["answer"]
        assert elapsed < TIMEOUT_S + MARGIN_S, elapsed

        script()
        started = time.monotonic()
        streamed = client.post("/api/ask", json={"question": QUESTION, "stream": True})
        stream_elapsed = time.monotonic() - started
        assert streamed.status_code == 200
        events = sse_events(streamed.text)
        assert events and events[-1][0] == "final", events[-3:]
        assert not [e for e in events if e[0] == "error"]
        assert json.loads(events[-1][1])["citations"]
        assert stream_elapsed < 2 * TIMEOUT_S + MARGIN_S, stream_elapsed
    assert MARKER not in caplog.text
    record_property(f"{mode}_answer_s", round(elapsed, 2))
    record_property(f"{mode}_stream_s", round(stream_elapsed, 2))
    record_property("timeout_s", TIMEOUT_S)
