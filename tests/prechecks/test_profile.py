"""Profile validation: what is accepted, and a Chinese message naming the field for what is not."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from prechecks.profile import (
    AMOUNT_FIELDS,
    FIELD_LABELS,
    MAX_PLAUSIBLE_WAN,
    EnterpriseProfile,
    ProfileError,
    parse_profile,
)

BASE: dict[str, Any] = {"org_type": "enterprise", "registered_in_longgang": True,
                        "independent_legal_person": True}


def error_for(data: Any) -> ProfileError:
    with pytest.raises(ProfileError) as caught:
        parse_profile(data)
    return caught.value


def test_minimal_profile_is_accepted_with_unknowns_as_none() -> None:
    profile = parse_profile(BASE)
    assert profile.org_type == "enterprise"
    assert profile.tax_in_longgang is None and profile.is_startup is None
    assert profile.compute_expense_wan is None
    assert profile.activities == ()


def test_full_profile_round_trips() -> None:
    data = {**BASE, "tax_in_longgang": True, "stats_in_longgang": False, "is_startup": True,
            "corpus_from_related_party": False, "compute_expense_wan": 456.5, "training_compute_contract_wan": 0,
            "corpus_contract_wan": 12, "activities": ["lg-model-dev", "lg-space-rent"]}
    profile = parse_profile(data)
    assert profile.model_dump(mode="json") == {**data, "training_compute_contract_wan": 0.0,
                                               "corpus_contract_wan": 12.0}


def test_null_optional_flags_mean_unknown() -> None:
    assert parse_profile({**BASE, "tax_in_longgang": None}).tax_in_longgang is None


def test_profile_is_immutable() -> None:
    profile = parse_profile(BASE)
    with pytest.raises(ValidationError, match="frozen"):
        profile.org_type = "university"  # type: ignore[misc]


def test_an_existing_profile_passes_through() -> None:
    profile = parse_profile(BASE)
    assert parse_profile(profile) is profile


def test_unknown_field_is_refused_with_a_suggestion() -> None:
    error = error_for({**BASE, "compute_expense": 300})
    assert error.field == "compute_expense"
    assert "未知字段 compute_expense" in str(error)
    assert "compute_expense_wan" in str(error)


@pytest.mark.parametrize("field", sorted(EnterpriseProfile.model_fields))
def test_every_field_may_be_left_out_or_null(field: str) -> None:
    # A self-assessor who does not know a fact leaves it out: the engine asks, the parser never refuses.
    assert getattr(parse_profile({k: v for k, v in BASE.items() if k != field}), field) in (None, ())
    if field != "activities":
        assert getattr(parse_profile({**BASE, field: None}), field) is None


def test_an_empty_profile_is_accepted() -> None:
    assert parse_profile({}).org_type is None


@pytest.mark.parametrize("value", ["yes", "true", 1, 0, "是"])
def test_flags_must_be_real_booleans(value: Any) -> None:
    error = error_for({**BASE, "registered_in_longgang": value})
    assert error.field == "registered_in_longgang"
    assert "必须是 true 或 false" in str(error)


def test_unknown_org_type_lists_the_choices() -> None:
    error = error_for({**BASE, "org_type": "company"})
    assert error.field == "org_type"
    assert "'company'" in str(error) and "enterprise（法人企业）" in str(error)


@pytest.mark.parametrize("field", AMOUNT_FIELDS)
def test_negative_amount_is_refused(field: str) -> None:
    error = error_for({**BASE, field: -1})
    assert error.field == field
    assert "不能为负数" in str(error)


def test_amount_in_yuan_string_is_explained_and_converted() -> None:
    error = error_for({**BASE, "compute_expense_wan": "3000000元"})
    assert error.field == "compute_expense_wan"
    message = str(error)
    assert "万元" in message and "3000000元 = 300万元" in message and "请填写 300" in message


def test_implausibly_large_amount_is_explained_as_probably_yuan() -> None:
    error = error_for({**BASE, "training_compute_contract_wan": 3_000_000})
    assert error.field == "training_compute_contract_wan"
    message = str(error)
    assert "300 亿元" in message and "以元为单位" in message and "即填写 300" in message


def test_the_plausibility_bound_itself_is_accepted() -> None:
    assert parse_profile({**BASE, "compute_expense_wan": int(MAX_PLAUSIBLE_WAN)}).compute_expense_wan == float(
        MAX_PLAUSIBLE_WAN)
    assert error_for({**BASE, "compute_expense_wan": float(MAX_PLAUSIBLE_WAN) + 0.01}).field == "compute_expense_wan"


@pytest.mark.parametrize(("value", "fragment"), [
    ("300万元", "请填写 300"),
    ("1.5亿元", "1.5亿元 = 15000万元"),
    ("300", "请去掉引号"),
    ("abc", "无法识别"),
    (True, "布尔值"),
    ([300], "必须是以万元为单位的数字"),
    (math.nan, "有限的数字"),
    (math.inf, "有限的数字"),
])
def test_non_numeric_amounts_are_refused(value: Any, fragment: str) -> None:
    error = error_for({**BASE, "corpus_contract_wan": value})
    assert error.field == "corpus_contract_wan"
    assert fragment in str(error)


def test_activities_must_be_known_item_ids() -> None:
    error = error_for({**BASE, "activities": ["lg-model-dev", "lg-robots"]})
    assert error.field == "activities"
    assert "第2项 'lg-robots'" in str(error)


def test_activities_must_be_a_list() -> None:
    assert "列表" in str(error_for({**BASE, "activities": "lg-model-dev"}))


@pytest.mark.parametrize(("data", "fragment"), [
    ([], "list"), (None, "空内容"), ("enterprise", "str"),
])
def test_non_object_profiles_are_refused(data: Any, fragment: str) -> None:
    error = error_for(data)
    assert error.field is None
    assert fragment in str(error)


def test_every_problem_is_reported_at_once() -> None:
    error = error_for({"org_type": "company", "compute_expense_wan": -5, "bogus": 1})
    fields = [field for field, _ in error.problems]
    assert set(fields) == {"org_type", "compute_expense_wan", "bogus"}


def test_every_field_has_a_chinese_label() -> None:
    assert set(FIELD_LABELS) == set(EnterpriseProfile.model_fields)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in label) for label in FIELD_LABELS.values())


@given(amount=st.floats(min_value=0, max_value=float(MAX_PLAUSIBLE_WAN), allow_nan=False))
def test_any_plausible_amount_is_accepted_unchanged(amount: float) -> None:
    assert parse_profile({**BASE, "compute_expense_wan": amount}).compute_expense_wan == amount


@given(amount=st.floats(max_value=-1e-9, allow_nan=False, allow_infinity=False))
def test_any_negative_amount_is_refused(amount: float) -> None:
    assert error_for({**BASE, "compute_expense_wan": amount}).field == "compute_expense_wan"


@pytest.mark.parametrize(("value", "expected"), [
    ("1.5亿", "1.5亿元 = 15000万元，请填写 15000"),
    ("3百万", "3百万元 = 300万元，请填写 300"),
    ("800w", "请填写 800"),
])
def test_string_amounts_are_read_by_the_shared_amount_reader(value: str, expected: str) -> None:
    with pytest.raises(ProfileError) as error:
        parse_profile({"compute_expense_wan": value})
    assert expected in str(error.value)
