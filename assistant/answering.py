"""Answer a message: route it, retrieve, pre-check stated facts, compose, refuse when unsupported."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from assistant.calibration import CALIBRATION as CAL
from assistant.compose import DISCLAIMER, Draft, add_eligibility, add_evidence, add_prechecks, add_table
from assistant.compose_llm import answer_with_llm, stream_answer_with_llm
from assistant.evidence import Evidence, candidate_evidence, supported
from assistant.models import Answer, Intent, Turn
from assistant.precheck_service import ChatPrecheck, EligibilityCheck, chat_eligibility, chat_precheck
from assistant.resources import Resources
from assistant.support import decide_support
from assistant.tables import answer_from_table, list_from_table
from assistant.understanding.followup import conversation_context
from assistant.understanding.intent import without_instructions
from assistant.understanding.query import Query, clean_history, understand
from retrieval.models import Citation, Corpus, Hit, final_version
from retrieval.search import SearchFilters, clean_query
from retrieval.text import fold

_DISTRICT = re.compile(r"区里|区级|龙岗")
_CITY = re.compile(r"市里|市级|深圳市|训力券|语料券|训练")
_YEARS_IN_TITLE = re.compile(r"[（(][^）)]*\d[^）)]*[）)]")
_COMPARE = re.compile(r"分别|不一样|不同|区别|差别|差异|变化|相比|对比|一样吗|同一个|改了|变了")

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
CONTACT = "如需确认，建议咨询龙岗区工业和信息化局或政策发布部门。"


def _items_in_scope(query: Query, rules) -> set[str] | None:
    """District or city items only, when the person asked about one of them."""
    folded = query.folded + " " + fold(query.context.text)
    district, city = bool(_DISTRICT.search(folded)), bool(_CITY.search(folded))
    if district == city:
        return None
    ids = {item.item_id for item in rules.items}
    return {i for i in ids if i.startswith("lg-")} if district else {i for i in ids if i.startswith("sz-")}


def _item_clauses(res: Resources, item_ids: list[str]) -> set[str]:
    """Clauses that belong to support items: those their rules cite, and those that name them."""
    rules = res.rules
    out: set[str] = set()
    for item_id in item_ids:
        item = rules.item(item_id)
        sources: list[Any] = [item.activity, item.budget, item.standard_not_held]  # each cites a clause
        if item.amount is not None:
            sources += [item.amount.ratio, item.amount.startup_ratio, item.amount.cap]
        out.update(s.clause for s in sources if s is not None)
        names = [fold(n) for n in (item.name, *item.synonyms)]
        out.update(c.clause_id for c in res.corpus.clauses if any(n in fold(c.text) for n in names))
    return out


def version_pairs(corpus: Corpus, named: set[str]) -> list[str]:
    """The named drafts whose final version is named too, and those finals."""
    pairs = {d: final for d in named
             if (final := final_version(corpus, corpus.documents[d])) is not None and final in named}
    return sorted(set(pairs) | set(pairs.values()))


def compared_documents(corpus: Corpus, named: set[str]) -> list[str]:
    """The documents a comparison question sets against each other: a draft and its final version
    when both are named, otherwise every document named (at least two)."""
    return version_pairs(corpus, named) or (sorted(named) if len(named) >= 2 else [])


def comparison_evidence(res: Resources, query: Query) -> list[Evidence]:
    """For "征求意见稿和正式稿分别…" / "A和B是同一个吗": the best supported sentence of each document
    compared, searched within each; empty unless at least two documents answer."""
    if not _COMPARE.search(query.folded):
        return []
    docs = compared_documents(res.corpus, set(query.documents))
    found: list[Evidence] = []
    for doc_id in docs:
        hits = res.retriever.search(query.text, k=CAL.retrieve_k,
                                    filters=SearchFilters(doc_ids=frozenset({doc_id})))
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


def _compose(res: Resources, query: Query, hits: list[Hit], checks: list[ChatPrecheck],
             eligibility: list[EligibilityCheck], intent: Intent) -> Answer:
    draft = Draft()
    named = query.named_items
    if checks:
        add_prechecks(draft, checks)
    elif eligibility:
        add_eligibility(draft, eligibility)
    table = None if checks or eligibility else (
        answer_from_table(query, hits, res.corpus)
        or list_from_table(query, hits, res.corpus))
    if table is not None:
        add_table(draft, table, res.corpus.documents)
    else:
        compared = comparison_evidence(res, query)
        if compared:
            add_evidence(draft, query, compared, res.corpus, compare=True)
            draft.lines.append(DISCLAIMER)
            return Answer(text=draft.text, citations=draft.citations, intent=intent)
        eligible = _item_clauses(res, list(named)) if named else None
        support = decide_support(res.retriever, query, hits, eligible=eligible)
        if checks or eligibility:
            pass  # the pre-check lines already cite the clauses the amounts and conditions rest on
        elif support.answered:
            add_evidence(draft, query, list(support.evidence), res.corpus, named=set(query.documents))
        else:
            return Answer(text=refusal_text(res, named, hits, support.note), citations=[],
                          refused=True, intent=intent)
    draft.lines.append(DISCLAIMER)
    return Answer(text=draft.text, citations=draft.citations, prechecks=[c.to_dict() for c in checks],
                  refused=False, intent=intent, calculations=draft.calculations)


def answer_extractive(res: Resources, question: str, history: list[Turn]) -> Answer:
    """The deterministic, model-free answer."""
    question = without_instructions(clean_query(question))
    if not _SUBSTANCE.search(question):
        return Answer(text=INSTRUCTION_TEXT, citations=[], refused=True, intent="out_of_scope")
    query = understand(question, history, res.retriever, res.rules)
    intent = query.intent
    if intent == "greeting":
        return Answer(text=HELP_TEXT, citations=[], intent=intent)
    if intent == "out_of_scope":
        return Answer(text=OUT_OF_SCOPE_TEXT, citations=[], refused=True, intent=intent)
    context = query.context
    hits = res.retriever.search(question, k=CAL.retrieve_k, context=context.text,
                                context_weight=context.weight)
    checks: list[ChatPrecheck] = []
    eligibility: list[EligibilityCheck] = []
    if intent in ("self_assessment", "mixed") or (context.is_followup and query.facts.profile):
        facts = query.stated
        if facts.negative_amounts:
            return Answer(text=NEGATIVE_AMOUNT_TEXT.format(amounts="、".join(facts.negative_amounts)),
                          citations=[], refused=True, intent=intent)
        scope = set(query.items) or _items_in_scope(query, res.rules)
        checks = chat_precheck(res.rules, res.corpus, facts.profile, scope)
        if checks and intent == "policy":
            intent = "mixed"
        if not checks and intent == "mixed":
            eligibility = chat_eligibility(res.rules, res.corpus, facts.profile, scope)
    return _compose(res, query, hits, checks, eligibility, intent)




def _llm_inputs(res: Resources, question: str, history: list[Turn], extractive: Answer,
                ) -> tuple[list[Citation], list[str]] | None:
    """Clauses and grounded texts for the LLM, or None when the extractive answer must stand.

    Refusals, greetings and out-of-scope replies are never handed to a model: what it could add
    there is exactly what must not be invented.
    """
    if res.llm is None or extractive.refused or extractive.intent in ("greeting", "out_of_scope"):
        return None
    context = conversation_context(question, history)
    hits = res.retriever.search(question, k=CAL.llm_clauses, context=context.text,
                                      context_weight=context.weight)
    citations = list({c.clause_id: c for c in [*extractive.citations, *(h.citation for h in hits)]}
                     .values())[:CAL.llm_clauses + len(extractive.citations)]
    grounded = [*extractive.calculations,
                *(r["text"] for p in extractive.prechecks for r in p.get("reasons", []))]
    return citations, grounded


def answer(res: Resources, question: str, history: list[Turn]) -> Answer:
    """Answer with the configured backend; the LLM path falls back to the extractive answer."""
    history = list(clean_history(history))
    extractive = answer_extractive(res, question, history)
    inputs = _llm_inputs(res, question, history, extractive)
    if inputs is None or res.llm is None:
        return extractive
    citations, grounded = inputs
    result = answer_with_llm(question, history, citations, grounded, res.llm,
                             lambda: extractive, tools=res.precheck_tools)
    return replace(result, prechecks=extractive.prechecks, intent=extractive.intent,
                   calculations=extractive.calculations)


def stream_answer(res: Resources, question: str, history: list[Turn],
                  ) -> Iterator[str | Answer]:
    """Pieces of the answer text as they are ready, then the final `Answer`.

    The extractive answer is complete at once and is sent line by line; an LLM answer is sent
    sentence by sentence as each passes the grounding guard.
    """
    history = list(clean_history(history))
    extractive = answer_extractive(res, question, history)
    inputs = _llm_inputs(res, question, history, extractive)
    if inputs is None or res.llm is None:
        for line in extractive.text.split("\n"):
            yield line + "\n"
        yield extractive
        return
    citations, grounded = inputs
    result = yield from stream_answer_with_llm(question, history, citations, grounded, res.llm,
                                               lambda: extractive, tools=res.precheck_tools)
    yield replace(result, prechecks=extractive.prechecks, intent=extractive.intent,
                  calculations=extractive.calculations)
