"""The rule linter: the real rules are clean, and every kind of drift is caught and located."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from prechecks.lint import (
    LintProblem,
    ensure_clean,
    lint_rules,
    occurs_as_number,
    percent_forms,
    wan_forms,
)
from prechecks.rules import RulesError, load_rules
from retrieval.models import Corpus

LG = "lg-ai-rules.yaml"
SZ = "sz-ai-pioneer-measures.yaml"


def edit(rules_dir: Path, name: str, old: str, new: str) -> Path:
    """Replace exactly one occurrence of `old` in a rule file."""
    path = rules_dir / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {name}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def problems_after(rules_dir: Path, corpus: Corpus) -> list[LintProblem]:
    return lint_rules(load_rules(rules_dir), corpus)


def test_the_real_rules_lint_clean(rules, corpus) -> None:
    assert lint_rules(rules, corpus) == []
    ensure_clean(rules, corpus)


def test_cap_drift_600_to_800_names_file_item_and_parameter(rules_copy, corpus) -> None:
    path = edit(rules_copy, LG, "wan: 600\n", "wan: 800\n")
    problems = problems_after(rules_copy, corpus)
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.path, problem.entry, problem.parameter) == (path, "lg-compute", "amount.cap.wan")
    text = str(problem)
    assert str(path) in text and "lg-compute" in text and "800" in text and "6 million yuan" in text


def test_ratio_drift_is_caught(rules_copy, corpus) -> None:
    edit(rules_copy, SZ, "percent: 60\n", "percent: 70\n")
    problems = problems_after(rules_copy, corpus)
    assert [(p.entry, p.parameter) for p in problems] == [("sz-training-voucher", "amount.startup_ratio.percent")]


def test_budget_year_drift_is_caught(rules_copy, corpus) -> None:
    edit(rules_copy, LG, "{2024: 400, 2025: 500, 2026: 800}", "{2024: 400, 2025: 500, 2026: 900}")
    problems = problems_after(rules_copy, corpus)
    assert [(p.entry, p.parameter) for p in problems] == [("lg-space-rent", "budget.by_year.2026")]


def test_annual_total_drift_is_caught(rules_copy, corpus) -> None:
    edit(rules_copy, SZ, "annual_max_wan: 50000\n", "annual_max_wan: 5000\n")
    problems = problems_after(rules_copy, corpus)
    assert [(p.entry, p.parameter) for p in problems] == [("sz-training-voucher", "budget.annual_max_wan")]


def test_quote_not_in_the_clause_is_caught(rules_copy, corpus) -> None:
    edit(rules_copy, SZ, "quote: 给予最高200万元资助", "quote: 给予最高300万元资助")
    problems = problems_after(rules_copy, corpus)
    messages = [str(p) for p in problems]
    assert any("amount.cap" in m and "原样出现" in m for m in messages)
    # the value 200 no longer appears in the (edited) quote either
    assert any(p.parameter == "amount.cap.wan" for p in problems)


def test_unknown_clause_is_caught(rules_copy, corpus) -> None:
    edit(rules_copy, "lg-itc-fund.yaml", "lg-itc-fund-measures-2026#第三条", "lg-itc-fund-measures-2026#第九条")
    problems = problems_after(rules_copy, corpus)
    assert [(p.entry, p.parameter) for p in problems] == [("caveats.pro-rata-reduction", "caveat")]
    assert "第九条" in problems[0].message and "不存在" in problems[0].message


def test_wrong_table_row_is_caught_even_with_matching_numbers(rules_copy, corpus) -> None:
    # lg-model-dev pointed at row 3 with row 3's own numbers: every number matches, the name does not.
    edit(rules_copy, LG, '      clause: "lg-ai-rules-explainer#表1/2"\n      quote: 表1',
         '      clause: "lg-ai-rules-explainer#表1/3"\n      quote: 表1')
    edit(rules_copy, LG, "序号：2｜项目名称：大模型自主开发扶持｜2024年：900｜2025年：900｜2026年：900",
         "序号：3｜项目名称：调用大模型开发应用扶持｜2024年：1200｜2025年：1200｜2026年：1200")
    edit(rules_copy, LG, "{2024: 900, 2025: 900, 2026: 900}", "{2024: 1200, 2025: 1200, 2026: 1200}")
    problems = problems_after(rules_copy, corpus)
    assert [(p.entry, p.parameter) for p in problems] == [("lg-model-dev", "budget")]
    assert "大模型自主开发扶持" in problems[0].message


def test_number_in_caveat_text_must_be_in_its_quote(rules_copy, corpus) -> None:
    edit(rules_copy, LG, "本结果仅为自测参考。", "一般在90个工作日内完成审核。")
    problems = problems_after(rules_copy, corpus)
    assert [(p.entry, p.parameter) for p in problems] == [("caveats.lg-review", "caveat")]
    assert "90" in problems[0].message


def test_every_support_item_must_be_covered(rules_copy, corpus) -> None:
    (rules_copy / SZ).unlink()
    entries = {p.entry for p in problems_after(rules_copy, corpus)}
    assert entries == {"sz-training-voucher", "sz-corpus-voucher"}


def test_citing_an_expired_document_is_caught(rules, corpus) -> None:
    documents = dict(corpus.documents)
    documents["lg-itc-fund-measures-2026"] = replace(documents["lg-itc-fund-measures-2026"], status="expired")
    expired = Corpus(documents=documents, clauses=corpus.clauses, fingerprint="expired")
    problems = lint_rules(rules, expired)
    assert problems and all("已失效" in p.message for p in problems)
    assert {p.entry for p in problems} == {"caveats.pro-rata-reduction"}


def test_ensure_clean_raises_with_every_problem(rules_copy, corpus) -> None:
    edit(rules_copy, LG, "wan: 600\n", "wan: 800\n")
    edit(rules_copy, LG, "percent: 30\n", "percent: 35\n")
    with pytest.raises(RulesError) as caught:
        ensure_clean(load_rules(rules_copy), corpus)
    assert "amount.cap.wan" in str(caught.value) and "amount.ratio.percent" in str(caught.value)


def test_number_forms() -> None:
    assert "6million" in wan_forms(Decimal(600))
    assert "600万" in wan_forms(Decimal(600))
    assert "5亿" in wan_forms(Decimal(50000))
    assert "6,000,000元" in wan_forms(Decimal(600))
    assert percent_forms(Decimal(30)) == ["30%"]


@pytest.mark.parametrize(("form", "text", "found"), [
    ("6million", "upto6millionyuan", True),
    ("6million", "upto16millionyuan", False),
    ("0%", "30%", False),
    ("30%", "130%", False),
    ("2024年:0", "2024年:05", False),
    ("2024年:0", "2024年:0|2025年:200", True),
    ("600万", "1600万元", False),
    ("600万", "最高600万元", True),
])
def test_numbers_match_only_whole(form: str, text: str, found: bool) -> None:
    assert occurs_as_number(form, text) is found
