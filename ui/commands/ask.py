"""`policy-assistant ask "问题"`: an answer with citations; without a question, an interactive chat."""

from __future__ import annotations

import argparse
import json

from assistant.models import Answer, Turn
from assistant.service import PolicyAssistant
from assistant.settings import Settings
from retrieval.corpus import CorpusError
from retrieval.index import IndexNotReady
from retrieval.search import QueryError
from ui.commands import report_error

PROMPT = "您的问题> "
QUIT_WORDS = {"exit", "quit", "q", "退出", "再见"}


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `ask` sub-command."""
    parser = subparsers.add_parser("ask", help="政策问答（不带问题时进入交互模式）")
    parser.add_argument("question", nargs="?", help="问题；省略则进入交互模式")
    parser.add_argument("--json", action="store_true", help="输出 JSON")
    parser.set_defaults(func=run)


def render(answer: Answer) -> str:
    """An answer as terminal text: the answer, then its numbered citations with their quotes."""
    lines = [answer.text]
    if answer.citations:
        lines.append("")
        lines.append("引用条款：")
        for n, citation in enumerate(answer.citations, start=1):
            lines.append(f"[{n}] {citation.display}（{citation.status}）")
            lines.append(f"    “{citation.quote}”")
            lines.append(f"    来源：{citation.source}")
    return "\n".join(lines)


def _interactive(assistant: PolicyAssistant) -> int:
    print("政策通 —— 输入问题后回车；输入“新对话”清空上下文，输入“退出”结束。")
    history: list[Turn] = []
    while True:
        try:
            question = input(PROMPT).strip()
        except EOFError:
            print()
            return 0
        if not question:
            continue
        if question.lower() in QUIT_WORDS:
            return 0
        if question == "新对话":
            history.clear()
            print("已开始新对话。")
            continue
        try:
            answer = assistant.answer(question, history)
        except QueryError as exc:
            print(f"无法回答：{exc}")
            continue
        print(render(answer))
        history += [Turn("user", question), Turn("assistant", answer.text)]


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Answer one question (or chat interactively) and print the result."""
    try:
        assistant = PolicyAssistant.from_settings(settings)
        if args.question is None:
            return _interactive(assistant)
        answer = assistant.answer(args.question)
    except (QueryError, IndexNotReady, CorpusError) as exc:
        return report_error(exc, args.json, "无法回答")
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(render(answer))
    return 0
