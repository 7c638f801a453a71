"""The deterministic pre-check engine: profile + rules + corpus → one result per support item.

`evaluate` is a pure function of its arguments: the same profile gives the same results. The rules are
compiled once per corpus (citations resolved, reason texts built) and the compiled tables are kept on
the `RuleSet` instance, so an evaluation only walks conditions and does exact decimal arithmetic.

Status semantics (they follow the development cases in eval/data/precheck_dev.jsonl):
- ``ineligible``: some condition is definitely not met (a ``false`` flag, a wrong organisation type,
  or a zero amount for an item that supports spending);
- ``needs_info``: nothing failed but a needed fact is missing (a null flag, the item's amount, or the
  startup flag where it changes the ratio); `missing` lists the questions to ask;
- ``not_estimable``: the applicant qualifies as far as the held documents say, but they publish no
  amount standard for the item; the item's published budget is given as context;
- ``eligible``: every condition is met and the amount is estimated from the cited ratio and cap.

Which items are reported: those whose amount field the profile gives (zero included) or whose id is in
`activities`; a profile that names no item at all gets every item, as an overview.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Literal

from prechecks.numbers import fmt, percent_of, round_cent, to_decimal, wan_to_yi
from prechecks.profile import FIELD_LABELS, ORG_TYPE_LABELS, ORG_TYPES, EnterpriseProfile
from prechecks.rules import Condition, RulesError, RuleSet, Source, SupportItem
from retrieval.models import Citation, Corpus, cite

Status = Literal["eligible", "ineligible", "needs_info", "not_estimable"]
STATUS_LABELS: Mapping[str, str] = MappingProxyType({
    "eligible": "符合条件",
    "ineligible": "不符合条件",
    "needs_info": "需补充信息",
    "not_estimable": "无法测算金额",
})
ReasonKind = Literal["met", "not_met", "unknown", "not_applicable", "activity", "parameter",
                     "budget", "standard_not_held", "note"]


@dataclass(frozen=True)
class Reason:
    """One finding behind a result, with the clause it rests on."""

    kind: ReasonKind
    text: str
    citation: Citation

    def to_dict(self) -> dict[str, Any]:
        """JSON shape: ``{"kind", "text", "citation"}``."""
        return {"kind": self.kind, "text": self.text, "citation": self.citation.to_dict()}


@dataclass(frozen=True)
class MissingInfo:
    """A fact the profile lacks, as the profile field and the question to ask."""

    field: str
    question: str

    def to_dict(self) -> dict[str, str]:
        """JSON shape: ``{"field", "question"}``."""
        return {"field": self.field, "question": self.question}


@dataclass(frozen=True)
class CaveatNote:
    """A warning that qualifies a result (pro-rata reduction, draft status, review), with its clause."""

    text: str
    citation: Citation

    def to_dict(self) -> dict[str, Any]:
        """JSON shape: ``{"text", "citation"}``."""
        return {"text": self.text, "citation": self.citation.to_dict()}


@dataclass(frozen=True)
class PrecheckResult:
    """The pre-check of one support item for one profile."""

    item_id: str
    name: str
    status: Status
    estimate_wan: float | None
    formula: str
    reasons: tuple[Reason, ...]
    citations: tuple[Citation, ...]
    missing: tuple[MissingInfo, ...]
    caveats: tuple[CaveatNote, ...]

    @property
    def status_label(self) -> str:
        """The status in Chinese."""
        return STATUS_LABELS[self.status]

    def to_dict(self) -> dict[str, Any]:
        """JSON shape of `precheck --json` (DESIGN.md) plus ``missing`` and ``caveats``."""
        return {
            "item_id": self.item_id,
            "name": self.name,
            "status": self.status,
            "estimate_wan": self.estimate_wan,
            "formula": self.formula,
            "reasons": [reason.to_dict() for reason in self.reasons],
            "citations": [citation.to_dict() for citation in self.citations],
            "missing": [info.to_dict() for info in self.missing],
            "caveats": [caveat.to_dict() for caveat in self.caveats],
        }


# --- compiled rules -------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Check:
    """A condition with every text it can produce already built."""

    field: str
    must_be: bool | None
    allowed: frozenset[str] | None
    only_for: frozenset[str] | None
    met: Reason
    not_met: Mapping[str, Reason]  # by the profile's org type
    unknown: Reason
    not_applicable: Mapping[str, Reason]  # by the profile's org type
    missing: MissingInfo


@dataclass(frozen=True)
class _Amount:
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


@dataclass(frozen=True)
class _Item:
    item_id: str
    name: str
    checks: tuple[_Check, ...]
    amount: _Amount | None
    listed: Reason | None  # activity of a non-estimable item, when the profile lists it
    unlisted: Reason | None  # the same when the profile does not list it (overview)
    not_held: Reason | None
    budget: Reason | None
    budget_text: str
    caveats: tuple[tuple[Mapping[Any, tuple[Any, ...]] | None, CaveatNote], ...]
    whole_clauses: Mapping[str, Citation]  # clause id → citation quoting the whole clause


@dataclass(frozen=True)
class _Compiled:
    items: tuple[_Item, ...]
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


def _org_list(org_types: frozenset[str] | tuple[str, ...]) -> str:
    return "、".join(ORG_TYPE_LABELS[o] for o in ORG_TYPES if o in org_types)


def _compile_check(condition: Condition, citer: _Citer) -> _Check:
    citation = citer(condition)
    only_for = frozenset(condition.only_for) if condition.only_for is not None else None
    allowed = frozenset(condition.one_of) if condition.one_of is not None else None
    not_met = {
        org: Reason("not_met", f"不符合：{condition.text}（本单位为{ORG_TYPE_LABELS[org]}）"
                    if allowed is not None else f"不符合：{condition.text}", citation)
        for org in ORG_TYPES
    }
    not_applicable = {
        org: Reason("not_applicable", f"不适用：{condition.text}（该要求仅针对{_org_list(only_for)}，"
                    f"本单位为{ORG_TYPE_LABELS[org]}）", citation)
        for org in ORG_TYPES
    } if only_for is not None else {}
    return _Check(
        field=condition.field,
        must_be=condition.must_be,
        allowed=allowed,
        only_for=only_for,
        met=Reason("met", f"符合：{condition.text}", citation),
        not_met=not_met,
        unknown=Reason("unknown", f"待确认：{condition.text}", citation),
        not_applicable=not_applicable,
        missing=MissingInfo(condition.field, condition.question),
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


def _compile_amount(item: SupportItem, citer: _Citer) -> _Amount | None:
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
    return _Amount(
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


def _compile_item(item: SupportItem, rules: RuleSet, corpus: Corpus) -> _Item:
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
    )
    return _Item(
        item_id=item.item_id, name=item.name, checks=checks, amount=amount, listed=listed,
        unlisted=unlisted, not_held=not_held, budget=budget, budget_text=budget_text,
        caveats=caveats, whole_clauses=dict(citer.whole),
    )


def _compile(rules: RuleSet, corpus: Corpus) -> _Compiled:
    items = tuple(_compile_item(item, rules, corpus) for item in rules.items)
    by_field: dict[str, set[str]] = {}
    for item in items:
        if item.amount is not None:
            by_field.setdefault(item.amount.field, set()).add(item.item_id)
    return _Compiled(items=items, by_amount_field={k: frozenset(v) for k, v in by_field.items()})


def compiled_rules(rules: RuleSet, corpus: Corpus) -> _Compiled:
    """The engine tables for `rules` against `corpus`, built on first use and kept on `rules`."""
    compiled = rules.compiled.get(corpus.fingerprint)
    if compiled is None:
        compiled = _compile(rules, corpus)
        rules.compiled[corpus.fingerprint] = compiled
    return compiled


# --- evaluation -----------------------------------------------------------------------------------

def _formula(base: Decimal, percent: Decimal, cap: Decimal | None, note: str = "") -> tuple[str, Decimal]:
    """The calculation in words and its result, rounded to 0.01 万元 half up, then capped."""
    exact = percent_of(base, percent)
    product = round_cent(exact)
    sign = "=" if exact == product else "≈"
    text = f"{fmt(base)}万元 × {fmt(percent)}%{note} {sign} {fmt(product)}万元"
    if cap is None:
        return text, product
    if product > cap:
        return f"{text}，超过上限{fmt(cap)}万元，按上限{fmt(cap)}万元计", cap
    return f"{text}，未超过上限{fmt(cap)}万元", product


def _method(amount: _Amount) -> str:
    startup = (f"（初创企业{fmt(amount.startup_ratio)}%）" if amount.startup_ratio is not None else "")
    cap = f"，上限{fmt(amount.cap)}万元" if amount.cap is not None else ""
    return f"{amount.label} × {fmt(amount.ratio)}%{startup}{cap}"


def _applies(when: Mapping[Any, tuple[Any, ...]] | None, profile: EnterpriseProfile) -> bool:
    return when is None or all(getattr(profile, key) in values for key, values in when.items())


def _citations(reasons: list[Reason], caveats: list[CaveatNote], item: _Item) -> tuple[Citation, ...]:
    """One citation per clause, in order of use; a clause quoted in several places is quoted whole."""
    by_clause: dict[str, Citation] = {}
    for citation in [r.citation for r in reasons] + [c.citation for c in caveats]:
        seen = by_clause.get(citation.clause_id)
        if seen is None:
            by_clause[citation.clause_id] = citation
        elif seen.quote != citation.quote:
            by_clause[citation.clause_id] = item.whole_clauses[citation.clause_id]
    return tuple(by_clause.values())


def _check_conditions(item: _Item, profile: EnterpriseProfile) -> tuple[list[Reason], list[MissingInfo]]:
    """The applicant conditions: a reason for each, and a question for each unknown one."""
    reasons: list[Reason] = []
    missing: list[MissingInfo] = []
    org = profile.org_type
    for check in item.checks:
        if check.only_for is not None and org not in check.only_for:
            reasons.append(check.not_applicable[org])
            continue
        value = getattr(profile, check.field)
        if value is None:
            reasons.append(check.unknown)
            missing.append(check.missing)
        elif (value in check.allowed) if check.allowed is not None else (value == check.must_be):
            reasons.append(check.met)
        else:
            reasons.append(check.not_met[org])
    return reasons, missing


StartupState = Literal["not_applicable", "yes", "no", "unknown"]


def _startup_state(amount: _Amount, profile: EnterpriseProfile, reasons: list[Reason],
                   missing: list[MissingInfo]) -> StartupState:
    """Whether the startup ratio applies, adding its reason, note or question."""
    if amount.startup_parameter is None or amount.startup_citation is None:
        return "not_applicable"
    org = profile.org_type
    if org not in amount.startup_for:
        if profile.is_startup:
            reasons.append(Reason(
                "note", f"初创企业资助比例只适用于{_org_list(amount.startup_for)}；"
                        f"本单位为{ORG_TYPE_LABELS[org]}，按一般比例{fmt(amount.ratio)}%测算",
                amount.startup_citation))
        return "not_applicable"
    reasons.append(amount.startup_parameter)
    if profile.is_startup is None:
        if amount.startup_missing is not None:
            missing.append(amount.startup_missing)
        return "unknown"
    return "yes" if profile.is_startup else "no"


def _estimate(amount: _Amount, base: Decimal, startup: StartupState) -> tuple[str, Decimal | None]:
    """The formula in words and the estimate (None while the startup status is unknown)."""
    boosted_ratio = amount.startup_ratio if amount.startup_ratio is not None else amount.ratio
    if startup == "unknown":
        general, _ = _formula(base, amount.ratio, amount.cap)
        boosted, _ = _formula(base, boosted_ratio, amount.cap, "（初创企业）")
        return f"若非初创企业：{general}；若为初创企业：{boosted}", None
    if startup == "yes":
        return _formula(base, boosted_ratio, amount.cap, "（初创企业）")
    return _formula(base, amount.ratio, amount.cap)


def _evaluate_item(item: _Item, profile: EnterpriseProfile, listed: bool) -> PrecheckResult:
    reasons, missing = _check_conditions(item, profile)
    formula = ""
    estimate: Decimal | None = None
    amount = item.amount
    if amount is None:
        activity = item.listed if listed else item.unlisted
        reasons.extend(r for r in (activity, item.not_held) if r is not None)
    else:
        raw = getattr(profile, amount.field)
        base = to_decimal(raw) if raw is not None else None
        if base is None:
            reasons.append(Reason("unknown", f"待确认：{amount.activity_text}的金额（{amount.label}）",
                                  amount.activity_citation))
            missing.append(amount.missing)
        elif base == 0:
            reasons.append(Reason("not_met", f"{amount.activity_text}：填报金额为0万元，没有可按比例扶持的费用",
                                  amount.activity_citation))
        else:
            reasons.append(Reason("activity", f"{amount.activity_text}：填报金额{fmt(base)}万元",
                                  amount.activity_citation))
        reasons.extend(amount.parameters)
        startup = _startup_state(amount, profile, reasons, missing)
        if base is not None and base > 0:
            formula, estimate = _estimate(amount, base, startup)
            if missing and startup != "unknown":
                formula, estimate = f"如符合全部申报条件：{formula}", None

    failed = [r.text.removeprefix("不符合：") for r in reasons if r.kind == "not_met"]
    if failed:
        status: Status = "ineligible"
        formula = f"不符合申报条件：{'；'.join(failed)}。不予测算。"
        estimate, missing = None, []
    elif missing:
        status = "needs_info"
        if not formula:
            formula = (f"尚缺信息，暂无法测算（测算方法：{_method(amount)}）。" if amount is not None
                       else f"尚缺信息；已收录文件未公布该项目的扶持标准，无法测算金额。{item.budget_text}")
    elif amount is None:
        status = "not_estimable"
        formula = f"已收录文件未公布该项目的扶持标准，无法测算金额。{item.budget_text}"
    else:
        status = "eligible"

    if item.budget is not None:
        reasons.append(item.budget)
    caveats = [note for when, note in item.caveats if _applies(when, profile)]
    return PrecheckResult(
        item_id=item.item_id,
        name=item.name,
        status=status,
        estimate_wan=float(estimate) if estimate is not None else None,
        formula=formula,
        reasons=tuple(reasons),
        citations=_citations(reasons, caveats, item),
        missing=tuple(missing),
        caveats=tuple(caveats),
    )


def _selected(compiled: _Compiled, profile: EnterpriseProfile) -> list[_Item]:
    named: set[str] = set(profile.activities)
    for field, item_ids in compiled.by_amount_field.items():
        if getattr(profile, field) is not None:
            named |= item_ids
    return [item for item in compiled.items if not named or item.item_id in named]


def reported_item_ids(profile: EnterpriseProfile, rules: RuleSet, corpus: Corpus) -> list[str]:
    """Ids of the items `evaluate` reports for `profile` (see the module docstring), in rule order."""
    return [item.item_id for item in _selected(compiled_rules(rules, corpus), profile)]


def evaluate(profile: EnterpriseProfile, rules: RuleSet, corpus: Corpus) -> list[PrecheckResult]:
    """Pre-check `profile` against every relevant support item of `rules`; deterministic and pure.

    Raises `RulesError` when a rule cites a clause the corpus does not have (run the linter first).
    """
    listed = profile.activities
    return [_evaluate_item(item, profile, item.item_id in listed)
            for item in _selected(compiled_rules(rules, corpus), profile)]
