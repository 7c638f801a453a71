"""X-Forwarded-For is believed only from trusted proxies; the client is the rightmost untrusted address.

Per-client rate limits therefore see real clients behind nginx, and a client cannot dodge its limit by
writing the header itself (directly, or by prepending to what the proxy appends).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from assistant.settings import Settings
from ui.app import create_app
from ui.middleware import TrustedProxies

PROXY = "10.1.2.3"


def test_the_client_is_the_rightmost_untrusted_hop() -> None:
    proxies = TrustedProxies("10.0.0.0/8, 127.0.0.1, ::1")
    assert proxies.client("10.1.2.3", ["203.0.113.9"]) == "203.0.113.9"
    # The client forged a first hop; the proxy appended the real one.
    assert proxies.client("10.1.2.3", ["1.1.1.1, 203.0.113.9"]) == "203.0.113.9"
    # Two proxies in a row (both trusted), header split over two lines, a port and IPv6 brackets.
    assert proxies.client("127.0.0.1", ["198.51.100.7:51234", "10.9.9.9"]) == "198.51.100.7"
    assert proxies.client("::1", ["[2001:db8::5]:443"]) == "2001:db8::5"
    # An untrusted peer's header is ignored.
    assert proxies.client("192.0.2.50", ["203.0.113.9"]) == "192.0.2.50"
    # All hops trusted: the leftmost; garbage stops the walk at the last trusted address.
    assert proxies.client("10.1.2.3", ["10.0.0.7"]) == "10.0.0.7"
    assert proxies.client("10.1.2.3", ["203.0.113.9, not-an-ip"]) == "10.1.2.3"
    assert proxies.client("10.1.2.3", []) == "10.1.2.3"
    assert not TrustedProxies("") and TrustedProxies("").client("10.1.2.3", ["203.0.113.9"]) == "10.1.2.3"


def test_a_mistyped_setting_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"PA_TRUSTED_PROXIES.*10\.0\.0\.300"):
        TrustedProxies("10.0.0.0/8, 10.0.0.300")


def _statuses(app, peer: str, forwarded: list[str | None]) -> list[int]:
    async def run() -> list[int]:
        transport = httpx.ASGITransport(app=app, client=(peer, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://pa.test") as client:
            out = []
            for value in forwarded:
                headers = {"X-Forwarded-For": value} if value else {}
                out.append((await client.get("/api/search", params={"q": ""}, headers=headers)).status_code)
            return out
    return asyncio.run(run())


def _app(tmp_path: Path, trusted: str):
    empty = tmp_path / "corpus"
    empty.mkdir(exist_ok=True)
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=empty, rate_limit_per_minute=2,
                        trusted_proxies=trusted, llm_base_url="")
    return create_app(settings, web=False)


def test_rate_limit_counts_real_clients_behind_a_trusted_proxy(tmp_path: Path) -> None:
    app = _app(tmp_path, "10.0.0.0/8")
    # Three clients behind the proxy: each has its own budget of 2 requests a minute.
    assert 429 not in _statuses(app, PROXY, ["203.0.113.1", "203.0.113.2", "203.0.113.3",
                                             "203.0.113.1", "203.0.113.2", "203.0.113.3"])
    # One client forging a different first hop each time is still one client.
    forged = _statuses(app, PROXY, ["198.51.100.1, 203.0.113.4", "198.51.100.2, 203.0.113.4",
                                    "198.51.100.3, 203.0.113.4"])
    assert forged[-1] == 429


def test_metrics_still_name_the_route_behind_a_proxy(tmp_path: Path) -> None:
    """The rewritten client must not hide the route template from the access log and /metrics."""
    app = _app(tmp_path, "10.0.0.0/8")
    _statuses(app, PROXY, ["203.0.113.1"])
    assert 'route="/api/search"' in app.state.metrics.render().decode()


def test_headers_from_an_untrusted_peer_change_nothing(tmp_path: Path) -> None:
    app = _app(tmp_path, "")
    statuses = _statuses(app, "192.0.2.50", ["203.0.113.1", "203.0.113.2", "203.0.113.3"])
    assert statuses[-1] == 429, "a client must not escape its limit by writing X-Forwarded-For"
