"""Documents a question names by their title ("广东省数字经济促进条例", 《人工智能生成合成内容标识办法》) that
no held document is.

Such a question asks what that document says; a held document of the same kind answers another question,
and its article 10 read out as the asked one is the worst answer there is. A title is read as the user
wrote it: a run of words ending in a kind of document; it names a held document when it is of that
document's kind and area and shares most of its title's character pairs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.areas import document_areas, held_places, places_named
from assistant.calibration import CALIBRATION as CAL
from retrieval.currency import shipped_known_documents
from retrieval.models import ABOUT_TYPES, Corpus, DocumentMeta
from retrieval.search import Retriever
from retrieval.text import common_run, fold

# The kinds of document a title ends in; a law's title ends in 法 ("个人信息保护法", "中小企业促进法").
# Plain 意见, 措施, 方案 and 计划 are also everyday words ("反馈意见", "具体措施", "年度计划").
_KIND = re.compile(r"(?:办法|条例|规定|细则|指南|规程|(?:实施|指导)意见|行动方案|行动计划|若干措施"
                   r"|[\u4e00-\u9fff]{2}法)$")
# Kinds of two words the tokenizer may cut apart ("实施" + "意见").
_TWO_WORD_KIND = re.compile(r"(?:实施|指导)意见|行动方案|行动计划|若干措施")
_BARE_KIND = re.compile(r"(?:管理|暂行|实施|试行|若干|专项)*(?:办法|条例|规定|细则|指南|规程|意见|方案|计划|措施)")
_TITLE_QUOTED = re.compile(r"《([^》]{4,60})》")
# Words of a title: nouns, verbs, adjectives, distinguishing words, abbreviations, idioms, places, domain terms.
_TITLE_WORD = re.compile(r"n|v|a|b|j|l|i|x|eng")
# Words that ask rather than name, though tagged as verbs ("请问", "想了解").
_ASKING = frozenset("请问 问 问问 想 想问 想知道 知道 了解 咨询 查 查询 看看 看 说 讲 提到 根据 按照 依据 "
                    "有 没有 是 要 能 会 可以".split())
# Verbs of making a document, or of acting under one ("申报实施细则的项目"): a title names the document, never
# the making of it or what is done under it.
_MAKING = frozenset("制定 制订 印发 出台 发布 起草 颁布 出了 申报 申请 执行 适用 参照 放在 写在 列在 写进 放进 载入 "
                   "违反 违背 触犯 遵守 符合 依照".split())
# Words before a title that say which version, not what it is called ("新版工信资金办法").
_VERSION_WORDS = re.compile(r"^(?:最新版?|新版|旧版|老版|现行|新|旧|老)")
# Words after 规定 that make it the verb "provides" ("规定了", "规定的是", "规定哪些").
_AFTER_A_VERB = frozenset("了 的 的是 过 说 哪些 什么 怎么 啥 多少 几".split())
# Words that point at a document rather than name it ("生成式AI那个管理办法", "工信局的那个专项资金办法"): left out of
# the title they stand inside.
# Words before a run of title words that make it a sort of rule, not one document's title ("要遵守哪些数据安全
# 规定", "相关管理办法"): a title names one text, so asking which ones, or lumping several, names none.
_SORT_OF = frozenset("哪些 哪类 哪几类 各类 各种 各项 相关 有关 一些 这些 那些 其他 其它".split())
_POINTING = frozenset("那个 这个 那份 这份 那部 这部 那项 这项 那一个 这一个".split())
_A_NOT_A = re.compile(r"(.)[不没]\1")  # "适不适用", "有没有": a question, not a title's word
_CJK = re.compile(r"[\u4e00-\u9fff]")
_AI = re.compile(r"(?<![a-z])ai(?![a-z])")
EDITION_NOTE = re.compile(r"[（(][^）)]*[）)]$")  # "（2026年修订）", "（征求意见稿）": no part of a title's name
_PAIR_NOISE = re.compile(r"[（(][^）)]*[）)]|[《》\s的]")


@dataclass(frozen=True)
class UnheldTitle:
    """A document a question names by title, which no held document is."""

    named: str  # as the question writes it
    known: str  # the title of the known, unheld document it names; "" when none is known
    cited_by: tuple[str, ...] = ()  # the held documents whose clauses name it (what they say of it is all held)


def _held_names(retriever: Retriever) -> list[str]:
    """The names of held documents (short titles and the lexicon's names for them), folded, longest first."""
    names = {fold(d.short_title) for d in retriever.corpus.documents.values()} | {
        fold(a) for a, ids in retriever.lexicon.doc_aliases.items() if any(i in retriever.corpus.documents for i in ids)}
    # A bare kind of document ("管理办法") names none: "高新技术企业认定管理办法" is another text.
    return sorted((n for n in names if not _BARE_KIND.fullmatch(n)), key=len, reverse=True)


def titles_named(retriever: Retriever, text: str) -> list[str]:
    """The document titles a question writes: in 《》, or as a run of title words ending in a kind of
    document ("人工智能生成合成内容标识办法"), at least `CAL.title_min_chars` Chinese characters long."""
    # "生成式AI暂行办法": titles people write with AI for 人工智能, the word every held title uses.
    folded = _AI.sub("人工智能", fold(text))
    titles = [t for t in _TITLE_QUOTED.findall(folded)]
    words = retriever.tokenizer.tagged_words(_TITLE_QUOTED.sub("，", folded))
    names: list[str] | None = None
    for end, (word, _) in enumerate(words):
        # "…促进法规定…": 规定 says what the law says; the title ends before it. A kind may be cut in two words
        # ("实施" + "意见").
        ends_kind = _KIND.search(word) or (end and _TWO_WORD_KIND.fullmatch(words[end - 1][0] + word))
        if not ends_kind or (end and _KIND.search(words[end - 1][0])):
            continue
        if word.endswith("规定") and end + 1 < len(words) and words[end + 1][0] in _AFTER_A_VERB:
            continue  # "细则附则规定了哪些事项": what a text provides, not a title ending in 规定
        if any(word.startswith(v) and len(word) - len(v) < CAL.title_min_chars for v in _MAKING):
            continue  # "违反规定" as one word: a rule acted under, whose name follows the verb
        start, pointing = end, set()
        while start > 0:
            if words[start - 1][0] in _POINTING and start - 1 > 0:
                pointing.add(start - 1)  # read past, if a title word stands before it
                start -= 1
                if words[start - 1][0] == "的" and start - 1 > 0:
                    pointing.add(start - 1)
                    start -= 1
                continue
            if not (_TITLE_WORD.match(words[start - 1][1]) and words[start - 1][0] not in _ASKING
                    and not _A_NOT_A.search(words[start - 1][0]) and _CJK.match(words[start - 1][0])):
                break
            start -= 1
        while start in pointing:
            start += 1  # the run opens with a title word, not with a pointing word or its 的
        before = start - 1 - (start > 1 and words[start - 1][0] == "的")  # "有关的…办法"
        if before >= 0 and words[before][0] in _SORT_OF:
            continue
        # A verb of making a document (or acting under it) inside the run ends a clause about it ("哪些文件制定细则",
        # "会同哪个部门制订新管理办法", "作为项目单位申报实施细则"): the title, if any, is what follows the verb.
        start = max([start, *(k + 1 for k in range(start, end) if words[k][0] in _MAKING)])
        # A title opens with the place it is of: words before a place inside the run are the question's
        # ("老客户杀熟深圳AI条例管不管").
        start = next((k for k in range(start, end) if words[k][1] == "ns"), start)
        # A verb before a title governs it ("违反深圳数据条例"); a title's own verbs stand inside it.
        while start < end and words[start][1] == "v":
            start += 1
        title = "".join(w for k, (w, _) in enumerate(words[start:end + 1], start) if k not in pointing)
        # "小孩推个性化广告数据条例": words before a held document's name that are not of a title (a place, a
        # year) are the question's.
        names = names if names is not None else _held_names(retriever)  # once per message, when a title is read
        held = next((n for n in names if title.endswith(n) and len(n) < len(title)), "")
        prefix = words[start:end + 1 - len(retriever.tokenizer.tagged_words(held))] if held else []
        if held and not any(t == "ns" or re.search(r"\d", w) for w, t in prefix):
            title = held
        if len(_CJK.findall(title)) >= CAL.title_min_chars:
            titles.append(title)
    return list(dict.fromkeys(titles))


def char_pairs(text: str) -> set[str]:
    """The pairs of adjacent characters of a text: how much of a title another text spells out."""
    return {text[i:i + 2] for i in range(len(text) - 1)}


def _pairs(text: str) -> set[str]:
    return char_pairs(_PAIR_NOISE.sub("", fold(text)))


def names_title(named: str, title: str, areas: frozenset[str], places: frozenset[str] = frozenset()) -> bool:
    """True when a title as a question writes it names the document of `title` (of `areas`): of its kind,
    no area the document is not of (jieba's areas, and those of `places` it writes: "龙岗"), and most of the
    named title's character pairs in the document's."""
    kind = _KIND.search(_PAIR_NOISE.sub("", named))
    if kind is None or kind.group(0)[-2:] not in fold(title):
        return False
    if (places_named(named) | {p for p in places if p in named}) - areas:
        return False
    # People shorten titles ("工信资金办法"): most of the characters written are the title's own, even
    # where few of their pairs are.
    core, held = _core(named), _core(title)
    pairs = char_pairs(core)
    return bool(pairs) and (len(pairs & _pairs(title)) >= CAL.title_pair_share * len(pairs)
                            or sum(ch in held for ch in core) >= CAL.title_char_share * len(core))


def _core(text: str) -> str:
    return _VERSION_WORDS.sub("", _PAIR_NOISE.sub("", fold(text)))


def unheld_titles(retriever: Retriever, text: str, *, cited: bool = False) -> list[UnheldTitle]:
    """The titles a question writes that name no held document (nor a name the lexicon gives one), nor any
    held clause mentions — or, with `cited`, also those held clauses mention (`cited_by` says which)."""
    named_titles = titles_named(retriever, text)
    if not named_titles:
        return []
    corpus: Corpus = retriever.corpus
    held = [(d.title, document_areas(d)) for d in corpus.documents.values()] + \
        [(d.short_title, document_areas(d)) for d in corpus.documents.values()] + \
        [(alias, frozenset().union(*(document_areas(corpus.documents[i]) for i in ids if i in corpus.documents)))
         for alias, ids in retriever.lexicon.doc_aliases.items()]
    clauses = [(c.doc_id, fold(c.text)) for c in corpus.clauses]
    places = held_places(corpus)
    out = []
    for named in named_titles:
        if any(names_title(named, title, areas, places) for title, areas in held):
            continue
        # A held clause that names it (a plan it provides for, a law it cites) says what the texts hold of it.
        pairs = _pairs(named)
        citing = tuple(dict.fromkeys(d for d, c in clauses
                                     if named[:2] in c and len(pairs & _pairs(c)) >= CAL.title_coverage * len(pairs)))
        if citing and not cited:
            continue
        known = next((e.title for e in shipped_known_documents().entries
                      if names_title(named, e.title, places_named(e.title) | places_named(e.issuer or "") |
                                     {p for p in places if p in fold(f"{e.title}{e.issuer or ''}")}, places)), "")
        out.append(UnheldTitle(named, known, citing))
    return out


def documents_written(retriever: Retriever, text: str) -> dict[str, int]:
    """The held documents a question names by a title written its own way ("生成式人工智能暂行办法" for
    "…服务管理暂行办法"), where no name of the lexicon's or the title's own is written: a title naming
    exactly one held document names it."""
    corpus = retriever.corpus
    places = held_places(corpus)
    out: dict[str, int] = {}
    for named in titles_named(retriever, text):
        docs = [d for d in corpus.documents.values()
                if any(names_title(named, t, document_areas(d), places) for t in (d.title, d.short_title))]
        # Of several it could name, the one whose title spells most of it ("先锋城市行动方案": the pioneer
        # city plan, not another plan of the same city), when one does more than every other.
        pairs = char_pairs(_core(named))
        shared = sorted(((max(len(pairs & _pairs(t)) for t in (d.title, d.short_title)), d.doc_id) for d in docs),
                        reverse=True)
        if len(shared) == 1 or (shared and shared[0][0] > shared[1][0]):
            out[shared[0][1]] = 1
        elif shared:
            policy = _policy_of([corpus.documents[d] for n, d in shared if n == shared[0][0]])
            if policy is not None:
                out[policy] = 1
    return out


def narrowed_by_title_words(retriever: Retriever, text: str, docs: dict[str, int]) -> dict[str, int]:
    """Of the documents a bare word for a version names ("征求意见稿": the drafts held), the one whose title shares
    a run of at least `CAL.title_words_chars` characters with the rest of the question ("先锋城市措施征求意见稿")
    that no other shares as long; else `docs` as they are."""
    if len(docs) < 2 or not named_by_version_only(retriever, text):
        return docs  # only bare words for a version ("征求意见稿", "正式稿") name several documents alike
    rest = re.sub(r"\s", "", _AI.sub("人工智能", fold(text)))
    for name in retriever.document_names_in(text):
        rest = rest.replace(name, "｜")
    runs = sorted(((common_run(rest, re.sub(r"\s", "", fold(retriever.corpus.documents[d].title))), d)
                   for d in docs), reverse=True)
    chosen = retriever.corpus.documents[runs[0][1]]
    versions = {chosen.doc_id, *chosen.supersedes, *chosen.superseded_by}  # "…征求意见稿和正式稿": both
    # The title words one policy's versions share ("先锋城市" in its draft's and its final's) tell them apart from
    # the others, not from each other.
    others = [n for n, d in runs if d not in versions]
    if runs[0][0] >= CAL.title_words_chars and (not others or runs[0][0] > others[0]):
        return {d: n for d, n in docs.items() if d in versions}
    return docs


def named_by_version_only(retriever: Retriever, text: str) -> bool:
    """True when every document name a question uses is a bare word for a version ("征求意见稿", which names every
    held draft): the title it writes beside it ("工信资金办法征求意见稿") says whose version it means."""
    names = retriever.document_names_in(text)
    return bool(names) and all(n in retriever.lexicon.version_words for n in names)


def named_by_kind_only(retriever: Retriever, text: str) -> bool:
    """True when every document name a question uses is a bare kind of document ("管理办法"): a title it
    writes its own way around it ("生成式AI那个管理办法") says better which document it means."""
    names = retriever.document_names_in(text)
    if not names or not all(_BARE_KIND.fullmatch(n) for n in names):
        return False
    # Only a title written around the kind ("生成式AI那个管理办法"), not one beside it ("管理办法…依据的区级财政
    # 专项资金办法", a document the named one cites).
    written = titles_named(retriever, text)
    return all(any(n in t for t in written) for n in names)


def _policy_of(docs: list[DocumentMeta]) -> str | None:
    """Of documents a title names as well as each other, the one policy they all are versions of or about (a
    final text, its draft, its interpretation: "工信局专项资金办法" names the issued measures), or None."""
    issued = [d for d in docs if d.doc_type not in ABOUT_TYPES and d.status != "draft-for-comment"]
    if len(issued) != 1:
        return None
    policy = issued[0]
    base = EDITION_NOTE.sub("", policy.title).strip("《》")
    if all(d is policy or d.doc_id in policy.supersedes or base in d.title for d in docs):
        return policy.doc_id
    return None


_MIN_GLOSSED_TERMS = 3  # an English name shares at least this many policy terms with a Chinese title


def documents_glossed(retriever: Retriever, text: str) -> dict[str, int]:
    """The held Chinese document an English question names by an English rendering of its title ("the Shenzhen
    Special Economic Zone Regulations on Promoting the AI Industry"): the Chinese terms the lexicon gives its
    words, most of them in one title — more than in any other (of a draft and its final text, the one of the
    year the question writes)."""
    terms = {t for t in retriever.lexicon.gloss(text) if len(t) >= 2 and _CJK.match(t)}
    years = set(re.findall(r"(?<!\d)20\d{2}(?!\d)", text))
    scored = []
    for doc in retriever.corpus.documents.values():
        if doc.language == "en":
            continue  # named by its own words (the lexicon's names)
        title = fold(f"{doc.title}{doc.short_title}")
        matched = [t for t in terms if t in title]
        # Of titles sharing as many terms, the one sharing the longer ones ("生成式人工智能", "暂行办法" rather
        # than "人工智能", "措施"): a term inside another matched one adds nothing.
        spelled = sum(len(t) for t in matched if not any(t != o and t in o for o in matched))
        of_year = bool(years & {str(doc.published)[:4], *re.findall(r"20\d{2}", title)})
        itself = doc.doc_type not in ABOUT_TYPES  # the policy, rather than its interpretation or notice
        scored.append((len(matched), spelled, of_year, itself, doc.doc_id))
    scored.sort(reverse=True)
    if not scored or scored[0][0] < _MIN_GLOSSED_TERMS:
        return {}
    if len(scored) > 1 and scored[1][:4] == scored[0][:4]:
        return {}  # two documents as likely: none is named
    return {scored[0][4]: 1}
