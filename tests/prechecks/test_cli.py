"""`policy-assistant precheck`: output, exit codes, and Chinese errors without tracebacks."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import ui.commands.precheck as precheck_command
from prechecks.rules import load_rules
from ui.cli import main

ROOT = Path(__file__).resolve().parents[2]
ENTERPRISE = {"org_type": "enterprise", "registered_in_longgang": True, "independent_legal_person": True,
              "tax_in_longgang": True, "stats_in_longgang": True}


def profile_file(tmp_path: Path, data: Any, name: str = "profile.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private data directory: the command reads imported documents (and disabled ones) from it."""
    monkeypatch.setenv("PA_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["precheck", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_done_means_capped_compute_support(tmp_path, capsys) -> None:
    path = profile_file(tmp_path, {**ENTERPRISE, "compute_expense_wan": 2500})
    code, out, err = run_cli(capsys, "--profile", str(path))
    assert code == 0, err
    assert re.search(r"^lg-compute\s+eligible\s+600\.00\b", out, re.MULTILINE)
    assert "2500万元 × 30% = 750万元，超过上限600万元，按上限600万元计" in out
    assert "《龙岗区人工智能若干措施（英文版）》1.(2)" in out
    assert "按比例核减" in out and "《工信专项资金管理办法（2026）》第三条" in out
    assert err == ""


def test_text_output_lists_missing_questions(tmp_path, capsys) -> None:
    data = {k: v for k, v in ENTERPRISE.items() if k != "stats_in_longgang"}
    path = profile_file(tmp_path, {**data, "compute_expense_wan": 200})
    code, out, _ = run_cli(capsys, "--profile", str(path))
    assert code == 0
    assert re.search(r"^lg-compute\s+needs_info\s+-", out, re.MULTILINE)
    assert "需补充" in out and "统计地是否在龙岗区" in out


def test_json_output_is_one_object_per_item(tmp_path, capsys) -> None:
    path = profile_file(tmp_path, {**ENTERPRISE, "is_startup": False, "compute_expense_wan": 2500,
                                   "training_compute_contract_wan": 1500})
    code, out, _ = run_cli(capsys, "--profile", str(path), "--json")
    assert code == 0
    items = {item["item_id"]: item for item in json.loads(out)}
    assert list(items) == ["lg-compute", "sz-training-voucher"]
    assert (items["lg-compute"]["status"], items["lg-compute"]["estimate_wan"]) == ("eligible", 600.0)
    assert items["sz-training-voucher"]["estimate_wan"] == 750.0
    assert {"item_id", "name", "status", "status_label", "estimate_wan", "formula", "reasons", "citations",
            "missing", "caveats", "conditions", "conditions_met", "irrelevant_unknowns", "alternatives",
            "warnings", "application"} == set(items["lg-compute"])
    assert any(c["clause_id"] == "lg-ai-measures-en#1.(2)" for c in items["lg-compute"]["citations"])


def test_lint_passes_on_the_real_rules(capsys) -> None:
    code, out, err = run_cli(capsys, "--lint")
    assert code == 0, err
    assert "规则检查通过" in out and "12 个扶持项目" in out


def test_lint_fails_on_drifted_rules(rules_copy, capsys, monkeypatch) -> None:
    path = rules_copy / "lg-ai-rules.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("wan: 600\n", "wan: 800\n"), encoding="utf-8")
    monkeypatch.setattr(precheck_command, "load_rules", lambda _dir=None: load_rules(rules_copy))
    code, _, err = run_cli(capsys, "--lint")
    assert code == 1
    assert "lg-ai-rules.yaml" in err and "lg-compute" in err and "amount.cap.wan" in err and "800" in err


def test_drifted_rules_are_never_used_for_estimates(rules_copy, tmp_path, capsys, monkeypatch) -> None:
    path = rules_copy / "lg-ai-rules.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("wan: 600\n", "wan: 800\n"), encoding="utf-8")
    monkeypatch.setattr(precheck_command, "load_rules", lambda _dir=None: load_rules(rules_copy))
    path = profile_file(tmp_path, {**ENTERPRISE, "compute_expense_wan": 2500})
    code, out, err = run_cli(capsys, "--profile", str(path))
    assert code == 1
    assert out == "" and "拒绝测算" in err


def test_broken_corpus_is_reported(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("PA_CORPUS_DIR", str(tmp_path / "no-corpus"))
    code, _, err = run_cli(capsys, "--lint")
    assert code == 1
    assert "语料目录不存在" in err and "Traceback" not in err


@pytest.mark.parametrize(("content", "fragments"), [
    ({**ENTERPRISE, "turnover_wan": 5}, ["turnover_wan", "未知字段"]),
    ({**ENTERPRISE, "compute_expense_wan": -1}, ["compute_expense_wan", "不能为负数"]),
    ({**ENTERPRISE, "compute_expense_wan": "很多"}, ["compute_expense_wan", "数字"]),
    ({**ENTERPRISE, "compute_expense_wan": "3000000元"}, ["compute_expense_wan", "3000000元 = 300万元"]),
    ({**ENTERPRISE, "compute_expense_wan": 3000000}, ["compute_expense_wan", "300 亿元", "以元为单位"]),
    ({**ENTERPRISE, "registered_in_longgang": "否"}, ["registered_in_longgang", "true 或 false"]),
    ({**ENTERPRISE, "tax_in_longgang": "是"}, ["tax_in_longgang", "true 或 false"]),
    ({**ENTERPRISE, "org_type": "公司"}, ["org_type", "enterprise（法人企业）"]),
    ({**ENTERPRISE, "activities": ["lg-unknown"]}, ["activities", "lg-unknown"]),
    ("", ["是空的"]),
    ("   \n", ["是空的"]),
    ("{\"org_type\": ", ["不是有效的 JSON", "第1行"]),
    ("[1, 2]", ["JSON 对象"]),
    ("{\"org_type\": \"enterprise\", \"org_type\": \"university\"}", ["org_type", "重复"]),
])
def test_bad_input_exits_2_with_a_chinese_message(tmp_path, capsys, content, fragments) -> None:
    code, out, err = run_cli(capsys, "--profile", str(profile_file(tmp_path, content)))
    assert code == 2
    assert out == ""
    for fragment in fragments:
        assert fragment in err
    assert "Traceback" not in err


def test_missing_file_exits_2(tmp_path, capsys) -> None:
    code, _, err = run_cli(capsys, "--profile", str(tmp_path / "absent.json"))
    assert code == 2 and "找不到画像文件" in err


def test_directory_instead_of_file_exits_2(tmp_path, capsys) -> None:
    code, _, err = run_cli(capsys, "--profile", str(tmp_path))
    assert code == 2 and "不是文件" in err


def test_non_utf8_file_exits_2(tmp_path, capsys) -> None:
    path = tmp_path / "gbk.json"
    path.write_bytes(json.dumps({**ENTERPRISE, "org_type": "企业"}, ensure_ascii=False).encode("gbk"))
    code, _, err = run_cli(capsys, "--profile", str(path))
    assert code == 2 and "UTF-8" in err


def test_no_profile_and_no_lint_exits_2(capsys) -> None:
    code, _, err = run_cli(capsys)
    assert code == 2 and "--profile" in err


def test_console_entry_point_in_a_subprocess(tmp_path) -> None:
    good = profile_file(tmp_path, {**ENTERPRISE, "compute_expense_wan": 2500}, "good.json")
    bad = profile_file(tmp_path, {**ENTERPRISE, "compute_expense_wan": "3000000元"}, "bad.json")
    ok = subprocess.run([sys.executable, "-m", "ui.cli", "precheck", "--profile", str(good)],
                        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert re.search(r"^lg-compute\s+eligible\s+600\.00\b", ok.stdout, re.MULTILINE)
    failed = subprocess.run([sys.executable, "-m", "ui.cli", "precheck", "--profile", str(bad)],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert failed.returncode == 2
    assert "compute_expense_wan" in failed.stderr and "Traceback" not in failed.stderr


IMPORTED_DOC = """---
doc_id: zz-test-compute
title: 测试区算力扶持实施办法
short_title: 测试区算力办法
issuer: 测试单位
level: district
doc_type: notice
status: official
published: 2025-01
language: zh
completeness: full
source: 测试夹具
---

第一条 购买算力的企业，按照算力费用的30%给予支持，最高不超过500万元。
"""


@pytest.fixture()
def rules_citing_import(rules_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The rules with the compute-support cap taken from a document that exists only as an import."""
    path = rules_copy / "lg-ai-rules.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        'wan: 600\n        clause: "lg-ai-measures-en#1.(2)"\n        quote: up to 6 million yuan to the maximum',
        'wan: 500\n        clause: "zz-test-compute#第一条"\n        quote: 最高不超过500万元'), encoding="utf-8")
    assert "zz-test-compute#第一条" in path.read_text(encoding="utf-8")
    monkeypatch.setattr(precheck_command, "load_rules", lambda _dir=None: load_rules(rules_copy))
    return rules_copy


def test_rules_citing_an_imported_document_lint_and_compute(rules_citing_import, data_dir, tmp_path,
                                                             capsys) -> None:
    code, _, err = run_cli(capsys, "--lint")
    assert code == 1 and "zz-test-compute#第一条 在语料中不存在" in err  # not imported yet

    (data_dir / "corpus").mkdir(parents=True)
    (data_dir / "corpus" / "zz-test-compute.md").write_text(IMPORTED_DOC, encoding="utf-8")
    code, out, err = run_cli(capsys, "--lint")
    assert code == 0, err
    assert "规则检查通过" in out
    path = profile_file(tmp_path, {**ENTERPRISE, "compute_expense_wan": 2500})
    code, out, err = run_cli(capsys, "--profile", str(path), "--json")
    assert code == 0, err
    item = next(i for i in json.loads(out) if i["item_id"] == "lg-compute")
    assert item["estimate_wan"] == 500.0
    assert any(c["clause_id"] == "zz-test-compute#第一条" for c in item["citations"])


def test_lint_module_layers_imported_documents(rules_citing_import, data_dir, tmp_path) -> None:
    local = data_dir / "corpus"
    local.mkdir(parents=True)
    (local / "zz-test-compute.md").write_text(IMPORTED_DOC, encoding="utf-8")

    def lint(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "prechecks.lint", "--rules", str(rules_citing_import), *args],
                              cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)

    shipped_only = lint()
    assert shipped_only.returncode == 1 and "zz-test-compute#第一条" in shipped_only.stderr
    with_data = lint("--data-dir", str(data_dir))
    assert with_data.returncode == 0, with_data.stderr
    assert "规则检查通过" in with_data.stdout
    layered = lint("--corpus", str(ROOT / "corpus" / "policies"), "--corpus", str(local))
    assert layered.returncode == 0, layered.stderr
