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
_AMOUNT_FIELDS = ("compute_expense_wan", "training_compute_contract_wan", "corpus_contract_wan")


@dataclass(frozen=True)
class ChatPrecheck:
    """A pre-check result for chat, with the conditions the person still has to confirm."""

    result: PrecheckResult
    to_confirm: tuple[str, ...]  # questions about conditions assumed met for the estimate

    def to_dict(self) -> dict[str, Any]:
        """The result's JSON, plus the questions to confirm."""
        data = self.result.to_dict()
        data["to_confirm"] = list(self.to_confirm)
        return data


def run_precheck(assistant: "PolicyAssistant", profile: Any) -> list[dict[str, Any]]:
    """Evaluate a full profile (dict or model); raises `ProfileError` on invalid input."""
    model = profile if isinstance(profile, EnterpriseProfile) else parse_profile(profile)
    return [r.to_dict() for r in evaluate(model, assistant.rules, assistant.corpus)]


def _unstated_questions(rules: RuleSet, item_id: str, stated: dict[str, Any], org_type: str,
                        ) -> tuple[str, ...]:
    item = rules.item(item_id)
    questions: list[str] = []
    for condition in rules.condition_sets[item.applicants].conditions:
        if condition.field in stated:
            continue
        if condition.only_for and org_type not in condition.only_for:
            continue
        questions.append(condition.question)
    return tuple(dict.fromkeys(questions))


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
        confirm = () if result.status == "ineligible" else \
            _unstated_questions(rules, result.item_id, stated, org_type)
        out.append(ChatPrecheck(result, confirm))
    return out
