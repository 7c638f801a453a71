"""Constants the UI tests share (the servers they run are in tests/servers.py)."""

from __future__ import annotations

from assistant.settings import PROJECT_ROOT

ADMIN_TOKEN = "test-admin-token-0123456789"
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
