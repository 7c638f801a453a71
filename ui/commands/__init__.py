"""Sub-commands of `policy-assistant`; each module exposes `register(subparsers)`."""

from __future__ import annotations

import json
import sys

EXIT_USAGE = 2


def report_error(exc: Exception, as_json: bool, lead: str) -> int:
    """Tell the user why a command could not run (Chinese, no traceback); the JSON error shape on
    stdout with `--json`. Returns the usage exit code."""
    if as_json:
        print(json.dumps({"error": {"code": type(exc).__name__, "message": str(exc)}}, ensure_ascii=False))
    print(f"{lead}：{exc}", file=sys.stderr)
    return EXIT_USAGE
