"""Pure metric functions of the evaluation harness (definitions follow shared/eval/README.md).

Matching
    A retrieved passage *hits* an evidence item when its `doc_id` equals the item's and
    `compact(contains)` is a substring of `compact(text)` (`compact` = NFKC, all whitespace removed).

Retrieval (answerable questions only, i.e. evidence non-empty)
    hit@1     the top-ranked passage hits at least one evidence item.
    recall@k  every evidence item is hit by some passage within the top k (1 or 0 per question).
    MRR@10    1 / rank of the first passage (within the top 10) that hits any evidence item; 0 if none.
              With several evidence items this rewards finding the first of them, while recall@k
              measures covering all of them.

Answers
    key-fact accuracy     over answerable questions with `answer_must_include` groups: every group has
                          at least one string found in compact(answer).
    citation precision    over answerable questions showing >= 1 citation: cited clauses that hit an
                          evidence item / all cited clauses (micro average: every citation counts once).
    refusal accuracy      over unanswerable questions: refused AND cites nothing.
    false-refusal rate    over answerable questions: share refused.
    key fact first        over answered (not refused) numeric and factoid questions with `answer_must_include`
                          groups: some string of some group stands before the first quoted clause (the text
                          before the first “ or 「 or [1]); the answer leads with its conclusion.
    ungrounded numbers    numbers (digits, decimals, %) in an answer that appear in no cited quote, no
                          pre-check result and not in the user's own words (the question and the user's
                          earlier turns); counted as answers with at least one such number.

Latency: percentiles by linear interpolation, in milliseconds.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from eval.dataset import Evidence, Question
from retrieval.text import compact

MRR_DEPTH = 10
_MARKER = re.compile(r"\[\d+\]")  # citation markers [1], [2] in answer text
_QUOTE_START = re.compile(r"[“「]|\[1\]")  # where the first quoted clause (or its citation marker) begins
LEAD_KINDS: tuple[str, ...] = ("numeric", "factoid")  # kinds whose answers must lead with the fact
_NUMBER = re.compile(r"(?<![\d.])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?")


@dataclass(frozen=True)
class Retrieved:
    """A retrieved (or cited) passage: the clause (or chunk) id, its document and its text."""

    clause_id: str
    doc_id: str
    text: str


@dataclass(frozen=True)
class RetrievalScore:
    """Retrieval outcome of one answerable question."""

    hit_at_1: bool
    recall_at_5: bool
    recall_at_10: bool
    reciprocal_rank: float
    evidence_ranks: tuple[int | None, ...]  # per evidence item: 1-based rank of its first hit


@dataclass(frozen=True)
class AnswerScore:
    """Answer outcome of one question."""

    answerable: bool
    refused: bool
    citations: int
    citation_hits: int
    key_facts: bool | None  # None when the question lists no key facts
    ungrounded: tuple[str, ...]
    fact_first: bool | None = None  # None unless an answered numeric/factoid question with key facts


def hits(passage: Retrieved, evidence: Evidence) -> bool:
    """True when the passage belongs to the evidence's document and contains its text (normalised)."""
    return passage.doc_id == evidence.doc_id and compact(evidence.contains) in compact(passage.text)


def hits_any(passage: Retrieved, evidence: Sequence[Evidence]) -> bool:
    """True when the passage hits at least one evidence item."""
    return any(hits(passage, e) for e in evidence)


def evidence_ranks(retrieved: Sequence[Retrieved], evidence: Sequence[Evidence]) -> tuple[int | None, ...]:
    """For each evidence item, the 1-based rank of the first passage hitting it (None if none does)."""
    return tuple(next((rank for rank, p in enumerate(retrieved, start=1) if hits(p, e)), None)
                 for e in evidence)


def first_hit_rank(retrieved: Sequence[Retrieved], evidence: Sequence[Evidence]) -> int | None:
    """The 1-based rank of the first passage hitting any evidence item (None if none does)."""
    return next((rank for rank, p in enumerate(retrieved, start=1) if hits_any(p, evidence)), None)


def recall_at(ranks: Sequence[int | None], k: int) -> bool:
    """True when every evidence item was hit within the top k (ranks from `evidence_ranks`)."""
    return bool(ranks) and all(r is not None and r <= k for r in ranks)


def score_retrieval(retrieved: Sequence[Retrieved], evidence: Sequence[Evidence]) -> RetrievalScore:
    """Score one answerable question's ranked passages against its evidence."""
    if not evidence:
        raise ValueError("retrieval metrics are defined for answerable questions only")
    ranks = evidence_ranks(retrieved, evidence)
    first = first_hit_rank(retrieved[:MRR_DEPTH], evidence)
    return RetrievalScore(
        hit_at_1=first == 1,
        recall_at_5=recall_at(ranks, 5),
        recall_at_10=recall_at(ranks, 10),
        reciprocal_rank=1.0 / first if first else 0.0,
        evidence_ranks=ranks,
    )


def key_facts_present(answer: str, groups: Sequence[Sequence[str]]) -> bool:
    """True when, for every group, compact(answer) contains at least one of the group's strings."""
    text = compact(answer)
    return all(any(compact(s) in text for s in group) for group in groups)


def before_first_quote(answer: str) -> str:
    """The text of an answer before its first quoted clause (the first “ or 「 or [1]); all of it if none."""
    match = _QUOTE_START.search(answer)
    return answer[:match.start()] if match else answer


def key_fact_first(answer: str, groups: Sequence[Sequence[str]]) -> bool:
    """True when some string of some group stands before the answer's first quoted clause."""
    lead = compact(before_first_quote(answer))
    return any(compact(s) in lead for group in groups for s in group)


def normalise_number(raw: str) -> str:
    """A number's comparable form: no thousands separators or %, no leading/trailing zeros."""
    value = raw.rstrip("%").replace(",", "")
    whole, _, fraction = value.partition(".")
    whole = whole.lstrip("0") or "0"
    fraction = fraction.rstrip("0")
    return f"{whole}.{fraction}" if fraction else whole


def extract_numbers(text: str) -> list[str]:
    """Numbers written with digits (incl. decimals, thousands separators and %), in order of appearance.

    Citation markers such as ``[1]`` are not numbers of the answer and are skipped.
    """
    normal = _MARKER.sub(" ", unicodedata.normalize("NFKC", text))
    return _NUMBER.findall(normal)


def ungrounded_numbers(answer: str, sources: Iterable[str], calculations: Iterable[str] = ()) -> list[str]:
    """Numbers of `answer` whose value appears in none of the `sources` (each listed once, in order).

    A calculation ("400 + 500 + 800 = 1700") grounds its results only when every operand (the numbers
    before its first "=" or "≈") is itself grounded: a figure derived from cited figures is grounded.
    """
    known = {normalise_number(n) for source in sources for n in extract_numbers(source)}
    for formula in calculations:
        operands = re.split(r"[=≈]", formula, maxsplit=1)[0]
        if all(normalise_number(n) in known or n == "100%" for n in extract_numbers(operands)):
            known.update(normalise_number(n) for n in extract_numbers(formula))
    out: list[str] = []
    for raw in extract_numbers(answer):
        if normalise_number(raw) not in known and raw not in out:
            out.append(raw)
    return out


def score_answer(question: Question, text: str, refused: bool, cited: Sequence[Retrieved],
                 number_sources: Iterable[str], calculations: Iterable[str] = ()) -> AnswerScore:
    """Score one answer: refusal, key facts, which cited clauses hit evidence, ungrounded numbers.

    `cited` holds the cited clauses with their full text (empty text for a clause that does not exist);
    `number_sources` are the texts an answer's numbers may come from (quotes, citation titles and
    labels, pre-checks, the question); `calculations` are the answer's formulas (see `ungrounded_numbers`).
    """
    groups = question.answer_must_include
    return AnswerScore(
        answerable=question.answerable,
        refused=refused,
        citations=len(cited),
        citation_hits=sum(hits_any(c, question.evidence) for c in cited),
        key_facts=key_facts_present(text, groups) if groups else None,
        ungrounded=tuple(ungrounded_numbers(text, number_sources, calculations)),
        fact_first=key_fact_first(text, groups)
        if groups and not refused and question.kind in LEAD_KINDS else None,
    )


def mean(values: Sequence[float]) -> float | None:
    """The arithmetic mean, or None for no values."""
    return float(sum(values) / len(values)) if values else None


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0..100, linear interpolation), or None for no values."""
    return float(np.percentile(np.asarray(values, dtype=float), q)) if values else None


def _rounded(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def summarize_retrieval(scores: Sequence[RetrievalScore]) -> dict[str, float | int | None]:
    """hit@1, recall@5, recall@10 and MRR@10 over answerable questions (None when there are none)."""
    return {
        "answerable": len(scores),
        "hit@1": _rounded(mean([s.hit_at_1 for s in scores])),
        "recall@5": _rounded(mean([s.recall_at_5 for s in scores])),
        "recall@10": _rounded(mean([s.recall_at_10 for s in scores])),
        "mrr@10": _rounded(mean([s.reciprocal_rank for s in scores])),
    }


def summarize_answers(scores: Sequence[AnswerScore]) -> dict[str, float | int | None]:
    """Key-fact accuracy, citation precision, refusal accuracy, false-refusal rate, ungrounded count, and
    the share of answered numeric/factoid questions that state a key fact before the first quote."""
    answerable = [s for s in scores if s.answerable]
    unanswerable = [s for s in scores if not s.answerable]
    with_facts = [s for s in answerable if s.key_facts is not None]
    citing = [s for s in answerable if s.citations]
    shown = sum(s.citations for s in citing)
    return {
        "answered": len(scores),
        "key_fact_accuracy": _rounded(mean([bool(s.key_facts) for s in with_facts])),
        "citation_precision": _rounded(sum(s.citation_hits for s in citing) / shown if shown else None),
        "refusal_accuracy": _rounded(mean([s.refused and s.citations == 0 for s in unanswerable])),
        "false_refusal_rate": _rounded(mean([s.refused for s in answerable])),
        "ungrounded_number_answers": sum(1 for s in scores if s.ungrounded),
        "key_fact_first": _rounded(mean([s.fact_first for s in scores if s.fact_first is not None])),
    }


def summarize_latency(values_ms: Sequence[float], prefix: str) -> dict[str, float | None]:
    """p50 and p95 of per-question latencies, keyed ``{prefix}_p50_ms`` / ``{prefix}_p95_ms``."""
    return {f"{prefix}_p50_ms": _rounded(percentile(values_ms, 50), 1),
            f"{prefix}_p95_ms": _rounded(percentile(values_ms, 95), 1)}
