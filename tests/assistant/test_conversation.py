"""Conversation state: the facts a person stated in any earlier turn, later statements overriding earlier ones,
and what a follow-up that changes one fact recomputes. Synthetic conversations, no index needed."""

from __future__ import annotations

import pytest

from assistant.models import Turn
from assistant.understanding.asks import asked, kinds_of
from assistant.understanding.followup import conversation_context
from assistant.understanding.query import own_case, stated_facts, states_spending


def _user(*texts: str) -> tuple[Turn, ...]:
    """A conversation of user turns, each answered by an assistant turn that states other facts."""
    turns: list[Turn] = []
    for text in texts:
        turns += [Turn("user", text), Turn("assistant", "假如贵公司在福田注册、花了9999万、不是初创企业……")]
    return tuple(turns)


def test_facts_from_every_earlier_user_turn_are_carried() -> None:
    history = _user("我们单位是有限公司，注册地在龙岗", "纳税也在龙岗，我们刚成立一年", "上个月租GPU花了二百四十万")
    own, stated = stated_facts("大概能给多少？", history)
    assert own.profile == {}
    assert stated.profile == {
        "org_type": "enterprise", "independent_legal_person": True, "registered_in_longgang": True,
        "tax_in_longgang": True, "is_startup": True, "compute_expense_wan": 240.0,
        "training_compute_contract_wan": 240.0,
    }


@pytest.mark.parametrize(("message", "wan"), [
    ("那如果是2亿呢？", 20000.0),
    ("改成六百五十万呢", 650.0),
    ("要是只有80w呢", 80.0),
    ("假如是3000000元呢", 300.0),
])
def test_a_bare_amount_replaces_the_amount_the_conversation_established(message: str, wan: float) -> None:
    history = _user("我们在龙岗注册", "去年采购算力用了1200万")
    own, stated = stated_facts(message, history)
    assert own.profile["compute_expense_wan"] == wan
    assert stated.profile["compute_expense_wan"] == wan
    assert stated.profile["registered_in_longgang"] is True


def test_a_bare_amount_replaces_the_latest_kind_of_amount_stated() -> None:
    history = _user("买算力花了300万", "另外在数据交易所买语料花了120万")
    _own, stated = stated_facts("如果是200万呢", history)
    assert stated.profile["corpus_contract_wan"] == 200.0
    assert stated.profile["compute_expense_wan"] == 300.0


def test_an_established_amount_is_found_however_many_turns_back() -> None:
    history = _user("训大模型租算力，合同金额700万", "我们注册在龙岗", "纳税也在龙岗", "统计关系也在")
    _own, stated = stated_facts("换成1500万呢", history)
    assert stated.profile["training_compute_contract_wan"] == 1500.0


@pytest.mark.parametrize(("message", "startup"), [("要是不是初创企业呢？", False), ("初创企业呢", True)])
def test_a_later_statement_overrides_an_earlier_one(message: str, startup: bool) -> None:
    first = "我们是初创公司" if not startup else "我们不是初创企业"
    _own, stated = stated_facts(message, _user(first, "租算力训练模型签了500万合同"))
    assert stated.profile["is_startup"] is startup
    assert stated.profile["training_compute_contract_wan"] == 500.0


def test_a_relocation_overrides_the_earlier_place() -> None:
    _own, stated = stated_facts("如果注册在宝安呢", _user("注册在龙岗，买算力花了300万"))
    assert stated.profile["registered_in_longgang"] is False


def test_assistant_turns_are_never_a_source_of_facts() -> None:
    history = (Turn("user", "你好"), Turn("assistant", "我们公司在龙岗注册，算力花了500万，是初创企业"))
    own, stated = stated_facts("能补多少", history)
    assert own.profile == {} and stated.profile == {}


def test_without_an_established_amount_a_bare_amount_stays_unattributed() -> None:
    own, stated = stated_facts("如果是100万呢", _user("我们在龙岗注册"))
    assert not any(k.endswith("_wan") for k in stated.profile)
    assert [a.wan for a in own.unattributed] == [100.0]


def test_a_subsidy_dictated_in_a_followup_is_not_an_amount() -> None:
    _own, stated = stated_facts("那补贴就是1亿吧", _user("买算力花了300万"))
    assert stated.profile["compute_expense_wan"] == 300.0


@pytest.mark.parametrize(("message", "history", "expected"), [
    ("我们能拿多少房租补贴", (), True),  # first person
    ("能补多少？", _user("我们在龙岗注册"), True),  # a follow-up after the person told about themselves
    ("能补多少？", _user("训力券是什么"), False),  # nothing stated about the person
    ("那场景示范项目每家企业最多补多少", _user("测算表里场景示范每年安排多少"), False),  # a kind named in passing
    ("房租补贴一共安排了多少钱", (), False),  # the policy's figure, not one's own
    ("我们在龙岗注册，申报材料有哪些", (), False),  # no amount asked
    ("我们向自己的子公司买数据，这种能补吗", (), False),  # whether it qualifies, not how much
])
def test_own_case_questions(message: str, history: tuple[Turn, ...], expected: bool) -> None:
    _own, stated = stated_facts(message, history)
    context = conversation_context(message, list(history))
    assert own_case(message, kinds_of(asked(message)), stated, context) is expected


@pytest.mark.parametrize(("message", "expected"), [
    ("上季度租GPU花了六十万元。", True),  # a statement of spending: what it would get is the answer
    ("上季度租GPU花了六十万元，要准备什么材料？", False),  # a question of its own
    ("我们在龙岗注册。", False),  # no spending
])
def test_a_message_that_only_states_spending(message: str, expected: bool) -> None:
    own, _stated = stated_facts(message, ())
    assert states_spending(message, own) is expected


@pytest.mark.parametrize("earlier", ["资金测算表里算力扶持2026年安排了12000万吗", "训力券是不是最高1000万",
                                     "语料券的上限调整为300万了吗"])
def test_a_policy_figure_asked_about_is_not_the_persons_spending(earlier: str) -> None:
    own, stated = stated_facts("能补多少", _user(earlier))
    assert not stated.has_amount and not own.has_amount
