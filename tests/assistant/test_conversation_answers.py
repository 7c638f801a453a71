"""End to end through the product: a conversation whose facts come from earlier turns is pre-checked, the
verdict first, and recomputed when a follow-up changes one fact; budget rows are never one's own amount."""

from __future__ import annotations

from assistant.models import Answer, Turn
from assistant.service import PolicyAssistant


def _converse(assistant: PolicyAssistant, *messages: str) -> list[Answer]:
    history: list[Turn] = []
    answers = []
    for message in messages:
        answer = assistant.answer(message, history)
        answers.append(answer)
        history += [Turn("user", message), Turn("assistant", answer.text)]
    return answers


def _estimate(answer: Answer, item_id: str) -> float | None:
    return next(p["estimate_wan"] for p in answer.prechecks if p["item_id"] == item_id)


def test_a_follow_up_naming_no_item_checks_the_item_talked_about(policy_assistant: PolicyAssistant) -> None:
    _, answer = _converse(policy_assistant, "我们研究院想租算力训练大模型，训力券怎么申请",
                          "那科研机构能申这个吗")
    assert "训力券" in answer.text and "语料券" not in answer.text.split("以上内容仅供参考")[0]


def test_whether_we_may_apply_after_an_item_was_asked_about_checks_that_item(policy_assistant: PolicyAssistant) -> None:
    _, answer = _converse(policy_assistant, "深圳语料券补贴比例多少", "我们是高校的课题组，也可以申请不？")
    said = answer.text.split("以上内容仅供参考")[0]
    assert "语料券" in said and "训力券" not in said and "不符合" in said
    _, answer = _converse(policy_assistant, "深圳语料券补贴比例多少", "我们是高校的课题组，能申请哪些？")
    assert "训力券" in answer.text  # asked which, every item in scope is checked


def test_facts_from_two_turns_then_how_much_then_what_if(policy_assistant: PolicyAssistant) -> None:
    answers = _converse(policy_assistant,
                        "我们是一家有限公司，注册、纳税、统计都在龙岗",
                        "今年采购算力一共花了四百五十万元",
                        "能补多少？",
                        "那如果是3千万呢？",
                        "要是注册地在宝安呢")
    how_much, what_if, moved = answers[2:]
    assert not how_much.refused and _estimate(how_much, "lg-compute") == 135.0
    assert how_much.text.startswith("按您提供的信息测算，可以申请，预计可获135万元（人工智能算力扶持）。450万元 × 30%")
    assert _estimate(what_if, "lg-compute") == 600.0  # 3000 × 30% = 900, capped
    assert "可以申请，预计可获600万元" in what_if.text
    assert not any(c.clause_id.startswith("lg-ai-rules-explainer#表1") for c in what_if.citations)
    compute = next(p for p in moved.prechecks if p["item_id"] == "lg-compute")
    assert compute["status"] == "ineligible"
    assert "不符合申报条件，因为不满足“在龙岗区行政区域内依法登记注册”" in moved.text


def test_a_startup_follow_up_recomputes_the_voucher(policy_assistant: PolicyAssistant) -> None:
    answers = _converse(policy_assistant,
                        "我们租用智算中心的算力训练自己的大模型，服务合同签了300万",
                        "能拿多少训力券？",
                        "我们是初创企业呢？")
    voucher = next(p for p in answers[1].prechecks if p["item_id"] == "sz-training-voucher")
    assert voucher["status"] == "needs_info"  # startup or not decides the ratio: both are given, then asked
    assert "还需确认：贵企业是否属于初创企业？" in answers[1].text
    assert "150万元" in answers[1].text and "180万元" in answers[1].text
    assert _estimate(answers[2], "sz-training-voucher") == 180.0  # 60% for a startup
    assert "预计可获180万元" in answers[2].text


def test_own_amount_of_an_item_without_a_standard_is_not_a_budget_row(policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("我们单位能拿到多少租金补贴？")
    assert not answer.refused
    check = next(p for p in answer.prechecks if p["item_id"] == "lg-space-rent")
    assert check["status"] == "not_estimable"
    assert "可以申请，但所存文件未载明扶持标准" in answer.text
    assert "不是单个单位可得金额" in answer.text


def test_budget_table_figures_are_labelled_as_district_totals(policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("资金测算表中重大活动项目扶持2025年安排了多少？")
    assert "200万元" in answer.text
    assert "区级预算总额" in answer.text and "不是单个企业可获金额" in answer.text


def test_an_english_what_if_recomputes_in_english(policy_assistant: PolicyAssistant) -> None:
    answers = _converse(policy_assistant,
                        "What support does Longgang give for buying computing power?",
                        "What if our compute bill came to 12 million yuan?")
    what_if = answers[1]
    assert not what_if.refused and _estimate(what_if, "lg-compute") == 360.0  # 1200 × 30%, under the 600 cap
    assert what_if.text.startswith("If all application conditions are met")


def test_a_startup_denied_later_recomputes_at_the_usual_ratio(policy_assistant: PolicyAssistant) -> None:
    answers = _converse(policy_assistant,
                        "我们是初创企业，租用智算中心算力训练大模型，服务合同1000万，训力券能补多少",
                        "抱歉前面说错了，我们成立很多年了，不算初创企业，那能补多少")
    assert _estimate(answers[0], "sz-training-voucher") == 600.0  # 60% for a startup
    assert _estimate(answers[1], "sz-training-voucher") == 500.0  # the later statement overrides: 50%


def test_an_eligibility_question_after_the_facts_checks_them(policy_assistant: PolicyAssistant) -> None:
    answers = _converse(policy_assistant, "我们公司执照在龙岗，不过纳税一直在宝安",
                        "那我们能申报龙岗的人工智能扶持吗")
    assert "不符合申报条件" in answers[1].text and "纳税地" in answers[1].text


def test_a_follow_up_naming_another_voucher_asks_the_same_of_it(policy_assistant: PolicyAssistant) -> None:
    # "那语料券呢" after "训力券单家最高补多少": the corpus voucher's cap per applicant, not its yearly pool.
    history = [Turn("user", "训力券一家单位最高能补多少钱"), Turn("assistant", "（略）")]
    answer = policy_assistant.answer("那语料券呢", history)
    lead = answer.text.split("\n")[0]
    assert not answer.refused and "200万元" in lead and "5000万" not in lead


def test_a_follow_up_naming_another_voucher_checks_eligibility_the_same_way(policy_assistant: PolicyAssistant) -> None:
    # "那语料券呢" after "我们是研究所，能申请训力券吗": whether the institute may apply for the other voucher.
    answers = _converse(policy_assistant, "我们是一家研究所，能不能申请训力券", "那语料券呢")
    assert "不符合申报条件" in answers[1].text and "企业" in answers[1].text


def test_a_follow_up_naming_only_an_article_asks_for_that_article(policy_assistant: PolicyAssistant) -> None:
    # The earlier turn asked when the text took effect: "那第十二条呢" asks what article 12 says, of that text.
    history = [Turn("user", "深圳数据条例哪天开始实施"), Turn("assistant", "（略）")]
    answer = policy_assistant.answer("那第十二条呢", history)
    assert not answer.refused and [c.clause_id for c in answer.citations] == ["sz-data-regulation-2021#第十二条"]


def test_a_bare_version_word_after_a_policy_names_that_policys_draft(policy_assistant: PolicyAssistant) -> None:
    # "征求意见稿" names several policies' drafts alike; after a question about one policy, it is that one's.
    answers = _converse(policy_assistant, "2026年的龙岗工信专项资金管理办法哪天印发的", "那征求意见稿呢？")
    assert "2024年8月19日" in answers[1].text
    assert {c.doc_id for c in answers[1].citations} == {"lg-itc-fund-measures-2024-draft"}


def test_a_corrected_fact_with_a_request_to_recompute_is_computed(policy_assistant: PolicyAssistant) -> None:
    answers = _converse(policy_assistant, "我们是初创企业，租算力训练大模型，服务合同800万，训力券能补多少",
                        "抱歉，我们其实成立很久了，不是初创企业，麻烦重新算一下")
    assert _estimate(answers[0], "sz-training-voucher") == 480.0
    assert _estimate(answers[1], "sz-training-voucher") == 400.0


def test_two_support_items_compared_are_each_quoted_from_their_own_clauses(policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("龙岗的算力扶持跟市里的训力券，补贴比例各是多少？哪个高")
    assert {c.doc_id for c in answer.citations} >= {"lg-ai-measures-en", "sz-ai-pioneer-measures-2024"}
    assert "30%" in answer.text and "50%" in answer.text


def test_a_follow_up_asking_when_the_final_text_came_out_is_not_the_consultation_period(
        policy_assistant: PolicyAssistant) -> None:
    answers = _converse(policy_assistant, "龙岗工信专项资金管理办法征求意见稿是哪段时间征求意见的", "那正式版是哪天印发的")
    assert "2026年1月20日" in answers[1].text and "2024年9月22日" not in answers[1].text


def test_an_item_asked_after_a_document_is_answered_from_the_items_clauses(policy_assistant: PolicyAssistant) -> None:
    # The earlier turn named the rules' explanation; its other figures (an industry's output) are no item's grant.
    answers = _converse(policy_assistant, "龙岗AI实施细则都有哪些扶持项目", "那调用大模型开发应用扶持补多少钱")
    assert "亿元" not in answers[1].text and "200余家" not in answers[1].text


def test_whether_a_cited_text_is_still_the_latest_names_what_replaced_it(policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("深龙府规〔2021〕1号那个区级财政资金办法，现在还是最新的吗")
    assert "取代" in answer.text and "深龙府规〔2024〕4号" in answer.text


def test_my_most_after_stating_spending_is_my_capped_estimate(policy_assistant: PolicyAssistant) -> None:
    # "我最多能拿多少": the person (a bare 我) asks their own capped amount, from the spending said earlier.
    answers = _converse(policy_assistant, "公司注册纳税统计都在龙岗，去年采购算力花了8千万", "那我最多能拿多少")
    assert _estimate(answers[1], "lg-compute") == 600.0  # 8000 × 30% = 2400, capped at 600
    assert answers[1].text.startswith("按您提供的信息测算")


def test_an_amount_after_asking_about_one_item_is_that_items(policy_assistant: PolicyAssistant) -> None:
    # A training contract is also compute spending; asked about the voucher, the person gets the voucher.
    answers = _converse(policy_assistant,
                        "我们是刚注册的初创公司，训力券是怎么补的",
                        "我们和智算中心签的训练合同是500万，大概能拿多少",
                        "要是合同金额是3000万呢")
    assert [p["item_id"] for p in answers[1].prechecks] == ["sz-training-voucher"]
    assert _estimate(answers[1], "sz-training-voucher") == 300.0  # 500 × 60%
    assert _estimate(answers[2], "sz-training-voucher") == 1000.0  # capped
    assert not any(p["item_id"] == "lg-compute" for p in answers[2].prechecks)


def test_an_amount_of_another_kind_than_the_item_asked_about_checks_every_item(
        policy_assistant: PolicyAssistant) -> None:
    answers = _converse(policy_assistant,
                        "训力券是怎么补的",
                        "我们在龙岗注册纳税统计，买算力花了200万，能补多少")
    assert _estimate(answers[1], "lg-compute") == 60.0


def test_an_english_follow_up_keeps_the_item_named_in_english(policy_assistant: PolicyAssistant) -> None:
    answers = _converse(policy_assistant, "How much is the cap of the compute subsidy in Longgang?",
                        "And what is the percentage?")
    assert "30%" in answers[1].text.split("\n")[0]
    assert [c.clause_id for c in answers[1].citations] == ["lg-ai-measures-en#1.(2)"]


def test_the_next_or_previous_article_is_the_one_beside_the_last_named(policy_assistant: PolicyAssistant) -> None:
    # The document was written its own way in the earlier turn ("生成式AI暂行办法"); "下一条" is article 18 of it.
    answers = _converse(policy_assistant, "生成式AI暂行办法第十七条讲什么", "那下一条呢")
    assert [c.clause_id for c in answers[1].citations] == ["cn-generative-ai-interim-measures-2023#第十八条"]
    previous = _converse(policy_assistant, "深圳数据条例第十条说了啥", "上一条呢")[1]
    assert [c.clause_id for c in previous.citations] == ["sz-data-regulation-2021#第九条"]


def test_a_follow_up_naming_another_version_asks_of_the_same_article(policy_assistant: PolicyAssistant) -> None:
    answers = _converse(policy_assistant, "工信专项资金管理办法征求意见稿第一条依据的区级财政办法是哪个", "那正式稿呢")
    assert "lg-itc-fund-measures-2026#第一条" in {c.clause_id for c in answers[1].citations}
    assert "深龙府规〔2024〕4号" in answers[1].text


def test_an_english_follow_up_asking_what_we_get_computes_the_amount_stated(policy_assistant: PolicyAssistant) -> None:
    answers = _converse(policy_assistant, "We spent 3 million yuan on computing power last year, our firm is in Longgang.",
                        "How much could we get back?")
    assert _estimate(answers[1], "lg-compute") == 90.0


def test_a_corpus_bought_from_a_related_party_is_not_supported(policy_assistant: PolicyAssistant) -> None:
    answers = _converse(policy_assistant, "买语料有补贴吗", "我们合同1000万，卖方是我们自己的子公司，可以吗")
    lead = answers[1].text.split("\n")[0]
    assert "不符合" in lead and "非关联方" in lead
    assert "sz-ai-pioneer-measures-2024#一、（三）" in {c.clause_id for c in answers[1].citations}


def test_each_of_two_documents_gets_its_own_facts(policy_assistant: PolicyAssistant) -> None:
    answer = policy_assistant.answer("深圳AI行动方案（2023—2024年）和先锋城市行动计划（2025—2026年）各是哪个单位印发的")
    assert "中共深圳市委办公厅" in answer.text and "深圳市工业和信息化局" in answer.text
    assert {c.doc_id for c in answer.citations} == {"sz-ai-action-plan-2023-2024", "sz-ai-pioneer-action-plan-2025-2026"}


def test_the_final_text_asked_after_a_question_naming_both_versions(policy_assistant: PolicyAssistant) -> None:
    # The earlier turn named the measures by a name of the final text and the draft by its version word.
    answers = _converse(policy_assistant, "工信专项资金管理办法征求意见稿的征集时间？", "正式稿呢，什么时候出的、谁发的？")
    assert "2026年1月20日" in answers[1].text and "财政局" in answers[1].text
    assert {c.doc_id for c in answers[1].citations} == {"lg-itc-fund-measures-2026"}


def test_an_amount_in_a_follow_up_about_a_fine_is_no_precheck(policy_assistant: PolicyAssistant) -> None:
    history = [Turn("user", "深圳数据条例对非法交易数据最多罚多少钱"),
               Turn("assistant", "交易金额一万元以上的，处二十万元以上一百万元以下罚款。")]
    answer = policy_assistant.answer("交易额没到一万元的又怎么罚", history)
    assert "五万元以上二十万元以下" in answer.text
    assert "语料券" not in answer.text and "预计可获" not in answer.text


def test_who_is_in_charge_of_the_item_the_conversation_named(policy_assistant: PolicyAssistant) -> None:
    history = [Turn("user", "龙岗购买算力的补贴标准是什么"), Turn("assistant", "按算力费用的30%支持，最高600万元。")]
    answer = policy_assistant.answer("这项由哪个部门负责", history)
    assert not answer.refused
    assert "Industry and Information Technology Bureau" in answer.text
    assert not answer.text.startswith("这项")


def test_an_english_follow_up_keeps_the_document_its_conversation_named(policy_assistant: PolicyAssistant) -> None:
    history = [Turn("user", "Under the Shenzhen AI industry regulation, how are high-risk AI applications supervised?"),
               Turn("assistant", "By ex-ante assessment and risk early warning.")]
    answer = policy_assistant.answer("And the low-risk ones?", history)
    assert {c.doc_id for c in answer.citations} == {"sz-ai-industry-regulation-2022"}
    assert "事前披露" in answer.text


def test_a_follow_up_after_a_penalty_question_asks_the_penalty_again(policy_assistant: PolicyAssistant) -> None:
    # The article the conversation named is the duty breached; the follow-up asks the penalty for another case.
    history = [Turn("user", "深圳数据条例第六十七条规定的数据交易，违反了怎么处罚"),
               Turn("assistant", "责令改正，没收违法所得，并处罚款。")]
    answer = policy_assistant.answer("那交易额超过一万元的情况呢", history)
    assert "二十万元以上一百万元以下" in answer.text
    assert [c.label for c in answer.citations] == ["第九十四条"]


def test_the_level_a_follow_up_names_decides_over_the_place_said_earlier(policy_assistant: PolicyAssistant) -> None:
    _, city = _converse(policy_assistant, "我们是家初创公司，在龙岗", "租算力训练模型花了3000万，市里能补多少")
    assert {p["item_id"] for p in city.prechecks} == {"sz-training-voucher"}
    assert _estimate(city, "sz-training-voucher") == 1000
    _, district = _converse(policy_assistant, "我们是家初创公司，在龙岗", "租算力训练模型花了3000万，区里能补多少")
    assert {p["item_id"] for p in district.prechecks} <= {i for i in ("lg-compute", "lg-model-dev")}
    assert "sz-training-voucher" not in {p["item_id"] for p in district.prechecks}
