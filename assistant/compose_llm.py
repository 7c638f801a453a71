"""Answer composition with the LLM backend, guarded by `assistant.guard`, falling back to extractive.

The caller supplies the retrieved citations, the pre-check texts (formulas and reasons, which ground
computed figures) and a `fallback` that builds the extractive answer; the fallback is only called when
it is needed. Fields this module cannot know (prechecks, intent, rewritten query) are for the caller to
set on the returned `Answer` with `dataclasses.replace`.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Generator, Sequence

from langchain_core.tools import BaseTool

from assistant.claims import shift_markers
from assistant.guard import GroundingResult, StreamingGuard, ground
from assistant.llm import GenerationBackend, LLMUnavailable, ToolResult
from assistant.models import Answer, Turn
from retrieval.models import Citation

logger = logging.getLogger(__name__)

LLM_BACKEND = "openai"
FALLBACK_BACKEND = "extractive-fallback"
# A streamed answer that had already shown grounded sentences when it failed, then the extractive one.
PARTIAL_FALLBACK_BACKEND = "openai+extractive-fallback"
FALLBACK_NOTE = "\n\n（以下为根据条文原文整理的补充回答）\n"


def _log_removals(result: GroundingResult) -> None:
    for removed in result.removed:
        logger.info("grounding guard removed %r: %s", removed.text, "；".join(removed.reasons))


def _fall_back(fallback: Callable[[], Answer], why: str) -> Answer:
    logger.warning("LLM answer not used (%s); answering extractively", why)
    return dataclasses.replace(fallback(), backend=FALLBACK_BACKEND)


def answer_with_llm(
    question: str,
    history: Sequence[Turn],
    citations: Sequence[Citation],
    precheck_texts: Sequence[str],
    backend: GenerationBackend,
    fallback: Callable[[], Answer],
    tools: Sequence[BaseTool] | None = None,
) -> Answer:
    """Answer with the LLM, keeping only grounded sentences; otherwise the extractive `fallback()`.

    Falls back (``backend="extractive-fallback"``) when the backend raises `LLMUnavailable` or the
    guard reports lost substance. Tool results the model obtained count as grounded texts.
    """
    try:
        reply = backend.generate(question, list(history), list(citations), list(tools) if tools else None)
    except LLMUnavailable as exc:
        return _fall_back(fallback, str(exc))
    result = ground(reply.text, citations, [*precheck_texts, *reply.grounded_texts])
    _log_removals(result)
    if result.lost_substance:
        return _fall_back(fallback, f"{len(result.removed)} of {result.total_sentences} sentences ungrounded")
    return Answer(text=result.text, citations=result.citations, backend=LLM_BACKEND)


def stream_answer_with_llm(
    question: str,
    history: Sequence[Turn],
    citations: Sequence[Citation],
    precheck_texts: Sequence[str],
    backend: GenerationBackend,
    fallback: Callable[[], Answer],
    tools: Sequence[BaseTool] | None = None,
) -> Generator[str, None, Answer]:
    """Stream a guarded LLM answer as text chunks; the generator's return value is the final `Answer`.

    The guard needs whole sentences, so chunks are whole sentences that passed it (a sentence without
    markers may wait for a later marker that grounds it), never raw tokens; markers in the chunks are
    already renumbered. What is shown equals what `answer_with_llm` would keep from the same reply.
    When the backend fails or the answer loses its substance:
    - nothing shown yet: the fallback's text is yielded, and the fallback `Answer` returned with
      ``backend="extractive-fallback"``;
    - some sentences already shown (they cannot be taken back, but they passed the guard): a note and
      the fallback's text (markers shifted after the shown ones) are appended, and the returned
      `Answer` combines both with ``backend="openai+extractive-fallback"``.
    The concatenated chunks always equal the returned `Answer.text`. Read the return value with
    ``answer = yield from stream_answer_with_llm(...)`` or from ``StopIteration.value``.
    """
    guard = StreamingGuard(citations, precheck_texts)
    shown: list[str] = []
    failure: str | None = None
    try:
        events = backend.stream_events(question, list(history), list(citations), list(tools) if tools else None)
        for event in events:
            if isinstance(event, ToolResult):
                if event.ok:
                    guard.add_grounded_text(event.content)
                continue
            text = guard.feed(event)
            if text:
                shown.append(text)
                yield text
        text = guard.finish()
        if text:
            shown.append(text)
            yield text
        result = guard.result
        _log_removals(result)
        if result.lost_substance:
            failure = f"{len(result.removed)} of {result.total_sentences} sentences ungrounded"
        else:
            return Answer(text=result.text, citations=result.citations, backend=LLM_BACKEND)
    except LLMUnavailable as exc:
        failure = str(exc)

    if not shown:
        answer = _fall_back(fallback, failure)
        yield answer.text
        return answer
    logger.warning("streamed LLM answer incomplete (%s); appending the extractive answer", failure)
    extractive = fallback()
    used = guard.citations_so_far
    appended = FALLBACK_NOTE + shift_markers(extractive.text, len(used))
    yield appended
    return dataclasses.replace(
        extractive,
        text="".join(shown) + appended,
        citations=[*used, *extractive.citations],
        backend=PARTIAL_FALLBACK_BACKEND,
    )
