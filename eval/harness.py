"""Run the evaluation: retrieval for every system, answers for the product, optional pre-check cases.

Latencies are warm: each system (and the answerer) handles one untimed warm-up question first. The
per-question `latency_ms` of the JSON results is the answer latency when answers ran, else the hybrid
search latency. Metric definitions live in `eval.metrics`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.service import PolicyAssistant
from eval.dataset import Question
from eval.metrics import (
    AnswerScore,
    Retrieved,
    score_answer,
    score_retrieval,
    summarize_answers,
    summarize_latency,
    summarize_retrieval,
)
from eval.prechecks import run_precheck_cases
from eval.systems import RetrievalSystem, history_turns, make_system
from retrieval.articles import held_articles
from retrieval.currency import shipped_known_documents
from retrieval.models import Corpus

TOP_K = 10
PRODUCT = "hybrid"
Progress = Callable[[str], None]


@dataclass(frozen=True)
class RetrievalRecord:
    """One question's ranked passages from one system."""

    question: Question
    retrieved: tuple[Retrieved, ...]
    latency_ms: float


@dataclass(frozen=True)
class AnswerRecord:
    """One question's answer from the product, with its score."""

    question: Question
    text: str
    refused: bool
    citations: tuple[dict[str, str], ...]  # clause_id, doc_id, label, quote
    latency_ms: float
    score: AnswerScore


@dataclass
class EvalRun:
    """Everything one harness run measured."""

    questions: list[Question]
    retrieval: dict[str, list[RetrievalRecord]]
    answers: list[AnswerRecord] | None = None
    prechecks: dict[str, Any] | None = None


def _quiet(_: str) -> None:
    pass


def run_retrieval(system: RetrievalSystem, questions: Sequence[Question], k: int = TOP_K,
                  ) -> list[RetrievalRecord]:
    """Warm the system up on the first question, then time and record every question."""
    system.retrieve(questions[0], k)
    records = []
    for question in questions:
        started = time.perf_counter()
        retrieved = system.retrieve(question, k)
        elapsed = (time.perf_counter() - started) * 1000
        records.append(RetrievalRecord(question, tuple(retrieved[:k]), elapsed))
    return records


def metadata_sources(corpus: Corpus, doc_ids: set[str]) -> list[str]:
    """The metadata and structure of the documents (their article count and last article) and of the registry
    entries related to them (a reported revision): the numbers an answer may state from document metadata
    rather than from a quote."""
    known = shipped_known_documents()
    docs = [corpus.documents[d] for d in sorted(doc_ids) if d in corpus.documents]
    entries = {e.id: e for d in docs for e in known.related(d.doc_id)}
    structure = [f"{len(articles)} {articles[-1][0]}" for d in docs
                 if (articles := held_articles(corpus.doc_clauses(d.doc_id)))]
    # How far a partial copy reaches ("所存副本只收录至1.(2)"): its last held clause's label.
    structure += [clauses[-1].label for d in docs if d.is_partial and (clauses := corpus.doc_clauses(d.doc_id))]
    return [" ".join(str(v) for v in (d.title, d.doc_number, d.published, d.effective_from, d.effective_to,
                                                 d.official_url) if v)
            for d in docs] + structure + [" ".join(str(v) for v in (e.title, e.doc_number, e.published,
                                                                  e.effective_from, e.effective_to, e.url) if v)
                                          for e in entries.values()]


def named_documents(corpus: Corpus, text: str) -> set[str]:
    """The held documents a text names by title (《…》): a refusal cites nothing but may state, say, how many
    articles the document it names has."""
    return {d.doc_id for d in corpus.documents.values()
            if f"《{d.short_title}》" in text or f"《{d.title}》" in text}


def answer_record(question: Question, answer: Any, latency_ms: float, corpus: Corpus) -> AnswerRecord:
    """Score an `assistant.models.Answer` (cited clauses resolved to their full text in `corpus`)."""
    cited = []
    for citation in answer.citations:
        clause = corpus.clause(citation.clause_id)
        cited.append(Retrieved(citation.clause_id, citation.doc_id, clause.text if clause else ""))
    # A number inside a citation's own name (《…（2023—2024年）》, 表1/4) names the source; it is no claim.
    sources = [f"{c.display} {c.quote}" for c in answer.citations]
    sources += [json.dumps(p, ensure_ascii=False) for p in answer.prechecks]
    sources += metadata_sources(corpus, {c.doc_id for c in answer.citations} | named_documents(corpus, answer.text))
    sources += [question.question] + [t.content for t in question.history if t.role == "user"]
    return AnswerRecord(
        question=question,
        text=answer.text,
        refused=bool(answer.refused),
        citations=tuple({"clause_id": c.clause_id, "doc_id": c.doc_id, "label": c.label, "quote": c.quote}
                        for c in answer.citations),
        latency_ms=latency_ms,
        score=score_answer(question, answer.text, bool(answer.refused), cited, sources,
                           answer.calculations),
    )


def run_answers(assistant: PolicyAssistant, questions: Sequence[Question]) -> list[AnswerRecord]:
    """Warm the answerer up on the first question, then time and score every answer."""
    first = questions[0]
    assistant.answer(first.question, history_turns(first))
    records = []
    for question in questions:
        started = time.perf_counter()
        try:
            answer = assistant.answer(question.question, history_turns(question))
        except Exception as exc:
            raise RuntimeError(f"answering {question.id} failed: {type(exc).__name__}: {exc}") from exc
        elapsed = (time.perf_counter() - started) * 1000
        records.append(answer_record(question, answer, elapsed, assistant.corpus))
    return records




def evaluate(assistant: PolicyAssistant, questions: Sequence[Question], systems: Sequence[str],
             *, answers: bool = True, precheck_path: Path | None = None,
             progress: Progress = _quiet) -> EvalRun:
    """Run every named system (the product, `hybrid`, always), answers and pre-checks."""
    names = [PRODUCT] + [s for s in systems if s != PRODUCT]
    run = EvalRun(questions=list(questions), retrieval={})
    with ExitStack() as stack:
        for name in names:
            progress(f"[{name}] preparing")
            system = make_system(name, assistant)
            if hasattr(system, "close"):
                stack.callback(system.close)
            progress(f"[{name}] retrieving {len(questions)} questions")
            run.retrieval[name] = run_retrieval(system, questions)
    if answers:
        progress(f"[answers] answering {len(questions)} questions")
        run.answers = run_answers(assistant, questions)
    if precheck_path is not None:
        progress("[prechecks] running cases")
        run.prechecks = run_precheck_cases(precheck_path, assistant.rules, assistant.corpus)
    return run


def _kinds(questions: Sequence[Question]) -> list[str]:
    return list(dict.fromkeys(q.kind for q in questions))


def retrieval_block(records: Sequence[RetrievalRecord]) -> dict[str, Any]:
    """Retrieval metrics and search latency of a set of records."""
    scores = [score_retrieval(r.retrieved, r.question.evidence) for r in records if r.question.answerable]
    return {"questions": len(records), **summarize_retrieval(scores),
            **summarize_latency([r.latency_ms for r in records], "search")}


def answer_block(records: Sequence[AnswerRecord]) -> dict[str, Any]:
    """Answer metrics and answer latency of a set of answer records."""
    return {**summarize_answers([r.score for r in records]),
            **summarize_latency([r.latency_ms for r in records], "answer")}


def system_metrics(records: Sequence[RetrievalRecord]) -> dict[str, Any]:
    """{"overall": …, "by_kind": {kind: …}} retrieval metrics of one system."""
    kinds = _kinds([r.question for r in records])
    return {"overall": retrieval_block(records),
            "by_kind": {k: retrieval_block([r for r in records if r.question.kind == k]) for k in kinds}}


def product_block(retrieval: Sequence[RetrievalRecord], answers: Sequence[AnswerRecord] | None,
                  ) -> dict[str, Any]:
    """The product's metrics for one set of questions: retrieval, plus answers when they ran."""
    block = retrieval_block(retrieval)
    if answers is not None:
        block.update(answer_block(answers))
    return block


def metrics(run: EvalRun) -> dict[str, Any]:
    """The `metrics` object of the JSON output."""
    hybrid = run.retrieval[PRODUCT]
    kinds = _kinds(run.questions)

    def of_kind(records, kind):
        return None if records is None else [r for r in records if r.question.kind == kind]

    overall = product_block(hybrid, run.answers)
    if run.answers is not None:
        overall["ungrounded_numbers"] = {r.question.id: list(r.score.ungrounded)
                                         for r in run.answers if r.score.ungrounded}
    out: dict[str, Any] = {
        "overall": overall,
        "by_kind": {k: product_block(of_kind(hybrid, k), of_kind(run.answers, k)) for k in kinds},
        "systems": {name: system_metrics(records) for name, records in run.retrieval.items()},
    }
    if run.prechecks is not None:
        out["prechecks"] = {**run.prechecks.get("metrics", {}),
                            "mismatches": list(run.prechecks.get("mismatches", []))}
    return out


def results(run: EvalRun) -> list[dict[str, Any]]:
    """The `results` array of the JSON output: one entry per question, in file order."""
    answers = {r.question.id: r for r in run.answers} if run.answers is not None else {}
    out = []
    for record in run.retrieval[PRODUCT]:
        answer = answers.get(record.question.id)
        out.append({
            "id": record.question.id,
            "retrieved": [{"clause_id": p.clause_id, "doc_id": p.doc_id, "text": p.text}
                          for p in record.retrieved],
            "answer": answer.text if answer else None,
            "refused": answer.refused if answer else None,
            "citations": [dict(c) for c in answer.citations] if answer else [],
            "latency_ms": round(answer.latency_ms if answer else record.latency_ms, 1),
        })
    return out


def to_json(run: EvalRun) -> dict[str, Any]:
    """The harness output of shared/eval/README.md."""
    return {"metrics": metrics(run), "results": results(run),
            "prechecks": list(run.prechecks.get("results", [])) if run.prechecks else []}
