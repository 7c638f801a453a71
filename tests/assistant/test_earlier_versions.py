"""The version a held document replaced, whose text is not held: asked about by words for an earlier version
or by its year, it is answered only from what held texts say of it, never with the held document's facts."""

from __future__ import annotations

import pytest

from assistant.earlier_versions import asks_earlier_version
from assistant.models import Turn
from assistant.service import PolicyAssistant


@pytest.mark.parametrize(("question", "expected"), [
    ("旧版还能用吗", True),
    ("上一版是哪年出的", True),
    ("原来那版办法的文号", True),
    ("那之前那一版是什么时候出的", True),
    ("它替代的是哪份？旧的文号是多少", True),
    ("老版本什么时候到期", True),
    ("What was the previous version's document number?", True),
    ("新版什么时候印发", False),
    ("这个办法有几个版本", False),
])
def test_words_for_the_version_replaced(question: str, expected: bool) -> None:
    assert asks_earlier_version(question) is expected


def _lead(text: str) -> str:
    return text.split("\n")[0]


def test_the_number_of_the_version_replaced_is_what_held_texts_say_of_it(policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("龙岗工信资金管理办法老版本的文号是多少")
    assert not answer.refused and "深龙工信规〔2022〕5号" in _lead(answer.text)
    assert "lg-itc-fund-measures-2026-interpretation#一、" in {c.clause_id for c in answer.citations}


def test_the_version_named_by_its_year(policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("2022年版的龙岗工信专项资金管理办法文号多少")
    assert not answer.refused and "深龙工信规〔2022〕5号" in _lead(answer.text)
    # The year of the held text names the held text.
    held = policy_assistant.answer("2026年版的龙岗工信专项资金管理办法是哪天印发的")
    assert "2026年1月20日" in _lead(held.text) and "2022" not in _lead(held.text)


def test_the_version_named_by_its_year_and_number_asked_which_applies(policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("区级财政专项资金办法，该按2021年的1号文还是新修订的那版？")
    assert not answer.refused and "取代" in _lead(answer.text) and "深龙府规〔2024〕4号" in _lead(answer.text)


def test_until_when_the_version_replaced_ran(policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("工信专项资金办法上一个版本有效期到什么时候")
    assert not answer.refused and "2025年9月" in _lead(answer.text)
    assert "2026年1月20日" not in _lead(answer.text)  # the held text's date is not the old one's


def test_the_version_replaced_asked_in_a_follow_up(policy_assistant: PolicyAssistant) -> None:
    history = [Turn("user", "龙岗新的工信专项资金管理办法哪天发的"), Turn("assistant", "2026年1月20日印发。")]
    answer = policy_assistant.answer("那它之前那版的文号呢", history)
    assert not answer.refused and "深龙工信规〔2022〕5号" in _lead(answer.text)


def test_what_the_version_replaced_provided_is_not_held(policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("工信专项资金管理办法旧版对企业有哪些支持方式")
    assert answer.refused and not answer.citations and "未收录" in answer.text


def test_whether_the_version_replaced_still_applies_names_what_replaced_it(policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("区级财政专项资金管理办法，2021年那个文件现在还用吗")
    assert not answer.refused and "深龙府规〔2024〕4号" in _lead(answer.text) and "取代" in _lead(answer.text)


def test_the_version_said_as_the_original_one(policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("原来那个工信专项资金办法有效期到什么时候")
    assert not answer.refused and "2025年9月" in _lead(answer.text)
