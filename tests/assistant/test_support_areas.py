"""A figure of the area a question names (a target, a scale) is not answered with another area's figure."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from assistant.areas import document_areas, heard_as_held, other_level_note, places_named
from assistant.evidence import Evidence
from assistant.models import Turn
from assistant.service import PolicyAssistant
from assistant.support import other_area_figure
from retrieval.models import Clause, Corpus, DocumentMeta, Hit
from retrieval.text import fold


def _doc(doc_id: str, issuer: str, title: str, level: str) -> DocumentMeta:
    return DocumentMeta(doc_id=doc_id, title=title, short_title=title, issuer=issuer, level=level,
                        doc_type="opinions", status="official", language="zh", completeness="full", source="test")


_PROVINCE = _doc("province", "广东省人民政府", "广东省示例产业实施意见", "provincial")
_CITY = _doc("city", "深圳市工业和信息化局", "深圳市示例产业行动计划", "municipal")
_NATION = _doc("nation", "全国人民代表大会常务委员会", "中华人民共和国示例促进法", "national")
_CORPUS = Corpus(documents={d.doc_id: d for d in (_PROVINCE, _CITY, _NATION)}, clauses=(), fingerprint="areas")


def _from(doc: DocumentMeta) -> list[Evidence]:
    clause = Clause(f"{doc.doc_id}#一、", doc.doc_id, "一、", "section", (), "到期末，智能算力规模达到全国领先。", 0)
    return [Evidence(Hit(clause, doc, 1.0), clause.text, 0.6, 0.6)]


def _asking(question: str, *kinds: str) -> Any:
    return SimpleNamespace(text=question, folded=fold(question), kinds=frozenset(kinds))


def test_the_areas_a_document_is_of() -> None:
    assert document_areas(_PROVINCE) == {"广东"}
    assert "深圳" in document_areas(_CITY)


def test_a_citys_target_is_not_answered_with_a_provinces() -> None:
    note = other_area_figure(_CORPUS, _asking("深圳的智算中心到期末规模要达到多少？", "quantity"), _from(_PROVINCE))
    assert "没有载明深圳的这一数字" in note and "广东的文件" in note


@pytest.mark.parametrize(("question", "kinds", "doc"), [
    ("深圳的智算中心到期末规模要达到多少？", ("quantity",), _CITY),  # the city's own document
    ("深圳的中小企业有多少能享受扶持？", ("quantity",), _NATION),  # a national document names no area
    ("智算中心到期末规模要达到多少？", ("quantity",), _PROVINCE),  # no area named
    ("深圳企业买算力最高补贴多少钱？", ("money",), _PROVINCE),  # not a target or a scale
])
def test_where_the_area_does_not_decide(question: str, kinds: tuple[str, ...], doc: DocumentMeta) -> None:
    assert other_area_figure(_CORPUS, _asking(question, *kinds), _from(doc)) == ""


def test_a_follow_up_moving_to_another_area_asks_about_that_area(policy_assistant: PolicyAssistant) -> None:
    history = [Turn("user", "深圳数据条例里违法交易数据怎么罚"), Turn("assistant", "（略）")]
    answer = policy_assistant.answer("那在杭州违法交易数据罚多少", history)
    assert answer.refused and "杭州" in answer.text and not answer.citations
    # Stating where one's own company pays tax is a fact of the person's case, not another area's policy.
    history = [Turn("user", "我们注册在龙岗，买算力花了500万能补多少"), Turn("assistant", "（略）")]
    assert "没有关于南山的政策" not in policy_assistant.answer("那纳税在南山呢", history).text


@pytest.mark.parametrize(("text", "places"), [
    ("坪山区买算力能补多少", {"坪山"}),  # not cut into 坪|山区
    ("前海有啥AI扶持", {"前海"}),  # a zone jieba does not know
    ("What AI subsidies does Qianhai offer?", {"前海"}),  # named in English
    ("Is there a Bao'an compute subsidy?", {"宝安"}),
    ("Longgang compute subsidy for SMEs", {"龙岗"}),
])
def test_the_areas_a_question_names(text: str, places: set[str]) -> None:
    assert places_named(text) == places


def test_another_district_asked_in_english_is_refused_as_not_held(policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("What AI subsidies does Nanshan give to startups?")
    assert answer.refused and not answer.citations and "南山" in answer.text


def test_a_place_typed_by_the_sound_of_the_held_district_is_read_as_it(policy_assistant: PolicyAssistant) -> None:
    assert heard_as_held(policy_assistant.corpus, "龙港区买算力补贴比例是多少") == {"龙港": "龙岗"}
    answer = policy_assistant.answer("龙港区的企业买算力补贴比例是多少")
    assert not answer.refused and "30%" in answer.text
    assert "“龙港”已按“龙岗”理解" in answer.text
    # Another district of another sound is still another area's policy.
    assert heard_as_held(policy_assistant.corpus, "龙华区买算力补贴比例是多少") == {}
    assert policy_assistant.answer("龙华区的企业买算力补贴比例是多少").refused



def test_what_the_district_itself_grants_is_answered_from_the_districts_text(policy_assistant: PolicyAssistant) -> None:
    # The city voucher's clause shares more words (租用, 训练); the question asks what the district pays.
    answer = policy_assistant.answer("公司在龙岗，租云算力做大模型训练，区里面能给补贴多少比例")
    assert "30%" in answer.text and "50%" not in answer.text
    assert {c.doc_id for c in answer.citations} == {"lg-ai-measures-en"}


def test_a_clause_of_a_wider_area_quoted_for_the_district_named_says_whose_it_is() -> None:
    district = _doc("district", "深圳市龙岗区工业和信息化局", "龙岗区示例产业实施细则", "district")
    corpus = Corpus(documents={d.doc_id: d for d in (_CITY, _NATION, district)}, clauses=(), fingerprint="levels")
    note = other_level_note(corpus, "龙岗这边的示例补贴怎么给", _CITY)
    assert note == "所引《深圳市示例产业行动计划》是市级政策文件（发布机关：深圳市工业和信息化局），不是龙岗出台的文件。"
    assert other_level_note(corpus, "龙岗这边的示例补贴怎么给", district) == ""  # the district's own text
    assert other_level_note(corpus, "深圳的示例补贴怎么给", _CITY) == ""  # the area named is the document's
    assert other_level_note(corpus, "示例补贴怎么给", _CITY) == ""  # no area named
    assert other_level_note(corpus, "龙岗企业要遵守什么", _NATION) == ""  # a national law binds every area


def test_a_city_voucher_asked_as_the_districts_is_answered_as_the_citys(policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("在龙岗租算力训练大模型的那个训力券，最多给多少")
    assert "1000万元" in answer.text
    assert "是市级政策文件" in answer.text and "不是龙岗出台的文件" in answer.text
    assert "是市级政策文件" not in policy_assistant.answer("深圳训力券最多给多少").text
