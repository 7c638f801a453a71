"""Domain lexicon and the tokenizer of the lexical retriever (jieba with a domain dictionary)."""

from __future__ import annotations

import hashlib
import logging
import math
import re
from dataclasses import dataclass
from pathlib import Path

import jieba
import jieba.posseg
import yaml

from retrieval.text import fold

LEXICON_PATH = Path(__file__).parent / "data" / "lexicon.yaml"

# Tokens that carry no retrieval signal: punctuation, single function characters, common particles.
_STOPWORDS = frozenset(
    "的 了 和 与 或 及 等 是 在 对 为 以 由 将 把 被 其 之 于 中 上 下 也 都 就 而 并 则 吗 呢 吧 啊 么 "
    "什么 哪些 哪个 哪 怎么 怎样 如何 多少 是否 能否 可以 能 会 要 还 有 没有 我们 我 你 您 他 她 它 这 那 "
    "这个 那个 一个 个 请问 一下 按 按照 根据 规定 里 呀 嘛 啥 谁 几 "
    "the a an of to in and or for on by is are be with as at that this which".split()
)
_TOKEN = re.compile(r"[\w%]+", re.UNICODE)
_RELIABLE_FREQ = 10  # jieba dictionary counts below this are noise
_LATIN_WORD = re.compile(r"[a-z]{3,}")
_MILLION_YUAN = re.compile(r"(\d+(?:\.\d+)?)\s*million\s*yuan")


@dataclass(frozen=True)
class Lexicon:
    """Domain terms, user-word synonyms and document aliases (all folded)."""

    terms: tuple[str, ...]
    synonyms: dict[str, tuple[str, ...]]
    doc_aliases: dict[str, tuple[str, ...]]
    bilingual: dict[str, tuple[str, ...]]
    markers: dict[str, tuple[re.Pattern[str], ...]]
    versions: dict[str, tuple[str, ...]]  # "draft" / "final" -> the words users have for that version
    digest: str  # of the lexicon file: an index built with another lexicon is stale

    @classmethod
    def load(cls, path: Path = LEXICON_PATH) -> Lexicon:
        """Read the lexicon YAML file."""
        data = path.read_bytes()
        raw = yaml.safe_load(data.decode("utf-8"))
        return cls(
            terms=tuple(fold(t) for t in raw.get("terms", [])),
            synonyms={fold(k): tuple(fold(v) for v in vs) for k, vs in raw.get("synonyms", {}).items()},
            doc_aliases={fold(k): tuple(v) if isinstance(v, list) else (v,)
                         for k, v in raw.get("doc_aliases", {}).items()},
            bilingual={fold(k): tuple(vs) for k, vs in raw.get("bilingual", {}).items()},
            versions={k: tuple(fold(w) for w in ws) for k, ws in raw.get("versions", {}).items()},
            markers={fold(k): tuple(re.compile(p) for p in ps) for k, ps in raw.get("markers", {}).items()},
            digest=hashlib.sha256(data).hexdigest(),
        )

    @property
    def version_words(self) -> frozenset[str]:
        """Every word users have for a version of a document ("征求意见稿", "正式稿")."""
        return frozenset(w for words in self.versions.values() for w in words)

    def versions_asked(self, folded: str) -> tuple[str, ...]:
        """The versions ("final", "draft") a (folded) text's version words mean, in that order."""
        return tuple(k for k in ("final", "draft") if any(w in folded for w in self.versions.get(k, ())))

    def expansions(self, folded_query: str) -> list[str]:
        """Policy words to add for the user words found in a (folded) query.

        A query in English also gets the Chinese terms for its policy words, so that it reaches the
        Chinese clauses through the lexical retriever too.
        """
        extra: list[str] = []
        for key, words in self.synonyms.items():
            if key in folded_query:
                extra.extend(w for w in words if w not in folded_query)
        if _LATIN_WORD.search(folded_query):
            extra.extend(t for t in self.gloss(folded_query) if t not in folded_query)
        return list(dict.fromkeys(extra))

    def gloss(self, english_text: str) -> list[str]:
        """Chinese terms for the English policy words of a text, for indexing English clauses.

        Amounts in millions of yuan are glossed in 万元 too ("6 million yuan" -> 600万元), the unit
        Chinese questions use.
        """
        folded = fold(english_text)
        terms = [t for phrase, ts in self.bilingual.items()
                 if re.search(rf"\b{re.escape(phrase)}\b", folded) for t in ts]
        for match in _MILLION_YUAN.finditer(folded):
            wan = float(match.group(1)) * 100
            terms.append(f"{wan:g}万元")
        return list(dict.fromkeys(terms))


class Tokenizer:
    """jieba search-mode tokens over folded text, with the domain terms kept whole."""

    def __init__(self, lexicon: Lexicon):
        jieba.setLogLevel(logging.WARNING)
        self._jieba = jieba.Tokenizer()
        self._tagger: jieba.posseg.POSTokenizer | None = None  # built on first use: most questions need none
        for term in lexicon.terms:
            self._jieba.add_word(term, freq=20000)
        self.lexicon = lexicon

    def tokens(self, text: str) -> list[str]:
        """Index tokens of a text: words and their sub-words, without stopwords or punctuation, and
        the marker of each structural statement the text makes (whatever numbers it carries)."""
        folded = fold(text)
        if folded in self.lexicon.markers:
            return [folded]  # a marker's name (a synonym's target) is that marker's token
        out: list[str] = []
        for word in self._jieba.cut_for_search(folded):
            word = word.strip()
            if word and word not in _STOPWORDS and _TOKEN.fullmatch(word):
                out.append(word)
        out.extend(marker for marker, patterns in self.lexicon.markers.items()
                   if any(p.search(folded) for p in patterns))
        return out

    def tagged_words(self, text: str) -> list[tuple[str, str]]:
        """The words of a text as a reader cuts them (jieba's precise mode, domain terms whole), each with its
        part of speech ("n" noun, "v" verb, "u" particle …), without the sub-words the index adds."""
        if self._tagger is None:
            self._tagger = jieba.posseg.POSTokenizer(self._jieba)
        return [(w.word, w.flag) for w in self._tagger.cut(fold(text)) if w.word.strip()]

    def general_idf(self, word: str) -> float:
        """How rare a word is in general Chinese (jieba's dictionary frequencies): log(total / (freq + 1)).

        Around 6 for everyday words (说, 他们), 12 and more for specialised ones (诈骗, 工程款).
        """
        self._jieba.check_initialized()
        freq, total = self._jieba.FREQ, self._jieba.total
        count = freq.get(word, 0)
        if count >= _RELIABLE_FREQ:
            return math.log(total / (count + 1))
        # Unlisted, or listed with too few counts to trust (太多, 那块): a word made of everyday
        # characters is read as everyday words; a rare character makes it rare.
        return max(math.log(total / (freq.get(ch, 0) + 1)) for ch in word) if word else 0.0

    def query_tokens(self, query: str) -> list[str]:
        """Distinct tokens of a query, with the policy words its user words stand for.

        Distinct: a word the query and a synonym both bring ("区里" → 龙岗区) must not count twice.
        """
        folded = fold(query)
        return list(dict.fromkeys(self.tokens(folded) + self.term_tokens(self.lexicon.expansions(folded))))

    def gloss_tokens(self, query: str) -> list[str]:
        """Distinct tokens of the Chinese terms for an English query's policy words (none for Chinese)."""
        return list(dict.fromkeys(self.term_tokens(self.lexicon.gloss(query))))

    def term_tokens(self, terms: list[str]) -> list[str]:
        """Tokens of lexicon terms (a marker's name is its token)."""
        return [t for term in terms for t in self.tokens(term)]
