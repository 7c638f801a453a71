"""Shared fixtures of the eval tests: the session's assistant and index, and the dev question file."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.service import PolicyAssistant
from assistant.settings import PROJECT_ROOT, Settings

DEV_QUESTIONS = PROJECT_ROOT / "eval" / "data" / "dev.jsonl"


@pytest.fixture(scope="session")
def eval_settings(built_settings: Settings) -> Settings:
    """The session's settings (data dir in a session temp dir, never the developer's data/)."""
    return built_settings


@pytest.fixture(scope="session")
def eval_assistant(policy_assistant: PolicyAssistant) -> PolicyAssistant:
    """The product over the real corpus, on the index the whole test session shares."""
    return policy_assistant


@pytest.fixture(scope="session")
def dev_questions_path() -> Path:
    """The development question file."""
    return DEV_QUESTIONS
