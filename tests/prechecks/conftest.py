"""Shared fixtures: the real corpus and rules are loaded once per test session.

Test modules use these fixtures and never import this file, so they work in any pytest import mode.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

from prechecks.profile import EnterpriseProfile, parse_profile
from prechecks.rules import RULES_DIR, RuleSet, load_rules
from retrieval.corpus import load_corpus
from retrieval.models import Corpus

ROOT = Path(__file__).resolve().parents[2]
CORPUS_DIR = ROOT / "corpus" / "policies"

# A Longgang enterprise that meets every general condition; tests override single fields.
LONGGANG_ENTERPRISE: MappingProxyType[str, Any] = MappingProxyType({
    "org_type": "enterprise",
    "registered_in_longgang": True,
    "independent_legal_person": True,
    "tax_in_longgang": True,
    "stats_in_longgang": True,
    "is_startup": False,
})


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    return load_corpus(CORPUS_DIR)


@pytest.fixture(scope="session")
def rules() -> RuleSet:
    return load_rules()


@pytest.fixture
def make_profile() -> Callable[..., EnterpriseProfile]:
    """Build a profile from the Longgang enterprise baseline; pass None to drop a field."""

    def build(**overrides: Any) -> EnterpriseProfile:
        data = {**LONGGANG_ENTERPRISE, **overrides}
        return parse_profile({k: v for k, v in data.items() if v is not None})

    return build


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    """A writable copy of the packaged rule files."""
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target)
    return target
