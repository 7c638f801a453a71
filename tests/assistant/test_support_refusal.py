"""Refusing what the held documents do not say: answer types a sentence must state, years, documents
named only by number, quoted names no held text contains — and the reason the refusal gives."""

from __future__ import annotations

import re

import pytest

from assistant.areas import held_places, places_named, unheld_places
from assistant.evidence import Evidence, cut_off_subject, states, supported, years_about
from assistant.models import Turn
from assistant.service import PolicyAssistant
from assistant.support import (
    held_extent,
    not_held_note,
    refusal_title,
    unheld_document_note,
    unheld_named_document,
    unheld_numbers,
    unheld_terms,
    unheld_version,
)
from assistant.understanding.asks import answer_pattern, ask_types, asked, missing_labels
from assistant.understanding.query import understand
from retrieval.currency import KnownDocument, KnownDocuments
from retrieval.models import Clause, Corpus, DocumentMeta, Hit
from retrieval.text import fold

_DOC = DocumentMeta(doc_id="demo-rules", title="某区示例产业扶持细则", short_title="示例细则", issuer="某区政府",
                    level="district", doc_type="rules", status="official", language="zh",
                    completeness="full", source="test", doc_number="示区规〔2023〕7号")
_CLAUSES = (
    Clause("demo-rules#第一条", "demo-rules", "第一条", "article", (),
           "第一条 依据《某区旧版扶持办法》（示区规〔2019〕2号），制定本细则。", 0),
    Clause("demo-rules#第二条", "demo-rules", "第二条", "article", (),
           "第二条 对在本区注册的企业发放“数据券”，每家企业每年限申请一次，按合同金额的30%给予资助。", 1),
)
_CORPUS = Corpus(documents={_DOC.doc_id: _DOC}, clauses=_CLAUSES, fingerprint="t")


@pytest.mark.parametrize(("question", "kind"), [
    ("这个券一家单位每年可以领几次？", "count"),
    ("那啥时候开始受理？", "date"),
    ("How much does the voucher pay?", "money"),
    ("我们买设备能补多少？", "grant"),
    ("开放平台到时候能达到多少规模？", "quantity"),
    ("采购设备按多少比例补贴？", "support_ratio"),
    ("租一台服务器一个月什么价？价格多少", "price"),
    ("平台交易要收多少手续费", "price"),
    ("What fees does the platform charge?", "price"),
    ("At what rate is the voucher paid?", "ratio"),
    ("伦理委员会的主任是谁", "person"),
    ("语料券要走什么流程", "procedure"),
    ("How do we apply for the compute subsidy?", "procedure"),
    ("申请表在哪下载", "channel"),
    ("训力券和区里的算力补贴能一起拿吗", "stacking"),
    ("这个办法的联系人叫什么", "person"),
    ("专家委员会的组成人员有哪些", "person"),
    ("评审委员会都有哪些委员", "person"),
    ("这个条例是依据哪些法律制定的", "basis"),
    ("What is the legal basis of the plan?", "basis"),
    ("园区对入驻团队有什么具体补贴", "standard"),
    ("这份计划是依据哪两份行动方案制定的", "basis"),
])
def test_what_a_paraphrased_question_asks_for(question: str, kind: str) -> None:
    assert kind in ask_types(question)


def test_an_articles_own_number_states_no_quantity() -> None:
    assert not states("第十七条 提供者应当履行备案手续。", {"quantity"}, set(), set(), False)
    assert states("第十七条 备案费为200元。", {"quantity"}, set(), set(), False)
    assert states("第二条 每张面值一千元，每年最多兑换二十张。", {"quantity"}, {"张"}, set(), False)  # in words


def test_what_was_paid_out_is_not_read_from_a_budget_or_a_rate(policy_assistant: PolicyAssistant) -> None:
    for question in ("去年区里实际拨付了多少算力扶持资金", "算力补贴已经发放了多少钱"):
        assert policy_assistant.answer(question).refused, question


def test_a_telephone_asked_is_a_contact() -> None:
    assert "contact" in {t.name for t in asked("征求意见稿联系人电话多少")}


def test_a_standard_asked_is_no_basis() -> None:
    assert "basis" not in ask_types("按照什么标准给补贴")


def test_what_a_body_does_is_not_who_is_in_it() -> None:
    assert "person" not in ask_types("评审委员会有哪些职责")


def test_the_documents_a_text_is_based_on_are_no_materials_to_hand_in() -> None:
    kinds = ask_types("What documents are the district measures based on?")
    assert "basis" in kinds and "materials" not in kinds and "full_title" not in kinds
    assert "materials" in ask_types("What documents are required for the application?")


def test_a_chinese_question_on_the_english_text_it_names_is_answered_by_the_sentence_stating_the_fact(
        policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("龙岗人工智能若干措施的英文版是根据哪几份文件制定的")
    assert not answer.refused and [c.clause_id for c in answer.citations] == ["lg-ai-measures-en#序言"]
    # without naming the English text, no such sentence stands in for what was asked
    assert policy_assistant.answer("龙岗若干措施修订版（2026年）里算力扶持最高是多少？").refused


def test_what_one_firm_has_received_is_no_amount_a_policy_states(policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("那家做芯片的公司去年在龙岗拿到了多少算力补贴")
    assert answer.refused and not answer.citations and "实际发放" in answer.text
    assert "grant" in ask_types("算力花了不少钱，这边能给报多少")  # reimbursed: what may be granted


def test_when_that_sets_a_case_asks_no_date() -> None:
    assert "date" not in ask_types("What must an operator do when it finds a data leak?")
    assert "date" in ask_types("When does the plan take effect?")
    assert "date" in ask_types("By when must we apply?")


def test_a_fee_charged_is_no_procedure_asked() -> None:
    assert "procedure" not in ask_types("平台说查询要收手续费，这合理吗")
    assert "procedure" in ask_types("办理备案要走什么手续")


def test_whether_something_is_charged_asks_no_price() -> None:
    assert "price" not in ask_types("公共数据开放收费吗？")
    assert "price" not in ask_types("小微企业有哪些收费减免？")


def test_a_budget_question_is_not_a_grant_question() -> None:
    kinds = ask_types("测算表里这个项目三年一共安排了多少万元？")
    assert "money" in kinds and "grant" not in kinds
    assert "quantity" not in kinds  # it asks for an amount, which is the figure it wants


@pytest.mark.parametrize(("sentence", "kind", "states_it"), [
    ("每家企业每年限申请一次。", "count", True),
    ("给予一次性100万元资助。", "count", False),  # a one-off payment is no count of applications
    ("到2026年建成算力规模4000PFLOPS。", "quantity", True),
    ("推动算力中心互联互通。", "quantity", False),
    ("按采购金额的20%给予补贴。", "support_ratio", True),
    ("产业规模年均增长超20%。", "support_ratio", False),  # a percentage, but no support paid
    ("按合同金额的30%给予资助。", "standard", True),
    ("granted support equivalent to 30% of its expenses", "standard", True),
    ("产业规模年均增长超20%。", "standard", False),  # a growth target states no support standard
    ("算力服务收费为8元/卡时。", "price", True),
    ("算力服务按每卡时8元收费。", "price", True),
    ("开放公共数据不得收取任何费用。", "price", True),  # that nothing is charged answers what it costs
    ("以优惠价格提供算力服务。", "price", False),  # a price named, none stated
    ("给予最高1000万元资助。", "price", False),  # a grant is no price
    ("每年发放最高5000万元语料券。", "price", False),  # nor a yearly budget
    ("联系人:黄女士,联系电话:0755-12345678。", "person", True),
    ("项目单位在规定时间内填报项目信息，提交相关材料。", "procedure", True),
    ("需按规定履行算法备案手续。", "procedure", True),
    ("对租用智能算力的企业按合同金额的50%给予资助。", "procedure", False),  # who qualifies, not how to apply
    ("通过深圳市政务服务网在线申报。", "channel", True),
    ("同一项目已获市级资助的，区级不再重复支持。", "stacking", True),
    ("每年发放最高5亿元训力券。", "stacking", False),
    ("委员会主任由分管副市长担任。", "person", True),  # the office that fills the post
    ("委员会的日常工作由市产业主管部门承担。", "person", False),  # a department's duties name nobody
    ("请于2030年3月15日前反馈意见。", "deadline", True),
    ("申报至2030年4月30日止。", "deadline", True),
    ("鼓励企业入驻前海合作区。", "deadline", False),  # 前 of a place name is no deadline
    ("禁止向他人出售个人数据。", "deadline", False),  # nor 止 of 禁止
    ("每周三上午召开例会。", "weekday", True),
    ("结合每周召开的联席会议机制。", "weekday", False),  # how often, not which day
])
def test_a_sentence_states_the_kind_asked_or_not(sentence: str, kind: str, states_it: bool) -> None:
    assert bool(answer_pattern(kind).search(fold(sentence))) is states_it


def test_how_to_apply_asked_beside_a_figure_leaves_the_figure_answerable(policy_assistant: PolicyAssistant) -> None:
    assert states("给予最高200万元资助。", {"procedure", "cap"}, set(), set(), False)
    assert not states("给予最高200万元资助。", {"procedure"}, set(), set(), False)
    answer = policy_assistant.answer("语料券要怎么申请？一家最多补多少？")
    assert not answer.refused and "200万元" in answer.text


def test_a_cap_is_one_applicants_without_saying_each() -> None:
    # "每家企业最多补多少": a grant's cap is per applicant; "每月" must be said.
    assert states("给予最高1000万元资助。", {"cap"}, {"家"}, set(), False)
    assert not states("给予最高1000万元资助。", {"cap"}, {"月"}, set(), False)


def test_a_budget_row_answers_a_budget_question_but_not_what_one_applicant_gets() -> None:
    row = "序号：3｜项目名称：示范项目｜2025年：200"
    assert states(row, {"money"}, set(), set(), money_table=True)
    assert not states(row, {"grant"}, set(), set(), money_table=True)


@pytest.mark.parametrize(("text", "years"), [
    ("2024年建成并投入运营。", {"2024"}),
    ("行动方案（2024-2026年）提出", {"2024", "2025", "2026"}),
    ("依据示区规〔2019〕2号", set()),  # a document number's year is no year the sentence is about
    ("依据《2019年示例办法》，加快建设", set()),  # nor is a title's
])
def test_the_years_a_sentence_is_about(text: str, years: set[str]) -> None:
    assert years_about(fold(text)) == years


def test_a_document_named_by_a_number_no_held_document_bears() -> None:
    assert unheld_numbers(_CORPUS, "示区规〔2019〕2号第五条怎么说？") == ["示区规〔2019〕2号"]
    assert unheld_numbers(_CORPUS, "现在还按示区规〔2023〕7号执行吗？") == []  # the held one's own number
    note = unheld_document_note(_CORPUS, "示区规〔2019〕2号")
    assert "未收录" in note and "示区规〔2019〕2号" in note
    assert "《示例细则》中提到" in note  # where the held text mentions it, and nothing it does not say


def test_a_known_document_named_by_number_is_refused_without_its_years(policy_assistant: PolicyAssistant) -> None:
    # Its title carries "（2024—2025年）": a refusal gives no figure the question did not.
    answer = policy_assistant.answer("深龙府函〔2024〕22号那个方案里要建多少个场景")
    assert answer.refused and "深龙府函〔2024〕22号" in answer.text and "2025" not in answer.text


def test_a_quoted_name_no_held_text_contains() -> None:
    assert unheld_terms(_CORPUS, ("数据券",)) == []
    assert unheld_terms(_CORPUS, ("模型券",)) == ["模型券"]
    # A long quote may paraphrase a clause: it is not taken as a name.
    assert unheld_terms(_CORPUS, ("对注册企业发放的各类消费券和补贴",)) == []
    # A numbered shorthand sums up a list the text may write out item by item; each name is named once.
    assert unheld_terms(_CORPUS, ("两个统一", "四大工程")) == []
    assert unheld_terms(_CORPUS, ("模型券", "模型券")) == ["模型券"]


def test_refusals_say_why(policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("深圳市的“元宇宙券”怎么申请？")
    assert answer.refused and not answer.citations
    assert "“元宇宙券”" in answer.text and "没有出现" in answer.text


def test_whether_support_goes_on_in_a_year_no_held_text_speaks_of_is_not_answered_from_todays_rule(
        policy_assistant: PolicyAssistant) -> None:
    for question in ("2031年训力券还会继续发吗", "Will the training voucher still be issued in 2031?"):
        answer = policy_assistant.answer(question)
        assert answer.refused and not answer.citations, question
        assert "没有载明2031年的安排" in answer.text
    answer = policy_assistant.answer("训力券最高补多少")  # today's rule, asked without a year to come
    assert not answer.refused and answer.citations


def test_a_held_voucher_is_still_answered(policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("深圳的“训力券”对租用算力的企业最高资助多少？")
    assert not answer.refused and answer.citations


def _evidence(coverage: float, score: float, subject: float, cut_off: bool = False) -> Evidence:
    hit = Hit(clause=_CLAUSES[1], doc=_DOC, score=1.0)
    return Evidence(hit, "对在本区注册的企业发放“数据券”。", score, coverage, cut_off=cut_off, subject=subject)


@pytest.mark.parametrize(("coverage", "score", "subject", "answers"), [
    (0.5, 0.5, 0.4, True),
    (0.1, 0.1, 0.4, False),  # below both thresholds
    (0.5, 0.5, 0.0, False),  # shares only the jurisdiction with the question ("龙岗区人才住房怎么申请")
])
def test_what_supports_an_answer(coverage: float, score: float, subject: float, answers: bool) -> None:
    assert bool(supported([_evidence(coverage, score, subject)])) is answers


def test_a_sentence_cut_off_by_a_gap_never_answers() -> None:
    assert not supported([_evidence(0.9, 0.9, 0.9, cut_off=True)])


def test_a_question_about_a_held_districts_other_matter_is_refused(policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("龙岗区的公租房配租怎么申请？")
    assert answer.refused and not answer.citations


def test_a_sentence_about_another_year_does_not_answer(policy_assistant: PolicyAssistant) -> None:
    # The held action plan states the 2024 computing target; a question about 2031 is not answered by it.
    assert "2024年建成" in policy_assistant.answer("深圳开放智算中心2024年的算力规模目标是多少？").text
    assert "2024年建成" not in policy_assistant.answer("深圳开放智算中心2031年的算力规模目标是多少？").text


_PARTIAL = DocumentMeta(doc_id="demo-plan", title="某市示例行动方案（2025—2026年）", short_title="示例方案（2025—2026年）",
                        issuer="某市政府", level="municipal", doc_type="action_plan", status="official", language="zh",
                        completeness="partial", source="test", gaps=(2,))
_PLAN = (
    Clause("demo-plan#一、（一）", "demo-plan", "一、（一）", "item", ("一、",), "（一）建设公共算力平台，发放算力券。", 0),
    Clause("demo-plan#一、（二）", "demo-plan", "一、（二）", "item", ("一、",), "（二）支持企业采购国产芯片。", 1),
    Clause("demo-plan#三、（一）", "demo-plan", "三、（一）", "item", ("三、",), "（一）加强组织保障。", 2),
)


def test_where_a_partial_copy_stops_and_how_a_refusal_names_it() -> None:
    corpus = Corpus(documents={"demo-plan": _PARTIAL}, clauses=_PLAN, fingerprint="t")
    assert held_extent(corpus, _PARTIAL) == "一、（二）之后有未收录的原文"
    assert refusal_title(_PARTIAL) == "《示例方案》"  # a refusal shows no figure, not even a title's years


def test_what_the_closest_clause_leaves_unstated(policy_assistant: PolicyAssistant) -> None:
    assert missing_labels({"ratio", "cap"}, "按合同金额的30%给予资助。") == ["上限"]
    assert missing_labels({"ratio"}, "按合同金额的30%给予资助。") == []
    corpus = Corpus(documents={"demo-plan": _PARTIAL}, clauses=_PLAN, fingerprint="t")
    query = understand("采购国产芯片按多少比例补贴？", [], policy_assistant.retriever, policy_assistant.rules)
    note = not_held_note(corpus, query, [Hit(clause=_PLAN[1], doc=_PARTIAL, score=1.0)])
    assert "《示例方案》一、（二）没有载明比例" in note
    assert "不是全文（一、（二）之后有未收录的原文）" in note
    assert not re.search(r"\d", note)


def test_a_question_about_a_named_document_is_not_answered_from_another(policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("《生成式人工智能服务管理暂行办法》对企业购买算力给多少比例的补贴？")
    assert answer.refused and not answer.citations
    assert "《生成式人工智能服务管理暂行办法》中没有找到" in answer.text


def test_a_tie_between_a_broken_and_a_complete_sentence_goes_to_the_complete_one() -> None:
    complete, cut = _evidence(0.5, 0.6, 0.5), _evidence(0.5, 0.6, 0.5, cut_off=True)
    assert cut_off_subject([cut, complete]) is None
    assert cut_off_subject([_evidence(0.5, 0.7, 0.5, cut_off=True), complete]) is not None


@pytest.mark.parametrize(("sentence", "kind", "states_it"), [
    ("项目单位按指南要求提交相关材料。", "materials", False),  # says materials are needed, not which
    ("申报时须提供营业执照复印件和服务合同。", "materials", True),
    ("按不超过服务合同金额的50%给予资助。", "materials", False),  # a contract named, nothing to hand in
    ("意见反馈时间为2025年6月1日至2025年6月30日。", "deadline", True),  # a period's end is its deadline
    ("资金使用应当统筹安排、注重实效、规范透明。", "principles", True),  # principles stated without the word
    ("资金由区财政统一拨付。", "principles", False),
])
def test_a_sentence_states_what_is_asked_not_only_its_word(sentence: str, kind: str, states_it: bool) -> None:
    assert bool(answer_pattern(kind).search(fold(sentence))) is states_it


def test_which_principles_asked_with_words_between() -> None:
    assert "principles" in ask_types("这笔资金要守哪些使用原则？")


def test_what_may_be_pledged_is_no_amount() -> None:
    assert not {"money", "grant"} & ask_types("小企业贷款时能拿什么东西作抵押？")
    assert "money" in ask_types("我们能拿多少？")


_AREA_DOC = DocumentMeta(doc_id="demo-area", title="珠海市香洲区示例扶持办法", short_title="香洲示例办法",
                         issuer="珠海市香洲区科技创新局", level="district", doc_type="rules", status="official",
                         language="zh", completeness="full", source="test", published="2023-04-01")
_AREA = Corpus(documents={"demo-area": _AREA_DOC}, clauses=(
    Clause("demo-area#第三条", "demo-area", "第三条", "article", (), "第三条 对购买算力的企业按费用的20%给予资助。", 0),),
    fingerprint="area")


def test_the_areas_a_text_names() -> None:
    assert places_named("杭州的算力券怎么领？") == {"杭州"}
    assert places_named("南山区有什么人工智能补贴") == {"南山"}
    # A special administrative region and a country are areas too; the nation is every area.
    assert places_named("香港创新科技署对AI公司有什么资助") == {"香港"}
    assert places_named("新加坡政府给AI企业补多少") == {"新加坡"}
    assert places_named("中国对人工智能有什么支持政策") == set()
    assert held_places(_AREA) >= {"珠海", "香洲"}


@pytest.mark.parametrize(("question", "unheld"), [
    ("惠州对人工智能企业买算力补多少？", ["惠州"]),
    ("香洲区对人工智能企业买算力补多少？", []),
    ("公司注册在香洲，纳税在惠州，能申请算力资助吗？", []),  # names a held area: its rules are asked about
    ("惠州的算力资助比例跟香洲比，哪个高？", ["惠州"]),  # … but set against an unheld one, no comparison is held
    ("对人工智能企业买算力补多少？", []),
])
def test_a_question_about_an_area_no_held_document_covers(policy_assistant: PolicyAssistant, question: str,
                                                         unheld: list[str]) -> None:
    query = understand(question, [], policy_assistant.retriever, policy_assistant.rules)
    assert unheld_places(_AREA, query) == unheld


def test_another_citys_policy_is_refused_as_out_of_scope(policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("无锡对人工智能企业租用算力有什么补贴？")  # no list of places names it
    assert answer.refused and not answer.citations
    assert "无锡" in answer.text


@pytest.mark.parametrize(("question", "refused"), [
    ("听说2029年修订版的示例扶持办法把算力资助比例提高了，现在是多少？", True),
    ("2023年印发的示例扶持办法对算力资助比例是多少？", False),
    ("示例扶持办法对算力资助比例是多少？", False),
])
def test_a_version_named_by_a_year_no_held_document_bears(policy_assistant: PolicyAssistant, question: str,
                                                          refused: bool) -> None:
    query = understand(question, [], policy_assistant.retriever, policy_assistant.rules)
    hits = [Hit(clause=_AREA.clauses[0], doc=_AREA_DOC, score=1.0)]
    note = unheld_version(_AREA, query, hits)
    assert bool(note) is refused
    assert not re.search(r"\d", note)


def test_a_rumoured_figure_no_held_clause_states_is_not_confirmed(policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("听说龙岗买算力的补贴现在最高给到9000万了，具体怎么申请？")
    assert answer.refused and not answer.citations and not answer.prechecks
    assert "9000" not in answer.text
    held = policy_assistant.answer("听说深圳的训力券最高资助1000万元，是真的吗？")
    assert not held.refused and held.citations


def test_a_rumoured_cap_beside_the_persons_spending_is_refuted_and_the_held_cap_computes(
        policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("有人说训力券封顶改成了4000万，我们租算力训练一共花了6000万，能补多少")
    lines = answer.text.split("\n")
    assert not answer.refused and "无法证实" in lines[0]
    assert "6000万元" in lines[1] and "1000万元" in lines[1]  # the held cap, on the spending stated
    assert "4000万元 ×" not in answer.text  # the reported figure is no spending


_KNOWN = KnownDocuments((
    KnownDocument(id="demo-guide", title="珠海市香洲区示例扶持申报指南（2027—2028年）", status="reported",
                  verified=False, evidence="test"),
))


@pytest.mark.parametrize(("question", "unheld"), [
    ("香洲区那个申报指南（2027—2028年）对申报时间有什么规定？", True),  # known, not held
    ("香洲区示例扶持办法对申报时间有什么规定？", False),  # a held document
    ("香洲区的申报指南（2030年）对申报时间有什么规定？", False),  # no known document of those years
    ("香洲区那个申报指南（2027—2028年）的文号是什么？", False),  # a held sentence citing it may say
])
def test_a_document_named_by_kind_area_and_years_that_is_known_but_not_held(
        policy_assistant: PolicyAssistant, monkeypatch: pytest.MonkeyPatch, question: str, unheld: bool) -> None:
    monkeypatch.setattr("assistant.support.shipped_known_documents", lambda: _KNOWN)
    query = understand(question, [], policy_assistant.retriever, policy_assistant.rules)
    note = unheld_named_document(_AREA, query)
    assert bool(note) is unheld
    assert not note or "未收录《珠海市香洲区示例扶持申报指南》" in note  # a refusal shows no figure, no years


def test_a_known_document_spelled_out_without_its_years_is_named(
        policy_assistant: PolicyAssistant, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("assistant.support.shipped_known_documents", lambda: _KNOWN)
    query = understand("香洲区示例扶持申报指南对申报时间有什么规定？", [], policy_assistant.retriever, policy_assistant.rules)
    assert "未收录《珠海市香洲区示例扶持申报指南》" in unheld_named_document(_AREA, query)


@pytest.mark.parametrize("turns", [
    ["龙岗AI实施细则第二十条写了什么？"],
    ["龙岗那个AI实施细则当时什么时候公开征求意见的", "那第二十条怎么规定"],  # the document named a turn earlier
])
def test_an_article_of_a_document_held_only_through_its_explanation_is_not_held(
        policy_assistant: PolicyAssistant, turns: list[str]) -> None:
    history = [t for earlier in turns[:-1] for t in (Turn("user", earlier), Turn("assistant", "（略）"))]
    answer = policy_assistant.answer(turns[-1], history)
    assert answer.refused and not answer.citations  # never another clause read out as article 20
    assert "实施细则（征求意见稿）》的正文" in answer.text and "无法引用其第二十条" in answer.text


def test_a_contact_asked_that_no_text_gives_is_refused_by_name(policy_assistant: PolicyAssistant) -> None:
    # The notice says comments go "by letter or e-mail to the bureau" and gives no address: no answer.
    unstated = policy_assistant.answer("龙岗人工智能实施细则征求意见，反馈用的邮箱地址是什么？")
    assert unstated.refused and "没有载明电子邮箱" in unstated.text and "@" not in unstated.text
    stated = policy_assistant.answer("工信专项资金管理办法征求意见稿收意见的电子邮箱是多少")
    assert not stated.refused and re.search(r"[\w.]+@[\w.]+", stated.text)


def test_a_budget_row_is_no_answer_to_what_one_applicant_gets(policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("我们在龙岗买算力，补贴是多少？")
    assert answer.citations and all("表1" not in c.label for c in answer.citations)
    budget = policy_assistant.answer("测算表里算力扶持2025年安排了多少")
    assert any("表1" in c.label for c in budget.citations)


def test_a_quantity_asked_in_a_unit_no_held_sentence_states_is_refused(policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("广东到2025年智能算力规模要达到多少EFLOPS")
    assert answer.refused and "EFLOPS" in answer.text and not answer.citations
    held = policy_assistant.answer("深圳先锋城市行动方案里2024年算力规模要达到多少PFLOPS")
    assert not held.refused


@pytest.mark.parametrize("question", [
    "训力券是不是要求申请单位在深圳纳税满三年？",  # the voucher's clause speaks of no tax or registration
    "深圳的算力券每张面值多少，抵扣比例是多少",  # 算力券 is the action plan's, which states no value
    "广东通用人工智能实施意见给2030年定了什么目标",  # a target for a year no held sentence names
    "龙岗对瞪羚企业认定有什么奖励",  # a certification no held text rewards
])
def test_what_the_held_texts_do_not_state_is_refused(policy_assistant: PolicyAssistant, question: str) -> None:
    answer = policy_assistant.answer(question)
    assert answer.refused and not answer.citations


def test_a_requirement_the_conditions_state_is_answered(policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("龙岗的算力补贴是不是要求在龙岗纳税")
    assert not answer.refused
    assert "纳税地" in answer.text
