"""The deterministic pre-check engine: profile + rules + corpus → one result per support item.

`evaluate` is a pure function of its arguments: the same profile gives the same results. The rules are
compiled once per corpus (`prechecks.compiled`), so an evaluation only walks conditions and does exact
decimal arithmetic.

Every profile field may be unknown (null). Status semantics:
- ``ineligible``: some condition is definitely not met (a ``false`` flag, a wrong organisation type,
  or a zero amount for an item that supports spending), or no value of the unknown facts qualifies;
- ``needs_info``: the unknown facts change the result (`missing` asks exactly those, `alternatives`
  says what each value gives), or the item's amount is unknown (the formula is given);
- ``not_estimable``: the applicant qualifies as far as the held documents say, but they publish no
  amount standard for the item; the item's published budget is given as context;
- ``eligible``: the conditions are met and the amount is estimated from the cited ratio and cap.
When every value of the unknown facts gives the same status and estimate, that result is reported and
the facts are listed in `irrelevant_unknowns` (`prechecks.decide`).

Which items are reported: those whose amount field the profile gives (zero included) or whose id is in
`activities`; a profile that names no item at all gets every item, as an overview; `item_ids` asks for
given items (the batch screening reports all of them).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any, Literal, cast

from prechecks.compiled import AmountTable, CompiledItem, CompiledRules, compiled_rules, org_list
from prechecks.decide import Outcome, decide
from prechecks.numbers import fmt, percent_of, round_cent, to_decimal, wan_to_yi, yuan_to_wan
from prechecks.profile import FIELD_LABELS, FLAG_PHRASES, ORG_TYPE_LABELS, EnterpriseProfile
from prechecks.results import STATUS_LABELS, CaveatNote, ConditionVerdict, MissingInfo, PrecheckResult, Reason, Status
from prechecks.rules import RuleSet
from retrieval.models import Citation, Corpus

__all__ = [
    "STATUS_LABELS",
    "UNIT_CHECK",
    "CaveatNote",
    "ConditionVerdict",
    "MissingInfo",
    "PrecheckResult",
    "Reason",
    "Status",
    "compiled_rules",
    "evaluate",
    "reported_item_ids",
]


@dataclass(frozen=True)
class UnitCheck:
    """When an amount looks typed in 元 rather than 万元. Not policy numbers: plausibility bounds."""

    # An amount this many times the one that already reaches the item's cap is far above any need.
    far_above_cap_base: Decimal = Decimal(100)
    # A whole multiple of 10,000 this large reads like a 元 figure (800000 = 80万元 in 元).
    round_yuan_min_wan: Decimal = Decimal(10_000)


UNIT_CHECK = UnitCheck()


def _capped(base: Decimal, percent: Decimal, cap: Decimal | None) -> tuple[Decimal, Decimal]:
    """(exact product, result rounded to 0.01 万元 half up, then capped)."""
    exact = percent_of(base, percent)
    product = round_cent(exact)
    return exact, product if cap is None or product <= cap else cap


def _formula(base: Decimal, percent: Decimal, cap: Decimal | None, note: str = "") -> tuple[str, Decimal]:
    """The calculation in words and its result."""
    exact, result = _capped(base, percent, cap)
    product = round_cent(exact)
    sign = "=" if exact == product else "≈"
    text = f"{fmt(base)}万元 × {fmt(percent)}%{note} {sign} {fmt(product)}万元"
    if cap is None:
        return text, result
    if product > cap:
        return f"{text}，超过上限{fmt(cap)}万元，按上限{fmt(cap)}万元计", result
    return f"{text}，未超过上限{fmt(cap)}万元", result


def _method(amount: AmountTable) -> str:
    startup = (f"（初创企业{fmt(amount.startup_ratio)}%）" if amount.startup_ratio is not None else "")
    cap = f"，上限{fmt(amount.cap)}万元" if amount.cap is not None else ""
    return f"{amount.label} × {fmt(amount.ratio)}%{startup}{cap}"


def _applies(when: Mapping[Any, tuple[Any, ...]] | None, facts: Mapping[str, Any]) -> bool:
    return when is None or all(facts.get(key) in values for key, values in when.items())


def _citations(reasons: list[Reason], caveats: list[CaveatNote], item: CompiledItem) -> tuple[Citation, ...]:
    """One citation per clause, in order of use; a clause quoted in several places is quoted whole."""
    by_clause: dict[str, Citation] = {}
    for citation in [r.citation for r in reasons] + [c.citation for c in caveats]:
        seen = by_clause.get(citation.clause_id)
        if seen is None:
            by_clause[citation.clause_id] = citation
        elif seen.quote != citation.quote:
            by_clause[citation.clause_id] = item.whole_clauses[citation.clause_id]
    return tuple(by_clause.values())


Verdict = Literal["met", "unmet", "unknown", "not_applicable"]


def _verdict(check: Any, facts: Mapping[str, Any]) -> Verdict:
    org = facts["org_type"]
    if check.only_for is not None and org is not None and org not in check.only_for:
        return "not_applicable"
    value = facts[check.field]
    if value is None:
        return "unknown"
    if (value in check.allowed) if check.allowed is not None else (value == check.must_be):
        return "met"
    # A requirement for some organisation types fails only once the type is known to be one of them.
    return "unknown" if check.only_for is not None and org is None else "unmet"


def _ratio(amount: AmountTable, facts: Mapping[str, Any]) -> Decimal:
    startup = amount.startup_ratio is not None and facts["org_type"] in amount.startup_for and facts["is_startup"]
    return amount.startup_ratio if startup and amount.startup_ratio is not None else amount.ratio


def _outcome(item: CompiledItem, facts: Mapping[str, Any]) -> Outcome:
    """Status and estimate once every discrete fact the item reads is known."""
    if any(_verdict(check, facts) == "unmet" for check in item.checks):
        return "ineligible", None
    amount = item.amount
    if amount is None:
        return "not_estimable", None
    raw = facts[amount.field]
    if raw is None:
        return "needs_info", None
    base = to_decimal(raw)
    if base == 0:
        return "ineligible", None
    return "eligible", _capped(base, _ratio(amount, facts), amount.cap)[1]


StartupState = Literal["not_applicable", "yes", "no", "unknown"]


def _startup_state(amount: AmountTable, facts: Mapping[str, Any], reasons: list[Reason]) -> StartupState:
    """Whether the startup ratio applies, adding its parameter or note."""
    if amount.startup_parameter is None or amount.startup_citation is None:
        return "not_applicable"
    org, startup = facts["org_type"], facts["is_startup"]
    if org is not None and org not in amount.startup_for:
        if startup:
            reasons.append(Reason(
                "note", f"初创企业资助比例只适用于{org_list(amount.startup_for)}；"
                        f"本单位为{ORG_TYPE_LABELS[org]}，按一般比例{fmt(amount.ratio)}%测算",
                amount.startup_citation))
        return "not_applicable"
    reasons.append(amount.startup_parameter)
    if startup is None or (org is None and startup):
        return "unknown"
    return "yes" if startup else "no"


def _estimate_text(amount: AmountTable, base: Decimal, startup: StartupState) -> str:
    """The formula in words; both ratios while the startup ratio may or may not apply."""
    boosted_ratio = amount.startup_ratio if amount.startup_ratio is not None else amount.ratio
    if startup == "unknown":
        general, _ = _formula(base, amount.ratio, amount.cap)
        boosted, _ = _formula(base, boosted_ratio, amount.cap, "（初创企业）")
        return f"若非初创企业：{general}；若为初创企业：{boosted}"
    if startup == "yes":
        return _formula(base, boosted_ratio, amount.cap, "（初创企业）")[0]
    return _formula(base, amount.ratio, amount.cap)[0]


def unit_warnings(amount: AmountTable, base: Decimal) -> list[str]:
    """A warning when `base` (万元) looks typed in the wrong unit; the estimate is never changed."""
    cap_base = amount.cap_base
    far = cap_base is not None and base > cap_base * UNIT_CHECK.far_above_cap_base
    round_yuan = base >= UNIT_CHECK.round_yuan_min_wan and base % 10_000 == 0
    if not (far or round_yuan):
        return []
    why = (f"是本项达到扶持上限所需金额（{fmt(round_cent(cap_base))}万元）的{fmt(round_cent(base / cap_base))}倍"
           if far and cap_base else "是整万的大额数字，像是以元为单位填写的")
    return [f"{amount.label}填报为{fmt(base)}万元（即{fmt(wan_to_yi(base))}亿元），{why}。本字段单位是万元，"
            f"如果填写的是以元为单位的金额，应为{fmt(yuan_to_wan(base))}万元，请核对后重新测算。"
            f"本结果按所填{fmt(base)}万元计算，未作任何折算。"]


def _conditions(item: CompiledItem, facts: Mapping[str, Any]) -> tuple[list[Reason], list[ConditionVerdict]]:
    reasons: list[Reason] = []
    conditions: list[ConditionVerdict] = []
    org = facts["org_type"]
    for check in item.checks:
        if check.stated_only and facts[check.field] is None:
            continue  # an exclusion the person did not state: nothing to check
        verdict = _verdict(check, facts)
        if verdict == "not_applicable":
            reasons.append(check.not_applicable[org])
            continue
        conditions.append(ConditionVerdict(check.text, verdict, check.citation))
        reasons.append(check.met if verdict == "met" else check.unknown if verdict == "unknown"
                       else check.not_met[org])
    return reasons, conditions


@dataclass(frozen=True)
class _Part:
    """What an item's result owes to the discrete facts and to whether the amount is known (memoised)."""

    before: tuple[Reason, ...]  # the conditions, then the activity (or why the amount is unknown or zero)
    after: tuple[Reason, ...]  # parameters, startup ratio or note, budget
    conditions: tuple[ConditionVerdict, ...]
    startup: StartupState
    failed: tuple[str, ...]
    unknown: tuple[str, ...]  # discrete facts the item reads that the profile leaves unknown
    caveats: tuple[CaveatNote, ...]
    citations: tuple[Citation, ...]


def _part(item: CompiledItem, facts: Mapping[str, Any], listed: bool, base: Decimal | None) -> _Part:
    reasons, conditions = _conditions(item, facts)
    amount = item.amount
    after: list[Reason] = []
    startup: StartupState = "not_applicable"
    used = list(reasons)  # in order of use, for the citations
    if amount is None:
        reasons.extend(r for r in (item.listed if listed else item.unlisted, item.not_held) if r is not None)
        used = list(reasons)
    else:
        if base is None:
            reasons.append(Reason("unknown", f"待确认：{amount.activity_text}的金额（{amount.label}）",
                                  amount.activity_citation))
        elif base == 0:
            reasons.append(Reason("not_met", f"{amount.activity_text}：填报金额为0万元，没有可按比例扶持的费用",
                                  amount.activity_citation))
        used.append(Reason("activity", "", amount.activity_citation))
        after.extend(amount.parameters)
        startup = _startup_state(amount, facts, after)
    if item.budget is not None:
        after.append(item.budget)
    caveats = tuple(note for when, note in item.caveats if _applies(when, facts))
    return _Part(
        before=tuple(reasons), after=tuple(after), conditions=tuple(conditions), startup=startup,
        failed=tuple(r.text.removeprefix("不符合：") for r in reasons if r.kind == "not_met"),
        unknown=tuple(f for f in item.reads_by_org[facts["org_type"]] if facts[f] is None),
        caveats=caveats, citations=_citations(used + after, list(caveats), item),
    )


def _evaluate_item(item: CompiledItem, facts: Mapping[str, Any], listed: bool) -> PrecheckResult:
    amount = item.amount
    raw = facts[amount.field] if amount is not None else None
    base = to_decimal(raw) if raw is not None else None
    state = None if base is None else bool(base)
    key = (listed, state, *(facts[f] for f in item.key_fields if amount is None or f != amount.field))
    part = item.memo.get(("part", key))
    if part is None:
        part = item.memo[("part", key)] = _part(item, facts, listed, base)
    reasons = part.before
    warnings: list[str] = []
    if amount is not None and base:
        reasons += (Reason("activity", f"{amount.activity_text}：填报金额{fmt(base)}万元", amount.activity_citation),)
        warnings = unit_warnings(amount, base)
    reasons += part.after

    status: Status
    estimate: Decimal | None = None
    missing: list[MissingInfo] = []
    irrelevant: tuple[str, ...] = ()
    alternatives: tuple[str, ...] = ()
    calc = _estimate_text(amount, base, part.startup) if amount is not None and base else ""
    if part.failed:
        status, formula = "ineligible", f"不符合申报条件：{'；'.join(part.failed)}。不予测算。"
    else:
        decision = None
        if part.unknown:
            # The decision depends on the amount only through the estimates it gives at each ratio.
            estimates = tuple(_capped(base, r, amount.cap)[1] for r in (amount.ratio, amount.startup_ratio) if r) \
                if amount is not None and base else ()
            decision = item.memo.get(("decision", key, estimates))
            if decision is None:
                decision = item.memo[("decision", key, estimates)] = decide(part.unknown, facts,
                                                                            partial(_outcome, item))
        if decision is None or decision.outcome is not None:
            outcome_status, estimate = decision.outcome if decision is not None else _outcome(item, facts)
            status = cast(Status, outcome_status)  # outcomes are made by _outcome, whose statuses are Status
            irrelevant = decision.irrelevant if decision is not None else ()
        else:
            status, irrelevant, alternatives = "needs_info", decision.irrelevant, decision.alternatives
            missing = [item.questions[f] for f in decision.relevant]
        if amount is not None and base is None and status != "ineligible":
            missing.append(amount.missing)
        relevant = decision.relevant if decision is not None else ()
        formula = _formula_text(item, status, calc, alternatives, relevant, irrelevant)

    return PrecheckResult(
        item_id=item.item_id,
        name=item.name,
        status=status,
        estimate_wan=float(estimate) if estimate is not None else None,
        formula=formula,
        reasons=reasons,
        citations=part.citations,
        missing=tuple(missing),
        caveats=part.caveats,
        conditions=part.conditions,
        irrelevant_unknowns=irrelevant,
        alternatives=alternatives,
        warnings=tuple(warnings),
        application=item.application,
    )


def _whether(field: str) -> str:
    return f"是否{FLAG_PHRASES[field][0]}" if field in FLAG_PHRASES else FIELD_LABELS[field]


def _formula_text(item: CompiledItem, status: Status, calc: str, alternatives: tuple[str, ...],
                  relevant: tuple[str, ...], irrelevant: tuple[str, ...]) -> str:
    """The calculation (or why there is none) in words, with the alternatives the unknown facts leave."""
    amount = item.amount
    choices = "；".join(alternatives) + "。" if alternatives else ""
    unaffected = (f"（无论{'、'.join(_whether(f) for f in irrelevant)}，结果相同）"
                  if irrelevant and status != "ineligible" else "")
    if status == "eligible":
        return calc + unaffected
    if status == "not_estimable":
        return f"已收录文件未公布该项目的扶持标准，无法测算金额。{item.budget_text}"
    if status == "ineligible":
        return "不符合申报条件：任何情况下均不符合。不予测算。"
    if calc:
        if relevant == ("is_startup",):
            return calc  # the formula already gives the result at both ratios
        return f"如符合全部申报条件：{calc}。{choices}"
    if amount is not None:
        return f"尚缺信息，暂无法测算（测算方法：{_method(amount)}）。{choices}{unaffected}"
    return f"尚缺信息；已收录文件未公布该项目的扶持标准，无法测算金额。{item.budget_text}{choices}"


MEMO_LIMIT = 50_000  # entries kept per item; a batch repeats the same few combinations of facts


def _memo_evaluate(item: CompiledItem, facts: Mapping[str, Any], listed: bool) -> PrecheckResult:
    """`_evaluate_item`, remembered by the facts the item depends on (it is a pure function of them)."""
    key = ("result", listed, *(facts[f] for f in item.key_fields))
    result = item.memo.get(key)
    if result is None:
        if len(item.memo) >= MEMO_LIMIT:
            item.memo.clear()
        result = item.memo[key] = _evaluate_item(item, facts, listed)
    return result


def _selected(compiled: CompiledRules, profile: EnterpriseProfile,
              item_ids: Collection[str] | None) -> list[CompiledItem]:
    if item_ids is not None:
        return [item for item in compiled.items if item.item_id in item_ids]
    named: set[str] = set(profile.activities)
    for field, ids in compiled.by_amount_field.items():
        if getattr(profile, field) is not None:
            named |= ids
    return [item for item in compiled.items if not named or item.item_id in named]


def reported_item_ids(profile: EnterpriseProfile, rules: RuleSet, corpus: Corpus) -> list[str]:
    """Ids of the items `evaluate` reports for `profile` (see the module docstring), in rule order."""
    return [item.item_id for item in _selected(compiled_rules(rules, corpus), profile, None)]


def evaluate(profile: EnterpriseProfile, rules: RuleSet, corpus: Corpus,
             item_ids: Collection[str] | None = None) -> list[PrecheckResult]:
    """Pre-check `profile` against every relevant support item of `rules`; deterministic and pure.

    Raises `RulesError` when a rule cites a clause the corpus does not have (run the linter first).
    """
    facts = profile.__dict__  # read only: the field values by name, without a copy
    listed = profile.activities
    return [_memo_evaluate(item, facts, item.item_id in listed)
            for item in _selected(compiled_rules(rules, corpus), profile, item_ids)]
