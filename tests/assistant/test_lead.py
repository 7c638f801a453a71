"""The conclusion an extractive answer opens with (`assistant.composers.lead`), on paraphrased questions and
synthetic clauses written for these tests."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from assistant.claims import claims_of, facts_of
from assistant.composers.draft import conversions
from assistant.composers.lead import (
    excluded_case,
    grounded_in,
    lead_in_quote,
    lead_sentence,
    past_validity,
    question_subject,
)
from assistant.understanding.asks import asked
from assistant.understanding.query import is_english


def lead(question: str, sentence: str, *, quote: str | None = None, clause_language: str = "zh") -> str:
    language = "en" if is_english(question) else "zh"
    return lead_sentence(question, asked(question), language, sentence, quote or sentence, clause_language)


# (question, answering sentence, what the lead must say)
CHINESE = [
    ("星火券单家最高能补多少钱？", "对租用算力的企业，按实际费用的40%给予补助，单家企业每年最高800万元。",
     "单家企业每年最高800万元"),
    ("云端券的补助比例是多少", "对租用算力的企业，按实际费用的40%给予补助，单家企业每年最高800万元。",
     "按实际费用的40%给予补助"),
    ("数据券按多少比例补？封顶多少？", "按照采购合同金额的25%予以支持，单个单位最高不超过150万元。",
     "按照采购合同金额的25%予以支持，单个单位最高不超过150万元"),
    ("这个办法哪天开始施行？", "本办法自2031年4月1日起施行，有效期五年。", "本办法自2031年4月1日起施行"),
    ("专项资金由哪个部门负责管理？", "专项资金由区科技创新局负责统筹管理。", "区科技创新局"),
    ("暂行规定一共有几条？", "本规定共三十一条。", "本规定共三十一条"),
    ("申报后多少个工作日内给出结果", "受理部门应当在15个工作日内作出审核决定。", "15个工作日"),
    ("这份文件的文号是多少？", "现将《某区示范办法》（示龙府规〔2031〕9号）印发给你们。", "示龙府规〔2031〕9号"),
]


@pytest.mark.parametrize(("question", "sentence", "expected"), CHINESE)
def test_a_chinese_lead_states_the_asked_fact_in_the_clause_words(question: str, sentence: str,
                                                                   expected: str) -> None:
    text = lead(question, sentence)
    assert expected in text
    assert text.endswith("。")
    assert not any(mark in text for mark in "“”「」")


def test_the_subject_the_question_names_opens_a_lead_in_template_words() -> None:
    assert lead("星火券最高补多少", "单家企业每年最高800万元。") == "单家企业每年最高800万元。"  # its own words
    long_part = "对在本区注册并实际经营且纳入统计的智能企业租用第三方智能算力开展模型训练的项目单家最高资助800万元。"
    assert lead("星火券最高补多少", long_part) == "星火券：最高800万元。"
    assert lead("起草说明里讲最高补多少", long_part) == "最高800万元。"  # no subject in a clause of the question


def test_a_granted_amount_leads_with_the_condition_it_is_granted_under() -> None:
    # The condition's figure is not the amount; said without it, the amount would read as anyone's.
    text = lead("这项能补多少钱？", "合同金额在500万元以上的，给予一次性奖励50万元。")
    assert text == "合同金额在500万元以上的，给予一次性奖励50万元。"
    tiers = "交易金额不足一万元的，处五万元以上二十万元以下罚款；交易金额一万元以上的，处二十万元以上一百万元以下罚款。"
    assert lead("交易金额一万元以上罚多少", tiers) == "交易金额一万元以上的，处二十万元以上一百万元以下罚款。"


def test_a_long_part_is_said_as_its_fact_alone() -> None:
    sentence = ("对在本区注册并实际经营的人工智能企业租用第三方智能算力开展模型训练和推理服务的项目，"
                "最高资助300万元。")
    assert "最高资助300万元" in lead("模型训练最高资助多少", sentence)
    long_part = "对在本区注册并实际经营且纳入统计的人工智能企业租用第三方智能算力开展模型训练的项目最高资助300万元。"
    text = lead("模型训练最高资助多少", long_part)
    assert text.endswith("最高300万元。") and len(text) < 30


def test_english_question_on_an_english_clause_gets_an_english_lead_in_its_words() -> None:
    text = lead("What is the maximum subsidy for computing power?",
                "Enterprises renting computing power receive 30% of the cost, up to 6 million yuan per year.",
                clause_language="en")
    assert text.startswith("Up to 6 million yuan")
    assert text.endswith(".")


def test_english_question_on_a_chinese_clause_says_the_figure_in_yuan_beside_the_clauses_words() -> None:
    sentence = "单个企业每年最高1000万元。"
    text = lead("What is the maximum grant per company?", sentence)
    assert text == "Up to 10 million yuan (1000万元)."
    # The guard reads the converted figure back against the quote, and the conversion is written out.
    assert grounded_in(text, sentence) and conversions(text, sentence) == ["1000万元 = 10 million yuan"]
    assert lead("What is the grant worth?", "给予最高50万元补助。") == "Up to 500,000 yuan (50万元)."


def test_an_english_lead_is_what_one_applicant_gets_not_the_yearly_pool() -> None:
    quote = "每年发放最高3亿元“云端券”。对租用云端算力的单位，给予最高500万元补助。"
    assert lead("How much is the cloud voucher?", "每年发放最高3亿元“云端券”。", quote=quote) == \
        "Up to 5 million yuan (500万元)."


def test_an_english_lead_does_not_say_one_tiers_figure_as_the_rule() -> None:
    # The tier ("交易金额不足一万元的") cannot be said in a template's words: no lead rather than half the rule.
    assert lead("What is the fine?", "交易金额不足一万元的，处五万元以上二十万元以下罚款。") == ""


def test_english_question_gets_a_date_in_english_that_the_guard_reads_back() -> None:
    assert lead("When does it take effect?", "本办法自2031年4月1日起施行。") == "The date is April 1, 2031."
    assert lead("When is the comment period?", "公示期自8月3日至9月1日。") == "The period is August 3 to September 1."
    # A date in Chinese numerals is not converted: it stays as the clause writes it.
    assert lead("When does it take effect?", "本办法自二〇三一年四月一日起施行。") == "The date is 二〇三一年四月一日."


def test_chinese_question_on_an_english_clause_gets_a_chinese_lead_in_chinese_units() -> None:
    sentence = "Each enterprise may receive up to 6 million yuan per year."
    text = lead("补贴最高多少？", sentence, clause_language="en")
    assert text == "补贴：最高600万元。"
    assert lead("能补多少？", sentence, clause_language="en") == "最高600万元。"
    assert lead("单家最多补多少", "The grant is capped at 1.2 billion yuan.", clause_language="en") == "单家：最高12亿元。"
    # The guard reads the converted figure back against the quote, and the conversion is written out.
    assert grounded_in(text, sentence)
    assert conversions(text, sentence) == ["6 million yuan = 600万元"]


def test_the_rule_for_everyone_leads_unless_the_question_names_the_special_case() -> None:
    sentence = "对租用云端算力的单位，按不超过合同金额的40%给予补助，对小微企业提高补助比例至55%。"
    assert lead("云端券按多少比例补", sentence) == "按不超过合同金额的40%给予补助。"
    assert "55%" in lead("小微企业云端券比例多少", sentence)


def test_a_yearly_pool_is_no_applicant_amount() -> None:
    quote = "每年发放最高3亿元“云端券”。对租用云端算力的单位，给予最高500万元补助。"
    pool = quote.split("。")[0]
    assert lead("云端券一家最多能拿多少", pool + "。", quote=quote) == "给予最高500万元补助。"
    assert "3亿元" in lead("云端券每年发多少", pool + "。", quote=quote)


def test_no_lead_when_a_how_much_question_meets_no_figure() -> None:
    assert lead("补贴最高多少？", "申报单位应当如实提交材料。") == ""
    assert lead("What is the cap?", "申报单位应当提交营业执照复印件。") == ""  # no words of its own to restate


def test_without_a_figure_to_say_the_answering_sentence_is_restated() -> None:
    assert lead("需要准备哪些材料", "申报单位应当提交营业执照复印件。") == "申报单位应当提交营业执照复印件。"
    # the condition it opens with is left out
    assert lead("开展高风险业务需要办什么手续", "开展高风险业务的，应当事先完成安全评估并办理备案。") == \
        "应当事先完成安全评估并办理备案。"
    # a long sentence is cut to its parts nearest the question
    sentence = ("为加快建设产业集群，推动示范区发展，提升全区创新能力和综合竞争力，优化营商环境，"
                "鼓励重点园区以租金减免方式吸引初创团队入驻，并由园区运营单位统一组织申报。")
    text = lead("园区用什么方式吸引初创团队", sentence)
    assert "以租金减免方式吸引初创团队入驻" in text and "营商环境" not in text


def test_a_lead_with_a_figure_the_quote_lacks_is_dropped() -> None:
    assert lead("最高补多少", "单个企业最高800万元。", quote="单个企业最高八十万元。") == ""
    assert grounded_in("最高五万元。", "最高5万元") and not grounded_in("最高6万元。", "最高5万元")


@pytest.mark.parametrize(("question", "subject"), [
    ("请问星火券最高补多少？", "星火券"),
    ("那个《示范办法》的文号是什么", "示范办法"),
    ("2031年的资助比例是多少", ""),  # a figure the quote may lack never enters the lead
    ("最高补多少", ""),
])
def test_question_subject(question: str, subject: str) -> None:
    assert question_subject(question, asked(question)) == subject


# Synthetic clauses: every combination of subject, amount, ratio and date writing. Whatever the lead
# says, each of its figures and dates is one the quoted clause states.
_SUBJECTS = ["单个企业", "每家机构", "同一项目"]
_AMOUNTS = ["最高500万元", "最高不超过1,200万元", "最高五十万元", "上限为2.5亿元", "不超过80万元"]
_RATIOS = ["按实际费用的30%", "按合同金额的百分之二十", "按投资额的12.5%"]
_DATES = ["自2032年1月1日起施行", "有效期至2033年12月31日", "于每年6月30日前提交"]
_QUESTIONS = ["最高补多少？", "资助比例是多少", "哪天开始施行", "比例多少，封顶多少？", "能拿多少钱",
              "What is the maximum?", "What share is funded?", "When does it apply?"]


@pytest.mark.parametrize(("subject", "amount", "ratio", "date"),
                         list(itertools.product(_SUBJECTS, _AMOUNTS, _RATIOS, _DATES)))
def test_every_figure_of_a_lead_is_in_the_quote(subject: str, amount: str, ratio: str, date: str) -> None:
    sentence = f"{ratio}给予资助，{subject}{amount}，本办法{date}。"
    for question in _QUESTIONS:
        text = lead(question, sentence)
        assert text, question  # each question is answered by the clause, so each gets a lead
        facts = facts_of(sentence)
        claims = claims_of(text)
        assert all(value in facts.values for _, value in claims.values), (question, text)
        assert all(any(d.covered_by(k) for k in facts.dates) for _, d in claims.dates), (question, text)
        if question in ("最高补多少？", "What is the maximum?"):
            assert amount.split("为")[-1].replace("不超过", "").replace("最高", "") in text, (question, text)


def test_a_validity_question_leads_with_the_end_date_not_the_issue_date() -> None:
    sentence = "某局于2029年3月印发了《示范办法》，有效期至2032年3月。"
    assert lead("示范办法的有效期到什么时候", sentence) == "有效期至2032年3月。"


def test_of_several_dates_the_one_in_the_part_nearest_the_question_leads() -> None:
    sentence = "2030年5月6日，某局发布通知，报名时间自6月1日至6月20日。"
    assert "6月1日" in lead("报名时间是哪天", sentence)


def test_a_restated_sentence_leaves_out_the_scope_it_opens_with() -> None:
    sentence = "除涉及公共安全的领域外，对于尚无标准的低风险智能产品，允许通过试点等方式先行先试。"
    assert lead("尚无标准的低风险智能产品可以怎么做", sentence) == "允许通过试点等方式先行先试。"


def test_a_scope_that_goes_on_to_state_a_duty_is_a_statement_and_a_bare_link_is_dropped() -> None:
    sentence = ("申报单位是在某区依法登记注册、具有独立法人资格且信用良好的法人企业或社会团体，其中，"
                "对于法人企业要求纳税地、统计地在某区。")
    said = lead("法人企业纳税和统计有什么要求", sentence)
    assert said.endswith("对于法人企业要求纳税地、统计地在某区。") and "其中" not in said


def test_after_a_heading_the_next_quoted_sentence_states_the_fact() -> None:
    quote = "（五）发放星火券。每年发放最高3000万元星火券，支持模型研发。"
    assert lead("星火券一年发多少", "（五）发放星火券。", quote=quote).startswith("每年发放最高3000万元星火券")
    assert lead("星火券最高多少", "（五）发放星火券。", quote=quote) == "每年发放最高3000万元星火券。"


def test_a_figure_inside_a_document_title_is_not_the_answer() -> None:
    sentence = "根据《示范行动方案（2030—2031年）》，由区数据管理局负责组织实施。"
    assert lead("由哪个部门负责组织实施", sentence) == "由区数据管理局负责组织实施。"
    assert not lead("什么时候发布", "依据《示范行动方案（2030—2031年）》制定。").startswith("时间为")


def test_beside_a_status_line_only_a_stated_fact_leads() -> None:
    sentence = "本条例自2033年2月1日起施行。"
    question = "这个条例生效了吗，什么时候施行"
    assert lead_sentence(question, asked(question), "zh", sentence, sentence, "zh", restate=False) == sentence
    assert lead_sentence("这个条例是正式的吗", asked("这个条例是正式的吗"), "zh", "本条例经审议通过。",
                         "本条例经审议通过。", "zh", restate=False) == ""


def test_a_which_chapter_question_leads_with_the_chapter_or_article() -> None:
    assert lead("申报条件写在哪一章", "第四章项目申报，共6条，规定申报单位条件。") == "第四章项目申报。"
    assert lead("哪一条规定了这件事", "第三十条 本办法所称企业包括个体工商户。") == "见第三十条。"


def test_an_english_heading_or_fragment_is_not_restated() -> None:
    assert lead("Who ensures the supply of computing?", "Guaranteeing AI computing resources",
                clause_language="en") == ""
    sentence = "The district supports model training, and encourages applications in manufacturing and logistics."
    assert lead("What does the district support?", sentence, clause_language="en") == sentence
    assert lead("How many firms does the district support?", sentence, clause_language="en") == ""


def test_a_who_question_leads_with_the_body_after_the_word_it_asks_with() -> None:
    # "会同哪个部门": the answer is the body the clause names after 会同, not the one the question names.
    sentence = "为规范资金管理，区科技创新局牵头起草，会同区财政局完成修订。"
    text = lead("区科创局是会同哪个部门修订的办法", sentence)
    assert "区财政局" in text and "牵头起草" not in text


def test_the_body_a_who_question_asks_about_is_not_its_answer() -> None:
    sentence = "市人民政府应当按照有关规定，设立市数据伦理委员会，履行下列职责："
    assert lead("市数据伦理委员会是由谁设立的", sentence).startswith("市人民政府")


def test_a_period_question_leads_with_the_range_not_a_single_date() -> None:
    sentence = "征求意见情况：2030年5月6日发布通知，自6月1日至6月20日接受反馈。"
    assert "6月1日至6月20日" in lead("征求意见是从哪天到哪天", sentence)


def test_a_how_many_question_keeps_the_figure_its_condition_states() -> None:
    # The figure asked ("十六周岁") is in the part that sets the scope; without it the lead says nothing asked.
    sentence = "向未满十六周岁的用户提供服务的，应当征得其监护人同意。"
    assert "十六周岁" in lead("多大年龄以下的用户要家长同意", sentence)


def test_a_how_much_question_keeps_the_part_stating_the_figure_over_parts_sharing_more_words() -> None:
    # "一体化" holds a numeral but states no figure; the target that does must be in the lead.
    sentence = ("扩大城市一体化算力服务平台和区域算力统筹平台的调度规模，加快推进区域算力统筹平台建设运营，"
                "2031年年底前调度规模达5000P。")
    text = lead("区域算力统筹平台年底调度规模要到多少", sentence)
    assert "5000P" in text


def test_a_which_question_is_no_how_many_question() -> None:
    # "哪几类" asks which kinds; the sentence naming them is restated, with or without a count.
    sentence = "星火数据按照使用条件分为自由使用、申请使用和禁止使用三类。"
    assert "自由使用、申请使用和禁止使用" in lead("星火数据分成哪几类", sentence)
    assert "三类" in lead("星火数据分成几类", sentence)


def test_a_definition_is_restated_whole_with_the_kind_of_thing_it_ends_on() -> None:
    sentence = ("第二条 本办法所称星火专项资金（以下简称专项资金），是指为支持示范区各项事业发展，按照本办法规定的程序设立，"
                "由区级财政安排预算，由主管部门负责管理，具有专门用途和绩效目标的资金。")
    text = lead("星火专项资金是啥意思", sentence)
    assert text.startswith("本办法所称星火专项资金") and "具有专门用途和绩效目标的资金" in text


def test_one_question_of_several_is_led_by_the_answering_sentence_not_by_the_pool_naming_the_programme() -> None:
    # (the pool sentence shares more of the question's character pairs than the sentence that answers)
    quote = ("每年发放最高3000万元“星火券”，促进星火数据的开放共享和交易，星火券对数据有要求。"
             "对通过交易平台购买非关联方星火数据的企业，按合同金额的20%给予资助。")
    answering = "对通过交易平台购买非关联方星火数据的企业，按合同金额的20%给予资助。"
    question = "星火券对买的星火数据有什么要求"
    text = lead_in_quote(question, asked(question), "zh", quote, "zh", f"{question}？随便买都算吗？", answering)
    assert "交易平台购买非关联方星火数据" in text and "3000万元" not in text


def test_a_heading_repeating_what_is_asked_is_not_the_lead_but_one_naming_an_item_is() -> None:
    quote = "（三）锚定星火重点发力方向。本措施聚焦两大发力方向：一是聚焦视觉模型，二是聚焦算力供给。"
    text = lead("星火重点发力方向有哪些", "（三）锚定星火重点发力方向。", quote=quote)
    assert "视觉模型" in text
    quote = "(二)打造大湾区星火智能算力枢纽。加快实施算力网络研究项目。"
    assert "打造大湾区星火智能算力枢纽" in lead("强化算力集群供给包括哪几项", "(二)打造大湾区星火智能算力枢纽。", quote=quote)


def test_a_sentence_introducing_a_list_leads_with_the_items_it_introduces() -> None:
    sentence = "《示范办法》共十二条，主要包括以下三个方面："
    items = ["（一）总体要求。", "（二）支持方向。", "（三）保障措施。"]
    question = "示范办法主要包括哪几个方面"
    text = lead_sentence(question, asked(question), "zh", sentence, sentence, "zh", items=items)
    assert text == "《示范办法》共十二条，主要包括以下三个方面：总体要求；支持方向；保障措施。"
    # an item stating a figure the quote lacks cannot be said in the lead
    items_with_figure = ["（一）总体要求。", "（二）每年安排500万元。"]
    assert "500万元" not in lead_sentence(question, asked(question), "zh", sentence, sentence, "zh",
                                         items=items_with_figure)


@pytest.mark.parametrize(("lead", "language", "expected"), [
    ("有效期至2029年3月。", "zh", "有效期至2029年3月，现已过期。"),
    ("本办法有效期为五年，有效至2029年3月31日。", "zh", "本办法有效期为五年，有效至2029年3月31日，现已过期。"),
    ("Valid until March 2029.", "en", "Valid until March 2029; that date has passed."),
    ("有效期至2031年3月。", "zh", "有效期至2031年3月。"),  # the month asked about has not ended
    ("有效期至2030年7月。", "zh", "有效期至2030年7月。"),  # still running on the day asked
    ("截止时间为2029年3月1日。", "zh", "截止时间为2029年3月1日。"),  # a deadline, not a validity
])
def test_a_validity_that_ended_is_said_to_have_ended(lead: str, language: str, expected: str) -> None:
    assert past_validity(lead, language, date(2030, 7, 15)) == expected


def test_a_case_the_clause_excludes_is_answered_by_the_exclusion() -> None:
    sentence = "对通过交易平台购买非关联方数据的企业，按合同金额的30%给予资助。"
    assert excluded_case("从自己关联公司买的数据能补贴吗", sentence) == \
        "不符合：所引条款限于“非关联方”的情形，关联方的情形不在其列。"
    assert excluded_case("从非关联方买的数据能补吗", sentence) == ""  # the case the clause covers
    assert excluded_case("我们不是关联企业，能补吗", sentence) == ""
    assert excluded_case("关联公司买数据补多少比例", sentence) == ""  # no yes/no asked
    assert excluded_case("营利性机构可以申请吗", "对非营利组织给予支持。") == \
        "不符合：所引条款限于“非营利”的情形，营利的情形不在其列。"
    # "什么要求" asks what, not whether; "民办非企业单位" names a kind of body, it limits nothing.
    bodies = "项目单位是依法登记注册的法人企业或民办非企业单位、社会团体。"
    assert excluded_case("法人企业申报，纳税地有什么要求", bodies) == ""
    assert excluded_case("企业能申报吗", bodies) == ""


def test_a_document_number_is_led_only_of_the_document_asked() -> None:
    sentence = "一是落实《某省实施意见》（某府〔2023〕90号）等文件；二是根据《某区示范区行动方案》（某区函〔2024〕22号）要求；"
    lead = lead_sentence("起草时根据的是哪个行动方案，文号是多少", asked("文号是多少"), "zh", sentence, sentence, "zh")
    assert "22号" in lead and "90号" not in lead
    assert lead_sentence("细则正式版的文号是多少", asked("文号是多少"), "zh", sentence, sentence, "zh", restate=False) == ""


def test_a_department_named_by_its_level_and_field_is_the_body_that_acts() -> None:
    sentence = "第八条 市农业和数字化部门是星火产业主管部门，负责协调本行政区域内星火产业发展工作。"
    assert lead("Which department is the competent authority for the Xinghuo industry?", sentence) == \
        "The body named is 市农业和数字化部门."


def test_a_bracketed_note_naming_who_is_responsible_is_said_as_a_sentence() -> None:
    quote = "（三）建设星火算力平台。整合全市算力资源。(责任单位:市星火局、市数据局等)"
    said = lead("建设星火算力平台的责任单位", "(责任单位:市星火局、市数据局等)", quote=quote)
    assert said == "责任单位：市星火局、市数据局等。"


def test_a_fine_asked_at_most_leads_with_the_highest_tier() -> None:
    tiers = "处一万元以上五万元以下罚款；情节严重的，处五万元以上三十万元以下罚款。"
    assert "三十万元" in lead("违规交易数据最高罚多少", tiers)


def test_the_body_the_question_names_is_not_who_acts_on_it() -> None:
    text = lead("评审委员会由谁来组建", "区政府应当按照有关规定组建区示范项目评审委员会，负责项目评审。")
    assert text.startswith("区政府")


def test_a_pointing_word_is_no_subject_of_the_lead() -> None:
    # "这条" points back at what the conversation spoke of; it names nothing to open the answer with.
    assert not lead("这条由哪个部门管", "(责任单位:区科技创新局)").startswith("这条")
    assert "区科技创新局" in lead("这项归哪个部门管", "(责任单位:区科技创新局)")


def test_what_a_text_is_made_under_leads_with_the_titles_it_cites() -> None:
    sentence = "为了规范数据处理活动，根据《中华人民共和国数据安全法》《中华人民共和国个人信息保护法》等法律，制定本规定。"
    assert "《中华人民共和国数据安全法》" in lead("这个规定是根据哪些法律制定的", sentence)
    assert lead("What laws are these rules based on?", sentence).startswith("Based on")


def test_a_restated_penalty_keeps_the_tier_its_fine_is_set_for() -> None:
    sentence = "违反本规定交易数据的，由主管部门责令改正，交易金额不足五万元的，处一万元以上十万元以下罚款。"
    text = lead("违规交易数据会怎么处理", sentence)
    assert "交易金额不足五万元的，处一万元以上十万元以下罚款" in text


def test_a_restated_penalty_says_the_next_tier_of_the_same_rule_with_it() -> None:
    quote = "违反本规定交易数据的，由主管部门责令改正，交易金额不足五万元的，处一万元以上十万元以下罚款；" \
            "交易金额五万元以上的，处十万元以上五十万元以下罚款；情节严重的，吊销许可。"
    first = "违反本规定交易数据的，由主管部门责令改正，交易金额不足五万元的，处一万元以上十万元以下罚款；"
    text = lead("违规交易数据会怎么处理", first, quote=quote)
    assert "交易金额不足五万元的，处一万元以上十万元以下罚款；交易金额五万元以上的，处十万元以上五十万元以下罚款" in text
