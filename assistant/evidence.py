"""Pick the sentences that answer a question, and decide whether the held clauses support it at all.

A question asks for a kind of fact: a ratio, a cap, an amount, a date, a per-unit rate, a place. The
answer must come from a sentence that states that kind of fact about the question's subject; when no
retrieved sentence does, the held documents do not answer the question and the assistant says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.models import Hit
from retrieval.search import Retriever
from retrieval.text import fold

# What a question asks for -> what the answering sentence must contain.
_ASKS: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    "ratio": (re.compile(r"比例|百分之|几成|百分比|占比|%"),
              re.compile(r"\d+(?:\.\d+)?\s*%|百分之|percent")),
    "cap": (re.compile(r"最高|最多|上限|封顶|顶格"),
            re.compile(r"最高|上限|不超过|封顶|maximum|up to|至多")),
    "money": (re.compile(r"多少钱|多少万|补多少|能补|能拿|拿多少|资助多少|补贴多少|给多少|罚款.{0,8}多少|多少元|几万|扶持多少"),
              re.compile(r"(?:\d[\d,]*(?:\.\d+)?|[一二两三四五六七八九十百千]+)\s*(?:万元|亿元|元|万|亿)"
                         r"|million yuan|（万元）|\(万元\)")),
    "date": (re.compile(r"什么时候|何时|哪天|哪一天|几号|截止|日期|期限|有效期|哪一年|哪年|几月|多久|多长时间"),
             re.compile(r"(?:\d{4}|[〇零一二三四五六七八九]{4})\s*年|\d{1,2}\s*月|\d{1,2}\s*日|上半年|下半年|"
                        r"年底|年末|年初|季度|起施行|之日起")),
    # A deadline or a validity is a particular date: a date that says it is one.
    "deadline": (re.compile(r"截止|最晚|最迟|之前提交|期限"), re.compile(r"截止|截至|[之以]?前|止|最迟|期限")),
    "validity": (re.compile(r"有效期|失效|到期|过期"), re.compile(r"有效期|有效至|失效|到期|废止")),
    # Whether a document is in force is stated by words of issuing, consulting or coming into force.
    "status": (re.compile(r"正式|生效|有效吗|还有效|印发了吗|出台了吗|定稿|现行"),
               re.compile(r"征求.{0,6}意见|印发|施行|审议通过|暂未开展|发布")),
    "place": (re.compile(r"在哪(?:里|儿)?(?:申|办|提交|报|领|交|登记)|哪个系统|什么系统|什么平台|哪个平台|网址|链接"
                         r"|窗口|地址|去哪"),
              re.compile(r"系统|平台|网站|网址|窗口|地址|室|邮箱|电子邮件|信函")),
}
_PER_UNIT = re.compile(r"每(平方米|平米|平|月|年|人|台|家|个|项|小时|卡)")
_YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])|\n")
# A notice's title line ("…关于印发《…》的通知") names a document; it never answers a question.
_TITLE_LINE = re.compile(r"^[^。；！？]*《[^》]+》[^。；！？]*(?:的通知|的通告|起草说明|政策解读)$")

# Words of the question that say what is asked rather than what it is about.
_ASK_WORDS = frozenset(
    "多少 比例 最高 最多 上限 时间 什么 哪些 哪个 哪天 哪一天 何时 截止 日期 期限 有效期 钱 万元 万 元 "
    "几 怎么 怎样 如何 可以 能 吗 呢 要 需要 一共 总共 大约 大概 具体 规定 提出 按 标准".split())

SUPPORT_THRESHOLD = 0.22  # coverage, or
SCORE_THRESHOLD = 0.30  # score: calibrated on the dev set; below both no held clause answers
SHORT_SENTENCE = 25
WINDOW_BACK = 2  # a short line is read with up to this many lines before it  # calibrated on the dev set: below it no held clause answers the question
SENTENCE_WEIGHT, CLAUSE_WEIGHT, RANK_WEIGHT = 0.5, 0.35, 0.15
NAMED_DOC_BONUS = 0.1  # the question names the clause's document
CONTEXT_WEIGHT = 0.3
SYNONYM_WEIGHT = 0.7  # colloquial questions reach the policy words only through synonyms  # weight of a follow-up's earlier turns relative to its own words


@dataclass(frozen=True)
class Evidence:
    """A sentence chosen to answer a question, with the hit it comes from."""

    hit: Hit
    sentence: str
    score: float
    coverage: float  # how much of the question's subject the sentence and its clause cover
    start: int = 0  # index of the first sentence of the window read with it (short lines)
    index: int = 0  # index of the answering sentence in the clause


def ask_types(question: str) -> set[str]:
    """The kinds of fact a question asks for (ratio, cap, money, date, place)."""
    folded = fold(question)
    return {name for name, (asks, _) in _ASKS.items() if asks.search(folded)}


def per_units(question: str) -> set[str]:
    """Per-unit rates a question asks about ("每平方米每月" -> {平方米, 月})."""
    return {m.group(1).replace("平米", "平方米") for m in _PER_UNIT.finditer(fold(question))}


def sentences(text: str) -> list[str]:
    """Sentences of a clause (Chinese and English punctuation, line breaks)."""
    out: list[str] = []
    for piece in _SENTENCE_END.split(text):
        piece = piece.strip()
        if not piece:
            continue
        out.extend(p.strip() for p in re.split(r"(?<=[a-z0-9\)]\.)\s+(?=[A-Z(])", piece) if p.strip())
    return out


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


def _window(parts: list[str], index: int) -> int:
    """Where the window read with sentence `index` starts (earlier lines complete a short one)."""
    start = index
    while start > 0 and index - start < WINDOW_BACK and \
            sum(len(p) for p in parts[start:index + 1]) < SHORT_SENTENCE:
        start -= 1
    return start


def states(sentence: str, kinds: set[str], units: set[str], years: set[str], table_row: bool) -> bool:
    """True when a sentence states every kind of fact asked, for every per-unit and year asked."""
    folded = fold(sentence)
    for kind in kinds:
        if kind == "money" and table_row and "万元" in folded:
            continue  # a budget table's cells are amounts in the unit its title gives
        if not _ASKS[kind][1].search(folded):
            return False
    if any(unit not in folded for unit in units):
        return False
    # A date asked about a given year must come from a sentence about that year.
    return "date" not in kinds or not years or any(y in folded for y in years)


def _weights(retriever: Retriever, question: str, context: str) -> dict[str, float]:
    """IDF weight of each subject word: the question's own, its synonyms at half, context at less."""
    weights: dict[str, float] = {}
    sources = [(question, 1.0), (context, CONTEXT_WEIGHT)] if context else [(question, 1.0)]
    for text, factor in sources:
        for t in retriever.tokenizer.tokens(retriever.without_document_names(text)):
            if t not in weights and t not in _ASK_WORDS:
                weights[t] = factor * retriever.idf(t)
        for word in retriever.lexicon.expansions(fold(text)):
            for t in retriever.tokenizer.tokens(word):
                if t not in weights and t not in _ASK_WORDS:
                    weights[t] = SYNONYM_WEIGHT * factor * retriever.idf(t)
    return weights


def _index_tokens(retriever: Retriever, text: str, english: bool) -> set[str]:
    """Tokens of a text; an English text also gets the Chinese terms for its policy words."""
    if english:
        text = text + " " + " ".join(retriever.lexicon.gloss(text))
    return set(retriever.tokenizer.tokens(text))


def _coverage(weights: dict[str, float], tokens: set[str]) -> float:
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if t in tokens) / total if total else 0.0


def select_evidence(retriever: Retriever, question: str, hits: list[Hit], *, context: str = "",
                    limit: int = 8, eligible: set[str] | None = None) -> list[Evidence]:
    """Candidate answering sentences, best first, that state what the question asks.

    `context` is the earlier user turns of a follow-up. `eligible` restricts evidence to some clause
    ids (e.g. the clauses of the support item the question names). An empty list means the held
    clauses do not answer the question.
    """
    weights = _weights(retriever, question, context)
    kinds, units = ask_types(question), per_units(question)
    years = set(_YEAR.findall(fold(question)))
    counts = retriever.document_mentions(question) or retriever.document_mentions(context)
    documents = retriever.corpus.documents
    named_titles = [documents[d].title for d in counts]
    out: list[Evidence] = []
    for rank, hit in enumerate(hits[:limit]):
        clause = hit.clause
        if eligible is not None and clause.clause_id not in eligible:
            continue
        english = hit.doc.language == "en"
        clause_cov = _coverage(weights, _index_tokens(
            retriever, " ".join(clause.heading_path) + " " + clause.text, english))
        bonus = NAMED_DOC_BONUS * min(counts.get(clause.doc_id, 0), 2)
        parts = sentences(clause.text)
        titles = [hit.doc.title, *named_titles]
        for index, sentence in enumerate(parts):
            if _TITLE_LINE.match(sentence):
                continue
            own = without_titles(sentence, titles)
            if not own.strip():
                continue  # the document's own title line
            # A short line ("2024年12月18日") is read with the lines before it.
            start = _window(parts, index)
            window = "".join(without_titles(p, titles) for p in parts[start:index + 1])
            if not states(window, kinds, units, years, clause.kind == "table_row"):
                continue
            sentence_cov = _coverage(weights, _index_tokens(retriever, own, english))
            score = (SENTENCE_WEIGHT * sentence_cov + CLAUSE_WEIGHT * clause_cov
                     + RANK_WEIGHT / (1 + rank) + bonus)
            coverage = 0.5 * sentence_cov + 0.5 * clause_cov
            out.append(Evidence(hit, sentence, score, coverage, start, index))
    out.sort(key=lambda e: -e.score)
    return [e for e in out if e.coverage >= SUPPORT_THRESHOLD or e.score >= SCORE_THRESHOLD]
