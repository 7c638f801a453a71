"""The LLM composer: the generation model writes the answer from the same `Context`, guarded sentence by
sentence (`assistant.compose_llm`), and the extractive composer answers instead on error or timeout.

Refusals are never handed to a model: what it could add there is exactly what must not be invented. A
generated answer closes with the extractive answer's caveats (draft, partial copy, budget control, currency),
appended deterministically: what a reader must keep in mind is not left to the model to remember.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

from langchain_core.tools import BaseTool

from assistant.calibration import CALIBRATION as CAL
from assistant.compose_llm import LLM_BACKEND, answer_with_llm, stream_answer_with_llm
from assistant.composers.base import Composer, Context
from assistant.composers.draft import caveat_lines
from assistant.composers.extractive import line_by_line
from assistant.guard import grounded_texts
from assistant.llm import GenerationBackend
from assistant.models import Answer
from retrieval.models import Citation, DocumentMeta


@dataclass(frozen=True)
class LLMComposer:
    """Generates the answer; falls back to `fallback` (the guarded extractive composer)."""

    backend: GenerationBackend
    fallback: Composer
    tools: Sequence[BaseTool] = ()  # pre-check tools the model may call
    documents: Mapping[str, DocumentMeta] = field(default_factory=dict)  # held documents, for their metadata
    name: str = "llm"

    def _inputs(self, context: Context, extractive: Answer) -> tuple[list[Citation], list[str]] | None:
        """Clauses and grounded texts for the model, or None when the extractive answer must stand."""
        if extractive.refused:
            return None
        retrieved = [h.citation for h in context.hits[:CAL.llm_clauses]]
        citations = list({c.clause_id: c for c in [*extractive.citations, *retrieved]}.values())
        given = replace(extractive, citations=citations)  # the model may state any supplied document's metadata
        return citations, grounded_texts(given, self.documents)

    def _finish(self, result: Answer, extractive: Answer) -> Answer:
        text = result.text
        if result.backend == LLM_BACKEND:  # a fallback already ends with its caveats
            text = _closing(text, extractive.caveats)
        return replace(result, text=text, prechecks=extractive.prechecks, intent=extractive.intent,
                       calculations=extractive.calculations, caveats=extractive.caveats)

    def compose(self, context: Context) -> Answer:
        extractive = self.fallback.compose(context)  # deterministic: the model's figures and the fallback
        inputs = self._inputs(context, extractive)
        if inputs is None:
            return extractive
        citations, grounded = inputs
        query = context.query
        result = answer_with_llm(query.text, list(query.history), citations, grounded, self.backend,
                                 lambda: extractive, tools=self.tools)
        return self._finish(result, extractive)

    def stream(self, context: Context) -> Iterator[str | Answer]:
        """Sentence by sentence as each passes the grounding guard, then the `Answer`."""
        extractive = self.fallback.compose(context)
        inputs = self._inputs(context, extractive)
        if inputs is None:
            yield from line_by_line(extractive)
            return
        citations, grounded = inputs
        query = context.query
        result = yield from stream_answer_with_llm(query.text, list(query.history), citations, grounded,
                                                   self.backend, lambda: extractive,
                                                   tools=self.tools)
        finished = self._finish(result, extractive)
        if finished.text != result.text:
            yield finished.text[len(result.text):]
        yield finished


def _closing(text: str, caveats: list[str]) -> str:
    """The generated text, then the caveats as the extractive answer lists them (on lines of their own)."""
    lines = caveat_lines(caveats)
    if not lines:
        return text
    return text + ("" if text.endswith("\n") else "\n") + "\n".join(lines)  # the shown text stays a prefix
