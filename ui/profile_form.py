"""The self-assessment form: the `EnterpriseProfile` fields of ../shared/eval/README.md, labelled in Chinese.

The field names, value sets and support item ids are the contract; this module only says how the form
shows them and turns what was entered into a profile dict for `PolicyAssistant.precheck`.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Literal

FieldKind = Literal["choice", "bool", "flag", "money", "items"]  # bool: required 是/否; flag: may be unknown

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
BOOL_CHOICES = [YES, NO]
FLAG_CHOICES = [YES, NO, UNKNOWN]


@dataclass(frozen=True)
class FormField:
    """One field of the form."""

    key: str
    label: str
    kind: FieldKind
    info: str = ""


FIELDS: list[FormField] = [
    FormField("org_type", "申报主体类型（必填）", "choice"),
    FormField("registered_in_longgang", "在龙岗区行政区域内依法登记注册（必填）", "bool"),
    FormField("independent_legal_person", "具有独立法人资格（必填）", "bool"),
    FormField("tax_in_longgang", "纳税地在龙岗区", "flag"),
    FormField("stats_in_longgang", "统计地在龙岗区", "flag"),
    FormField("is_startup", "初创企业", "flag", "影响“训力券”资助比例"),
    FormField("compute_expense_wan", "购买算力的费用（万元）", "money", "单位：万元，如 500 表示 500 万元；不填表示未知"),
    FormField("training_compute_contract_wan", "租用智能算力开展大模型训练的服务合同金额（万元）", "money",
              "单位：万元；不填表示未知"),
    FormField("corpus_contract_wan", "通过数据交易平台购买非关联方语料的合同金额（万元）", "money",
              "单位：万元；不填表示未知"),
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
            if raw:
                profile[spec.key] = raw
        elif spec.kind in ("bool", "flag"):
            if raw == YES:
                profile[spec.key] = True
            elif raw == NO:
                profile[spec.key] = False
            elif spec.kind == "flag":
                profile[spec.key] = None  # the profile's "unknown"
        elif spec.kind == "money":
            amount = _money(spec, raw)
            if amount is not None:
                profile[spec.key] = amount
        elif spec.kind == "items":
            profile[spec.key] = list(raw or [])
    return profile


def _money(spec: FormField, raw: Any) -> float | None:
    if isinstance(raw, str):
        # What people type: "2,500", "２５００", "2500万元", "2500 万".
        raw = unicodedata.normalize("NFKC", raw).strip().replace(",", "").replace(" ", "")
        raw = re.sub(r"万元?$", "", raw)
    if raw is None or (isinstance(raw, str) and not raw):
        return None
    try:
        amount = float(raw)
    except (TypeError, ValueError):
        raise FormError(spec.key, f"{spec.label}须填写数字") from None
    if math.isnan(amount) or math.isinf(amount):
        raise FormError(spec.key, f"{spec.label}须填写数字")
    return int(amount) if amount.is_integer() else amount


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
