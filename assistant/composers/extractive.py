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

from assistant.composers.base import DONE, NEXT, Context, Step
from assistant.composers.currency import add_currency_notes
from assistant.composers.document_facts import article_lookup, document_facts
from assistant.composers.draft import DISCLAIMER, Draft, add_eligibility, add_evidence, add_prechecks, add_table
from assistant.composers.sections import section_lookup
from assistant.composers.source import phrase_source
from assistant.models import Answer
from assistant.precheck_service import item_clauses
from assistant.resources import Resources
from assistant.support import refusal_title
from assistant.tables import answer_from_table, budget_note, count_said, count_stated, list_from_table
from retrieval.models import Hit, cite

Strategy = Callable[[Resources, Context, Draft], Step]

CONTACT = "如需确认，建议咨询龙岗区工业和信息化局或政策发布部门。"
_FIGURES = frozenset({"cap", "money", "ratio"})  # figures a message may ask beside whether it may apply


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
        partial = list(dict.fromkeys(refusal_title(h.doc) for h in hits[:3] if h.doc.is_partial))
        if partial:
            lines.append(f"相关文件{'、'.join(partial)}所存副本不完整（部分条款未收录），相应规定可能在未收录部分。")
    lines.append(CONTACT)
    return "\n".join(lines)


def _assessed(context: Context) -> bool:
    return bool(context.checks or context.eligibility)


def prechecks(_res: Resources, context: Context, draft: Draft) -> Step:
    """Amounts computed from the facts the person stated lead the answer (after the line saying that a figure
    the message reports is not held, when it reports one: the held rules compute)."""
    if context.checks:
        if context.support.reason == "figure_not_held":
            draft.lines.append(context.support.note)
        add_prechecks(draft, context.checks, context.query.language)
    return NEXT


def eligibility(res: Resources, context: Context, draft: Draft) -> Step:
    """Without an amount to compute: whether the person may apply at all."""
    if context.eligibility and not context.checks:
        add_eligibility(draft, context.eligibility, res.corpus)
    return NEXT


def table_cells(res: Resources, context: Context, draft: Draft) -> Step:
    """A figure computed from the cells of a table the top clauses point to."""
    budgets = (res.rules.item(i).budget for i in context.query.named_items)
    rows = frozenset(b.clause for b in budgets if b is not None)
    table = None if _assessed(context) else answer_from_table(context.query, context.hits, res.corpus, rows)
    if table is None:
        return NEXT
    note = budget_note((r.clause.clause_id for r in table.rows), res.rules, res.corpus)
    add_table(draft, table, res.corpus.documents, note)
    return DONE


def table_names(res: Resources, context: Context, draft: Draft) -> Step:
    """"有哪些…": the names a table lists."""
    table = None if _assessed(context) else list_from_table(context.query, context.hits, res.corpus)
    if table is None:
        return NEXT
    # How many there are, as the document says it, before the list ("共10条申报项目" is the text's, not a count of
    # rows); asked what a table lists ("测算表里列了哪些"), or with the count said ("哪10个"), the table alone answers.
    said = "表" in context.query.folded or count_said(context.query, table)
    stated = None if said else count_stated(res.corpus, table)
    if stated is not None:
        clause, sentence, count = stated
        doc = res.corpus.documents[clause.doc_id]
        draft.lines.append(f"据《{doc.short_title}》，共{count}{draft.marker(cite(clause, doc, sentence))}：")
    add_table(draft, table, res.corpus.documents)
    return DONE


def comparison(res: Resources, context: Context, draft: Draft) -> Step:
    """Two documents set against each other: one sentence of each."""
    if not context.compared:
        return NEXT
    add_evidence(draft, context.query, list(context.compared), res.corpus, compare=True,
                 labels=compared_labels(res, context))
    return DONE


def compared_labels(res: Resources, context: Context) -> list[str]:
    """What names each compared sentence: the support item whose clause it is (the items compared), else its
    document's short title."""
    owners: dict[str, str] = {}  # clause id -> the first named item it belongs to
    for item in res.rules.items:
        if item.item_id in context.query.named_items:
            for clause_id in item_clauses(res.rules, res.corpus, (item.item_id,)):
                owners.setdefault(clause_id, item.name)
    return [owners.get(e.hit.clause.clause_id, f"《{e.hit.doc.short_title}》所述") for e in context.compared]


def evidence(res: Resources, context: Context, draft: Draft) -> Step:
    """The clause that answers, quoted; after a pre-check its lines already cite the clauses. After an
    eligibility check, a figure also asked ("能申请训力券吗，最高多少") is answered from the clause too."""
    if context.checks or (context.eligibility and not context.query.kinds & _FIGURES):
        return DONE
    if not context.support.answered:
        return NEXT
    add_evidence(draft, context.query, list(context.support.evidence), res.corpus,
                 named=set(context.query.documents))
    note = budget_note((c.clause_id for c in draft.citations), res.rules, res.corpus)
    if note:
        draft.lines.append(note)  # a budget row quoted: its figures are district totals
    return DONE


# Whether a kind of support exists at all ("龙岗有没有房租补贴", "有AI企业房租补贴吗").
# "有没有…", "有房租补贴吗", "有补贴没" (asked with 没 or 不 at the end, as people say it).
_EXISTS = re.compile(r"有没有|有无|是否有|有[^，。？?]{0,12}(?:补贴|补助|扶持|资助|奖励|券)(?:吗|么|没有?|不)")


def item_exists(res: Resources, context: Context, draft: Draft) -> Step:
    """Whether support of a kind exists, asked of support items the question names, that no clause answers in
    words: yes, each item as its rules cite it; what the held texts do not state of it, after."""
    query = context.query
    if context.checks or context.eligibility or not query.items or query.kinds or not _EXISTS.search(query.folded):
        return NEXT
    # A sentence of the text granting the item answers in words; one of another text (a plan's target mentioning
    # the same kind of firm) says nothing of whether the item's support exists.
    granting = {clause.doc_id for i in query.items if (clause := res.corpus.clause(res.rules.item(i).activity.clause))}
    if context.support.answered and any(e.hit.clause.doc_id in granting for e in context.support.evidence[:1]):
        return NEXT
    for item_id in query.items:
        item = res.rules.item(item_id)
        clause = res.corpus.clause(item.activity.clause)
        if clause is None:
            return NEXT
        what = item.activity.text if item.name in item.activity.text else f"{item.name}，支持{item.activity.text}"
        marker = draft.marker(cite(clause, res.corpus.documents[clause.doc_id], item.activity.quote))
        draft.lines.append(f"有：{what}{marker}。")
        if item.standard_not_held is not None:
            draft.caveats.append(item.standard_not_held.text)
    return DONE


def refusal_answer(res: Resources, context: Context) -> Answer:
    """Nothing held answers: say so, and why; a message outside the assistant's scope gets its note alone."""
    support = context.support
    text = support.note if support.outside else \
        refusal_text(res, context.query.named_items, context.hits, support.note)
    return Answer(text=text, citations=[], refused=True, intent=context.intent)


def refusal(res: Resources, context: Context, _draft: Draft) -> Step:
    """Nothing held answers: say so, and why."""
    return refusal_answer(res, context)


# Document facts before comparison: "征求意见稿和正式稿分别是哪天发的" is each version's date, not a quote of each.
STRATEGIES: tuple[Strategy, ...] = (prechecks, eligibility, article_lookup, section_lookup, table_cells, table_names,
                                    phrase_source, document_facts, comparison, item_exists, evidence, refusal)


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
        draft.caveats += [f"您写的“{typed}”已按“{held}”理解。" for typed, held in context.query.read_as]
        draft.caveats.append(DISCLAIMER)
        caveats = draft.close()
        return Answer(text=draft.text, citations=draft.citations, prechecks=[c.to_dict() for c in context.checks],
                      refused=False, intent=context.intent, calculations=draft.calculations, caveats=caveats)

    def stream(self, context: Context) -> Iterator[str | Answer]:
        return line_by_line(self.compose(context))


def line_by_line(answer: Answer) -> Iterator[str | Answer]:
    """An answer complete at once, streamed: its lines, then the `Answer`."""
    for line in answer.text.split("\n"):
        yield line + "\n"
    yield answer
