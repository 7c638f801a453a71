"""Which sentence of the retrieved clauses answers: the one sharing the question's distinctive words.

Synthetic clauses (written here, in a held document's name) scored with the real index's IDF and tokenizer.
"""

from __future__ import annotations

from assistant.evidence import candidate_evidence, parts_asked, states, supported
from assistant.service import PolicyAssistant
from assistant.subject_terms import question_terms
from assistant.understanding.asks import questions_in
from assistant.understanding.query import understand
from retrieval.models import Clause, ClauseKind, Hit


def _hits(policy_assistant: PolicyAssistant, texts: list[str], kind: ClauseKind = "article") -> list[Hit]:
    """Synthetic clauses of one complete held document, ranked in the order given."""
    doc = next(d for d in policy_assistant.corpus.documents.values() if not d.gaps and d.language == "zh")
    return [Hit(Clause(f"{doc.doc_id}#t{i}", doc.doc_id, f"t{i}", kind, (), text, 900 + i), doc, 1.0 - i / 10)
            for i, text in enumerate(texts)]


def _best(policy_assistant: PolicyAssistant, question: str, texts: list[str]) -> str:
    query = understand(question, [], policy_assistant.retriever, policy_assistant.rules)
    evidence = supported(candidate_evidence(policy_assistant.retriever, query,
                                            _hits(policy_assistant, texts), with_context=False))
    assert evidence, question
    return evidence[0].sentence


def test_an_asked_term_inside_a_longer_word_is_shared(policy_assistant: PolicyAssistant) -> None:
    # The tokenizer cuts "数据交易平台" without a "交易平台" token: the sentence still shares the asked term,
    # and the first-ranked clause that states it is not beaten by one that shares it only by its cut.
    best = _best(policy_assistant, "私下买卖数据一定要走交易平台吗", [
        "第六条 市场主体可以通过依法设立的数据交易平台进行交易，也可以由双方依法自行交易。",
        "第五条 建立电子元器件和集成电路交易平台，降低新技术准入门槛。",
    ])
    assert "自行交易" in best


def test_a_heading_line_is_not_the_answer(policy_assistant: PolicyAssistant) -> None:
    # "一、征求意见时间" names a topic; the answer is a sentence that states how, under its own heading.
    best = _best(policy_assistant, "对这个办法有意见怎么反映", [
        "一、征求意见时间\n2024年3月1日至2024年3月30日",
        "二、意见反馈\n请将意见以电子邮件形式反馈至区工信局。",
    ])
    assert best.startswith("请将意见")


def test_a_count_asked_in_a_measure_word_is_no_subject(policy_assistant: PolicyAssistant) -> None:
    # "几章" asks for a count; it is not a subject word a sentence stating the count must share.
    best = _best(policy_assistant, "这套工信资金办法分几章、多少条", [
        "第一条 为规范工信专项资金管理，制定本办法。",
        "《办法》共分为六章30条,具体如下:",
    ])
    assert "六章" in best


def test_the_term_asked_is_defined_where_a_longer_term_is_not(policy_assistant: PolicyAssistant) -> None:
    # "X产业，是指…" defines a longer term that contains the one asked; "X，是指…" defines the one asked.
    best = _best(policy_assistant, "办法里智能终端到底怎么定义", [
        "第三条 本办法所称智能终端产业，是指与智能终端相关的研发、制造和服务等产业。",
        "第二条 本办法所称智能终端，是指具备自主运算能力的联网设备。",
    ])
    assert best.startswith("第二条")


def test_a_who_question_is_answered_by_the_organisation_named_in_the_role(policy_assistant: PolicyAssistant) -> None:
    # Both sentences mention the role; only one names the organisation that holds it.
    best = _best(policy_assistant, "管机器人产业的主管部门是哪个", [
        "第九条 市统计部门、市产业主管部门应当会同其他有关部门，建立机器人产业统计制度。",
        "第六条 市科技创新部门是机器人产业主管部门，负责统筹推进本市机器人产业发展。",
    ])
    assert "市科技创新部门是" in best


def test_a_question_about_now_is_not_answered_by_a_target(policy_assistant: PolicyAssistant) -> None:
    best = _best(policy_assistant, "区里目前大概有多少家机器人企业", [
        "推动机器人产业发展，争取到2027年新增机器人企业50家。",
        "全区已集聚机器人企业300余家，覆盖整机和零部件。",
    ])
    assert "300余家" in best
    # "有多少家" asks what there is, without "目前"; a question about the target is answered by the target.
    texts = ["推动机器人产业发展，争取到2027年新增机器人企业50家。", "全区已集聚机器人企业300余家，覆盖整机和零部件。"]
    assert "300余家" in _best(policy_assistant, "区里有多少家机器人企业", texts)
    assert "300余家" in _best(policy_assistant, "说明里讲区里机器人企业大概几家", texts)  # a count of no year or target
    assert "50家" in _best(policy_assistant, "到2027年区里要新增多少家机器人企业", texts)


def test_a_period_is_answered_by_a_date_range(policy_assistant: PolicyAssistant) -> None:
    # A line under its heading ("一、征求意见时间") is read with it; the range states the period asked.
    best = _best(policy_assistant, "这个办法的征求意见时间是从哪天到哪天", [
        "（四）征求意见情况：2024年3月1日，区里拟挂网公开征求社会公众意见。",
        "一、征求意见时间\n2024年3月5日至2024年4月4日",
    ])
    assert best == "2024年3月5日至2024年4月4日"


def test_a_generic_word_named_twice_does_not_outweigh_the_distinctive_one(policy_assistant: PolicyAssistant) -> None:
    # "AI" (人工智能) and 龙岗 are in nearly every clause; "两年" is what tells the asked sentence.
    best = _best(policy_assistant, "龙岗AI细则两年总共预计要花多少钱", [
        "龙岗区人工智能产业集群2024年一季度增加值约9.58亿元。",
        "本细则两年所需资金预估约为3000万元。",
    ])
    assert "3000万元" in best


def test_a_concept_counts_once_however_many_words_name_it(policy_assistant: PolicyAssistant) -> None:
    terms = question_terms(policy_assistant.retriever, "龙岗区AI企业有多少家", "")
    # The pieces of 龙岗区 and the policy word for AI belong to one concept each.
    assert terms.members["龙岗"][0] == terms.members["龙岗区"][0]
    assert terms.members["人工智能"] == ("ai", 1.0)
    # A sentence with the policy word covers the user's word as fully as the word itself would.
    assert terms.coverage({"人工智能"}) == terms.coverage({"ai"}) > 0


def test_whether_a_rule_applies_is_answered_by_the_sentence_stating_its_scope(policy_assistant: PolicyAssistant) -> None:
    # "管不管" asks for the scope; the sentence saying what the rules do not apply to answers it.
    best = _best(policy_assistant, "我们只在单位内部用无人机，不对外飞，这个办法管不管我们", [
        "第五条 无人机运营者应当对外公示飞行计划，接受公众监督。",
        "第二条 单位内部使用无人机、未向公众提供飞行服务的，不适用本办法。",
    ])
    assert best.startswith("第二条")


def test_a_tier_on_the_side_of_the_threshold_asked_answers(policy_assistant: PolicyAssistant) -> None:
    # The first tier's sentence also carries the offence; only the side of the threshold tells the tiers apart.
    texts = ["第九条 违规出售数据的，责令改正，金额不足五万元的，处二万元以上十万元以下罚款；"
             "金额五万元以上的，处十万元以上五十万元以下罚款。"]
    assert "十万元以上五十万元" in _best(policy_assistant, "违规出售数据金额超过五万元罚多少", texts)
    assert "二万元以上" in _best(policy_assistant, "违规出售数据金额不到五万元罚多少", texts)
    # An amount stated without a side falls in the tier whose threshold it is on the side of.
    assert "二万元以上" in _best(policy_assistant, "违规出售了3万元的数据，罚多少", texts)
    assert "十万元以上五十万元" in _best(policy_assistant, "违规出售了8万元的数据，罚多少", texts)


def test_each_question_of_a_message_is_asked_on_its_own() -> None:
    # Two questions: a sentence stating the yearly total answers one, a sentence stating ratio and cap the other.
    parts = parts_asked(questions_in("这个券每年发多少？补贴比例和上限呢"), {"ratio", "cap", "support_ratio"}, {"年"})
    assert (set(), {"年"}) in parts and any({"ratio", "cap"} <= k and not u for k, u in parts)
    assert states("每年发放最高8000万元。", *parts[0], set(), False)
    # One question asks everything it names of one sentence.
    assert parts_asked(questions_in("补贴比例和上限是多少"), {"ratio", "cap"}, set()) == [({"ratio", "cap"}, set())]


def test_sorts_counted_are_answered_by_the_sentence_listing_them(policy_assistant: PolicyAssistant) -> None:
    # "有几种" with no count stated: the sentence naming the sorts of the thing asked answers.
    best = _best(policy_assistant, "示例办法的项目审核方式有几种", [
        "第二条 本办法规定十项扶持的范围、扶持方式和标准，以及适用的审核方式（包含核准制和评审制）。",
        "第三条 申报单位应当提交证明材料。",
    ])
    assert "核准制和评审制" in best
    # Nor is a sentence listing the sorts of another thing an answer.
    query = understand("示例办法一共有几种扶持方式", [], policy_assistant.retriever, policy_assistant.rules)
    hits = _hits(policy_assistant, ["第二条 本办法规定扶持方式和标准，以及审核方式（包含核准制和评审制）。"])
    assert not supported(candidate_evidence(policy_assistant.retriever, query, hits, with_context=False))


def test_a_question_about_a_day_is_answered_by_the_sentence_about_that_day(policy_assistant: PolicyAssistant) -> None:
    texts = ["（一）调研情况：区工业和信息化局开展研究。于3月20日公开征集应用场景；4月10日实地走访某市数据研究院；"
             "5月22日与多家企业座谈。"]
    assert "数据研究院" in _best(policy_assistant, "起草时4月10日走访了哪个单位", texts)
    assert "座谈" in _best(policy_assistant, "5月22日跟谁座谈的", texts)


def test_a_documents_count_is_not_a_chapters(policy_assistant: PolicyAssistant) -> None:
    texts = ["二、主要内容 《办法》共分为三章12条，具体包括：第一章总则，共4条，阐述资金来源。第二章部门职责，共3条。"]
    assert "共分为三章12条" in _best(policy_assistant, "How many articles does the fund measures have?", texts)
    assert "第二章部门职责" in _best(policy_assistant, "办法第二章有几条", texts)


def test_a_texts_purpose_answers_only_what_it_is_for(policy_assistant: PolicyAssistant) -> None:
    texts = ["第一条 为加强和规范示例专项资金管理，提高资金使用效益，根据有关规定，制定本办法。",
             "第三条 示例专项资金实行目录清单制管理。"]
    assert "目录清单制" in _best(policy_assistant, "示例专项资金实行什么管理制度", texts)
    assert "为加强和规范" in _best(policy_assistant, "示例专项资金管理办法的制定目的是什么", texts)


def test_how_a_duty_is_punished_is_answered_by_the_clause_sanctioning_it(policy_assistant: PolicyAssistant) -> None:
    # The duty (第六十九条) shares the question's words; the penalty (第九十五条) only cites the duty's number.
    answer = policy_assistant.answer("在深圳用数据分析给条件相同的客户开不同价格，会受到什么处罚")
    assert [c.label for c in answer.citations][:1] == ["第九十五条"]
    assert answer.text.splitlines()[0].startswith("违反本条例第六十八条、第六十九条规定")
    capped = policy_assistant.answer("深圳数据条例里，利用数据分析搞差别待遇，罚款最多能到多少")
    assert not capped.refused and "五千万元" in capped.text.splitlines()[0]


def test_a_budget_table_named_by_its_number_answers_its_cells(policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("起草说明表1中2025年大模型自主开发扶持是多少钱")
    assert not answer.refused and answer.text.splitlines()[0].startswith("大模型自主开发扶持2025年测算")


def test_an_amount_beside_a_fine_is_the_breachs_not_spending_to_compute(policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("卖数据的交易额才八千块，被抓了会罚多少")
    assert not answer.prechecks and "罚款" in answer.text


def test_an_article_named_is_answered_from_it_or_from_what_sanctions_it(policy_assistant: PolicyAssistant) -> None:
    # 第九十四条 states fines in ranges, no maximum: never the neighbouring 第九十五条's 五千万元.
    answer = policy_assistant.answer("深圳数据条例第九十四条规定的罚款最多多少钱")
    assert "五千万" not in answer.text and {c.label for c in answer.citations} <= {"第九十四条"}
    # Asked how breaching an article is punished, the clause sanctioning it answers.
    answer = policy_assistant.answer("违反深圳数据条例第六十八条的会怎么处罚")
    assert [c.label for c in answer.citations][:1] == ["第九十五条"]


def test_who_is_responsible_is_a_sentence_naming_a_department(policy_assistant: PolicyAssistant) -> None:
    # The neighbouring item shares the asked item's words; its sentence naming bodies that are not departments
    # ("科研机构、高校") says nothing of who is responsible.
    texts = ["(一)建设城市级星火算力平台。整合全市星火算力资源,建设城市级星火算力调度平台。(责任单位:市发展改革委等)",
             "(二)打造星火算力枢纽。积极集聚政府、企业、科研机构、高校等的星火算力资源,与周边城市共建星火算力平台。"
             "(责任单位:市国资委等)"]
    assert _best(policy_assistant, "建设城市级星火算力平台的责任单位", texts) == "(责任单位:市发展改革委等)"


def test_a_figure_of_one_year_is_not_stated_by_a_sentence_about_others() -> None:
    assert not states("根据2028年发展情况，初步测算需财政资金3000万元。", {"money"}, set(), {"2031"}, False)
    assert states("根据2031年发展情况，初步测算需财政资金3000万元。", {"money"}, set(), {"2031"}, False)
    assert states("每家最高补贴200万元。", {"money"}, set(), {"2031"}, False)  # a rule of no year states it


def test_a_budget_row_answers_only_the_years_it_has() -> None:
    row = "项目名称：示例扶持｜2028年：100｜2029年：200"
    assert states(row, {"money"}, set(), {"2029"}, True)
    assert not states(row, {"money"}, set(), {"2031"}, True)


def test_a_year_the_budget_table_has_no_column_for_gets_no_row(policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("算力扶持2030年的测算资金是多少")
    assert not any("表1" in c.clause_id for c in answer.citations)
    assert "2030" not in answer.text.split("\n")[0] or answer.refused


def test_a_standard_asked_is_not_answered_by_a_budget_row(policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("场景示范项目扶持的详细标准是啥")
    assert not any("表1" in c.clause_id for c in answer.citations)


def test_a_date_is_no_quantity() -> None:
    assert not states("2031年5月，某市出台了产业行动方案。", {"quantity"}, set(), set(), False)
    assert states("2031年一季度，全区产业增加值约12.5亿元。", {"quantity"}, set(), set(), False)


def test_who_does_the_act_asked_is_named_by_the_sentence_with_that_act(policy_assistant: PolicyAssistant) -> None:
    # Both sentences name a body acting on the committee; only one says who sets it up.
    best = _best(policy_assistant, "评审委员会是谁来组建的", [
        "评审委员会的日常工作由区科技创新局承担。",
        "区人民政府负责组建评审委员会，委员由相关领域专家担任。",
    ])
    assert "区人民政府负责组建" in best


def test_an_item_by_its_place_is_the_table_row_of_that_number(policy_assistant: PolicyAssistant) -> None:
    rows = [f"表1 资金测算表（万元）｜序号：{n}｜项目名称：{name}｜2031年：{amount}"
            for n, name, amount in ((3, "场景开放扶持", 700), (1, "算力扶持", 900), (2, "数据扶持", 500))]
    hits = _hits(policy_assistant, rows, kind="table_row")
    query = understand("第二个项目的预算是多少", [], policy_assistant.retriever, policy_assistant.rules)
    evidence = supported(candidate_evidence(policy_assistant.retriever, query, hits, with_context=False))
    assert evidence and "序号：2" in evidence[0].sentence


def test_who_holds_a_duty_is_only_a_sentence_naming_that_duty(policy_assistant: PolicyAssistant) -> None:
    texts = ["本办法所称专项资金，由区工业和信息化局负责管理使用。", "本办法由区财政局负责解释。"]
    for question in ("这个办法由哪个部门负责解释", "办法的解释权归谁"):
        assert "负责解释" in _best(policy_assistant, question, texts)
    # A department managing the fund does not interpret the text: no sentence answers who does.
    for question in ("这个办法由哪个部门负责解释", "办法的解释权归谁", "项目由哪个部门受理"):
        query = understand(question, [], policy_assistant.retriever, policy_assistant.rules)
        assert not supported(candidate_evidence(policy_assistant.retriever, query,
                                                _hits(policy_assistant, texts[:1]), with_context=False)), question


def test_an_unstated_duty_is_refused_saying_which(policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("数据条例由哪个部门负责解释")
    assert answer.refused and "没有载明由哪个部门负责解释" in answer.text


def test_when_one_applies_is_not_a_date_stated_of_something_else(policy_assistant: PolicyAssistant) -> None:
    texts = ["2031年一季度产业增加值约9亿元。", "根据《某区示范行动方案（2031—2032年）》制定本细则。"]
    query = understand("扶持资金的申报时间", [], policy_assistant.retriever, policy_assistant.rules)
    assert not supported(candidate_evidence(policy_assistant.retriever, query, _hits(policy_assistant, texts),
                                            with_context=False))
    assert "3月1日起受理申报" in _best(policy_assistant, "扶持资金的申报时间",
                                      [*texts, "每年3月1日起受理申报。"])
