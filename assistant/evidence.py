"""Pick the sentences that answer a question, and decide whether the held clauses support it at all.

A question asks for a kind of fact: a ratio, a cap, an amount, a date, a per-unit rate, a place. The
answer must come from a sentence that states that kind of fact about the question's subject; when no
retrieved sentence does, the held documents do not answer the question and the assistant says so.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from assistant.calibration import CALIBRATION as CAL
from assistant.claims import ENUMERATOR, split_sentences
from assistant.definitions import defined_term, defines
from assistant.subject_terms import LATIN_WORD, VERSION_YEAR, Terms, question_terms
from assistant.titles import EDITION_NOTE, char_pairs
from assistant.understanding.asks import (
    CONDITIONS_ASKED,
    DATE,
    DOCUMENT_FACTS,
    EVENT_WORDS,
    STANDING,
    UNIT_WORDS,
    answer_pattern,
    ask_types,
    event_asked,
    lists_sorts,
    per_units,
    sorts_asked,
    states_count,
)
from assistant.understanding.query import Query
from prechecks.numbers import read_amounts
from retrieval.articles import violated_text
from retrieval.models import Clause, Corpus, DocumentMeta, Hit, final_version
from retrieval.numerals import number_value
from retrieval.search import Retriever
from retrieval.text import common_run, compact, fold

_YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
_ISSUE_DATE = re.compile(r"^\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$|发布日期|印发日期")
_ISSUED_IN = re.compile(r"(?<!\d)(20\d{2})\s*年(?:\d{1,2}\s*月)?(?:\d{1,2}\s*日)?\s*(?:印发|修订|修正|发布|制定)")
_CJK_WORD = re.compile(r"[\u4e00-\u9fff]+")
_COMPLETE_END = re.compile(r"[。！？；!?;.)）」”]\s*$")
# A notice's title line ("…关于印发《…》的通知") names a document; it never answers a question.
# A document number ("深龙工信规〔2022〕5号") and a title name a document; their years are no year a sentence is about.
DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,10}[〔\[(（]\s*\d{4}\s*[〕\])）]\s*\d+\s*号")
_TITLE_LINE = re.compile(r"^[^。；！？]*《[^》]+》[^。；！？]*(?:的通知|的通告|的公告|起草说明|政策解读)$")
_NAMES = re.compile(r"《[^》]*》|[〔\[(（]\s*\d{4}\s*[〕\])）]")
_CITED = re.compile(r"《[^》]+》")
_FIGURES = frozenset({"money", "quantity", "count", "cap", "ratio", "grant"})
# A question for what an applicant gets, and the words that make it one about a budget instead.
_APPLICANT = re.compile(r"补贴|补助|资助|奖励|能补|补多少|能拿|拿多少|能领|领多少|给多少|申请(?:到)?多少|subsid|grant")
_BUDGET_ASKED = re.compile(r"预算|测算|经费|资金|安排|准备|总计|合计|一共|总共|加起来|累计|表|每年|哪一?年|budget|estimate")
_YEAR_RANGE = re.compile(r"(?<!\d)(20\d{2})\s*-\s*(20\d{2})(?!\d)")


# The term a definitional sentence defines: before "是指" ("（四）生物识别数据，是指…"), after "所称"
# ("本条例所称人工智能，是指…"), without a bracketed short name.
# An organisation named as the one that acts: "区工业和信息化局组织…审核", "由市科技创新局负责", "市工业和信息化
# 部门是…主管部门". A department only mentioned ("市产业主管部门应当会同其他有关部门…") names no one in a role.
_ORG = r"(?:国家|国务院|省|市|区|县)[\u4e00-\u9fff]{1,12}?(?:局|厅|委员会|人民政府|部门|办公室)"
_AGENT = re.compile(rf"{_ORG}(?:是|为|负责|牵头|组织|主管|承担|会同|审核|受理|统筹)|由{_ORG}|责任单位\s*[:：]"
                    r"|(?:should|shall|will) (?:take charge|be responsible)|(?:is|are) responsible for", re.IGNORECASE)
_CALENDAR = re.compile(rf"{DATE}|\d{{4}}\s*[-—–]\s*\d{{4}}")
# Duties whose agent a question asks ("哪个部门负责解释", "解释权归谁"), with the words a clause states each by:
# a sentence saying who manages a fund or supervises a trade does not say who interprets a text or accepts
# applications, and naming that department as the one asked would misdirect the person.
DUTIES = {"解释": ("解释",), "受理": ("受理",), "审核": ("审核", "审查", "核准"), "审批": ("审批", "批准"),
          "拨付": ("拨付", "拨款", "兑付"), "验收": ("验收",), "评审": ("评审",), "考核": ("考核",)}
_RIGHT_HELD = re.compile(r"(解释|审批|审核)权(?:归|属于|在|由)")
_WHO_DOES = re.compile(r"(?:谁|哪个部门|哪些部门|什么部门|哪个单位|哪个机构)(?:来|负责|可以|能|会|去)?"
                       r"(?!负责|管理|牵头|主管)([\u4e00-\u9fff]{2})")
# "主管部门是哪个", "牵头单位是谁": who holds a role; a sentence designating it ("A是…主管部门", "主管部门为A") says,
# one where the role only acts ("市产业主管部门应当编制…") does not.
_ROLE_ASKED = re.compile(r"([\u4e00-\u9fff]{0,4}(?:部门|单位|机构|机关))(?:是|为)?(?:哪个|哪家|哪一个|哪些|谁|什么)")
# A question about what there is now is answered by a sentence stating what is, not by a target set for later.
# "有几种，分别是啥": the things themselves are asked too; a sentence listing them answers how many.
_WHICH_TOO = re.compile(r"分别是|分别有|分别叫|是哪(?:几|些)|有哪(?:几|些)|都是|都有|是什么|是啥|叫什么")
_PRESENT = re.compile(r"现在|目前|现有|当前|如今|\bnow\b|currently|at present")
_HOW_MANY_THERE = re.compile(r"有多少|有几|how many .{0,30}(?:are there|exist)")
_TARGET_ASKED = re.compile(r"目标|争取|力争|计划|规划|预计|预期|要|将|达到|新增|培育|打造|建成|到20\d{2}|by 20\d{2}|aim|target|plan|goal")
# "第二个项目", "第三项": an item by its place in a numbered list or table.
_ORDINAL_ITEM = re.compile(r"第([一二三四五六七八九十\d]{1,3})(?:个|项)")
_GOAL_ASKED = re.compile(r"目标|\bgoals?\b|\btargets?\b")
_TARGET = re.compile(r"争取|力争|目标|到20\d{2}年|by 20\d{2}")
# A question for a period ("从哪天到哪天", "起止时间") is answered by a date range ("8月3日至9月1日").
_PERIOD = re.compile(r"(?:哪天|几号|什么时候|何时|哪年|几月)\S{0,2}(?:到|至)\S{0,2}(?:哪天|几号|什么时候|何时|哪年|几月)"
                     r"|哪几天|起止|起讫|\bperiod\b|from when")
_DATE_RANGE = re.compile(rf"(?:{DATE})\s*(?:至|到|—|-|~|－)\s*(?:{DATE})")
_PLAIN = re.compile(r"[^\w]+")
# Whether a document applies to someone ("管不管我们", "管得着吗", "适用吗") is answered by the sentence that
# states its scope: what it applies or does not apply to.
_APPLIES_ASKED = re.compile(r"管不管|管得着|管不着|管吗|适用吗|适不适用|适用不适用|适用于.{0,12}吗|受.{0,12}管吗"
                            r"|appl(?:y|ies) to (?:us|me|our|my)|does (?:it|this|the \w+) apply")
_APPLIES = re.compile(r"适用|apply|applies|applicable")


def asked_duty(query: Query) -> str:
    """The duty whose agent the question asks ("哪个部门负责解释", "解释权归谁": 解释), one of `DUTIES`, or ""."""
    right = _RIGHT_HELD.search(query.folded)
    acted = m.group(1) if "agency" in query.kinds and (m := _WHO_DOES.search(query.folded)) else ""
    duty = right.group(1) if right else acted
    return duty if duty in DUTIES else ""


@dataclass(frozen=True)
class Evidence:
    """A sentence chosen to answer a question, with the hit it comes from."""

    hit: Hit
    sentence: str
    score: float
    coverage: float  # how much of the question's subject the sentence and its clause cover
    start: int = 0  # index of the first sentence of the window read with it (short lines)
    index: int = 0  # index of the answering sentence in the clause
    # The sentence breaks off where the held copy stops (〔以下原文未收录〕): it cannot state the
    # fact, but when it is what the question is about, the fact is in the part not held.
    cut_off: bool = False
    # Coverage of the question's subject other than the jurisdiction (龙岗区, 深圳市) every held
    # document shares: a sentence sharing only that with the question is about something else.
    subject: float = 1.0
    # Which of the message's questions the sentence answers (`parts_asked`), of how many it asks.
    parts: frozenset[int] = frozenset({0})
    asked_parts: int = 1


# A threshold: an amount and the side of it a condition or a tier stands on ("一万元以上", "不足一万元").
_ABOVE_AFTER = re.compile(r"\s*(?:以上|及以上|或以上|起)")
_BELOW_AFTER = re.compile(r"\s*(?:以下|以内|及以下)")
_ABOVE_BEFORE = re.compile(r"(?:超过|高于|多于|大于|满|达到)\s*$")
_BELOW_BEFORE = re.compile(r"(?:不足|不到|低于|少于|小于|未满|未达到)\s*$")


def thresholds(text: str, condition: bool = False) -> set[tuple[Decimal, str]]:
    """The amounts a text states a side of ("一万元以上" → (1, "above"), in 万元; "不足一万元" → (1, "below")).
    `condition`: only those a condition states ("…一万元以上的，"), not a range imposed ("处五万元以上…罚款")."""
    folded = fold(text)
    out: set[tuple[Decimal, str]] = set()
    for amount in read_amounts(folded):
        before, after = folded[max(0, amount.start - 4):amount.start], folded[amount.end:amount.end + 4]
        marked = _ABOVE_AFTER.match(after) or _BELOW_AFTER.match(after)
        side = "above" if _ABOVE_AFTER.match(after) or _ABOVE_BEFORE.search(before) else \
            "below" if _BELOW_AFTER.match(after) or _BELOW_BEFORE.search(before) else ""
        rest = after[marked.end():] if marked else after
        if side and (not condition or rest.lstrip().startswith("的")):
            out.add((amount.wan, side))
    return out


@dataclass(frozen=True)
class Tiers:
    """What a question says of amounts that decides between a clause's tiers: the thresholds it states a side
    of ("一万元以上的怎么罚") and the amounts it states without one ("交易额八千元罚多少")."""

    asked: frozenset[tuple[Decimal, str]]
    plain: frozenset[Decimal]

    @classmethod
    def of(cls, question: str) -> Tiers:
        asked = thresholds(question)
        amounts = {a.wan for a in read_amounts(fold(question))}
        return cls(frozenset(asked), frozenset(amounts - {v for v, _ in asked}))

    def match(self, text: str) -> int:
        """+1 when a text's tier is the one the question's amount falls in: on the side of a threshold it states,
        or where an amount it states lies ("交易额八千元" → "不足一万元的"); -1 for another tier; 0 when the text
        states no tier or the question no amount."""
        if not (self.asked or self.plain):
            return 0
        score = 0
        for value, side in thresholds(text, condition=True):
            if (value, side) in self.asked:
                score += 1
            elif any(v == value for v, _ in self.asked):
                score -= 1
            for amount in self.plain:
                score += 1 if (amount >= value) == (side == "above") else -1
        return max(-1, min(1, score))


def sentences(text: str) -> list[str]:
    """Sentences of a clause (Chinese and English punctuation, line breaks), without surrounding space.

    The one sentence splitter is the guard's (`assistant.claims.split_sentences`): a clause is read
    sentence by sentence exactly as a generated answer is checked.
    """
    return [piece.strip() for piece in split_sentences(text) if piece.strip()]


def without_titles(text: str, titles: list[str]) -> str:
    """A sentence without the titles of its own document and of those the question names.

    Naming a document answers nothing: a sentence that only cites the title the question uses must
    not outrank the sentence that states the fact.
    """
    folded_titles = [fold(t).strip("《》") for t in titles]

    def names_one(span: str) -> bool:
        span = fold(span)
        return any(span in t or t in span for t in folded_titles)

    text = re.sub(r"《([^》]*)》", lambda m: " " if names_one(m.group(1)) else m.group(0), text)
    return " " if fold(text).strip() and any(fold(text).strip() in t for t in folded_titles) else text


def draft_standing_asked(query: Query, doc: DocumentMeta, corpus: Corpus) -> bool:
    """"先锋城市若干措施里行业大模型给100万这条还算数吗": whether a draft's clause is in force is asked of the
    policy the draft is of (named in its draft or its final version); being a draft for comment answers it,
    whatever the clause states."""
    named = query.named_documents
    # "起草说明引用的深龙府规〔2021〕1号还适用吗" asks of the numbered document it cites, not of the draft.
    return "validity" in query.kinds and doc.status == "draft-for-comment" and not DOC_NUMBER.search(query.text) \
        and bool({doc.doc_id, final_version(corpus, doc)} & set(named))


def _window(parts: list[str], index: int) -> int:
    """Where the window read with sentence `index` starts (earlier lines complete a short one)."""
    start = index
    while start > 0 and index - start < CAL.window_back and \
            sum(len(p) for p in parts[start:index + 1]) < CAL.short_sentence:
        start -= 1
    return start


def asks_period(folded_question: str) -> bool:
    """True when a (folded) question asks for a period, from one date to another."""
    return _PERIOD.search(folded_question) is not None


def _common_run(question: str, sentence: str) -> int:
    """Length of the longest run of characters a question and a sentence share (punctuation aside)."""
    return common_run(_PLAIN.sub("", fold(question)), _PLAIN.sub("", fold(sentence)))


_DAY = re.compile(r"(?<!\d)(\d{1,2})月(\d{1,2})日")


def days_about(text: str) -> set[tuple[str, str]]:
    """The days of the year a (folded) text names ("4月10日" -> ("4", "10"))."""
    return set(_DAY.findall(text))


def years_about(text: str) -> set[str]:
    """The years a (folded) text is about: each year it names, and every year of a range ("2024-2026年"),
    not the years inside document titles and numbers."""
    text = _NAMES.sub(" ", text)
    years = set(_YEAR.findall(text))
    for first, last in _YEAR_RANGE.findall(text):
        years.update(str(y) for y in range(int(first), int(last) + 1) if int(last) - int(first) < 10)
    return years


_CAPTION = re.compile(r"表\s*\d+\s*(?:《[^》]*》)?[^\d]*$")
_PER_APPLICANT = frozenset({"家", "个", "项"})
_ASKED_BESIDE = frozenset({"procedure", "channel"})


_TITLE_RUN = 8  # character pairs of a long title a question writes in its own shorter way ("龙岗全域全时应用示范区")
# A title and, right after it, its number. (A title of a document the question names is already blanked out of
# the sentence: the number after the blank is that document's.)
_TITLE_NUMBER = re.compile(r"《([^》]+)》[（(][^）)]*号\s*[）)]")


def title_asked(cited: str, names: list[str], question: str) -> bool:
    """True when a title a sentence cites is one of the documents a question names, or the question writes most
    of it ("龙岗人工智能全域全时应用示范区行动方案" for 《深圳市龙岗区创建人工智能全域全时应用示范区的行动方案…》)."""
    cited = compact(fold(re.sub(r"[（(][^）)]*[）)]", "", cited)))
    pairs = char_pairs(cited)
    written = sum(p in compact(question) for p in pairs)
    # "是根据哪个行动方案起草的？文号是多少": the question asks which document of that kind, and its number.
    which = re.search(rf"(?:哪个|哪份|哪一个|哪一份|什么|啥)[\u4e00-\u9fff]{{0,4}}{re.escape(cited[-2:])}", question)
    return written >= min(CAL.title_pair_share * len(pairs), _TITLE_RUN) or which is not None \
        or any(cited in compact(n) or compact(n) in cited for n in names)


# A text's statement of its purpose and basis, and the questions that ask for them.
_PURPOSE = re.compile(r"^\s*(?:第[一二三四五六七八九十\d]+条\s*)?为[^。]{2,200}?(?:制定本|特制定|制订本)")
_PURPOSE_ASKED = re.compile(r"目的|宗旨|为什么|为何|为了什么|干嘛|干什么|作用|用来|依据|根据什么|根据哪|引用|援引"
                            r"|purpose|why|basis|cite")
_TOTAL_ASKED = re.compile(r"一共|总共|合计|共计|加起来|in total|altogether|\b(?:total|overall)\b|over (?:the )?(?:three|3|two|2) years")
_CHAPTER_HEAD = re.compile(r"^\s*第[一二三四五六七八九十\d]+章")
_CHAPTER_NAMED = re.compile(r"第[一二三四五六七八九十\d]+章|chapter|(?:first|second|third|fourth|fifth|sixth|seventh|eighth) chapter")

_ARTICLE_HEAD = re.compile(r"^\s*第[一二三四五六七八九十百零〇\d]+条")
# Bodies that may apply ("责任单位" is the department in charge, not an applicant).
_APPLICANTS = re.compile(r"企业|(?<!责任)单位|院校|高校|科研机构|社会团体|法人|enterprise|institution|universit",
                         re.IGNORECASE)
# What an applicant must be: registered, a legal person, paying tax or reporting somewhere, qualified.
_QUALIFICATIONS = re.compile(r"登记注册|法人资格|注册地|纳税地|统计地|具备.{0,8}(?:条件|资格|能力)|符合.{0,8}条件|资格"
                             r"|registered|legal person")
_PARTIES_ASKED = re.compile(r"(?:哪些|哪类|哪种|什么样?的?)(?:企业|单位|公司|主体|机构|部门|人)|\bwho\b|which (?:companies|firms|enterprises)")
# What was actually paid out ("实际拨付了多少"): only a sentence reporting a payment made answers it — not a
# budget estimate, nor the rate or cap a policy grants.
# "哪些情况下可以…", answered by the sentence opening a list of cases ("有下列情形之一的，可以…：").
_CASES_ASKED = re.compile(r"(?:哪些|什么|哪几种|啥)(?:样的)?(?:情况|情形|条件下|场景)|in (?:what|which) (?:cases|circumstances)")
_CASES_LISTED = re.compile(r"(?:下列|以下)(?:情形|情况)|following (?:circumstances|cases)")
_WHOLE_YEAR = re.compile(r"全年|整年|全年度|一整年|(?:whole|full|entire) year")
_PART_OF_YEAR = re.compile(r"[一二三四1-4]季度|上半年|下半年|前三季度|\d{1,2}\s*[-—至到]\s*\d{1,2}\s*月|(?:first|second|third) quarter")
_RATE = re.compile(r"\d+(?:\.\d+)?\s*%|百分之")
_YEAR_ASKED = re.compile(r"哪一?年|几几年|什么年份|哪个年份|which year|what year")
_PAID_OUT = re.compile(r"已(?:经)?(?:拨付|发放|兑现|下达|支出)|累计(?:拨付|发放|兑现|支持|下达)|实际(?:拨付|发放|兑现|支出)")
# What was actually paid out, or to how many ("训力券实际一共发了多少", "去年发了多少", "多少家企业拿到"): a policy
# states what it will grant; only a sentence reporting what was done (`_PAID_OUT`) answers.
ACTUALS = re.compile(r"实际(?:拨付|发放|支出|到账|兑现|使用|拿到)|已(?:经)?(?:拨付|发放|兑现|发了)|拨付了|发放了多少"
                      r"|(?:实际|累计|一共|总共|去年|今年|最后|最终)[^，。？?、]{0,8}(?:发了|发放了|发出了?|拨付了|兑现了)"
                      r"[^，。？?、]{0,6}(?:多少|几)"
                      r"|(?:多少|几)家(?:企业|单位|公司)?(?:拿到|获得|领到|申请到)|actually (?:paid|disbursed|granted|issued)"
                      # what one firm has received ("华为一共拿过多少扶持资金"), not what one may get ("能拿多少")
                      r"|(?:拿|领|获得|得到|收到)(?:了|过|到了)[^，,。？?、;；]{0,12}?多少"
                      r"|how much (?:\w+ ){0,6}(?:has|have|had) (?:\w+ ){0,4}(?:received|got(?:ten)?)"
                      # who was paid: "给了哪些企业", "哪些公司拿到了"
                      r"|(?:给了|给到了|发给了|拨给了)哪些(?:企业|单位|公司)|哪些(?:企业|单位|公司)(?:拿到|获得|领到)了"
                      r"|how many (?:companies|firms|enterprises) (?:got|received|have received)")


def parts_asked(parts: Sequence[str], kinds: set[str], units: set[str]) -> list[tuple[set[str], set[str]]]:
    """What each question of a message (`Query.questions`) asks of `kinds` and per-`units` of the whole: in
    "语料券每年发多少？补贴比例和上限呢" a sentence stating the yearly total answers the first, one stating the
    ratio and cap the second. One question asks all of them."""
    asked = [(kinds & ask_types(p), units & per_units(p)) for p in parts] if len(parts) > 1 else []
    # How to apply asked beside a figure ("怎么申请？最多补多少？"): the figure answers (see `states`).
    beside = bool(kinds - _ASKED_BESIDE)
    return [(k, u) for k, u in asked if (k - _ASKED_BESIDE if beside else k) or u] or [(kinds, units)]


def states(sentence: str, kinds: set[str], units: set[str], years: set[str], money_table: bool,
           counted: frozenset[str] = frozenset(), sorts_of: str = "") -> bool:
    """True when a sentence states every kind of fact asked, for every per-unit and year asked.

    `money_table`: the sentence is the cells of a table row whose title gives a money unit.
    `counted`: the measure words a count is asked in ("几条": 条); "200余家" does not answer it.
    `sorts_of`: the thing whose sorts a count asks for ("审核方式有几种": 审核方式).
    """
    # "第十七条 …": the article's own number states no quantity.
    folded = _ARTICLE_HEAD.sub("", fold(sentence))
    # "审核方式有几种": the sorts of that thing listed answer without a count ("审核方式（包含核准制和评审制）").
    listed = bool(lists_sorts(folded, sorts_of))
    if counted and not (listed or states_count(folded, counted)):
        return False
    # How to apply or where to file, asked beside a figure ("怎么申请，最多补多少"): the figure answers (the
    # answer does not yet say the procedure is unstated); asked alone, only a sentence stating it answers.
    for kind in (kinds - _ASKED_BESIDE if kinds - _ASKED_BESIDE else kinds):
        if kind == "money" and money_table and re.search(r"\d", folded):
            continue  # a budget table's cells are amounts in the unit its title gives
        if kind == "count" and listed:
            continue
        if not answer_pattern(kind).search(_CALENDAR.sub(" ", folded) if kind == "quantity" else folded):
            return False  # (a date, "2023年5月", is no quantity)
    # A grant's cap is one applicant's, for one project: "每家企业最多补多少" needs no sentence saying "每家".
    if any(not any(w in folded for w in UNIT_WORDS.get(unit, (unit,))) for unit in units - _PER_APPLICANT):
        return False
    # A sentence about other years only ("根据2024年…测算需财政资金15390万元") states nothing of the year asked.
    if not money_table and years and (about := years_about(folded)) and not about & years:
        return False
    # A date asked about a given year must come from a sentence about that year; so must a budget row's cells
    # ("2027年的测算资金" is not in a table whose columns are 2024 to 2026).
    return ("date" not in kinds and not money_table) or not years or any(y in folded for y in years)


def _index_tokens(retriever: Retriever, text: str, english: bool, terms=()) -> set[str]:
    """Tokens of a text; an English text also gets the Chinese terms for its policy words.

    Of `terms` (the question's words), a Chinese word the text contains counts as one of its tokens even
    where the tokenizer cut the text otherwise ("交易平台" inside "数据交易平台", "备案" inside "算法备案").
    """
    folded = fold(text)
    if english:
        text = text + " " + " ".join(retriever.lexicon.gloss(text))
    tokens = set(retriever.tokenizer.tokens(text))
    return tokens | {t for t in terms if len(t) > 1 and _CJK_WORD.fullmatch(t) and t in folded}


def answers_every_part(evidence: list[Evidence]) -> bool:
    """True when, of a message asking several questions, each is answered by a sentence of the best clause:
    one answered and one not is no answer ("正式印发了吗？文号多少？" of a draft has no number to give), nor
    is another text's sentence that happens to state a number of the kind asked."""
    if not evidence:
        return True
    best = evidence[0].hit.clause.clause_id
    said = frozenset().union(*(e.parts for e in evidence if e.hit.clause.clause_id == best))
    return said >= set(range(evidence[0].asked_parts))


_ENGLISH_TEXT = re.compile(r"英文|english")  # a text named by its language: "英文版", "English version"


def supported(candidates: list[Evidence], query: Query | None = None) -> list[Evidence]:
    """The candidates that support an answer: complete sentences above the calibrated thresholds, which
    share more of the question's subject than its jurisdiction. A sentence of an English text shares no word
    with a Chinese question: of the English text the question names as such, one stating every kind of fact
    asked supports it too ("英文版序言里说依据哪两份行动方案" and "In accordance with … Action Plan …")."""
    def across_languages(e: Evidence) -> bool:
        return query is not None and bool(query.kinds) and query.language == "zh" and e.hit.doc.language == "en" \
            and _ENGLISH_TEXT.search(query.folded) is not None and e.hit.doc.doc_id in query.documents \
            and e.asked_parts > 0 and len(e.parts) == e.asked_parts
    return [e for e in candidates if not e.cut_off and e.subject > CAL.subject_threshold
            and (e.coverage >= CAL.support_threshold or e.score >= CAL.score_threshold or across_languages(e))]


_JURISDICTION = re.compile(r"[\u4e00-\u9fff]{2}[省市区]")


def jurisdiction_tokens(retriever: Retriever) -> set[str]:
    """Tokens of the places the held documents' issuers govern ("深圳市龙岗区…局" -> 深圳, 龙岗区 …)."""
    places = {m for d in retriever.corpus.documents.values() for m in _JURISDICTION.findall(fold(d.issuer))}
    return {t for p in places for t in retriever.tokenizer.tokens(p)}


def cut_off_subject(candidates: list[Evidence]) -> Evidence | None:
    """A sentence broken off by a gap in the held copy that matches the question better than every
    complete sentence: the answer is then in the part of the document that is not held."""
    best_cut = next((e for e in candidates if e.cut_off), None)
    best = next((e for e in candidates if not e.cut_off), None)
    if best_cut is None or best_cut.coverage < CAL.support_threshold:
        return None
    # On a tie the complete sentence answers: it states what the broken one may only have gone on to say.
    return best_cut if best is None or best_cut.score > best.score else None


def related_documents(documents: dict[str, DocumentMeta], named: set[str]) -> set[str]:
    """The named documents and those whose title contains a named one's (its interpretation, its
    explanation, the notice that issues it)."""
    bases = [EDITION_NOTE.sub("", documents[d].title).strip("《》") for d in named]
    return named | {d.doc_id for d in documents.values() if any(b and b in d.title for b in bases)}


def _focus(candidates: list[Evidence], keep) -> list[Evidence]:
    """The candidates `keep` accepts, when there are any; otherwise all of them."""
    kept = [e for e in candidates if keep(e)]
    return kept or candidates


def heading_line(sentence: str) -> bool:
    """True for an enumerated heading said as a sentence ("（三）锚定重点发力方向。"): short, one phrase after its
    enumerator; it names what the sentences after it state."""
    text = sentence.strip()
    enumerator = ENUMERATOR.match(text)
    rest = text[enumerator.end():] if enumerator else ""
    return bool(rest) and len(text) < CAL.short_sentence and not re.search(r"[，,；;：:]", rest)


def _is_heading(parts: list[str], index: int) -> bool:
    """True for a clause's heading line ("二、修改意见反馈"): it names the topic the lines after it state."""
    return index == 0 and len(parts) > 1 and len(parts[0]) < CAL.short_sentence \
        and not _COMPLETE_END.search(parts[0])


def is_cut(clause: Clause, doc: DocumentMeta, index: int, parts: list[str]) -> bool:
    """True for the last sentence of a clause the held copy breaks off in."""
    return (index == len(parts) - 1 and clause.ordinal + 1 in doc.gaps
            and not _COMPLETE_END.search(parts[index]))


def _choice_words(retriever: Retriever, options: tuple[str, ...]) -> list[set[str]]:
    """Of each option a question offers, its words (two characters or more) the other options do not share."""
    # An option that is a word of the texts itself ("核准制") is looked for whole: "核准方式" names no choice.
    words = [{o} if retriever.is_known(o) else
             {t for t in retriever.tokenizer.tokens(o) if len(t) >= 2 and _CJK_WORD.fullmatch(t)} for o in options]
    own = [w - set().union(*(x for x in words if x is not w)) for w in words]
    # Only a choice each of whose options has words of the texts' own ("按季度拨付还是一年拨一次": 季度, 拨付; 一年):
    # one in words the texts never use ("区里发还是市里发") may be stated otherwise.
    known = [{t for t in w if retriever.is_known(t)} for w in own]
    return known if all(known) else []


def candidate_evidence(retriever: Retriever, query: Query, hits: list[Hit], *, with_context: bool = True,
                       limit: int = 8, eligible: set[str] | None = None,
                       subjects: Mapping[str, str] | None = None) -> list[Evidence]:
    """Every sentence of the top hits that states what the question asks, scored, best first, before
    the support thresholds are applied (`supported` applies them; none supported means the held
    clauses do not answer the question).

    `with_context`: a follow-up is read with its earlier user turns. `eligible` restricts evidence to some
    clause ids (e.g. the clauses of the support item the question names). `subjects`: words a clause is about
    beyond its own, by clause id (the items whose applicants a generic 申报条件 clause governs).
    """
    context = query.followup_text if with_context else ""
    weights = question_terms(retriever, query.text, context)
    kinds, units = query.kinds, set(query.per_units)
    # "2017年修订版" names a document's version; it does not ask about that year, but a sentence
    # about a version issued in another year is about another document.
    versions = {m[:4] for m in VERSION_YEAR.findall(query.folded)}
    years = years_about(VERSION_YEAR.sub(" ", DOC_NUMBER.sub(" ", retriever.without_document_names(query.text)))) \
        - retriever.named_years(query.text)
    counts = query.named_documents if context else query.documents
    if not counts:
        kinds = kinds - {"issued"}  # "什么时候发布报告" asks about a report, not a document's issue
    if "issued" in kinds:
        kinds = kinds - {"status"}  # "正式稿是哪天印发的" asks for a date, not whether it is in force
    counted = query.counted
    if "count" in kinds and _WHICH_TOO.search(query.folded):
        kinds, counted = kinds - {"count"}, frozenset()
    if query.standing_beside:
        kinds = kinds - STANDING  # the status line says whether the document is in force
    asks = parts_asked(query.questions, kinds, units)
    sorts_of = sorts_asked(query.folded) if "count" in kinds else ""
    # What a text is for, what it is based on, and the documents (and numbers) it cites there.
    purpose_asked = bool({"basis", "doc_number"} & kinds) or bool(_PURPOSE_ASKED.search(query.folded))
    # How many articles or chapters a document has, no chapter named ("how many articles", "共几条").
    whole_count = bool({"条", "章"} & counted or "article_count" in kinds) and not _CHAPTER_NAMED.search(query.folded)
    documents = retriever.corpus.documents
    named_titles = [documents[d].title for d in counts]
    own_names = [fold(n) for d in counts for n in (documents[d].title, documents[d].short_title)]
    terms = [*query.quoted, *(t for t in weights.members if len(t) >= 2)] \
        if "definition" in kinds else []
    # A document's interpretation or explanation is about it: naming one names both.
    focus = related_documents(documents, set(counts))
    # A Chinese clause cannot share an English question's English words: only their Chinese terms.
    chinese_weights = weights.only(lambda c: not LATIN_WORD.fullmatch(c)) if query.language == "en" else weights
    places = jurisdiction_tokens(retriever)
    place_concepts = weights.named_by(places)
    # A document number's words ("深龙工信规") name a document, not what a sentence is about.
    numbers_asked = bool(DOC_NUMBER.search(query.folded))
    # "有多少家" asks how many there are, unless the question speaks of a target ("要达到", "到2026年").
    # So does a count asked of no year ("大概多少家").
    present = bool(_PRESENT.search(query.folded)) or bool(
        (_HOW_MANY_THERE.search(query.folded) or ("count" in kinds and not years))
        and not _TARGET_ASKED.search(query.folded))
    period = asks_period(query.folded)
    scope = bool(_APPLIES_ASKED.search(query.folded))
    cases = bool(_CASES_ASKED.search(query.folded))
    whole_year = bool(_WHOLE_YEAR.search(query.folded))
    # "是核准制还是评审制": only a sentence naming one of the choices says which it is (of a document's own
    # facts and standing, its metadata answers).
    choices = _choice_words(retriever, query.choices) if not kinds & (DOCUMENT_FACTS | STANDING) else []
    asked_text = retriever.without_document_names(query.text)
    tiers = Tiers.of(query.text)  # a question stating an amount may fall in one tier of several
    # What one applicant gets ("买算力补贴多少"), not a budget: no year, no total, no table asked about.
    days = days_about(query.folded) if not asks_period(query.folded) else set()
    applicant = bool(_APPLICANT.search(query.folded)) and not years and not _BUDGET_ASKED.search(query.folded)
    actuals = bool(ACTUALS.search(query.folded))
    # "给哪些企业", "什么单位能申请": who, which a budget row (projects and their amounts) never names.
    parties = bool(_PARTIES_ASKED.search(query.folded))
    # Who may apply for a support item, or gets it: a sentence naming neither a kind of body nor the conditions
    # ("（三）申报条件。", whose clause goes on to state them) says nothing of it.
    conditions = (query.asks_conditions or parties) and bool(query.named_items)
    # "什么时候开始申报": a time, which a year heading a budget table's column is not ("哪年开始有预算" is).
    event_time = "date" in kinds and not _YEAR_ASKED.search(query.folded)
    # "三年一共要多少钱": one total over the years, which a row of yearly cells does not state.
    over_years = bool(_TOTAL_ASKED.search(query.folded)) and not years
    goal_asked = bool(_GOAL_ASKED.search(query.folded))
    ordinal = _ORDINAL_ITEM.search(query.folded)
    row_asked = number_value(ordinal.group(1)) if ordinal else None
    # The act whose agent is asked ("谁来设立", "哪个部门负责审核"): its sentence names who does it.
    acted = (m.group(1) if (m := _WHO_DOES.search(query.folded)) else "") if "agency" in kinds else ""
    role = (m.group(1)[-4:] if (m := _ROLE_ASKED.search(query.folded)) else "") if "agency" in kinds else ""
    designates = re.compile(rf"是[^，。；,;]{{0,30}}{role}|{role}(?:是|为)") if len(role) == 4 else None
    duty = DUTIES.get(asked_duty(query), ())
    event = EVENT_WORDS.get(event_asked(query.text), ()) if "date" in kinds else ()
    out: list[Evidence] = []
    for rank, hit in enumerate(hits[:limit]):
        clause = hit.clause
        if eligible is not None and clause.clause_id not in eligible:
            continue
        english = hit.doc.language == "en"
        clause_weights = weights if english else chinese_weights
        standing_draft = kinds <= STANDING and draft_standing_asked(query, hit.doc, retriever.corpus)
        # A penalty clause is about the duties it sanctions ("违反本条例第六十九条规定的…"): their words are its.
        violated = violated_text(retriever.corpus, clause) if query.asks_penalty else ""
        beyond = " ".join(filter(None, [violated, (subjects or {}).get(clause.clause_id, "")]))
        clause_text = " ".join([hit.doc.title, *clause.heading_path, clause.text, beyond])
        clause_tokens = _index_tokens(retriever, clause_text if numbers_asked else DOC_NUMBER.sub(" ", clause_text),
                                      english, clause_weights.members)
        clause_cov = clause_weights.coverage(clause_tokens)
        subject_weights = clause_weights.only(lambda c: c not in place_concepts)
        sentence_weights = clause_weights.scaled(lambda c: CAL.sentence_place_share if c in place_concepts else 1.0)
        bonus = CAL.named_doc_bonus * min(counts.get(clause.doc_id, 0), 2)
        parts = sentences(clause.text)
        titles = [hit.doc.title, *named_titles]
        for index, sentence in enumerate(parts):
            if _TITLE_LINE.match(sentence) or _is_heading(parts, index):
                continue
            own = without_titles(sentence, titles)
            if not own.strip():
                continue  # the document's own title line
            own_folded = fold(own)
            if whole_count and _CHAPTER_HEAD.match(own):
                continue  # "第一章总则,共4条": one chapter's count, not the document's
            if kinds & _FIGURES and _CAPTION.match(own_folded):
                continue  # a table's caption ("表1 …测算表（万元）") names a unit, not a figure
            if not purpose_asked and _PURPOSE.search(own):
                continue  # "为加强…管理，根据…，制定本办法": why the text was made, shares every word of its subject
            # A short line ("2024年12月18日") is read with the lines before it.
            start = _window(parts, index)
            window = "".join(without_titles(p, titles) for p in parts[start:index + 1])
            if versions and any(y not in versions for y in _ISSUED_IN.findall(fold(window))):
                continue
            # A sentence about other years ("2024年建成…") does not answer a question about this one.
            read_window = fold(window)
            about = years_about(read_window)
            if years and about and not years & about:
                continue
            # A target set for a year is stated with that year ("到2025年…"): a sentence naming none sets no target.
            if years and goal_asked and not years & about:
                continue
            # Nor does a figure for part of a year ("2024年一季度…约9.58亿元") answer one for the whole year.
            if whole_year and _PART_OF_YEAR.search(read_window):
                continue
            # Nor does one about other days ("5月22日与…座谈") a question about a day ("4月10日走访了哪里").
            on = days_about(read_window)
            if days and on and not days & on:
                continue
            # Of a support item named, a sentence naming every choice ("细则的审核方式包含核准制和评审制") does not
            # say which one is its own; of the whole, it answers ("both").
            chosen = sum(any(w in read_window for w in words) for words in choices)
            if choices and (not chosen or (chosen > 1 and query.named_items)):
                continue
            cut = is_cut(clause, hit.doc, index, parts)
            if not cut and ((duty and not any(w in read_window for w in duty))
                            or (event and not any(w in read_window for w in event))):
                continue  # who interprets, asked: not who manages; when one applies: not when a quarter's output was
            money_table = False
            if clause.kind == "table_row":
                # The title speaks of the whole table ("未来三年所需资金测算表（万元）"), the cells of the row.
                title, _, window = window.partition("｜")
                money_table = "元" in title
                # (nor, of an item named, anything but a figure: "评分标准是什么" is not its budget)
                if money_table and (applicant or actuals or over_years or event_time or parties or conditions
                                    or "standard" in kinds or (query.named_items and not kinds & (_FIGURES | {"date"}))):
                    continue  # a budget row is every applicant's total, and an estimate: no answer to what one
                    # applicant gets, nor to what was paid out, nor (its cells by year) to a total over years,
                    # nor (its years head columns of amounts) to when something happens, nor to an item's
                    # support standard (a total budget is no rate or cap)
            # A figure asked is not stated by the numbers of the titles and document numbers a sentence
            # cites ("依据《…行动方案（2024—2025年）》（深龙府函〔2024〕22号）").
            stating = _CITED.sub("《》", DOC_NUMBER.sub(" ", window)) if kinds & _FIGURES and not numbers_asked \
                else window
            if kinds & {"date", "duration"} and not numbers_asked:
                # "根据《…行动方案（2024—2025年）》" states no time of anything but that plan's name, unless asked of it.
                stating = _CITED.sub(lambda m: m.group(0) if title_asked(m.group(0)[1:-1], own_names, query.folded)
                                     else "《》", stating)
            if "doc_number" in kinds and "basis" not in kinds:
                # "《…行动方案》（深龙府函〔2024〕22号）" is that plan's number, no answer about another document (unless
                # the documents a text is based on are what is asked: "依据哪些文件？文号多少").
                stating = _TITLE_NUMBER.sub(lambda m: m.group(0) if title_asked(m.group(1), own_names, query.folded)
                                            else "《》", stating)
            # A budget row reaches here only for a question about the budget ("表1里算力扶持2026年多少"), whose
            # "扶持多少" asks for its cells, not for what one applicant gets.
            row_asks = [(k - {"grant"} or {"money"}, u) for k, u in asks] if money_table else asks
            answered = frozenset(i for i, (k, u) in enumerate(row_asks)
                                 if standing_draft or states(stating, k, u, years, money_table, counted, sorts_of))
            if "definition" in kinds and terms and defined_term(own) and not defines(own, terms, query.folded):
                continue  # "本条例所称人工智能，是指…" defines no 人工智能伦理委员会: another term's definition
            if not cut and (not answered or (actuals and not _PAID_OUT.search(fold(window)))
                            or (conditions and not (_APPLICANTS.search(own) or CONDITIONS_ASKED.search(own_folded)))):
                continue
            # A short line stating a fact under its clause's heading ("一、征求意见时间" / "2024年8月3日至…") states
            # it about the heading.
            read = f"{parts[0]} {own}" if kinds and index and len(own) < CAL.short_sentence \
                and _is_heading(parts, 0) else own
            read_with = f"{read} {beyond}" if beyond else read
            sentence_tokens = _index_tokens(retriever, read_with if numbers_asked else DOC_NUMBER.sub(" ", read_with),
                                            english, clause_weights.members)
            sentence_cov = clause_weights.coverage(sentence_tokens)
            # Which sentence of the clause answers is told mostly by the subject it shares, less by the
            # jurisdiction every clause of the document names (its title and clause carry that).
            sentence_subject = sentence_weights.coverage(sentence_tokens)
            score = (CAL.sentence_weight * sentence_subject + CAL.clause_weight * clause_cov
                     + CAL.rank_weight / (1 + rank) + bonus)
            if terms:
                # "匿名化，是指…" defines the term; other sentences use it. The term asked itself, not a longer
                # one that contains it ("人工智能" is defined where "人工智能产业" is not).
                score += CAL.definition_bonus * defines(own, terms, query.folded) ** 2
            if len(counts) > 1 or (counts and clause.doc_id not in focus):
                # A title naming one document ("《…区级财政专项资金管理办法》"), not a name several share.
                cited = {d for title in _CITED.findall(sentence) if len(named := retriever.documents_named(title)) == 1
                         for d in named} - {clause.doc_id}
                # A sentence citing documents the question names says what it cites of them.
                score += CAL.named_doc_bonus * min(len(set(counts) & cited), 2)
            if ("agency" in kinds and _AGENT.search(own)) or (period and _DATE_RANGE.search(own)) \
                    or (scope and _APPLIES.search(own)) or violated or (cases and _CASES_LISTED.search(own)) \
                    or ("standard" in kinds and _RATE.search(own)) \
                    or ((conditions or parties) and _APPLICANTS.search(own)):
                # States the fact in the form asked: who acts, rather than a department mentioned in passing;
                # a period from one date to another, rather than a single date; what a document applies to;
                # the penalty for breaching a duty, rather than the duty; the cases listed after it, asked
                # "哪些情况下…"; the rate of support, asked how support is reckoned; the bodies that may apply,
                # asked who may apply or who gets it, rather than the item's yearly pool.
                score += CAL.form_bonus
            if row_asked and clause.kind == "table_row" and f"序号：{row_asked}｜" in clause.text:
                score += CAL.ordinal_row_bonus  # "第二个项目": the row a numbered table gives that number
            if acted and acted in own:
                score += CAL.form_bonus  # "谁来设立": the sentence saying who sets it up, not who runs it after
            if designates is not None and role in own_folded:
                # "主管部门是哪个": the sentence saying which body it is, not one where the role only acts.
                score += CAL.definition_bonus if designates.search(own_folded) else -CAL.definition_bonus
            if "agency" in kinds and not _AGENT.search(own) and not re.search(_ORG, own):
                score -= CAL.form_bonus  # who acts: a sentence naming no department ("…科研机构、高校等") says not
            if query.asks_conditions and _QUALIFICATIONS.search(own):
                # What an applicant must be, asked the conditions: rather than how to hand in an application,
                # which shares the words of asking (申报, 单位, 要求) but states no condition.
                score += CAL.qualification_bonus
            if violated and "penalty" in kinds and index == 0:
                score += CAL.form_bonus  # "怎么处罚": the clause's opening sentence says who orders what, first
            # A tier stated on the side of the threshold the question states ("一万元以上的"), not the other.
            score += CAL.tier_weight * tiers.match(own)
            # The question's own wording, word for word, marks the sentence it paraphrases.
            score += CAL.phrase_weight * min(1.0, _common_run(asked_text, read) / CAL.phrase_chars)
            if present and _TARGET.search(own_folded):
                score -= CAL.target_penalty  # "争取到2026年新增…" is a target, not what there is now
            if "issued" in kinds and _ISSUE_DATE.search(own_folded):
                score += CAL.definition_bonus  # the signature date or "发布日期" line dates the document
            if "status" in query.kinds and query.kinds <= STANDING and answer_pattern("status").search(own_folded):
                score += CAL.definition_bonus  # whether a text is in force: the sentence putting it out or in force
            coverage = 0.5 * sentence_cov + 0.5 * clause_cov
            # A document the question names is its subject: any of its sentences shares it.
            subject = 0.5 * subject_weights.coverage(sentence_tokens) + 0.5 * subject_weights.coverage(clause_tokens) \
                if subject_weights.weights and clause.doc_id not in focus else 1.0
            out.append(Evidence(hit, sentence, score, coverage, start, index, cut, subject, answered, len(asks)))
    # A question that names documents, or quotes words of a clause, is about those.
    out = _focus(out, lambda e: e.hit.clause.doc_id in focus)
    quoted = [set(retriever.tokenizer.tokens(p)) for p in query.quoted]
    out = _focus(out, lambda e: any(Terms(dict.fromkeys(q, 1.0), {t: (t, 1.0) for t in q}).coverage(_index_tokens(
        retriever, e.hit.clause.text, e.hit.doc.language == "en")) >= CAL.quote_coverage for q in quoted if q))
    out.sort(key=lambda e: -e.score)
    return out
