"""A temporary PostgreSQL cluster for the whole session (skipped with the reason when it cannot run)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pg_cluster import TempCluster, missing_reason


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[TempCluster]:
    reason = missing_reason()
    if reason:
        pytest.skip(reason)
    cluster = TempCluster().start()
    try:
        yield cluster
    finally:
        cluster.stop()
