"""Index builds across replicas: a re-index on one replica is served by every replica within seconds.

The replica that built and loaded a new index records it in the shared store (`storage.KeyValue`, key
`index.build`: the build's name and when it was published). Every replica polls that key and, when it
changes, loads the build in service (`index/current` in the shared data directory) while its previous
assistant keeps answering; the swap is one assignment, so no query sees a half-loaded index.

Following starts from the value present when the replica starts (that replica has just opened the current
build), so restarts never reload; a reload that fails leaves the previous assistant answering and is not
retried until the next publish.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from storage import KeyValue, StorageError
from ui.state import AppState

log = logging.getLogger(__name__)

BUILD_KEY = "index.build"
FOLLOW_INTERVAL_S = 3.0


def served_build(state: AppState) -> str | None:
    """The name of the build the state's assistant serves (None when nothing is loaded)."""
    current = state.assistant
    index = getattr(getattr(current, "retriever", None), "index", None)
    path = getattr(index, "path", None)
    return path.name if path is not None else None


def publish_build(state: AppState) -> None:
    """Tell the other replicas that this replica now serves a new build (never raises)."""
    build = served_build(state)
    if build is None:
        return
    try:
        KeyValue(state.feedback.db).set(BUILD_KEY, {"build": build, "published_at": time.time()})
    except StorageError as exc:
        log.error("could not publish index build: %s: %s", type(exc).__name__, exc,
                  extra={"event": "index_publish_failure", "error_class": type(exc).__name__})


class BuildFollower:
    """Polls the published build and reloads the assistant when another replica publishes one."""

    def __init__(self, state: AppState, interval_s: float = FOLLOW_INTERVAL_S) -> None:
        self.state = state
        self.interval_s = interval_s
        self.store = KeyValue(state.feedback.db)
        self.reloads = 0
        self._seen: Any = self._read()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="pa-build-follower", daemon=True)

    def _read(self) -> Any:
        try:
            return self.store.get(BUILD_KEY)
        except StorageError as exc:
            log.warning("could not read the published index build: %s", type(exc).__name__,
                        extra={"event": "index_follow", "error_class": type(exc).__name__})
            return self._seen if hasattr(self, "_seen") else None

    def check_once(self) -> bool:
        """Reload if a new build was published since the last check; True when a reload happened."""
        published = self._read()
        if published is None or published == self._seen:
            return False
        if isinstance(published, dict) and published.get("build") == served_build(self.state):
            self._seen = published  # this replica published it (or already serves it)
            return False
        if not self.state.reindex_lock.acquire(blocking=False):
            return False  # this replica is re-indexing itself; look again next time
        try:
            self._seen = published
            self.state.load()
        finally:
            self.state.reindex_lock.release()
        self.reloads += 1
        log.info("loaded the index build published by another replica", extra={"event": "index_follow"})
        return True

    def _loop(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                self.check_once()
            except Exception:  # noqa: BLE001 - the follower must outlive any one failure
                log.exception("index build follower failed", extra={"event": "index_follow"})

    def start(self) -> BuildFollower:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
