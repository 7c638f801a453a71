"""Loading rule files: schema, cross-file references, and the errors a broken file gives."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from prechecks.profile import SUPPORT_ITEM_IDS
from prechecks.rules import RulesError, load_rules


def write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def test_packaged_rules_define_every_item_in_contract_order(rules) -> None:
    assert [item.item_id for item in rules.items] == list(SUPPORT_ITEM_IDS)


def test_longgang_items_have_names_and_budgets_from_table_1(rules) -> None:
    item = rules.item("lg-embodied-robot")
    assert item.name == "具身智能机器人应用扶持"
    assert item.budget is not None and dict(item.budget.by_year or {}) == {
        2024: Decimal(30), 2025: Decimal(90), 2026: Decimal(300)}
    assert not item.estimable


def test_parameters_are_exact_decimals(rules) -> None:
    amount = rules.item("sz-training-voucher").amount
    assert amount is not None
    assert (amount.ratio.percent, amount.startup_ratio.percent, amount.cap.wan) == (50, 60, 1000)
    assert isinstance(amount.cap.wan, Decimal)


def test_cross_file_caveat_reference_resolves(rules) -> None:
    assert "pro-rata-reduction" in rules.item("lg-compute").caveats
    assert rules.caveats["pro-rata-reduction"].clause == "lg-itc-fund-measures-2026#第三条"


def test_match_items_by_name_and_synonym(rules) -> None:
    assert rules.match_items("我们想申请训力券") == ["sz-training-voucher"]
    assert rules.match_items("龙岗的房租补贴怎么申请") == ["lg-space-rent"]
    assert rules.match_items("今天天气很好") == []


def test_unknown_item_raises(rules) -> None:
    with pytest.raises(KeyError):
        rules.item("lg-nothing")


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match=r"不存在"):
        load_rules(tmp_path / "nope")


def test_empty_directory(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match=r"没有 .yaml"):
        load_rules(tmp_path)


def test_malformed_yaml_names_the_file(rules_copy: Path) -> None:
    write(rules_copy / "broken.yaml", "policy: [unclosed\n")
    with pytest.raises(RulesError, match=r"broken.yaml.*YAML"):
        load_rules(rules_copy)


def test_schema_error_names_the_file_and_location(rules_copy: Path) -> None:
    path = rules_copy / "lg-ai-rules.yaml"
    write(path, path.read_text(encoding="utf-8").replace("percent: 30\n", "percent: 130\n"))
    with pytest.raises(RulesError, match=r"lg-ai-rules\.yaml.*items\.0\.amount\.ratio\.percent"):
        load_rules(rules_copy)


def test_unknown_key_is_refused(rules_copy: Path) -> None:
    path = rules_copy / "lg-itc-fund.yaml"
    write(path, path.read_text(encoding="utf-8") + "extra_key: 1\n")
    with pytest.raises(RulesError, match=r"extra_key"):
        load_rules(rules_copy)


def test_duplicate_id_across_files_is_refused(rules_copy: Path) -> None:
    write(rules_copy / "zz-dup.yaml", (rules_copy / "lg-itc-fund.yaml").read_text(encoding="utf-8"))
    with pytest.raises(RulesError, match=r"pro-rata-reduction.*重复"):
        load_rules(rules_copy)


def test_unresolved_caveat_reference_is_refused(rules_copy: Path) -> None:
    (rules_copy / "lg-itc-fund.yaml").unlink()
    with pytest.raises(RulesError, match=r"lg-compute.*pro-rata-reduction.*未定义"):
        load_rules(rules_copy)


def test_item_needs_an_amount_or_a_reason(rules_copy: Path) -> None:
    path = rules_copy / "lg-ai-rules.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("    standard_not_held:")
    end = text.index("    budget:", start)
    write(path, text[:start] + text[end:])
    with pytest.raises(RulesError, match=r"amount 与 standard_not_held"):
        load_rules(rules_copy)
