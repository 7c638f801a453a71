"""The support measures a question names by what they pay for, and whether a clause is about them.

"住房补贴", "流片补贴", "算力券", "rent subsidy": a measure is named after the thing it pays for. A clause
that never mentions that thing (nor a policy word the user's word stands for) states some other measure's
rate or cap, however many of the question's other words it shares; read out, it would answer a question
about housing with the computing-power subsidy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.areas import names_area
from assistant.calibration import CALIBRATION as CAL
from retrieval.models import Hit
from retrieval.search import Retriever
from retrieval.text import fold

# What a support measure pays is named after what it pays for: "流片补贴", "住房补贴", "人才奖励".
_SUPPORT_NOUN = re.compile(r"补贴|补助|奖励|资助|奖补|贴息")  # 贴息: a loan's interest paid for
# Words by which a clause grants support of some kind. A clause that names the thing but grants nothing
# ("人才在住房等方面按照有关规定享受本市人才政策待遇") refers to rules not held; it states no such measure.
_GRANTS = re.compile(r"补贴|补助|奖励|资助|奖补|扶持|支持|给予|券|减免|优惠|资金|subsid|grant|support|fund|reward|award"
                     r"|allowance|voucher|financ")
_CJK_WORD = re.compile(r"[\u4e00-\u9fff]{2,}")
_LATIN = re.compile(r"[a-z]")
# A support instrument is named by what it pays for and 券 ("训力券"); "两种券", "这个券", "什么券" name none.
_INSTRUMENT = re.compile(r"[\u4e00-\u9fff]{2}券")
_NOT_A_NAME = re.compile(r"[种个类张些两几这那哪各每该此什啥一二三四五六七八九十]")
# Parts of speech of a word naming what is paid for: nouns (not places or persons), verbal nouns,
# abbreviations (研发), place words (场地) and the domain terms the tokenizer was given ("x").
_THING = re.compile(r"n(?![sr])|vn|j|s|x")
_HAVING = frozenset("有 有没有 的 给 能 能拿 可以 可 可以拿".split())
_WHICH = frozenset("什么 啥 哪些 哪种 多少".split())
# Words that only qualify a measure ("元宇宙专项补贴", "一次性奖励"): what it pays for stands before them.
_QUALIFIERS = frozenset("专项 专门 配套 特别 额外 一次性 专属".split())
_RECIPIENTS = frozenset("企业 公司 单位 机构 团队 厂商 厂家".split())
_FIRMS = frozenset("企业 公司".split())
# Words before 企业 that say whose or which firm, not what kind: "我们企业", "该公司", "申报企业".
# Nor how many or where from ("单家企业封顶多少", "外地企业"): the conditions say where a firm must be.
_NOT_KIND = frozenset("我们 我 我司 本 该 这家 那家 这个 那个 这类 哪些 哪类 什么 啥 一家 一个 各 所有 申报 申请 单家 单个 "
                      "每家 每个 单一 同一 任何 其他 其它 相关 有关 外地 本地 当地 区外 市外 省外 区内 市内".split())
# Applying for support and receiving it: "申报的资助总额", "申请补贴" name no thing paid for.
_PROCESS = frozenset("申报 申请 获得 获 拿到 领取 发放 拨付 兑付 兑现 享受".split())
# How much of it ("按合同金额多少比例资助", "补贴标准"): the size of a measure, not a thing it pays for.
_HOW_MUCH = frozenset("比例 比率 金额 额度 数额 标准 上限 幅度".split())
# Applying for a thing names it as what is granted: "人才公寓怎么申请", "能申领人才住房吗".
_APPLY = frozenset("申请 申报 申领 领取".split())
_HOW = frozenset("怎么 怎样 如何 咋 在哪 在哪里 哪里 去哪 去哪里 到哪 到哪里".split())
_END = frozenset("吗 么 呢 不 没".split())
# An English word's inflections: "compute" is what "computing" pays for too.
_INFLECTION = re.compile(r"(?<=[a-z]{4})(?:ing|ed|es|e|s)$")
# "rent subsidy", "housing allowance", "rent support"; "a subsidy for recruiting overseas talent" (the phrase's
# last word).
_EN_MEASURE = r"(?:subsid(?:y|ies)|grants?|allowances?|rewards?|awards?|vouchers?|bonus(?:es)?|stipends?|support)"
_EN_BEFORE = re.compile(rf"\b([a-z][a-z-]{{2,}})\s+{_EN_MEASURE}\b")
_EN_FOR = re.compile(rf"\b{_EN_MEASURE}\s+(?:for|on|towards?)\s+((?:[a-z][a-z-]*\s+){{0,3}}?[a-z][a-z-]{{2,}})"
                     r"(?=\s*(?:[,.?!;]|$|\band\b|\bin\b|\bunder\b|\bfrom\b))")
# English words before "subsidy" that say whose, how much or which kind, not what is paid for.
_EN_NOT_A_THING = frozenset(
    "the any what which this that such government district city municipal provincial national longgang "
    "shenzhen guangdong financial maximum total annual special one-off additional extra ai its their our "
    "your much many policy policies more direct such get gets receive provide provides offer offers there some "
    "is are no".split()
    # … nor the words after "subsidy for" that say who gets it
    + "us me we them it company companies enterprise enterprises firm firms business businesses startup startups "
    "start-up start-ups sme smes applicant applicants university universities institute institutes".split())


@dataclass(frozen=True)
class NamedMeasure:
    """A support measure as the question names it, and the words a clause about it uses."""

    name: str  # as the question names it ("住房补贴", "rent subsidy")
    forms: tuple[str, ...]  # folded: the thing paid for, and the policy words the user's word stands for


def named_measures(retriever: Retriever, text: str) -> tuple[NamedMeasure, ...]:
    """The support measures a question names by a particular thing they pay for.

    A thing most clauses mention (人工智能, 企业, 项目) or an everyday word unknown to the held texts names
    nothing in particular; an asking word or a particle before 补贴 ("能补贴", "…的话补贴") names nothing.
    """
    folded = fold(text)
    out: dict[str, NamedMeasure] = {}
    for name in dict.fromkeys(_INSTRUMENT.findall(folded)):
        if not _NOT_A_NAME.search(name[:2]):
            out[name] = NamedMeasure(name, (name, *retriever.lexicon.expansions(name)))
    if _SUPPORT_NOUN.search(folded):
        words = retriever.tokenizer.tagged_words(folded)
        for at, (word, _) in enumerate(words):
            noun = _SUPPORT_NOUN.search(word)
            if noun is None:
                continue
            # What is paid for stands before the word, or before a verb of having and a word asking which
            # ("独角兽有奖励吗", "机器人有什么补贴").
            k = at - 1
            while k >= 0 and at - k <= 3 and words[k][0] in _HAVING | _WHICH | _QUALIFIERS:
                k -= 1
            named_end = k + 1  # the measure as the question names it ends here ("高新技术企业认定|奖励")
            # "高新技术企业认定奖励", "算力租用补贴": an act the held texts know is of the thing named before it.
            act = k > 0 and words[k][1].startswith("v") and retriever.is_known(words[k][0]) \
                and words[k - 1][1].startswith("n")
            if act:
                k -= 1
            # "机器人企业的补贴": who gets it stands between the thing paid for and the word.
            if k > 0 and words[k][0] in _RECIPIENTS:
                k -= 1
                while k >= 0 and words[k][0] in _HAVING:
                    k -= 1
            before, start = (words[k] if k >= 0 else ("", "")), k
            if k > 0 and len(before[0]) == 1 and re.match(r"n|v", words[k - 1][1]) \
                    and _CJK_WORD.fullmatch(words[k - 1][0] + before[0]):
                before, start = (words[k - 1][0] + before[0], "n"), k - 1  # "成长奖奖励": a one-character noun ends a longer name
            thing, tag = (word[:noun.start()], "n") if noun.start() else before
            if names_area(retriever.corpus, thing) or thing.endswith("里"):
                continue  # an area's support ("龙岗区有奖励吗", "区里有什么资助") names no thing paid for
            if tag == "ns":
                tag = "n"  # jieba's place tag on a word that names no area ("上市")
            # A verb no held clause has, rare in Chinese, names what is paid for too ("安居补贴", "搬迁补贴").
            thing_like = _THING.match(tag) or (tag.startswith("v") and not retriever.is_known(thing))
            if thing_like and _CJK_WORD.fullmatch(thing) and thing not in _PROCESS | _HOW_MUCH \
                    and _particular(retriever, thing):
                said = "".join(w for w, _ in words[start:named_end]) if act and not noun.start() else thing
                out.setdefault(thing, NamedMeasure(said + noun.group(0), (thing, *retriever.lexicon.expansions(thing))))
    preceded = list(_EN_BEFORE.finditer(folded))
    # "housing subsidies for AI talent": with the thing paid for before the word, "for …" says who gets it.
    named_before = {m.end() for m in preceded if m.group(1) not in _EN_NOT_A_THING}
    after = [m for m in _EN_FOR.finditer(folded) if not any(m.start() < end <= m.start() + 12 for end in named_before)]
    for match in [*preceded, *after]:
        thing = match.group(1).split()[-1]
        if thing not in _EN_NOT_A_THING:
            # The Chinese policy words for the measure's name ("rent subsidy" -> 租金), else for the thing
            # alone, and what those stand for.
            bilingual = retriever.lexicon.bilingual
            spaced = thing.replace("-", " ")  # "computing-power" is written "computing power" in the texts
            glosses = bilingual.get(match.group(0)) or bilingual.get(thing) or bilingual.get(spaced) or ()
            forms = [_INFLECTION.sub("", spaced), *glosses,
                     *(w for g in glosses for w in retriever.lexicon.expansions(g))]
            out.setdefault(thing, NamedMeasure(match.group(0), tuple(dict.fromkeys(forms))))
    return tuple(out.values())


_ROLL = re.compile(r"([\u4e00-\u9fff]{2})卷")


def voucher_slips(retriever: Retriever, text: str) -> dict[str, str]:
    """Vouchers typed with 卷 for 券, the pinyin input method's slip ("训力卷" for 训力券): each such word whose
    券 form a held text uses, with that form."""
    found = {m.group(0): f"{m.group(1)}券" for m in _ROLL.finditer(fold(text))}
    return {typed: meant for typed, meant in found.items()
            if any(meant in fold(c.text) for c in retriever.corpus.clauses)}


def unheld_applied_for(retriever: Retriever, text: str) -> tuple[str, ...]:
    """The things a question applies for that no held clause mentions, nor any policy word they stand for,
    named with the noun before them: nothing held grants them ("人才公寓怎么申请", "能申请人才安居房吗").

    The thing is the noun before "(怎么)申请" or the last one after it, ending the question. What is applied
    for need not be paid (备案 is applied for too): only a thing no held text mentions says nothing held.

    A support noun (补贴) or voucher is a measure already; who applies (企业) or an area is no thing granted.
    jieba tags an unknown noun as a person's name ("安居房") as often as not: here no person is applied for.
    """
    folded = fold(text)
    if not any(word in folded for word in _APPLY):
        return ()  # tagging the words of every question is the slow part: only one that applies is tagged
    words = retriever.tokenizer.tagged_words(folded)
    found: list[int] = []
    for at, (word, _) in enumerate(words):
        if word not in _APPLY:
            continue
        if at >= 2 and words[at - 1][0] in _HOW:
            found.append(at - 2)  # "公寓怎么申请"
        rest = [i for i in range(at + 1, len(words)) if words[i][0] != "的"]
        if rest and words[rest[-1]][0] in _END:
            rest = rest[:-1]
        if rest and len(rest) <= CAL.applied_words and rest[-1] == len(words) - 1 - (words[-1][0] in _END):
            found.append(rest[-1])  # "申请龙岗的人才住房吗"
    out: list[str] = []
    for k in found:
        thing, tag = words[k]
        if not re.match(r"n|vn|j|x", tag) or not _CJK_WORD.fullmatch(thing) or thing in _PROCESS \
                or thing in _RECIPIENTS or _SUPPORT_NOUN.search(thing) or thing.endswith("券") \
                or names_area(retriever.corpus, thing) or not _particular(retriever, thing) \
                or retriever.is_known(thing) or retriever.lexicon.expansions(thing):
            continue
        before = words[k - 1] if k > 0 else ("", "")
        named = before[1].startswith("n") and _CJK_WORD.fullmatch(before[0]) and not names_area(retriever.corpus,
                                                                                                   before[0])
        out.append(before[0] + thing if named else thing)
    return tuple(dict.fromkeys(out))


# The words of a kind of firm: nouns, adjectives, distinguishing words (专精|特新), abbreviations, domain terms.
_KIND_OF_FIRM = re.compile(r"n(?!r$)|a|b|d|j|x|vn|ns|nr")


def unheld_firm_kinds(retriever: Retriever, text: str) -> tuple[str, ...]:
    """The kinds of firm a question names ("高新技术企业", "专精特新小巨人企业", "民营企业") by a word no held
    clause has, nor any policy word it stands for: the held texts grant nothing to that kind of firm as such,
    and another measure's amount read out would answer a question they do not answer.

    The kind is the run of words before 企业/公司 (or one word ending in them). A firm of a kind the texts do
    name ("初创企业", "人工智能企业", "中小企业") is no such question; nor is an area's ("龙岗企业").
    """
    words = retriever.tokenizer.tagged_words(fold(text))
    out: list[str] = []
    for at, (word, _) in enumerate(words):
        if word in _FIRMS:
            start = at
            while start > 0 and at - start < 4 and _KIND_OF_FIRM.match(words[start - 1][1]) \
                    and _CJK_WORD.fullmatch(words[start - 1][0] + "字") and words[start - 1][0] not in _NOT_KIND:
                start -= 1
            kind = [w for w, _ in words[start:at]]
        elif word.endswith(tuple(_FIRMS)) and len(word) > 3 and not retriever.is_known(word):
            kind = [word[:-2]]  # "民营企业": one word
        else:
            continue
        if any(names_area(retriever.corpus, w) for w in kind):
            kind = []
        unknown = [w for w in kind if len(w) >= 2 and not retriever.is_known(w) and not retriever.lexicon.expansions(w)]
        if unknown:
            out.append("".join(kind) + (word if word in _FIRMS else word[-2:]))
    return tuple(dict.fromkeys(out))


def _particular(retriever: Retriever, thing: str) -> bool:
    """True when a word names a particular thing: rare in the held clauses, or (unknown to them) in Chinese."""
    if retriever.is_known(thing):
        return retriever.idf(thing) >= CAL.measure_min_idf
    return retriever.tokenizer.general_idf(thing) >= CAL.everyday_idf


# A fund named by what it invests in ("人工智能产业引导基金", "天使投资基金"), the place it is of left out.
_FUND = re.compile(r"([\u4e00-\u9fff]{2,10}?(?:引导|产业|投资|创投|天使|发展|母)基金)")
_FUND_OPENING = re.compile(r"^(?:(?:深圳|龙岗|广东|全国|国家)(?:市|区|省)?|市里|区里|省里|市级|区级|省级|的"
                           r"|(?:市|区|省)?(?:人民)?政府"
                           r"|请问|有没有|有无|是否有|有|那个|这个|关于)+")


def named_funds(text: str) -> tuple[str, ...]:
    """The funds a question names by what they invest in, without the place they are of or the words asking."""
    return tuple(dict.fromkeys(name for m in _FUND.finditer(fold(text))
                               if len(name := _FUND_OPENING.sub("", m.group(1))) > 4))


def unheld_measures(retriever: Retriever, measures: tuple[NamedMeasure, ...]) -> tuple[str, ...]:
    """The (Chinese) measures named for a thing no held clause mentions, nor any policy word it stands for:
    nothing held pays for it ("流片补贴")."""
    return tuple(m.name for m in measures if _CJK_WORD.fullmatch(m.name) and len(m.forms) == 1
                 and not m.name.endswith("券") and not retriever.is_known(m.forms[0]))


def about(retriever: Retriever, measure: NamedMeasure, hit: Hit) -> bool:
    """True when a clause (its text, headings or document title) mentions what the measure pays for, and
    its text grants support of some kind.

    An English clause is read with the Chinese policy words for its English ones; an English word with no
    Chinese policy word for it says nothing either way of a Chinese clause.
    """
    if not _GRANTS.search(fold(hit.clause.text)):
        return False
    text = fold(" ".join([hit.doc.title, *hit.clause.heading_path, hit.clause.text]))
    forms = list(measure.forms)
    if hit.doc.language == "en":
        text += " " + " ".join(retriever.lexicon.gloss(text))
    else:
        forms = [f for f in forms if not _LATIN.match(f)]
    return not forms or any(re.search(rf"\b{re.escape(f)}", text) if _LATIN.match(f) else f in text for f in forms)
