"""`policy-assistant precheck`: eligibility and support estimates for an enterprise profile.

Rules are checked and applied against the corpus the chat answers from: the shipped corpus with the documents
imported under the data directory layered over it, less those an administrator disabled.

Exit codes: 0 done (a batch with bad rows too: each gets its `error` cell); 1 the rules or the corpus are
broken or unreadable (or `--lint` found problems); 2 bad input (missing or unreadable profile file, invalid
JSON, a field that fails validation, a batch file that cannot be decoded or has no known header). Errors are
printed in Chinese on stderr, never as a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from types import MappingProxyType
from typing import Any, TextIO

from assistant.runtime import corpus_layers
from prechecks.batch import BatchError, screen_csv, template_csv, to_csv
from prechecks.engine import STATUS_LABELS, PrecheckResult, evaluate
from prechecks.lint import lint_rules, summary
from prechecks.numbers import fmt_cent, to_decimal
from prechecks.profile import FIELD_LABELS, EnterpriseProfile, ProfileError, parse_profile
from prechecks.results import APPLICATION_LABELS
from prechecks.rules import RulesError, load_rules
from retrieval.corpus import CorpusError, load_corpus
from retrieval.models import Citation
from storage import StorageError

EXIT_OK = 0
EXIT_BROKEN_RULES = 1
EXIT_BAD_INPUT = 2
# Reading which documents an administrator disabled: the store is unreachable or its URL misconfigured.
_STORE_ERRORS: tuple[type[BaseException], ...] = (*StorageError, ValueError)

_MARKS = MappingProxyType({"met": "✓", "not_met": "✗", "unknown": "？", "not_applicable": "－"})


def register(subparsers: Any) -> None:
    """Add the ``precheck`` sub-command."""
    parser = subparsers.add_parser(
        "precheck",
        help="申报自测：根据企业画像判断可申报的扶持项目并测算金额",
        description="根据企业画像（JSON 文件，金额单位为万元）判断龙岗区人工智能扶持项目及深圳市"
                    "“训力券”“语料券”的申报条件，测算扶持金额，并给出每项结论所依据的条款。",
    )
    parser.add_argument("--profile", type=Path, metavar="FILE.json",
                        help="企业画像 JSON 文件（字段见 shared/eval/README.md）")
    parser.add_argument("--json", action="store_true", help="以 JSON 输出每个项目的结果")
    parser.add_argument("--lint", action="store_true", help="检查规则文件的引文和数字是否与政策原文一致")
    parser.add_argument("--batch", type=Path, metavar="IN.csv",
                        help="批量筛查：CSV 文件每行一个单位（表头为字段名或中文名称，见 --template）")
    parser.add_argument("--out", type=Path, metavar="OUT.csv",
                        help="批量筛查结果文件（每个单位 × 每个扶持项目一行；UTF-8 带 BOM，Excel 可直接打开）")
    parser.add_argument("--template", type=Path, metavar="FILE.csv", help="写出批量筛查的 CSV 模板")
    parser.set_defaults(func=run)


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key in data:
            raise ProfileError([(key, f"字段 {key} 在画像文件中重复出现")])
        data[key] = value
    return data


def read_profile(path: Path) -> EnterpriseProfile:
    """Read and validate a profile file; every problem becomes a `ProfileError` in Chinese."""
    if not path.exists():
        raise ProfileError([(None, f"找不到画像文件 {path}")])
    if not path.is_file():
        raise ProfileError([(None, f"{path} 不是文件")])
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ProfileError([(None, f"画像文件 {path} 不是 UTF-8 编码")]) from None
    except OSError as exc:
        raise ProfileError([(None, f"无法读取画像文件 {path}：{exc.strerror}")]) from None
    if not text.strip():
        raise ProfileError([(None, f"画像文件 {path} 是空的")])
    try:
        data = json.loads(text, object_pairs_hook=_reject_duplicates)
    except json.JSONDecodeError as exc:
        raise ProfileError([(None, f"画像文件 {path} 不是有效的 JSON："
                                   f"第{exc.lineno}行第{exc.colno}列，{exc.msg}")]) from None
    return parse_profile(data)


def _citation_label(citation: Citation) -> str:
    status = "" if citation.status == "正式" else f"〔{citation.status}〕"
    return f"{citation.display}{status}"


def _estimate_text(result: PrecheckResult) -> str:
    return fmt_cent(to_decimal(result.estimate_wan)) if result.estimate_wan is not None else "-"


def render_text(results: list[PrecheckResult], out: TextIO) -> None:
    """The human-readable report: a summary table, then each item's calculation and grounds."""
    print("申报自测结果（金额单位：万元；仅供参考，最终以主管部门审核为准）", file=out)
    print(file=out)
    for result in results:
        print(f"{result.item_id}  {result.status}  {_estimate_text(result)}  "
              f"{result.name}（{STATUS_LABELS[result.status]}）", file=out)
    for result in results:
        print(file=out)
        print(f"【{result.item_id}】{result.name} — {STATUS_LABELS[result.status]}"
              + (f"，测算 {_estimate_text(result)} 万元" if result.estimate_wan is not None else ""),
              file=out)
        print(f"  测算：{result.formula}", file=out)
        for warning in result.warnings:
            print(f"  ⚠ {warning}", file=out)
        print(f"  申报条件：满足 {result.conditions_met}", file=out)
        print("  依据：", file=out)
        for reason in result.reasons:
            mark = _MARKS.get(reason.kind, "·")
            print(f"    {mark} {reason.text} —— {_citation_label(reason.citation)}", file=out)
        if result.missing:
            print("  需补充：", file=out)
            for info in result.missing:
                print(f"    ？ {info.question}（字段 {info.field}）", file=out)
        if result.irrelevant_unknowns:
            names = "、".join(FIELD_LABELS[f] for f in result.irrelevant_unknowns)
            print(f"  未填写但不影响结果：{names}", file=out)
        if result.caveats:
            print("  提示：", file=out)
            for caveat in result.caveats:
                print(f"    ! {caveat.text} —— {_citation_label(caveat.citation)}", file=out)
        print("  申报信息：", file=out)
        for key, fact in result.application.items():
            source = f" —— {_citation_label(fact.citation)}" if fact.citation else ""
            print(f"    {APPLICATION_LABELS[key]}：{fact.text}{source}", file=out)


def write_template(path: Path) -> int:
    """Write the batch template (UTF-8 with BOM, as Excel expects)."""
    try:
        path.write_text(template_csv(), encoding="utf-8-sig")
    except OSError as exc:
        print(f"错误：无法写入模板 {path}：{exc.strerror}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"已写出批量筛查模板：{path}")
    return EXIT_OK


def run_batch(source: Path, target: Path, rules: Any, corpus: Any) -> int:
    """Screen every row of `source` into `target`; a bad row is reported in its `error` cell."""
    try:
        data = source.read_bytes()
    except OSError as exc:
        print(f"错误：无法读取 {source}：{exc.strerror or exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        batch = screen_csv(data, rules, corpus)
    except BatchError as exc:
        print(f"错误：{source}：{exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    for warning in batch.warnings:
        print(f"提示：{warning}", file=sys.stderr)
    try:
        target.write_text(to_csv(batch), encoding="utf-8-sig")
    except OSError as exc:
        print(f"错误：无法写入 {target}：{exc.strerror}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"已筛查 {batch.profiles} 个单位（{batch.errors} 行有误，见 error 列），结果写入 {target}")
    return EXIT_OK


def run(args: argparse.Namespace, settings: Any) -> int:
    """Run the sub-command; see the module docstring for exit codes."""
    if args.template is not None:
        return write_template(args.template)
    if (args.batch is None) != (args.out is None):
        print("错误：批量筛查须同时指定 --batch IN.csv 和 --out OUT.csv。", file=sys.stderr)
        return EXIT_BAD_INPUT
    if not args.lint and args.profile is None and args.batch is None:
        print("错误：请用 --profile FILE.json 指定企业画像文件，用 --batch IN.csv --out OUT.csv 批量筛查，"
              "或用 --lint 检查规则文件。", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        rules = load_rules(getattr(settings, "rules_dir", None))
        corpus = load_corpus(corpus_layers(settings))
    except (RulesError, CorpusError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_BROKEN_RULES
    except _STORE_ERRORS as exc:
        print(f"错误：无法读取已停用文件的记录：{exc}", file=sys.stderr)
        return EXIT_BROKEN_RULES

    problems = lint_rules(rules, corpus)
    if problems:
        heading = "规则检查未通过" if args.lint else "规则文件与政策原文不一致，拒绝测算"
        print(f"{heading}（{len(problems)} 个问题）：", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return EXIT_BROKEN_RULES
    if args.lint:
        print(summary(rules))
        if args.profile is None and args.batch is None:
            return EXIT_OK
    if args.batch is not None:
        return run_batch(args.batch, args.out, rules, corpus)

    try:
        profile = read_profile(args.profile)
    except ProfileError as exc:
        print(f"企业画像有误（{args.profile}）：", file=sys.stderr)
        for message in exc.messages:
            print(f"  - {message}", file=sys.stderr)
        return EXIT_BAD_INPUT

    results = evaluate(profile, rules, corpus)
    try:
        if args.json:
            print(json.dumps([result.to_dict() for result in results], ensure_ascii=False, indent=2))
        else:
            render_text(results, sys.stdout)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader stopped early (`| head`); that is not a failure, and must not print a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_OK
