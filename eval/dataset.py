"""Load and validate evaluation question files (the format of shared/eval/README.md).

One JSON object per line::

    {"id": "q-001", "question": "…", "history": [{"role": "user", "content": "…"}],
     "evidence": [{"doc_id": "…", "contains": "…"}], "answer_must_include": [["二十七", "27"]],
     "kind": "factoid"}

`history` and `answer_must_include` may be left out (empty); every other field is required. Blank lines
are skipped. Every problem raises `DatasetError` naming the file, the line number and the field.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retrieval.text import compact

KINDS: tuple[str, ...] = ("factoid", "numeric", "list", "follow-up", "colloquial", "cross-lingual",
                          "unanswerable", "draft-vs-final")
ROLES: tuple[str, ...] = ("user", "assistant")


class DatasetError(ValueError):
    """A question file that cannot be evaluated; the message names the file and the line."""


@dataclass(frozen=True)
class Evidence:
    """A passage that answers a question: a clause of `doc_id` whose text contains `contains`."""

    doc_id: str
    contains: str


@dataclass(frozen=True)
class HistoryTurn:
    """An earlier message of the conversation (same fields as `assistant.models.Turn`)."""

    role: str
    content: str


@dataclass(frozen=True)
class Question:
    """One evaluation question."""

    id: str
    question: str
    kind: str
    history: tuple[HistoryTurn, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    answer_must_include: tuple[tuple[str, ...], ...] = ()
    line: int = 0  # 1-based line in the file it came from (0 when built in code)

    @property
    def answerable(self) -> bool:
        """True when the corpus answers the question (it has evidence)."""
        return bool(self.evidence)


def _fail(where: str, message: str) -> DatasetError:
    return DatasetError(f"{where}: {message}")


def _text(obj: dict[str, Any], key: str, where: str, *, required: bool = True) -> str:
    value = obj.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise _fail(where, f"field {key!r} must be a non-empty string, got {value!r}")
    return value


def _list(obj: dict[str, Any], key: str, where: str, *, required: bool) -> list[Any]:
    if key not in obj:
        if required:
            raise _fail(where, f"missing field {key!r} (use [] for none)")
        return []
    value = obj[key]
    if not isinstance(value, list):
        raise _fail(where, f"field {key!r} must be a list, got {type(value).__name__}")
    return value


def _history(raw: list[Any], where: str) -> tuple[HistoryTurn, ...]:
    turns = []
    for i, turn in enumerate(raw):
        at = f"{where}, history[{i}]"
        if not isinstance(turn, dict):
            raise _fail(at, "each turn must be an object {\"role\", \"content\"}")
        role = turn.get("role")
        if role not in ROLES:
            raise _fail(at, f"role must be one of {', '.join(ROLES)}, got {role!r}")
        turns.append(HistoryTurn(role=role, content=_text(turn, "content", at)))
    return tuple(turns)


def _evidence(raw: list[Any], where: str) -> tuple[Evidence, ...]:
    items = []
    for i, item in enumerate(raw):
        at = f"{where}, evidence[{i}]"
        if not isinstance(item, dict):
            raise _fail(at, "each evidence item must be an object {\"doc_id\", \"contains\"}")
        items.append(Evidence(doc_id=_text(item, "doc_id", at), contains=_text(item, "contains", at)))
    return tuple(items)


def _groups(raw: list[Any], where: str) -> tuple[tuple[str, ...], ...]:
    groups = []
    for i, group in enumerate(raw):
        at = f"{where}, answer_must_include[{i}]"
        if not isinstance(group, list) or not group:
            raise _fail(at, "each group must be a non-empty list of strings")
        if not all(isinstance(s, str) and compact(s) for s in group):
            raise _fail(at, f"each group must hold non-empty strings, got {group!r}")
        groups.append(tuple(group))
    return tuple(groups)


def parse_question(obj: Any, where: str, line: int = 0) -> Question:
    """Validate one decoded JSON object as a `Question`; `where` prefixes error messages."""
    if not isinstance(obj, dict):
        raise _fail(where, f"expected a JSON object, got {type(obj).__name__}")
    kind = obj.get("kind")
    if kind not in KINDS:
        raise _fail(where, f"field 'kind' must be one of {' | '.join(KINDS)}, got {kind!r}")
    return Question(
        id=_text(obj, "id", where),
        question=_text(obj, "question", where),
        kind=kind,
        history=_history(_list(obj, "history", where, required=False), where),
        evidence=_evidence(_list(obj, "evidence", where, required=True), where),
        answer_must_include=_groups(_list(obj, "answer_must_include", where, required=False), where),
        line=line,
    )


def parse_lines(lines: Iterable[str], source: str) -> list[Question]:
    """Parse the lines of a question file; `source` names the file in error messages."""
    questions: list[Question] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        where = f"{source}, line {number}"
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise _fail(where, f"not valid JSON ({exc.msg} at column {exc.colno})") from None
        question = parse_question(obj, where, number)
        if question.id in seen:
            raise _fail(where, f"duplicate id {question.id!r} (first on line {seen[question.id]})")
        seen[question.id] = number
        questions.append(question)
    if not questions:
        raise DatasetError(f"{source}: no questions in file")
    return questions


def load_questions(path: Path | str) -> list[Question]:
    """Read and validate a question file; raise `DatasetError` on the first problem."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise DatasetError(f"{path}: question file not found") from None
    except UnicodeDecodeError as exc:
        raise DatasetError(f"{path}: not UTF-8 ({exc})") from None
    return parse_lines(text.splitlines(), str(path))


def unknown_documents(questions: Iterable[Question], doc_ids: Iterable[str]) -> list[str]:
    """Messages for evidence items naming a document the corpus does not hold (empty when all do)."""
    known = set(doc_ids)
    return [f"line {q.line}, id {q.id!r}: evidence doc_id {e.doc_id!r} is not in the corpus"
            for q in questions for e in q.evidence if e.doc_id not in known]
