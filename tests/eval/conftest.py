"""Shared fixtures of the eval tests: one assistant over an index built once per session in a temp dir."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.service import PolicyAssistant
from assistant.settings import PROJECT_ROOT, Settings

DEV_QUESTIONS = PROJECT_ROOT / "eval" / "data" / "dev.jsonl"


@pytest.fixture(scope="session")
def eval_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings whose data dir is a session temp dir, so tests never touch the developer's data/."""
    return Settings(data_dir=tmp_path_factory.mktemp("pa-eval-data"))


@pytest.fixture(scope="session")
def eval_assistant(eval_settings: Settings) -> PolicyAssistant:
    """The product over the real corpus, its index built once for the whole session."""
    return PolicyAssistant.from_settings(eval_settings)


@pytest.fixture(scope="session")
def dev_questions_path() -> Path:
    """The development question file."""
    return DEV_QUESTIONS
