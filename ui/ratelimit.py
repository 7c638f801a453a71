"""Per-client rate limiting: an in-memory token bucket per client address."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Bucket:
    tokens: float
    updated: float


class TokenBucketLimiter:
    """Allows `per_minute` requests per client per minute on average, with bursts up to `burst`.

    Buckets live in the memory of one process, and a restart forgetting recent traffic is harmless. With
    several workers or replicas each keeps its own buckets, so a client may get up to N times the limit:
    the deployment's shared limit is the reverse proxy's job (nginx ``limit_req`` keeps one counter per
    client in shared memory for every replica behind it, see deploy/nginx.conf), which keeps a database
    round trip off every request. The client is the address `ClientAddressMiddleware` established.
    Idle buckets are dropped so that many distinct clients cannot grow memory without bound.
    """

    def __init__(self, per_minute: int, burst: int | None = None,
                 clock: Callable[[], float] = time.monotonic, max_clients: int = 10_000) -> None:
        self.per_minute = int(per_minute)
        self.capacity = float(burst if burst is not None else max(1, self.per_minute))
        self.rate = self.per_minute / 60.0  # tokens per second
        self._clock = clock
        self._max_clients = max_clients
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        """A limit of 0 (or less) turns limiting off, e.g. for load tests on loopback."""
        return self.per_minute > 0

    def check(self, client: str) -> float:
        """Take one token for `client`; 0.0 when allowed, else seconds until the next token."""
        if not self.enabled:
            return 0.0
        now = self._clock()
        with self._lock:
            bucket = self._buckets.get(client)
            if bucket is None:
                if len(self._buckets) >= self._max_clients:
                    self._prune(now)
                bucket = self._buckets[client] = _Bucket(tokens=self.capacity, updated=now)
            else:
                bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.updated) * self.rate)
                bucket.updated = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            return (1.0 - bucket.tokens) / self.rate

    def _prune(self, now: float) -> None:
        # A bucket that has refilled completely carries no information: forget it.
        full_after = self.capacity / self.rate if self.rate else math.inf
        stale = [k for k, b in self._buckets.items() if now - b.updated >= full_after]
        for key in stale:
            del self._buckets[key]
        if len(self._buckets) >= self._max_clients:  # still full: drop the oldest half
            oldest = sorted(self._buckets, key=lambda k: self._buckets[k].updated)
            for key in oldest[: len(oldest) // 2]:
                del self._buckets[key]
