"""The 申报自测 form and its report: units converted before the engine, Chinese words only in the report."""

from __future__ import annotations

import re

import pytest

from prechecks.engine import evaluate
from prechecks.profile import parse_profile
from prechecks.rules import RuleSet, load_rules
from ui.precheck_view import report_html, report_markdown, results_html
from ui.profile_form import FIELD_LABELS, ORG_UNKNOWN, FormError, profile_lines, to_profile, unit_key


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rules()


@pytest.mark.parametrize(("typed", "unit", "wan"), [
    ("8000000", "元", 800), ("8,000,000", "元", 800), ("800", "万元", 800), ("0.08", "亿元", 800),
    ("８００万元", "元", 800), ("3亿", "万元", 30_000), ("12.5", "万元", 12.5), ("1", "元", 0.0001),
])
def test_amounts_are_converted_to_wan_before_the_engine(typed, unit, wan) -> None:
    profile = to_profile({"compute_expense_wan": typed, unit_key("compute_expense_wan"): unit})
    assert profile["compute_expense_wan"] == wan


def test_unanswered_fields_are_left_out() -> None:
    assert to_profile({"org_type": ORG_UNKNOWN, "tax_in_longgang": "不确定", "compute_expense_wan": ""}) == {
        "activities": []}


def test_words_are_refused_with_a_grammatical_message() -> None:
    with pytest.raises(FormError) as info:
        to_profile({"compute_expense_wan": "很多"})
    assert info.value.field == "compute_expense_wan"
    assert info.value.message == "购买算力的费用应填写数字，例如 500"


def test_report_has_chinese_labels_only(rules, corpus) -> None:
    values = {"org_type": "enterprise", "registered_in_longgang": "是", "compute_expense_wan": "8000000",
              unit_key("compute_expense_wan"): "元", "activities": ["lg-model-dev"]}
    items = [r.to_dict() for r in evaluate(parse_profile(to_profile(values)), rules, corpus)]
    lines = profile_lines(values, FIELD_LABELS)
    assert ("申报主体类型", "法人企业") in lines
    assert ("购买算力的费用", "800万元（填写为：8000000 元）") in lines
    assert ("纳税地在龙岗区", "未填写（不确定）") in lines
    page = report_html(lines, items, "2026-01-01")
    visible = re.sub(r"<style>.*?</style>|<[^>]+>", "", page)  # what the reader sees (class names are not shown)
    for text in (report_markdown(lines, items, "2026-01-01 00:00:00"), visible):
        assert "《《" not in text
        assert not re.search(r"\b(enterprise|None|null|True|False|eligible|needs_info)\b", text), text
        assert "满足" in text and "所存文件未载明" in text
    assert '<html lang="zh-CN">' in page and "@media print" in page


def test_results_have_a_table_and_one_card_per_item(rules, corpus) -> None:
    items = [r.to_dict() for r in evaluate(parse_profile({"org_type": "enterprise"}), rules, corpus)]
    html = results_html(items)
    assert html.count('<article class="pa-pc-card') == len(items) == 12
    assert html.count("<tr class=") == 12
