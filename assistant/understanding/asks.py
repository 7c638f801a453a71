"""The one registry of what a question can ask for, and how each kind is answered and quoted.

Each row is an answer type: the words that ask for it, what an answering sentence must contain (None when
any sentence may answer), and how much of a clause the answer quotes. A new answer type is one row here
(and, where it needs its own way of answering, one strategy).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from retrieval.text import fold

# How much is quoted: the answering sentence; more of the clause (an enumeration, several facts); or
# also the next best clauses, when the question asks about each of several things.
Quoting = Literal["sentence", "more", "each"]


@dataclass(frozen=True)
class AnswerType:
    """One kind of fact a question asks for."""

    name: str
    asks: re.Pattern[str]  # matched against the folded question
    answer: re.Pattern[str] | None  # an answering sentence must match it (folded); None: any sentence
    quoting: Quoting = "sentence"
    status_line: bool = False  # the answer opens with the document's status (official, draft, expired)


ANSWER_TYPES: tuple[AnswerType, ...] = (
    AnswerType(
        "ratio",
        re.compile(r"比例|百分之|几成|百分比|占比|%|what share|what percentage|what proportion|ratio"),
        re.compile(r"\d+(?:\.\d+)?\s*%|百分之|percent"),
    ),
    AnswerType(
        "cap",
        re.compile(r"最高|最多|上限|封顶|顶格|\bcap\b|maximum|at most"),
        re.compile(r"最高|上限|不超过|封顶|maximum|up to|至多"),
    ),
    AnswerType(
        "money",
        re.compile(
            r"多少钱|多少万|补多少|能补|能拿|拿多少|资助多少|补贴多少|给多少|罚款.{0,8}多少|多少元|几万|扶持多少"
            r"|(?:收入|营收|资产|费用|奖励)多少|多少以[上下]|面额|额度"
        ),
        re.compile(
            r"(?:\d[\d,]*(?:\.\d+)?|[一二两三四五六七八九十百千]+)\s*(?:万元|亿元|元|万|亿)"
            r"|million yuan|（万元）|\(万元\)"
        ),
    ),
    # A particular day: "几号", "哪天" want a month and a day, not just a year.
    AnswerType(
        "day",
        re.compile(r"哪天|哪一天|几号(?!文)|几月几[日号]|具体日期"),
        re.compile(r"\d{1,2}\s*月\s*\d{1,2}\s*[日号]|\d{4}-\d{1,2}-\d{1,2}"),
    ),
    AnswerType(
        "date",
        re.compile(
            r"什么时候|何时|哪天|哪一天|几号(?!文)|截止|日期|期限|有效期|哪一年|哪年|几月|\bwhen\b|what date"
            r"|which year"
        ),
        re.compile(
            r"(?:\d{4}|[〇零一二三四五六七八九]{4})\s*年|\d{1,2}\s*月|\d{1,2}\s*日|上半年|下半年|"
            r"年底|年末|年初|季度|起施行|之日起"
        ),
    ),
    # A deadline or a validity is a particular date: a date that says it is one.
    AnswerType(
        "deadline",
        re.compile(r"截止|最晚|最迟|之前提交|期限"),
        re.compile(r"截止|截至|[之以]?前|止|最迟|期限"),
    ),
    AnswerType(
        "validity",
        re.compile(
            r"有效期|失效|到期|过期|还(?:在)?(?:执行|有效|适用|管用)|继续执行|是否有效|执行吗|适用吗|"
            r"还在用"
        ),
        re.compile(r"有效期|有效至|失效|到期|废止"),
    ),
    # Whether a document is in force is stated by words of issuing, consulting or coming into force.
    AnswerType(
        "status",
        re.compile(r"正式|生效|有效吗|还有效|印发了吗|出台了吗|定稿|现行"),
        re.compile(r"征求.{0,6}意见|印发|施行|审议通过|暂未开展|发布"),
        status_line=True,
    ),
    # A length of time or a count of years ("几年内不能再申报").
    AnswerType(
        "duration",
        re.compile(r"几年|多少年|多久|多长时间|几个月|多少个月|多少天|几天|多长|多少个?工作日|几个工作日"),
        re.compile(r"(?<!\d)(?:\d{1,3}|[一二两三四五六七八九十]+)\s*(?:年|个月|日|天|周|个工作日)"),
    ),
    # Who: a department, an office, a body.
    AnswerType(
        "agency",
        re.compile(
            r"哪个部门|哪些部门|什么部门|哪个单位|哪些单位|哪家|哪个机构|什么机构|谁负责|由谁|谁来|"
            r"谁管|谁牵头|牵头|责任单位|主管部门是|会同|哪个局|哪个委"
        ),
        re.compile(
            r"[局厅]|委员会|人民政府|部门|单位|机构|委(?:牵头|负责|[、,，)）])|牵头|负责|bureau|"
            r"government|take charge"
        ),
    ),
    # A question for a kind of thing is answered by a sentence that names that kind.
    AnswerType(
        "principles",
        re.compile(r"(?:什么|哪些|哪几[条个项]?|几[条个项大])原则"),
        re.compile(r"原则"),
    ),
    AnswerType(
        "materials",
        re.compile(r"(?:什么|哪些|准备|提交|提供|带).{0,4}(?:材料|资料)"),
        re.compile(r"材料|资料|证明|复印件"),
    ),
    # What a term means: a definition.
    AnswerType(
        "definition",
        re.compile(r"什么意思|啥意思|指什么|指的是什么|是指什么|定义|含义|怎么理解|怎么界定"),
        re.compile(r"是指|指的是|所称|，指|包括|不包括"),
    ),
    AnswerType(
        "doc_number",
        re.compile(r"文号|发文字号|字号|几号文"),
        re.compile(r"[〔\[(（]\s*\d{4}\s*[〕\])）]\s*\d+\s*号"),
    ),
    # When a document was issued: its signature date or its "发布日期" line.
    AnswerType(
        "issued",
        re.compile(
            r"(?:哪天|什么时候|何时|哪年|几号|日期).{0,6}(?:印发|发布|出台|公布|发的|出的)"
            r"|(?:印发|发布|出台|公布)的?(?:时间|日期)|(?:印发|发布|出台|公布)于?(?:哪天|什么时候|何时)"
        ),
        re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}-\d{1,2}-\d{1,2}"),
    ),
    # How many: chapters, articles, items, enterprises.
    AnswerType(
        "count",
        re.compile(r"(?<!哪)几[章条项家个类种款名]|多少[章条项家类种款人名]|多少个(?!工作日|月)"),
        re.compile(
            r"(?<![第\d一二两三四五六七八九十百千])(?:\d+|[一二两三四五六七八九十百千]+)\s*(?:余|多)?\s*"
            r"(?:章|条|项|家|个|类|种|款|人|名)"
        ),
    ),
    # Whether two supports can be combined: only a sentence about combining answers it.
    AnswerType(
        "stacking",
        re.compile(r"叠加|同时享受|同时申请|重复享受|重复申请|兼得|一起申请|都申请"),
        re.compile(r"叠加|重复|同时|兼得|就高|不得同时|同一项目"),
    ),
    AnswerType(
        "draft_stage",
        re.compile(r"什么稿|哪一稿|哪个稿|哪一版稿|稿子"),
        re.compile(r"稿"),
    ),
    AnswerType(
        "place",
        re.compile(
            r"在哪(?:里|儿)?(?:申|办|提交|报|领|交|登记)|哪个系统|什么系统|什么平台|哪个平台|网址|链接"
            r"|窗口|地址|去哪"
        ),
        re.compile(r"系统|平台|网站|网址|窗口|地址|室|邮箱|电子邮件|信函"),
    ),
    # Whether a document is in force is also asked about a draft by name; any sentence may answer that.
    AnswerType("draft_status", re.compile(r"征求意见稿吗|草案"), None, status_line=True),
    # Facts about a document itself, answered from its metadata and structure (composers.document_facts);
    # no sentence is required of the evidence for them.
    AnswerType(
        "issuer",
        re.compile(r"发文(?:机关|单位|部门)|(?:发布|印发|制定)(?:机关|单位|部门)|(?:谁|哪个部门|哪个单位|哪个机关|什么部门"
                   r"|哪家单位)[^，。？?]{0,6}?(?:印发|发布|出台|制定|颁布|发的)|由谁(?:印发|发布|出台|制定|颁布)|issued by|who issued"),
        None,
    ),
    AnswerType(
        "in_force_from",
        re.compile(r"(?:什么时候|何时|哪天|哪一天|几号|哪年|从哪天|从什么时候|自何时)(?:开始|起)?(?:施行|生效|实施)"
                   r"|(?:施行|生效|实施)(?:日期|时间)|when.{0,30}(?:take effect|come into force|effective)"),
        None,
    ),
    AnswerType("article_count", re.compile(r"(?<!第)(?:几|多少)(?:个)?(?:条|章)(?!件)|how many (?:articles|chapters)"),
               None),
    AnswerType(
        "completeness",
        re.compile(r"(?:是不是|是否|算不算)?(?:全文|完整)(?:吗|么|版|的)|收录(?:了)?(?:全文|完整|全部|到第|至第|到哪)"
                   r"|(?:缺|少)了?(?:哪些|什么)(?:条|部分)|full text"),
        None,
    ),
    AnswerType(
        "supersession",
        re.compile(r"取代|替代|代替|废止|最新版|新版本|上一版是|修订版是|哪个版本|superseded|replaced"),
        None,
    ),
    # An enumeration or several facts: quote more of the clause.
    AnswerType(
        "list",
        re.compile(r"哪几|哪些|几大|三大|四大|五大|哪几类|哪几种|什么原则|分为|其中|以及"),
        None,
        quoting="more",
    ),
    # Several things, each: quote the next best clauses too.
    AnswerType("each", re.compile(r"分别|各[是有最自]|几种|每种|每一种"), None, quoting="each"),
)
_BY_NAME = {t.name: t for t in ANSWER_TYPES}
_PER_UNIT = re.compile(r"每(平方米|平米|平|月|年|人|台|家|个|项|小时|卡)")


def asked(question: str) -> tuple[AnswerType, ...]:
    """Every answer type a question asks for, in registry order."""
    folded = fold(question)
    return tuple(t for t in ANSWER_TYPES if t.asks.search(folded))


def kinds_of(types: tuple[AnswerType, ...]) -> set[str]:
    """Of some answer types, the kinds of fact an answering sentence must state."""
    return {t.name for t in types if t.answer is not None}


def ask_types(question: str) -> set[str]:
    """The kinds of fact a question asks for that an answering sentence must state (ratio, cap, date …)."""
    return kinds_of(asked(question))


def answer_pattern(name: str) -> re.Pattern[str]:
    """What a sentence answering the named kind of fact contains."""
    pattern = _BY_NAME[name].answer
    if pattern is None:
        raise KeyError(name)
    return pattern


def quoting_of(types: tuple[AnswerType, ...]) -> set[Quoting]:
    """How much an answer to some answer types quotes: "more" of the clause, and/or "each" of several
    clauses; else {"sentence"}."""
    policies = {t.quoting for t in types} - {"sentence"}
    return policies or {"sentence"}


def quoting(question: str) -> set[Quoting]:
    """How much the answer to a question quotes (`quoting_of` its answer types)."""
    return quoting_of(asked(question))


def wants_status_line(question: str) -> bool:
    """True when the question asks whether a document is in force (official, a draft, expired)."""
    return any(t.status_line for t in asked(question))


def per_units(question: str) -> set[str]:
    """Per-unit rates a question asks about ("每平方米每月" -> {平方米, 月})."""
    return {m.group(1).replace("平米", "平方米") for m in _PER_UNIT.finditer(fold(question))}
