"""`python -m eval run --questions FILE.jsonl [--json] [--prechecks FILE.jsonl] [--systems …]
[--no-answers] [--report PATH|-]`

Runs the harness on any question file in the format of shared/eval/README.md against the index of the
configured settings (`PA_*`; the index is built when missing). Prints the comparison table and the answer
metrics, and writes them to `eval/reports/retrieval.md` (or `--report PATH`; `--report -` writes none).
With `--json`, stdout holds exactly the README's JSON output and the table goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from eval.dataset import DatasetError, load_questions, unknown_documents
from eval.harness import PRODUCT, evaluate, to_json
from eval.report import RunInfo, render
from eval.systems import SYSTEMS

if TYPE_CHECKING:
    from assistant.service import PolicyAssistant

DEFAULT_REPORT = Path(__file__).resolve().parent / "reports" / "retrieval.md"
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
    run.add_argument("--questions", required=True, type=Path, help="问题文件 (JSONL)")
    run.add_argument("--json", action="store_true", help="在标准输出打印 JSON 结果")
    run.add_argument("--prechecks", type=Path, help="申报自测用例文件 (JSONL)")
    run.add_argument("--systems", type=_systems, default=list(SYSTEMS),
                     help=f"对比的检索系统，逗号分隔（默认 {','.join(SYSTEMS)}；{PRODUCT} 总会运行）")
    run.add_argument("--no-answers", action="store_true", help="只评测检索，不生成回答")
    run.add_argument("--report", default=str(DEFAULT_REPORT),
                     help="Markdown 报告路径（默认 eval/reports/retrieval.md；'-' 表示不写）")
    return parser


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None, *, assistant: PolicyAssistant | None = None) -> int:
    """Entry point. A loaded `assistant` may be passed in (tests) to reuse its index."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    try:
        questions = load_questions(args.questions)
    except DatasetError as exc:
        print(f"问题文件有误：{exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.prechecks is not None and not args.prechecks.is_file():
        print(f"找不到自测用例文件：{args.prechecks}", file=sys.stderr)
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
    if args.json:
        print(json.dumps(output, ensure_ascii=False, indent=2))
        print(report, file=sys.stderr)
    else:
        print(report)
    if args.report != "-":
        path = Path(args.report)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(report, encoding="utf-8")
        _progress(f"report written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
