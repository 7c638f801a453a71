"""The guard on a finished answer: composed sentences whose figures no source grounds are removed.

Synthetic answers shaped like the extractive composer's: a composed lead, a clause quoted in “…”, the
disclaimer. Quoted words are the clause's own; everything else must be grounded by the quotes, the
calculations, the pre-checks or the metadata of the documents the answer cites or names.
"""

from __future__ import annotations

import logging

import pytest

from assistant.guard import StreamingGuard, guard_answer
from assistant.models import Answer
from retrieval.models import Citation, DocumentMeta

DISCLAIMER = "以上内容仅供参考，具体以主管部门正式文件和审核结果为准。"
QUOTE = ("对租用智能算力开展模型训练的企业，按不超过服务合同金额的30%给予资助。"
         "单个企业每年最高资助1000万元。")
CITATION = Citation(clause_id="demo-measures#二、（一）", doc_id="demo-measures", title="《示例算力措施》",
                    label="二、（一）", quote=QUOTE, status="正式", source="test")
QUOTED = f"根据《示例算力措施》二、（一）[1]：“{QUOTE}”"
MEASURES = DocumentMeta(doc_id="demo-measures", title="某区关于支持算力发展的示例措施", short_title="示例算力措施",
                        issuer="某区工业和信息化局", level="district", doc_type="measures", status="official",
                        language="zh", completeness="full", source="test", doc_number="某工信规〔2031〕7号",
                        published="2031-03-15")
OTHER = DocumentMeta(doc_id="demo-guide", title="示例申报指南", short_title="示例申报指南", issuer="某区工业和信息化局",
                     level="district", doc_type="notice", status="official", language="zh", completeness="full",
                     source="test", doc_number="某工信通〔2032〕2号", published="2032-01-09")
DOCUMENTS = {d.doc_id: d for d in (MEASURES, OTHER)}


def answer_with(lead: str, **fields: object) -> Answer:
    return Answer(text="\n".join([lead, QUOTED, DISCLAIMER]), citations=[CITATION], **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("lead", [
    "单个企业每年最高可获1000万元资助。",  # the quote's figure
    "单个企业每年最高可获一千万元资助。",  # the same figure in Chinese numerals
    "资助比例最高为服务合同金额的三成。",  # 三成 = 30%
    "资助比例最高为百分之三十。",
])
def test_a_lead_whose_figures_the_quote_states_stays(lead: str) -> None:
    answer = answer_with(lead)
    assert guard_answer(answer, DOCUMENTS) is answer


@pytest.mark.parametrize("lead", [
    "单个企业每年最高可获5000万元资助。",
    "单个企业每年最高可获两千万元资助。",
    "资助比例最高为服务合同金额的五成。",
    "申报截止日期为2031年9月30日。",
])
def test_an_invented_figure_in_a_lead_is_removed_and_logged(lead: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="assistant.guard"):
        guarded = guard_answer(answer_with(lead), DOCUMENTS)
    assert guarded is not None
    assert guarded.text == f"{QUOTED}\n{DISCLAIMER}"
    assert guarded.citations == [CITATION]
    assert [lead in r.getMessage() for r in caplog.records] == [True]


def test_a_figure_from_a_calculation_stays() -> None:
    lead = "按您提供的合同金额测算，预计可获150万元。"
    assert guard_answer(answer_with(lead), DOCUMENTS).text.startswith(QUOTED)  # type: ignore[union-attr]
    computed = answer_with(lead, calculations=["500万元 × 30% = 150万元（上限1000万元）"])
    assert guard_answer(computed, DOCUMENTS) is computed


def test_a_figure_from_a_precheck_reason_stays() -> None:
    lead = "贵公司去年营收2.5亿元，符合营收条件。"
    checked = answer_with(lead, prechecks=[{"formula": "", "reasons": [{"text": "上年度营业收入2.5亿元，不低于1亿元"}]}])
    assert guard_answer(checked, DOCUMENTS) is checked


def test_the_metadata_of_a_cited_or_named_document_grounds_its_number_and_dates() -> None:
    cited = answer_with("《示例算力措施》的文号为某工信规〔2031〕7号，2031年3月15日印发。")
    assert guard_answer(cited, DOCUMENTS) is cited
    named = answer_with("申报另见《示例申报指南》（某工信通〔2032〕2号），2032年1月9日发布。")
    assert guard_answer(named, DOCUMENTS) is named
    unknown = answer_with("《示例算力措施》于2031年4月1日起施行。")
    assert guard_answer(unknown, DOCUMENTS).text.startswith(QUOTED)  # type: ignore[union-attr]


def test_nothing_cited_left_means_no_answer() -> None:
    invented = Answer(text=f"根据《示例算力措施》二、（一）[1]，最高可获5000万元。\n{DISCLAIMER}",
                      citations=[CITATION])
    assert guard_answer(invented, DOCUMENTS) is None


def test_refusals_and_uncited_replies_pass_as_they_are() -> None:
    refusal = Answer(text="抱歉，所存政策文件中没有找到第99条。", citations=[], refused=True)
    assert guard_answer(refusal, DOCUMENTS) is refusal


def test_removal_renumbers_the_markers_that_remain() -> None:
    second = Citation(clause_id="demo-measures#二、（二）", doc_id="demo-measures", title="《示例算力措施》",
                      label="二、（二）", quote="对初创企业提高资助比例至40%。", status="正式", source="test")
    text = (f"根据《示例算力措施》二、（二）[1]：初创企业最高可获9000万元。\n{QUOTED.replace('[1]', '[2]')}\n"
            f"根据《示例算力措施》二、（二）[1]：“对初创企业提高资助比例至40%。”\n{DISCLAIMER}")
    guarded = guard_answer(Answer(text=text, citations=[second, CITATION]), DOCUMENTS)
    assert guarded is not None
    assert guarded.text == f"{QUOTED}\n根据《示例算力措施》二、（二）[2]：“对初创企业提高资助比例至40%。”\n{DISCLAIMER}"
    assert guarded.citations == [CITATION, second]


def test_a_quotation_is_the_clauses_own_words_over_several_sentences() -> None:
    # The quotation's second sentence carries no marker and names an article the citation's label is not.
    quote = "违反本办法第九条规定的，责令改正。情节严重的，三年内不得申报。"
    citation = Citation(clause_id="demo#第十条", doc_id="demo", title="《示例办法》", label="第十条", quote=quote,
                        status="正式", source="test")
    text = f"根据《示例办法》第十条[1]：“{quote}”"
    guard = StreamingGuard([citation])
    assert guard.feed(text) + guard.finish() == text


def test_a_quotation_found_in_no_clause_is_checked_like_other_words() -> None:
    text = "根据《示例算力措施》二、（一）[1]：“单个企业每年最高资助5000万元。”\n单个企业每年最高资助1000万元[1]。"
    guarded = guard_answer(Answer(text=text, citations=[CITATION], backend="openai"), DOCUMENTS)
    assert guarded is not None and guarded.text == "单个企业每年最高资助1000万元[1]。"
