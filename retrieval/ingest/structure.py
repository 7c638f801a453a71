"""From extracted blocks to a corpus-format body: running headers, footers and page numbers removed,
wrapped lines and page-broken paragraphs joined, a bare heading joined to its text, tables as Markdown.

Joining follows the typesetting, not the words: a PDF line that runs to the right margin continues in
the next line, even when the next line starts with words that look like a heading ("第十二条规定的……"
wrapped after "依照"): a cross-reference inside a sentence never becomes a heading.
"""

from __future__ import annotations

import re
from collections import Counter

from retrieval.ingest.blocks import Block, Extracted, Para, Table
from retrieval.numerals import HEADING_NUMERALS
from retrieval.text import strip_controls

_CN_NUM = HEADING_NUMERALS
# Lines that open a unit of structure; a new paragraph always starts at one (unless the line before
# runs on into it).
_HEADING = re.compile(
    rf"^(第[{_CN_NUM}\d]+[章节](\s|$)|第[{_CN_NUM}\d]+条(\s|$)|[{_CN_NUM}]+、|[（(][{_CN_NUM}]+[)）]|"
    rf"\d+[.．、]\s*\S|[（(]\d+[)）]|表\s*\d+|附件\s*\d*|附表\s*\d*)")
_BARE_ARTICLE = re.compile(rf"^第[{_CN_NUM}\d]+条$")
_HEADING_ONLY = re.compile(rf"^(第[{_CN_NUM}\d]+[章节]\s*\S{{0,20}}|[{_CN_NUM}]+、\S{{1,20}})$")
# Page numbers as printed: "- 3 -", "—3—", "第3页", "第 3 页 共 12 页", "3/12", "Page 3 of 12", a bare "3".
_PAGE_NUMBER = re.compile(
    r"^[-—–－\s]*\d{1,4}[-—–－\s]*$|^第\s*\d{1,4}\s*页(\s*[,，/]?\s*共\s*\d{1,4}\s*页)?$|"
    r"^\d{1,4}\s*/\s*\d{1,4}$|^(page\s*)?\d{1,4}(\s*of\s*\d{1,4})?$", re.IGNORECASE)
# A signature block: the issuing body on one line, the date on the next; neither continues the other.
_SIGNATURE = re.compile(r"(人民政府|委员会|办公室|办公厅|[局厅部处]|中心)$")
_DATE_LINE = re.compile(r"^[\d〇一二三四五六七八九十零○]{2,4}\s*年[\d一二三四五六七八九十\s]{1,3}月([\d一二三四五六七八九十\s]{1,3}日)?$")
_TERMINAL = tuple("。；;：:！？!?…”」』）)")
_EDGE_LINES = 2  # lines at the top and bottom of a PDF page that may be running headers or footers
_JOIN_MIN_LEN = 10  # an unterminated paragraph shorter than this is a title or signature, not a sentence


def clean_text(text: str) -> str:
    """One paragraph's text: controls removed, inner line breaks and runs of spaces collapsed."""
    text = strip_controls(text).replace("\u00a0", " ")
    text = re.sub(r"[ \t]*\n[ \t]*", "\n", text.strip())
    # A line break inside Chinese text is a soft wrap; between Latin words it is a space.
    text = re.sub(r"(?<=[^\x00-\x7f])\n|\n(?=[^\x00-\x7f])", "", text).replace("\n", " ")
    return re.sub(r"[ \t\u3000]{2,}", " ", text).strip()


def is_page_number(text: str) -> bool:
    """True for a line that is only a page number."""
    return bool(_PAGE_NUMBER.match(text.strip()))


def _running_key(text: str) -> str:
    """Running headers differ only in their numbers (page, chapter): compare them without digits."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def drop_running_lines(extracted: Extracted) -> tuple[list[Block], list[str]]:
    """All blocks in reading order without page numbers and running headers/footers.

    A running line sits at a page edge and repeats on at least half the pages. Documents without real
    pages (Word, HTML converted from a paginated original) are cut into pages at their page-number lines,
    so a repeated line elsewhere (an issuer named in the heading and the signature) is never dropped.
    Returns the blocks and the distinct texts removed (reported to the user as warnings).
    """
    blocks = [[b for b in page if not (isinstance(b, Para) and not clean_text(b.text))] for page in extracted.pages]
    pages = blocks if extracted.paged else _split_at_page_numbers([b for page in blocks for b in page])
    counts: Counter[str] = Counter()
    for page in pages:
        counts.update({_running_key(p.text) for p in _edge_paras(page)})
    threshold = max(2, (len(pages) + 1) // 2)
    running = {key for key, n in counts.items() if n >= threshold}
    removed: list[str] = []
    out: list[Block] = []
    for page in pages:
        edge = {id(p) for p in _edge_paras(page)}
        for block in page:
            if isinstance(block, Para) and id(block) in edge:
                text = clean_text(block.text)
                if (is_page_number(text) or _running_key(block.text) in running) and not _HEADING.match(text):
                    if text not in removed:
                        removed.append(text)
                    continue
            out.append(block)
    return out, removed


def _split_at_page_numbers(blocks: list[Block]) -> list[list[Block]]:
    pages: list[list[Block]] = [[]]
    for block in blocks:
        pages[-1].append(block)
        if isinstance(block, Para) and is_page_number(clean_text(block.text)):
            pages.append([])
    return [page for page in pages if page]


def _edge_paras(page: list[Block]) -> list[Para]:
    paras = [b for b in page if isinstance(b, Para)]
    return paras[:_EDGE_LINES] + paras[-_EDGE_LINES:] if len(paras) > _EDGE_LINES else paras


def _continues(previous: str, prev_block: Para, block: Para, in_body: bool) -> bool:
    """True when `block` continues the paragraph `previous` (a wrap or a page break inside it)."""
    text = clean_text(block.text)
    if prev_block.wrapped is not None:  # PDF lines: the layout says
        if prev_block.wrapped and not previous.endswith(_TERMINAL):
            return True  # runs on mid-sentence, even into words that look like a heading
        if block.indented or _HEADING.match(text):
            return False
        return prev_block.wrapped
    # Paragraph formats: a page break (or a converter) split a sentence in two.
    return (in_body and not previous.endswith(_TERMINAL) and len(previous) >= _JOIN_MIN_LEN
            and not _HEADING_ONLY.match(previous) and not _HEADING.match(text)
            and not _DATE_LINE.match(text) and not (len(previous) <= 30 and _SIGNATURE.search(previous)))


def _join(left: str, right: str) -> str:
    if left and right and left[-1].isascii() and right[0].isascii() and left[-1].isalnum():
        return f"{left} {right}"
    return left + right


def markdown_table(table: Table) -> list[str]:
    """A table as Markdown rows (header, separator, data); cell pipes and line breaks neutralised."""
    width = max(len(r) for r in table.rows)
    rows = [[clean_text(c or "").replace("|", "｜") for c in r] + [""] * (width - len(r)) for r in table.rows]
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * width]
    lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    return lines


def body_lines(blocks: list[Block]) -> list[str]:
    """The corpus body: one line per paragraph (heading and its text together), tables as Markdown.

    Paragraph lines are separated by blank lines; table rows are contiguous.
    """
    out: list[str] = []
    current: str | None = None
    prev_para: Para | None = None
    in_body = False  # after the first structural heading: before it are title, number, addressees

    def flush() -> None:
        nonlocal current
        if current:
            out.extend([current, ""])
        current = None

    for block in blocks:
        if isinstance(block, Table):
            flush()
            prev_para = None
            if block.rows and any(any(c for c in r) for r in block.rows):
                out.extend([*markdown_table(block), ""])
            continue
        text = clean_text(block.text)
        if not text:
            continue
        if current is not None and prev_para is not None and (
                _continues(current, prev_para, block, in_body) or _BARE_ARTICLE.match(current)):
            sep = " " if _BARE_ARTICLE.match(current) else ""
            current = current + sep + text if sep else _join(current, text)
        else:
            flush()
            current = text
            in_body = in_body or bool(_HEADING.match(text))
        prev_para = block
    flush()
    while out and not out[-1]:
        out.pop()
    return out
