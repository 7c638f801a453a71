"""From a message to an answer: understand → retrieve → pre-check → decide support → compose → guard.

Each stage is a function over plain data (`Query`, hits, pre-check results, `Support`, `Context`); the
composer is chosen by configuration (the LLM one when `PA_LLM_BASE_URL` names a server, falling back to
the extractive one on error or timeout), and the grounding guard checks what every composer wrote.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from assistant.calibration import CALIBRATION as CAL
from assistant.composers.base import Composer, Context
from assistant.composers.extractive import ExtractiveComposer, line_by_line
from assistant.composers.llm import LLMComposer
from assistant.guard import ground
from assistant.models import Answer, Intent, Turn
from assistant.precheck_service import ChatPrecheck, EligibilityCheck, chat_eligibility, chat_precheck
from assistant.resources import Resources
from assistant.support import Support, decide_support
from assistant.understanding.intent import without_instructions
from assistant.understanding.query import Query, understand
from prechecks.rules import RuleSet
from retrieval.models import Hit
from retrieval.search import clean_query
from retrieval.text import fold

logger = logging.getLogger(__name__)

HELP_TEXT = (
    "您好！我是“政策通”，可以帮您：\n"
    "· 查询龙岗区及深圳市人工智能产业扶持政策的具体条款（回答附条款出处）；\n"
    "· 根据您提供的信息测算可申请的扶持金额，例如：“我们在龙岗注册纳税，去年买算力花了三百万元，能补多少？”；\n"
    "· 说明申报条件、扶持项目、文件是否正式印发等。\n"
    "请直接输入您的问题。"
)
OUT_OF_SCOPE_TEXT = (
    "抱歉，这个问题不在“政策通”的解答范围内。本助手只收录龙岗区人工智能产业扶持及相关的深圳市、"
    "广东省和国家政策文件，无法解答其他地区的政策、税收法规或与政策无关的问题。"
    "如需咨询，请联系相关主管部门；龙岗区人工智能扶持政策可咨询龙岗区工业和信息化局。"
)
INSTRUCTION_TEXT = ("“政策通”只依据所存政策文件的原文作答，不会按提问中的指令改变规则、条款或金额。"
                    "请直接提出您想了解的政策问题。")
NEGATIVE_AMOUNT_TEXT = ("您提供的金额（{amounts}）是负数，无法测算。"
                        "费用或合同金额不能为负数，请以万元为单位核对后重新提问。")
_SUBSTANCE = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
_DISTRICT = re.compile(r"区里|区级|龙岗")
_CITY = re.compile(r"市里|市级|深圳市|训力券|语料券|训练")


def understand_message(res: Resources, message: str, history: list[Turn] | tuple[Turn, ...]) -> Query | Answer:
    """The `Query`, or the reply itself when the message needs no retrieval (help, out of scope, only
    instructions to the assistant)."""
    text = without_instructions(clean_query(message))
    if not _SUBSTANCE.search(text):
        return Answer(text=INSTRUCTION_TEXT, citations=[], refused=True, intent="out_of_scope")
    query = understand(text, history, res.retriever, res.rules)
    if query.intent == "greeting":
        return Answer(text=HELP_TEXT, citations=[], intent=query.intent)
    if query.intent == "out_of_scope":
        return Answer(text=OUT_OF_SCOPE_TEXT, citations=[], refused=True, intent=query.intent)
    return query


def retrieve(res: Resources, query: Query) -> list[Hit]:
    """The clauses to answer from, a follow-up searched with its earlier user turns."""
    return res.retriever.search(query.text, k=CAL.retrieve_k, context=query.context.text,
                                context_weight=query.context.weight)


def items_in_scope(query: Query, rules: RuleSet) -> set[str] | None:
    """District or city items only, when the person asked about one of them."""
    folded = query.folded + " " + fold(query.context.text)
    district, city = bool(_DISTRICT.search(folded)), bool(_CITY.search(folded))
    if district == city:
        return None
    ids = {item.item_id for item in rules.items}
    return {i for i in ids if i.startswith("lg-")} if district else {i for i in ids if i.startswith("sz-")}


@dataclass(frozen=True)
class Assessment:
    """What the pre-check stage computed from the facts the person stated."""

    intent: Intent
    checks: list[ChatPrecheck]
    eligibility: list[EligibilityCheck]


def precheck(res: Resources, query: Query) -> Assessment | Answer:
    """Amounts and eligibility from the stated facts, or the reply asking back for an impossible amount."""
    intent = query.intent
    if not (intent in ("self_assessment", "mixed") or (query.context.is_followup and query.facts.profile)):
        return Assessment(intent, [], [])
    facts = query.stated
    if facts.negative_amounts:
        return Answer(text=NEGATIVE_AMOUNT_TEXT.format(amounts="、".join(facts.negative_amounts)),
                      citations=[], refused=True, intent=intent)
    scope = set(query.items) or items_in_scope(query, res.rules)
    checks = chat_precheck(res.rules, res.corpus, facts.profile, scope)
    if checks and intent == "policy":
        intent = "mixed"
    eligibility = chat_eligibility(res.rules, res.corpus, facts.profile, scope) \
        if not checks and intent == "mixed" else []
    return Assessment(intent, checks, eligibility)


_STANDARD = frozenset({"ratio", "cap", "money"})  # what an item's support standard states


def item_clauses(res: Resources, item_ids: tuple[str, ...], standard: bool = False) -> set[str]:
    """Clauses that belong to support items: those their rules cite, and those that name them.

    `standard`: the question asks for the items' support standard; of an item whose rules record that no
    held text states it, only the documents its rules cite may answer (another document naming the same
    kind of project states some other figure)."""
    out: set[str] = set()
    for item_id in item_ids:
        item = res.rules.item(item_id)
        sources: list[Any] = [item.activity, item.budget, item.standard_not_held]  # each cites a clause
        if item.amount is not None:
            sources += [item.amount.ratio, item.amount.startup_ratio, item.amount.cap]
        cited = {s.clause for s in sources if s is not None}
        out.update(cited)
        docs = {c.partition("#")[0] for c in cited} if standard and item.standard_not_held else None
        names = [fold(n) for n in (item.name, *item.synonyms)]
        out.update(c.clause_id for c in res.corpus.clauses
                   if (docs is None or c.doc_id in docs) and any(n in fold(c.text) for n in names))
    return out


def support(res: Resources, query: Query, hits: list[Hit]) -> Support:
    """Whether the held clauses answer; a question naming a support item is answered from its clauses."""
    named = query.named_items
    if not named:
        return decide_support(res.retriever, query, hits)
    # A document the question names is what it is about, whatever item its words also name.
    eligible = item_clauses(res, named, standard=bool(query.kinds & _STANDARD)) | {
        c.clause_id for d in query.named_documents for c in res.corpus.doc_clauses(d)}
    return decide_support(res.retriever, query, hits, eligible=eligible)


def guard(answer: Answer) -> Answer:
    """Check an extractive composition against its own citations and computations.

    A generated answer is guarded sentence by sentence while it is written (`assistant.compose_llm`).
    An extractive one quotes the clauses it cites, so a sentence the guard would remove is a composer
    defect: it is logged (the answer stands, since its quotes are the clauses' own words).
    """
    if answer.backend != "extractive" or answer.refused or not answer.citations:
        return answer
    grounded = [*answer.calculations, *(r["text"] for p in answer.prechecks for r in p.get("reasons", []))]
    result = ground(answer.text, answer.citations, grounded)
    for removed in result.removed:
        logger.warning("extractive sentence not grounded %r: %s", removed.text, "；".join(removed.reasons))
    return answer


def composer_for(res: Resources) -> Composer:
    """The configured composer: the LLM one when a generation backend is configured."""
    extractive = ExtractiveComposer(res)
    return LLMComposer(res.llm, extractive) if res.llm is not None else extractive


def _context(res: Resources, message: str, history: list[Turn] | tuple[Turn, ...]) -> Context | Answer:
    query = understand_message(res, message, history)
    if isinstance(query, Answer):
        return query
    hits = retrieve(res, query)
    assessment = precheck(res, query)
    if isinstance(assessment, Answer):
        return assessment
    return Context(query, hits, support(res, query, hits), assessment.intent, assessment.checks,
                   assessment.eligibility)


def answer(res: Resources, message: str, history: list[Turn] | tuple[Turn, ...] = ()) -> Answer:
    """The answer to a message in its conversation."""
    context = _context(res, message, history)
    if isinstance(context, Answer):
        return context
    return guard(composer_for(res).compose(context))


def stream_answer(res: Resources, message: str, history: list[Turn] | tuple[Turn, ...] = (),
                  ) -> Iterator[str | Answer]:
    """Pieces of the answer text as they are ready, then the final `Answer`."""
    context = _context(res, message, history)
    if isinstance(context, Answer):
        yield from line_by_line(context)
        return
    for piece in composer_for(res).stream(context):
        yield guard(piece) if isinstance(piece, Answer) else piece
