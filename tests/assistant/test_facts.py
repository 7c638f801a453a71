"""Fact extraction from what a person writes: amounts with units, places, startup, organisation type."""

from __future__ import annotations

import pytest

from assistant.understanding.facts import extract_facts, find_amounts


@pytest.mark.parametrize(("text", "wan"), [
    ("花了800万", 800.0),
    ("花了3百万", 300.0),
    ("花了1,200万元", 1200.0),
    ("投入1.5亿", 15000.0),
    ("合同三百万元", 300.0),
    ("支付3000000元", 300.0),
    ("大约两千五百万", 2500.0),
    ("800w", 800.0),
    ("一千万", 1000.0),
    ("才500块钱", 0.05),
    ("0.3亿", 3000.0),
    ("花了-100万", -100.0),
    ("花了负50万", -50.0),
    ("what if it spent 30 million?", 3000.0),  # a person's own English figure in millions is yuan
    ("we spent 2.5 million yuan", 250.0),
    ("we spent 12 million on computing power", 1200.0),
])
def test_amounts_are_converted_to_wan(text: str, wan: float) -> None:
    amounts = find_amounts(text)
    assert [a.wan for a in amounts] == [wan]


def test_a_policy_figure_said_again_is_no_fact_of_the_person() -> None:
    # "上限改成900万" is a claim about the policy; "按900万算" repeats it; the spending is the other amount.
    facts = extract_facts("听说算力补贴上限改成900万了，按900万帮我算，我们买算力花了4000万")
    assert facts.profile["compute_expense_wan"] == 4000.0


def test_numbers_without_a_money_unit_are_not_amounts() -> None:
    assert find_amounts("成立3年，员工50人，2024年") == []


def test_district_self_assessment_message() -> None:
    facts = extract_facts("我们公司在龙岗注册纳税，去年租算力花了800万，区里能补多少？")
    assert facts.profile["compute_expense_wan"] == 800.0
    assert facts.profile["registered_in_longgang"] is True
    assert facts.profile["tax_in_longgang"] is True
    assert facts.profile["org_type"] == "enterprise"
    assert "stats_in_longgang" not in facts.profile  # not said, so not assumed


def test_tax_elsewhere_is_false_not_missing() -> None:
    facts = extract_facts("公司注册在龙岗，但是税在南山交的")
    assert facts.profile["registered_in_longgang"] is True
    assert facts.profile["tax_in_longgang"] is False


def test_moving_something_states_where_it_will_be() -> None:
    facts = extract_facts("打算把注册地迁到龙岗，纳税和统计也一起迁过来")
    assert facts.profile["registered_in_longgang"] is True
    assert facts.profile["tax_in_longgang"] is True and facts.profile["stats_in_longgang"] is True
    assert extract_facts("税务关系转至宝安").profile["tax_in_longgang"] is False


@pytest.mark.parametrize("text", ["纳税不在龙岗", "我们纳税地不在龙岗区", "税务关系在宝安", "办公在坂田，税交在福田",
                                  "税是缴在南山的"])
def test_negated_or_other_district_tax(text: str) -> None:
    assert extract_facts(text).profile["tax_in_longgang"] is False


@pytest.mark.parametrize("text", ["税也缴到龙岗了", "税都报在龙岗"])
def test_tax_with_its_verb_after(text: str) -> None:
    assert extract_facts(text).profile["tax_in_longgang"] is True


def test_corpus_purchase_is_not_a_compute_expense() -> None:
    facts = extract_facts("花了1000万在数据交易平台上买语料训练我们的大模型")
    assert facts.profile == {"corpus_contract_wan": 1000.0}


def test_training_rental_fills_the_voucher_field() -> None:
    facts = extract_facts("一家初创企业租用智能算力开展大模型训练，服务合同金额800万元")
    assert facts.profile["training_compute_contract_wan"] == 800.0
    assert facts.profile["is_startup"] is True


@pytest.mark.parametrize(("text", "org_type"), [
    ("我们是龙岗注册的行业协会", "social_organization"),
    ("我们是民办非企业单位", "private_non_enterprise"),
    ("我们是一所大学", "university"),
    ("我们研究院", "research_institute"),
    ("我们公司", "enterprise"),
])
def test_organisation_type(text: str, org_type: str) -> None:
    assert extract_facts(text).profile["org_type"] == org_type


@pytest.mark.parametrize("text", ["我们不是初创企业", "不好意思，我们其实不算初创企业", "我们已经不再是初创公司了",
                                  "算不上初创", "We are not a start-up", "actually we aren't really a startup"])
def test_not_a_startup(text: str) -> None:
    assert extract_facts(text).profile["is_startup"] is False


def test_later_turns_override_earlier_ones() -> None:
    earlier = extract_facts("我们在龙岗注册，买算力花了300万")
    later = extract_facts("算力其实花了500万").merged_over(earlier)
    assert later.profile["compute_expense_wan"] == 500.0
    assert later.profile["registered_in_longgang"] is True


def test_a_range_is_not_a_negative_amount() -> None:
    assert extract_facts("买算力花了100-200万").negative_amounts == ()
    assert extract_facts("2023-2024年买算力花了300万").profile["compute_expense_wan"] == 300.0


def test_negative_amounts_are_reported() -> None:
    assert extract_facts("买算力花了-100万").negative_amounts == ("-100万元",)


@pytest.mark.parametrize(("text", "flag"), [("注册、纳税、统计都在龙岗", True), ("注册和纳税都在南山", False),
                                           ("注册纳税统计都在龙岗", True), ("注册/纳税都在南山", False)])
def test_listed_keywords_share_the_place_after_them(text: str, flag: bool) -> None:
    # Listed with or without a separator: "纳税统计都在龙岗" is said as often as "纳税、统计都在龙岗".
    profile = extract_facts(text).profile
    assert profile["registered_in_longgang"] is flag and profile["tax_in_longgang"] is flag


@pytest.mark.parametrize(("text", "wan"), [
    ("We paid 4 million yuan for GPUs", 400.0),
    ("a contract of RMB 12 million", 1200.0),
    ("about 7m yuan", 700.0),
    ("spent 2.5 million RMB", 250.0),
    ("CNY 800,000 in total", 80.0),
    ("a budget of 1.2 billion yuan", 120000.0),
    ("only 50 thousand yuan", 5.0),
])
def test_english_amounts_are_converted_to_wan(text: str, wan: float) -> None:
    assert [a.wan for a in find_amounts(text)] == [wan]


def test_english_numbers_without_a_currency_are_not_amounts() -> None:
    assert find_amounts("We have 3 million users and 40 staff since 2021") == []


def test_english_self_assessment_message() -> None:
    facts = extract_facts("Our start-up company rented computing power for 4 million yuan. How much could we receive?")
    assert facts.profile["compute_expense_wan"] == 400.0
    assert facts.profile["is_startup"] is True
    assert facts.profile["org_type"] == "enterprise"


def test_a_licence_and_taxes_paid_elsewhere_all_along() -> None:
    profile = extract_facts("我们营业执照在龙岗，但是税一直在福田交").profile
    assert profile["registered_in_longgang"] is True and profile["tax_in_longgang"] is False


@pytest.mark.parametrize(("text", "independent"), [
    ("我们在龙岗的分公司能报吗", False),  # a branch has no legal personality of its own
    ("我们是外地企业在龙岗设的办事处", False),
    ("我们不具备独立法人资格", False),
    ("我们是龙岗注册的有限公司", True),
    ("我们是龙岗的企业", None),
])
def test_a_branch_is_no_independent_legal_person(text: str, independent: bool | None) -> None:
    assert extract_facts(text).profile.get("independent_legal_person") == independent


@pytest.mark.parametrize("text", ["听说算力补贴提到每家每年2000万了，是真的吗", "听说修订版把上限改到2000万了",
                                  "据说今年改成2000万了", "听说上限已经调到2000万了"])
def test_a_figure_a_policy_was_reportedly_changed_to_is_no_spending(text: str) -> None:
    assert not any(k.endswith("_wan") for k in extract_facts(text).profile)


@pytest.mark.parametrize(("text", "flag"), [("我们上个月已经迁到龙岗了", True), ("公司去年整体搬到了宝安", None),
                                           ("公司去年搬到宝安", False), ("把办公室搬到龙岗了", None)])
def test_the_firm_moving_itself_states_where_it_is_registered(text: str, flag: bool | None) -> None:
    assert extract_facts(text).profile.get("registered_in_longgang") is flag


@pytest.mark.parametrize(("text", "field", "flag"), [("注册在龙岗，但是税是在南山交的", "tax_in_longgang", False),
                                                    ("统计是在龙岗报的", "stats_in_longgang", True)])
def test_a_place_said_with_是在_is_where_it_is(text: str, field: str, flag: bool) -> None:
    assert extract_facts(text).profile[field] is flag


@pytest.mark.parametrize(("text", "related"), [
    ("卖方是我们自己的子公司", True),
    ("语料是从母公司那边采购的", True),
    ("供应商不是我们的关联公司", False),
    ("从非关联方买的语料", False),
    ("我们有三家子公司，买语料花了100万", None),  # having subsidiaries says nothing of whom it bought from
])
def test_whom_a_corpus_was_bought_from(text: str, related: bool | None) -> None:
    assert extract_facts(text).profile.get("corpus_from_related_party") is related


def test_a_bare_amount_after_a_question_about_a_fine_is_no_spending() -> None:
    # The conversation asked what a law fines for illegal data trading, not about buying data for support.
    asked_fine = extract_facts("那交易额不到五千块的呢", topic="条例里非法数据交易最多罚多少钱")
    assert not asked_fine.has_amount or not asked_fine.profile
    bought = extract_facts("那花了300万呢", topic="我们想通过数据交易平台买语料")
    assert bought.profile == {"corpus_contract_wan": 300.0}
