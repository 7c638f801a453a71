"""Run the pre-check engine for the API (a full profile) and for chat (facts stated in a message).

In chat a person rarely states every condition. The estimate is then computed as "if the conditions
not yet stated are met", and those conditions are asked back: they are never assumed silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from prechecks.engine import PrecheckResult, evaluate
from prechecks.profile import EnterpriseProfile, parse_profile
from prechecks.rules import RuleSet

if TYPE_CHECKING:
    from assistant.service import PolicyAssistant

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


def run_precheck(assistant: "PolicyAssistant", profile: Any) -> list[dict[str, Any]]:
    """Evaluate a full profile (dict or model); raises `ProfileError` on invalid input."""
    model = profile if isinstance(profile, EnterpriseProfile) else parse_profile(profile)
    return [r.to_dict() for r in evaluate(model, assistant.rules, assistant.corpus)]


def _unstated(rules: RuleSet, item_id: str, stated: dict[str, Any], org_type: str,
              ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Questions and texts of an item's conditions the person has not stated."""
    item = rules.item(item_id)
    conditions = [c for c in rules.condition_sets[item.applicants].conditions
                  if c.field not in stated and (not c.only_for or org_type in c.only_for)]
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
