"""Support measures named by what they pay for: which words name one, and which clauses are about it."""

from __future__ import annotations

import pytest

from assistant.measures import (
    about,
    named_funds,
    named_measures,
    unheld_applied_for,
    unheld_firm_kinds,
    unheld_measures,
    voucher_slips,
)
from assistant.service import PolicyAssistant
from retrieval.models import Clause, DocumentMeta, Hit


def _names(policy_assistant: PolicyAssistant, question: str) -> tuple[str, ...]:
    return tuple(m.name for m in named_measures(policy_assistant.retriever, question))


@pytest.mark.parametrize(("question", "names"), [
    ("我们做芯片的，流片补贴有多少", ("流片补贴",)),
    ("研发补贴一般给多少", ("研发补贴",)),  # an abbreviation names the thing too
    ("深圳的模型券怎么申请", ("模型券",)),  # a voucher without quotation marks
    ("钱不够的话补贴会打折吗", ()),  # a particle before the word names nothing
    ("区里有什么资助", ()),  # nor does an asking word
    ("能领取补贴吗", ()),  # nor a verb
    ("这两种券哪个补得多", ()),  # nor a count of vouchers
    ("行动方案里给高校发的是什么券", ()),  # nor an asking word before 券
    ("人工智能企业补贴有哪些", ()),  # a thing most clauses mention names no particular measure
    ("首次入选独角兽有奖励吗", ("独角兽奖励",)),  # the thing before a verb of having
    ("对机器人企业的补贴标准是多少", ("机器人补贴",)),  # who gets it stands between
    ("are there housing allowances for engineers?", ("housing allowances",)),  # "for …" says who gets it
    ("研发有哪些补贴", ("研发补贴",)),  # … and a word asking which
    ("公司上市能奖励多少", ("上市奖励",)),  # tagged as a place, but names no area
    ("龙岗区有奖励吗", ()),  # an area's support names no thing paid for
    ("what housing subsidy is there?", ("housing subsidy",)),
    ("any grants for companies in Longgang", ()),  # who gets it is no thing paid for
    ("申报的资助总额超了怎么办", ()),  # applying for support is no thing paid for
    ("申请补贴要什么材料", ()),
    ("人才安居补贴怎么领", ("安居补贴",)),  # a verb no held clause has names what is paid for
    ("瞪羚企业认定奖励给多少", ("瞪羚企业认定奖励",)),
    ("买数据按合同金额多少比例资助", ()),  # how much of it is no thing paid for  # an act held texts know is of the thing before it
])
def test_which_words_name_a_measure(policy_assistant: PolicyAssistant, question: str,
                                    names: tuple[str, ...]) -> None:
    assert _names(policy_assistant, question) == names


@pytest.mark.parametrize(("question", "unheld"), [
    ("我们做芯片的，流片补贴有多少", ("流片补贴",)),  # nothing held mentions tape-outs
    ("人才住房补贴怎么申请", ()),  # housing is mentioned in held texts: the clauses decide
    ("房租补贴能拿多少", ()),  # a user word the lexicon maps to the policy word (租金)
    ("模型券一年能领几次", ()),  # a voucher's name is checked against the held texts whole, elsewhere
])
def test_measures_no_held_text_pays_for(policy_assistant: PolicyAssistant, question: str,
                                        unheld: tuple[str, ...]) -> None:
    measures = named_measures(policy_assistant.retriever, question)
    assert unheld_measures(policy_assistant.retriever, measures) == unheld


def _hit(text: str, language: str = "zh") -> Hit:
    doc = DocumentMeta(doc_id="demo", title="某区示例扶持措施", short_title="示例措施", issuer="某区政府",
                       level="district", doc_type="measures", status="official", language=language,
                       completeness="full", source="test")
    return Hit(Clause("demo#1", "demo", "1", "article", ("一、支持算力建设",), text, 0), doc, 1.0, 1)


def test_a_clause_is_about_a_measure_when_it_names_what_is_paid_for(policy_assistant: PolicyAssistant) -> None:
    retriever = policy_assistant.retriever
    housing, compute = named_measures(retriever, "住房补贴和算力补贴各多少")
    clause = _hit("对购买算力的企业，按实际费用的30%给予资助。")
    assert about(retriever, compute, clause) and not about(retriever, housing, clause)
    assert about(retriever, housing, _hit("对引进的人才给予住房补贴。"))
    # Naming the thing but granting nothing — a referral to rules not held — states no such measure.
    assert not about(retriever, housing, _hit("引进的人才在住房等方面按照有关规定享受本市人才政策待遇。"))
    # Headings count: the clause sits under "支持算力建设".
    assert about(retriever, compute, _hit("按实际费用的30%给予资助。"))


def test_an_english_measure_against_english_and_chinese_clauses(policy_assistant: PolicyAssistant) -> None:
    retriever = policy_assistant.retriever
    (rent,) = named_measures(retriever, "how much rent subsidy can we get?")
    (talent,) = named_measures(retriever, "Is there a subsidy for recruiting overseas talent?")
    english = _hit("Enterprises that purchase computing power are granted 30% of the expenses.", "en")
    assert not about(retriever, rent, english) and not about(retriever, talent, english)
    assert about(retriever, rent, _hit("对租用产业空间的企业给予租金扶持。"))
    # A rent subsidy pays rent (租金), not for renting compute (租用).
    assert not about(retriever, rent, _hit("对租用智能算力开展训练的企业给予资助。"))
    # A word with no Chinese policy word for it says nothing either way of a Chinese clause.
    (robots,) = named_measures(retriever, "robotics subsidy?")
    assert about(retriever, robots, _hit("对购买算力的企业给予资助。"))
    # Inflections: "compute" is what "computing power" is about.
    (compute,) = named_measures(retriever, "the compute voucher")
    assert about(retriever, compute, english)


@pytest.mark.parametrize("question", [
    "龙岗给引进的AI人才发多少住房补贴",
    "Under the Longgang measures, how much housing subsidy do AI engineers get?",
    "Is there any Longgang subsidy for recruiting foreign talent? How much?",
])
def test_a_measure_no_clause_pays_for_is_refused_not_answered_with_another(
        policy_assistant: PolicyAssistant, question: str) -> None:
    answer = policy_assistant.answer(question)
    assert answer.refused and not answer.citations and "600" not in answer.text


@pytest.mark.parametrize("question", ["龙岗买算力的补贴封顶多少", "How much is the Longgang compute subsidy capped at?"])
def test_a_measure_a_clause_pays_for_is_answered(policy_assistant: PolicyAssistant, question: str) -> None:
    answer = policy_assistant.answer(question)
    assert not answer.refused and ("600万" in answer.text or "6 million" in answer.text)


@pytest.mark.parametrize(("question", "unheld"), [
    ("区里的科学家公寓怎么申请", ("科学家公寓",)),  # a thing no held text mentions, before "怎么申请"
    ("AI工程师能不能申领人才安居房", ("人才安居房",)),  # … or ending the question after 申领
    ("人才住房怎么申请", ()),  # housing is mentioned in held texts: the clauses decide
    ("训力券在哪里申请", ()),  # a voucher is checked whole, elsewhere
    ("个体户能申请吗", ()),  # who applies is no thing applied for
    ("算力补贴怎么申请", ()),  # a support noun is a measure already
    ("申请的话要多久", ()),
])
def test_things_applied_for_no_held_text_mentions(policy_assistant: PolicyAssistant, question: str,
                                                  unheld: tuple[str, ...]) -> None:
    assert unheld_applied_for(policy_assistant.retriever, question) == unheld


@pytest.mark.parametrize(("question", "unheld"), [
    ("生物医药企业能拿多少补贴", ("生物医药企业",)),  # a kind of firm no held text names
    ("国家级专精特新企业有没有奖励", ("国家级专精特新企业",)),
    ("初创企业能多补多少", ()),  # the held texts name start-ups
    ("人工智能企业能拿多少补贴", ()),
    ("我们公司能拿多少", ()),  # whose firm, not what kind
    ("坪山企业能拿多少", ()),  # an area's firm
])
def test_kinds_of_firm_no_held_text_names(policy_assistant: PolicyAssistant, question: str,
                                         unheld: tuple[str, ...]) -> None:
    assert unheld_firm_kinds(policy_assistant.retriever, question) == unheld


def test_a_kind_of_firm_no_held_text_names_is_refused_not_given_another_measures_amount(
        policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("跨境电商企业在龙岗能拿多少奖励")
    assert answer.refused and "跨境电商企业" in answer.text and "600万" not in answer.text
    # Stating its own spending on a held measure, such a firm gets that measure computed.
    answer = policy_assistant.answer("我们是跨境电商企业，在龙岗买算力花了500万，能补多少")
    assert not answer.refused and "150万元" in answer.text


def test_an_english_bonus_is_a_measure_named_by_what_it_pays_for(policy_assistant: PolicyAssistant) -> None:
    assert [m.name for m in named_measures(policy_assistant.retriever, "How much is the housing bonus for engineers?")] \
        == ["housing bonus"]


def test_a_voucher_typed_with_juan_is_read_as_the_voucher(policy_assistant: PolicyAssistant) -> None:
    assert voucher_slips(policy_assistant.retriever, "语料卷怎么申请") == {"语料卷": "语料券"}
    assert voucher_slips(policy_assistant.retriever, "考试卷子有补贴吗") == {}  # no held voucher is so named
    answer = policy_assistant.answer("训力卷最多能补多少")
    assert "1000万" in answer.text and "“训力卷”已按“训力券”理解" in answer.text


def test_an_interest_subsidy_names_what_it_pays_for(policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("龙岗对企业贷款有贴息吗")
    assert answer.refused and "贴息" in answer.text


@pytest.mark.parametrize(("question", "funds"), [
    ("龙岗的人工智能产业引导基金有多大规模", ("人工智能产业引导基金",)),  # the place it is of left out
    ("有没有新能源汽车产业基金", ("新能源汽车产业基金",)),  # nor the asking words
    ("产业基金有吗", ()),  # a kind of fund alone names none in particular
])
def test_a_fund_is_named_by_what_it_invests_in(question: str, funds: tuple[str, ...]) -> None:
    assert named_funds(question) == funds


def test_a_fund_no_held_text_names_is_refused_by_name(policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("龙岗的人工智能产业引导基金规模多少亿")
    assert answer.refused and "人工智能产业引导基金" in answer.text and not answer.citations
    # A fund a held text does name is answered from it.
    held = policy_assistant.answer("市政府投资引导基金对人工智能怎么扶持")
    assert not held.refused and "sz-ai-industry-regulation-2022#第五十五条" in {c.clause_id for c in held.citations}
