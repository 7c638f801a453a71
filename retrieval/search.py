"""Hybrid search: BM25 over jieba tokens + dense vectors in Chroma, fused by reciprocal rank.

Exact references ("促进条例第十二条") resolve directly; a query that names a document prefers its
clauses; an optional cross-encoder reranks the fused list when one is configured.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from typing import Literal, Protocol

import bm25s
import numpy as np

from retrieval.embeddings import Embedder
from retrieval.index import LoadedIndex, dense_vectors
from retrieval.lexicon import Lexicon, Tokenizer
from retrieval.models import Clause, DocumentMeta, Hit
from retrieval.numerals import arabic_to_chinese
from retrieval.text import MAX_QUERY_CHARS, doc_number_form, fold, is_english, strip_controls

Mode = Literal["hybrid", "bm25", "dense"]

RRF_K = 5  # small: with a few hundred clauses the top ranks carry the signal
BM25_WEIGHT = 1.0
DENSE_WEIGHT = 1.0
# Weight of the lexical ranking of an English question by the Chinese terms of its policy words alone: its
# English words occur only in the English documents, and the multilingual model favours a clause in the
# question's language, so a question about a Chinese-only document would otherwise find the English ones.
CROSS_LINGUAL_WEIGHT = 0.5
DOC_PRIOR = 0.5  # weight of "the query names this document", in units of a rank-1 vote
EXACT_BONUS = 10.0
# A clause of a named document that makes the structural statement a query asks about (a lexicon marker
# such as the article count) gets this, in units of a rank-1 vote: it answers, however little else it shares.
MARKER_BONUS = 1.0
# A document written about a named one (its interpretation or drafting explanation, whose title quotes the
# named title) holds facts about it too (how many chapters it has, why it was made); weight of its prior.
COMPANION_PRIOR = 0.25
# A question about a draft and its final version gets the best clause of each within this many results.
VERSION_DEPTH = 4
_EMBED_CHARS = 512  # e5-small reads 512 tokens; longer queries are cut for the dense side only
QUERY_CACHE_SIZE = 4096  # query vectors kept (1.5 KB each at 384 dimensions)

_ARTICLE_REF = re.compile(r"第\s*([一二三四五六七八九十百零〇两\d]+)\s*条")
# "第一条引用的《…》", "第三条里提到的…办法": a document named as what an article cites, not the one it is in.
_CITED_BY_ARTICLE = re.compile(r"第\s*[一二三四五六七八九十百零〇两\d]+\s*条(?:中|里|里面|中间)?所?"
                               r"(?:引用|援引|引|提到|提及|依据|根据|所称|列明|指向|写)了?的?(?:是|为)?\s*《?$")
_WORDLIKE = re.compile(r"[\w]", re.UNICODE)
# Markup pasted into a question ("<p>", "</script>") carries no meaning; "营收<1000万" is no tag.
_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z][\w:-]*(?:\s[^<>]*)?/?\s*>")
# An alias that ends like a document title ("龙岗若干措施") names the document, not a subject.
_TITLE_LIKE = re.compile(r"(?:措施|条例|办法|细则|方案|计划|意见|通知|通告|说明|解读|法|规定|征求意见稿)$")
# "2026年印发的《…》": words that only say which document is meant.
# A title's edition note ("（2026年）", "（2017年修订）", "（修订）"): a document about it quotes the title without.
_EDITION = re.compile(r"[（(](?:\d{4}年)?(?:修订)?[)）]$")
_QUOTED_TITLE = re.compile(r"《([^《》]+)》")
_YEAR_BEFORE_NAME = re.compile(r"(?<!\d)(20\d{2})\s*年?\s*(?:的|新|新版|版|旧版|那个|这个)?\s*《?$")
# The issuing place a title starts with: people name a local document without it ("区级财政专项资金管理办法").
_TITLE_PLACE = re.compile(r"^(?:深圳市|深圳经济特区|广东省|龙岗区|深圳市龙岗区)+")
_DOC_DESCRIPTOR = re.compile(r"(?:\d{4}年)?(?:新|新版|旧版|最新)?(?:印发|发布|出台|修订|制定)?的?(?=《)")


class QueryError(ValueError):
    """A query that cannot be searched; the message is for users (Chinese)."""


class Reranker(Protocol):
    """Scores (query, passage) pairs; higher is more relevant."""

    def score(self, query: str, passages: list[str]) -> list[float]: ...


class CrossEncoderReranker:
    """A sentence-transformers cross-encoder (e.g. BAAI/bge-reranker-v2-m3) by name or local path."""

    def __init__(self, model: str):
        from sentence_transformers import CrossEncoder

        self._model = CrossEncoder(model, device="cpu")

    def score(self, query: str, passages: list[str]) -> list[float]:
        return [float(s) for s in self._model.predict([(query, p) for p in passages])]


@dataclass(frozen=True)
class SearchFilters:
    """Restrict results to some documents, levels or statuses (empty = no restriction)."""

    doc_ids: frozenset[str] = frozenset()
    levels: frozenset[str] = frozenset()
    statuses: frozenset[str] = frozenset()

    def allows(self, doc: DocumentMeta) -> bool:
        """True when a document passes every filter."""
        return ((not self.doc_ids or doc.doc_id in self.doc_ids)
                and (not self.levels or doc.level in self.levels)
                and (not self.statuses or doc.status in self.statuses))

    @property
    def active(self) -> bool:
        return bool(self.doc_ids or self.levels or self.statuses)


def clean_query(query: str) -> str:
    """Validate and clean a user query; raise `QueryError` with a Chinese message if unusable."""
    if not isinstance(query, str):
        raise QueryError("检索内容必须是文字")
    text = _MARKUP.sub(" ", strip_controls(query)).strip()
    if not text:
        raise QueryError("请输入要检索的问题或关键词")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"问题过长（{len(text)}字），请精简到{MAX_QUERY_CHARS}字以内")
    if not _WORDLIKE.search(text):
        raise QueryError("没有识别到有效的文字，请用中文或英文描述您的问题")
    return text


@dataclass
class Retriever:
    """Searches one opened index. Build once per process and share; `search` is read-only."""

    index: LoadedIndex
    embedder: Embedder
    tokenizer: Tokenizer
    lexicon: Lexicon
    reranker: Reranker | None = None
    candidates: int = 40
    _bm25: bm25s.BM25 = field(init=False, repr=False)
    _doc_names: dict[str, tuple[str, ...]] = field(init=False, repr=False)
    _companions: dict[str, frozenset[str]] = field(init=False, repr=False)
    _stating: dict[str, frozenset[int]] = field(init=False, repr=False)
    _titles: dict[str, frozenset[str]] = field(init=False, repr=False)
    _idf: dict[str, float] = field(init=False, repr=False)
    _vectors: OrderedDict[str, np.ndarray] = field(init=False, repr=False)
    _vectors_lock: threading.Lock = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # Embedding the query is most of a search's time; the same text (a repeated or popular
        # question, a follow-up's context, the answer path searching again) is embedded once.
        self._vectors = OrderedDict()
        self._vectors_lock = threading.Lock()
        self._bm25 = bm25s.BM25()
        self._bm25.index(self.index.tokens, show_progress=False)
        df: dict[str, int] = {}
        for tokens in self.index.tokens:
            for token in set(tokens):
                df[token] = df.get(token, 0) + 1
        n = len(self.index.tokens)
        self._idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        self._max_idf = math.log(1 + (n + 0.5) / 0.5)
        documents = self.index.corpus.documents
        names: dict[str, tuple[str, ...]] = {fold(d.short_title): (d.doc_id,) for d in documents.values()}
        names.update({fold(d.title).strip("《》"): (d.doc_id,) for d in documents.values()})
        # A title without its place and edition note, where no other document's title reads the same (a draft
        # and its final text share one: the lexicon says which of them a bare name means).
        bare = {d.doc_id: _TITLE_PLACE.sub("", _EDITION.sub("", fold(d.title).strip("《》"))) for d in documents.values()}
        shared = Counter(bare.values())
        names.update({b: (doc_id,) for doc_id, b in bare.items() if shared[b] == 1 and b not in names})
        # The short title without its place ("通用人工智能实施意见" in "广东通用人工智能实施意见"), and a
        # document's number however its brackets are written ("粤府[2023]90号"), name it too.
        short = {d.doc_id: _TITLE_PLACE.sub("", _EDITION.sub("", fold(d.short_title))) for d in documents.values()}
        shared = Counter(short.values())
        names.update({b: (doc_id,) for doc_id, b in short.items() if shared[b] == 1 and len(b) >= 6 and b not in names})
        names.update({doc_number_form(fold(d.doc_number)): (d.doc_id,) for d in documents.values() if d.doc_number})
        names.update(self.lexicon.doc_aliases)
        self._doc_names = {k: tuple(v for v in ids if v in documents)
                           for k, ids in names.items() if len(k) >= 2}
        quoted = {doc_id: {fold(t) for t in _QUOTED_TITLE.findall(d.title)} for doc_id, d in documents.items()}
        self._companions = {doc_id: frozenset(other for other, titles in quoted.items() if other != doc_id
                                              and _EDITION.sub("", fold(d.title)) in titles)
                            for doc_id, d in documents.items()}
        # Which clauses make each structural statement; the title words of each document.
        self._stating = {m: frozenset(i for i, tokens in enumerate(self.index.tokens) if m in tokens)
                         for m in self.lexicon.markers}
        self._titles = {doc_id: frozenset(self.tokenizer.tokens(f"{d.title} {d.short_title}"))
                        for doc_id, d in documents.items()}
        # Names that are (part of) a title are left out of the lexical query; an alias that is a
        # subject of the document ("训力券" for the measures that issue it) is a content word and stays.
        titles = {doc_id: fold(d.title) + " " + fold(d.short_title) for doc_id, d in documents.items()}
        self._title_names = sorted((k for k, ids in self._doc_names.items()
                                    if _TITLE_LIKE.search(k)
                                    or any(k in titles[doc_id] for doc_id in ids)),
                                   key=len, reverse=True)

    @property
    def corpus(self):
        return self.index.corpus

    def idf(self, token: str) -> float:
        """Inverse document frequency of a token over the clauses (unseen tokens weigh most)."""
        return self._idf.get(token, self._max_idf)

    @property
    def max_idf(self) -> float:
        """The weight of a token no clause contains."""
        return self._max_idf

    def is_known(self, token: str) -> bool:
        """True when some clause contains the token."""
        return token in self._idf

    def _names_in(self, folded: str) -> list[str]:
        """The document names a folded text uses, a name only ever read inside a longer one left out
        ("专项资金管理办法" inside "区级财政专项资金管理办法" names the latter's document, not its own)."""
        folded = doc_number_form(folded)  # "粤府[2023]90号" is read as the number a document bears
        spans = {name: [(m.start(), m.start() + len(name)) for m in re.finditer(re.escape(name), folded)]
                 for name in self._doc_names if name in folded}
        longer = [(a, b, name) for name, found in spans.items() for a, b in found]
        names = [name for name, found in spans.items()
                 if not all(any(a <= x and y <= b and len(other) > len(name) for a, b, other in longer)
                            for x, y in found)]
        # A version word that is also a name ("征求意见稿" for the drafts held) says which document only when no
        # document is named by name: "X征求意见稿" is X's draft (`versions_meant`).
        named = [name for name in names if name not in self.lexicon.version_words]
        return named or names

    def document_names_in(self, query: str) -> list[str]:
        """The document names (titles, short titles, aliases, numbers) a query uses, folded."""
        return self._names_in(fold(query))

    def cited_by_article(self, query: str) -> set[str]:
        """doc_ids a query names only as what an article cites ("A第一条引用的B"): B is not where that article is
        looked up (A is); empty when such a document is also named otherwise."""
        folded = doc_number_form(fold(query))
        cited: set[str] = set()
        other: set[str] = set()
        for name in self._names_in(folded):
            starts = [m.start() for m in re.finditer(re.escape(name), folded)]
            where = cited if all(_CITED_BY_ARTICLE.search(folded, 0, start) for start in starts) else other
            where.update(self._doc_names[name])
        return cited - other

    def documents_named(self, query: str) -> set[str]:
        """doc_ids of the documents a query names (by title, short title or a known alias)."""
        return {doc_id for name in self._names_in(fold(query)) for doc_id in self._doc_names[name]}

    def _named_by(self, text: str) -> set[str]:
        """The documents a text names; an English text also by the Chinese terms of its words
        ("the Longgang AI implementation rules" names the 实施细则 as "实施细则" would)."""
        named = self.documents_named(text)
        return named | self.documents_named(" ".join(self.lexicon.gloss(text))) if is_english(text) else named

    def document_mentions(self, query: str) -> dict[str, int]:
        """How many of each document's names a query uses (more names: more surely that document)."""
        counts: dict[str, int] = {}
        for name in self._names_in(fold(query)):
            for doc_id in self._doc_names[name]:
                counts[doc_id] = counts.get(doc_id, 0) + 1
        # "X的征求意见稿": the version words name X's draft (and "正式稿" a named draft's final text).
        for doc_id in self.versions_meant(query, set(counts)):
            counts.setdefault(doc_id, 1)
        return counts

    def named_years(self, query: str) -> set[str]:
        """Years a query writes just before a document name ("2026年新工信专项资金办法", "2024年的征求意见稿"):
        they say which version of the document is meant, not what year the question is about."""
        folded = fold(query)
        out: set[str] = set()
        # Of a name for a document's topic ("2027年的资金测算"), the year is what the question is about.
        for name in (n for n in self._names_in(folded) if _TITLE_LIKE.search(n)):
            for match in re.finditer(re.escape(name), folded):
                year = _YEAR_BEFORE_NAME.search(folded, 0, match.start())
                if year:
                    out.add(year.group(1))
        return out

    def versions_meant(self, query: str, named: set[str]) -> set[str]:
        """The other versions of named documents that a query means by its version words: the final
        version of a named draft ("…征求意见稿…那正式稿呢"), the draft of a named final."""
        docs = self.corpus.documents
        related = {"final": "superseded_by", "draft": "supersedes"}
        out = {other for kind in self.lexicon.versions_asked(fold(query)) for doc_id in named
               for other in getattr(docs[doc_id], related[kind]) if other in docs and _is_version(docs[other], kind)}
        return out - named

    def versions_among(self, query: str, named: set[str]) -> set[str]:
        """Of named documents, those of the version a query's version words mean ("正式稿呢" after a question
        naming a draft and its final text: the final one); empty when it means no version or names none of them."""
        docs = self.corpus.documents
        return {d for kind in self.lexicon.versions_asked(fold(query)) for d in named
                if d in docs and _is_version(docs[d], kind) and (docs[d].supersedes or docs[d].superseded_by)}

    def without_document_names(self, query: str) -> str:
        """The query with the document names it mentions removed.

        The document prior already rewards a named document; left in, its title words would make
        the document's preamble (which repeats the title) outrank the clause actually asked about.
        """
        folded = _DOC_DESCRIPTOR.sub("", fold(query))
        for name in self._title_names:
            folded = folded.replace(name, " ")
        return folded if folded.strip() else fold(query)

    def lexical_tokens(self, query: str, named: set[str]) -> list[str]:
        """The BM25 tokens of a query without the names of the documents it names, nor the words of
        their titles ("龙岗", "AI" in "龙岗那个AI实施细则…"): those only say which document is meant, which
        the document prior rewards already, and would favour its clauses that repeat them."""
        tokens = self.tokenizer.query_tokens(self.without_document_names(query))
        titles = self._title_tokens(named)
        synonyms = self.lexicon.synonyms
        kept = [t for t in tokens if t not in titles
                and not (t in synonyms and set(self.tokenizer.term_tokens(list(synonyms[t]))) <= titles)]
        return kept or tokens

    def _title_tokens(self, doc_ids: set[str]) -> frozenset[str]:
        """The words in the title of every one of `doc_ids` (a word only some of them have tells them apart)."""
        return frozenset.intersection(*(self._titles[d] for d in doc_ids)) if doc_ids else frozenset()

    def exact_references(self, query: str, named: set[str]) -> list[Clause]:
        """Clauses a query cites by article number, within the documents it names (or any)."""
        out: list[Clause] = []
        for match in _ARTICLE_REF.finditer(fold(query)):
            raw = match.group(1)
            number = arabic_to_chinese(int(raw)) if raw.isdigit() and 0 < int(raw) < 1000 else raw
            locator = f"第{number}条"
            for doc_id in (named or self.corpus.documents.keys()):
                clause = self.corpus.clause(f"{doc_id}#{locator}")
                if clause is not None:
                    out.append(clause)
        return out

    def _bm25_ranking(self, tokens: list[str]) -> list[int]:
        if not tokens:
            return []
        scores = self._bm25.get_scores(tokens)
        n = min(self.candidates, len(scores))
        top = np.argpartition(-scores, n - 1)[:n]
        return [int(i) for i in top[np.argsort(-scores[top])] if scores[i] > 0]

    def query_vector(self, query: str) -> np.ndarray:
        """The embedding of a query (the first `_EMBED_CHARS` characters), from a bounded LRU cache."""
        return self.query_vectors([query])[0]

    def query_vectors(self, queries: list[str]) -> list[np.ndarray]:
        """Embeddings of several queries; those not cached are embedded together in one call
        (a batch runs one text per core, faster than one text after the other)."""
        texts = [q[:_EMBED_CHARS] for q in queries]
        found: dict[str, np.ndarray] = {}
        with self._vectors_lock:
            for text in texts:
                vector = self._vectors.get(text)
                if vector is not None:
                    self._vectors.move_to_end(text)
                    found[text] = vector
        missing = list(dict.fromkeys(t for t in texts if t not in found))
        if missing:
            vectors = self.embedder.embed_queries(missing)
            with self._vectors_lock:
                for text, vector in zip(missing, vectors):
                    vector = np.array(vector, dtype=np.float32)
                    vector.setflags(write=False)
                    found[text] = self._vectors[text] = vector
                while len(self._vectors) > QUERY_CACHE_SIZE:
                    self._vectors.popitem(last=False)
        return [found[text] for text in texts]

    def _version_pairs(self, named: set[str]) -> set[str]:
        """The named documents whose other version (draft or final) is named too."""
        docs = self.corpus.documents
        return {d for d in named if set(docs[d].superseded_by + docs[d].supersedes) & named}

    def _covering(self, ranked: list[int], doc_ids: set[str], depth: int) -> list[int]:
        """`ranked` with the best clause of each of `doc_ids` moved into the top `depth` where none is
        there (a question about a draft and its final version needs both), the order otherwise kept."""
        clauses = self.corpus.clauses
        shown = {clauses[p].doc_id for p in ranked[:depth]}
        firsts = [next(p for p in ranked if clauses[p].doc_id == d) for d in sorted(doc_ids - shown)
                  if any(clauses[p].doc_id == d for p in ranked)][:depth]
        if not firsts:
            return ranked
        rest = [p for p in ranked if p not in firsts]
        cut = depth - len(firsts)
        return rest[:cut] + sorted(firsts, key=ranked.index) + rest[cut:]

    def _dense_ranking(self, vector: np.ndarray, n: int) -> list[int]:
        positions = self._positions()
        seen: dict[int, None] = {}
        for clause_id, _similarity in dense_vectors(self.index, vector, n):
            seen.setdefault(positions[clause_id], None)
        return list(seen)

    def _positions(self) -> dict[str, int]:
        cached = self.__dict__.get("_position_cache")
        if cached is None:
            cached = {c.clause_id: i for i, c in enumerate(self.corpus.clauses)}
            self.__dict__["_position_cache"] = cached
        return cached

    def search(self, query: str, k: int = 5, mode: Mode = "hybrid",
               filters: SearchFilters | None = None, context: str = "",
               context_weight: float = 0.0) -> list[Hit]:
        """The `k` best clauses for a query, de-duplicated, best first.

        `context` (earlier user turns of a conversation) is searched together with the query and
        fused at `context_weight`, so a follow-up like "那2026年呢？" finds its topic while the
        question's own words still decide between clauses of that topic.
        """
        text = clean_query(query)
        k = max(1, min(int(k), 50))
        filters = filters or SearchFilters()
        clauses = self.corpus.clauses
        docs = self.corpus.documents
        pool = self.candidates * (4 if filters.active else 1)
        queries = [(text, 1.0)]
        context = strip_controls(context).strip()[-MAX_QUERY_CHARS:]
        if context and context_weight > 0:
            queries.append((f"{context} {text}", context_weight))
        named: set[str] = set()
        if mode == "hybrid":
            named = self._named_by(text) or (self._named_by(context) if context else set())
            named |= self.versions_meant(text, named)
        rankings: list[tuple[str, float, list[int]]] = []
        markers: set[str] = set()  # the structural statements the question asks for
        vectors = self.query_vectors([q for q, _ in queries]) if mode in ("hybrid", "dense") else []
        for n, (q, weight) in enumerate(queries):
            suffix = "" if n == 0 else "+context"
            if mode in ("hybrid", "bm25"):
                tokens = self.lexical_tokens(q, named) if mode == "hybrid" else self.tokenizer.query_tokens(q)
                if n == 0:
                    markers = set(tokens) & self.lexicon.markers.keys()
                rankings.append(("bm25" + suffix, weight * BM25_WEIGHT, self._bm25_ranking(tokens)))
            if mode in ("hybrid", "dense"):
                rankings.append(("dense" + suffix, weight * DENSE_WEIGHT,
                                 self._dense_ranking(vectors[n], pool)))
            if mode == "hybrid" and n == 0 and is_english(text):
                rankings.append(("bm25-crosslingual", CROSS_LINGUAL_WEIGHT,
                                 self._bm25_ranking(self.tokenizer.gloss_tokens(self.without_document_names(q)))))

        scores: dict[int, float] = {}
        sources: dict[int, dict[str, int]] = {}
        for name, weight, ranking in rankings:
            for rank, pos in enumerate(ranking, start=1):
                scores[pos] = scores.get(pos, 0.0) + weight / (RRF_K + rank)
                sources.setdefault(pos, {})[name] = rank
        if named:
            companions = {c for doc_id in named for c in self._companions[doc_id]} - named
            stating = frozenset().union(*(self._stating[m] for m in markers))
            for pos in stating | scores.keys():
                doc_id = clauses[pos].doc_id
                if doc_id in named or doc_id in companions:
                    prior = DOC_PRIOR if doc_id in named else COMPANION_PRIOR
                    if pos in stating:
                        prior += MARKER_BONUS
                        sources.setdefault(pos, {})["marker"] = 1
                    if pos in scores or prior > DOC_PRIOR:
                        scores[pos] = scores.get(pos, 0.0) + prior / (RRF_K + 1)
        if mode == "hybrid":
            for clause in self.exact_references(text, named):
                pos = self._positions()[clause.clause_id]
                scores[pos] = scores.get(pos, 0.0) + EXACT_BONUS
                sources.setdefault(pos, {})["exact"] = 1

        ranked = sorted((p for p in scores if filters.allows(docs[clauses[p].doc_id])),
                        key=lambda p: (-scores[p], p))
        if self.reranker is not None and ranked:
            head = ranked[: max(k, 20)]
            rerank = self.reranker.score(text, [clauses[p].text for p in head])
            order = sorted(range(len(head)), key=lambda i: -rerank[i])
            ranked = [head[i] for i in order] + ranked[len(head):]
        ranked = self._covering(ranked, self._version_pairs(named), min(k, VERSION_DEPTH))
        return [Hit(clause=clauses[p], doc=docs[clauses[p].doc_id], score=scores[p],
                    sources=sources.get(p, {})) for p in ranked[:k]]


def _is_version(doc: DocumentMeta, kind: str) -> bool:
    """True when a document is of that version: "final" (anything but a draft for comment) or "draft"."""
    return (kind == "final") != (doc.status == "draft-for-comment")
