"""What a question is about, as weighted concepts: the subject words a sentence that answers it shares.

Each concept is counted once, however many tokens or synonyms name it, and weighs as distinctive as the
clauses naming it (IDF over the index); words that ask (多少, 哪个) and a document's version year are no subject.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.calibration import CALIBRATION as CAL
from assistant.understanding.asks import asked, kinds_of
from assistant.understanding.query import is_english
from retrieval.search import Retriever
from retrieval.text import fold

# "2017年修订版", "the 2026 revised measures": a document's version named by its year.
VERSION_YEAR = re.compile(r"(?<!\d)20\d{2}\s*年?\s*(?:修订|修正|新版|版|印发|发布|出台|制定)"
                          r"|(?<!\d)20\d{2}\s+(?:revised|revision|edition|version)")
LATIN_WORD = re.compile(r"[a-z][a-z'-]*")
_CJK = re.compile(r"[\u4e00-\u9fff]")

# Words of the question that say what is asked rather than what it is about.
_ASK_WORDS = frozenset(
    "多少 比例 最高 最多 上限 时间 什么 哪些 哪个 哪天 哪一天 何时 截止 日期 期限 有效期 钱 万元 万 元 "
    "几 怎么 怎样 如何 可以 能 吗 呢 要 需要 一共 总共 大约 大概 具体 规定 提出 按 标准 "
    "怎么办 咋办 咋 啥 有没有 能不能 可不可以 是不是 算不算 行不行 好不好 没 帮 帮我 一下".split())
# "几章", "多少条", "几家": a count asked in a measure word, cut as one word.
_ASK_COUNT = re.compile(r"(?:几|多少)[\u4e00-\u9fff]")


def subject_weight(retriever: Retriever, token: str) -> float:
    """How much a question word says about what the question is about.

    A word some clause contains weighs its IDF over the clauses. A word no clause contains is weighed
    by how rare it is in general Chinese: everyday words of a colloquial question (到底, 对方, 这边) say
    little, while a rare one (诈骗, 工程款) names a subject the held clauses may simply not cover.
    """
    if retriever.is_known(token):
        return retriever.idf(token)
    rarity = (retriever.tokenizer.general_idf(token) - CAL.everyday_idf) / (CAL.rare_idf - CAL.everyday_idf)
    return retriever.max_idf * min(1.0, max(CAL.min_unknown_share, rarity))


@dataclass(frozen=True)
class Terms:
    """The subject of a question as concepts, each counted once however many tokens or synonyms name it.

    The tokenizer cuts a word into its pieces too (龙岗区 → 龙岗, 岗区, 龙岗区) and the lexicon adds the
    policy words a user word stands for (高校 → 高等院校): counted separately, a concept named three ways
    would outweigh the distinctive word beside it.
    """

    weights: dict[str, float]  # concept (the head word that names it) -> weight
    members: dict[str, tuple[str, float]]  # token -> (its concept, the share of the concept it covers alone)

    def coverage(self, tokens: set[str]) -> float:
        """Share of the concepts' weight that a text with these tokens covers."""
        total = sum(self.weights.values())
        if not total:
            return 0.0
        best: dict[str, float] = {}
        for token, (concept, share) in self.members.items():
            if token in tokens and concept in self.weights:
                best[concept] = max(best.get(concept, 0.0), share)
        return sum(self.weights[c] * share for c, share in best.items()) / total

    def named_by(self, words: set[str]) -> set[str]:
        """The concepts these words name: those headed by one, and those one names whole (区里 → 龙岗区)."""
        return {c for c in self.weights if c in words} | \
            {c for t, (c, share) in self.members.items() if t in words and share >= 1.0}

    def only(self, keep) -> Terms:
        """The concepts `keep` accepts."""
        return Terms({c: w for c, w in self.weights.items() if keep(c)}, self.members)

    def scaled(self, factor) -> Terms:
        """Each concept's weight times `factor(concept)`."""
        return Terms({c: w * factor(c) for c, w in self.weights.items()}, self.members)


def _add_words(terms: Terms, tokens: dict[str, float], concept: str | None = None, share: float = 1.0) -> None:
    """Add a text's tokens to `terms`: each piece of a word (人工 in 人工智能) to the word's concept, covering
    the share of it its weight and length give; all of them to `concept` when given (a user word's synonyms).
    A token already there keeps its concept (a question's own word is not its synonym's)."""
    heads = sorted(tokens, key=len, reverse=True)
    for token, w in tokens.items():
        if token in terms.members:
            continue
        # A lone character is a word of its own (管 in "谁管人工智能"), not a piece of a longer one.
        head = next(h for h in heads if token in h) if len(token) > 1 else token
        owner = concept or head
        if concept is None:
            terms.weights.setdefault(owner, tokens[head])
        part = min(1.0, w / tokens[head]) * len(token) / len(head) if tokens[head] else 0.0
        terms.members[token] = (owner, share * part)


def question_terms(retriever: Retriever, question: str, context: str) -> Terms:
    """The subject concepts of a question and their weights: the question's own words, their synonyms,
    context (a follow-up's earlier turns) at less."""
    terms = Terms({}, {})
    sources = [(question, 1.0), (context, CAL.context_weight)] if context else [(question, 1.0)]
    for text, factor in sources:
        # In an English question the Chinese terms of its policy words carry the subject, since
        # the clauses are Chinese; its English words weigh only as much as a clause shares them.
        english = is_english(text)
        subject = VERSION_YEAR.sub(" ", retriever.without_document_names(text))
        folded = fold(text)
        # Words inside what asks for a kind of fact ("谁负责") say what is asked more than what it is about.
        types = asked(text)
        kinds = kinds_of(types)
        asking = [m.group(0) for t in types if t.name in kinds for m in t.asks.finditer(folded)]
        own: dict[str, float] = {}
        for t in retriever.tokenizer.tokens(subject):
            if t not in terms.members and t not in own and t not in _ASK_WORDS and not _ASK_COUNT.fullmatch(t):
                english_only = english and LATIN_WORD.fullmatch(t) and not retriever.is_known(t)
                weight = CAL.min_unknown_share * retriever.max_idf if english_only else subject_weight(retriever, t)
                own[t] = factor * weight * _length_factor(t)
        _add_words(terms, own)
        if english:
            for word in retriever.lexicon.expansions(folded):
                _add_words(terms, _expansion(retriever, word, factor))
        else:
            _add_synonyms(retriever, terms, folded, factor)
        for concept in {terms.members[t][0] for t in own}:
            if any(concept in a or a in concept for a in asking):  # "正式版" holds what asks ("正式")
                terms.weights[concept] *= CAL.asking_share
    return terms


def _add_synonyms(retriever: Retriever, terms: Terms, folded: str, factor: float) -> None:
    """Add the policy words the user words of a (folded) Chinese text stand for, each to its user word's concept.

    A concept is as distinctive as the clauses naming it in any of its words (their union): a user word no
    clause uses ("小孩"; "AI", which only the English clauses use; a phrase such as "大企业") weighs what its
    policy words weigh, and a sentence stating one of them covers it whole.
    """
    for key, words in retriever.lexicon.synonyms.items():
        if key not in folded:
            continue
        expansions = [e for word in words if word not in folded and (e := _expansion(retriever, word, factor))]
        key_tokens = retriever.tokenizer.tokens(key)
        if not expansions:
            continue
        if not any(terms.members.get(t, ("", 0.0))[0] in terms.weights for t in key_tokens):
            # The user word asks rather than names ("能补多少"): its policy words stand alone.
            for tokens in expansions:
                _add_words(terms, {t: CAL.synonym_weight * w for t, w in tokens.items()})
            continue
        # The user word is a word of the question (or a piece of one): its concept; else a phrase of its own.
        single = terms.members.get(key, ("", 0.0))[0] in terms.weights
        concept = terms.members[key][0] if single else key
        known = single and retriever.is_known(key) and not LATIN_WORD.search(key)
        heads = [max(tokens.values()) for tokens in expansions]
        terms.weights[concept] = min([*heads, terms.weights[concept]] if known else heads)
        for tokens in expansions:
            _add_words(terms, tokens, concept, CAL.synonym_weight if known else 1.0)


def _expansion(retriever: Retriever, word: str, factor: float) -> dict[str, float]:
    """A policy word a user word stands for and its pieces, weighed by their IDF (the word, when no clause has
    it as one token, by its rarest piece)."""
    pieces = {t: factor * retriever.idf(t) * _length_factor(t) for t in retriever.tokenizer.tokens(word)
              if t not in _ASK_WORDS}
    if not pieces:
        return {}
    whole = factor * retriever.idf(word) * _length_factor(word) if retriever.is_known(word) else max(pieces.values())
    return {**pieces, word: whole}


def _length_factor(token: str) -> float:
    """A lone Chinese character (给, 去, 大, 家) is a function word or a piece of a longer word far more
    often than the subject: its IDF says how seldom the tokenizer cuts it out, not how distinctive it is."""
    return CAL.single_char_weight if len(token) == 1 and _CJK.match(token) else 1.0
