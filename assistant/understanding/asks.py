"""The one registry of what a question can ask for, and how each kind is answered and quoted.

Each row is an answer type: the words that ask for it, what an answering sentence must contain (None when
any sentence may answer), and how much of a clause the answer quotes. A new answer type is one row here
(and, where it needs its own way of answering, one strategy).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from prechecks.numbers import WAN_PER_YI, fmt, read_amounts
from retrieval.text import fold

# What states a fact in a clause, for the conclusion an answer opens with (`assistant.composers.lead`).
# Matched against the clause's own words (not folded), so that a lead repeats them as written.
_CN_NUM = "[零〇一二两三四五六七八九十百千万亿点]+"
_FIGURE = rf"(?:\d[\d,]*(?:\.\d+)?|{_CN_NUM})"
_SCALE_EN = r"(?:\s*(?:million|billion|thousand))?"
AMOUNT = (rf"{_FIGURE}\s*(?:万亿|亿|千万|百万|万)?\s*元"
          rf"|(?:RMB|CNY)\s*\d[\d,]*(?:\.\d+)?{_SCALE_EN}|\d[\d,]*(?:\.\d+)?{_SCALE_EN}\s*(?:yuan|RMB)")
PERCENT = rf"\d+(?:\.\d+)?\s*[%％]|百分之{_FIGURE}|\d+(?:\.\d+)?\s*(?:percent|per cent)"
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
DATE = (r"(?:\d{4}|[〇零一二三四五六七八九]{4})\s*年(?:\s*(?:\d{1,2}|[一二三四五六七八九十]{1,2})\s*月"
        r"(?:\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[日号])?|年?底|年?末|年初|[上下]半年)?"
        r"|(?:\d{1,2}|[一二三四五六七八九十]{1,2})\s*月\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[日号]"
        rf"|\d{{4}}-\d{{1,2}}-\d{{1,2}}|[上下]半年|(?:{_MONTHS})\s+\d{{1,2}},?\s+\d{{4}}"
        rf"|\d{{1,2}}\s+(?:{_MONTHS})\s+\d{{4}}|(?:{_MONTHS})\s+\d{{1,2}}(?![\d,])")
_CN_NUMERAL_BEFORE = r"(?<![\d第〇零一二两三四五六七八九十百千])"
# Two dates joined as a span ("2024年8月3日至2024年9月1日", "自8月3日至9月1日", "从…起至…止").
DATE_RANGE = rf"(?:{DATE})\s*(?:起)?\s*(?:至|到|—|–|~|－|-)\s*(?:{DATE})(?:\s*止)?"
# Events whose time a question asks by naming them ("申报时间", "什么时候开始申报"), with the words a sentence
# states each by: a date stated of something else (a quarter's output) is not when one applies.
EVENT_WORDS = {"申报": ("申报", "申请", "受理"), "申请": ("申报", "申请", "受理"), "受理": ("申报", "申请", "受理"),
               "报名": ("报名",), "施行": ("施行", "实施", "生效"), "实施": ("施行", "实施", "生效"),
               "生效": ("施行", "实施", "生效"), "发布": ("发布", "印发", "出台", "公布"),
               "印发": ("发布", "印发", "出台", "公布"), "出台": ("发布", "印发", "出台", "公布"), "公示": ("公示",)}
_EVENT_TIME = re.compile(rf"({'|'.join(EVENT_WORDS)})的?(?:时间(?!表)|日期|截止)|(?:什么时候|何时|哪天)(?:开始|可以|能)?"
                         rf"({'|'.join(EVENT_WORDS)})")


def event_asked(question: str) -> str:
    """The event whose time a question asks ("申报时间", "什么时候开始申报": 申报), one of `EVENT_WORDS`, or ""."""
    match = _EVENT_TIME.search(fold(question))
    return (match.group(1) or match.group(2)) if match else ""


@dataclass(frozen=True)
class Lead:
    """How a clause states one kind of fact, and how a lead sentence says it in another language.

    `span` matches the words that state the fact; its group "v" is the figure, date or name itself.
    `zh` and `en` are templates over "{v}", used when the lead cannot repeat the clause's own words
    (a clause in the other language, or a long clause).
    """

    span: re.Pattern[str]
    zh: str
    en: str
    anchored: bool = False  # the span needs the words that say what the figure is (最高, 有效期): tried first
    dated: bool = False  # the fact is a date or a span of dates: an English lead writes it in English

    def say(self, language: str, value: str) -> str:
        """The fact in the template of `language`; a Chinese date in an English lead is written in English
        ("2024年8月2日" → "August 2, 2024"), which the guard reads back and checks."""
        if language != "en":
            return self.zh.format(v=_chinese_amount(value))
        return self.en.format(v=english_dates(value) if self.dated else _english_amount(_english_count(value)))


# A count in Arabic figures and a Chinese measure word, as an English lead says it ("32条" → "32 articles").
_EN_MEASURES = {"条": "articles", "章": "chapters", "家": "enterprises", "项": "items", "类": "categories",
                "种": "kinds", "名": "people", "人": "people"}


def _english_count(value: str) -> str:
    match = re.fullmatch(r"(\d+)\s*(?:余|多)?\s*([条章家项类种名人])", value.strip())
    if match is None or re.search(r"[余多]", value):
        return value
    return f"{match.group(1)} {_EN_MEASURES[match.group(2)]}"


def _english_amount(value: str) -> str:
    """A Chinese amount (a lead's figure from a Chinese clause: "1000万元") said in yuan for an English lead, with
    the clause's own words after it ("10 million yuan (1000万元)"); the guard reads both as the same figure.
    Any other value as it is."""
    amounts = read_amounts(value)
    if len(amounts) != 1 or re.search(r"[a-z]", value, re.IGNORECASE) or "元" not in value:
        return value
    yuan = amounts[0].wan * 10000
    said = f"{fmt(yuan / 1000000)} million yuan" if yuan >= 1000000 else f"{int(yuan):,} yuan"
    return f"{said} ({value.strip()})"


def _chinese_amount(value: str) -> str:
    """An English amount (a lead's figure from an English clause: "6 million yuan") said in 万元 or 亿元 for a
    Chinese lead ("600万元"): the guard reads both as the same figure and checks it against the quote; any
    other value as it is."""
    amounts = read_amounts(value)
    if len(amounts) != 1 or not re.search(r"[a-z]", value, re.IGNORECASE):
        return value
    wan = amounts[0].wan
    text = f"{fmt(wan / WAN_PER_YI)}亿元" if wan >= WAN_PER_YI and wan % WAN_PER_YI == 0 else f"{fmt(wan)}万元"
    return text


def _lead(span: str, zh: str, en: str, *, anchored: bool = False, dated: bool = False) -> Lead:
    return Lead(re.compile(span, re.IGNORECASE), zh, en, anchored, dated)


_MONTH_NAMES = _MONTHS.split("|")
_CN_DATE = re.compile(r"(?:(?P<y>\d{4})\s*年)?\s*(?:(?P<m>\d{1,2})\s*月)(?:\s*(?P<d>\d{1,2})\s*[日号])?")


def english_dates(text: str) -> str:
    """Dates written with Arabic figures in Chinese ("2024年8月3日至9月1日") in English ("August 3, 2024 to
    September 1"); `text` unchanged when anything else in it is Chinese (a date in Chinese numerals, "年底")."""

    def english(match: re.Match[str]) -> str:
        year, month, day = match.group("y"), int(match.group("m")), match.group("d")
        if not 1 <= month <= 12:
            return match.group(0)
        said = _MONTH_NAMES[month - 1] + (f" {int(day)}" if day else "")
        return f"{said}, {year}" if year and day else f"{said} {year}" if year else said

    converted = _CN_DATE.sub(english, text)
    converted = re.sub(r"\s*(?:起)?\s*(?:至|到|—|–|~|－)\s*", " to ", converted)
    converted = re.sub(r"^\s*(?:自|从)\s*|\s*止\s*$", "", converted)
    return text if re.search(r"[\u4e00-\u9fff]", converted) else converted


_DATE_LEAD = _lead(rf"(?P<v>{DATE})", "时间为{v}", "The date is {v}", dated=True)

# How much is quoted: the answering sentence; more of the clause (an enumeration, several facts); or
# also the next best clauses, when the question asks about each of several things.
Quoting = Literal["sentence", "more", "each"]


@dataclass(frozen=True)
class AnswerType:
    """One kind of fact a question asks for."""

    name: str
    label: str  # what the answer states, as a refusal names it ("比例", "截止时间"); "" for how it quotes
    asks: re.Pattern[str]  # matched against the folded question
    answer: re.Pattern[str] | None  # an answering sentence must match it (folded); None: any sentence
    quoting: Quoting = "sentence"
    status_line: bool = False  # the answer opens with the document's status (official, draft, expired)
    lead: Lead | None = None  # how the answer's opening sentence finds and says the fact; None: no lead


ANSWER_TYPES: tuple[AnswerType, ...] = (
    AnswerType(
        "ratio", "比例",
        # "按比例核减" says how a thing is done, it asks for no ratio ("会不会按比例砍").
        # "补几个点": percentage points, said plainly.
        re.compile(r"(?<!按)比例|百分之|几成|几个点|百分比|占比|%|what share|percentage|proportion|ratio|\brate\b"),
        re.compile(r"\d+(?:\.\d+)?\s*%|百分之|percent"),
        lead=_lead(rf"(?P<v>{PERCENT})", "比例为{v}", "The rate is {v}"),
    ),
    # The share a support pays ("按多少比例补") is stated where the support is granted, not by any percentage.
    AnswerType(
        "support_ratio", "扶持比例",
        re.compile(r"(?:补|资助|补贴|补助|扶持|奖励)[^，。？?]{0,8}比例|比例[^，。？?]{0,4}(?:补|资助|补贴|补助|扶持|奖励)"),
        re.compile(r"给予|资助|补贴|补助|奖励|扶持|支持|support|subsid|grant"),
    ),
    # A raised rate for a case ("初创企业能提高到多少"): stated only where a rate is raised, not by the usual rate.
    AnswerType(
        "raised", "提高后的标准",
        re.compile(r"提高(?:到|至|多少|几|了?吗)|提到(?:多少|几)|上浮|上调|(?:is|are) (?:it |the \w+ )?raised|increased? to"),
        re.compile(r"提高|提升|上浮|上调|增加|加大|raise|increase"),
    ),
    AnswerType(
        "cap", "上限",
        re.compile(r"最高|最多|上限|封顶|顶格|\bcap\b|maximum|at most|up to how much|how much at most|\bmax\b"),
        # A fine's range ("处五万元以上二十万元以下罚款") is capped by its upper bound.
        re.compile(rf"最高|上限|不超过|封顶|maximum|up to|至多|(?:{AMOUNT})以下的?罚款"),
        lead=_lead(r"(?:(?P<w>最高|上限为?|不超过|不高于|封顶|至多|最多|up to|no more than|not exceeding|not more than"
                   rf"|a maximum of|capped at|at most)[^，。；,;%％]{{0,8}}?)?(?P<v>{AMOUNT})(?(w)|以下的?罚款)",
                   "最高{v}", "Up to {v}", anchored=True),
    ),
    AnswerType(
        "money", "金额",
        re.compile(
            r"多少钱|多少万|补多少|能补(?!哪|什么)|能拿(?!哪|什么)|拿多少|给多少|罚款.{0,8}多少|罚多少|罚几"
            r"|(?<![申上填汇呈])报(?:销)?多少"  # "能给报多少": reimbursed
            r"|多少元|几万|(?:资助|补贴|补助|扶持)(?:的)?(?:金额|额度)?(?:是|有|为)?多少"
            r"|(?:收入|营收|资产|费用|奖励)多少|多少以[上下]|面额|额度|how much"
            r"|what (?:is|was|are) the (?:\w+[ -]){0,4}(?:funding|budget|amount|cost|fine)s?\b"
            r"|\bworth(?:\?|$)"  # "what is the voucher worth?"
        ),
        re.compile(
            r"(?:\d[\d,]*(?:\.\d+)?|[一二两三四五六七八九十百千]+)\s*(?:万元|亿元|元|万|亿)"
            r"|million yuan|（万元）|\(万元\)"
        ),
        lead=_lead(rf"(?P<v>{AMOUNT})", "金额为{v}", "The amount is {v}"),
    ),
    # How support is reckoned ("怎么补", "按什么标准"): a rate or an amount states it; a budget row's yearly
    # totals do not.
    AnswerType(
        "standard", "扶持标准",
        # (of support: a fine's "罚款标准" is asked of the penalty clause)
        re.compile(r"怎么补|如何补|按什么(?:标准|比例)(?:补|给|资助|扶持)|(?:补贴|扶持|资助|奖励|支持)(?:的)?(?:具体|详细)?标准"
                   # "有什么具体补贴": the support itself, in figures, not that some support exists
                   r"|(?:什么|哪些|啥)(?:样的)?具体的?(?:补贴|补助|扶持|资助|奖励)|具体(?:有)?(?:什么|哪些|啥)(?:补贴|补助|扶持|资助|奖励)"
                   r"|(?:补贴|扶持|资助|奖励)(?:是)?怎么算|how (?:is|are) (?:the )?(?:subsid|grant|support|voucher).{0,40}calculated"
                   r"|what is the (?:subsidy|support|funding) standard"),
        # a rate of support ("按合同金额的30%"), not of growth ("产业规模年均增长超20%"), or an amount granted
        # ("给予最高200万元资助"), not a yearly pool ("每年发放最高5000万元语料券")
        re.compile(r"(?:按|资助|补贴|补助|奖励|扶持|比例)[^。；]{0,30}?\d+(?:\.\d+)?\s*%"
                   r"|\d+(?:\.\d+)?\s*%[^。；]{0,20}?(?:资助|补贴|补助|奖励|扶持)|\d+(?:\.\d+)?\s*% of|百分之|一次性|million"
                   r"|给予[^，。；]{0,10}万元|最高[^，。；]{0,6}万元(?:的)?(?:资助|补贴|奖励|扶持)"),
    ),
    # What something costs (not whether it is charged: "收费吗"): a grant's amount is no price.
    AnswerType(
        "price", "价格或收费标准",
        # "价格多少", "什么价格"; not the word alone ("开不同价格" says what is done, asks no price)
        re.compile(r"(?:什么|啥|多少|哪种)(?:样的)?(?:价格|价钱)|(?:价格|价钱)(?:是|为|大概|一般|大约)?(?:多少|几|怎么|如何|高|低|贵)"
                   r"|收多少|多贵|(?:收费|手续费|服务费)(?:标准|是多少|多少)|多少(?:钱)?的?(?:手续费|服务费)"
                   r"|\bprices?\b(?! discriminat)|what fees?|how much .{0,20}\b(?:fees?|costs?|charged?)\b"),
        # a figure per unit, or that nothing is charged ("优惠价格" states no price)
        re.compile(r"\d\s*(?:万元|元)\s*(?:/|每)|(?:收费|收取|价格|费用?)[^，。；\d]{0,8}每[^，。；\d]{0,6}\d[\d.]*\s*(?:万元|元)|每[^，。；\d]{0,6}\d[\d.]*\s*(?:万元|元)[^，。；]{0,2}(?:收费|收取)|免费|不得?收取|free of charge|(?:yuan|rmb)\s*(?:per|/)"),
    ),
    # What one applicant gets: a budget table's district totals for an item never answer it.
    AnswerType(
        "grant", "扶持金额",
        # ("能报多少", "给报多少": reimbursed, as people say of a subsidy; not 申报, 上报, 填报)
        re.compile(r"能补(?!哪|什么)|补多少|能拿(?!哪|什么)|拿多少|资助多少|补贴多少|给多少|扶持多少|能申请多少|能领多少"
                   r"|(?<![申上填汇呈])报(?:销)?多少"),
        re.compile(r"(?:\d[\d,]*(?:\.\d+)?|[一二两三四五六七八九十百千]+)\s*(?:万元|亿元|元|万|亿)|million yuan|%|百分之"),
    ),
    # A day of the week ("每周几开会"): "每周召开" says how often, not which day.
    AnswerType(
        "weekday", "星期几",
        re.compile(r"(?:周|星期|礼拜)几|(?:what|which) day of the week"),
        re.compile(r"(?:周|星期|礼拜)[一二三四五六日天]|monday|tuesday|wednesday|thursday|friday|saturday|sunday"),
    ),
    # A particular day: "几号", "哪天" want a month and a day, not just a year.
    AnswerType(
        "day", "具体日期",
        re.compile(r"哪天|哪一天|几号(?!文)|几月几[日号]|具体日期|what day|which day|exact date"),
        re.compile(r"\d{1,2}\s*月\s*\d{1,2}\s*[日号]|\d{4}-\d{1,2}-\d{1,2}"),
        lead=_DATE_LEAD,
    ),
    # "几月份受理": a month, which a year alone ("2024年：12000") does not state.
    AnswerType(
        "month", "月份",
        re.compile(r"几月|哪个?月|什么月份|哪些月|which month|what month"),
        re.compile(r"\d{1,2}\s*月|[一二三四五六七八九十]{1,3}月|上半年|下半年|季度|年底|年末|年初|"
                   rf"\b(?:{_MONTHS.lower()})\b"),
        lead=_DATE_LEAD,
    ),
    AnswerType(
        "date", "日期或时间",
        re.compile(
            r"什么时候|啥时候|何时|几时|哪天|哪一天|几号(?!文)|截止|日期|期限|有效期|哪一年|哪年|几月|what date"
            # "when" that asks ("When is…", "by when"), not one that sets a case ("what must it do when it finds…")
            r"|^\W*when\b|\bwhen (?:is|was|are|were|does|do|did|will|would|should|shall|can|could|must|may)\b"
            r"|\b(?:by|until|till|from|since|and|or) when\b|\bwhen\W*$"
            # "申报时间": the time of an event named before it is when it happens
            rf"|(?:{'|'.join(EVENT_WORDS)})的?时间(?!表)"
            r"|which year|what day|\bperiod\b|effective date|come into (?:force|effect)|came into (?:force|effect)|take effect|took effect"
            r"|(?:哪个|哪份|哪部|哪一个|谁)[^，。？?]{0,8}?(?:先|早|晚)(?:施行|生效|实施|印发|发布|出台|公布)"
        ),
        re.compile(
            r"(?:\d{4}|[〇零一二三四五六七八九]{4})\s*年|\d{1,2}\s*月|\d{1,2}\s*日|上半年|下半年|"
            rf"年底|年末|年初|季度|起施行|之日起|\d{{4}}-\d{{1,2}}-\d{{1,2}}|\b(?:{_MONTHS.lower()})\b"
            r"|\b(?:in|since|from|until|by|before|after|on) (?:19|20)\d{2}\b"
        ),
        lead=_DATE_LEAD,
    ),
    # A deadline or a validity is a particular date: a date that says it is one.
    AnswerType(
        "deadline", "截止时间",
        re.compile(r"截止|最晚|最迟|之前提交|期限|到哪天|到什么时候|到啥时候|到几号|deadline|due date|no later than"),
        # "8月3日至9月1日": a period's end is its deadline.
        # "…9月16日前", "…9月22日止" (not 前海, 禁止: the word after a date)
        re.compile(r"截止|截至|(?:[日号月年底末]|之|以)\s*前|[日号]\s*止|最迟|期限|[日号]\s*(?:至|到)\s*(?:\d{4}\s*年\s*)?\d{1,2}\s*月"
                   r"|有效期?(?:至|到)"
                   r"|deadline|before|no later than|\buntil\b"),
        # The end of a period ("自8月3日至9月1日") or a date said to be the last ("截止至…", "最迟…").
        lead=_lead(rf"(?:至|到|截止|截至|最迟|最晚|不晚于|until|no later than)[^，。；,;]{{0,4}}?(?P<v>{DATE})",
                   "截止时间为{v}", "The deadline is {v}", anchored=True, dated=True),
    ),
    # A span of time between two dates ("从哪天到哪天", "comment period"): both ends answer it.
    AnswerType(
        "period", "起止时间",
        re.compile(r"哪段时间|什么时间段|时间段|起止|从哪天到哪天|从什么时候到什么时候|从几号到几号|\bperiod\b"
                   r"|from when|(?:征求|征集|征询)(?:意见)?的?(?:时间|期限|期)|意见(?:征求|征集|征询)的?(?:时间|期限|期)"),
        re.compile(DATE_RANGE),
        lead=_lead(rf"(?P<v>{DATE_RANGE})", "起止时间为{v}", "The period is {v}", anchored=True, dated=True),
    ),
    AnswerType(
        "validity", "有效期",
        re.compile(
            # ("研发机构也适用吗" asks whom it applies to, not whether it is in force)
            r"有效期|失效|到期|过期|还(?:在)?(?:执行|有效|适用|管用)|继续执行|是否有效|执行吗|(?<!也)适用吗|"
            r"还在用|还(?:能)?用(?:吗|不)|还?算数|作数|以哪个为准|哪个为准|按哪个(?:版本|执行)|(?:该|应该|现在)(?:看|用|按)哪个|(?:看|用|按)哪个(?:版本|稿)"
            # Whether a text is still what one goes by: "还能用吗", "还按它来吗", "仍然有效", "作废了没有".
            r"|还(?:能|可以)用|还按.{0,3}(?:来|执行|办)|仍(?:然)?(?:有效|适用|执行)|作废"
            # Which of two to go by: "现在应该用2021年的1号文还是新的修订版".
            r"|(?:该|应该|现在|要)是?(?:看|用|按|执行)[^，。？?]{1,24}还是[^，。？?]{0,8}(?:版|稿|号文|办法|条例|细则|文本|文件)"
            r"|still valid|still in (?:force|effect|use)|still (?:the )?(?:applicable|current)|still apply"
            r"|expire|valid until|validity"
        ),
        re.compile(r"有效期|有效至|失效|到期|废止|valid|expire"),
        lead=_lead(rf"(?:有效期(?:至|到|为|截至)?|有效至|失效|到期|废止)[^，。；,;]{{0,6}}?(?P<v>{DATE})",
                   "有效期至{v}", "Valid until {v}", anchored=True, dated=True),
    ),
    # Whether a document is in force is stated by words of issuing, consulting or coming into force.
    AnswerType(
        "status", "印发或施行情况",
        # "正式稿", "正式版", "正式印发的版本" name a version ("征求意见稿和正式稿…各是…"), they do not ask whether it
        # is issued.
        re.compile(r"正式(?!稿|版|文本|(?:印发|发布|出台)的?(?:版本|稿|文本|那版|那个|那份))|生效|有效吗|还有效|印发了吗|(?:出来|出台|下发)了?(?:吗|没有?)|(?<![提支])出了(?:吗|没有?)|(?<![提支])出没出|发没发|定稿|现行"
                   r"|officially (?:issued|released|adopted)"
                   r"|is it (?:official|final)|is it still a draft"
                   r"|^(?:is|are) (?:the |this |that )?[\w '’-]{0,60}?\b(?:final|official|finali[sz]ed|in force|in effect)\s*\??$"),
        re.compile(r"征求.{0,6}意见|印发|施行|审议通过|暂未开展|发布"),
        status_line=True,
    ),
    # "达到多少" with no unit: any quantity, but a quantity all the same.
    AnswerType(
        "quantity", "具体数值",
        re.compile(r"多少|多大|多高|多快|how (?:large|big|high|fast)"),
        # (an attachment's number, "附件1", is no value)
        re.compile(r"(?<!附件)\d|[零一二两三四五六七八九十百千]+\s*(?:万|亿|元|个|家|项|倍|年|名|人|条|类|种|次|张|台|套|件|份|平方米|%|周岁|岁|天|日|小时)"
                   r"|百分之"),
    ),
    # A length of time or a count of years ("几年内不能再申报").
    AnswerType(
        "duration", "期限或时长",
        # ("这几年每年预算多少": these years, no length asked)
        re.compile(r"(?<![这近前那头])几年|多少年|多久|多长时间|几个月|多少个月|多少天|几天|多长|多少个?工作日|几个工作日"
                   r"|how long|how many (?:years|months|days|weeks|working days)"),
        # (a date's day, "8月2日", is no length; a span of two dates is one)
        re.compile(r"(?<![\d月])(?:\d{1,3}|[一二两三四五六七八九十]+)\s*(?:年|个月|日|天|周|个工作日)"
                   rf"|\b\d{{1,3}} (?:working days|days|months|years|weeks)\b|{DATE_RANGE}"),
        lead=_lead(rf"{_CN_NUMERAL_BEFORE}(?P<v>(?:\d{{1,3}}|[一二两三四五六七八九十]+)\s*(?:个工作日|个月|年|日|天|周)"
                   r"|\d{1,3}\s*(?:working days|days|months|years|weeks))(?![\d〇零一二三四五六七八九十])",
                   "期限为{v}", "The period is {v}"),
    ),
    # How to apply or get something done: a step, a channel, a submission — who qualifies is no procedure.
    AnswerType(
        "procedure", "申报流程或办理方式",
        re.compile(r"流程|步骤|手续(?!费)|(?:怎么|如何|怎样|咋)(?:申报|申请|办理|领取?|报名|兑现|拿到)|申报方式|申请方式"
                   r"|how (?:do|can|should) (?:i|we|you|a company|companies|enterprises) (?:apply|claim|get)"
                   r"|application (?:process|procedure)|how to (?:apply|claim)"),
        re.compile(r"申报|申请|提交|受理|审核|审批|报送|办理|登录|填报|窗口|流程|程序|核准|评审|兑付|拨付|手续|备案|登记"
                   r"|\bappl(?:y|ication)|\bsubmi|\bprocedure|\breview"),
    ),
    # Where to get or file something online: a site, a system, an address.
    AnswerType(
        "channel", "办理网址或地点",
        re.compile(r"(?:在哪|哪里|哪儿|什么地方)(?:能|可以)?(?:下载|领取?|获取|填|提交|交|提(?!到|及)|寄|反馈|申报|申请|报名|办理)"
                   r"|下载地址|网址|网站|链接|入口"
                   r"|\bwebsite\b|\burl\b|where (?:can|do|should) (?:i|we|you) (?:download|get|submit|apply|find)"),
        re.compile(r"https?://|www\.|\.gov\.cn|网站|网址|系统|政务服务网|窗口|地址|邮箱|(?:寄|反馈|提交|报送|送|发送)至|@"),
    ),
    # Who holds a post ("主任是谁", "联系人是谁"): a person, stated by name ("黄女士") or by the office that fills
    # the post ("由市长担任") — a department's duties are no answer.
    AnswerType(
        "person", "具体人员",
        # (a 委员会 is a body: who sets it up asks an agency, not a person)
        re.compile(r"(?:主任|副主任|局长|主席|负责人|联系人|组长|书记|厅长|处长|科长|部长|委员(?!会)|成员)[^，。？?]{0,3}"
                   r"(?:是谁|叫什么|是哪位|有谁|有哪些人)"
                   # who a body is made up of, however it is asked ("由哪些人组成", "组成人员", "成员名单")
                   r"|(?:由哪些人|由谁|哪些人)(?:组成|构成)|组成人员|成员名单"
                   r"|(?:委员|成员)都?(?:有哪些|是哪些)|(?:有哪些|是哪些)(?:委员|成员)"
                   r"|who (?:is|are) the (?:director|head|chair(?:man|person)?|members?|contact(?: person)?)"),
        re.compile(r"[\u4e00-\u9fff](?:女士|先生|同志)|由[^，。；]{1,20}(?:担任|组成)|\b(?:mr|ms|mrs)\.? [a-z]"),
    ),
    # Who: a department, an office, a body.
    AnswerType(
        "agency", "负责部门",
        re.compile(
            # "哪些单位能申请", "发给哪些单位" ask who may apply or who gets it, not who acts.
            r"哪个部门|哪些部门|什么部门|(?<![给向])(?:哪个单位|哪些单位|哪家|哪个机构|什么机构)"
            r"(?!(?:可以|能够?|可|才能)(?:申请|申报))|"
            r"谁负责|由谁|谁来|权(?:归|属于|在)(?:谁|哪)|"
            r"谁管|谁牵头|牵头|责任单位|主管部门是|会同|哪个局|哪个委|谁是[^，。？?]{0,12}(?:部门|机构|单位)"
            r"|(?:which|what) (?:\w+ )?(?:departments?|bureaus?|agenc(?:y|ies)|authorit(?:y|ies)|bod(?:y|ies)|offices?"
            r"|organi[sz]ations?|governments?)\b"
            r"|who (?:is (?:in charge|responsible)|manages|handles|administers|approves|oversees|runs|takes charge)"
            r"|(?:in charge of|responsible for)"
        ),
        re.compile(
            r"(?<![我本该])[局厅]|委员会|人民政府|部门|单位|机构|委(?:牵头|负责|[、,，)）])|牵头|负责|研究院|研究所|协会|学会|bureau|"
            r"government|take charge|department|commission|committee|office|ministry|administration"
        ),
        # A name runs back from its ending (局, 委员会) to the word that introduces it (由, 向, 会同).
        # "我局", "本机关": the clause's own voice names no one.
        lead=_lead(r"(?P<v>(?![我本该其各])(?:(?![由经向报按对会同负责承担牵头及与、，,的为是在从])[\u4e00-\u9fff]){1,14}?"
                   r"(?:局|厅|委员会|人民政府|办公室|主管部门|研究院|研究所|协会|学会)"
                   # "市工业和信息化部门是…主管部门": a department named by its level and field.
                   r"|(?:国家|国务院|省|市|区|县)(?:(?![由经向报按对会同负责承担牵头及与、，,的为是在从])[\u4e00-\u9fff]){1,10}?部门"
                   r"|(?:the\s+)?(?:[A-Z][\w-]*\s+(?:and\s+|of\s+|for\s+)?){1,8}"
                   r"(?:Bureau|Commission|Government|Department|Office|Committee|Ministry))",
                   "负责部门为{v}", "The body named is {v}"),
    ),
    # How something is run ("采用什么管理方式", "什么监管模式"): a sentence naming a system or mode answers
    # ("实行目录清单制管理", "采用事前披露和事后跟踪的监管模式"); how to apply and how to get in touch are asked apart.
    AnswerType(
        "mode", "管理方式或模式",
        # ("以什么方式提供", "用什么方式反馈" ask how a thing is done, not the system it is run by)
        re.compile(r"(?:什么|哪种|何种|啥|哪一种)(?:样的)?(?:(?:管理|监管|审核|评审|分配|拨付|支付|运营|运行)(?:方式|模式|机制|制度)"
                   r"|模式|机制|制度)"
                   r"|(?:管理|监管|审核|评审|运营)(?:方式|模式|机制)(?:是|为)?(?:什么|啥|怎样)"),
        re.compile(r"实行[^，。；]{1,16}?(?:制|模式|方式|机制|管理)|采(?:用|取)[^，。；]{1,16}?(?:制|模式|方式|机制)"
                   # "核准制", "目录清单制管理" (not 制定, 编制, 限制)
                   r"|[\u4e00-\u9fff]{2,8}(?<![编控抵限强体])制(?![定订止约作])"),
    ),
    # A question for a kind of thing is answered by a sentence that names that kind.
    AnswerType(
        "principles", "原则",
        # (what a fund "must follow" is its principles, however they are called: "应当遵循哪些要求")
        re.compile(r"(?:什么|哪些|哪几[条个项]?|几[条个项大])[^，。？?]{0,6}原则|原则(?:有|是|包括)?(?:哪些|什么|哪几|啥)"
                   r"|遵循(?:哪些|什么|哪几)(?![^，。？?]{0,6}原则)"
                   r"|\bprinciples\b"),
        # Principles are named as such, or listed as a run of four-character phrases ("科学设立、绩效优先、…").
        re.compile(r"原则(?!上)|principle|(?:[\u4e00-\u9fff]{4}、){2,}[\u4e00-\u9fff]{4}"),
    ),
    AnswerType(
        "materials", "所需材料",
        re.compile(r"(?:什么|哪些|准备|提交|提供|带).{0,4}(?:材料|资料)|(?:材料|资料)[^，。？?]{0,6}(?:哪些|什么|啥)"
                   # (not the documents a text is based on: "what documents are the measures based on")
                   r"|(?:what|which) (?:materials|documents|papers) (?:are|do|should|must|to)(?![^?]{0,80}\bbased on)|materials? (?:required|needed)"
                   r"|application (?:materials|documents)|supporting documents"),
        # Materials named as what to hand in, not the word: "提交相关材料" or "…和证明材料" says that some
        # are needed, not which; "按服务合同金额的50%" names a contract, not a document to submit.
        re.compile(r"(?:提交|提供|报送|上传|附上?|出具|准备|携带)[^。；]{0,24}(?:复印件|原件|执照|申请表|申报书|承诺书"
                   r"|报告|合同|发票|凭证|证书|清单|证明(?!材料))|(?:材料|资料)(?:包括|如下|清单|[:：])"
                   r"|certificate|cop(?:y|ies) of"),
    ),
    # What a term means: a definition.
    AnswerType(
        "definition", "定义",
        re.compile(r"什么意思|啥意思|指(?:的是|的)?(?:什么|啥)|是指(?:什么|啥)|定义|含义|怎么理解|怎么界定|^(?:请问)?(?:什么是|什么叫|何为|何谓)"
                   r"|what does .{1,40} mean|\bdefinition\b|\bdefined\b|what is meant by"),
        re.compile(r"是指|指的是|所称|，指|包括|不包括|refers? to|\bmeans\b|shall mean|defined as|\bincludes?\b"),
    ),
    AnswerType(
        "doc_number", "文号",
        re.compile(r"文号|发文字号|字号|几号文|document (?:number|no\b)|reference number|file number"),
        re.compile(r"[〔\[(（]\s*\d{4}\s*[〕\])）]\s*\d+\s*号"),
        lead=_lead(r"(?P<v>(?:(?![的为是文号和与及即据依按照根见经由印发、，])[\u4e00-\u9fff]){1,8}"
                   r"[〔\[(（]\s*\d{4}\s*[〕\])）]\s*\d+\s*号)", "文号为{v}", "The document number is {v}"),
    ),
    # Which document something is ("粤府〔2023〕90号是什么文件"): its full title.
    AnswerType(
        "full_title", "文件名称",
        re.compile(r"(?:是|叫)(?:个|一个)?(?:什么|啥|哪个|哪一个|哪份|哪一份)(?:文件|文|政策)|全称|全名|完整(?:名称|标题)"
                   r"|(?:what|which) document\b|full (?:title|name)"),
        re.compile(r"《[^》]{4,}》"),
    ),
    # Which text a formulation comes from ("“一超多强”是哪个文件提出的", "出自哪里"): the held clauses containing it
    # (`composers.source`); no sentence has to state anything more.
    AnswerType(
        "source", "出处",
        re.compile(r"(?:哪个|哪份|哪一个|哪一份|什么)(?:文件|政策|文)(?:里|中|上)?(?:提|写|说|讲|规定|出现)"
                   r"|出自|出处|从哪(?:里|儿)?来|来源于哪|which (?:document|policy|text) (?:says|mentions|states|proposed)"
                   r"|where does .{0,60} come from"),
        None,
    ),
    # When a document was issued: its signature date or its "发布日期" line.
    AnswerType(
        "issued", "印发日期",
        re.compile(
            r"(?:哪天|什么时候|啥时候|何时|哪年|几号|日期).{0,6}(?:印发|发布|出台|公布|发的|出的)"
            r"|(?:印发|发布|出台|公布)的?(?:时间|日期)|(?:印发|发布|出台|公布)于?(?:哪天|什么时候|啥时候|何时)"
            r"|落款(?:的)?(?:日期|时间|是哪天|是什么时候)"  # the date under the signature is the issue date
            r"|when (?:was|were|did) .{0,120}(?:issued|published|released|promulgated|issue|publish|release)\b"
            r"|(?:哪个|哪份|哪部|哪一个|谁)[^，。？?]{0,8}?(?:先|早|晚)(?:印发|发布|出台|公布)|(?:印发|发布|出台|公布)得?更?(?:早|晚)"
        ),
        re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}-\d{1,2}-\d{1,2}"),
        lead=_DATE_LEAD,
    ),
    # How many: chapters, articles, items, enterprises.
    AnswerType(
        "count", "数量",
        # "几个亿", "多少个亿" ask an amount in 亿, not a count; "几个点", percentage points; "前几章", the first few;
        # "多少人工智能…" asks how much of something artificial-intelligence, not how many people.
        re.compile(r"(?<![哪第前])几(?:[章条项家类种款名次]|个(?![亿万千百点]))|多少(?:[章条项家类种款名次]|人(?!工))|多少个(?!工作日|月|亿|万)"
                   r"|how many(?! (?:years|months|days|weeks|working days))"),
        re.compile(
            r"(?<![第\d一二两三四五六七八九十百千])(?:\d+|[一二两三四五六七八九十百千]+)\s*(?:余|多)?\s*"
            r"(?:章|条|项|家|个|类|种|款|人|名|次(?!性))"
            r"|\b\d+ (?:articles|chapters|items|enterprises|companies|projects|categories|types|measures|people)\b"
        ),
        lead=_lead(rf"{_CN_NUMERAL_BEFORE}(?P<v>(?:\d+|[一二两三四五六七八九十百千]+)\s*(?:余|多)?\s*"
                   r"(?:章|条|项|家|个(?!月|工作日)|类|种|款|名|人))", "数量为{v}", "The number is {v}"),
    ),
    # Where a document says it: a chapter or article. Any sentence may answer (a clause need not repeat its
    # own label); the lead names the one the answering sentence states.
    AnswerType(
        "locator", "条款位置",
        re.compile(r"哪一?[章条节款]|第几[章条节款]|哪个条款|什么条款"),
        None,
        lead=_lead(r"(?P<v>第[一二三四五六七八九十百零〇\d]+[章条节款])", "见{v}", "See {v}"),
    ),
    # Whether two supports can be combined: only a sentence about combining answers it.
    AnswerType(
        "stacking", "能否叠加",
        # "拿了训力券，还能再申请…吗": support for what was already supported, asked as applying again.
        re.compile(r"叠加|同时(?:享受|申请|申报|拿|领|获得)|重复(?:享受|申请|申报|资助|支持)|兼得|一起(?:申请|拿|享受)|都申请"
                   r"|(?:拿|领|获得|享受)(?:了|过)[^，。？?]{1,20}?还(?:能|可以)再?(?:申请|申报|拿|领|享受)"
                   r"|\bstack|\bcombined?\b|apply for both|at the same time"),
        re.compile(r"叠加|重复|同时|兼得|就高|不得同时|同一项目|不再|\bcombin|\bsame project"),
    ),
    AnswerType(
        "draft_stage", "文稿阶段",
        re.compile(r"什么稿|哪一稿|哪个稿|哪一版稿|稿子"),
        re.compile(r"稿"),
    ),
    AnswerType(
        "place", "办理地点或平台",
        re.compile(
            r"在哪(?:里|儿)?(?:申|办|提交|报|领|交|登记)|哪个系统|什么系统|什么平台|哪个平台|网址|链接"
            r"|窗口|地址|去哪|where (?:to|can|do|should|shall)|which (?:platform|system|website)"
        ),
        re.compile(r"系统|平台|网站|网址|窗口|地址|室|邮箱|电子邮件|信函|platform|system|website|e-?mail|address"),
    ),
    # Whether a document is in force is also asked about a draft by name; any sentence may answer that.
    AnswerType("draft_status", "是否为征求意见稿", re.compile(r"征求意见稿吗|草案"), None, status_line=True),
    # Documents set side by side (a draft and its final text, two measures): one sentence of each answers.
    AnswerType(
        "compare", "",
        re.compile(r"分别|不一样|不同|区别|差别|差异|差多少|相差|差距|变化|相比|对比|比较|一样吗|同一个|改了|变了"
                   r"|哪个[^，。？?]{0,6}?(?:更|最|比较)?(?:高|低|多|少|大|小|先|早|晚)|谁先|先后|\bcompare|\bversus\b|\bvs\b"
                   r"|which .{0,80}\b(?:first|earlier|later)\b"),
        None,
    ),
    # Facts about a document itself, answered from its metadata and structure (composers.document_facts);
    # no sentence is required of the evidence for them.
    AnswerType(
        "issuer", "发文机关",
        # "哪个部门、哪天印发的", "哪几个部门联合发的", "哪些单位发布".
        re.compile(r"发文(?:机关|单位|部门)|(?:发布|印发|制定)(?:机关|单位|部门)|落款(?:单位|机关|部门|是(?:哪|谁|什么))|(?:谁|哪(?:个|几个|两个|些|家)?(?:部门|单位|机关|机构)"
                   r"|什么(?:部门|单位|机关|机构))[^，。？?]{0,6}?(?:联合)?(?:印发|发布|出台|制定|颁布|发的|发文)"
                   r"|由谁(?:印发|发布|出台|制定|颁布)|issued by|who issued|(?:which|what) (?:\w+ )?(?:bodies|body|departments?"
                   r"|bureaus?|agenc(?:y|ies)) issued"),
        None,
    ),
    AnswerType(
        "in_force_from", "施行日期",
        re.compile(r"(?:什么时候|啥时候|何时|哪天|哪一天|几号|哪年|从哪天|从什么时候|自何时)(?:开始|起)?(?:施行|生效|实施)"
                   r"|(?:什么时候|啥时候|何时|哪天|哪一天|哪年|从哪天|从什么时候)(?:开始|起)(?:执行|用|适用)"  # "啥时候开始执行的"
                   r"|(?:施行|生效|实施)(?:日期|时间)|when.{0,120}(?:take effect|come into force|effective)"
                   # which of two took effect first: each one's date answers
                   r"|(?:哪个|哪份|哪部|哪一个|谁)[^，。？?]{0,8}?(?:先|早|晚)(?:施行|生效|实施)|(?:施行|生效|实施)得?更?(?:早|晚)"),
        None,
    ),
    # When a law was adopted, revised or amended: the lines of its legislative history ("…会议通过"). Not
    # when an application passes review ("什么时候通过审核").
    AnswerType(
        "adopted", "通过或修订日期",
        # (also with the body that passed it between: "哪天经区政府常务会议审议通过的")
        re.compile(r"(?:什么时候|啥时候|何时|哪天|哪一天|几号|哪年|哪一年)(?:被)?(?:经[^，。？?]{2,16}?)?(?:审议)?"
                   r"(?:通过|修订|修正|修改)(?![审评验认])"
                   r"|(?:通过|修订|修正)(?:的)?(?:日期|时间|年份)|when was .{0,60}(?:adopted|passed|revised|amended)"
                   r"|(?:哪次|哪一次|什么|哪个)会议(?:上)?(?:审议)?(?:通过|修订)|(?:adopted|passed) (?:at|by) (?:which|what)"),
        re.compile(rf"(?:{DATE})[^。；;\n]{{0,40}}?(?:通过|修订|修正)"),
    ),
    # A count of the document's own articles or chapters ("一共几条", "分几章、多少条"), not of what they
    # contain ("几条原则").
    AnswerType("article_count", "条文数量",
               re.compile(r"(?<!第)(?:几|多少)(?:个)?(?:条|章)(?=$|[\s，,。？?！!、和与及呢啊吗呀嘛]|几|多少)"
                          r"|how many (?:articles|chapters)"),
               None),
    # How to reach the body that takes comments or applications: an e-mail address, a postal address, a
    # telephone number, as a document states them (composers.document_facts finds them by their form).
    AnswerType(
        "contact", "联系方式",
        re.compile(r"邮箱|电子邮件|e-?mail|邮寄地址|通讯地址|通信地址|寄(?:到|至|往)|寄(?:到)?哪|联系(?:人)?(?:和|及|、)?电话|电话号码"
                   r"|打什么电话|电话(?:是)?多少|联系方式|电话(?:要|该|应该)?(?:打给|找)谁|(?:打|拨)(?:哪个|什么)(?:号码|电话)|联系谁|找谁联系"
                   r"|mailing address|postal address|phone number|telephone"),
        None,
    ),
    AnswerType(
        "completeness", "是否为全文",
        re.compile(r"(?:是不是|是否|算不算)?(?:全文|完整)(?:吗|么|版|的)|收录(?:了)?(?:全文|完整|全部|到第|至第|到哪)"
                   r"|(?:缺|少)了?(?:哪些|什么)(?:条|部分)|full text"),
        None,
    ),
    AnswerType(
        "supersession", "版本关系",
        re.compile(r"取代|替代|代替|废止|最新版|新版本|上一版是|修订版是|哪个版本|(?:还是|是不是|是否|算)最新|superseded|replaced"),
        None,
    ),
    # What a document was made under: the laws and texts it cites as its basis ("根据《预算法》…制定本办法").
    AnswerType(
        "basis", "制定依据",
        re.compile(r"(?:制定|起草|编制|出台)依据|法律依据|政策依据|上位法|依据(?:是|有)(?:什么|哪些)|(?:依据|根据)的(?:文件|法律|法规)|引用(?:了)?[^，。？?]{0,4}?(?:哪个|哪些|什么|哪几个)(?:文件|法律|法规|政策)"
                   r"|(?:依据|根据|按照)(?:的是)?(?:什么|哪些|哪个|哪几|哪[两三四五六七八九十\d]+)(?:个|部|份)?(?:文件|法律|法规|政策|规定|条例|精神|制定|出台|行动方案|方案|计划|办法|措施|意见)"
                   r"|(?:依据|根据)的是(?:什么|哪些|哪个|哪几|哪一?版)[^，。？?]{0,16}(?:办法|措施|意见|方案|计划|细则|条例|文号|文件)"
                   r"|legal basis|based on (?:what|which)|in accordance with (?:what|which)"
                   r"|(?:what|which) (?:laws?|documents?|regulations?|policies)\b.{0,80}\b(?:based on|made under)\b"
                   # "引用的区级财政专项资金管理办法是哪个文号": the number of a document as the text cites it
                   r"|(?:引用|依据|援引)的[^，。？?]{1,24}?(?:文号|哪一?版|哪个版本)"),
        re.compile(r"(?:根据|依据|按照)[^，。；]{0,8}《|in accordance with|pursuant to|based on"),
        # the titles cited, each with the number it is cited with ("《…办法(修订)》(深龙府规〔2024〕4号)")
        lead=_lead(r"(?:根据|依据|按照)(?P<v>(?:《[^》]+》(?:[（(][^）)]{2,24}号[）)])?[、和及与]?)+)", "依据{v}",
                   "Based on {v}"),
    ),
    # An enumeration or several facts: quote more of the clause. Asked by a "which" word, by a count of the
    # things ("哪三个"), or by the verb to list (列出、列举, colloquially 列一下; English "list").
    AnswerType(
        "list", "",
        re.compile(r"哪几|哪些|几大|三大|四大|五大|哪几类|哪几种|什么原则|分为|其中|以及"
                   r"|各(?:章|节|部分|条|项|类)[^，。？?]{0,3}(?:是|讲|有|写)"  # "各章都是什么"
                   r"|哪(?!一[个项条类种大点家])[一二两三四五六七八九十\d]+[个项条类种大点家]|列(?:一下|出|举)"
                   r"|\blist\b|what are the|which (?:\w+ )?(?:are|were)\b"),
        None,
        quoting="more",
    ),
    # What a text provides on something, as a whole ("对预留份额是咋规定的", "有什么要求"): quote more of the clause,
    # whose next sentences may carry the rule's particulars ("其中…", the figures).
    AnswerType("rule", "", re.compile(r"(?:怎么|咋|如何|怎样|什么|啥|哪些)(?:样的)?(?:规定|要求)"), None, quoting="more"),
    # How a breach is punished, as a whole ("怎么处罚", "要负什么法律责任"): the sanctioning clause's sentences in
    # turn state the order, the fines and the graver case.
    AnswerType("penalty", "", re.compile(r"(?:怎么|咋|如何|怎样|什么|啥|哪些)(?:样的)?(?:处罚|惩罚|罚)|法律责任|会被罚"
                                         r"|(?:违反|违规|违法)[^，。？?]{0,20}?(?:怎么|如何|会被?|要被?)(?:处理|处置|办)"
                                         r"|(?:违反|违规|违法)[^，。？?]{0,20}?(?:什么|啥|哪些)后果"
                                         r"|what (?:are the |is the )?penalt|how (?:is|are|will) .{0,60}punished"),
               re.compile(r"责令|罚款|没收|警告|吊销|处分|拘留|予以处罚|依法处罚|追究.{0,4}责任|penalt|\bfined?\b"),
               quoting="more"),
    # Two questions in one message ("预留多少份额？小微企业占多少？", the second often without its question mark:
    # "…？给小微的比例呢"): quote more of the clause, which may state the second fact in its next sentence.
    AnswerType("several", "", re.compile(r"[？?][^？?]*[\u4e00-\u9fffA-Za-z][^？?]*(?:[？?]|(?:呢|吗|么|多少|几)\s*$)"),
               None, quoting="more"),
    # Several things, each: quote the next best clauses too.
    # "各发多少", "各补多少": each one's grant, asked with the verb of granting after 各.
    AnswerType("each", "", re.compile(r"分别|各[是有最自多为能发补给拿领]|几种|每种|每一种"), None, quoting="each"),
)
_BY_NAME = {t.name: t for t in ANSWER_TYPES}
_PER_UNIT = re.compile(r"每(平方米|平米|平|月|年|人|台|家|个|项|小时|卡)")
# What a "how many" question counts: the measure word it asks with ("几条", "多少家"), or, in English, the
# counted noun's measure word ("how many articles" -> 条).
_COUNTED_ZH = re.compile(r"(?<!哪)(?:几|多少)([章条项家类种款名])")
_COUNTED_EN = {"articles": "条", "chapters": "章", "items": "项", "enterprises": "家", "companies": "家",
               "firms": "家", "categories": "类", "types": "类", "kinds": "种"}
_COUNTED_EN_WORD = re.compile(rf"how many (?:\w+ )?({'|'.join(_COUNTED_EN)})\b")
_COUNT_OF = r"(?<![第\d一二两三四五六七八九十百千])(?:\d+|[一二两三四五六七八九十百千]+)\s*(?:余|多)?\s*"


def asked(question: str) -> tuple[AnswerType, ...]:
    """Every answer type a question asks for, in registry order."""
    folded = fold(question)
    return tuple(t for t in ANSWER_TYPES if t.asks.search(folded))


def kinds_of(types: tuple[AnswerType, ...]) -> set[str]:
    """Of some answer types, the kinds of fact an answering sentence must state.

    "quantity" stands alone: a question asking for any other kind of figure asks for that one.
    """
    kinds = {t.name for t in types if t.answer is not None}
    return kinds - {"quantity"} if len(kinds) > 1 else kinds


def ask_types(question: str) -> set[str]:
    """The kinds of fact a question asks for that an answering sentence must state (ratio, cap, date …)."""
    return kinds_of(asked(question))


def answer_type(name: str) -> AnswerType:
    """The registry row of an answer type."""
    return _BY_NAME[name]


def missing_labels(kinds: set[str], text: str) -> list[str]:
    """What a text does not state of the kinds asked ("比例", "上限"), in registry order."""
    folded = fold(text)
    return [t.label for t in ANSWER_TYPES if t.name in kinds and t.answer is not None
            and not t.answer.search(folded)]


def answer_pattern(name: str) -> re.Pattern[str]:
    """What a sentence answering the named kind of fact contains."""
    pattern = _BY_NAME[name].answer
    if pattern is None:
        raise KeyError(name)
    return pattern


def quoting_of(types: tuple[AnswerType, ...], several: bool = False) -> set[Quoting]:
    """How much an answer to some answer types quotes: "more" of the clause, and/or "each" of several
    clauses; else {"sentence"}. A message asking `several` questions quotes more: the clause's next sentences
    may answer the others."""
    policies: set[Quoting] = {t.quoting for t in types} - {"sentence"}
    if several:
        policies.add("more")
    return policies or {"sentence"}


def quoting(question: str) -> set[Quoting]:
    """How much the answer to a message quotes (`quoting_of` its answer types and its questions)."""
    return quoting_of(asked(question), len(questions_in(question)) > 1)


# Whether a document is in force: its metadata answers (draft, issued, expired), whatever sentence is quoted.
STANDING = frozenset({"validity", "status", "draft_stage", "draft_status"})
# The facts of a document itself, answered from its metadata and structure (`composers.document_facts`).
DOCUMENT_FACTS = frozenset({"full_title", "issuer", "doc_number", "issued", "in_force_from", "adopted", "validity",
                            "article_count", "completeness", "supersession", "comment_period", "comment_channel",
                            "contact"})


# How a breach is punished: "怎么罚", "最高罚多少", "要负什么法律责任", "what is the fine".
# "违反了会怎么处理", "有什么后果": what befalls a breach, asked in everyday words.
PENALTY_ASKED = re.compile(r"罚|处分|法律责任|追责|后果|(?:违反|违规|违法)[^，。？?]{0,20}?(?:怎么|如何|会被?|要被?)(?:处理|处置|办)"
                           r"|penalt|\bfines?\b|punish|sanction|liabilit")

# Whether the person may apply, asked yes or no ("我们是高校，也能申请吗", "能领不"), not which items there are
# ("能申请哪些") or how much ("能拿多少"): of a whole message, which names no item.
WHETHER_ELIGIBLE_ASKED = re.compile(r"^(?!.*(?:哪|什么|啥|多少))(?=.*(?:能|可以|可不可以|能不能|够)(?:申请|申报|拿|领|享受))"
                                    r".*(?:吗|么|不|没)\W*$")

# Who may apply and on what conditions: "申请条件", "要满足什么", "哪些企业可以申请", "who can apply".
CONDITIONS_ASKED = re.compile(r"条件|门槛|资格|(?:要|需要?|得)满足|(?:什么|哪些|啥)要求|(?:谁|哪些|哪几?类|哪几?种|什么样?的?)"
                              r"(?:类型|种类|性质)?的?(?:(?:企业|单位|公司|主体|机构)(?:可以|能|能够|可)?|(?:可以|能|能够|可))(?:申请|申报)"
                              r"|(?:哪些|哪几?类|哪几?种|什么)(?:类型|种类)?的?(?:企业|单位|主体|机构)[^，。？?]{0,16}(?:申请|申报)"
                              # whether one may apply at all ("没开公司能申请这个资金吗")
                              r"|(?:能|可以|能不能|可不可以)(?:申请|申报)(?![^，。？?]{0,12}多少)[^，。？?]{0,12}[吗么]"
                              r"|who (?:can|may|is eligible)"
                              # whether something is required of the applicant ("是不是要求在龙岗注册", "必须在龙岗纳税吗")
                              r"|(?:是不是|是否)要求|要求[^，。？?]{1,20}[吗么]|必须[^，。？?]{1,20}[吗么]"
                              r"|eligib|qualif|requirements")

_QUESTION_MARK = re.compile(r"[？?]")
_CLAUSE_BREAK = re.compile(r"[，,；;]")


_ASKING = re.compile(r"[呢吗么嘛]\s*$|多少|几|哪|什么|啥|怎么|如何|是否|能否|可否|\b(?:what|which|how|when|who|is|are|does|do|can)\b")


_CHOICE_BEFORE = re.compile(r"[是为按用走选属于，,。？?！!、\s]")
_STILL = re.compile(r"[不没很挺也都会要在有就得]")
_CHOICE_AFTER = re.compile(r"[？?。，,！!、\s]|呢|吗|啊")


def choice_options(question: str) -> tuple[str, ...]:
    """The two things a question asks to choose between ("是核准制还是评审制" -> 核准制, 评审制); none when it
    offers no such choice."""
    folded = fold(question)
    left, sep, right = folded.partition("还是")
    if not sep:
        return ()
    first, second = _CHOICE_BEFORE.split(left)[-1], _CHOICE_AFTER.split(right)[0]
    if _STILL.match(second):
        return ()  # "还是不太明白": 还是 as "still"
    options = tuple(o for o in (first, second) if 2 <= len(o) <= 10)
    return options if len(options) == 2 else ()


def questions_in(message: str) -> list[str]:
    """The questions a message asks: its parts between question marks that ask something, else its parts
    between commas when each asks something ("语料券每年发多少，补贴比例和最高额度？"); the message itself when
    it asks one thing ("预留多少份额？谢谢")."""
    parts = [p for p in _QUESTION_MARK.split(message) if p.strip() and (ask_types(p) or _ASKING.search(fold(p)))]
    if len(parts) > 1:
        return [c for p in parts for c in _asked_clauses(p)]  # "训力券每年发多少，补贴比例多少？初创企业呢"
    return _asked_clauses(message)


def _asked_clauses(text: str) -> list[str]:
    """A text's parts between commas when each asks something, else the text itself."""
    clauses = [p for p in _CLAUSE_BREAK.split(text) if p.strip()]
    return clauses if len(clauses) > 1 and all(ask_types(c) for c in clauses) else [text]


def standing_beside(parts: Sequence[str]) -> bool:
    """True when, of the several questions of a message (`questions_in`), one asks only whether a document is in
    force and another asks what it provides ("行业大模型怎么资助？这个稿子现在还算数吗"): the status line answers the
    first. Asked beside a fact of the document itself ("正式印发了吗？文号多少？"), that fact depends on which text
    is in force: a sentence stating some number is no answer."""
    kinds = [{t.name for t in asked(p)} for p in parts]
    standing = [bool(k & STANDING) for k in kinds]
    own_facts = set().union(*kinds) & (DOCUMENT_FACTS | {"date", "day", "month"}) - STANDING
    return len(parts) > 1 and any(standing) and not all(standing) and not own_facts


def wants_status_line(question: str) -> bool:
    """True when the question asks whether a document is in force (official, a draft, expired)."""
    return any(t.status_line for t in asked(question))


# Per-unit rates asked in English, by the Chinese unit; and the words an English clause states each unit in.
_EN_PER_UNIT = re.compile(r"\bper (square met(?:re|er)|sq\.? ?m|m2|month|year|person|head|hour)\b|\b(monthly|annually)\b")
_EN_UNITS = {"square metre": "平方米", "square meter": "平方米", "sqm": "平方米", "sq m": "平方米", "sq. m": "平方米",
             "m2": "平方米", "month": "月", "monthly": "月", "year": "年", "annually": "年", "person": "人", "head": "人",
             "hour": "小时"}
UNIT_WORDS = {"平方米": ("平方米", "square met"), "月": ("月", "month"), "年": ("年", "year", "annual"),
              "人": ("人", "person", "per head"), "小时": ("小时", "hour")}


def per_units(question: str) -> set[str]:
    """Per-unit rates a question asks about ("每平方米每月" -> {平方米, 月}; "per square metre" -> {平方米})."""
    folded = fold(question)
    english = {_EN_UNITS[m.group(1) or m.group(2)] for m in _EN_PER_UNIT.finditer(folded)}
    return {m.group(1).replace("平米", "平方米") for m in _PER_UNIT.finditer(folded)} | english


def counted(question: str) -> frozenset[str]:
    """The measure words a "how many" question counts by ("共几章" -> {章}); empty when it names none."""
    folded = fold(question)
    return frozenset({*_COUNTED_ZH.findall(folded), *(_COUNTED_EN[w] for w in _COUNTED_EN_WORD.findall(folded))})


def states_count(folded_sentence: str, units: frozenset[str] | set[str]) -> bool:
    """True when a (folded) sentence states a count in one of the measure words asked ("共二十七条" for 条)."""
    return re.search(rf"{_COUNT_OF}[{''.join(sorted(units))}]", folded_sentence) is not None


# "审核方式有几种" / "有几种补贴": the thing whose sorts are counted, written before the count or after it; the
# words after the last 的 (or 里, 中) and at most four characters, so that "扶持方式" is not "审核方式".
_SORTS_BEFORE = re.compile(r"([\u4e00-\u9fff]{2,}?)(?:一共|总共|共)?(?:有|分为|分)?哪?几[种类]")
_SORTS_AFTER = re.compile(r"哪?几[种类]([\u4e00-\u9fff]{2,4}?)(?:[吗呢啊呀？?，,。]|$)")
_OWNER = re.compile(r".*[的里中]")
# After the thing, within a few characters ("审核方式（包含…"), a verb introducing its sorts and two of them.
_INTRODUCES = r"[^，。；,;]{0,3}?(?:包括|包含|分为|分成|有)[^，。；,;()（）]{1,30}?(?:和|、|及|与|或)[^，。；,;()（）]+"


def sorts_asked(folded_question: str) -> str:
    """The thing a "how many sorts" question counts ("细则的审核方式有几种" -> 审核方式); "" when none is written."""
    after = _SORTS_AFTER.search(folded_question)
    if after and after.group(1) not in ("的", "呢"):
        return after.group(1)
    before = _SORTS_BEFORE.search(folded_question)
    return _OWNER.sub("", before.group(1))[-4:] if before else ""


def lists_sorts(folded_sentence: str, thing: str) -> str:
    """The sorts of `thing` a (folded) sentence names, said as "审核方式包含核准制和评审制"; "" when it names none."""
    match = re.search(re.escape(thing) + _INTRODUCES, folded_sentence) if len(thing) >= 2 else None
    return re.sub(r"[()（）]", "", match.group(0)) if match else ""
