"""What the assistant returns to every front end (CLI, web app, HTTP API, eval)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from retrieval.models import Citation

Role = Literal["user", "assistant"]
Intent = Literal["policy", "self_assessment", "mixed", "greeting", "out_of_scope"]


@dataclass(frozen=True)
class Turn:
    """One earlier message of the conversation."""

    role: Role
    content: str


@dataclass(frozen=True)
class Answer:
    """An answer: text with numbered markers [1], [2] … mapping to `citations` in order."""

    text: str
    citations: list[Citation]
    prechecks: list[dict[str, Any]] = field(default_factory=list)  # precheck JSON, one per item
    refused: bool = False
    intent: Intent = "policy"
    backend: str = "extractive"
    # Formulas of figures computed from cited clauses (table arithmetic, pre-checks) and statements of the
    # cited documents' metadata (currency caveats): grounded text.
    calculations: list[str] = field(default_factory=list)
    # What the reader must keep in mind (draft, partial copy, budget control, review by the bureau): closing the
    # text as a list, and kept apart so that a generated answer ends with the same deterministic list.
    caveats: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON shape of `ask --json` and `POST /api/ask` (DESIGN.md)."""
        return {
            "answer": self.text,
            "citations": [c.to_dict() for c in self.citations],
            "prechecks": self.prechecks,
            "refused": self.refused,
            "intent": self.intent,
            "backend": self.backend,
            "calculations": self.calculations,
        }
