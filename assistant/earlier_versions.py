"""The earlier version of a held document a question asks about ("旧版", "上一版", "2022年那版的文号"), when its
text is not held but the registry of known documents records it as replaced by the held one.

Such a question is about that version: the held document's own facts (its number, its date) answer
another question, and read out as the old one's they are the wrong answer. Only what held texts say of the
old version (when and by whom it was issued, its number, until when it ran) can answer it.
"""

from __future__ import annotations

import re

from assistant.evidence import Evidence, related_documents, sentences
from assistant.subject_terms import VERSION_YEAR
from assistant.understanding.asks import answer_pattern
from assistant.understanding.query import Query
from retrieval.currency import KnownDocument, KnownDocuments
from retrieval.models import Corpus, Hit
from retrieval.text import compact, fold

# Words for the version a text replaced: "旧版", "老办法", "上一版", "原来那版", "它替代的…".
_EARLIER = re.compile(r"旧版|老版|旧的?(?:那版|版本|办法|文件|文号|那份|那个)|老(?:的)?办法|旧办法|上一版|前一版|上(?:一)?个版本|之前的?(?:那一?版|版本)"
                      r"|原来的?(?:那版|版本|办法)|原来(?:那个|那份|那部)|原(?:办法|版本)|(?:替代|取代|代替)的(?:是|那个|那版|旧|老|原|上一)"
                      r"|\b(?:previous|old|older|earlier|former|prior) (?:version|edition|measures|rules)\b")
# A year said of a version: "2021年那个1号文", "2022年的那版", "2021年的1号文" (a document by its year and number).
_VERSION_OF_YEAR = re.compile(r"(?<!\d)(20\d{2})年(?:的)?(?:那个|那版|那份|这版|老版|旧版|版本|\d{1,3}号文)")


def asks_earlier_version(question: str) -> bool:
    """True when a question speaks of the version a document replaced ("旧版是不是过期了")."""
    return _EARLIER.search(fold(question)) is not None


def earlier_version(corpus: Corpus, query: Query, known: KnownDocuments, named_years: set[str]) -> KnownDocument | None:
    """The known, unheld version of a document the question names (or its conversation named) that the
    question asks about: by the words for an earlier version, or by the year it was issued (`named_years`:
    years written as a version's, "2022年版", "2022年工信专项资金办法"); None when it asks of no such version."""
    named = set(query.named_documents)
    if not named:
        return None
    years = {m[:4] for m in VERSION_YEAR.findall(query.folded)} | named_years | set(_VERSION_OF_YEAR.findall(query.folded))
    earlier = asks_earlier_version(query.text)
    for entry in known.not_held(corpus.documents):
        successors = {d for d in entry.relation.get("superseded_by", ()) if d in corpus.documents}
        if not successors or entry.status == "draft-for-comment":
            continue
        family = related_documents(corpus.documents, successors)
        if not named & family:
            continue
        if earlier or str(entry.published or "")[:4] in years:
            return entry
    return None


def cites_version(entry: KnownDocument, text: str) -> bool:
    """True when a held text names the version by its number."""
    return bool(entry.doc_number) and compact(fold(entry.doc_number)) in compact(fold(text))


def version_evidence(corpus: Corpus, query: Query, entry: KnownDocument) -> list[Evidence]:
    """The held sentences naming the version by its number that state a kind of fact asked ("…于2022年9月印发了
    《…》(深龙工信规〔2022〕5号),有效期至2025年9月"), those stating more of them first, then those of a text about
    the document that replaced it before a text merely citing the version."""
    successors = set(entry.relation.get("superseded_by", ()))
    about = related_documents(corpus.documents, successors & set(corpus.documents))
    found = []
    for clause in corpus.clauses:
        if not cites_version(entry, clause.text):
            continue
        doc = corpus.documents[clause.doc_id]
        for index, sentence in enumerate(sentences(clause.text)):
            stated = sum(1 for kind in query.kinds if answer_pattern(kind).search(fold(sentence)))
            if stated and cites_version(entry, sentence):
                rank = (stated, clause.doc_id in about)
                found.append((rank, Evidence(Hit(clause, doc, 1.0), sentence, 1.0, 1.0, index, index)))
    found.sort(key=lambda pair: pair[0], reverse=True)
    return [e for _, e in found]
