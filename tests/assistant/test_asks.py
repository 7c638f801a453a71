"""The answer-type registry: what each kind of question asks for, and how its answer is quoted.

One row per answer type: a new type is a registry row and a row here.
"""

from __future__ import annotations

import pytest

from assistant.understanding.asks import (
    ANSWER_TYPES,
    CONDITIONS_ASKED,
    answer_pattern,
    answer_type,
    ask_types,
    asked,
    choice_options,
    counted,
    event_asked,
    lists_sorts,
    per_units,
    questions_in,
    quoting,
    sorts_asked,
    standing_beside,
    states_count,
    wants_status_line,
)
from retrieval.text import fold

# (question, the fact kinds it asks for, a sentence that states them)
CASES = [
    ("资助比例是多少？", {"ratio"}, "按合同金额的30%给予资助。"),
    ("补贴上限是多少", {"cap"}, "每家单位最高不超过200万元。"),
    ("申报截止日期是哪天？", {"date", "day", "deadline"}, "请于2030年3月15日前提交。"),
    ("这个办法的文号是什么", {"doc_number"}, "某工信规〔2030〕7号"),
    ("由哪个部门负责受理", {"agency"}, "由区工业和信息化局负责受理。"),
    ("需要准备哪些材料", {"materials"}, "申请人应提交营业执照复印件等材料。"),
    ("两项资助能叠加享受吗", {"stacking"}, "同一项目不得重复享受。"),
    ("多久内不能再申报", {"duration"}, "三年内不得再次申报。"),
    ("一般每年哪个月开始受理", {"month"}, "每年3月集中受理申报。"),
    ("违规的话罚多少", {"money"}, "处五万元以上二十万元以下罚款。"),
    ("租场地的补助是多少", {"money"}, "给予每家最高50万元补助。"),  # an amount of support, not any quantity
    ("旧版办法还算数吗", {"validity"}, "本办法有效期至2030年12月31日。"),  # colloquial: still in force?
    ("旧办法还能用吗", {"validity"}, "本办法有效期至2030年12月31日。"),
    ("现在还按老办法来吗", {"validity"}, "本办法有效期至2030年12月31日。"),
    ("那份通知作废了没有", {"validity"}, "本通知自印发之日起废止原通知。"),
    ("现在该按2019年的3号文还是新修订的办法", {"validity"}, "本办法有效期至2030年12月31日。"),  # which to go by
    ("小微企业的比例能上浮吗", {"raised"}, "对小微企业提高资助比例至70%。"),  # a raised rate, not the usual one
    ("Is the old scheme still the applicable one?", {"validity"}, "本办法有效期至2030年12月31日。"),
    # English questions ask for the same kinds; a Chinese or an English clause may state them.
    ("How many chapters does the code contain?", {"count"}, "本办法共六章。"),
    ("Which office receives the applications?", {"agency"}, "The District Science Office receives them."),
    ("When does the scheme take effect?", {"date"}, "This scheme shall take effect on March 1, 2031."),
    ("What is the document number of the fund rules?", {"doc_number"}, "某财规〔2031〕2号"),
    ("What materials are required?", {"materials"}, "Applicants submit copies of their licences."),
    ("Can the two grants be combined?", {"stacking"}, "同一项目不得重复享受。"),
    ("How long must an applicant wait?", {"duration"}, "Applicants wait 30 days."),
    ("What does 'key enterprise' mean?", {"definition"}, "A key enterprise refers to one listed by the bureau."),
    ("Which bodies are in charge of the platform?", {"agency"}, "The District Data Bureau should take charge."),
    ("What is the application period?", {"date"}, "申报时间为2031年5月1日至5月31日。"),
    # How a fund or a field is run: a sentence naming its system or mode states it.
    ("示范资金采用什么管理方式", {"mode"}, "示范资金实行项目库制管理。"),
    ("对低风险产品用的是哪种监管模式", {"mode"}, "低风险产品采用事后抽查的监管模式。"),
    ("这种奖励是什么审核方式", {"mode"}, "本项目适用核准制。"),
    ("示范资金使用要遵循哪些要求", {"principles"}, "示范资金应当统筹安排、突出重点、注重绩效、公开透明。"),
    ("算力平台最迟什么时候建成", {"deadline"}, "算力平台2031年年底前建成。"),  # "年底前" is a deadline
    ("办法是哪天经区政府常务会议审议通过的", {"adopted"}, "2031年3月2日区政府七届常务会议审议通过。"),
    # A fine's range is capped by its upper bound.
    ("乱收费最多罚多少", {"cap"}, "处一万元以上十万元以下罚款。"),
    # The date under a document's signature is the date it was issued.
    ("那份通知的落款日期是哪天", {"issued"}, "2031年6月2日"),
    ("What laws is the code made under?", {"basis"}, "根据《某某法》制定本办法。"),
]


@pytest.mark.parametrize(("question", "kinds", "sentence"), CASES)
def test_a_question_asks_for_its_kinds_and_a_sentence_states_them(question: str, kinds: set[str],
                                                                   sentence: str) -> None:
    assert kinds <= ask_types(question)
    for kind in kinds:
        assert answer_pattern(kind).search(fold(sentence)), kind  # sentences are matched folded


@pytest.mark.parametrize(("question", "policies"), [
    ("支持政策有哪些？", {"more"}),
    ("两类项目的比例分别是多少", {"each"}),
    ("哪些项目的比例分别是多少", {"more", "each"}),
    ("资助比例是多少", {"sentence"}),
    ("园区重点发展哪四个产业", {"more"}),
    ("哪一个部门受理", {"sentence"}),  # one, not a list
    ("把申报条件列一下", {"more"}),
    ("Which sectors are supported?", {"more"}),
    ("List the funded projects", {"more"}),
])
def test_quoting_policy(question: str, policies: set[str]) -> None:
    assert quoting(question) == policies


@pytest.mark.parametrize(("question", "expected"), [
    ("这个文件正式印发了吗", True),
    ("这是草案还是定稿", True),
    ("那个新办法出来了吗", True),  # whether it is out yet
    ("正式版下发了没有", True),
    ("新的资金办法出了没", True),  # "出了没": out yet, said briefly
    ("这个项目支出了吗", False),  # 支出: spending, not a text coming out
    ("资助比例是多少", False),
])
def test_status_line(question: str, expected: bool) -> None:
    assert wants_status_line(question) is expected


def test_names_are_unique_and_policy_only_rows_require_no_sentence() -> None:
    names = [t.name for t in ANSWER_TYPES]
    assert len(names) == len(set(names))
    assert "list" not in ask_types("有哪些项目")  # a quoting policy, not a fact a sentence must state


@pytest.mark.parametrize(("question", "counts_articles"), [
    ("这部条例一共几条？", True),
    ("新办法分几章、多少条呢", True),
    ("How many articles does the regulation have?", True),
    ("行动计划坚持哪几条原则？", False),  # a count of what the articles say, not of the articles
    ("文件提了几条具体措施", False),
])
def test_an_article_count_is_asked_of_the_document_itself(question: str, counts_articles: bool) -> None:
    assert ("article_count" in {t.name for t in asked(question)}) is counts_articles


def test_asking_what_may_be_offered_is_not_asking_for_money() -> None:
    assert not {"money", "grant"} & ask_types("申请贷款时能拿什么做抵押")
    assert "grant" in ask_types("我们能拿多少")


@pytest.mark.parametrize(("question", "units"), [
    ("该办法共有几章", {"章"}),
    ("园区里有多少家企业", {"家"}),
    ("How many articles does the code have?", {"条"}),
    ("How many companies received the grant?", {"家"}),
    ("How many people applied?", set()),
])
def test_a_count_is_asked_in_its_measure_word(question: str, units: set[str]) -> None:
    assert counted(question) == units


def test_the_first_few_asks_no_count() -> None:
    assert "count" not in ask_types("解读里前几章分别讲什么")  # 前几章: the first few chapters
    assert "validity" not in ask_types("我们该用场地补贴还是设备补贴")  # a choice of supports, not of versions


def test_a_count_is_stated_in_the_measure_word_asked() -> None:
    assert states_count(fold("本规则共三十一条，分为五章"), {"条"})
    assert not states_count(fold("已有企业300余家"), {"条"})
    assert not states_count(fold("第三十一条 本规则自发布之日起施行"), {"条"})  # an article's number is no count


def test_a_body_speaking_of_itself_names_no_agency() -> None:
    assert not answer_pattern("agency").search(fold("我局对该办法进行了修订。"))
    assert answer_pattern("agency").search(fold("由区科技局负责受理。"))


def test_principles_are_asked_with_words_between() -> None:
    assert "principles" in ask_types("办理补贴要遵循哪些基本原则")
    assert "principles" in ask_types("资金使用有哪些管理原则")


def test_a_year_in_a_title_is_no_english_date() -> None:
    assert not answer_pattern("date").search(fold("the Action Plan (2031-2032) is formulated"))
    assert answer_pattern("date").search(fold("It took effect in 2031."))


def test_principles_may_be_listed_without_the_word() -> None:
    assert answer_pattern("principles").search(fold("资金应当统筹兼顾、突出重点、注重实效、公开公正。"))
    assert not answer_pattern("principles").search(fold("原则上每年安排一次。"))  # "in principle" names none


@pytest.mark.parametrize("question", ["这个办法是哪个部门、哪天印发的", "哪几个部门联合发的", "是哪些单位联合印发的",
                                      "Which bodies issued the measures?"])
def test_who_issued_a_document_is_asked_in_many_ways(question: str) -> None:
    assert "issuer" in {t.name for t in asked(question)}


def test_a_period_is_answered_by_two_dates_and_a_deadline_by_the_last() -> None:
    sentence = "（三）公示情况：2031年4月1日，局拟挂网公示，公示期自4月2日至5月1日。"
    assert "period" in {t.name for t in asked("公示是从哪天到哪天")}
    period = answer_type("period").lead
    deadline = answer_type("deadline").lead
    assert period is not None and deadline is not None
    assert period.span.search(sentence).group("v") == "4月2日至5月1日"  # type: ignore[union-attr]
    assert deadline.span.search(sentence).group("v") == "5月1日"  # type: ignore[union-attr]
    assert answer_pattern("deadline").search(fold("原办法有效期至2030年9月。"))
    assert not answer_pattern("deadline").search(fold("争取到2030年新增企业20家。"))


def test_a_year_alone_does_not_state_a_month() -> None:
    assert not answer_pattern("month").search(fold("测算表（万元）｜2024年：12000｜2025年：12000"))


def test_how_many_hundred_millions_asks_an_amount_not_a_count() -> None:
    assert "count" not in ask_types("三年大概要花几个亿")
    assert "count" in ask_types("一共有几个项目")


def test_each_ones_grant_is_asked_with_the_verb_after_each() -> None:
    names = {t.name for t in asked("这两种券每年各发多少")}
    assert "each" in names and "quantity" in names
    assert "each" in {t.name for t in asked("两个项目各补多少钱")}
    assert "each" not in {t.name for t in asked("各区有没有类似政策")}


def test_applying_again_for_what_was_supported_asks_whether_supports_stack() -> None:
    assert "stacking" in ask_types("同一个项目拿了市里的补贴，还能再申请区里的吗")
    assert "stacking" in ask_types("这个补贴能重复申报吗")
    assert "stacking" not in ask_types("去年没申请上，今年还能再申请吗")


def test_how_much_artificial_intelligence_asks_no_head_count() -> None:
    assert "count" not in ask_types("要建成多少人工智能产业空间")  # 人工智能, not 多少人
    assert "count" in ask_types("需要多少人参加评审")


def test_two_questions_in_one_message_quote_more() -> None:
    assert "more" in quoting("采购要预留多少份额？其中小微企业占多少？")
    assert "more" in quoting("采购要预留多少份额？小微企业的呢")  # the second without its question mark
    assert quoting("采购要预留多少份额？") == {"sentence"}
    assert quoting("采购要预留多少份额？谢谢") == {"sentence"}


@pytest.mark.parametrize(("question", "thing"), [
    ("这个办法的项目审核方式有几种？", "审核方式"),
    ("细则里项目的审核分几类", "审核"),
    ("办法一共有几种扶持方式", "扶持方式"),
    ("算力扶持有几种补贴", "补贴"),  # the thing written after the count
    ("办法共有几条", ""),  # a count of articles, not of sorts
])
def test_the_thing_whose_sorts_are_counted(question: str, thing: str) -> None:
    assert sorts_asked(fold(question)) == thing


def test_sorts_are_listed_only_right_after_the_thing_counted() -> None:
    sentence = fold("规定扶持方式和标准，以及适用的审核方式（包含核准制和评审制）和证明材料。")
    assert lists_sorts(sentence, "审核方式") == "审核方式包含核准制和评审制"
    assert lists_sorts(sentence, "审核") == "审核方式包含核准制和评审制"
    assert lists_sorts(sentence, "扶持方式") == ""  # "扶持方式和标准" lists no sorts of it
    assert lists_sorts(fold("审核方式由主管部门确定。"), "审核方式") == ""


def test_whether_a_text_is_in_force_asked_beside_another_question() -> None:
    assert standing_beside(questions_in("征求意见稿里大模型怎么资助？这个稿子现在还算数吗"))
    assert not standing_beside(questions_in("这个稿子现在还算数吗"))  # asked alone: the status is the whole answer
    assert not standing_beside(questions_in("大模型怎么资助？补多少？"))
    assert not standing_beside(questions_in("还有效吗？正式印发了吗？"))  # every question asks it
    assert not standing_beside(questions_in("细则正式印发了吗？文号多少？"))  # a fact of the text in force: which text decides
    assert not standing_beside(questions_in("正式出了没？哪天发的"))


def test_a_consultation_time_asks_for_its_period() -> None:
    assert "period" in {t.name for t in asked("这个办法征求意见稿的意见征集时间是？")}
    assert "period" in {t.name for t in asked("那份征求意见稿征集期是多久")}  # without the word 意见


def test_a_manner_by_proportion_asks_for_no_ratio() -> None:
    assert "ratio" not in ask_types("预算不够会不会按比例扣减")
    assert "ratio" in ask_types("按多少比例给补助")


def test_an_english_count_lead_names_what_is_counted() -> None:
    lead = answer_type("count").lead
    assert lead is not None
    assert lead.say("en", "32条") == "The number is 32 articles"
    assert lead.say("en", "200余家") == "The number is 200余家"  # an approximate count stays as written
    assert lead.say("zh", "32条") == "数量为32条"


def test_the_questions_a_message_asks() -> None:
    assert questions_in("语料券每年发多少，补贴比例和最高额度？") == ["语料券每年发多少", "补贴比例和最高额度？"]
    assert questions_in("训力券最高补多少？初创企业呢？") == ["训力券最高补多少", "初创企业呢"]
    assert questions_in("我们在龙岗注册，能补多少") == ["我们在龙岗注册，能补多少"]  # a fact, then one question
    assert "more" in quoting("语料券每年发多少，补贴比例和最高额度？")


def test_a_rate_per_unit_asked_in_english() -> None:
    assert per_units("What rent subsidy per square metre is there?") == {"平方米"}
    assert per_units("How much is given out annually?") == {"年"}
    assert per_units("每平米每月补多少") == {"平方米", "月"}


def test_principles_asked_after_the_word() -> None:
    assert "principles" in ask_types("工信专项资金的管理原则有哪些")
    assert "principles" in ask_types("管理原则是什么")


@pytest.mark.parametrize("question", ["什么是去标识化？", "请问什么叫算力券", "何谓公共数据"])
def test_what_is_x_asks_for_a_definition(question: str) -> None:
    assert "definition" in {t.name for t in asked(question)}


def test_questions_between_commas_inside_one_of_several_are_each_a_question() -> None:
    assert questions_in("语料券一年总共多少，比例多少？上限呢") == ["语料券一年总共多少", "比例多少", "上限呢"]
    assert questions_in("我们在龙岗，能补多少？上限呢") == ["我们在龙岗，能补多少", "上限呢"]  # a statement is no question


@pytest.mark.parametrize(("question", "options"), [
    ("示范项目是核准制还是评审制？", ("核准制", "评审制")),
    ("补贴按合同金额还是实际支付金额", ("合同金额", "实际支付金额")),
    ("这个还是不太明白", ()),  # 还是 as "still": no choice
])
def test_the_choices_a_question_offers(question: str, options: tuple[str, ...]) -> None:
    assert choice_options(question) == options


def test_which_came_first_asks_each_ones_date() -> None:
    kinds = ask_types("数据条例和人工智能条例哪个先施行")
    assert "date" in kinds
    assert "date" not in ask_types("南山等兄弟区已经先出台了哪些政策")  # "先出台" of no two things compared


@pytest.mark.parametrize(("question", "kind"), [
    ("这个条例里谁是主管部门", "agency"),  # "谁是…部门" asks who
    ("机器人应用扶持怎么补", "standard"),  # how support is reckoned
    ("语料券的补贴标准是什么", "standard"),
    ("What are the application materials?", "materials"),
    ("What is the estimated total funding for the rules?", "money"),
    ("数据条例是哪次会议通过的", "adopted"),
    ("管理办法依据的是哪个区级财政办法", "basis"),
    ("场地扶持的具体标准是什么", "standard"),  # 具体/详细 between the support and its standard
    ("条例第几条讲数据交易", "locator"),  # which article, not how many
    ("反馈意见往哪里交", "channel"),
])
def test_more_ways_of_asking_a_kind(question: str, kind: str) -> None:
    assert kind in {t.name for t in asked(question)}


def test_a_yearly_pool_is_no_standard_of_support() -> None:
    standard = answer_pattern("standard")
    assert standard.search("按不超过合同金额的30%，给予最高200万元资助。")
    assert not standard.search("每年发放最高5000万元语料券，推动数据要素市场建设。")
    assert not answer_pattern("quantity").search("制定了实施细则（附件1）及起草说明（附件2）")


def test_these_years_ask_no_length_of_time() -> None:
    assert "duration" not in ask_types("这几年每年预算分别是多少")
    assert "duration" in ask_types("几年内不能重复申报")


def test_a_dates_day_is_no_length_of_time() -> None:
    duration = answer_pattern("duration")
    assert not duration.search("请将意见反馈至区工信局。2030年8月2日")  # a date's day
    assert duration.search("公示期为2030年8月3日至2030年9月1日")  # a span of two dates is a length
    assert duration.search("自印发之日起30日内提交")


def test_which_article_asks_no_count() -> None:
    assert "count" not in ask_types("条例第几条讲数据交易")
    assert "count" in ask_types("条例一共几条")


def test_a_destination_states_where_to_file() -> None:
    assert answer_pattern("channel").search(fold("请将修改意见以信函形式反馈至区工信局。"))


@pytest.mark.parametrize("question", ["哪些类型的单位可以申报", "什么性质的机构能申请", "哪种企业可以申报", "哪几类单位能申报"])
def test_who_may_apply_asked_by_kind_of_applicant(question: str) -> None:
    assert CONDITIONS_ASKED.search(question)


@pytest.mark.parametrize("question", ["征求意见有问题电话打给谁", "该联系谁", "打哪个号码咨询"])
def test_whom_to_call_asks_a_contact(question: str) -> None:
    assert "contact" in {t.name for t in asked(question)}


@pytest.mark.parametrize(("question", "kind"), [
    ("条例啥时候开始执行的", "in_force_from"),  # coming into force, said as "starting to be carried out"
    ("21年那个办法现在还用吗", "validity"),
])
def test_document_standing_asked_plainly(question: str, kind: str) -> None:
    assert kind in {t.name for t in asked(question)}


def test_who_may_apply_with_the_modal_before_the_applicant() -> None:
    assert CONDITIONS_ASKED.search("这个扶持可以由哪些类型的单位申报")


@pytest.mark.parametrize("question", ["那个办法用什么方式报送材料", "可以以什么方式提交意见"])
def test_how_a_thing_is_done_asks_no_mode(question: str) -> None:
    assert "mode" not in ask_types(question)


def test_who_sets_up_a_committee_asks_an_agency_not_a_person() -> None:
    assert ask_types("评审委员会是谁来组建的") == {"agency"}
    assert "person" in ask_types("评审委员会的委员有哪些人")


@pytest.mark.parametrize("question", ["那份措施正式版出没出", "示范办法正式稿发没发"])
def test_whether_the_final_version_is_out_asked_the_a_not_a_way(question: str) -> None:
    assert "status" in ask_types(question)


@pytest.mark.parametrize("question", ["这项补贴是不是要求在本区纳税", "必须在本区注册吗", "是否要求独立法人",
                                      "什么类型的机构可以作为项目单位申报", "没开公司的个人能申请这个资金吗"])
def test_whether_something_is_required_asks_the_conditions(question: str) -> None:
    assert CONDITIONS_ASKED.search(fold(question))


def test_whom_a_text_applies_to_is_no_validity() -> None:
    assert "validity" not in ask_types("只做内部研发的机构也适用吗")
    assert "validity" in ask_types("这个办法现在还适用吗")
    assert not CONDITIONS_ASKED.search(fold("这个项目能申请多少钱"))  # how much, not whether


def test_the_event_whose_time_is_asked() -> None:
    assert event_asked("扶持资金的申报时间") == "申报"
    assert event_asked("什么时候开始申请") == "申请"
    assert event_asked("这个条例施行日期是哪天") == "施行"
    assert event_asked("申报时间表在哪看") == ""  # a timetable, not a time
    assert event_asked("这个政策什么时候到期") == ""
    assert "date" in ask_types("受理时间")


def test_what_befalls_a_breach_asked_in_everyday_words_is_the_penalty() -> None:
    for question in ("违反了这条会怎么处理", "违规收集数据有什么后果", "企业违法使用数据要被怎么办"):
        assert "penalty" in ask_types(question), question
    assert "penalty" not in ask_types("这条规定怎么理解")


def test_an_english_question_whether_a_text_is_final_asks_its_standing() -> None:
    assert wants_status_line("Is the district's implementation plan final?")
    assert wants_status_line("Are these measures in force?")
    assert not wants_status_line("What is the final version's document number?")
