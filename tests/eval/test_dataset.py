"""Question files: valid files load, malformed ones fail with errors naming the line and the field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.dataset import DatasetError, Evidence, load_questions, unknown_documents

GOOD = {"id": "q-001", "question": "实施细则一共有多少条？", "history": [],
        "evidence": [{"doc_id": "lg-ai-rules-explainer", "contains": "共二十七条"}],
        "answer_must_include": [["二十七", "27"]], "kind": "factoid"}


def write(tmp_path: Path, *lines: object) -> Path:
    path = tmp_path / "questions.jsonl"
    path.write_text("\n".join(line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)
                              for line in lines) + "\n", encoding="utf-8")
    return path


def with_(**changes: object) -> dict:
    return {**GOOD, "id": f"q-{abs(hash(str(changes))) % 10**6}", **changes}


def test_valid_file_with_blank_lines_and_bom(tmp_path):
    follow_up = {**GOOD, "id": "q-002", "question": "那第二条呢？", "kind": "follow-up",
                 "history": [{"role": "user", "content": "第一条讲什么？"},
                             {"role": "assistant", "content": "讲目的。"}]}
    path = write(tmp_path, GOOD, "", follow_up)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    questions = load_questions(path)
    assert [q.id for q in questions] == ["q-001", "q-002"]
    assert questions[0].evidence == (Evidence("lg-ai-rules-explainer", "共二十七条"),)
    assert questions[0].answer_must_include == (("二十七", "27"),)
    assert questions[1].history[1].role == "assistant"
    assert questions[1].line == 3


def test_optional_fields_and_unanswerable(tmp_path):
    minimal = {"id": "u-1", "question": "申报截止时间？", "evidence": [], "kind": "unanswerable"}
    [q] = load_questions(write(tmp_path, minimal))
    assert not q.answerable and q.history == () and q.answer_must_include == ()


def test_dev_file_loads(dev_questions_path):
    questions = load_questions(dev_questions_path)
    assert len(questions) == 70 and len({q.id for q in questions}) == 70


@pytest.mark.parametrize("bad, message", [
    ("{not json", "not valid JSON"),
    ('["a list"]', "expected a JSON object"),
    (with_(kind="folow-up"), "'kind' must be one of"),
    ({k: v for k, v in GOOD.items() if k != "question"}, "'question' must be a non-empty string"),
    (with_(question="  "), "'question' must be a non-empty string"),
    (with_(id=7), "'id' must be a non-empty string"),
    ({k: v for k, v in GOOD.items() if k != "evidence"}, "missing field 'evidence'"),
    (with_(evidence={"doc_id": "x", "contains": "y"}), "'evidence' must be a list"),
    (with_(evidence=[{"doc_id": "x"}]), "evidence[0]: field 'contains'"),
    (with_(evidence=[{"doc_id": "x", "contains": "\u3000 "}]), "evidence[0]: field 'contains' must be a non-empty string"),
    (with_(evidence=["x"]), "evidence[0]: each evidence item must be an object"),
    (with_(history=[{"role": "system", "content": "hi"}]), "history[0]: role must be one of"),
    (with_(history=[{"role": "user"}]), "history[0]: field 'content'"),
    (with_(answer_must_include=["二十七"]), "answer_must_include[0]: each group must be a non-empty list"),
    (with_(answer_must_include=[[]]), "answer_must_include[0]: each group must be a non-empty list"),
    (with_(answer_must_include=[["ok", 27]]), "answer_must_include[0]: each group must hold"),
])
def test_malformed_line_names_line_and_problem(tmp_path, bad, message):
    path = write(tmp_path, GOOD, bad)
    with pytest.raises(DatasetError) as info:
        load_questions(path)
    text = str(info.value)
    assert f"{path}, line 2" in text
    assert message in text


def test_duplicate_id(tmp_path):
    with pytest.raises(DatasetError, match=r"line 3: duplicate id 'q-001' \(first on line 1\)"):
        load_questions(write(tmp_path, GOOD, "", GOOD))


def test_empty_missing_and_non_utf8_files(tmp_path):
    with pytest.raises(DatasetError, match="no questions"):
        load_questions(write(tmp_path, ""))
    with pytest.raises(DatasetError, match="not found"):
        load_questions(tmp_path / "absent.jsonl")
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes("问题".encode("gb18030"))
    with pytest.raises(DatasetError, match="not UTF-8"):
        load_questions(latin)


def test_unknown_documents(tmp_path):
    questions = load_questions(write(tmp_path, GOOD, with_(evidence=[{"doc_id": "nope", "contains": "x"}])))
    problems = unknown_documents(questions, {"lg-ai-rules-explainer"})
    assert len(problems) == 1 and "line 2" in problems[0] and "'nope'" in problems[0]
