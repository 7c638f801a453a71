"""From a message to an answer: understand → retrieve → pre-check → decide support → compose → guard.

Each stage is a function over plain data (`Query`, hits, pre-check results, `Support`, `Context`); every
search happens here (a comparison's per-document searches included), never in a composer. The composer
is chosen by configuration (the LLM one when `PA_LLM_BASE_URL` names a server, falling back to the
extractive one on error or timeout), and the grounding guard checks what every composer wrote: the
extractive answer once written (`GuardedComposer`), a generated one sentence by sentence as it streams.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from assistant.areas import heard_as_held
from assistant.calibration import CALIBRATION as CAL
from assistant.composers.base import Composer, Context
from assistant.composers.document_subject import family_key
from assistant.composers.extractive import ExtractiveComposer, line_by_line, refusal_answer
from assistant.composers.llm import LLMComposer
from assistant.definitions import defining_clauses
from assistant.earlier_versions import earlier_version
from assistant.evidence import Evidence, candidate_evidence, related_documents, supported
from assistant.guard import guard_answer
from assistant.measures import voucher_slips
from assistant.models import Answer, Intent, Turn
from assistant.precheck_service import (
    ChatPrecheck,
    EligibilityCheck,
    applicant_clauses,
    application_clauses,
    chat_eligibility,
    chat_precheck,
    cited_clauses,
    item_clauses,
)
from assistant.resources import Resources
from assistant.support import Support, decide_support, earlier_version_support, outside_scope, refusal_title
from assistant.tables import budgeted_items
from assistant.titles import (
    EDITION_NOTE,
    documents_glossed,
    documents_written,
    named_by_kind_only,
    named_by_version_only,
    narrowed_by_title_words,
)
from assistant.understanding.asks import WHETHER_ELIGIBLE_ASKED, answer_pattern
from assistant.understanding.intent import without_instructions
from assistant.understanding.query import Query, item_text, understand
from prechecks.rules import RuleSet
from retrieval.articles import article_number, sanctions_of, with_sanctions
from retrieval.currency import shipped_known_documents
from retrieval.models import Corpus, Hit, final_version
from retrieval.numerals import short_years
from retrieval.search import SearchFilters, clean_query
from retrieval.text import fold

HELP_TEXT = (
    "您好！我是“政策通”，可以帮您：\n"
    "· 查询龙岗区及深圳市人工智能产业扶持政策的具体条款（回答附条款出处）；\n"
    "· 根据您提供的信息测算可申请的扶持金额，例如：“我们在龙岗注册纳税，去年买算力花了三百万元，能补多少？”；\n"
    "· 说明申报条件、扶持项目、文件是否正式印发等。\n"
    "请直接输入您的问题。"
)
NEGATIVE_AMOUNT_TEXT = ("您提供的金额（{amounts}）是负数，无法测算。"
                        "费用或合同金额不能为负数，请以万元为单位核对后重新提问。")
# A kind of document written just before an article ("条例第四十四条"), naming no document in particular.
_KIND_BEFORE_ARTICLE = re.compile(r"(条例|办法|细则|措施|规定|意见|方案|计划|法)第[一二三四五六七八九十百零〇两\d]+条")
_DISTRICT = re.compile(r"区里|区级|龙岗|细则|longgang")  # 实施细则: the district's rules for its items
_CITY = re.compile(r"市里|市级|深圳市|训力券|语料券|训练")
_LEVEL_NAMED = re.compile(r"([区市])(?:里|级|一级|里面|政府)")


def understand_message(res: Resources, message: str, history: list[Turn] | tuple[Turn, ...]) -> Query | Answer:
    """The `Query` (instructions to the assistant removed), or the help text for a greeting."""
    text = without_instructions(clean_query(message))
    heard = {**heard_as_held(res.corpus, text), **voucher_slips(res.retriever, text), **short_years(text)}
    for typed, held in heard.items():
        text = re.sub(rf"(?<!\d){re.escape(typed)}", held, text)
    query = understand(text, history, res.retriever, res.rules)
    if heard:
        query = replace(query, read_as=tuple(heard.items()))
    if query.intent == "greeting":
        return Answer(text=HELP_TEXT, citations=[], intent=query.intent)
    if len(query.documents) > 1:
        query = replace(query, documents=narrowed_by_title_words(res.retriever, query.text, dict(query.documents)))
    by_version = named_by_version_only(res.retriever, query.text)
    if not query.documents or by_version or named_by_kind_only(res.retriever, query.text):
        written = documents_written(res.retriever, query.text) if query.language == "zh" \
            else documents_glossed(res.retriever, query.text)
        if by_version and written:
            # "工信资金办法征求意见稿…依据的区级财政办法": the version words are of the first title written; a later
            # one is what that text cites.
            written = dict([next(iter(written.items()))])
        if written and not set(written) <= set(query.documents):
            # A title written its own way names its document too, and the versions the message's words mean.
            meant = res.retriever.versions_meant(query.text, set(written))
            query = replace(query, documents={**written, **{d: 1 for d in sorted(meant)}})
    if query.context.is_followup and not query.context_documents:
        # "那下一条呢" after "生成式AI暂行办法第十七条…": the document its earlier turns wrote their own way (or, in
        # English, glossed: "the Shenzhen AI regulation").
        named = documents_written if query.language == "zh" else documents_glossed
        query = replace(query, context_documents=named(res.retriever, query.context.text))
    earlier = earlier_version(res.corpus, query, shipped_known_documents(), res.retriever.named_years(query.text))
    if earlier is not None:
        query = replace(query, earlier_version=earlier.id)
    return query


def retrieve(res: Resources, query: Query) -> list[Hit]:
    """The clauses to answer from, a follow-up searched with its earlier user turns."""
    hits = res.retriever.search(query.text, k=CAL.retrieve_k, context=query.context.text,
                                context_weight=query.context.weight)
    kind = _KIND_BEFORE_ARTICLE.search(query.folded)
    if kind and not query.named_documents:
        # "办法第三条", naming no document: an article of a document of that kind, not a law's article 3.
        of_kind = [h for h in hits if EDITION_NOTE.sub("", h.doc.title).endswith(kind.group(1))]
        hits = of_kind or hits
    if query.named_items and hits:
        hits = with_clauses(res, _items_own_clauses(res, query), hits)
    elif query.asks_conditions and query.named_documents and hits:
        # "哪些单位可以申报实施细则的项目": who may apply for the items of the documents named.
        named = related_documents(res.corpus.documents, set(query.named_documents))
        items = tuple(i.item_id for i in res.rules.items if i.activity.clause.split("#")[0] in named)
        hits = with_clauses(res, applicant_clauses(res.rules, items), hits)
    elif query.asks_conditions and hits and (scope := items_in_scope(query, res.rules)):
        # "没开公司能申请龙岗这个资金吗": who may apply for the items of the level it names.
        hits = with_clauses(res, applicant_clauses(res.rules, tuple(sorted(scope))), hits)
    if "definition" in query.kinds and hits:
        hits = with_clauses(res, defining_clauses(res.corpus, query.folded), hits)  # "什么叫公共数据"
    if "basis" in query.kinds and query.named_documents and hits:
        # "办法依据的是哪些文件": the named document's own clause citing what it is made under ("根据《…》…制定").
        hits = with_clauses(res, basis_clauses(res.corpus, query.named_documents), hits)
    # "…差别待遇怎么罚": the duty's article is found by its words, the penalty by the article it cites.
    return with_sanctions(res.corpus, hits) if query.asks_penalty else hits


_APPLYING = frozenset({"procedure", "materials"})  # how to apply, what to hand in


def _items_own_clauses(res: Resources, query: Query) -> list[str]:
    """Of the support items a message names, the clauses stating what it asks that their names never reach: who
    may apply ("算力扶持申请条件是什么"), how to apply and with what ("算力补贴怎么申请"). These clauses, shared by
    every item of a policy, do not name any."""
    out = applicant_clauses(res.rules, query.named_items) if query.asks_conditions else []
    if query.kinds & _APPLYING:
        out += application_clauses(res.rules, query.named_items)
    if "agency" in query.kinds:
        # Who is in charge of an item: its own clause names the unit responsible ("责任单位：…", "(Note: … Bureau
        # should take charge …)"), whatever else a follow-up's words reach.
        out += [res.rules.item(i).activity.clause for i in query.named_items]
    return list(dict.fromkeys(out))


def basis_clauses(corpus: Corpus, documents: Iterable[str]) -> list[str]:
    """Of some documents, the first clause of each that cites what it is made under."""
    basis = answer_pattern("basis")
    return [c.clause_id for d in documents
            if (c := next((c for c in corpus.doc_clauses(d) if basis.search(fold(c.text))), None)) is not None]


def with_clauses(res: Resources, clause_ids: list[str], hits: list[Hit]) -> list[Hit]:
    """`hits` with the clauses `clause_ids` (those not among them, each once) just below the first."""
    seen = {h.clause.clause_id for h in hits}
    added = [Hit(clause, res.corpus.documents[clause.doc_id], hits[0].score * 0.99)
             for clause_id in dict.fromkeys(clause_ids)
             if clause_id not in seen and (clause := res.corpus.clause(clause_id)) is not None]
    return [hits[0], *added, *hits[1:]]


def version_pairs(corpus: Corpus, named: set[str]) -> list[str]:
    """The named drafts whose final version is named too, and those finals."""
    pairs = {d: final for d in named
             if (final := final_version(corpus, corpus.documents[d])) is not None and final in named}
    return sorted(set(pairs) | set(pairs.values()))


def compared_documents(corpus: Corpus, named: set[str]) -> list[str]:
    """The documents a comparison question sets against each other: a draft and its final version
    when both are named, otherwise every document named (at least two) — unless all are texts about one
    policy (its explanation, its consultation notice): "实施细则" names both, but one policy."""
    pairs = version_pairs(corpus, named)
    if pairs:
        return pairs
    if len({family_key(corpus.documents[d]) for d in named}) < 2:
        return []
    return sorted(named)


def compare(res: Resources, query: Query) -> tuple[Evidence, ...]:
    """For a question that sets named documents against each other ("征求意见稿和正式稿分别…", "A和B是同一个
    吗"): the best supported sentence of each, searched within each; empty unless at least two answer."""
    asks = {t.name for t in query.asks}
    # "训力券最高补多少？语料券呢": a question for each of two items named asks each one's figure.
    if not asks & {"compare", "each"} and not ("several" in asks and len(query.named_items) >= 2):
        return ()
    found: list[Evidence] = []
    # "各是哪天" of two documents is each one's date (document facts); "各多少" of two support items, each one's.
    documents = compared_documents(res.corpus, set(query.documents)) if "compare" in asks else []
    broken: list[Evidence] = []
    searched: dict[str, list[Evidence]] = {}
    for doc_id in documents:
        hits = res.retriever.search(query.text, k=CAL.retrieve_k, filters=SearchFilters(doc_ids=frozenset({doc_id})))
        candidates = searched[doc_id] = candidate_evidence(res.retriever, query, hits, with_context=False)
        evidence = supported(candidates)
        if evidence:
            found.append(evidence[0])
        elif candidates and candidates[0].cut_off:
            broken.append(candidates[0])
    # A version's article held only in part ("第二条…〔以下原文未收录〕") is set beside the other version's article of
    # the same number as far as it is held: what differs may be in the part held.
    found += [b for b in broken if any(f.hit.clause.label == b.hit.clause.label for f in found)]
    found = _parallel_articles(found, searched)
    found.sort(key=lambda e: documents.index(e.hit.doc.doc_id))
    if len(found) < 2:  # no two named documents answer: the support items named, each from its own clauses
        found = list(_compared_items(res, query))
    return tuple(found) if len(found) >= 2 else ()


def _parallel_articles(found: list[Evidence], searched: dict[str, list[Evidence]]) -> list[Evidence]:
    """Versions compared are set side by side at the same article: where the best-found sentence is of an
    article ("第二条"), another version's preamble or other article found for it gives way to that version's
    article of the same number, when the search found it (held whole or in part)."""
    articles = [e for e in found if e.hit.clause.kind == "article"]
    if not articles:
        return found
    anchor = max(articles, key=lambda e: e.score).hit.clause.label
    out = []
    for e in found:
        same = [c for c in searched.get(e.hit.doc.doc_id, []) if c.hit.clause.label == anchor]
        out.append(same[0] if e.hit.clause.label != anchor and same else e)
    return out


def _compared_items(res: Resources, query: Query) -> list[Evidence]:
    """For a question that sets support items against each other ("训力券和语料券哪个比例高"): the best
    supported sentence of each item's own clauses, searched within its documents."""
    found: list[Evidence] = []
    for item in query.named_items if len(query.named_items) >= 2 else ():
        clauses = item_clauses(res.rules, res.corpus, (item,), standard=bool(query.kinds & _STANDARD))
        docs = frozenset(c.partition("#")[0] for c in clauses)
        hits = res.retriever.search(query.text, k=CAL.retrieve_k, filters=SearchFilters(doc_ids=docs))
        # The item's own clauses, stating what is asked: the other item's words in the question are not theirs
        # to cover, so no coverage threshold applies.
        evidence = [e for e in candidate_evidence(res.retriever, query, hits, with_context=False, eligible=clauses)
                    if not e.cut_off]
        if evidence and evidence[0].hit.clause.clause_id not in {e.hit.clause.clause_id for e in found}:
            found.append(evidence[0])
    return found


def items_in_scope(query: Query, rules: RuleSet) -> set[str] | None:
    """District or city items only, when the person asked about one of them (in any of their turns, so
    that a follow-up changing one fact recomputes the same items)."""
    folded = " ".join([query.folded, *(fold(t.content) for t in query.history if t.role == "user")])
    district, city = bool(_DISTRICT.search(folded)), bool(_CITY.search(folded))
    # "（我们在龙岗）…市里能补多少": the level the message itself names decides over the place said earlier.
    level = _LEVEL_NAMED.findall(query.folded)
    if len(set(level)) == 1:
        district, city = level[0] == "区", level[0] == "市"
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


def precheck(res: Resources, query: Query, hits: list[Hit]) -> Assessment | Answer:
    """Amounts and eligibility from the stated facts, or the reply asking back for an impossible amount."""
    intent = query.intent
    # "我们能拿多少…" answered only by an item's budget row: that item is pre-checked instead.
    items = query.assessed_items or _items_amounted(res.rules, query) or \
        (budgeted_items(res.rules, query, hits) if query.own_case else ())
    if items and intent == "policy":
        intent = "self_assessment"
    if not (intent in ("self_assessment", "mixed") or (query.context.is_followup and query.facts.profile)):
        return Assessment(intent, [], [])
    facts = query.stated
    if facts.negative_amounts:
        return Answer(text=NEGATIVE_AMOUNT_TEXT.format(amounts="、".join(facts.negative_amounts)),
                      citations=[], refused=True, intent=intent)
    # A follow-up naming no item ("高校能申请这个吗") is about the items its conversation named; so is a yes/no
    # question asked after an item was ("…语料券怎么补？" then "我们是大学的实验室，也能申请吗"), unlike one asking
    # which items there are ("能申请哪些").
    scope = set(query.named_items or items) \
        or (set(query.earlier_items) if WHETHER_ELIGIBLE_ASKED.search(query.folded) else set()) \
        or items_in_scope(query, res.rules)
    checks = chat_precheck(res.rules, res.corpus, {**facts.profile, "activities": items}, scope)
    if checks and intent == "policy":
        intent = "mixed"
    eligibility = chat_eligibility(res.rules, res.corpus, facts.profile, scope) \
        if not checks and intent == "mixed" else []
    return Assessment(intent, checks, eligibility)


def _items_amounted(rules: RuleSet, query: Query) -> tuple[str, ...]:
    """"想问下训力券怎么补" then "我们签的训练合同是800万，能拿多少": an amount stated for one's own case, naming
    no item, is for the items the conversation asked about whose amount it is (a training contract is also
    compute spending, but the person asked about the voucher)."""
    if query.items or not (query.own_case or query.context.is_followup):  # "要是合同签2000万呢" too
        return ()
    fields = {f for f in query.facts.profile if f.endswith("_wan")}
    return tuple(i for i in query.earlier_items if rules.item(i).activity.amount_field in fields)


_STANDARD = frozenset({"ratio", "cap", "money", "standard"})  # what an item's support standard states


def support(res: Resources, query: Query, hits: list[Hit]) -> Support:
    """Whether the held clauses answer; a question naming a support item is answered from its clauses, one
    naming an article of a document from that article (or, asked how its breach is punished, the clauses
    sanctioning it): a neighbouring article read out as the one asked is the worst answer there is."""
    articles = named_articles(res.corpus, query)
    if articles:
        return decide_support(res.retriever, query, hits, eligible=articles)
    asked = [loc for loc in query.articles if article_number(loc) is not None] if not query.named_documents else []
    if asked:
        # An article asked of no document named ("What does article 10 say?"): that article of a held document,
        # never a clause that only mentions the number ("10条申报项目").
        kind = _KIND_BEFORE_ARTICLE.search(query.folded)
        ids = [c.clause_id for c in res.corpus.clauses if c.kind == "article" and c.locator in asked
               and (kind is None or EDITION_NOTE.sub("", res.corpus.documents[c.doc_id].title).endswith(kind.group(1)))]
        if not ids:
            return Support("no_such_article", note=f"所存文件中没有哪份文件有{asked[0]}，请说明是哪份文件的哪一条。")
        decided = decide_support(res.retriever, query, with_clauses(res, ids, hits), eligible=set(ids))
        if decided.answered:
            return decided
        titles = "、".join(dict.fromkeys(refusal_title(res.corpus.documents[i.split("#")[0]]) for i in ids))
        return replace(decided, note=f"所存文件中有{asked[0]}的是{titles}，请说明问的是哪份文件的{asked[0]}。")
    if query.earlier_version:
        # Of the version a named document replaced, only what held texts say of it answers.
        return outside_scope(query) or earlier_version_support(res.corpus, query)
    named = query.named_items
    if not named:
        return decide_support(res.retriever, query, hits)
    # A document the question names is what it is about, whatever item its words also name (one the earlier
    # turns named is not: "那大模型自主开发扶持给多少" after a question about the rules asks of that item).
    # A clause of conditions or of how to apply that every item shares ("（三）申报条件。") is about the items
    # named, unnamed in it.
    own = _items_own_clauses(res, query)
    subjects = dict.fromkeys(own, " ".join(res.rules.item(i).name for i in named))
    if query.asks_conditions:
        # Who may apply: the applicant conditions, and the activity clause saying whom the item supports.
        eligible = {*own, *(res.rules.item(i).activity.clause for i in named)}
    else:
        eligible = item_clauses(res.rules, res.corpus, named, standard=bool(query.kinds & _STANDARD)) | set(own)
    eligible |= {c.clause_id for d in query.documents for c in res.corpus.doc_clauses(d)}
    names = tuple(n for found in res.rules.names_in(item_text(query.text)).values() for n in found)
    conditions = tuple(c.text for i in applicant_clauses(res.rules, named) if (c := res.corpus.clause(i)) is not None)
    decided = decide_support(res.retriever, query, hits, eligible=eligible, subjects=subjects, item_names=names,
                             item_clause_ids=frozenset(cited_clauses(res.rules, named)), conditions_said=conditions)
    if "materials" in query.kinds and not decided.answered and not decided.note:
        # What to hand in, which no held clause lists: what the rules record of it says where it is.
        said = [f.text for i in named if (a := res.rules.item(i).application) is not None
                and (f := res.rules.application_sets[a].materials) is not None]
        if said:
            return replace(decided, note=f"关于申报材料，所存文件只载明：{said[0]}。")
    return decided


def named_articles(corpus: Corpus, query: Query) -> set[str]:
    """The clause ids of the articles the message names of the documents it names, and of the clauses
    sanctioning them when it asks about a penalty; empty when it names no held article of a named document."""
    ids = {f"{d}#{locator}" for d in query.documents for locator in query.articles}
    held = {i for i in ids if corpus.clause(i) is not None}
    if held and query.asks_penalty:
        held |= {c.clause_id for i in held for c in sanctions_of(corpus, corpus.clause(i))}
    return held


def guard(res: Resources, context: Context, answer: Answer) -> Answer:
    """`answer` without the sentences its citations, calculations and documents do not ground; the
    refusal when no cited sentence remains (`assistant.guard.guard_answer`)."""
    checked = guard_answer(answer, res.corpus.documents)
    return checked if checked is not None else refusal_answer(res, context)


@dataclass(frozen=True)
class GuardedComposer:
    """A composer that writes its answer at once (the extractive one), guarded before anything is shown.

    The LLM composer guards sentence by sentence while it writes (`assistant.compose_llm`), with the tool
    results the model obtained, so it is not wrapped again.
    """

    inner: ExtractiveComposer

    @property
    def name(self) -> str:
        return self.inner.name

    def compose(self, context: Context) -> Answer:
        return guard(self.inner.res, context, self.inner.compose(context))

    def stream(self, context: Context) -> Iterator[str | Answer]:
        return line_by_line(self.compose(context))


def composer_for(res: Resources) -> Composer:
    """The configured composer: the LLM one when a generation backend is configured (the guarded extractive
    one is its fallback)."""
    extractive = GuardedComposer(ExtractiveComposer(res))
    if res.llm is None:
        return extractive
    return LLMComposer(res.llm, extractive, res.precheck_tools, res.corpus.documents)


def _context(res: Resources, message: str, history: list[Turn] | tuple[Turn, ...]) -> Context | Answer:
    query = understand_message(res, message, history)
    if isinstance(query, Answer):
        return query
    outside = outside_scope(query)
    if outside is not None:  # nothing to search for
        return Context(query, [], outside, "out_of_scope")
    hits = retrieve(res, query)
    decided = support(res, query, hits)
    if decided.reason == "figure_not_held" and any(f.endswith("_wan") for f in query.stated.profile):
        # "听说上限改成2000万了，我花了1亿，给我算下": the reported figure is not held; the person's own case is
        # computed by the held rules, after the line saying so.
        assessment = precheck(res, query, hits)
        if isinstance(assessment, Assessment) and assessment.checks:
            return Context(query, hits, decided, assessment.intent, assessment.checks)
    if decided.outside or decided.about_unheld:
        return Context(query, hits, decided, query.intent)  # nothing of the person's own case to compute
    assessment = precheck(res, query, hits)
    if isinstance(assessment, Answer):
        return assessment
    return Context(query, hits, decided, assessment.intent, assessment.checks,
                   assessment.eligibility, compared=compare(res, query))


def _refused_outright(context: Context) -> bool:
    """It asks about a text or version not held, with nothing of the person's own case computed: the refusal,
    written without a composer."""
    return context.support.about_unheld and not context.checks


def ranked_evidence(res: Resources, message: str, history: list[Turn] | tuple[Turn, ...] = (), k: int = 10,
                    ) -> list[Hit]:
    """The clauses the assistant answers from, best first: those its answer cites, in citation order, then the
    rest of what the retrieval stage found. An article asked by number, a document's date or number, an item's
    rule behind a computed amount are found by the later stages, not by the search; a ranking of the search
    alone would not show what the answer stands on. Always the extractive composer: deterministic, and no
    model call for a ranking."""
    context = _context(res, message, history)
    if isinstance(context, Answer):
        return []
    cited = [] if _refused_outright(context) else \
        [c.clause_id for c in GuardedComposer(ExtractiveComposer(res)).compose(context).citations]
    top = context.hits[0].score if context.hits else 1.0
    ranked = [Hit(clause, res.corpus.documents[clause.doc_id], top) for clause_id in dict.fromkeys(cited)
              if (clause := res.corpus.clause(clause_id)) is not None]
    query = context.query
    searched = res.retriever.search(query.text, k=k, context=query.context.text,
                                    context_weight=query.context.weight) if len(context.hits) < k else []
    out: dict[str, Hit] = {}
    for hit in (*ranked, *context.hits, *searched):
        out.setdefault(hit.clause.clause_id, hit)
    return list(out.values())[:k]


def answer(res: Resources, message: str, history: list[Turn] | tuple[Turn, ...] = ()) -> Answer:
    """The answer to a message in its conversation."""
    context = _context(res, message, history)
    if isinstance(context, Answer):
        return context
    if _refused_outright(context):
        return refusal_answer(res, context)
    return composer_for(res).compose(context)


def stream_answer(res: Resources, message: str, history: list[Turn] | tuple[Turn, ...] = (),
                  ) -> Iterator[str | Answer]:
    """Pieces of the answer text as they are ready, then the final `Answer`."""
    context = _context(res, message, history)
    if isinstance(context, Answer) or _refused_outright(context):
        yield from line_by_line(context if isinstance(context, Answer) else refusal_answer(res, context))
        return
    yield from composer_for(res).stream(context)
