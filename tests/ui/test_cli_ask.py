"""`policy-assistant ask`: the JSON contract, the terminal rendering, the interactive chat, bad input."""

from __future__ import annotations

import io
import json

import pytest

from assistant.settings import Settings
from ui.cli import main


@pytest.fixture()
def ask_env(built_settings: Settings, policy_assistant, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the CLI at the session's already built index (the `policy_assistant` fixture built it)."""
    monkeypatch.setenv("PA_DATA_DIR", str(built_settings.data_dir))
    monkeypatch.delenv("PA_LLM_BASE_URL", raising=False)


def test_json_contract(ask_env, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["ask", "我们公司在龙岗注册纳税，去年租算力花了800万，区里能补多少？", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    data = json.loads(out)
    assert {"answer", "citations", "prechecks", "refused"} <= data.keys()
    assert data["refused"] is False
    assert "240" in data["answer"]
    assert {"clause_id", "title", "label", "quote"} <= data["citations"][0].keys()
    assert data["citations"][0]["title"] == "《龙岗区人工智能若干措施（英文版）》"
    lg = next(p for p in data["prechecks"] if p["item_id"] == "lg-compute")
    assert lg["estimate_wan"] == 240.0
    assert {"item_id", "name", "status", "estimate_wan", "formula", "reasons", "citations"} <= lg.keys()


def test_refusal_json(ask_env, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["ask", "龙岗具身智能机器人应用扶持的补贴比例是多少", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert data["refused"] is True and data["citations"] == []


def test_text_output_lists_citations(ask_env, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "训力券对初创企业的资助比例是多少？"]) == 0
    out = capsys.readouterr().out
    assert "60%" in out
    assert "引用条款：" in out and "[1] 《深圳市人工智能先锋城市若干措施》一、（二）（正式）" in out


def test_empty_question_exits_2_with_chinese_message(ask_env, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "   "]) == 2
    out, err = capsys.readouterr()
    assert "请输入" in err and "Traceback" not in err + out


def test_interactive_chat_keeps_context(ask_env, capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    turns = "深圳训力券按合同金额的多少比例资助？\n那初创企业呢？\n新对话\n\n退出\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(turns))
    assert main(["ask"]) == 0
    out = capsys.readouterr().out
    first, second = out.split("您的问题> ")[1:3]
    assert "50%" in first
    assert "60%" in second  # the follow-up was resolved against the first question
    assert "已开始新对话" in out
