"""What the answering stages read: the loaded index, the pre-check rules and the optional model.

The stages take this, never the `PolicyAssistant` facade, so that nothing below the facade imports it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from langchain_core.tools import BaseTool

from assistant.llm import GenerationBackend
from prechecks.rules import RuleSet
from retrieval.models import Corpus
from retrieval.search import Retriever


@dataclass(frozen=True)
class Resources:
    """The loaded parts an answer is computed from."""

    retriever: Retriever
    rules: RuleSet
    llm: GenerationBackend | None = None  # None: extractive answers only
    precheck_tools: list[BaseTool] = field(default_factory=list)  # bound to the LLM

    @property
    def corpus(self) -> Corpus:
        return self.retriever.corpus
