"""The pre-check result types: one `PrecheckResult` per support item, every finding with its clause."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from retrieval.models import Citation

Status = Literal["eligible", "ineligible", "needs_info", "not_estimable"]
STATUS_LABELS: Mapping[str, str] = MappingProxyType({
    "eligible": "符合条件",
    "ineligible": "不符合条件",
    "needs_info": "需补充信息",
    "not_estimable": "无法测算金额",
})
ReasonKind = Literal["met", "not_met", "unknown", "not_applicable", "activity", "parameter",
                     "budget", "standard_not_held", "note"]
Verdict = Literal["met", "unmet", "unknown"]
NOT_STATED = "所存文件未载明"  # an application fact no held clause states
APPLICATION_LABELS: Mapping[str, str] = MappingProxyType({
    "window": "申报时间", "materials": "申报材料", "department": "受理部门", "review_mode": "审核方式",
    "stacking": "与其他项目的关系",
})


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
class ConditionVerdict:
    """One applicant condition that applies to this applicant, judged on the profile."""

    text: str
    verdict: Verdict
    citation: Citation

    def to_dict(self) -> dict[str, Any]:
        """JSON shape: ``{"text", "verdict", "citation"}``."""
        return {"text": self.text, "verdict": self.verdict, "citation": self.citation.to_dict()}


@dataclass(frozen=True)
class ApplicationFact:
    """How to apply (window, materials, department, review mode, stacking): a clause's words, or 未载明."""

    text: str
    citation: Citation | None

    def to_dict(self) -> dict[str, Any]:
        """JSON shape: ``{"text", "citation"}`` (citation null when no held clause states it)."""
        return {"text": self.text, "citation": self.citation.to_dict() if self.citation else None}


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
    conditions: tuple[ConditionVerdict, ...] = ()
    irrelevant_unknowns: tuple[str, ...] = ()  # unknown facts the item reads that do not change the result
    alternatives: tuple[str, ...] = ()  # "若…：…" per value of the unknown facts that do matter
    warnings: tuple[str, ...] = ()  # e.g. an amount that looks typed in the wrong unit
    application: Mapping[str, ApplicationFact] = field(default_factory=dict)

    @property
    def status_label(self) -> str:
        """The status in Chinese."""
        return STATUS_LABELS[self.status]

    @property
    def conditions_met(self) -> str:
        """``"X/N"``: conditions met out of those that apply to this applicant."""
        met = sum(1 for c in self.conditions if c.verdict == "met")
        return f"{met}/{len(self.conditions)}"

    def to_dict(self) -> dict[str, Any]:
        """JSON shape of `precheck --json` (DESIGN.md, "Pre-check result per item")."""
        return {
            "item_id": self.item_id,
            "name": self.name,
            "status": self.status,
            "status_label": self.status_label,
            "estimate_wan": self.estimate_wan,
            "formula": self.formula,
            "reasons": [reason.to_dict() for reason in self.reasons],
            "citations": [citation.to_dict() for citation in self.citations],
            "missing": [info.to_dict() for info in self.missing],
            "caveats": [caveat.to_dict() for caveat in self.caveats],
            "conditions": [condition.to_dict() for condition in self.conditions],
            "conditions_met": self.conditions_met,
            "irrelevant_unknowns": list(self.irrelevant_unknowns),
            "alternatives": list(self.alternatives),
            "warnings": list(self.warnings),
            "application": {key: fact.to_dict() for key, fact in self.application.items()},
        }
