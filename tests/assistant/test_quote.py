"""How much of a clause an answer quotes: the answering sentence, and the sentences that only qualify it."""

from __future__ import annotations

from types import SimpleNamespace

from assistant.composers.draft import quote_for
from assistant.evidence import Evidence, sentences
from retrieval.models import Clause, DocumentMeta, Hit

_DOC = DocumentMeta(doc_id="t", title="某法", short_title="某法", issuer="某机关", level="national", doc_type="law",
                    status="official", language="zh", completeness="full", source="test")
_LONG = ("第四十条 有关部门应当制定中小企业政府采购的相关优惠政策，通过制定采购需求标准、预留采购份额、价格评审优惠、"
         "优先采购等措施，提高中小企业在政府采购中的份额。向中小企业预留的采购份额应当占年度采购预算总额的百分之三十以上；"
         "其中，预留给小型微型企业的比例不低于百分之六十。中小企业无法提供的商品和服务除外。政府采购不得对中小企业"
         "实行差别待遇或者歧视待遇。采购部门应当在指定的媒体上及时向社会公开发布采购信息，为中小企业获得采购合同提供指导。")


def _quote_of(text: str, index: int, quoting: str = "sentence", locator: str = "第四十条", kind: str = "article") -> str:
    """What is quoted of a synthetic clause `text` answered by its sentence `index`."""
    clause = Clause(f"t#{locator}", "t", locator, kind, (), text, 0)  # type: ignore[arg-type]
    parts = sentences(text)
    evidence = Evidence(Hit(clause, _DOC, 1.0), parts[index], 1.0, 1.0, start=index, index=index)
    return quote_for(evidence, SimpleNamespace(quoting={quoting}))  # type: ignore[arg-type]


def _quote(index: int) -> str:
    return _quote_of(_LONG, index)


_LIST = ("《某办法》共分为三章,具体包括:\n第一章总则,共4条,阐述专项资金的管理单位、预算安排、使用范围以及适用的各类项目和资金来源。\n"
         "第二章职责,共3条,阐述主管部门、财政部门、申报单位及其他单位和个人在资金申报、审核、拨付中的职责。\n"
         "第三章监督,共4条,阐述违法违规问题的处理安排、追回资金的程序、信用记录以及向社会公开的要求。")


def test_a_line_of_a_list_asked_of_each_is_quoted_with_the_whole_list() -> None:
    quote = _quote_of(_LIST, 2, "each", locator="二、", kind="section")
    assert quote.startswith("《某办法》共分为三章") and "第一章总则" in quote and quote.endswith("公开的要求。")


def test_a_sentence_is_quoted_with_its_share_that_follows() -> None:
    quote = _quote(1)
    assert quote.startswith("向中小企业预留") and quote.endswith("不低于百分之六十。")


def test_a_sentence_followed_by_another_rule_is_quoted_alone() -> None:
    assert _quote(3) == "中小企业无法提供的商品和服务除外。"


_LADDER = ("第九条 经营者违反本法规定的，由有关部门依照有关法律的规定予以处罚，并向社会公开处理结果，督促其及时整改落实，"
           "对其负责人进行约谈，依法追究相关人员的责任，必要时移送司法机关处理；法律没有规定的，由有关部门予以警告，"
           "责令限期改正，没收违法所得；拒不改正或者情节严重的，责令停业整顿，并处罚款。有关部门应当记录处理情况，"
           "按年度向社会公布处理结果，并将处理情况纳入信用记录。")


def test_the_further_cases_of_a_penalty_after_semicolons_are_quoted_with_it() -> None:
    # "…予以处罚；法律没有规定的，…；情节严重的，…": one rule's steps, quoted together; the next sentence is not.
    quote = _quote_of(_LADDER, 0, locator="第九条")
    assert quote.endswith("责令停业整顿，并处罚款。") and "记录处理情况" not in quote
