"""`python -m eval run [--questions FILE.jsonl] [--prechecks FILE.jsonl] [--json] [--systems …]
[--no-answers] [--report PATH]`

Runs the harness on any question and/or pre-check case file in the format of shared/eval/README.md.
Questions run against the index of the configured settings (`PA_*`; the index is built when missing);
pre-check cases alone need only the rules and the corpus text, so no index is loaded or built. Prints the
comparison table and the metrics; writes them to a Markdown file only when `--report PATH` is given.
With `--json`, stdout holds exactly the README's JSON output and the table goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from eval.dataset import DatasetError, load_questions, unknown_documents
from eval.harness import PRODUCT, evaluate, to_json
from eval.prechecks import PrecheckCaseError, precheck_report, run_precheck_cases
from eval.report import RunInfo, render
from eval.systems import SYSTEMS

if TYPE_CHECKING:
    from assistant.service import PolicyAssistant

EXIT_USAGE = 2


def _systems(value: str) -> list[str]:
    names = [s.strip() for s in value.split(",") if s.strip()]
    unknown = [s for s in names if s not in SYSTEMS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown system(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(SYSTEMS)}")
    return names


def build_parser() -> argparse.ArgumentParser:
    """The `python -m eval` argument parser."""
    parser = argparse.ArgumentParser(prog="python -m eval", description="政策通评测工具")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="在问题集上评测检索与回答")
    run.add_argument("--questions", type=Path, help="问题文件 (JSONL)")
    run.add_argument("--json", action="store_true", help="在标准输出打印 JSON 结果")
    run.add_argument("--prechecks", type=Path, help="申报自测用例文件 (JSONL)")
    run.add_argument("--systems", type=_systems, default=list(SYSTEMS),
                     help=f"对比的检索系统，逗号分隔（默认 {','.join(SYSTEMS)}；{PRODUCT} 总会运行）")
    run.add_argument("--no-answers", action="store_true", help="只评测检索，不生成回答")
    run.add_argument("--report", default=None,
                     help="把 Markdown 报告写入该路径（不指定或 '-' 则不写文件）")
    return parser


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _write_report(target: str | None, report: str) -> None:
    if target in (None, "-"):
        return
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report, encoding="utf-8")
    _progress(f"report written to {path}")


def _emit(output: dict, report: str, as_json: bool) -> None:
    if as_json:
        print(json.dumps(output, ensure_ascii=False, indent=2))
        print(report, file=sys.stderr)
    else:
        print(report)


def run_prechecks_only(args: argparse.Namespace, assistant: PolicyAssistant | None) -> int:
    """Pre-check cases without questions: rules and corpus text only, no index."""
    from assistant.settings import Settings
    from prechecks.rules import RulesError, load_rules
    from retrieval.corpus import CorpusError, load_corpus

    try:
        if assistant is not None:
            rules, corpus = assistant.rules, assistant.corpus
        else:
            rules, corpus = load_rules(), load_corpus(Path(Settings().corpus_dir))
        cases = run_precheck_cases(args.prechecks, rules, corpus)
    except (RulesError, CorpusError, PrecheckCaseError) as exc:
        print(f"自测用例无法运行：{exc}", file=sys.stderr)
        return EXIT_USAGE
    output = {"metrics": {"overall": {}, "by_kind": {}, "systems": {},
                          "prechecks": {**cases["metrics"], "mismatches": cases["mismatches"]}},
              "results": [], "prechecks": cases["results"]}
    _emit(output, precheck_report(cases, str(args.prechecks)), args.json)
    _write_report(args.report, precheck_report(cases, str(args.prechecks)))
    return 0


def main(argv: Sequence[str] | None = None, *, assistant: PolicyAssistant | None = None) -> int:
    """Entry point. A loaded `assistant` may be passed in (tests) to reuse its index."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    if args.questions is None and args.prechecks is None:
        print("请至少指定 --questions（问题文件）或 --prechecks（申报自测用例文件）", file=sys.stderr)
        return EXIT_USAGE
    if args.prechecks is not None and not args.prechecks.is_file():
        print(f"找不到自测用例文件：{args.prechecks}", file=sys.stderr)
        return EXIT_USAGE
    if args.questions is None:
        return run_prechecks_only(args, assistant)
    try:
        questions = load_questions(args.questions)
    except DatasetError as exc:
        print(f"问题文件有误：{exc}", file=sys.stderr)
        return EXIT_USAGE
    if assistant is None:
        from assistant.service import PolicyAssistant
        from assistant.settings import Settings

        _progress("loading the index (building it if needed)")
        assistant = PolicyAssistant.from_settings(Settings())
    problems = unknown_documents(questions, assistant.corpus.documents)
    if problems:
        print(f"问题文件有误：{args.questions}\n" + "\n".join(problems), file=sys.stderr)
        return EXIT_USAGE

    run = evaluate(assistant, questions, args.systems, answers=not args.no_answers,
                   precheck_path=args.prechecks, progress=_progress)
    output = to_json(run)
    report = render(output, questions, RunInfo.current(str(args.questions), argv))
    _emit(output, report, args.json)
    _write_report(args.report, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
