"""The conclusion an extractive answer opens with: one sentence that answers the question, before any quote.

Pure functions. The lead states what the question asks for (its answer types, `assistant.understanding.asks`)
in the words of the sentence chosen to answer it: the part of that sentence that states the figure, date,
department or count. A Chinese question answered from a Chinese clause repeats the clause's own words
(the comma-delimited part that states the fact, or just the fact when that part is long); otherwise the
fact is put in the row's template of the question's language, with the figure exactly as the clause writes
it (no unit is converted). Every figure and date of a lead must be read in the quote it precedes; when
that cannot be assured, or nothing asked is stated, there is no lead rather than a wrong one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from itertools import pairwise

from assistant.calibration import CALIBRATION as CAL
from assistant.claims import ARTICLE, ENUMERATOR, claims_of, facts_of, split_sentences
from assistant.definitions import defined_term
from assistant.evidence import Tiers, asks_period, heading_line, title_asked
from assistant.understanding.asks import (
    DATE,
    AnswerType,
    answer_pattern,
    answer_type,
    counted,
    lists_sorts,
    sorts_asked,
)
from prechecks.numbers import read_amounts
from retrieval.text import compact, fold

_SEGMENT_END = {"zh": re.compile(r"[，,；;。！？!?]"), "en": re.compile(r"[,;!?]|\.(?=\s|$)")}
# Quotation marks set off a quoted clause in the answer; in a lead they would only repeat the clause's.
_QUOTE_MARKS = re.compile(r"[“”「」『』\"]")
_MARKUP = re.compile(r"[*#>`|｜]")
# A part that ends in 的 states a condition ("合同金额1000万元以上的"), not what is granted; one that opens
# with 对于 or 除 or closes with 外 sets the scope a sentence speaks of ("除涉及国家安全的领域外").
_CONDITION = re.compile(r"的\s*$")
# A part that only scopes what follows ("对于法人企业", "除…外"); one that goes on to state a duty or grant
# ("对于法人企业要求纳税地…在龙岗区") is a statement.
_SCOPE = re.compile(r"的\s*$|^\s*(?:对于|除)(?!.*(?:要求|应当|须|给予|不得))|外\s*$")
# A part that only links what precedes to what follows ("其中", "同时"): it says nothing alone.
_LINK = re.compile(r"^(?:其中|同时|此外|另外|并且|而且|以及)$")
_TITLED = re.compile(r"《[^》]*》")
# Words that say what is granted or required: of several parts stating an amount, the one to lead with.
_GRANT = re.compile(r"给予|资助|补贴|奖励|扶持|支持|最高|不超过|可获|上限|封顶|罚款|处|up to|grant|subsid|award|support|fine",
                    re.IGNORECASE)
_FILLER_HEAD = re.compile(r"^(?:请问|我想问(?:一下|下)?|想问(?:一下|下)?|问一下|你好|您好|[那这该此](?:个|条|项|一条|一项)|那么|那|咱们|我们|我|"
                          r"按照?|根据|依据|依照|在)+")
_PARTICLE_TAIL = re.compile(r"(?:的|是|由|归|要|需要|可以|能|都|有|在|按|对|给|应|会|将|一共|总共|共|到底|究竟|具体|从|自|于|"
                            r"向|到|里|中|每年|一年|其中)+$")
_INTERROGATIVE = re.compile(r"多少|多大|多高|多长|多久|什么|啥|哪|几|谁|何|是否|有没有|能不能|吗")
_VERB = re.compile(r"说|讲|提到|规定|要求|问|提出|里|中|其中|按|根据|依据")
_MIN_RESTATED = 10  # shorter: a heading ("申报条件"), which answers nothing
_EN_SENTENCE = re.compile(r"^\W*[A-Z](?:\S+\s+){5,}.*[.!?]\W*$", re.DOTALL)  # six words or more, closed
_TITLE_BRACKETS = re.compile(r"[《》〈〉]")
_SUBJECT_MAX = 16
_SAID_AS = {"money": "cap"}  # a kind asked -> the kind whose words state it better, when a clause has them
_HOW_MANY = re.compile(r"多少|(?<!哪)几|多大|多高|多长|多久|how (?:many|much)", re.IGNORECASE)
# A sentence opening with a tier's condition that holds a figure ("交易金额一万元以上的，处…").
_NEXT_TIER = re.compile(r"^[^，。；：]{0,30}[\d一二两三四五六七八九十百千万]+[^，。；：]{0,20}的，")
_CJK_PAIR = re.compile(r"[\u4e00-\u9fff]{2}")
# A rate raised for some applicants; a programme's whole yearly pool ("每年发放最高5亿元"), which is no
# applicant's amount unless the question asks about the pool.
_NEAR = 12  # characters before a figure that say what it is of
_RAISED = re.compile(r"提高|上调|提升|放宽|increased? (?:to|the)|raised? to")
_POOL = re.compile(r"发放|总额|总规模|规模|pool|in total", re.IGNORECASE)
_POOL_ASKED = re.compile(r"发放|发多少|总额|总共|一共|规模|总量|一年发|每年发|pool|in total|altogether|each year|per year")
_RANGE_AFTER = re.compile(rf"\s*(?:至|到|—|-|~|－)\s*(?:{DATE})")


def _figured(text: str) -> bool:
    """True when `text` states a figure ("30000P", "五万元", "十四周岁", "三类"); a numeral inside a word
    ("一体化", "统一") states none."""
    return bool(claims_of(text).values) or bool(answer_pattern("count").search(text))


def _clean(part: str, language: str) -> str:
    """A part of a clause as a lead says it: no enumerator, article label, markup or quotation marks."""
    part = _QUOTE_MARKS.sub("", _MARKUP.sub("", part)).strip()
    part = re.sub(r"^第[^条]{1,8}条\s*", "", part) if ARTICLE.match(part) else part
    enumerator = ENUMERATOR.match(part)
    if enumerator:
        part = part[enumerator.end():]
    part = part.strip(" \t：:，,；;。.")
    if re.fullmatch(r"[(（][^()（）]*[)）]", part):
        part = part[1:-1]  # a bracketed note said as a sentence: "责任单位：市发展改革委…"
        part = part.replace(":", "：") if language == "zh" else part
    if language == "en" and part:
        part = part[0].upper() + part[1:]
    return part


def _segment(sentence: str, start: int, end: int, language: str) -> tuple[int, int]:
    """Bounds of the comma-delimited part of `sentence` holding the span start..end."""
    boundary = _SEGMENT_END[language]
    left = max((m.end() for m in boundary.finditer(sentence, 0, start)), default=0)
    right = next((m.start() for m in boundary.finditer(sentence, end)), len(sentence))
    return left, right


def _tier(sentence: str, left: int, language: str) -> tuple[int, str] | None:
    """The condition with a figure just before the part starting at `left` ("交易金额不足一万元的"), with where it
    starts; None when the part before is no such condition."""
    before = [(start, part) for start, part in _parts(sentence[:left], language)]
    if not before:
        return None
    start, part = before[-1]
    return (start, part) if _CONDITION.search(part.rstrip("，, ")) and _figured(part) \
        and not ARTICLE.search(part) else None


def _bigrams(text: str) -> set[str]:
    chars = [c for c in fold(text) if c.isalnum()]
    return {a + b for a, b in pairwise(chars)}


def _parts(sentence: str, language: str) -> list[tuple[int, str]]:
    """The comma-delimited parts of a sentence with where each starts."""
    starts = [0, *(m.end() for m in _SEGMENT_END[language].finditer(sentence))]
    return [(a, sentence[a:b]) for a, b in pairwise([*starts, len(sentence)]) if sentence[a:b].strip()]


def _role(kind: AnswerType, question: str) -> str:
    """The word a who-question puts before what it asks ("会同" in "区工信局是会同哪个部门…"): the answer is
    the organisation the clause names after that word. "" when it is not a Chinese word."""
    folded = fold(question)
    match = kind.asks.search(folded) if kind.name == "agency" else None
    role = folded[max(0, match.start() - 2):match.start()] if match else ""
    return role if _CJK_PAIR.fullmatch(role) else ""


def _best_match(kind: AnswerType, sentence: str, language: str, question: str) -> re.Match[str] | None:
    """Of the spans stating the kind's fact, the one in a part that is no condition, that the question does
    not itself name (the body it asks about is not the answer), that follows the word the question puts
    before what it asks, that opens a period when a period is asked, that shares most words with the question,
    and that grants or requires something."""
    assert kind.lead is not None
    asked = _bigrams(question)
    titles = [m.span() for m in _TITLED.finditer(sentence)]
    # A figure or name inside a document's title (《…（2023—2024年）》) is not what the sentence states.
    matches = [m for m in kind.lead.span.finditer(sentence) if not any(a <= m.start() < b for a, b in titles)]
    if kind.name == "doc_number":
        # "《…实施意见》（粤府〔2023〕90号）" is that document's number: led only when the question asks of it.
        matches = [m for m in matches if not (cited := _named_before(sentence, 0, m.start())).startswith("《")
                   or title_asked(cited.strip("《》"), [], fold(question))]
    role = _role(kind, question)
    period = asks_period(fold(question))
    tiers = Tiers.of(question)
    pool_asked = bool(_POOL_ASKED.search(fold(question)))
    units = counted(question) if kind.name == "count" else frozenset()  # "几条", "how many articles": 条

    def rank(match: re.Match[str]) -> tuple[float, ...]:
        left, right = _segment(sentence, match.start(), match.end(), language)
        tier = _tier(sentence, left, language)
        part = sentence[left:right]
        asked_part = f"{tier[1]}{part}" if tier else part  # a tier's figure is told by its condition
        named = _bigrams(match.group("v"))
        return (1 if units and not any(u in match.group(0) for u in units) else 0,
                1 if _CONDITION.search(part) else 0,
                # a body the question itself names ("伦理委员会是谁设立的") is not who acts on it
                1 if kind.name == "agency" and ((named and len(named & asked) * 2 >= len(named))
                                                or compact(match.group("v"))[-4:] in compact(fold(question))) else 0,
                1 if role and not fold(sentence[:match.start()]).endswith(role) else 0,
                1 if period and not _RANGE_AFTER.match(sentence, match.end()) else 0,
                1 if _special_case(part, asked) else 0,
                1 if _POOL.search(part) and not pool_asked else 0,
                -tiers.match(asked_part),
                -len(_bigrams(asked_part) & asked), -len(_bigrams(_named_before(sentence, left, match.start())) & asked),
                0 if _GRANT.search(part) else 1,
                -_amount_of(match.group("v")) if kind.name == "cap" else 0)  # of tiers asked alike, the highest

    return min(matches, key=rank) if matches else None


def _amount_of(written: str) -> float:
    """The amount a matched figure states, in 万元 (0 when it states none)."""
    amounts = read_amounts(written)
    return float(amounts[0].wan) if amounts else 0.0


def _named_before(sentence: str, left: int, start: int) -> str:
    """What a figure is said of, within its part: the title just before a document number ("《…办法》（…号）"),
    else the words just before the figure."""
    before = sentence[left:start]
    titles = _TITLED.findall(before)
    return titles[-1] if titles and before.rstrip("（(） )").endswith("》") else before[-_NEAR:]


def _special_case(part: str, asked: set[str]) -> bool:
    """A part raising the rate for some applicants ("对初创企业提高资助比例至60%") that the question does not
    name: the rule for everyone else states the fact asked."""
    raised = _RAISED.search(part)
    return bool(raised and not (_bigrams(part[:raised.start()]) & asked))


def restated(question: str, sentence: str, language: str, whole_answer: bool = False) -> str:
    """Without a figure, date or name to say: the answering sentence itself as the lead, in its own words,
    without the conditions it opens with; a long one cut to the parts that share most words with the
    question (an English one is said whole or not at all). "" when none does, or when the question asks
    how many and no part has a figure. `whole_answer`: every part of the sentence answers, even sharing no
    word with the question — what the heading the question matched ("（三）申报条件。") goes on to say, or
    the sentence defining the term asked ("…，是指…的资金", whose last part names what the term is)."""
    if language == "en":  # whole or not at all: its parts ("and …") do not stand alone
        whole = _clean(sentence, language)
        figured = not _HOW_MANY.search(question) or _figured(whole)
        return f"{whole}." if figured and _EN_SENTENCE.search(sentence) and len(whole) <= CAL.lead_restated_max * 3 \
            else ""
    asked = _bigrams(_TITLED.sub(" ", question))  # the documents it names say nothing of what it asks
    parts = [(start, _clean(part, language)) for start, part in _parts(sentence, language)]
    parts = [(start, part) for start, part in parts if part and not _LINK.match(part)]
    # A tier's condition stays with the figure it sets ("交易金额不足一万元的，处五万元以上…罚款"): that figure
    # said without it misstates the rule.
    tiered: list[tuple[int, str]] = []
    for start, part in parts:
        if tiered and _figured(part) and re.search(r"的\s*$", tiered[-1][1]) and _figured(tiered[-1][1]):
            tiered[-1] = (tiered[-1][0], f"{tiered[-1][1]}，{part}")
        else:
            tiered.append((start, part))
    parts = tiered
    answers = [(start, part) for start, part in parts if not _SCOPE.search(part)] or parts
    most = CAL.lead_whole_answer_max if whole_answer else CAL.lead_restated_max
    how_many = bool(_HOW_MANY.search(question))
    if sum(len(part) for _, part in answers) > most:
        # asked how many or how much, the part stating a figure comes before parts that only share words
        ranked = sorted(answers, key=lambda p: (how_many and not _figured(p[1]), -len(_bigrams(p[1]) & asked)))
        kept: list[tuple[int, str]] = []
        for start, part in ranked:
            if (whole_answer or _bigrams(part) & asked) and sum(len(p) for _, p in kept) + len(part) <= most:
                kept.append((start, part))
        answers = sorted(kept)
    if how_many and not any(_figured(p) for _, p in answers) and any(_figured(p) for _, p in parts) \
            and sum(len(p) for _, p in parts) <= CAL.lead_restated_max:
        answers = parts  # the figure asked is in the condition ("处理未满十四周岁的未成年人个人数据的")
    if not answers or (how_many and not any(_figured(p) for _, p in answers)):
        return ""
    if sum(len(p) for _, p in answers) < _MIN_RESTATED:
        return ""
    return "，".join(part for _, part in answers) + "。"


def question_subject(question: str, types: Sequence[AnswerType]) -> str:
    """What a Chinese question asks about: its words before the first words that ask ("训力券最高补多少" →
    "训力券"), without fillers, particles, quotation marks or figures; "" when that is not a short phrase."""
    starts = [m.start() for t in types if t.lead is not None and (m := t.asks.search(question))]
    asking = _INTERROGATIVE.search(question)
    if not starts:
        return ""
    head = re.split(r"[，,。？?！!；;：:\s]", question[:min(starts + ([asking.start()] if asking else []))])[-1]
    head = _TITLE_BRACKETS.sub("", _QUOTE_MARKS.sub("", head))
    head = _PARTICLE_TAIL.sub("", _FILLER_HEAD.sub("", head))
    claims = claims_of(head)
    if not 2 <= len(head) <= _SUBJECT_MAX or claims.values or claims.dates or claims.articles:
        return ""
    if _VERB.search(head):
        return ""  # "起草说明里讲…", "按…规定": a clause of the question, not what it is about
    return head


def past_validity(lead: str, language: str, today: date) -> str:
    """A lead stating when a text's validity ends ("有效期至2025年9月") said to have ended, when that is before
    `today`: the conclusion a person asking "还有效吗" needs, with no figure added."""
    if not re.search(r"有效期|有效至|valid until", lead, re.IGNORECASE):
        return lead
    ends = [d for _, d in claims_of(lead).dates if d.year and d.month]
    if not ends or (ends[-1].year, ends[-1].month, ends[-1].day or 31) >= (today.year, today.month, today.day):
        return lead
    return lead[:-1] + ("; that date has passed." if language == "en" else "，现已过期。")


def grounded_in(lead: str, quote: str) -> bool:
    """True when every figure and date of `lead` is one `quote` states (compared by value)."""
    claims, facts = claims_of(lead), facts_of(quote)
    return (all(value in facts.values for _, value in claims.values)
            and all(any(date.covered_by(known) for known in facts.dates) for _, date in claims.dates))


def _stated_parts(types: Sequence[AnswerType], language: str, sentence: str, clause_language: str,
                  question: str) -> list[tuple[int, str, bool]]:
    """The parts of `sentence` that state what `types` ask, in the lead's words: (where, text, whether the
    text is a template's rather than the clause's own words)."""
    own_words = language == clause_language
    parts: list[tuple[int, str, bool]] = []
    names = {t.name for t in types}
    # An amount asked is best said as the cap a clause states ("up to", "最高") when it states one.
    types = [*(answer_type(a) for k, a in _SAID_AS.items() if k in names and a not in names), *types]
    if "doc_number" in names:
        # "引用的办法是哪个文号": the number of the document cited answers, not the list of every title cited.
        types = [t for t in types if t.name != "basis"]
    for kind in sorted(types, key=lambda t: not (t.lead and t.lead.anchored)):
        if kind.lead is None or any(kind.lead.span.search(text) for _, text, _ in parts):
            continue  # a part already chosen states this kind too (a cap is an amount)
        match = _best_match(kind, sentence, clause_language, question)
        if match is None:
            continue
        left, right = _segment(sentence, match.start(), match.end(), clause_language)
        part = _clean(sentence[left:right], clause_language)
        templated = not own_words or len(part) > CAL.lead_part_max or match.group(0) not in part
        condition = _tier(sentence, left, clause_language)
        if condition and templated:
            continue  # a tier's figure without its tier ("交易金额不足一万元的，处…") misstates the rule
        if condition:
            # "交易金额一万元以上的，处二十万元…罚款": a figure stated for one tier is said with its tier.
            part, left = f"{_clean(condition[1], clause_language)}，{part}", condition[0]
        if templated:
            part = kind.lead.say(language, _QUOTE_MARKS.sub("", match.group("v")).strip())
        if part and part not in (text for _, text, _ in parts):
            parts.append((left if own_words else match.start(), part, templated))
    return sorted(parts)


def _said(parts: list[tuple[int, str, bool]], question: str, types: Sequence[AnswerType], language: str) -> str:
    """Parts stating the facts asked, as one sentence of the question's language. A template's words
    ("最高1000万元") name no subject: the question's is put before them."""
    texts = [text for _, text, _ in parts]
    if language == "en":
        texts = [texts[0][0].upper() + texts[0][1:], *(t[0].lower() + t[1:] if t[:4] in ("The ", "Up t") else t
                                                     for t in texts[1:])]
        return "; ".join(texts) + "."
    subject = question_subject(question, types) if any(templated for _, _, templated in parts) else ""
    body = "，".join(texts)
    return (f"{subject}：{body}" if subject and subject not in body and "：" not in body else body) + "。"


def listed(sentence: str, items: Sequence[str], quote: str) -> str:
    """A sentence that introduces a list ("主要包括以下五个方面：") said with the items it introduces (their
    headings, without enumerators), when that is short and every figure is one the quote states; else ""."""
    intro = _clean(sentence, "zh")
    names = [name for item in items if (name := _clean(item, "zh"))]
    if not names or not sentence.rstrip().endswith(("：", ":")):
        return ""
    lead = f"{intro}：{'；'.join(names)}。"
    return lead if len(lead) <= 2 * CAL.lead_restated_max and grounded_in(lead, quote) else ""


def lead_sentence(question: str, types: Sequence[AnswerType], language: str, sentence: str, quote: str,
                  clause_language: str, *, restate: bool = True, items: Sequence[str] = ()) -> str:
    """The sentence an answer opens with, stating what `types` ask from the answering `sentence`; "" if none.

    `language`: the question's ("zh" | "en"); `clause_language`: the sentence's; `quote`: the words the
    answer then quotes (every figure of the lead must be among them). When the answering sentence states
    none of it (a heading, "(三)发放语料券。"), the sentences the quote reads after it may.
    `restate`: without a figure, date or name to say, restate the sentence (`restated`).
    `items`: the headings of the items a sentence ending in "：" introduces; the lead then names them.
    """
    clause_language = "en" if clause_language == "en" else "zh"
    # "审核方式有几种" answered by the sorts the sentence names, not by a figure it states of something else.
    sorts = lists_sorts(fold(sentence), sorts_asked(fold(question))) if language == clause_language == "zh" else ""
    if sorts:
        return f"{sorts}。"
    quoted = [p.strip() for p in split_sentences(quote) if p.strip()]
    following = quoted[quoted.index(sentence) + 1:][:CAL.lead_next_sentences] if sentence in quoted else []
    pool = ""
    for candidate in (sentence, *following):
        parts = _stated_parts(types, language, candidate, clause_language, question)
        lead = _said(parts, question, types, language) if parts else ""
        if lead and grounded_in(lead, quote):
            # (a template's words, "Up to 5亿元", are checked by the clause's words they were read from)
            if all(_POOL.search(candidate[slice(*_segment(candidate, where, where + 1, clause_language))]
                               if templated else text) for where, text, templated in parts) \
                    and not _POOL_ASKED.search(fold(question)):
                pool = pool or lead  # a yearly pool: a sentence after it may state what one applicant gets
                continue
            return lead
    if pool:
        return pool
    if not restate or language != clause_language:
        return ""
    if items and language == "zh" and (lead := listed(sentence, items, quote)):
        return lead
    # A sentence too short to say anything ("（三）申报条件。"), or a heading that only repeats what the question asks
    # about ("重点发力方向有哪些" and "（三）锚定重点发力方向。"), heads what the next one says: that one is restated.
    # (A heading naming something of its own, "(二)打造大湾区智能算力枢纽。", is itself an answer.)
    said = _clean(sentence, language)
    named = _bigrams(said)
    heading = len(said) < _MIN_RESTATED or (
        heading_line(sentence) and bool(following) and len(named & _bigrams(question)) >= len(named) / 2)
    defining = any(t.name == "definition" for t in types)
    for candidate in (following[:1] if heading and following else (sentence, *following[:1])):
        whole = (heading and candidate is not sentence) or (defining and bool(defined_term(candidate)))
        lead = restated(question, candidate, language, whole_answer=whole)
        if lead and grounded_in(lead, quote):
            # The next tier of the same rule ("交易金额一万元以上的，处…") is said with it: one tier alone is half
            # the rule.
            after = quoted[quoted.index(candidate) + 1] if candidate in quoted[:-1] else ""
            tier = restated(question, after, language) if _NEXT_TIER.match(after) and _figured(lead) else ""
            if tier and _figured(tier) and grounded_in(tier, quote):
                lead = f"{lead[:-1]}；{tier}"
            return lead
    return ""


def figure_restated(question: str, types: Sequence[AnswerType], language: str, sentence: str, quote: str,
                    clause_language: str) -> str:
    """Of a how-much question, the answering sentence restated when what is kept of it states a figure; "" else.
    What a side-by-side lead says of each where no template reads the figure ("每年分别发放多少训力券和语料券")."""
    if not _HOW_MANY.search(fold(question)):
        return ""
    lead = lead_sentence(question, types, language, sentence, quote, clause_language)
    return lead if _figured(lead) else ""


def lead_in_quote(question: str, types: Sequence[AnswerType], language: str, quote: str, clause_language: str,
                  message: str = "", answering: str = "") -> str:
    """The lead of one question of several (`message`) from the quote that answers them all: the fact it asks,
    from the first sentence stating it; else the sentence chosen to answer the message (`answering`) when it
    shares words with this question, or the sentence sharing most of its words, restated; "" if none."""
    quoted = [p.strip() for p in split_sentences(quote) if p.strip()]
    # "文号是多少" alone does not say whose number: the message does ("是根据哪个行动方案起草的？文号是多少").
    whose = message if message and any(t.name == "doc_number" for t in types) else question
    stated = next((lead for sentence in quoted
                   if (lead := lead_sentence(whose, types, language, sentence, quote, clause_language,
                                             restate=False))), "")
    if stated or not quoted:
        return stated
    asked = _bigrams(question)
    # (the answering sentence was chosen on the whole message's subject, not on shared character pairs, which
    # a programme's name repeated in its yearly pool would win: "语料券对买的语料有什么要求"; a how-much
    # question of several, "一年发多少", asks the figure of the sentence sharing its words)
    closest = answering if answering in quoted and _bigrams(answering) & asked and not _HOW_MANY.search(question) \
        else max(quoted, key=lambda sentence: len(_bigrams(sentence) & asked))
    return lead_sentence(question, types, language, closest, quote, clause_language)


# "购买非关联方语料的企业": a clause limited to what is not X. A yes/no question about X ("从关联公司买的…能补吗")
# is answered by that limit.
# "民办非企业单位" is the name of a kind of body, not a limit to what is not an enterprise.
_NOT_OF = re.compile(r"(?<!民办)非([\u4e00-\u9fff]{2})([方者类])?")
# "么" asks yes or no ("能补么"), but not inside "什么" or "怎么", which ask what or how.
_YES_NO = re.compile(r"吗|(?<![什怎])么|能不能|可不可以|可以不|行不行|是否|能否|算不算")


def excluded_case(question: str, sentence: str) -> str:
    """The limit of a sentence to what is not X ("非关联方") that a yes/no question asks about X, said as the
    answer ("不符合：所引条款限于“非关联方”的情形。"); "" when the sentence sets no such limit on what is asked."""
    folded = fold(question)
    if not _YES_NO.search(folded):
        return ""
    for match in _NOT_OF.finditer(fold(sentence)):
        stem, rest = match.group(1), match.group(2) or ""
        if stem in folded and f"非{stem}" not in folded and not re.search(rf"(?:不是|并非|没有|无){stem}", folded):
            return f"不符合：所引条款限于“非{stem}{rest}”的情形，{stem}{rest}的情形不在其列。"
    return ""
