"""Whether the clauses answering a yes/no question about a requirement mention what it asks to be required."""

from __future__ import annotations

import pytest

from assistant.requirements import asked_requirement, unstated_requirement
from assistant.service import PolicyAssistant


@pytest.mark.parametrize(("question", "required"), [
    ("星火券是不是要求在本市注册满两年？", "在本市注册满两年"),
    ("申请这个必须先完成备案吗", "完成备案"),
    ("需不需要提供审计报告", "提供审计报告"),
    ("比例是不是高一点", ""),  # whether a figure is higher asks nothing to be required
    ("补贴最高多少", ""),
    ("示范扶持对企业营业收入有什么门槛", "企业营业收入"),  # a threshold on a thing
])
def test_what_a_question_asks_to_be_required(question: str, required: str) -> None:
    assert asked_requirement(question) == required


def test_a_requirement_no_clause_mentions_is_unstated(policy_assistant: PolicyAssistant) -> None:
    clause = "对租用算力开展训练的企业、高等院校和科研机构，按合同金额的40%给予资助。"
    unstated = unstated_requirement(policy_assistant.retriever, "星火券是不是要求企业在本市纳税满两年？", [clause])
    assert "纳税" in unstated
    conditions = "申报单位应在本区依法登记注册，纳税地、统计地在本区。"
    assert unstated_requirement(policy_assistant.retriever, "是不是要求企业在本区纳税？", [clause, conditions]) == ()
    # A user's word for a policy word counts as the policy word ("交税" is 纳税地 in the texts).
    assert unstated_requirement(policy_assistant.retriever, "必须在本区交税吗", [conditions]) == ()


def test_the_channel_and_the_seller_are_named_in_the_texts_words(policy_assistant: PolicyAssistant) -> None:
    clause = "对通过交易平台购买非关联方星火数据的企业，按合同金额的20%给予资助。"
    assert unstated_requirement(policy_assistant.retriever, "买星火数据对购买渠道和卖方有什么要求？", [clause]) == ()
    assert "注册资本" in unstated_requirement(policy_assistant.retriever, "买星火数据对卖方的注册资本有什么要求？", [clause])
