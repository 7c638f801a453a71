"""The rule linter: every rule must rest on words the corpus really contains.

Checks, for every condition, caveat, application fact and parameter of every rule file:
- the cited clause exists in the corpus and its document has not expired;
- the quoted words occur literally in that clause (after NFKC and removal of all whitespace);
- every numeric parameter occurs in its own quote: a ratio as ``30%``; an amount in 万元 as ``600万``,
  ``6 million`` (English text in yuan), ``6000000元`` or ``5亿``; a yearly budget as ``2024年：12000``
  in a table row whose heading says ``（万元）``;
- every number written in a condition, caveat or question text occurs in that entry's quote;
- a budget table row names the item it is cited for, and every support item id is covered.

Run it as ``policy-assistant precheck --lint`` (the corpus the product answers from, imported documents
included) or ``python -m prechecks.lint`` (the shipped corpus; ``--corpus``/``--data-dir`` to layer others).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from prechecks.numbers import fmt, wan_to_yi, wan_to_yuan
from prechecks.profile import SUPPORT_ITEM_IDS
from prechecks.rules import (
    APPLICATION_KEYS,
    Cap,
    LoadedFile,
    Ratio,
    RulesError,
    RuleSet,
    Source,
    SupportItem,
    load_rules,
)
from retrieval.models import Corpus
from retrieval.text import compact

DEFAULT_CORPUS_DIR = Path(__file__).resolve().parent.parent / "corpus" / "policies"
_NUMBER_IN_TEXT = re.compile(r"\d+(?:\.\d+)?")


@dataclass(frozen=True)
class LintProblem:
    """One way a rule file does not match the corpus, located by file, entry and parameter."""

    path: Path
    entry: str  # an item id, "condition_sets.<set>.<condition>" or "caveats.<id>"
    parameter: str  # e.g. "amount.cap.wan", "quote", "budget.by_year.2026"
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.entry}: {self.parameter}: {self.message}"


def occurs_as_number(form: str, haystack: str) -> bool:
    """True when `form` occurs in `haystack` and is not part of a longer number."""
    pattern = r"(?<![\d.,])" + re.escape(form) + (r"(?![\d])" if form[-1].isdigit() else "")
    return re.search(pattern, haystack) is not None


def percent_forms(percent: Decimal) -> list[str]:
    """How a ratio may be written in a quote (compact form)."""
    return [f"{fmt(percent)}%"]


def wan_forms(wan: Decimal) -> list[str]:
    """How an amount in 万元 may be written in a quote (compact form): 万, 元, million (yuan), 亿."""
    yuan = wan_to_yuan(wan)
    forms = [f"{fmt(wan)}万", f"{fmt(yuan)}元", f"{int(yuan):,}元" if yuan == int(yuan) else "",
             f"{fmt(yuan / 1_000_000)}million", f"{fmt(wan_to_yi(wan))}亿"]
    return [form for form in forms if form]


def _source_problems(source: Source, corpus: Corpus, path: Path, entry: str,
                     parameter: str) -> Iterator[LintProblem]:
    clause = corpus.clause(source.clause)
    if clause is None:
        yield LintProblem(path, entry, parameter, f"引用的条款 {source.clause} 在语料中不存在")
        return
    if compact(source.quote) not in compact(clause.text):
        yield LintProblem(path, entry, parameter,
                          f"引文未在条款 {source.clause} 中原样出现：{source.quote!r}")
    doc = corpus.documents.get(clause.doc_id)
    if doc is not None and doc.status == "expired":
        yield LintProblem(path, entry, parameter, f"引用的文件 {doc.doc_id} 已失效")


def _text_numbers(texts: list[str | None], source: Source, path: Path, entry: str,
                  parameter: str) -> Iterator[LintProblem]:
    quote = compact(source.quote)
    for text in texts:
        for number in _NUMBER_IN_TEXT.findall(compact(text or "")):
            if not occurs_as_number(number, quote):
                yield LintProblem(path, entry, parameter,
                                  f"文字中的数字 {number} 未出现在引文中：{source.quote!r}")


def _value_problems(forms: list[str], value: Decimal, source: Source, path: Path, entry: str,
                    parameter: str, unit: str) -> Iterator[LintProblem]:
    quote = compact(source.quote)
    if not any(occurs_as_number(compact(form), quote) for form in forms):
        yield LintProblem(path, entry, parameter,
                          f"参数值 {fmt(value)}{unit} 未出现在引文中（引文：{source.quote!r}）")


def _entry_problems(source: Source, corpus: Corpus, path: Path, entry: str, parameter: str,
                    texts: list[str | None]) -> Iterator[LintProblem]:
    yield from _source_problems(source, corpus, path, entry, parameter)
    yield from _text_numbers(texts, source, path, entry, parameter)


def _ratio_problems(ratio: Ratio, corpus: Corpus, path: Path, entry: str,
                    parameter: str) -> Iterator[LintProblem]:
    yield from _entry_problems(ratio, corpus, path, entry, parameter, [ratio.question])
    yield from _value_problems(percent_forms(ratio.percent), ratio.percent, ratio, path, entry,
                               f"{parameter}.percent", "%")


def _cap_problems(cap: Cap, corpus: Corpus, path: Path, entry: str) -> Iterator[LintProblem]:
    yield from _entry_problems(cap, corpus, path, entry, "amount.cap", [])
    yield from _value_problems(wan_forms(cap.wan), cap.wan, cap, path, entry, "amount.cap.wan", "万元")


def _item_problems(item: SupportItem, corpus: Corpus, path: Path) -> Iterator[LintProblem]:
    entry = item.item_id
    activity = item.activity
    yield from _entry_problems(activity, corpus, path, entry, "activity",
                               [activity.text, activity.question])
    if item.amount is not None:
        yield from _ratio_problems(item.amount.ratio, corpus, path, entry, "amount.ratio")
        if item.amount.startup_ratio is not None:
            yield from _ratio_problems(item.amount.startup_ratio, corpus, path, entry,
                                       "amount.startup_ratio")
        if item.amount.cap is not None:
            yield from _cap_problems(item.amount.cap, corpus, path, entry)
    if item.standard_not_held is not None:
        yield from _entry_problems(item.standard_not_held, corpus, path, entry, "standard_not_held",
                                   [item.standard_not_held.text])
    budget = item.budget
    if budget is None:
        return
    yield from _entry_problems(budget, corpus, path, entry, "budget", [budget.text])
    quote = compact(budget.quote)
    if budget.annual_max_wan is not None:
        yield from _value_problems(wan_forms(budget.annual_max_wan), budget.annual_max_wan, budget,
                                   path, entry, "budget.annual_max_wan", "万元")
    for year, value in (budget.by_year or {}).items():
        if not occurs_as_number(compact(f"{year}年:{fmt(value)}"), quote):
            yield LintProblem(path, entry, f"budget.by_year.{year}",
                              f"{year}年 {fmt(value)}万元 未出现在引文中（引文：{budget.quote!r}）")
    if budget.by_year and "(万元)" not in quote:
        yield LintProblem(path, entry, "budget", "按年度的预算引文须包含表头单位“（万元）”")
    if budget.by_year and compact(item.name) not in quote:
        yield LintProblem(path, entry, "budget", f"预算引文中没有本项目名称“{item.name}”，可能引错了表格行")


def _file_problems(loaded: LoadedFile, corpus: Corpus) -> Iterator[LintProblem]:
    path = loaded.path
    for set_id, condition_set in loaded.rules.condition_sets.items():
        for condition in condition_set.conditions:
            yield from _entry_problems(condition, corpus, path, f"condition_sets.{set_id}.{condition.id}",
                                       "condition", [condition.text, condition.question])
    for caveat_id, caveat in loaded.rules.caveats.items():
        yield from _entry_problems(caveat, corpus, path, f"caveats.{caveat_id}", "caveat", [caveat.text])
    for app_id, info in loaded.rules.application_sets.items():
        for key in APPLICATION_KEYS:
            fact = getattr(info, key)
            if fact is not None:
                yield from _entry_problems(fact, corpus, path, f"application_sets.{app_id}", key, [fact.text])
    for item in loaded.rules.items:
        yield from _item_problems(item, corpus, path)


def lint_rules(rules: RuleSet, corpus: Corpus) -> list[LintProblem]:
    """Every problem of `rules` against `corpus`; an empty list means the rules are clean."""
    problems: list[LintProblem] = []
    for loaded in rules.files:
        problems.extend(_file_problems(loaded, corpus))
    covered = {item.item_id for item in rules.items}
    where = rules.files[0].path.parent if rules.files else Path(".")
    for item_id in SUPPORT_ITEM_IDS:
        if item_id not in covered:
            problems.append(LintProblem(where, item_id, "items", "没有任何规则文件定义该扶持项目"))
    return problems


def ensure_clean(rules: RuleSet, corpus: Corpus) -> None:
    """Raise `RulesError` listing every lint problem, so that drifted rules are never used."""
    problems = lint_rules(rules, corpus)
    if problems:
        raise RulesError("规则文件未通过校验：\n" + "\n".join(f"  - {p}" for p in problems))


def main(argv: list[str] | None = None) -> int:
    """``python -m prechecks.lint [--rules DIR] [--corpus DIR ...] [--data-dir DIR]``: 0 when clean, 1 with problems.

    The corpus is the shipped one unless ``--corpus`` names directories (layers, later ones over earlier ones);
    ``--data-dir`` layers the documents imported under a data directory on top, as the running product does.
    """
    from retrieval.corpus import CorpusError, load_corpus, local_corpus_dir

    parser = argparse.ArgumentParser(prog="python -m prechecks.lint", description="检查扶持规则与政策原文是否一致")
    parser.add_argument("--rules", type=Path, default=None, help="规则目录（默认：prechecks/rules）")
    parser.add_argument("--corpus", type=Path, action="append", default=None, metavar="DIR",
                        help="政策语料目录（默认：corpus/policies）；可重复，后者中同名文件覆盖前者")
    parser.add_argument("--data-dir", type=Path, default=None, metavar="DIR",
                        help="数据目录：其中导入的文件（DIR/corpus/）叠加在语料之上，与运行中的产品一致")
    args = parser.parse_args(argv)
    layers = list(args.corpus or [DEFAULT_CORPUS_DIR])
    if args.data_dir is not None:
        layers.append(local_corpus_dir(args.data_dir))
    try:
        rules = load_rules(args.rules)
        corpus = load_corpus(layers)
    except (RulesError, CorpusError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    problems = lint_rules(rules, corpus)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"规则检查未通过：{len(problems)} 个问题", file=sys.stderr)
        return 1
    print(summary(rules))
    return 0


def summary(rules: RuleSet) -> str:
    """One line saying what a clean lint covered."""
    return f"规则检查通过：{len(rules.files)} 个规则文件、{len(rules.items)} 个扶持项目，引文与数字均与政策原文一致。"


if __name__ == "__main__":
    sys.exit(main())
