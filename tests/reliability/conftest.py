"""Fixtures for the reliability tests: a small corpus (the documents the pre-check rules cite) indexed
once per session, apps over it, and a result recorder that `python -m eval.reliability` reads.

The small corpus keeps index builds to seconds, so that faults around building and swapping an index
can be exercised for real in the default suite.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.service import PolicyAssistant
from assistant.settings import PROJECT_ROOT, Settings

HERE = Path(__file__).resolve().parent
# The fake OpenAI-compatible server lives with the assistant tests.
sys.path.insert(0, str(HERE.parent / "assistant"))

from rel_helpers import ADMIN_TOKEN, MINI_DOCS, copy_data_dir  # noqa: E402

RESULTS_ENV = "PA_RELIABILITY_RESULTS"


@pytest.fixture(scope="session")
def mini_corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the five documents the pre-check rules cite."""
    target = tmp_path_factory.mktemp("mini-corpus")
    for doc_id in MINI_DOCS:
        shutil.copy(PROJECT_ROOT / "corpus" / "policies" / f"{doc_id}.md", target / f"{doc_id}.md")
    return target


@pytest.fixture(scope="session")
def mini_settings(tmp_path_factory: pytest.TempPathFactory, mini_corpus_dir: Path) -> Settings:
    """Settings over the small corpus, with its index built in a session temp dir."""
    return Settings(corpus_dir=mini_corpus_dir, data_dir=tmp_path_factory.mktemp("mini-data"),
                    llm_base_url="", admin_token=ADMIN_TOKEN, rate_limit_per_minute=0)


@pytest.fixture(scope="session")
def mini_assistant(mini_settings: Settings) -> PolicyAssistant:
    """The product over the small corpus (extractive backend); builds the index once."""
    return PolicyAssistant.from_settings(mini_settings)


@pytest.fixture()
def fresh_settings(tmp_path: Path, mini_settings: Settings, mini_assistant: PolicyAssistant) -> Settings:
    """Settings with a private copy of the small corpus and of its built index, for tests that break them."""
    corpus = tmp_path / "corpus"
    shutil.copytree(mini_settings.corpus_dir, corpus)
    data = copy_data_dir(mini_settings.data_dir, tmp_path / "data")
    feedback = data / "feedback.sqlite3"
    for path in (feedback, feedback.with_name(feedback.name + "-wal"), feedback.with_name(feedback.name + "-shm")):
        path.unlink(missing_ok=True)
    return mini_settings.model_copy(update={"corpus_dir": corpus, "data_dir": data})


# ------------------------------------------------------------------------ results for the report

_pending: dict[str, dict] = {}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """With PA_RELIABILITY_RESULTS=FILE, append one JSON line per test for `python -m eval.reliability`:
    outcome, duration, the test's docstring and the figures it recorded with `record_property`."""
    outcome = yield
    path = os.environ.get(RESULTS_ENV)
    if not path:
        return
    report = outcome.get_result()
    record = _pending.setdefault(item.nodeid, {"nodeid": item.nodeid, "outcome": "passed", "duration_s": 0.0})
    if report.when == "call":
        record["duration_s"] = round(report.duration, 3)
    if report.failed:
        record["outcome"] = "failed" if report.when == "call" else "error"
    elif report.skipped:
        record["outcome"] = "skipped"
        record["skip_reason"] = str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else ""
    if report.when == "teardown":
        doc = (getattr(getattr(item, "function", None), "__doc__", None) or "").strip()
        record["doc"] = " ".join(doc.split("\n\n")[0].split()) if doc else ""
        record["properties"] = {k: v for k, v in item.user_properties}
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(_pending.pop(item.nodeid), ensure_ascii=False, default=str) + "\n")
