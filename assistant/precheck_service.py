"""Run the pre-check engine for the API (a full profile) and for chat (facts stated in a message).

In chat a person rarely states every condition. The estimate is then computed as "if the conditions
not yet stated are met", and those conditions are asked back: they are never assumed silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from prechecks.engine import PrecheckResult, Reason, evaluate
from prechecks.profile import EnterpriseProfile, parse_profile
from prechecks.rules import APPLICATION_KEYS, RuleSet
from retrieval.models import Corpus
from retrieval.text import fold

# What "if met" means for a condition the person did not state.
_FAVOURABLE: dict[str, Any] = {
    "org_type": "enterprise",
    "registered_in_longgang": True,
    "independent_legal_person": True,
    "tax_in_longgang": True,
    "stats_in_longgang": True,
}
MET_PREFIX = "符合："  # how the engine words a met condition
_AMOUNT_FIELDS = ("compute_expense_wan", "training_compute_contract_wan", "corpus_contract_wan")


@dataclass(frozen=True)
class ChatPrecheck:
    """A pre-check result for chat, with the conditions the person still has to confirm."""

    result: PrecheckResult
    to_confirm: tuple[str, ...]  # questions about conditions assumed met for the estimate
    assumed: tuple[str, ...] = ()  # texts of those conditions

    def to_dict(self) -> dict[str, Any]:
        """The result's JSON; conditions assumed for the estimate are marked, not reported as met."""
        data = self.result.to_dict()
        for reason in data["reasons"]:
            condition = reason["text"].removeprefix(MET_PREFIX)
            if reason["kind"] == "met" and condition in self.assumed:
                reason["kind"] = "assumed"
                reason["text"] = f"待确认（测算时按满足计算）：{condition}"
        data["to_confirm"] = list(self.to_confirm)
        return data


def run_precheck(rules: RuleSet, corpus: Corpus, profile: Any) -> list[dict[str, Any]]:
    """Evaluate a full profile (dict or model); raises `ProfileError` on invalid input."""
    model = profile if isinstance(profile, EnterpriseProfile) else parse_profile(profile)
    return [r.to_dict() for r in evaluate(model, rules, corpus)]


def _unstated(rules: RuleSet, item_id: str, stated: dict[str, Any], org_type: str | None,
              ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Questions and texts of an item's conditions the person has not stated."""
    item = rules.item(item_id)
    # An exclusion checked only when stated ("卖方是关联方") is never asked.
    conditions = [c for c in rules.condition_sets[item.applicants].conditions
                  if c.field not in stated and not c.stated_only and (not c.only_for or org_type in c.only_for)]
    return (tuple(dict.fromkeys(c.question for c in conditions)),
            tuple(dict.fromkeys(c.text for c in conditions)))


def chat_precheck(rules: RuleSet, corpus, stated: dict[str, Any], item_ids: set[str] | None = None,
                  ) -> list[ChatPrecheck]:
    """Pre-check the facts stated in a conversation (see module docstring).

    `item_ids` limits the items reported (e.g. to the district's or the city's when the person
    asked about one of them).
    """
    if not any(stated.get(f) is not None for f in _AMOUNT_FIELDS) and not stated.get("activities"):
        return []
    profile = parse_profile({**_FAVOURABLE, **stated})
    org_type = profile.org_type
    out: list[ChatPrecheck] = []
    for result in evaluate(profile, rules, corpus):
        if item_ids is not None and result.item_id not in item_ids:
            continue
        questions, texts = _unstated(rules, result.item_id, stated, org_type)
        if result.status == "ineligible":
            questions = ()
        out.append(ChatPrecheck(result, questions, texts))
    return out


@dataclass(frozen=True)
class EligibilityCheck:
    """The applicant conditions of one condition set, judged on the facts a person stated."""

    title: str  # e.g. 龙岗区申报条件
    reasons: tuple[Reason, ...]  # met / not_met / not_applicable conditions, each with its clause
    to_confirm: tuple[Reason, ...]  # conditions the person has not stated

    @property
    def failed(self) -> tuple[Reason, ...]:
        """The conditions the stated facts do not meet."""
        return tuple(r for r in self.reasons if r.kind == "not_met")


def chat_eligibility(rules: RuleSet, corpus, stated: dict[str, Any], item_ids: set[str] | None = None,
                     ) -> list[EligibilityCheck]:
    """Whether a person may apply at all, before any amount: one check per condition set.

    Only what the person stated is judged (an unstated organisation type is taken to be an
    enterprise, the usual applicant); the other conditions come back in `to_confirm`.
    """
    first_item: dict[str, str] = {}
    for item in rules.items:
        if item_ids is None or item.item_id in item_ids:
            first_item.setdefault(item.applicants, item.item_id)
    if not first_item:
        return []
    profile = parse_profile({**_FAVOURABLE, **stated, "activities": list(first_item.values())})
    results = {r.item_id: r for r in evaluate(profile, rules, corpus)}
    checks = []
    for set_id, item_id in first_item.items():
        _questions, unstated = _unstated(rules, item_id, stated, profile.org_type)
        conditions = [r for r in results[item_id].reasons if r.kind in ("met", "not_met", "not_applicable")]
        assumed = [r for r in conditions if r.kind == "met" and r.text.removeprefix(MET_PREFIX) in unstated]
        checks.append(EligibilityCheck(rules.condition_sets[set_id].title,
                                       tuple(r for r in conditions if r not in assumed), tuple(assumed)))
    return checks


def applicant_clauses(rules: RuleSet, item_ids: tuple[str, ...]) -> list[str]:
    """The clauses stating who may apply for support items (their applicant conditions), in rule order."""
    found = (c.clause for i in item_ids for c in rules.condition_sets[rules.item(i).applicants].conditions)
    return list(dict.fromkeys(found))


def application_clauses(rules: RuleSet, item_ids: tuple[str, ...]) -> list[str]:
    """The clauses stating how to apply for support items (when, what to hand in, who reviews), in rule order."""
    sets = [rules.application_sets[a] for i in item_ids if (a := rules.item(i).application) is not None]
    found = (fact.clause for info in sets for key in APPLICATION_KEYS if (fact := getattr(info, key)) is not None)
    return list(dict.fromkeys(found))


def cited_clauses(rules: RuleSet, item_ids: tuple[str, ...]) -> set[str]:
    """The clauses support items' rules cite: what they support, their rate and cap, budget, missing standard."""
    out: set[str] = set()
    for item_id in item_ids:
        item = rules.item(item_id)
        sources: list[Any] = [item.activity, item.budget, item.standard_not_held]  # each cites a clause
        if item.amount is not None:
            sources += [item.amount.ratio, item.amount.startup_ratio, item.amount.cap]
        out.update(s.clause for s in sources if s is not None)
    return out


def item_clauses(rules: RuleSet, corpus: Corpus, item_ids: tuple[str, ...], standard: bool = False) -> set[str]:
    """Clauses that belong to support items: those their rules cite, and those that name them.

    `standard`: the question asks for the items' support standard; of an item whose rules record that no
    held text states it, only the documents its rules cite may answer (another document naming the same
    kind of project states some other figure)."""
    out: set[str] = set()
    for item_id in item_ids:
        item = rules.item(item_id)
        cited = cited_clauses(rules, (item_id,))
        out.update(cited)
        docs = {c.partition("#")[0] for c in cited} if standard and item.standard_not_held else None
        names = [fold(n) for n in (item.name, *item.synonyms)]
        out.update(c.clause_id for c in corpus.clauses
                   if (docs is None or c.doc_id in docs) and any(n in fold(c.text) for n in names))
    return out
