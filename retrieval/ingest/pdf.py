"""PDF text layer → pages of lines and tables (pdfplumber, MIT; never PyMuPDF, which is AGPL).

Each line keeps what the layout says about it: whether it runs to the right margin (the sentence goes on
in the next line) and whether it is indented (a new paragraph). Text inside a ruled table is read as the
table, not as lines.
"""

from __future__ import annotations

import re
import statistics
from pathlib import Path

from retrieval.ingest.blocks import Block, Extracted, Para, Table
from retrieval.ingest.errors import IngestError

MAX_PAGES = 1000
MIN_PAGE_CHARS = 10  # fewer characters than this on a page: no text layer there
# Share of characters a usable text layer must map to real text (CJK, letters, digits, punctuation).
MIN_USABLE_SHARE = 0.85
_UNMAPPED = re.compile(r"\(cid:\d+\)")
_USABLE = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef\u2000-\u206f\x20-\x7e\u00b7\u00d7\u2160-\u217f"
                     r"\u2460-\u24ff\u25a0-\u25ff]")


def _usable_share(text: str) -> float:
    text = re.sub(r"\s+", "", _UNMAPPED.sub("\ufffd", text))
    if not text:
        return 0.0
    return sum(1 for ch in text if _USABLE.match(ch)) / len(text)


def _in_any(obj: dict, boxes: list[tuple[float, float, float, float]]) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def read_pdf(path: Path) -> Extracted:
    """Read the text layer of a PDF; refuse a scanned or garbled one with a message saying so."""
    import pdfplumber

    try:
        pdf = pdfplumber.open(path)
    except Exception as exc:  # pdfminer raises many types for broken files
        raise IngestError(f"无法读取该 PDF 文件（文件损坏或不是 PDF）：{type(exc).__name__}") from None
    with pdf:
        if len(pdf.pages) > MAX_PAGES:
            raise IngestError(f"PDF 共 {len(pdf.pages)} 页，超过导入上限 {MAX_PAGES} 页")
        raw_pages: list[tuple[list[dict], list[tuple[float, Table]]]] = []
        for page in pdf.pages:
            tables = page.find_tables()
            boxes = [t.bbox for t in tables]
            lines = [ln for ln in page.extract_text_lines(return_chars=True) if not _in_any(ln, boxes)]
            raw_pages.append((lines, [(t.bbox[1], Table(tuple(tuple(c or "" for c in row) for row in t.extract())))
                                      for t in tables]))
            page.flush_cache()
    all_text = "".join(ln["text"] for lines, _ in raw_pages for ln in lines)
    # A scan has no text on its pages (at most a stamped page number); blank pages here and there are fine.
    empty = sum(1 for lines, tables in raw_pages
                if not tables and len(re.sub(r"\s+", "", "".join(ln["text"] for ln in lines))) < MIN_PAGE_CHARS)
    if raw_pages and empty * 2 > len(raw_pages):
        raise IngestError("该 PDF 没有文字层（可能是扫描件或图片），无法导入；暂不支持文字识别（OCR），"
                          "请向发文单位索取可复制文字的 PDF 或 Word 文件")
    if _usable_share(all_text) < MIN_USABLE_SHARE:
        raise IngestError("该 PDF 的文字层无法正确解码（字体缺少 Unicode 映射，复制出的文字是乱码），"
                          "不能导入；请改用 Word 文件或重新导出 PDF")
    left, right = _text_column([lines for lines, _ in raw_pages])
    return Extracted(pages=[_page_blocks(lines, tables, left, right) for lines, tables in raw_pages], paged=True)


def _text_column(pages: list[list[dict]]) -> tuple[float, float]:
    """The left edge most lines start at and the right edge full lines reach, over the whole document
    (a short last page must not make its own short lines look full)."""
    lefts = [round(ln["x0"]) for lines in pages for ln in lines]
    rights = [max(ln["x1"] for ln in lines) for lines in pages if len(lines) >= 3] \
        or [ln["x1"] for lines in pages for ln in lines]
    if not lefts:
        return 0.0, 0.0
    return float(statistics.mode(lefts)), float(statistics.median(rights))


def _page_blocks(lines: list[dict], tables: list[tuple[float, Table]], left: float, right: float) -> list[Block]:
    """Lines with their wrap/indent flags, and the page's tables, in reading order (top to bottom)."""
    placed: list[tuple[float, Block]] = list(tables)
    for ln in lines:
        size = statistics.median(ch["size"] for ch in ln["chars"]) if ln.get("chars") else 10.0
        placed.append((ln["top"], Para(ln["text"], wrapped=ln["x1"] >= right - 1.5 * size,
                                       indented=ln["x0"] >= left + 1.5 * size)))
    return [block for _, block in sorted(placed, key=lambda item: item[0])]
