"""The extractive composer: an ordered list of small strategies, each of which may write part of the answer.

Deterministic and model-free. A strategy reads the `Context` and the `Draft` so far and says what happens
next: `NEXT` (go on to the next strategy), `DONE` (the answer is complete), or a finished `Answer` that
stands as it is (a refusal). The first strategies that apply write the answer; the refusal comes last.
A new way of answering is one strategy function placed in `STRATEGIES`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

from assistant.calibration import CALIBRATION as CAL
from assistant.compose import DISCLAIMER, Draft, add_eligibility, add_evidence, add_prechecks, add_table
from assistant.composers.base import Context
from assistant.composers.currency import add_currency_notes
from assistant.composers.document_facts import article_lookup, document_facts
from assistant.evidence import Evidence, candidate_evidence, supported
from assistant.models import Answer
from assistant.resources import Resources
from assistant.tables import answer_from_table, list_from_table
from retrieval.models import Corpus, Hit, final_version
from retrieval.search import SearchFilters

Step = Literal["next", "done"] | Answer
NEXT: Step = "next"
DONE: Step = "done"
Strategy = Callable[[Resources, Context, Draft], Step]

_COMPARE = re.compile(r"分别|不一样|不同|区别|差别|差异|变化|相比|对比|一样吗|同一个|改了|变了")
_YEARS_IN_TITLE = re.compile(r"[（(][^）)]*\d[^）)]*[）)]")
CONTACT = "如需确认，建议咨询龙岗区工业和信息化局或政策发布部门。"


def version_pairs(corpus: Corpus, named: set[str]) -> list[str]:
    """The named drafts whose final version is named too, and those finals."""
    pairs = {d: final for d in named
             if (final := final_version(corpus, corpus.documents[d])) is not None and final in named}
    return sorted(set(pairs) | set(pairs.values()))


def compared_documents(corpus: Corpus, named: set[str]) -> list[str]:
    """The documents a comparison question sets against each other: a draft and its final version
    when both are named, otherwise every document named (at least two)."""
    return version_pairs(corpus, named) or (sorted(named) if len(named) >= 2 else [])


def comparison_evidence(res: Resources, context: Context) -> list[Evidence]:
    """For "征求意见稿和正式稿分别…" / "A和B是同一个吗": the best supported sentence of each document
    compared, searched within each; empty unless at least two documents answer."""
    query = context.query
    if not _COMPARE.search(query.folded):
        return []
    found: list[Evidence] = []
    for doc_id in compared_documents(res.corpus, set(query.documents)):
        hits = res.retriever.search(query.text, k=CAL.retrieve_k, filters=SearchFilters(doc_ids=frozenset({doc_id})))
        evidence = supported(candidate_evidence(res.retriever, query, hits, with_context=False))
        if evidence:
            found.append(evidence[0])
    return found if len(found) >= 2 else []


def refusal_text(res: Resources, item_ids: tuple[str, ...], hits: list[Hit], why: str = "") -> str:
    """Say the held documents do not state it, where it would be stated, and whom to ask."""
    lines = ["抱歉，所存政策文件中没有找到能回答这个问题的明确规定，为避免误导，不作推测。"]
    not_held = [res.rules.item(i).standard_not_held for i in item_ids]
    notes = list(dict.fromkeys(n.text for n in not_held if n is not None))
    if why:
        lines.append(why)
    elif notes:
        lines.extend(notes)
    else:
        # Named without the years some titles carry: a refusal shows no figure at all.
        partial = list(dict.fromkeys(f"《{_YEARS_IN_TITLE.sub('', h.doc.short_title)}》"
                                     for h in hits[:3] if h.doc.is_partial))
        if partial:
            lines.append(f"相关文件{'、'.join(partial)}所存副本不完整（部分条款未收录），相应规定可能在未收录部分。")
    lines.append(CONTACT)
    return "\n".join(lines)


def _assessed(context: Context) -> bool:
    return bool(context.checks or context.eligibility)


def prechecks(_res: Resources, context: Context, draft: Draft) -> Step:
    """Amounts computed from the facts the person stated lead the answer."""
    if context.checks:
        add_prechecks(draft, context.checks)
    return NEXT


def eligibility(_res: Resources, context: Context, draft: Draft) -> Step:
    """Without an amount to compute: whether the person may apply at all."""
    if context.eligibility and not context.checks:
        add_eligibility(draft, context.eligibility)
    return NEXT


def table_cells(res: Resources, context: Context, draft: Draft) -> Step:
    """A figure computed from the cells of a table the top clauses point to."""
    table = None if _assessed(context) else answer_from_table(context.query, context.hits, res.corpus)
    if table is None:
        return NEXT
    add_table(draft, table, res.corpus.documents)
    return DONE


def table_names(res: Resources, context: Context, draft: Draft) -> Step:
    """"有哪些…": the names a table lists."""
    table = None if _assessed(context) else list_from_table(context.query, context.hits, res.corpus)
    if table is None:
        return NEXT
    add_table(draft, table, res.corpus.documents)
    return DONE


def comparison(res: Resources, context: Context, draft: Draft) -> Step:
    """Two documents set against each other: one sentence of each."""
    compared = comparison_evidence(res, context)
    if not compared:
        return NEXT
    add_evidence(draft, context.query, compared, res.corpus, compare=True)
    return DONE


def evidence(res: Resources, context: Context, draft: Draft) -> Step:
    """The clause that answers, quoted; after a pre-check its lines already cite the clauses."""
    if _assessed(context):
        return DONE
    if not context.support.answered:
        return NEXT
    add_evidence(draft, context.query, list(context.support.evidence), res.corpus,
                 named=set(context.query.documents))
    return DONE


def refusal(res: Resources, context: Context, _draft: Draft) -> Step:
    """Nothing held answers: say so, and why."""
    text = refusal_text(res, context.query.named_items, context.hits, context.support.note)
    return Answer(text=text, citations=[], refused=True, intent=context.intent)


STRATEGIES: tuple[Strategy, ...] = (prechecks, eligibility, article_lookup, table_cells, table_names, comparison,
                                    document_facts, evidence, refusal)


@dataclass(frozen=True)
class ExtractiveComposer:
    """Quotes the held clauses; every figure is a clause's, a table cell's with its formula, or a pre-check's."""

    res: Resources
    strategies: tuple[Strategy, ...] = STRATEGIES
    name: str = "extractive"

    def compose(self, context: Context) -> Answer:
        draft = Draft()
        for strategy in self.strategies:
            step = strategy(self.res, context, draft)
            if isinstance(step, Answer):
                return step
            if step == DONE:
                break
        add_currency_notes(draft, self.res.corpus)
        draft.lines.append(DISCLAIMER)
        return Answer(text=draft.text, citations=draft.citations, prechecks=[c.to_dict() for c in context.checks],
                      refused=False, intent=context.intent, calculations=draft.calculations)

    def stream(self, context: Context) -> Iterator[str | Answer]:
        return line_by_line(self.compose(context))


def line_by_line(answer: Answer) -> Iterator[str | Answer]:
    """An answer complete at once, streamed: its lines, then the `Answer`."""
    for line in answer.text.split("\n"):
        yield line + "\n"
    yield answer
