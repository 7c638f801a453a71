"""The rules compiled against one corpus: citations resolved and every reason text built once.

`compiled_rules(rules, corpus)` builds the tables on first use and keeps them on the `RuleSet`, so an
evaluation (`prechecks.engine`) only walks conditions and does exact decimal arithmetic.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from prechecks.numbers import HUNDRED, fmt, wan_to_yi
from prechecks.profile import FIELD_LABELS, ORG_TYPE_LABELS, ORG_TYPES
from prechecks.results import NOT_STATED, ApplicationFact, CaveatNote, MissingInfo, Reason
from prechecks.rules import APPLICATION_KEYS, Condition, RulesError, RuleSet, Source, SupportItem
from retrieval.currency import KnownDocuments, currency_notes, shipped_known_documents
from retrieval.models import Citation, Corpus, cite


@dataclass(frozen=True)
class Check:
    """A condition with every text it can produce already built."""

    field: str
    text: str
    citation: Citation
    must_be: bool | None
    allowed: frozenset[str] | None
    only_for: frozenset[str] | None
    met: Reason
    not_met: Mapping[str | None, Reason]  # by the profile's org type (None: not stated)
    unknown: Reason
    not_applicable: Mapping[str, Reason]  # by the profile's org type
    missing: MissingInfo
    stated_only: bool = False


@dataclass(frozen=True)
class AmountTable:
    """``base × ratio`` (startup ratio for some organisation types), capped, with its cited parameters."""

    field: str
    label: str
    activity_text: str
    activity_citation: Citation
    missing: MissingInfo
    ratio: Decimal
    startup_ratio: Decimal | None
    startup_for: frozenset[str]
    startup_missing: MissingInfo | None
    startup_citation: Citation | None
    cap: Decimal | None
    parameters: tuple[Reason, ...]  # ratio and cap
    startup_parameter: Reason | None

    @property
    def cap_base(self) -> Decimal | None:
        """The smallest base amount that reaches the cap at the general ratio."""
        return None if self.cap is None else self.cap * HUNDRED / self.ratio


@dataclass(frozen=True)
class CompiledItem:
    """One support item ready for evaluation."""

    item_id: str
    name: str
    checks: tuple[Check, ...]
    amount: AmountTable | None
    listed: Reason | None  # activity of a non-estimable item, when the profile lists it
    unlisted: Reason | None  # the same when the profile does not list it (overview)
    not_held: Reason | None
    budget: Reason | None
    budget_text: str
    caveats: tuple[tuple[Mapping[Any, tuple[Any, ...]] | None, CaveatNote], ...]
    whole_clauses: Mapping[str, Citation]  # clause id → citation quoting the whole clause
    reads: tuple[str, ...]  # the discrete profile facts (org type, flags) the item's rules read
    reads_by_org: Mapping[str | None, tuple[str, ...]]  # the same, once the org type is known
    questions: Mapping[str, MissingInfo]  # the question to ask for each of them
    application: Mapping[str, ApplicationFact]
    key_fields: tuple[str, ...] = ()  # every profile field a result of this item depends on
    # Results by the values of `key_fields` (results are immutable; see prechecks.engine).
    memo: dict[tuple[Any, ...], Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class CompiledRules:
    """Every item, and which items each amount field feeds."""

    items: tuple[CompiledItem, ...]
    by_amount_field: Mapping[str, frozenset[str]]


class _Citer:
    """Builds citations from rule sources against one corpus, naming the rule on failure."""

    def __init__(self, corpus: Corpus, where: str):
        self.corpus = corpus
        self.where = where
        self.whole: dict[str, Citation] = {}

    def __call__(self, source: Source) -> Citation:
        clause = self.corpus.clause(source.clause)
        doc = self.corpus.documents.get(clause.doc_id) if clause else None
        if clause is None or doc is None:
            raise RulesError(f"{self.where}: 引用的条款 {source.clause} 在语料中不存在")
        self.whole.setdefault(clause.clause_id, cite(clause, doc))
        return cite(clause, doc, source.quote)


def org_list(org_types: frozenset[str] | tuple[str, ...]) -> str:
    """Organisation types in Chinese, in contract order, joined by 、."""
    return "、".join(ORG_TYPE_LABELS[o] for o in ORG_TYPES if o in org_types)


def _compile_check(condition: Condition, citer: _Citer) -> Check:
    citation = citer(condition)
    only_for = frozenset(condition.only_for) if condition.only_for is not None else None
    allowed = frozenset(condition.one_of) if condition.one_of is not None else None
    not_met: dict[str | None, Reason] = {
        org: Reason("not_met", f"不符合：{condition.text}（本单位为{ORG_TYPE_LABELS[org]}）"
                    if allowed is not None else f"不符合：{condition.text}", citation)
        for org in ORG_TYPES
    }
    not_met[None] = Reason("not_met", f"不符合：{condition.text}", citation)
    not_applicable = {
        org: Reason("not_applicable", f"不适用：{condition.text}（该要求仅针对{org_list(only_for)}，"
                    f"本单位为{ORG_TYPE_LABELS[org]}）", citation)
        for org in ORG_TYPES
    } if only_for is not None else {}
    return Check(
        field=condition.field, text=condition.text, citation=citation,
        must_be=condition.must_be, allowed=allowed, only_for=only_for,
        met=Reason("met", f"符合：{condition.text}", citation),
        not_met=MappingProxyType(not_met),
        unknown=Reason("unknown", f"待确认：{condition.text}", citation),
        not_applicable=not_applicable,
        missing=MissingInfo(condition.field, condition.question),
        stated_only=condition.stated_only,
    )


def _budget_text(item: SupportItem) -> str:
    budget = item.budget
    if budget is None:
        return ""
    if budget.by_year is not None:
        years = "、".join(f"{year}年{fmt(value)}万元" for year, value in sorted(budget.by_year.items()))
        return f"{budget.text}：{years}。"
    total = budget.annual_max_wan or Decimal(0)
    in_yi = f"（{fmt(wan_to_yi(total))}亿元）" if total >= 10_000 else ""
    return f"{budget.text}：最高{fmt(total)}万元{in_yi}。"


def _compile_amount(item: SupportItem, citer: _Citer) -> AmountTable | None:
    rule = item.amount
    if rule is None:
        return None
    activity = item.activity
    field = activity.amount_field or ""
    ratio_citation = citer(rule.ratio)
    parameters = [Reason("parameter", f"扶持比例：{fmt(rule.ratio.percent)}%", ratio_citation)]
    if rule.cap is not None:
        parameters.append(Reason("parameter", f"扶持上限：{fmt(rule.cap.wan)}万元", citer(rule.cap)))
    startup = rule.startup_ratio
    startup_citation = citer(startup) if startup is not None else None
    return AmountTable(
        field=field,
        label=FIELD_LABELS[field],
        activity_text=activity.text,
        activity_citation=citer(activity),
        missing=MissingInfo(field, activity.question or ""),
        ratio=rule.ratio.percent,
        startup_ratio=startup.percent if startup is not None else None,
        startup_for=frozenset(startup.only_for or ()) if startup is not None else frozenset(),
        startup_missing=(MissingInfo("is_startup", startup.question or "是否属于初创企业？")
                         if startup is not None else None),
        startup_citation=startup_citation,
        cap=rule.cap.wan if rule.cap is not None else None,
        parameters=tuple(parameters),
        startup_parameter=(Reason("parameter", f"初创企业资助比例：{fmt(startup.percent)}%",
                                  startup_citation)
                           if startup is not None and startup_citation is not None else None),
    )


def _reads(checks: tuple[Check, ...], amount: AmountTable | None) -> tuple[tuple[str, ...], dict[str, MissingInfo]]:
    """The discrete facts an item reads, org type first, and the question for each."""
    questions: dict[str, MissingInfo] = {}
    org_question = next((c.missing for c in checks if c.field == "org_type"), None)
    reads_org = any(c.field == "org_type" or c.only_for is not None for c in checks) or (
        amount is not None and amount.startup_ratio is not None and bool(amount.startup_for))
    if reads_org:
        questions["org_type"] = org_question or MissingInfo(
            "org_type", "贵单位属于哪类主体（法人企业、民办非企业单位、社会团体、高等院校、科研机构或个人）？")
    for check in checks:
        if not check.stated_only:  # never asked: an unknown value decides nothing
            questions.setdefault(check.field, check.missing)
    if amount is not None and amount.startup_missing is not None:
        questions.setdefault("is_startup", amount.startup_missing)
    return tuple(questions), questions


def _application(item: SupportItem, rules: RuleSet, citer: _Citer) -> Mapping[str, ApplicationFact]:
    info = rules.application_sets.get(item.application) if item.application else None
    facts = {}
    for key in APPLICATION_KEYS:
        fact = getattr(info, key) if info is not None else None
        facts[key] = (ApplicationFact(fact.text, citer(fact)) if fact is not None
                      else ApplicationFact(NOT_STATED, None))
    return MappingProxyType(facts)


def _currency_caveats(amount: AmountTable | None, corpus: Corpus, known: KnownDocuments) -> list[CaveatNote]:
    """Where the text an amount is computed from is not current, or a newer version of it is reported but
    not held: the estimate still comes from the held text, and says so (never from the newer record)."""
    if amount is None:
        return []
    notes: dict[str, CaveatNote] = {}
    for reason in amount.parameters:
        doc = corpus.documents[reason.citation.doc_id]
        titles = {d.doc_id: d.short_title for d in corpus.documents.values()}
        for text in currency_notes(doc, held=corpus.documents, titles=titles, known=known):
            notes.setdefault(text, CaveatNote(text, reason.citation))
    return list(notes.values())


def _compile_item(item: SupportItem, rules: RuleSet, corpus: Corpus, known: KnownDocuments) -> CompiledItem:
    citer = _Citer(corpus, f"{rules.item_files[item.item_id]}: {item.item_id}")
    checks = tuple(_compile_check(c, citer) for c in rules.condition_sets[item.applicants].conditions)
    amount = _compile_amount(item, citer)
    listed = unlisted = not_held = None
    if amount is None:
        activity_citation = citer(item.activity)
        listed = Reason("activity", f"已列明开展：{item.activity.text}", activity_citation)
        unlisted = Reason("activity", f"{item.activity.text}（画像未列明是否开展，供参考）",
                          activity_citation)
    if item.standard_not_held is not None:
        not_held = Reason("standard_not_held", item.standard_not_held.text,
                          citer(item.standard_not_held))
    budget_text = _budget_text(item)
    budget = Reason("budget", budget_text, citer(item.budget)) if item.budget is not None else None
    caveats = tuple(
        (rules.caveats[cid].when, CaveatNote(rules.caveats[cid].text, citer(rules.caveats[cid])))
        for cid in item.caveats
    ) + tuple((None, note) for note in _currency_caveats(amount, corpus, known))
    reads, questions = _reads(checks, amount)
    reads_by_org: dict[str | None, tuple[str, ...]] = {None: reads}
    for org in ORG_TYPES:
        used = {c.field for c in checks if c.only_for is None or org in c.only_for}
        if amount is not None and org in amount.startup_for:
            used.add("is_startup")
        reads_by_org[org] = tuple(f for f in reads if f in used and f != "org_type")
    application = _application(item, rules, citer)
    when_fields = [key for when, _ in caveats if when for key in when]
    stated = [c.field for c in checks if c.stated_only]  # not read for the unknown facts, but decide when stated
    key_fields = tuple(dict.fromkeys([*reads, *stated, *when_fields, *([amount.field] if amount else [])]))
    return CompiledItem(
        item_id=item.item_id, name=item.name, checks=checks, amount=amount, listed=listed,
        unlisted=unlisted, not_held=not_held, budget=budget, budget_text=budget_text,
        caveats=caveats, whole_clauses=dict(citer.whole), reads=reads,
        reads_by_org=MappingProxyType(reads_by_org),
        questions=MappingProxyType(questions), application=application, key_fields=key_fields,
    )


def _compile(rules: RuleSet, corpus: Corpus, known: KnownDocuments) -> CompiledRules:
    items = tuple(_compile_item(item, rules, corpus, known) for item in rules.items)
    by_field: dict[str, set[str]] = {}
    for item in items:
        if item.amount is not None:
            by_field.setdefault(item.amount.field, set()).add(item.item_id)
    return CompiledRules(items=items, by_amount_field={k: frozenset(v) for k, v in by_field.items()})


def compiled_rules(rules: RuleSet, corpus: Corpus, known: KnownDocuments | None = None) -> CompiledRules:
    """The engine tables for `rules` against `corpus`, built on first use and kept on `rules`.

    `known`: the registry of documents known but not held (default: the shipped one), for the caveats of
    amounts computed from a text with a newer version reported.
    """
    compiled = rules.compiled.get(corpus.fingerprint)
    if compiled is None:
        compiled = _compile(rules, corpus, known if known is not None else shipped_known_documents())
        rules.compiled[corpus.fingerprint] = compiled
    return compiled
