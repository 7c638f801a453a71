"""Where a held text defines a term ("（五）公共数据，是指…", "本条例所称公共数据开放，是指…").

A question asking what a term means is answered by the sentence defining exactly that term; a clause
defining many terms at once (an article of definitions) shares few words with any one question, so it is
found by the term it defines, not only by search.
"""

from __future__ import annotations

import re

from assistant.claims import ENUMERATOR, split_sentences
from retrieval.models import Clause, Corpus
from retrieval.text import compact, fold

# What may follow a term a question names whole: a particle, a verb of meaning or an adverb ("公共数据是指…",
# "人工智能的定义", "算力券这个词", "公共数据到底指啥", "“语料”？"); any other word after it makes the term a
# modifier of a longer name ("人工智能伦理委员会" is no 人工智能).
_AFTER_TERM = re.compile(r"$|[^\u4e00-\u9fff]|[是指的叫啥什怎如这那该一在呢吗么即和与及、又都就属包应]"
                         r"|到底|究竟|具体|主要|通常|一般")
_DEFINED = re.compile(r"^(?P<term>[^，。；：]{1,40}?)(?:[(（][^)）]*[)）])?[，,]?(?:是指|指的是)")
_MIN_TERM = 2


def defined_term(sentence: str) -> str:
    """The term a sentence defines, folded and compacted ("" when it defines none)."""
    text = re.sub(r"^第[^条]{1,8}条", "", compact(fold(sentence)))
    enumerator = ENUMERATOR.match(text)
    match = _DEFINED.search(text[enumerator.end():] if enumerator else text)
    return match.group("term").rsplit("所称", 1)[-1] if match else ""


def names_term(text: str, term: str) -> bool:
    """True when `text` (compacted) names `term` as a whole name, not as the first words of a longer one."""
    return any(_AFTER_TERM.match(text, m.end()) for m in re.finditer(re.escape(term), text)) if term else False


def defines(sentence: str, terms: list[str], question: str) -> float:
    """How exactly a definitional sentence defines what a (folded) question asks about: 1.0 when the
    question names its defined term; else the share of that term the longest question term it contains makes
    up ("人工智能" is two thirds of "人工智能产业"); 0.0 for no definition."""
    term = defined_term(sentence)
    if not term:
        return 0.0
    asked = compact(question)
    if names_term(asked, term):
        return 1.0
    # (a term the question writes only as the start of a longer name is not asked: "人工智能伦理委员会")
    return max((len(t) / len(term) for t in terms if t and t in term and (t not in asked or names_term(asked, t))),
               default=0.0)


def defining_clauses(corpus: Corpus, question: str) -> list[str]:
    """The ids of the clauses defining the longest terms a (folded) question names."""
    asked = compact(question)
    index = _definitions(corpus)
    named = [t for t in index if names_term(asked, t)]
    longest = [t for t in named if not any(t != o and t in o for o in named)]
    return list(dict.fromkeys(c.clause_id for t in longest for c in index[t]))


def _definitions(corpus: Corpus) -> dict[str, list[Clause]]:
    """Each term the corpus defines -> the clauses defining it (cached per corpus fingerprint)."""
    if corpus.fingerprint not in _INDEX:
        index: dict[str, list[Clause]] = {}
        for clause in corpus.clauses:
            for sentence in split_sentences(clause.text):
                term = defined_term(sentence)
                if len(term) >= _MIN_TERM and clause not in index.setdefault(term, []):
                    index[term].append(clause)
        _INDEX[corpus.fingerprint] = index
    return _INDEX[corpus.fingerprint]


_INDEX: dict[str, dict[str, list[Clause]]] = {}
