"""`policy-assistant` command line: one sub-command module per verb under `ui/commands/`."""

from __future__ import annotations

import argparse
import importlib
import sys

from assistant.settings import Settings
from ui.commands import EXIT_USAGE

# Each module exposes `register(subparsers)`, which adds its parser and sets `func(args, settings) -> int`.
COMMANDS = ("index", "search", "ask", "precheck", "serve", "importer")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every available sub-command."""
    parser = argparse.ArgumentParser(
        prog="policy-assistant",
        description="政策通：龙岗区人工智能产业扶持政策问答、条文检索与申报自测",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"ui.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"ui.commands.{name}":
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(args.func(args, Settings()) or 0)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
