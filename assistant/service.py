"""`PolicyAssistant`: the one facade the CLI, the web app, the HTTP API and the eval harness call.

Wiring only: it loads the parts (`Resources`) and hands each message to `assistant.pipeline`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from langchain_core.tools import BaseTool

from assistant import pipeline
from assistant.llm import GenerationBackend, backend_from_settings
from assistant.models import Answer, Turn
from assistant.precheck_service import run_precheck
from assistant.resources import Resources
from assistant.runtime import load_retriever
from assistant.settings import Settings
from prechecks.rules import RuleSet, load_rules
from prechecks.tools import make_precheck_tools
from retrieval.models import Clause, Corpus, DocumentMeta, Hit
from retrieval.search import Retriever, SearchFilters


@dataclass
class PolicyAssistant:
    """Answers questions, searches clauses and runs pre-checks over one loaded index."""

    settings: Settings
    retriever: Retriever
    rules: RuleSet
    llm: GenerationBackend | None = None  # None: extractive answers only
    precheck_tools: list[BaseTool] = field(default_factory=list)  # bound to the LLM

    @classmethod
    def from_settings(cls, settings: Settings, *, build_if_needed: bool = True) -> PolicyAssistant:
        """Load (and if needed build) the index, the pre-check rules and everything else needed."""
        retriever = load_retriever(settings, build_if_needed=build_if_needed)
        rules = load_rules()
        llm = backend_from_settings(settings)
        tools = make_precheck_tools(rules, retriever.corpus) if llm is not None else []
        return cls(settings=settings, retriever=retriever, rules=rules, llm=llm, precheck_tools=tools)

    @property
    def corpus(self) -> Corpus:
        return self.retriever.corpus

    @property
    def resources(self) -> Resources:
        """What the answering stages read (built per call: tests and the app may swap `llm`)."""
        return Resources(self.retriever, self.rules, self.llm, self.precheck_tools)

    def search(self, query: str, k: int = 5, filters: SearchFilters | None = None) -> list[Hit]:
        """Ranked clauses for a query (raises `retrieval.search.QueryError` on unusable input)."""
        return self.retriever.search(query, k=k, filters=filters)

    def retrieve(self, question: str, history: list[Turn] | tuple[Turn, ...] = (), k: int = 10,
                 ) -> list[Hit]:
        """The clauses the assistant answers from, best first (`assistant.pipeline.ranked_evidence`): the ones
        its answer cites, then the rest of what it retrieved."""
        return pipeline.ranked_evidence(self.resources, question, history, k)

    def answer(self, question: str, history: list[Turn] | tuple[Turn, ...] = ()) -> Answer:
        """Answer a question with citations (extractive, or through the LLM when configured)."""
        return pipeline.answer(self.resources, question, history)

    def stream_answer(self, question: str, history: list[Turn] | tuple[Turn, ...] = (),
                      ) -> Iterator[str | Answer]:
        """Text pieces of the answer as they are ready, then the final `Answer` object last."""
        return pipeline.stream_answer(self.resources, question, history)

    def precheck(self, profile: Any) -> list[dict[str, Any]]:
        """Pre-check results (JSON dicts) for a profile dict or `EnterpriseProfile`.

        Raises `prechecks.profile.ProfileError` (Chinese message naming the field) on bad input.
        """
        return run_precheck(self.rules, self.corpus, profile)

    def documents(self) -> list[DocumentMeta]:
        """Every held document, in corpus order."""
        return list(self.corpus.documents.values())

    def clause(self, clause_id: str) -> Clause | None:
        """One clause by id, or None."""
        return self.corpus.clause(clause_id)
