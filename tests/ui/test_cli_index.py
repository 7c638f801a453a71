"""`policy-assistant index`: what a build reports about the vector cache, through the real CLI and model."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from retrieval.corpus import local_corpus_dir
from ui.cli import main

DOC = """---
doc_id: {doc_id}
title: {title}
short_title: {title}
issuer: 测试单位
level: district
doc_type: notice
status: official
published: 2024-01
language: zh
completeness: full
source: 测试夹具
---

第一条 {title}适用于在本区登记注册的{topic}企业。

第二条 对{topic}企业的研发投入，按照实际投入的百分之二十给予支持，最高不超过一百万元。
"""

REPORT = re.compile(r"索引已构建：(\d+) 个条款，(\d+) 个向量片段（新计算 (\d+) 个，沿用缓存 (\d+) 个）")


def _write(directory: Path, doc_id: str, title: str, topic: str) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{doc_id}.md").write_text(DOC.format(doc_id=doc_id, title=title, topic=topic), encoding="utf-8")


def _index(capsys: pytest.CaptureFixture[str]) -> tuple[int, int, int, int]:
    assert main(["index"]) == 0
    match = REPORT.search(capsys.readouterr().out)
    assert match, "the build report names new and reused chunks"
    clauses, chunks, new, reused = (int(g) for g in match.groups())
    return clauses, chunks, new, reused


def test_index_reports_new_and_cached_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    shipped, data = tmp_path / "policies", tmp_path / "data"
    _write(shipped, "zz-test-robots", "测试区机器人扶持办法", "机器人")
    _write(shipped, "zz-test-sensors", "测试区传感器扶持办法", "传感器")
    monkeypatch.setenv("PA_CORPUS_DIR", str(shipped))
    monkeypatch.setenv("PA_DATA_DIR", str(data))

    clauses, chunks, new, reused = _index(capsys)
    assert clauses == 4 and chunks >= clauses and (new, reused) == (chunks, 0)  # empty cache: all new

    _write(local_corpus_dir(data), "zz-test-drones", "测试区无人机扶持办法", "无人机")  # one imported document
    clauses2, chunks2, new2, reused2 = _index(capsys)
    assert clauses2 == clauses + 2
    assert (new2, reused2) == (chunks2 - chunks, chunks) and new2 >= 2  # only its chunks are new

    assert _index(capsys)[2:] == (0, chunks2)  # nothing changed: nothing embedded
