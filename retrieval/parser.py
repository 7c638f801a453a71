"""Structure-aware parsing of a policy body into citable clauses.

Two shapes of document are held:
- regulations and laws numbered by article (第X条), grouped in chapters (第X章) and sections (第X节):
  each article, with its enumerated items, is one clause;
- plans, measures and explanations numbered by outline (一、 / （一） in Chinese, 1. / (1) in English):
  each second-level item is a clause, and a first-level section's own text is a clause too; a first-level
  title with no text of its own ("一、丰富生态要素供给") is kept apart, as a title (cited, never searched).
Text before the first heading is the preamble. Markdown tables become one clause per row, carrying the
table's title and header. The gap marker `〔以下原文未收录〕` is never text: it is recorded as a gap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from retrieval.models import GAP_MARKER, PRINTED_ROW, Clause, ClauseKind
from retrieval.numerals import HEADING_NUMERALS, number_value

_CN_NUM = HEADING_NUMERALS
_CHAPTER = re.compile(rf"^第[{_CN_NUM}\d]+章\s*\S*$")
_SECTION = re.compile(rf"^第[{_CN_NUM}\d]+节\s*\S*$")
# A heading is followed by a space, or (as copies from PDFs often have it) directly by the article's text when it
# is the next article in order (`_heads_article`), but not by a list of other articles ("第十二条、第十三条…").
_ARTICLE = re.compile(rf"^(第[{_CN_NUM}\d]+条)(?:[\s\u3000]+|$|(?=[\u4e00-\u9fff])(?![、，,和及与至到或]))(.*)$")
_CN_L1 = re.compile(rf"^([{_CN_NUM}]+)、\s*(.*)$")
_CN_L2 = re.compile(rf"^[（(]([{_CN_NUM}]+)[)）]\s*(.*)$")
# A second-level item that follows its first-level heading on the same line: "一、标题 (一)正文".
_CN_L2_INLINE = re.compile(rf"\s[（(][{_CN_NUM}]+[)）]")
_EN_L1 = re.compile(r"^(\d+)\.\s+(.*)$")
_EN_L2 = re.compile(r"^\((\d+)\)\s*(.*)$")
_TABLE_TITLE = re.compile(r"^表\s*(\d+)")
_TABLE_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}")
# Headings are short lines; a long sentence that starts with "第一章…" is content (e.g. a summary).
_MAX_HEADING_LEN = 30

PREAMBLE = "序言"


@dataclass(frozen=True)
class ParsedBody:
    """The clauses of one document body, its parts' bare titles, and where its held copy has gaps."""

    clauses: list[Clause]
    gaps: tuple[int, ...]  # positions in `clauses`
    titles: tuple[Clause, ...] = ()  # "一、丰富生态要素供给": each with the ordinal of the first clause under it
    tables: tuple[Clause, ...] = ()  # each table whole, as printed, with the ordinal of its first row


@dataclass
class _Open:
    """The clause being accumulated while lines are read."""

    locator: str
    kind: ClauseKind
    heading_path: tuple[str, ...]
    lines: list[str] = field(default_factory=list)
    has_body: bool = False  # False while it holds only a heading line
    titled: bool = False  # a part's bare title ("一、丰富生态要素供给"): kept as a title without text of its own


@dataclass
class _State:
    doc_id: str
    clauses: list[Clause] = field(default_factory=list)
    titles: list[Clause] = field(default_factory=list)
    tables: list[Clause] = field(default_factory=list)
    gaps: list[int] = field(default_factory=list)
    seen: dict[str, int] = field(default_factory=dict)
    chapter: str | None = None
    section: str | None = None
    l1_locator: str = ""
    l1_heading: str | None = None
    open: _Open | None = None
    table_title: str | None = None
    table_count: int = 0
    # The clause a table interrupted: text after the table (before any heading) continues it.
    resume: _Open | None = None

    def path(self) -> tuple[str, ...]:
        return tuple(h for h in (self.chapter, self.section, self.l1_heading) if h)

    def start(self, locator: str, kind: ClauseKind, line: str, *, has_body: bool,
              heading_path: tuple[str, ...] | None = None, titled: bool = False) -> None:
        self.close()
        self.open = _Open(locator, kind, self.path() if heading_path is None else heading_path,
                          [line], has_body, titled)

    def add_text(self, line: str) -> None:
        if self.open is None and self.resume is not None:
            self.open = _Open(self.resume.locator, self.resume.kind, self.resume.heading_path)
        if self.open is None:
            self.open = _Open(PREAMBLE, "preamble", (), [], False)
        self.open.lines.append(line)
        self.open.has_body = True

    def close(self) -> None:
        # A first-level number with neither title nor text ("一、") is nothing; a bare title is kept among the titles,
        # so that a part's title, when that is what is asked, is quoted from the line that holds it.
        self.resume = None
        if self.open is not None and self.open.has_body:
            self.emit(self.open.locator, self.open.kind, self.open.heading_path, "\n".join(self.open.lines))
        elif self.open is not None and self.open.titled:  # a bare title heads its own division, as its items'
            title = self.open.lines[0]
            self.emit(self.open.locator, self.open.kind, (*self.open.heading_path, title), title, into=self.titles)
        self.open = None

    def emit(self, locator: str, kind: ClauseKind, heading_path: tuple[str, ...], text: str,
             into: list[Clause] | None = None) -> None:
        """Add a clause (or, `into` another list, a title or a whole table), numbered by the clauses before it."""
        count = self.seen.get(locator, 0) + 1
        self.seen[locator] = count
        unique = locator if count == 1 else f"{locator}~{count}"
        (self.clauses if into is None else into).append(Clause(
            clause_id=f"{self.doc_id}#{unique}", doc_id=self.doc_id, locator=unique, kind=kind,
            heading_path=heading_path, text=text, ordinal=len(self.clauses)))

    def gap(self) -> None:
        self.close()
        if not self.gaps or self.gaps[-1] != len(self.clauses):
            self.gaps.append(len(self.clauses))


def _is_heading(pattern: re.Pattern[str], line: str) -> bool:
    return len(line) <= _MAX_HEADING_LEN and "。" not in line and bool(pattern.match(line))


def _is_title(rest: str, english: bool) -> bool:
    """True when what follows an outline number is a title only, not text of its own.

    "一、总体目标" is a title; "一、总体要求。到2025年……" carries a sentence. English titles are
    longer ("1. Enhancing the supply of AI computing power"), so there a sentence ends with a period.
    """
    if english:
        return len(rest) <= 150 and not re.search(r"[.;:](\s|$)", rest)
    return len(rest) <= _MAX_HEADING_LEN and not any(p in rest for p in "。；;：:")


def _split_cells(row: str) -> list[str]:
    return [c.strip() for c in row.strip().strip("|").split("|")]


def _emit_table(state: _State, rows: list[str]) -> None:
    """One clause per data row, each carrying the table title and the header of every cell; and the table whole."""
    interrupted = state.open or state.resume  # two tables in a row interrupt the same clause
    state.close()
    state.table_count += 1
    header = _split_cells(rows[0])
    body = [r for r in rows[1:] if not _TABLE_SEPARATOR.match(r.strip())]
    title = state.table_title or f"表{state.table_count}"
    match = _TABLE_TITLE.match(title)
    table_no = match.group(1) if match else str(state.table_count)
    printed = "\n".join(r.strip() for r in rows)
    state.emit(f"表{table_no}", "table", state.path(), f"{title}\n{printed}", into=state.tables)
    for index, row in enumerate(body, start=1):
        cells = _split_cells(row)
        key = next((c for c in cells if c), str(index))
        pairs = [f"{h}：{v}" for h, v in zip(header, cells) if v]
        text = f"{title}｜" + "｜".join(pairs) + f"｜{PRINTED_ROW}：{row.strip()}"
        state.emit(f"表{table_no}/{key}", "table_row", (*state.path(), title), text)
    state.table_title = None
    if interrupted is not None and interrupted.kind != "preamble":
        state.resume = interrupted


def _read_outline_line(state: _State, line: str, english: bool) -> None:
    l1 = _EN_L1 if english else _CN_L1
    l2 = _EN_L2 if english else _CN_L2
    m1 = l1.match(line)
    if m1:
        inline = None if english else _CN_L2_INLINE.search(line)
        heading = line[: inline.start()].strip() if inline else line
        state.close()
        state.l1_locator = f"{m1.group(1)}." if english else f"{m1.group(1)}、"
        state.l1_heading = heading
        # A bare title ("一、总体目标") is a clause only with the lines after it, else a title (`ParsedBody.titles`);
        # a heading line that carries its own text ("一、总体要求。到2025年……") is, even when no other line follows it.
        rest = heading[m1.end(1) + 1:].strip()
        own_text = not _is_title(rest, english)
        state.start(state.l1_locator, "section", heading, has_body=own_text,
                    heading_path=state.path()[:-1], titled=bool(rest))
        if inline:
            _read_outline_line(state, line[inline.start():].strip(), english)
        return
    m2 = l2.match(line)
    if m2:
        number = f"({m2.group(1)})" if english else f"（{m2.group(1)}）"
        state.start(f"{state.l1_locator}{number}", "item", line, has_body=True)
        return
    state.add_text(line)


def _article_value(label: str) -> int | None:
    value = number_value(label[1:-1])
    return int(value) if value is not None else None


def _heads_article(match: re.Match[str], last: int | None) -> bool:
    """True when a line starting "第N条" opens article N: a space follows the label, or the line runs straight on
    and N is the next article ("第十二条规定的事项…" after the first article cites article 12; it opens nothing)."""
    label = match.group(1)
    spaced = len(match.string) == len(label) or match.string[len(label)] in " \t\u3000"
    return spaced or _article_value(label) == (last or 0) + 1


def parse_body(doc_id: str, body: str, language: str = "zh") -> ParsedBody:
    """Parse a document body (front matter removed) into clauses in document order."""
    english = language == "en"
    lines: list[str] = []
    for raw in body.splitlines():
        # A gap marker inside a line ("第二条 对符合条件的〔以下原文未收录〕") splits it: the words
        # before it are read as a line of their own (with their heading), then the gap is recorded.
        pieces = raw.split(GAP_MARKER)
        for n, piece in enumerate(pieces):
            if n:
                lines.append(GAP_MARKER)
            piece = piece.strip().strip("\u3000").strip()
            if piece:
                lines.append(piece)
    by_article = any(_ARTICLE.match(ln) for ln in lines)
    state = _State(doc_id)
    last_article: int | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        if line == GAP_MARKER:
            state.gap()
        elif line.startswith("|"):
            j = i
            while j < len(lines) and lines[j].startswith("|"):
                j += 1
            _emit_table(state, lines[i:j])
            i = j
            continue
        elif _is_heading(_CHAPTER, line):
            state.close()
            state.chapter, state.section, state.l1_heading = line, None, None
        elif _is_heading(_SECTION, line):
            state.close()
            state.section = line
        elif _TABLE_TITLE.match(line) and i + 1 < len(lines) and lines[i + 1].startswith("|"):
            # A table's title: every row carries it; it stays text of the clause it sits in, and
            # starts no clause of its own (e.g. between two tables).
            state.table_title = line
            if state.open is not None:
                state.add_text(line)
        elif by_article and (m := _ARTICLE.match(line)) and _heads_article(m, last_article):
            state.start(m.group(1), "article", line, has_body=True)
            last_article = _article_value(m.group(1))
        elif by_article:
            state.add_text(line)
        else:
            _read_outline_line(state, line, english)
        i += 1
    state.close()
    return ParsedBody(clauses=state.clauses, gaps=tuple(state.gaps), titles=tuple(state.titles),
                      tables=tuple(state.tables))
