"""`Query`: a message understood once with its conversation — what later stages read instead of the raw text."""

from __future__ import annotations

import pytest

from assistant.models import Turn
from assistant.service import PolicyAssistant
from assistant.understanding.query import Query, understand


def _query(assistant: PolicyAssistant, text: str, history: list[Turn] | None = None) -> Query:
    return understand(text, history or [], assistant.retriever, assistant.rules)


@pytest.mark.parametrize(("text", "kinds", "language"), [
    ("这项资助的比例是多少？", {"ratio"}, "zh"),
    ("补贴最高能拿多少万？", {"cap", "money"}, "zh"),
    ("What share of the cost is covered?", {"ratio"}, "en"),
])
def test_what_is_asked_and_the_language(policy_assistant: PolicyAssistant, text: str, kinds: set[str],
                                        language: str) -> None:
    query = _query(policy_assistant, text)
    assert kinds <= query.kinds
    assert query.language == language
    assert query.folded  # every later stage reads the folded text from here


def test_asked_when_something_else_is_issued_is_no_issue_date(policy_assistant: PolicyAssistant) -> None:
    # "每年几月发布…报告": when a report comes out, which the clause providing for it states; not the law's own date.
    report = _query(policy_assistant, "数据条例规定每年几月份发布数据开放情况报告")
    assert "issued" not in report.kinds and "sz-data-regulation-2021" in report.documents
    own = _query(policy_assistant, "深圳数据条例是什么时候发布的")
    assert "issued" in own.kinds


def test_named_documents_articles_and_quotes(policy_assistant: PolicyAssistant) -> None:
    doc = next(d for d in policy_assistant.documents() if d.status == "official")
    query = _query(policy_assistant, f"《{doc.short_title}》第12条和第三条里“某个示例短语内容”指什么")
    assert doc.doc_id in query.documents
    assert query.articles == ("第十二条", "第三条")
    assert query.quoted == ("某个示例短语内容",)
    assert "definition" in query.kinds


def test_stated_facts_merge_over_earlier_user_turns_only(policy_assistant: PolicyAssistant) -> None:
    history = [Turn("user", "我们公司在龙岗注册，去年租算力花了200万"),
               Turn("assistant", "如果算力费用是900万，可以……"),  # the assistant's words are no facts
               Turn("user", "更正一下，算力其实花了300万")]
    query = _query(policy_assistant, "那能补多少？", history)
    assert query.stated.profile["compute_expense_wan"] == 300.0  # the later statement overrides
    assert query.stated.profile["registered_in_longgang"] is True  # kept from the first turn
    assert query.facts.profile == {}  # this message alone states nothing
    assert query.context.is_followup


def test_a_followup_borrows_items_from_its_earlier_turns(policy_assistant: PolicyAssistant) -> None:
    item = policy_assistant.rules.items[0]
    query = _query(policy_assistant, "那比例呢？", [Turn("user", f"{item.name}怎么申请")])
    assert query.items == ()
    assert query.named_items == (item.item_id,)
    standalone = _query(policy_assistant, "今年的申报比例是多少，请具体说明一下条件和流程", [Turn("user", item.name)])
    assert not standalone.context.is_followup and standalone.named_items == ()


@pytest.mark.parametrize("question", ["龙岗买算力的补贴有多少", "算力券龙岗这边补多少", "龙岗区里的算力券怎么算"])
def test_an_item_is_named_in_the_ways_people_word_it(policy_assistant: PolicyAssistant, question: str) -> None:
    query = understand(question, [], policy_assistant.retriever, policy_assistant.rules)
    assert query.items == ("lg-compute",)
