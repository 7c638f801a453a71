"""Support-item rules as data: the schema of `prechecks/rules/*.yaml` and the loaded `RuleSet`.

Each file may define condition sets (who may apply), caveats, and support items; the ids of all three
share one namespace across files, so an item in one file can use a caveat from another (the pro-rata
reduction of the Longgang fund measures, for example). Every condition and parameter carries a source,
a clause id and the words quoted from it; `prechecks.lint` checks them against the corpus.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from prechecks.numbers import to_decimal
from prechecks.profile import AmountField, FlagField, OrgType, SupportItemId

RULES_DIR = Path(__file__).resolve().parent / "rules"


def _exact_decimal(value: Any) -> Any:
    # YAML gives floats; going through str keeps 0.3 as 0.3 rather than its binary approximation.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return to_decimal(value)
    return value


Number = Annotated[Decimal, BeforeValidator(_exact_decimal), Field(ge=0)]


class RulesError(ValueError):
    """A rule file that cannot be loaded; the message names the file and the problem."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    """Where a rule comes from: a clause id and the words quoted from that clause."""

    clause: str = Field(min_length=3)
    quote: str = Field(min_length=1)


class Condition(Source):
    """One eligibility condition on a profile field: it must be true, or be one of a set of values."""

    id: str
    field: Literal["org_type"] | FlagField
    must_be: bool | None = None
    one_of: tuple[OrgType, ...] | None = None
    only_for: tuple[OrgType, ...] | None = None  # checked only for these organisation types
    # An exclusion checked only when the person states the fact ("卖方是我们的子公司"); never asked, and an
    # unknown value decides nothing (the rule's own wording says the rest, e.g. the amount field's label).
    stated_only: bool = False
    text: str
    question: str

    @model_validator(mode="after")
    def _one_test(self) -> Condition:
        if (self.must_be is None) == (self.one_of is None):
            raise ValueError(f"条件 {self.id}: must_be 与 one_of 必须且只能填写一个")
        if self.one_of is not None and self.field != "org_type":
            raise ValueError(f"条件 {self.id}: one_of 只能用于 org_type")
        if self.must_be is not None and self.field == "org_type":
            raise ValueError(f"条件 {self.id}: org_type 须使用 one_of")
        return self


class ConditionSet(_Strict):
    """The conditions an applicant must meet for the items that refer to this set."""

    title: str
    conditions: tuple[Condition, ...] = Field(min_length=1)


class Caveat(Source):
    """A warning shown with a result, optionally only when profile fields have given values."""

    text: str
    when: Mapping[Literal["org_type"] | FlagField, tuple[Any, ...]] | None = None


class Activity(Source):
    """What the item supports; for estimable items, the profile field holding its base amount."""

    text: str
    amount_field: AmountField | None = None
    question: str | None = None


class Ratio(Source):
    """A support ratio in percent, optionally limited to some organisation types (startup ratio)."""

    percent: Number = Field(gt=0, le=100)
    only_for: tuple[OrgType, ...] | None = None
    question: str | None = None


class Cap(Source):
    """The most one applicant may receive, in 万元."""

    wan: Number


class AmountRule(_Strict):
    """``base × ratio``, with an optional startup ratio, capped."""

    ratio: Ratio
    startup_ratio: Ratio | None = None
    cap: Cap | None = None


class Budget(Source):
    """Published funding of the item as a whole (not per applicant), in 万元, with what it is."""

    text: str
    by_year: Mapping[int, Number] | None = None
    annual_max_wan: Number | None = None

    @model_validator(mode="after")
    def _one_form(self) -> Budget:
        if (self.by_year is None) == (self.annual_max_wan is None):
            raise ValueError("budget: by_year 与 annual_max_wan 必须且只能填写一个")
        return self


class NotHeld(Source):
    """Why no amount can be estimated: the held documents do not publish the standard."""

    text: str


class ApplicationFact(Source):
    """One fact about how to apply (window, materials, …), in the words of the clause it comes from."""

    text: str


APPLICATION_KEYS: tuple[str, ...] = ("window", "materials", "department", "review_mode", "stacking")


class ApplicationInfo(_Strict):
    """How to apply for the items that refer to it; a fact no held clause states is left out."""

    window: ApplicationFact | None = None
    materials: ApplicationFact | None = None
    department: ApplicationFact | None = None
    review_mode: ApplicationFact | None = None
    stacking: ApplicationFact | None = None


class SupportItem(_Strict):
    """One support item: who may apply, what it covers, how much, and where each rule comes from."""

    item_id: SupportItemId
    name: str
    synonyms: tuple[str, ...] = ()
    applicants: str
    activity: Activity
    amount: AmountRule | None = None
    standard_not_held: NotHeld | None = None
    budget: Budget | None = None
    caveats: tuple[str, ...] = ()
    application: str | None = None  # an id of `application_sets`

    @model_validator(mode="after")
    def _amount_or_reason(self) -> SupportItem:
        if (self.amount is None) == (self.standard_not_held is None):
            raise ValueError(f"{self.item_id}: amount 与 standard_not_held 必须且只能填写一个")
        if self.amount is not None and (self.activity.amount_field is None or not self.activity.question):
            raise ValueError(f"{self.item_id}: 可测算项目的 activity 须填写 amount_field 和 question")
        if self.amount is None and self.activity.amount_field is not None:
            raise ValueError(f"{self.item_id}: 不可测算项目的 activity 不应填写 amount_field")
        return self

    @property
    def estimable(self) -> bool:
        """True when the held documents publish an amount formula for this item."""
        return self.amount is not None


class RuleFile(_Strict):
    """The content of one YAML rule file."""

    policy: str
    unit: Literal["万元"]
    condition_sets: Mapping[str, ConditionSet] = Field(default_factory=dict)
    caveats: Mapping[str, Caveat] = Field(default_factory=dict)
    application_sets: Mapping[str, ApplicationInfo] = Field(default_factory=dict)
    items: tuple[SupportItem, ...] = ()


@dataclass(frozen=True)
class LoadedFile:
    """A rule file and where it was read from."""

    path: Path
    rules: RuleFile


@dataclass(frozen=True)
class RuleSet:
    """All rule files of a directory, with their ids resolved across files."""

    files: tuple[LoadedFile, ...]
    items: tuple[SupportItem, ...]
    condition_sets: Mapping[str, ConditionSet]
    caveats: Mapping[str, Caveat]
    item_files: Mapping[str, Path]
    application_sets: Mapping[str, ApplicationInfo] = field(default_factory=dict)
    # Engine tables compiled against a corpus, keyed by the corpus fingerprint (see prechecks.engine).
    compiled: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def item(self, item_id: str) -> SupportItem:
        """The item with this id; KeyError if there is none."""
        for item in self.items:
            if item.item_id == item_id:
                return item
        raise KeyError(item_id)

    def match_items(self, text: str) -> list[str]:
        """Ids of the items whose id, name or a synonym occurs in `text` (case-insensitive)."""
        return list(self.names_in(text))

    def names_in(self, text: str) -> dict[str, tuple[str, ...]]:
        """By item id, the id, name and synonyms of each item that occur in `text` (case-insensitive)."""
        lowered = text.lower()
        found = {item.item_id: tuple(t for t in (item.item_id, item.name, *item.synonyms) if t.lower() in lowered)
                 for item in self.items}
        return {item_id: names for item_id, names in found.items() if names}


def _load_file(path: Path) -> RuleFile:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesError(f"{path}: 无法读取规则文件：{exc}") from None
    except yaml.YAMLError as exc:
        raise RulesError(f"{path}: YAML 格式错误：{exc}") from None
    if not isinstance(data, dict):
        raise RulesError(f"{path}: 规则文件必须是键值对（YAML mapping）")
    try:
        return RuleFile.model_validate(data)
    except ValidationError as exc:
        details = "; ".join(f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors())
        raise RulesError(f"{path}: 规则格式错误：{details}") from None


def _merge(kind: str, target: dict[str, Any], origin: dict[str, Path], new: Mapping[str, Any],
           path: Path) -> None:
    for key, value in new.items():
        if key in target:
            raise RulesError(f"{path}: {kind} {key!r} 与 {origin[key]} 中的定义重复")
        target[key] = value
        origin[key] = path


def load_rules(rules_dir: Path | None = None) -> RuleSet:
    """Load every ``*.yaml`` rule file of `rules_dir` (default: the packaged rules) into a `RuleSet`.

    Raises `RulesError` naming the file on a malformed file, a duplicate id or an unresolved reference.
    Whether quotes and numbers match the corpus is the linter's job (`prechecks.lint.lint_rules`).
    """
    directory = Path(rules_dir) if rules_dir is not None else RULES_DIR
    if not directory.is_dir():
        raise RulesError(f"{directory}: 规则目录不存在")
    paths = sorted(directory.glob("*.yaml"))
    if not paths:
        raise RulesError(f"{directory}: 规则目录中没有 .yaml 规则文件")
    files = tuple(LoadedFile(path, _load_file(path)) for path in paths)
    condition_sets: dict[str, ConditionSet] = {}
    caveats: dict[str, Caveat] = {}
    items: dict[str, SupportItem] = {}
    applications: dict[str, ApplicationInfo] = {}
    application_origin: dict[str, Path] = {}
    set_origin: dict[str, Path] = {}
    caveat_origin: dict[str, Path] = {}
    item_origin: dict[str, Path] = {}
    for loaded in files:
        _merge("条件集", condition_sets, set_origin, loaded.rules.condition_sets, loaded.path)
        _merge("提示", caveats, caveat_origin, loaded.rules.caveats, loaded.path)
        _merge("申报信息", applications, application_origin, loaded.rules.application_sets, loaded.path)
        _merge("扶持项目", items, item_origin, {i.item_id: i for i in loaded.rules.items}, loaded.path)
    for item_id, item in items.items():
        path = item_origin[item_id]
        if item.applicants not in condition_sets:
            raise RulesError(f"{path}: {item_id}: 条件集 {item.applicants!r} 未定义")
        for caveat_id in item.caveats:
            if caveat_id not in caveats:
                raise RulesError(f"{path}: {item_id}: 提示 {caveat_id!r} 未定义")
        if item.application is not None and item.application not in applications:
            raise RulesError(f"{path}: {item_id}: 申报信息 {item.application!r} 未定义")
    return RuleSet(
        files=files,
        items=tuple(items.values()),
        condition_sets=MappingProxyType(condition_sets),
        caveats=MappingProxyType(caveats),
        item_files=MappingProxyType(item_origin),
        application_sets=MappingProxyType(applications),
    )
