"""Grounding guard: keep only the sentences of an answer whose citations and figures check out.

Every composition passes through here before a user sees it: a generated answer sentence by sentence as
it is written, an extractive one once written (`guard_answer`). The answer carries numbered markers
``[n]`` that point to ``citations[n-1]``; each sentence is checked on its own:

* every marker must point to a supplied citation (``[7]`` with two citations fails);
* every article reference (``第九十九条``, ``《某办法》第五条``) must be the label of a supplied citation,
  or be quoted in the evidence; every ``《title》`` must be a supplied document or be named in the evidence;
* every number, percentage, amount and date must appear, after normalisation, in the evidence: the
  clauses the sentence cites (a sentence without markers: the clauses cited anywhere in the answer) plus
  the grounded texts (pre-check formulas and reasons, tool results, the metadata of the documents the
  answer cites or names). The question is never evidence;
* words inside quotation marks (“…”, possibly over several sentences) that are a supplied clause's own
  words (or a grounded text's) claim nothing: they are the clause speaking. A quotation found nowhere in
  the evidence is checked like any other words.

A sentence that fails is removed. The kept markers are renumbered densely in order of appearance and the
citations actually used are returned in that order. ``lost_substance`` tells the caller to fall back to
the extractive answer.

How figures, dates, articles and titles are read (by value, not by wording) is `assistant.claims`.

The same machinery runs incrementally (`StreamingGuard`) so that a streamed answer can show each
sentence as soon as its verdict is final; `ground` is the one-shot form and gives the same result.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from assistant.claims import (
    ARTICLE,
    ENUMERATOR,
    MARKER,
    PARTIAL_MARKER,
    Claims,
    Facts,
    claims_of,
    facts_of,
    fold_title,
    markers_in,
    number_of,
    parse_marker,
    quoted_spans,
    split_sentences,
    strip_injections,
)
from assistant.models import Answer
from retrieval.models import Citation, DocumentMeta
from retrieval.text import compact

logger = logging.getLogger(__name__)

# --------------------------------------------------------------------------------------------------
# Checking sentences
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RemovedSentence:
    """A sentence the guard took out, with the reasons (Chinese, for logs and review)."""

    text: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class GroundingResult:
    """The guarded answer: kept text (markers renumbered), citations used in marker order, removals."""

    text: str
    citations: list[Citation]
    removed: list[RemovedSentence]
    kept_sentences: int
    total_sentences: int
    lost_substance: bool


@dataclass(frozen=True)
class _Segment:
    body: str  # the sentence without trailing whitespace
    trailing: str  # whitespace after it
    markers: tuple[int, ...]
    claims: Claims
    substantive: bool


_WORD = re.compile(r"[^\W\d_]|\d", re.UNICODE)


def _quotable(text: str) -> str:
    # Quoted words are compared without markers, whitespace or width differences.
    return compact(MARKER.sub("", text))


def _segment(piece: str, depth: int, quoted: Callable[[str], bool]) -> tuple[_Segment, int]:
    """One sentence, and the number of quotations still open after it (`depth`: open before it).

    A quotation that `quoted` finds in the evidence is the clause's own words: what it says is not a claim.
    """
    body = piece.rstrip()
    bare = MARKER.sub("", body)
    enumerator = ENUMERATOR.match(bare)
    if enumerator:
        bare = bare[enumerator.end():]
    words = _WORD.findall(bare)
    spans, depth = quoted_spans(body, depth)
    claimed = body
    for start, end in spans:
        if quoted(body[start:end]):
            claimed = claimed[:start] + " " * (end - start) + claimed[end:]
    segment = _Segment(
        body=body,
        trailing=piece[len(body):],
        markers=tuple(markers_in(body)),
        claims=claims_of(claimed),
        substantive=len(words) >= 2,
    )
    return segment, depth


class _Checker:
    """Checks one sentence against the supplied citations and grounded texts."""

    def __init__(self, citations: Sequence[Citation], grounded_texts: Iterable[str]) -> None:
        self.count = len(citations)
        quotes = [strip_injections(c.quote) for c in citations]
        self._cited_facts = [facts_of(f"{c.title}{c.label}\n{q}") for c, q in zip(citations, quotes, strict=True)]
        self._quotable = [_quotable(q) for q in quotes]
        # Article number → folded titles of the supplied citations with that label.
        self._labels: dict[int, set[str]] = {}
        for citation in citations:
            match = ARTICLE.search(unicodedata.normalize("NFKC", citation.label))
            number = number_of(match.group(1)) if match else None
            if number is not None:
                self._labels.setdefault(int(number), set()).add(fold_title(citation.title))
        self._titles = {fold_title(c.title) for c in citations}
        # Titles a clause itself names may be repeated; they are names, not claims about the clause.
        for facts in self._cited_facts:
            self._titles |= facts.titles
        self._grounded = Facts()
        for text in grounded_texts:
            self.add_grounded(text)

    def add_grounded(self, text: str) -> None:
        """Let `text` (e.g. a tool result that arrived mid-stream) ground figures and quotations from now on."""
        facts = facts_of(text)
        self._grounded = self._grounded | facts
        self._titles |= facts.titles
        self._quotable.append(_quotable(text))

    def quoted(self, words: str) -> bool:
        """True when `words` (the inside of a quotation) are a supplied clause's own words."""
        words = _quotable(words)
        return bool(words) and any(words in quote for quote in self._quotable)

    def _title_known(self, title: str) -> bool:
        return any(title == known or (len(title) >= 4 and (title in known or known in title))
                   for known in self._titles)

    def reasons(self, segment: _Segment, evidence: Iterable[int]) -> list[str]:
        """Why `segment` fails when checked against the clauses numbered `evidence` (1-based)."""
        reasons: list[str] = []
        for number in dict.fromkeys(segment.markers):
            if not 1 <= number <= self.count:
                reasons.append(f"引用编号[{number}]不在所提供的条文范围内")
        facts = self._grounded
        for index in evidence:
            if 1 <= index <= self.count:
                facts = facts | self._cited_facts[index - 1]
        claims = segment.claims
        for words, title, number in claims.articles:
            labelled = self._labels.get(number, set())
            if title is None:
                grounded = bool(labelled) or number in facts.articles
            else:
                grounded = any(title == t or title in t or t in title for t in labelled) or (
                    number in facts.articles and self._title_known(title))
            if not grounded:
                reasons.append(f"条文“{words.strip()}”不在所提供的条文中")
        article_titles = {title for _, title, _ in claims.articles if title}
        for title in claims.titles:
            if title not in article_titles and not self._title_known(title):
                reasons.append(f"文件《{title}》不在所提供的文件中")
        for words, value in claims.values:
            if value not in facts.values:
                reasons.append(f"数字“{words}”未见于所引条文或自测结果")
        for words, date in claims.dates:
            in_dates = any(date.covered_by(known) for known in facts.dates)
            # A bare year may also be read from a document number such as 〔2024〕.
            year_only = date.year is not None and date.month is None and date.day is None
            if not in_dates and not (year_only and Fraction(date.year or 0) in facts.values):
                reasons.append(f"日期“{words}”未见于所引条文或自测结果")
        return reasons


class StreamingGuard:
    """The grounding guard, fed the answer piece by piece; emits each sentence once its verdict is final.

    A sentence with markers is judged as soon as it is complete. A sentence without markers is checked
    against the clauses cited so far; if that fails it waits (and so does everything after it), because
    a later marker may still cite the clause that grounds it. At `finish` every sentence is judged
    against all clauses cited in the answer, so the output equals that of `ground` on the whole text.
    """

    def __init__(self, citations: Sequence[Citation], grounded_texts: Iterable[str] = ()) -> None:
        self._citations = list(citations)
        self._checker = _Checker(self._citations, grounded_texts)
        self._buffer = ""
        self._queue: list[_Segment] = []
        self._cited: set[int] = set()
        self._emitted: list[str] = []
        self._pending_space = ""
        self._renumber: dict[int, int] = {}
        self._removed: list[RemovedSentence] = []
        self._kept = 0
        self._total = 0
        self._started = False
        self._finished = False
        self._quote_depth = 0  # quotations open at the end of the text enqueued so far

    def feed(self, delta: str) -> str:
        """Add streamed text; return the text that can now be shown (possibly empty)."""
        if self._finished:
            raise RuntimeError("StreamingGuard.feed after finish")
        self._buffer += delta
        pieces = split_sentences(self._buffer)
        complete = len(pieces) - 1
        if complete >= 1 and PARTIAL_MARKER.match(pieces[-1]):
            complete -= 1  # "。[" may become "。[1]", which belongs to the sentence before
        for piece in pieces[:complete]:
            self._enqueue(piece)
        self._buffer = "".join(pieces[complete:])
        return self._drain(final=False)

    def finish(self) -> str:
        """Mark the end of the answer; return the last text that can be shown."""
        if not self._finished:
            if self._buffer:
                self._enqueue(self._buffer)
                self._buffer = ""
            self._finished = True
        return self._drain(final=True)

    def add_grounded_text(self, text: str) -> None:
        """Add a grounded text (a tool result) that arrived after the guard was created.

        Sentences judged before it arrived keep their verdict; sentences still waiting, and all later
        ones, are checked with it.
        """
        self._checker.add_grounded(text)

    @property
    def citations_so_far(self) -> list[Citation]:
        """The citations of the text emitted so far, in (renumbered) marker order."""
        return [self._citations[old - 1] for old in self._renumber]

    @property
    def result(self) -> GroundingResult:
        """The verdict on the whole answer (call after `finish`)."""
        if not self._finished:
            raise RuntimeError("StreamingGuard.result before finish")
        removed_substantive = self._total - self._kept
        lost = self._total == 0 or self._kept == 0 or removed_substantive * 2 > self._total
        return GroundingResult(
            text="".join(self._emitted),
            citations=self.citations_so_far,
            removed=list(self._removed),
            kept_sentences=self._kept,
            total_sentences=self._total,
            lost_substance=lost,
        )

    def _enqueue(self, piece: str) -> None:
        segment, self._quote_depth = _segment(piece, self._quote_depth, self._checker.quoted)
        self._cited.update(n for n in segment.markers if 1 <= n <= self._checker.count)
        self._queue.append(segment)

    def _drain(self, *, final: bool) -> str:
        out: list[str] = []
        while self._queue:
            segment = self._queue[0]
            if not segment.body:
                self._absorb_space(segment.trailing)
            else:
                evidence = segment.markers if segment.markers else self._cited
                reasons = self._checker.reasons(segment, evidence)
                if reasons and not segment.markers and not final:
                    break  # a later marker may still ground it
                if segment.substantive:
                    self._total += 1
                if reasons:
                    self._removed.append(RemovedSentence(segment.body, tuple(reasons)))
                    self._absorb_space(segment.trailing)
                else:
                    if segment.substantive:
                        self._kept += 1
                    out.append(self._emit(segment))
            self._queue.pop(0)
        text = "".join(out)
        if text:
            self._emitted.append(text)
        return text

    def _absorb_space(self, space: str) -> None:
        # A removed sentence's line break is kept (it may end a paragraph), without stacking up.
        if space.count("\n") > self._pending_space.count("\n"):
            self._pending_space = space

    def _emit(self, segment: _Segment) -> str:
        def repl(match: re.Match[str]) -> str:
            numbers: list[int] = []
            for old in parse_marker(match.group(1)):
                new = self._renumber.setdefault(old, len(self._renumber) + 1)
                if new not in numbers:
                    numbers.append(new)
            return "".join(f"[{n}]" for n in numbers)

        body = MARKER.sub(repl, segment.body)
        if self._started:
            lead = self._pending_space if self._pending_space.count("\n") <= 2 else "\n\n"
        else:
            lead, body = "", body.lstrip()
        self._started = True
        self._pending_space = segment.trailing
        return lead + body


def ground(text: str, citations: Sequence[Citation], grounded_texts: Iterable[str] = ()) -> GroundingResult:
    """Check a whole generated answer; see the module docstring for the rules.

    `citations[n-1]` is what marker ``[n]`` refers to; `grounded_texts` are pre-check formulas and
    reasons and tool results, which ground figures as a cited clause does.
    """
    guard = StreamingGuard(citations, grounded_texts)
    guard.feed(text)
    guard.finish()
    return guard.result


# --------------------------------------------------------------------------------------------------
# Guarding a finished answer
# --------------------------------------------------------------------------------------------------

_TITLE_NAMED = re.compile(r"《([^《》]{1,80})》")


def document_facts(doc: DocumentMeta) -> str:
    """A document's metadata as a grounded text: its titles, number and dates."""
    dates = (doc.published, doc.effective_from, doc.effective_to)
    return " ".join([f"《{doc.title}》《{doc.short_title}》", doc.doc_number or "", *(d or "" for d in dates)])


def documents_of(answer: Answer, documents: Mapping[str, DocumentMeta]) -> list[DocumentMeta]:
    """The held documents an answer cites, and those it names by title (《…》)."""
    named = {fold_title(m) for m in _TITLE_NAMED.findall(answer.text)}
    ids = dict.fromkeys(c.doc_id for c in answer.citations)
    ids.update(dict.fromkeys(d.doc_id for d in documents.values()
                             if {fold_title(d.title), fold_title(d.short_title)} & named))
    return [documents[i] for i in ids if i in documents]


def grounded_texts(answer: Answer, documents: Mapping[str, DocumentMeta]) -> list[str]:
    """What grounds an answer's figures besides its citations' quotes: its calculations, its pre-checks'
    formulas and reasons, and the metadata of the documents it cites or names."""
    prechecks = [text for p in answer.prechecks
                 for text in (p.get("formula", ""), *(r["text"] for r in p.get("reasons", [])))]
    return [*answer.calculations, *prechecks, *(document_facts(d) for d in documents_of(answer, documents))]


def guard_answer(answer: Answer, documents: Mapping[str, DocumentMeta]) -> Answer | None:
    """`answer` without the sentences its sources do not ground (each logged); None when no cited sentence
    remains, so that only composed words (a lead, the disclaimer) would be left: the caller refuses.

    A refusal, and an answer that cites nothing, state nothing from the clauses and pass as they are.
    """
    if answer.refused or not answer.citations:
        return answer
    result = ground(answer.text, answer.citations, grounded_texts(answer, documents))
    if not result.removed:
        return answer
    for removed in result.removed:
        logger.warning("grounding guard removed %r from a %s answer: %s", removed.text, answer.backend,
                       "；".join(removed.reasons))
    if not result.citations:
        return None
    return dataclasses.replace(answer, text=result.text, citations=result.citations)
