"""The enterprise profile a pre-check evaluates, and its validation with Chinese error messages.

Field names are a contract (shared/eval/README.md). Every amount is in 万元; the field names end in
``_wan`` so the unit is explicit, and input that looks like 元 (a string such as ``"3000000元"`` or an
implausibly large number) is refused with an explanation instead of being silently misread.
"""

from __future__ import annotations

import difflib
import math
import re
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, ValidationError, ValidationInfo
from pydantic_core import PydanticCustomError

from prechecks.numbers import fmt, read_amount, to_decimal, wan_to_yi, yuan_to_wan

OrgType = Literal[
    "enterprise", "private_non_enterprise", "social_organization", "university",
    "research_institute", "individual",
]
ORG_TYPES: tuple[str, ...] = get_args(OrgType)
ORG_TYPE_LABELS: MappingProxyType[str, str] = MappingProxyType({
    "enterprise": "法人企业",
    "private_non_enterprise": "民办非企业单位",
    "social_organization": "社会团体",
    "university": "高等院校",
    "research_institute": "科研机构",
    "individual": "个人",
})

SupportItemId = Literal[
    "lg-compute", "lg-model-dev", "lg-model-app", "lg-embodied-robot", "lg-smart-product",
    "lg-scenario-demo", "lg-public-platform", "lg-platform-operation", "lg-space-rent",
    "lg-major-event", "sz-training-voucher", "sz-corpus-voucher",
]
SUPPORT_ITEM_IDS: tuple[str, ...] = get_args(SupportItemId)

AmountField = Literal["compute_expense_wan", "training_compute_contract_wan", "corpus_contract_wan"]
AMOUNT_FIELDS: tuple[str, ...] = get_args(AmountField)
FlagField = Literal["registered_in_longgang", "independent_legal_person", "tax_in_longgang",
                    "stats_in_longgang", "is_startup", "corpus_from_related_party"]
FLAG_FIELDS: tuple[str, ...] = get_args(FlagField)

# Not a policy number: a sanity bound for catching amounts typed in 元. 1,000,000 万元 is 100 亿元,
# far beyond any single applicant's annual spend on the supported activities, while a 元 figure of
# only 300万元 (3,000,000) already exceeds it.
MAX_PLAUSIBLE_WAN = Decimal(1_000_000)

_PLAIN = re.compile(r"^(\d[\d,，]*(?:\.\d+)?)$")


def _number_text(raw: str) -> Decimal | None:
    try:
        return Decimal(raw.replace(",", "").replace("，", ""))
    except InvalidOperation:
        return None


def _string_amount_message(field: str, label: str, value: str) -> str:
    """Explain why a string amount is refused, converting units where the string names one."""
    text = value.strip()
    head = f"字段 {field}（{label}）必须填写数字，单位为万元"
    amount = read_amount(text)
    if amount is not None and amount.number >= 0:
        wan = fmt(amount.wan)
        if amount.unit == "万元":
            return f"{head}：请填写 {wan}，不要写成文字 {value!r}"
        return (f"{head}，而 {value!r} 是以{amount.unit}为单位的金额："
                f"{fmt(amount.number)}{amount.unit} = {wan}万元，请填写 {wan}")
    match = _PLAIN.match(text)
    plain = _number_text(match.group(1)) if match else None
    if plain is not None:
        return f"{head}：请去掉引号，填写 {fmt(plain)}"
    return f"{head}，收到无法识别的文字 {value!r}"


def _check_amount(value: Any, info: ValidationInfo) -> Any:
    """Validate one 万元 amount before pydantic's float parsing, with a Chinese explanation."""
    field = info.field_name or "?"
    label = FIELD_LABELS.get(field, field)

    def refuse(message: str) -> PydanticCustomError:
        # The message goes through the context so that braces in user input cannot break it.
        return PydanticCustomError("amount", "{message}", {"message": message})

    if value is None:
        return None
    if isinstance(value, bool):
        raise refuse(f"字段 {field}（{label}）必须是以万元为单位的数字，收到布尔值 {str(value).lower()}")
    if isinstance(value, str):
        raise refuse(_string_amount_message(field, label, value))
    if not isinstance(value, (int, float, Decimal)):
        raise refuse(f"字段 {field}（{label}）必须是以万元为单位的数字，收到 {type(value).__name__}")
    if isinstance(value, float) and not math.isfinite(value):
        raise refuse(f"字段 {field}（{label}）必须是有限的数字，收到 {value}")
    amount = to_decimal(value)
    if amount < 0:
        raise refuse(f"字段 {field}（{label}）不能为负数，收到 {fmt(amount)}")
    if amount > MAX_PLAUSIBLE_WAN:
        raise refuse(
            f"字段 {field}（{label}）为 {fmt(amount)} 万元，即 {fmt(wan_to_yi(amount))} 亿元，"
            f"超出合理范围（不超过 {fmt(MAX_PLAUSIBLE_WAN)} 万元）。本字段单位是万元；"
            f"如果填写的是以元为单位的金额，请除以 10000，即填写 {fmt(yuan_to_wan(amount))}")
    return float(value)


AmountWan = Annotated[
    float,
    BeforeValidator(_check_amount),
    Field(ge=0, le=float(MAX_PLAUSIBLE_WAN)),
]


class EnterpriseProfile(BaseModel):
    """What an applicant tells the pre-check about itself. Amounts in 万元; every field may be left out
    (null): an unknown fact gives ``needs_info`` with the question to ask, never an input error."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    org_type: OrgType | None = Field(
        None, title="主体类型",
        description="enterprise 法人企业 | private_non_enterprise 民办非企业单位 | social_organization "
                    "社会团体 | university 高等院校 | research_institute 科研机构 | individual 个人")
    registered_in_longgang: StrictBool | None = Field(
        None, title="在龙岗区登记注册", description="是否在龙岗区行政区域内依法登记注册；不清楚填 null")
    independent_legal_person: StrictBool | None = Field(
        None, title="独立法人资格", description="是否具有独立法人资格；不清楚填 null")
    tax_in_longgang: StrictBool | None = Field(
        None, title="纳税地在龙岗区", description="纳税地是否在龙岗区（法人企业申报龙岗项目时需要）；不清楚填 null")
    stats_in_longgang: StrictBool | None = Field(
        None, title="统计地在龙岗区", description="统计地是否在龙岗区（法人企业申报龙岗项目时需要）；不清楚填 null")
    is_startup: StrictBool | None = Field(
        None, title="初创企业", description="是否为初创企业（影响“训力券”资助比例）；不清楚填 null")
    corpus_from_related_party: StrictBool | None = Field(
        None, title="语料购自关联方",
        description="所购语料的卖方是否为本单位的关联方（如母公司、子公司）；“语料券”只资助购买非关联方语料；不清楚填 null")
    compute_expense_wan: AmountWan | None = Field(
        None, title="购买算力的费用", description="购买算力的费用，单位万元（例如 300 表示 300 万元）")
    training_compute_contract_wan: AmountWan | None = Field(
        None, title="大模型训练算力服务合同金额",
        description="租用智能算力开展大模型训练的服务合同金额，单位万元")
    corpus_contract_wan: AmountWan | None = Field(
        None, title="语料采购合同金额",
        description="通过数据交易平台购买非关联方语料的合同金额，单位万元")
    activities: tuple[SupportItemId, ...] = Field(
        (), title="开展或计划开展的扶持项目",
        description="扶持项目编号列表，用于匹配没有金额字段的项目，例如 [\"lg-model-dev\"]")


FIELD_LABELS: MappingProxyType[str, str] = MappingProxyType(
    {name: str(info.title) for name, info in EnterpriseProfile.model_fields.items()})

# How a known flag reads in a sentence ("若纳税地在龙岗区…；若纳税地不在龙岗区…"), by value.
FLAG_PHRASES: MappingProxyType[str, tuple[str, str]] = MappingProxyType({
    "registered_in_longgang": ("在龙岗区行政区域内依法登记注册", "未在龙岗区行政区域内依法登记注册"),
    "independent_legal_person": ("具有独立法人资格", "不具有独立法人资格"),
    "tax_in_longgang": ("纳税地在龙岗区", "纳税地不在龙岗区"),
    "stats_in_longgang": ("统计地在龙岗区", "统计地不在龙岗区"),
    "is_startup": ("为初创企业", "不是初创企业"),
    "corpus_from_related_party": ("语料购自关联方", "语料购自非关联方"),
})


class ProfileError(ValueError):
    """An unusable profile. `problems` pairs each field (None for the whole profile) with a Chinese message."""

    def __init__(self, problems: list[tuple[str | None, str]]):
        self.problems = tuple(problems)
        self.field = problems[0][0] if problems else None
        super().__init__("；".join(message for _, message in problems) or "企业画像无效")

    @property
    def messages(self) -> list[str]:
        """The Chinese messages, one per problem."""
        return [message for _, message in self.problems]


def _choices_text() -> str:
    return "、".join(f"{key}（{label}）" for key, label in ORG_TYPE_LABELS.items())


def _translate(error: dict[str, Any]) -> tuple[str | None, str]:
    """One pydantic error as (field, Chinese message)."""
    loc = error.get("loc", ())
    field = str(loc[0]) if loc else None
    kind = error.get("type", "")
    value = error.get("input")
    label = FIELD_LABELS.get(field or "", field or "")
    if field is None:
        return None, "企业画像必须是 JSON 对象（键值对）"
    if kind == "amount":
        return field, str(error.get("msg"))
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(field, list(FIELD_LABELS), n=1)
        hint = f"，是否想填写 {close[0]}（{FIELD_LABELS[close[0]]}）？" if close else "。"
        return field, f"未知字段 {field}：企业画像不接受该字段{hint}可用字段：{', '.join(FIELD_LABELS)}"
    if field == "org_type":
        return field, f"字段 org_type（主体类型）的值 {value!r} 无效，可选：{_choices_text()}（不清楚可填 null）"
    if field == "activities":
        if len(loc) > 1:
            return field, (f"字段 activities 第{int(loc[1]) + 1}项 {value!r} 不是已知的扶持项目编号，"
                           f"可选：{', '.join(SUPPORT_ITEM_IDS)}")
        return field, "字段 activities 必须是扶持项目编号组成的列表，例如 [\"lg-model-dev\"]"
    if field in FLAG_FIELDS:
        return field, f"字段 {field}（{label}）必须是 true 或 false（不清楚可填 null），收到 {value!r}"
    return field, f"字段 {field}（{label}）的值无效：{error.get('msg')}"


def profile_error(exc: ValidationError) -> ProfileError:
    """Translate a pydantic `ValidationError` on `EnterpriseProfile` into a `ProfileError`."""
    problems: list[tuple[str | None, str]] = []
    for error in exc.errors():
        problem = _translate(dict(error))
        if problem not in problems:
            problems.append(problem)
    return ProfileError(problems)


def parse_profile(data: object) -> EnterpriseProfile:
    """Validate raw JSON data as an `EnterpriseProfile`; raise `ProfileError` naming the field."""
    if isinstance(data, EnterpriseProfile):
        return data
    if not isinstance(data, dict):
        kind = "空内容" if data is None else type(data).__name__
        raise ProfileError([(None, f"企业画像必须是 JSON 对象（键值对），收到 {kind}")])
    try:
        return EnterpriseProfile.model_validate(data)
    except ValidationError as exc:
        raise profile_error(exc) from None
