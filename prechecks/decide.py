"""Deciding with unknown facts: try every value of the unknown discrete facts an item reads.

When every value gives the same status and estimate, the known facts decide the item and the unknown
ones did not matter. Otherwise the alternatives are described in words ("若为初创企业：…；否则：…"),
naming only the facts that change the result. Pure functions; at most 6 × 2⁵ combinations per item.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from prechecks.numbers import fmt
from prechecks.profile import FLAG_PHRASES, ORG_TYPE_LABELS, ORG_TYPES

Outcome = tuple[str, Decimal | None]  # (status, estimate in 万元)
Branch = tuple[tuple[str, ...], Outcome]  # (conditions in words, outcome)


@dataclass(frozen=True)
class Decision:
    """What the unknown facts do to one item's result."""

    outcome: Outcome | None  # the single outcome, when the unknown facts do not change it
    relevant: tuple[str, ...]
    irrelevant: tuple[str, ...]
    alternatives: tuple[str, ...]


def domain(field: str) -> tuple[Any, ...]:
    """Every value a discrete profile fact can take."""
    return ORG_TYPES if field == "org_type" else (True, False)


def outcome_text(outcome: Outcome) -> str:
    """An outcome in words: "符合条件，测算600万元"."""
    status, estimate = outcome
    if status == "eligible":
        return f"符合条件，测算{fmt(estimate)}万元" if estimate is not None else "符合条件"
    return {"ineligible": "不符合条件", "needs_info": "符合申报条件，尚需填报金额",
            "not_estimable": "符合条件，但无法测算金额"}[status]


def _phrase(field: str, values: Sequence[Any]) -> str | None:
    if len(values) == len(domain(field)):
        return None
    if field == "org_type":
        labels = [ORG_TYPE_LABELS[v] for v in ORG_TYPES if v in values]
        joined = "、".join(labels[:-1]) + "或" + labels[-1] if len(labels) > 1 else labels[0]
        return f"为{joined}"
    return FLAG_PHRASES[field][0 if values[0] else 1]


def _branches(rows: list[tuple[tuple[Any, ...], Outcome]], fields: tuple[str, ...]) -> list[Branch]:
    groups: dict[Outcome, list[tuple[Any, ...]]] = {}
    for combo, outcome in rows:
        groups.setdefault(outcome, []).append(combo)
    if len(groups) == 1:
        return [((), next(iter(groups)))]
    described: list[Branch] = []
    for outcome, combos in groups.items():
        values = [sorted(set(c[i] for c in combos), key=domain(f).index) for i, f in enumerate(fields)]
        size = 1
        for v in values:
            size *= len(v)
        if size != len(combos):  # not a product of per-fact value sets: split on the first fact instead
            break
        phrases = tuple(p for p in (_phrase(f, v) for f, v in zip(fields, values)) if p)
        described.append((phrases, outcome))
    else:
        return described
    first, rest = fields[0], fields[1:]
    by_sub: dict[tuple[Branch, ...], list[Any]] = {}
    for value in domain(first):
        sub = [(combo[1:], outcome) for combo, outcome in rows if combo[0] == value]
        by_sub.setdefault(tuple(_branches(sub, rest)), []).append(value)
    out: list[Branch] = []
    for branches, values in by_sub.items():
        head = _phrase(first, values)
        out.extend(((head, *conds) if head else conds, outcome) for conds, outcome in branches)
    return out


def _matters(index: int, results: Mapping[tuple[Any, ...], Outcome]) -> bool:
    seen: dict[tuple[Any, ...], Outcome] = {}
    for combo, outcome in results.items():
        key = combo[:index] + combo[index + 1:]
        if seen.setdefault(key, outcome) != outcome:
            return True
    return False


def decide(unknown: Sequence[str], facts: Mapping[str, Any],
           outcome_of: Callable[[Mapping[str, Any]], Outcome]) -> Decision:
    """Evaluate `outcome_of` for every value of the `unknown` facts (the others as in `facts`)."""
    filled = dict(facts)
    results: dict[tuple[Any, ...], Outcome] = {}
    for combo in itertools.product(*(domain(f) for f in unknown)):
        filled.update(zip(unknown, combo))
        results[combo] = outcome_of(filled)
    distinct = set(results.values())
    if len(distinct) == 1:
        return Decision(distinct.pop(), (), tuple(unknown), ())
    keep = [i for i in range(len(unknown)) if _matters(i, results)]
    relevant = tuple(unknown[i] for i in keep)
    # A fact that never changes the result alone changes nothing: projecting onto the others is exact.
    projected = {tuple(combo[i] for i in keep): outcome for combo, outcome in results.items()}
    branches = _branches(list(projected.items()), relevant)
    # The ways to qualify are spelled out; every other combination fails, which "否则" says once.
    shown = [b for b in branches if b[1][0] != "ineligible"]
    fails = len(shown) < len(branches)
    texts = []
    for position, (conds, outcome) in enumerate(shown):
        last = position == len(shown) - 1 and not fails
        when = "否则" if last or not conds else "若" + "，".join(conds)
        texts.append(f"{when}：{outcome_text(outcome)}")
    if fails:
        texts.append(f"否则：{outcome_text(('ineligible', None))}")
    return Decision(None, relevant, tuple(f for f in unknown if f not in relevant), tuple(texts))
