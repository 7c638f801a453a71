"""The state one app instance shares between the API and the web pages, built in `create_app`."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any, Callable

from assistant.service import PolicyAssistant
from assistant.settings import Settings

from ui.errors import ApiError
from ui.feedback import FeedbackStore
from ui.ratelimit import TokenBucketLimiter

log = logging.getLogger(__name__)

NOT_READY_MESSAGE = "检索索引尚未就绪，请稍后再试或联系管理员重建索引"


@dataclass
class AppState:
    """Holds the one `PolicyAssistant` (swapped after a re-index) and the app's stores."""

    settings: Settings
    feedback: FeedbackStore
    api_limiter: TokenBucketLimiter
    web_limiter: TokenBucketLimiter
    assistant: PolicyAssistant | None = None
    load_error: str | None = None
    factory: Callable[[Settings], PolicyAssistant] = PolicyAssistant.from_settings
    reindex_lock: threading.Lock = field(default_factory=threading.Lock)

    def require(self) -> PolicyAssistant:
        """The loaded assistant, or a 503 `ApiError` when the index is not ready."""
        current = self.assistant
        if current is None:
            raise ApiError(503, "index_not_ready", NOT_READY_MESSAGE)
        return current

    def load(self) -> None:
        """Build the assistant; on failure keep serving (healthz 503) and remember why."""
        try:
            self.assistant = self.factory(self.settings)
            self.load_error = None
        except Exception as exc:  # noqa: BLE001 - any failure leaves the app up but not ready
            log.exception("failed to load the policy assistant")
            self.assistant = None
            self.load_error = f"{type(exc).__name__}: {exc}"

    def health(self) -> tuple[bool, dict[str, Any]]:
        """(ready, details): ready when the index and the embedding model are loaded."""
        current = self.assistant
        if current is None:
            return False, {"status": "unavailable", "reason": self.load_error or NOT_READY_MESSAGE}
        retriever = current.retriever
        embedder = getattr(retriever, "embedder", None)
        index = getattr(retriever, "index", None)
        if embedder is None or index is None:
            return False, {"status": "unavailable", "reason": NOT_READY_MESSAGE}
        manifest = getattr(index, "manifest", None)
        return True, {
            "status": "ok",
            "documents": len(current.corpus.documents),
            "clauses": len(current.corpus.clauses),
            "embedder": getattr(manifest, "embedder", type(embedder).__name__),
        }
