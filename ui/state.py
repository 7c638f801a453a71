"""The state one app instance shares between the API and the web pages, built in `create_app`."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

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
        """Build the assistant; on failure remember why and keep serving what was loaded before.

        At start-up nothing was loaded (healthz 503); after a re-index whose build cannot be loaded the
        previous assistant, over the previous complete build, keeps answering.
        """
        try:
            self.assistant = self.factory(self.settings)
            self.load_error = None
        except Exception as exc:  # noqa: BLE001 - any failure leaves the app up
            log.exception("failed to load the policy assistant")
            self.load_error = f"{type(exc).__name__}: {exc}"

    def health(self) -> tuple[bool, dict[str, Any]]:
        """(ready, details): ready when the index answers and the embedding model is loaded and fits it.

        Probed on every call, cheaply: the vector store still answers with the build's chunk count and
        the model has the index's dimension, so a damaged store or a swapped model reads as not ready.
        """
        current = self.assistant
        if current is None:
            return False, {"status": "unavailable", "reason": self.load_error or NOT_READY_MESSAGE}
        retriever = current.retriever
        embedder = getattr(retriever, "embedder", None)
        index = getattr(retriever, "index", None)
        manifest = getattr(index, "manifest", None)
        if embedder is None or index is None or manifest is None:
            return False, {"status": "unavailable", "reason": NOT_READY_MESSAGE}
        if getattr(embedder, "dim", manifest.dim) != manifest.dim:
            return False, {"status": "unavailable", "reason": "向量模型与索引不一致（维度不同），请重建索引"}
        try:
            chunks = index.collection.count()
        except Exception as exc:  # noqa: BLE001 - any failure of the store means not ready
            log.warning("index probe failed: %s", type(exc).__name__, extra={"error_class": type(exc).__name__})
            return False, {"status": "unavailable", "reason": "检索索引无法读取，请重建索引或重启服务"}
        if chunks != manifest.chunks:
            return False, {"status": "unavailable", "reason": "检索索引不完整，请重建索引"}
        details: dict[str, Any] = {
            "status": "ok",
            "documents": len(current.corpus.documents),
            "clauses": len(current.corpus.clauses),
            "embedder": manifest.embedder,
        }
        stale = getattr(index, "stale_reason", None)
        if stale:
            details["warning"] = f"语料有误，仍在使用原索引：{stale}"
        return True, details
