"""The self-assessment form: the `EnterpriseProfile` fields of ../shared/eval/README.md, labelled in Chinese.

The field names, value sets and support item ids are the contract; this module only says how the form
shows them and turns what was entered into a profile dict for `PolicyAssistant.precheck`. Every field may
be left unanswered (the pre-check asks only what changes a result); amounts are typed in the unit chosen
beside them (元/万元/亿元) and converted to 万元 here, before the engine.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

FieldKind = Literal["choice", "flag", "money", "items"]  # flag: 是/否/不确定

ORG_TYPES: list[tuple[str, str]] = [
    ("法人企业", "enterprise"),
    ("民办非企业单位", "private_non_enterprise"),
    ("社会团体", "social_organization"),
    ("高等院校", "university"),
    ("科研机构", "research_institute"),
    ("个人", "individual"),
]

SUPPORT_ITEMS: list[tuple[str, str]] = [
    ("人工智能算力扶持（龙岗）", "lg-compute"),
    ("大模型自主开发扶持", "lg-model-dev"),
    ("调用大模型开发应用扶持", "lg-model-app"),
    ("具身智能机器人应用扶持", "lg-embodied-robot"),
    ("智能产品创新发展扶持", "lg-smart-product"),
    ("人工智能应用场景示范项目扶持", "lg-scenario-demo"),
    ("公共技术服务平台扶持", "lg-public-platform"),
    ("公共技术服务平台运营扶持", "lg-platform-operation"),
    ("产业空间租金扶持", "lg-space-rent"),
    ("重大活动项目扶持", "lg-major-event"),
    ("深圳市“训力券”", "sz-training-voucher"),
    ("深圳市“语料券”", "sz-corpus-voucher"),
]

YES, NO, UNKNOWN = "是", "否", "不确定"
FLAG_CHOICES = [YES, NO, UNKNOWN]
ORG_UNKNOWN = "unknown"
ORG_CHOICES: list[tuple[str, str]] = [("不确定", ORG_UNKNOWN), *ORG_TYPES]
# The unit an amount is typed in, and how many 万元 one of it is.
UNITS: dict[str, Decimal] = {"元": Decimal("0.0001"), "万元": Decimal(1), "亿元": Decimal(10_000)}
DEFAULT_UNIT = "万元"


def unit_key(key: str) -> str:
    """The form value key of the unit chosen beside the amount `key`."""
    return f"{key}__unit"


@dataclass(frozen=True)
class FormField:
    """One field of the form."""

    key: str
    label: str
    kind: FieldKind
    info: str = ""


FIELDS: list[FormField] = [
    FormField("org_type", "申报主体类型", "choice", "不确定可不选，结果会列出各类主体的情况"),
    FormField("registered_in_longgang", "在龙岗区行政区域内依法登记注册", "flag",
              "龙岗区项目需要；市级“训力券”“语料券”不看此项"),
    FormField("independent_legal_person", "具有独立法人资格", "flag", "龙岗区项目需要"),
    FormField("tax_in_longgang", "纳税地在龙岗区", "flag", "法人企业申报龙岗区项目时需要"),
    FormField("stats_in_longgang", "统计地在龙岗区", "flag", "法人企业申报龙岗区项目时需要"),
    FormField("is_startup", "初创企业", "flag", "只影响“训力券”资助比例"),
    FormField("corpus_from_related_party", "所购语料来自关联方（如母公司、子公司）", "flag",
              "只影响“语料券”：只资助购买非关联方语料；不清楚可不选"),
    FormField("compute_expense_wan", "购买算力的费用", "money", "不填表示未知；单位在右侧选择"),
    FormField("training_compute_contract_wan", "租用智能算力开展大模型训练的服务合同金额", "money",
              "不填表示未知；单位在右侧选择"),
    FormField("corpus_contract_wan", "通过数据交易平台购买非关联方语料的合同金额", "money",
              "不填表示未知；单位在右侧选择"),
    FormField("activities", "正在开展或计划开展的事项（对应扶持项目）", "items",
              "勾选与贵单位情况相符的事项，用于匹配没有公布金额的扶持项目"),
]

FIELD_LABELS: dict[str, str] = {f.key: f.label for f in FIELDS}


class FormError(ValueError):
    """An invalid form value; `field` names the form field the message belongs next to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def to_profile(values: dict[str, Any]) -> dict[str, Any]:
    """The profile dict for `precheck` from the form values; unknown answers are left out.

    Range and consistency checks are the pre-check's (`ProfileError`); `FormError` only covers what a
    number box can still send that is not a number.
    """
    profile: dict[str, Any] = {}
    for spec in FIELDS:
        raw = values.get(spec.key)
        if spec.kind == "choice":
            if raw and raw != ORG_UNKNOWN:
                profile[spec.key] = raw
        elif spec.kind == "flag":
            if raw == YES:
                profile[spec.key] = True
            elif raw == NO:
                profile[spec.key] = False
        elif spec.kind == "money":
            amount = _money(spec, raw, values.get(unit_key(spec.key)) or DEFAULT_UNIT)
            if amount is not None:
                profile[spec.key] = amount
        elif spec.kind == "items":
            profile[spec.key] = list(raw or [])
    return profile


_TYPED_UNIT = re.compile(r"(亿元|亿|万元|万|元)$")


def _money(spec: FormField, raw: Any, unit: str) -> float | None:
    """The amount in 万元: typed in `unit`, or in a unit written after the number ("2500万元", "300万")."""
    text = unicodedata.normalize("NFKC", str(raw if raw is not None else "")).strip()
    text = text.replace(",", "").replace(" ", "")
    typed = _TYPED_UNIT.search(text)
    if typed:
        unit = {"亿": "亿元", "万": "万元"}.get(typed.group(1), typed.group(1))
        text = text[:typed.start()]
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise FormError(spec.key, f"{spec.label}应填写数字，例如 500") from None
    if not amount.is_finite():
        raise FormError(spec.key, f"{spec.label}应填写数字，例如 500")
    wan = amount * UNITS.get(unit, UNITS[DEFAULT_UNIT])
    return int(wan) if wan == wan.to_integral_value() else float(wan)


def _amount_text(spec: FormField, raw: Any, unit: str) -> str:
    """An amount as converted to 万元, with what was typed when that differs ("800万元（填写为：8000000 元）")."""
    wan = _money(spec, raw, unit)
    if wan is None:
        return "未填写"
    text = str(raw).strip()
    if text == str(wan) and unit == DEFAULT_UNIT:
        return f"{wan:,}万元"
    typed = text if _TYPED_UNIT.search(text) else f"{text} {unit}"
    return f"{wan:,}万元（填写为：{typed}）"


def profile_lines(values: dict[str, Any], labels: dict[str, str]) -> list[tuple[str, str]]:
    """What was entered, in words, for the report: every field, "未填写" where left unanswered."""
    org_labels = {value: label for label, value in ORG_TYPES}
    item_labels = {value: label for label, value in SUPPORT_ITEMS}
    lines = []
    for spec in FIELDS:
        raw = values.get(spec.key)
        if spec.kind == "choice":
            shown = org_labels.get(str(raw), "未填写")
        elif spec.kind == "flag":
            shown = raw if raw in (YES, NO) else "未填写（不确定）"
        elif spec.kind == "money":
            shown = _amount_text(spec, raw, values.get(unit_key(spec.key)) or DEFAULT_UNIT)
        else:
            shown = "、".join(item_labels.get(v, v) for v in raw or []) or "未勾选"
        lines.append((labels.get(spec.key, spec.label), shown))
    return lines


_FIELD_PREFIX = re.compile(r"字段\s*[a-z_]+（([^）]*)）")


def errors_by_field(exc: Exception) -> dict[str, str]:
    """Messages of a `precheck` error keyed by form field ("_form" for the profile as a whole)."""
    problems = getattr(exc, "problems", None)
    if not problems:
        problems = [(getattr(exc, "field", None), str(exc))]
    out: dict[str, str] = {}
    for field, message in problems:
        key = field if isinstance(field, str) and field in FIELD_LABELS else field_of_message(message)
        key = key or "_form"
        # The form shows the label already:
        # "字段 compute_expense_wan（购买算力的费用）不能为负数" → "购买算力的费用不能为负数".
        message = _FIELD_PREFIX.sub(r"\1", str(message))
        out[key] = f"{out[key]}；{message}" if key in out else message
    return out


def field_of_message(message: str) -> str | None:
    """The form field a message names, if any."""
    for spec in FIELDS:
        if spec.key in message:
            return spec.key
    for spec in FIELDS:
        short = re.sub(r"（.*?）", "", spec.label)
        if short and short in message:
            return spec.key
    return None
