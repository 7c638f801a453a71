"""Where a phrase comes from ("“一超多强总调度”是哪个文件提出来的"): the held clauses that contain it word for
word, each document named and the sentence quoted, so that a hotline agent can read out the exact place.

Only a phrase the person quotes, or a long one written before the question where it comes from, is looked up,
and only verbatim (folded, spaces and quotation marks aside): a phrase no held text contains is the support
decision's refusal ("所存政策文件中没有出现…"), never a near match.
"""

from __future__ import annotations

import re

from assistant.composers.base import DONE, NEXT, Context, Step
from assistant.composers.draft import DRAFT_NOTE, Draft
from assistant.evidence import sentences
from assistant.resources import Resources
from assistant.understanding.asks import answer_type
from retrieval.models import Clause, Corpus, cite
from retrieval.text import compact, fold

MAX_SOURCES = 3  # documents named; a phrase in more is a common expression, the first ones show where
_MIN_PHRASE = 4  # characters: a shorter quotation ("算力") is a word, not a formulation to trace
_QUOTE_MARKS = re.compile(r"[“”\"'‘’「」『』]")


def _plain(text: str) -> str:
    """Folded, without spaces or quotation marks: "构建“一核多极”算力体系" contains 构建一核多极算力体系."""
    return _QUOTE_MARKS.sub("", compact(fold(text)))


def containing(corpus: Corpus, phrase: str) -> list[tuple[Clause, str]]:
    """The first clause of each document (in corpus order, at most `MAX_SOURCES`) containing `phrase` (folded
    and compacted; quotation marks aside), with the sentence that contains it."""
    phrase = _plain(phrase)
    found: dict[str, tuple[Clause, str]] = {}
    for clause in corpus.clauses:
        if clause.doc_id in found or phrase not in _plain(clause.text):
            continue
        sentence = next((s for s in sentences(clause.text) if phrase in _plain(s)), clause.text)
        found[clause.doc_id] = (clause, sentence)
        if len(found) == MAX_SOURCES:
            break
    return list(found.values())


# What comes between the formulation and the question about it: "是", "这个提法", "这句话".
_BETWEEN = re.compile(r"(?:这个|这一|这句|这种)?(?:说法|提法|表述|话|词)?(?:是|在|出自)?$")
_MIN_UNQUOTED = 6  # characters: an unquoted formulation must be long enough to be one, not a topic


def _unquoted(folded: str) -> list[str]:
    """A formulation written without quotation marks before the question where it comes from ("深港人工智能算力
    赋能中心是哪份文件提的"); none when what precedes is short."""
    asks = answer_type("source").asks.search(folded)
    phrase = compact(_BETWEEN.sub("", folded[:asks.start()])) if asks else ""
    return [phrase] if len(phrase) >= _MIN_UNQUOTED else []


def phrase_source(res: Resources, context: Context, draft: Draft) -> Step:
    """"“X”出自哪个文件": each held document whose text contains the quoted phrase, with the sentence."""
    query = context.query
    if "source" not in {t.name for t in query.asks} or context.checks or context.eligibility:
        return NEXT
    phrases = [p for p in query.quoted if len(p) >= _MIN_PHRASE] or _unquoted(query.folded)
    sources = [found for phrase in phrases for found in containing(res.corpus, phrase)]
    if not sources:
        return NEXT
    citations = [cite(clause, res.corpus.documents[clause.doc_id], sentence) for clause, sentence in sources]
    # The conclusion first (where it is stated), then each sentence as the text writes it.
    draft.lines.append(f"这一提法出自{'、'.join(c.display + draft.marker(c) for c in citations)}。")
    draft.lines += [f"原文（{c.display}）：“{c.quote}”" for c in citations]
    draft.caveats += [DRAFT_NOTE.format(title=c.title.strip("《》")) for c in citations
                      if res.corpus.documents[c.doc_id].status == "draft-for-comment"]
    return DONE
