"""Grounding guard: keep only the sentences of a generated answer whose citations and figures check out.

Every LLM answer passes through here before a user sees it. The answer carries numbered markers
``[n]`` that point to ``citations[n-1]``; each sentence is checked on its own:

* every marker must point to a supplied citation (``[7]`` with two citations fails);
* every article reference (``第九十九条``, ``《某办法》第五条``) must be the label of a supplied citation,
  or be quoted in the evidence; every ``《title》`` must be a supplied document or be named in the evidence;
* every number, percentage, amount and date must appear, after normalisation, in the evidence: the
  clauses the sentence cites (a sentence without markers: the clauses cited anywhere in the answer) plus
  the grounded texts (pre-check formulas and reasons, tool results). The question is never evidence.

A sentence that fails is removed. The kept markers are renumbered densely in order of appearance and the
citations actually used are returned in that order. ``lost_substance`` tells the caller to fall back to
the extractive answer.

How figures, dates, articles and titles are read (by value, not by wording) is `assistant.claims`.

The same machinery runs incrementally (`StreamingGuard`) so that a streamed answer can show each
sentence as soon as its verdict is final; `ground` is the one-shot form and gives the same result.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
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
    split_sentences,
    strip_injections,
)
from retrieval.models import Citation

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


def _segment(piece: str) -> _Segment:
    body = piece.rstrip()
    bare = MARKER.sub("", body)
    enumerator = ENUMERATOR.match(bare)
    if enumerator:
        bare = bare[enumerator.end():]
    words = _WORD.findall(bare)
    return _Segment(
        body=body,
        trailing=piece[len(body):],
        markers=tuple(markers_in(body)),
        claims=claims_of(body),
        substantive=len(words) >= 2,
    )


class _Checker:
    """Checks one sentence against the supplied citations and grounded texts."""

    def __init__(self, citations: Sequence[Citation], grounded_texts: Iterable[str]) -> None:
        self.count = len(citations)
        self._cited_facts = [
            facts_of(f"{c.title}{c.label}\n{strip_injections(c.quote)}") for c in citations
        ]
        self._grounded = Facts()
        for text in grounded_texts:
            self._grounded = self._grounded | facts_of(text)
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
        self._titles |= self._grounded.titles

    def add_grounded(self, text: str) -> None:
        """Let `text` (e.g. a tool result that arrived mid-stream) ground figures from now on."""
        facts = facts_of(text)
        self._grounded = self._grounded | facts
        self._titles |= facts.titles

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
        segment = _segment(piece)
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
