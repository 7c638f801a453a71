"""Intent routing and follow-up detection."""

from __future__ import annotations

import pytest

from assistant.models import Turn
from assistant.understanding.facts import extract_facts
from assistant.understanding.followup import conversation_context, is_elliptical
from assistant.understanding.intent import route


@pytest.mark.parametrize(("text", "intent"), [
    ("你好", "greeting"),
    ("您好！", "greeting"),
    ("你能做什么？", "greeting"),
    ("南山区的人工智能补贴政策是什么？", "out_of_scope"),
    ("个人所得税的税率是多少？", "out_of_scope"),
    ("What is the income tax rate for software firms?", "out_of_scope"),  # tax law, asked in English too
    ("今天天气怎么样", "out_of_scope"),
    ("我们在龙岗注册，去年买算力花了300万，能补多少？", "self_assessment"),
    ("去年租算力花了80万，小公司能多拿点吗", "self_assessment"),  # 多拿: how much more, an amount asked
    ("公司注册在龙岗，但是税在南山交的，还能申请龙岗的人工智能扶持吗？", "mixed"),
    ("深圳训力券对初创企业的资助比例是多少？", "policy"),
    ("实施细则一共有多少条？", "policy"),
])
def test_route(text: str, intent: str) -> None:
    assert route(text, extract_facts(text)) == intent


@pytest.mark.parametrize(("text", "elliptical"), [
    ("那2026年呢？", True),
    ("初创企业呢？", True),
    ("这个要什么条件", True),
    ("依法开放这些公共数据要收费吗？", True),
    ("深圳人工智能产业促进条例规定的产业主管部门是哪个部门？", False),
    ("后来发现我们年收入超标了，那还能报吗", True),  # a fact stated first, then the follow-up asked
    ("And what if our spending were 20 million yuan?", True),
    ("How about a university?", True),
    ("Does it apply to startups too?", True),
    ("Which department administers the Longgang special fund for industry?", False),
])
def test_is_elliptical(text: str, elliptical: bool) -> None:
    assert is_elliptical(text) is elliptical


def test_context_uses_only_user_turns() -> None:
    history = [Turn("user", "深圳数据条例里公共数据分几类？"), Turn("assistant", "助手的措辞不应影响检索")]
    context = conversation_context("那要收费吗？", history)
    assert "公共数据" in context.text and "措辞" not in context.text
    assert context.is_followup and context.weight == 1.0


def test_no_history_no_context() -> None:
    context = conversation_context("那要收费吗？", [])
    assert context.text == "" and context.weight == 0.0


def test_a_stated_lack_of_legal_personality_with_an_eligibility_question_is_checked() -> None:
    text = "我们是分公司，不具备独立法人资格，能申报吗"
    assert route(text, extract_facts(text)) == "mixed"
