"""The composer protocol, and the plain data every composer reads.

A composer writes the answer from a `Context` (the understood query, the retrieved clauses, the pre-check
results and the support decision); it never parses the message, searches or decides support again.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal, Protocol

from assistant.evidence import Evidence
from assistant.models import Answer, Intent
from assistant.precheck_service import ChatPrecheck, EligibilityCheck
from assistant.support import Support
from assistant.understanding.query import Query
from retrieval.models import Hit

# What an extractive strategy says happens next: go on to the next strategy, the answer is complete, or
# a finished `Answer` that stands as it is (a refusal).
Step = Literal["next", "done"] | Answer
NEXT: Step = "next"
DONE: Step = "done"


@dataclass(frozen=True)
class Context:
    """What the stages before composition found for one message."""

    query: Query
    hits: list[Hit]
    support: Support
    intent: Intent
    checks: list[ChatPrecheck] = field(default_factory=list)  # amounts computed from stated facts
    eligibility: list[EligibilityCheck] = field(default_factory=list)  # whether one may apply at all
    compared: tuple[Evidence, ...] = ()  # one sentence of each document a comparison sets side by side


class Composer(Protocol):
    """Writes an answer; `stream` yields text pieces as they are ready, then the final `Answer`."""

    @property
    def name(self) -> str: ...

    def compose(self, context: Context) -> Answer: ...

    def stream(self, context: Context) -> Iterator[str | Answer]: ...
