"""The build follower: a build published by one replica through the store is loaded by the others.

The loading itself is the app's own `AppState.load` (tested with real indexes in tests/reliability and
end to end in test_replicas.py); here each replica's loader just records which build it would open.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from assistant.settings import Settings
from storage import open_database
from ui.feedback import FeedbackStore
from ui.replicas import BuildFollower, publish_build, served_build
from ui.state import AppState


class SharedIndexDir:
    """Stands for `index/current` in the shared data directory."""

    def __init__(self) -> None:
        self.current = "build-1"

    def loader(self, _settings: Settings):
        index = SimpleNamespace(path=Path("/shared/index/builds") / self.current)
        return SimpleNamespace(retriever=SimpleNamespace(index=index))


def _replica(tmp_path: Path, shared: SharedIndexDir) -> AppState:
    store = FeedbackStore(open_database("", tmp_path))  # one database file: the replicas' shared store
    state = AppState(settings=Settings(data_dir=tmp_path), feedback=store, api_limiter=None,  # type: ignore[arg-type]
                     web_limiter=None, factory=shared.loader)  # type: ignore[arg-type]
    state.load()
    return state


def test_a_published_build_is_loaded_once_by_the_other_replicas(tmp_path: Path) -> None:
    shared = SharedIndexDir()
    builder, other = _replica(tmp_path, shared), _replica(tmp_path, shared)
    builder_follows, other_follows = BuildFollower(builder), BuildFollower(other)
    assert not other_follows.check_once()  # nothing published yet: a (re)started replica does not reload

    shared.current = "build-2"  # the builder re-indexed and swapped `current`
    builder.load()
    publish_build(builder)
    assert not builder_follows.check_once(), "the publisher already serves its build"
    assert served_build(other) == "build-1"
    assert other_follows.check_once() and served_build(other) == "build-2"
    assert not other_follows.check_once() and other_follows.reloads == 1

    # A replica started after the publish reads the current build at start and never reloads for it.
    late = _replica(tmp_path, shared)
    assert not BuildFollower(late).check_once()


def test_a_replica_reindexing_itself_is_not_interrupted(tmp_path: Path) -> None:
    shared = SharedIndexDir()
    builder, other = _replica(tmp_path, shared), _replica(tmp_path, shared)
    follower = BuildFollower(other)
    shared.current = "build-2"
    builder.load()
    publish_build(builder)
    with other.reindex_lock:
        assert not follower.check_once()
    assert follower.check_once() and served_build(other) == "build-2"
