#!/usr/bin/env bash
# Static checks: the import layering and cycles (import-linter), lint (ruff) and types (mypy).
# Usage: scripts/lint.sh [PATH ...]   (default: every package and the tests)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
[ -x "$PY" ] || PY=python3
BIN=$(dirname "$PY")
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
if [ "$#" -gt 0 ]; then
  paths=("$@")
else
  paths=(assistant retrieval prechecks ui eval storage tests)
fi
status=0
"$BIN/lint-imports" || status=1
"$BIN/ruff" check "${paths[@]}" || status=1
mypy_paths=()
for p in "${paths[@]}"; do
  case "$p" in tests|tests/*) ;; *) mypy_paths+=("$p") ;; esac  # tests are linted, not type-checked
done
if [ "${#mypy_paths[@]}" -gt 0 ]; then
  "$BIN/mypy" "${mypy_paths[@]}" || status=1
fi
exit $status
