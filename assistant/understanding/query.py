"""`Query`: a message understood once, with its conversation, and handed to every later stage.

Everything a stage needs to know about the message is read here (the folded text, what it asks for, the
documents, articles and support items it names, the facts the person stated, quoted phrases); no later
stage parses the raw string again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from assistant.models import Intent, Turn
from assistant.understanding.asks import (
    CONDITIONS_ASKED,
    PENALTY_ASKED,
    AnswerType,
    Quoting,
    asked,
    choice_options,
    counted,
    kinds_of,
    per_units,
    questions_in,
    quoting_of,
    standing_beside,
)
from assistant.understanding.facts import ExtractedFacts, extract_facts
from assistant.understanding.followup import ConversationContext, conversation_context
from assistant.understanding.intent import route
from prechecks.rules import RuleSet
from retrieval.articles import article_locator, article_number, locators_in
from retrieval.search import Retriever
from retrieval.text import MAX_QUERY_CHARS, compact, fold, is_english

Language = Literal["zh", "en"]

_FIRST_PERSON = re.compile(r"我们|我司|我公司|本公司|我单位|本单位|咱们|我方|我(?:的|家)?(?:企业|公司|团队|机构)"
                           r"|我(?:最多|最高|大概|一共|总共)?(?:能|可以|可)(?:拿|领|获得|得到|申请到|补)"  # "我最多能拿多少"
                           r"|\b(?:we|us|our)\b")  # "how much could we get back"
# "算力专项补贴": an item named with a word that only qualifies its support.
# "买算力的扶持": an item named with 的 before its support word, as "算力扶持" says.
_UNQUALIFIED = re.compile(r"(?:专项|专门|配套|的)(?=补贴|补助|资助|奖励|扶持|支持)")
# "龙岗的算力券", "龙岗区这边的算力券": the district's, as "龙岗算力券" says.
_OF_THE_DISTRICT = re.compile(r"(?<=龙岗)区?(?:这边|那边|里)?的")


# "算力券龙岗这边补多少": a voucher said with the district after it is the district's, as "龙岗算力券" says.
_DISTRICT_AFTER = re.compile(r"([\u4e00-\u9fff]{2}券)(龙岗区?)(?:这边|那边|里|的)?")


def item_text(text: str) -> str:
    """A text as support items' names are matched in it."""
    return _DISTRICT_AFTER.sub(r"\2\1", _OF_THE_DISTRICT.sub("", _UNQUALIFIED.sub("", text)))
_HOW_MUCH = re.compile(r"多少|几[万千百十]|how much")
_QUESTION = re.compile(r"[?？吗呢]|怎么|怎样|如何|什么|哪|几|多少|是否|能否|可否|有没有|能不能|可不可以")
_QUOTED = re.compile(r"[“\"「『]([^”\"」』]{2,40})[”\"」』]")


def quoted_phrases(text: str) -> list[str]:
    """Phrases a text puts in quotation marks (“打造通用人工智能算力生态”), folded and compacted."""
    return [compact(fold(m)) for m in _QUOTED.findall(text)]


def clean_history(history: list[Turn] | tuple[Turn, ...]) -> tuple[Turn, ...]:
    """Earlier turns, cleaned: empty ones dropped, long ones cut."""
    return tuple(Turn(t.role, t.content[:MAX_QUERY_CHARS]) for t in history
                 if t.role in ("user", "assistant") and isinstance(t.content, str) and t.content.strip())


def stated_facts(text: str, history: tuple[Turn, ...]) -> tuple[ExtractedFacts, ExtractedFacts]:
    """The facts this message states, and those completed by what the person said earlier.

    Each user turn is read in the light of the turns before it (a bare "如果是1亿呢" replaces the amount
    they established); later statements override earlier ones; the assistant's own turns are never a
    source of facts.
    """
    facts = ExtractedFacts()
    earlier: list[str] = []
    for turn in history:
        if turn.role == "user":
            facts = extract_facts(turn.content, " ".join(earlier), facts.amount_fields).merged_over(facts)
            earlier.append(turn.content)
    own = extract_facts(text, " ".join(earlier[-2:]), facts.amount_fields)
    return own, own.merged_over(facts)


def own_case(text: str, kinds: set[str], stated: ExtractedFacts, context: ConversationContext) -> bool:
    """True when a message asks how much the person themselves would get ("我们能拿多少", or "能补多少"
    after they told the conversation about themselves), not what a policy grants in general nor whether a
    case qualifies at all ("我们…能补吗" is answered by the clause that says who qualifies)."""
    folded = fold(text)
    # A kind of applicant named in passing ("每家企业最高补多少") says nothing about the person.
    told = set(stated.profile) - {"org_type"}
    # "我最多能拿多少" after stating what they spent asks their own capped amount, not the cap alone.
    spent = any(k.endswith("_wan") for k in stated.profile)
    return ("money" in kinds or ("cap" in kinds and spent)) and bool(_HOW_MUCH.search(folded)) and (
        bool(_FIRST_PERSON.search(folded)) or (context.is_followup and bool(told)))


def states_spending(text: str, facts: ExtractedFacts) -> bool:
    """True for a message that only tells what the person spent ("今年买算力花了450万。"): it is answered
    with what that spending would get, not with whatever clause mentions an amount."""
    return any(k.endswith("_wan") for k in facts.profile) and not _QUESTION.search(fold(text))


@dataclass(frozen=True)
class Query:
    """One message, understood in its conversation."""

    text: str  # cleaned, instructions to the assistant removed
    folded: str
    language: Language
    intent: Intent
    asks: tuple[AnswerType, ...]  # registry order
    per_units: frozenset[str]  # "每平方米每月" -> {平方米, 月}
    documents: Mapping[str, int]  # named documents: doc id -> how many of its names the message uses
    articles: tuple[str, ...]  # article/item locators named, in the parser's form
    items: tuple[str, ...]  # support items named in this message
    facts: ExtractedFacts  # stated in this message (a bare amount read against the conversation)
    stated: ExtractedFacts  # this message's facts merged over the earlier user turns'
    quoted: tuple[str, ...]  # quoted phrases, folded and compacted
    questions: tuple[str, ...]  # the questions the message asks (`asks.questions_in`): itself, when one
    context: ConversationContext
    history: tuple[Turn, ...] = ()
    # Of a follow-up ("那2026年呢？"): what its earlier user turns name, standing in where it names nothing.
    context_documents: Mapping[str, int] = field(default_factory=dict)
    context_items: tuple[str, ...] = ()
    # The support items the latest earlier user turn naming any named ("训力券怎么补"), whatever the context.
    earlier_items: tuple[str, ...] = ()
    # The message asks what the person themselves would get ("我们能拿多少房租补贴"): pre-checked, never
    # answered with an item's district budget as if it were theirs.
    own_case: bool = False
    # The two things the message asks to choose between ("核准制还是评审制"), or none.
    choices: tuple[str, ...] = ()
    # Words the message typed by their sound, read as the held word they sound like ("龙港" as 龙岗, "训力卷" as
    # 训力券): (typed, read as).
    read_as: tuple[tuple[str, str], ...] = ()
    # The known, unheld version a named document replaced that the message asks about ("旧版", "2022年版"):
    # its registry id, or "" (`earlier_versions.earlier_version`).
    earlier_version: str = ""
    # A follow-up asking nothing of its own ("那语料券呢") asks what its earlier turns asked.
    asks_inherited: bool = False
    # Documents named only as what an article cites ("第一条引用的区级财政专项资金管理办法"): not the article's.
    cited_by_article: frozenset[str] = frozenset()

    @property
    def followup_text(self) -> str:
        """The earlier user turns a follow-up leans on; "" for a self-contained message."""
        return self.context.text if self.context.is_followup else ""

    @property
    def asks_penalty(self) -> bool:
        """The question asks how a breach is punished: the clauses sanctioning a duty answer, not the duty (also
        a follow-up asking nothing of its own after "…怎么罚": "要是交易金额一万元以上呢")."""
        return PENALTY_ASKED.search(self.folded) is not None or (
            self.asks_inherited and PENALTY_ASKED.search(fold(self.followup_text)) is not None)

    @property
    def asks_conditions(self) -> bool:
        """The question asks who may apply or on what conditions: of a support item, its applicant conditions'
        clauses answer, not the sentence that only names it."""
        return CONDITIONS_ASKED.search(self.folded) is not None

    @property
    def assessed_items(self) -> tuple[str, ...]:
        """The support items the person asks their own amount for."""
        return self.named_items if self.own_case else ()

    @property
    def kinds(self) -> set[str]:
        """The kinds of fact an answering sentence must state (ratio, cap, date …)."""
        return kinds_of(self.asks)

    @property
    def counted(self) -> frozenset[str]:
        """The measure words a "how many" question counts by ("几条" -> {条}), when it asks for a count."""
        return counted(self.text) if "count" in self.kinds else frozenset()

    @property
    def quoting(self) -> set[Quoting]:
        return quoting_of(self.asks, len(self.questions) > 1)

    @property
    def standing_beside(self) -> bool:
        """True when one question of the message asks whether a document is in force, another something else."""
        return standing_beside(self.questions)

    @property
    def wants_status_line(self) -> bool:
        """True when the message asks whether a document is in force (official, a draft, expired), or asks
        that beside another question."""
        return any(t.status_line for t in self.asks) or self.standing_beside

    @property
    def named_documents(self) -> Mapping[str, int]:
        """The documents this message names, or else those its follow-up context names."""
        return self.documents or self.context_documents

    @property
    def named_items(self) -> tuple[str, ...]:
        """The support items this message names, or else those its follow-up context names."""
        return self.items or self.context_items


# Asking for the computation itself ("重新算一下", "帮我算算"): of the amounts the conversation has stated.
_COMPUTE_ASKED = re.compile(r"重新(?:算|计算|测算)|再算|重算|帮我算|算一下|算算|测算一下|\brecalculate\b|\bcalculate\b")

# "那下一条呢", "上一条讲的啥": the article beside the one the conversation last named.
_NEIGHBOUR = re.compile(r"(下|后|上|前)一条|\b(next|following|previous|preceding) article\b")


def neighbour_article(text: str, earlier: str) -> tuple[str, ...]:
    """The article next to (or before) the last one the earlier turns name, when a message asks for it."""
    match = _NEIGHBOUR.search(fold(text))
    numbers = [n for n in (article_number(locator) for locator in locators_in(earlier)) if n is not None]
    if match is None or not numbers:
        return ()
    step = 1 if (match.group(1) or match.group(2)) in ("下", "后", "next", "following") else -1
    return (article_locator(numbers[-1] + step),) if numbers[-1] + step > 0 else ()


# "那语料券呢", "英文版呢", "what about the corpus voucher?": a message that only names what to ask it of.
_ONLY_NAMES = re.compile(r"^(?:那|那么|那个)?[^，。,.？?！!]{1,24}呢\s*[？?]?$|^(?:and|what about|how about) [^,.?!]{1,40}\??$")


# A verb of issuing with an object after it ("何时发布上一年度的实施情况报告"): what is issued is that object.
_ISSUED_OBJECT = re.compile(r"(?:印发|发布|出台|公布)(?![的了过吗呢于得])(?P<object>[\u4e00-\u9fff][^，。,.？?！!]+)")


def _issues_another_thing(text: str, retriever: Retriever) -> bool:
    """True when a message asks when something is issued that is no document ("每年什么时候发布…报告"), so not
    when a document was issued."""
    for match in _ISSUED_OBJECT.finditer(fold(text)):
        thing = match.group("object")
        if not thing.startswith(("时间", "日期")) and not retriever.documents_named(thing) \
                and not any(w in thing for w in retriever.lexicon.version_words):
            return True
    return False


def understand(text: str, history: list[Turn] | tuple[Turn, ...], retriever: Retriever, rules: RuleSet,
               ) -> Query:
    """The `Query` of a cleaned message (see `intent.without_instructions`) and its conversation."""
    turns = clean_history(history)
    facts, stated = stated_facts(text, turns)
    context = conversation_context(text, list(turns))
    followup = context.text if context.is_followup else ""
    # "那语料券呢": a follow-up that asks nothing of its own asks what its earlier turns asked, of what it names.
    only_names = bool(followup) and _ONLY_NAMES.match(fold(text).strip()) is not None
    articles = tuple(locators_in(text)) or neighbour_article(text, followup)
    # "第十七条呢" after "…什么时候施行的" asks for that article; after "第五条罚多少", what the earlier turn asked.
    inherits = only_names and (not articles or bool(locators_in(followup)))
    own_asks = asked(text)
    asks = own_asks or (asked(followup) if inherits else ())
    if any(t.name == "issued" for t in asks) and _issues_another_thing(text, retriever):
        asks = tuple(t for t in asks if t.name != "issued")
    if only_names and not articles:
        articles = tuple(locators_in(followup))  # "那正式稿呢" after "征求意见稿第一条…": the final's article 1
    intent = route(text, facts)
    own = own_case(text, kinds_of(asks), stated, context)
    if intent == "policy" and ((own and stated.has_amount) or states_spending(text, facts)
                               or (stated.has_amount and _COMPUTE_ASKED.search(fold(text)) is not None)):
        # "能补多少" after the amounts were given, "…不算初创，重新算一下": computed, not quoted
        intent = "self_assessment"
    elif intent == "policy" and route(text, stated) == "mixed":
        intent = "mixed"  # "这种情况能申报吗" after where the firm pays tax was said: checked, not quoted
    elif intent == "policy" and only_names and route(followup, stated) in ("mixed", "self_assessment"):
        intent = route(followup, stated)  # "我们是高校，能申请训力券吗" then "那语料券呢": checked the same way
    documents = retriever.document_mentions(text)
    if len(documents) != 1 and context.text:
        # "征求意见稿呢", "征求意见稿那时候…" after a question about a policy: a bare version word, naming every
        # policy's draft alike, names that policy's.
        earlier_named = set(retriever.document_mentions(context.text))
        # "正式稿呢" after "…征求意见稿…": the final text, also when the earlier turn named it too.
        meant = retriever.versions_meant(text, earlier_named) or retriever.versions_among(text, earlier_named)
        if meant:
            documents = {d: documents.get(d, 1) for d in sorted(meant)}
    return Query(
        text=text,
        folded=fold(text),
        language="en" if is_english(text) else "zh",
        intent=intent,
        asks=asks,
        asks_inherited=inherits and not own_asks,
        per_units=frozenset(per_units(text)),
        documents=documents,
        articles=articles,
        items=tuple(rules.match_items(item_text(text))),
        facts=facts,
        stated=stated,
        quoted=tuple(quoted_phrases(text)),
        questions=tuple(questions_in(text)),
        context=context,
        history=turns,
        context_documents=retriever.document_mentions(followup) if followup else {},
        context_items=tuple(rules.match_items(item_text(followup))) if followup else (),
        earlier_items=next((found for t in reversed(turns) if t.role == "user"
                            and (found := tuple(rules.match_items(item_text(t.content))))), ()),
        own_case=own,
        choices=choice_options(text),
        cited_by_article=frozenset(retriever.cited_by_article(text)) if articles else frozenset(),
    )
