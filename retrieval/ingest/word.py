"""Word (.docx) → paragraphs and tables in document order (python-docx, MIT).

Page headers and footers (where Word keeps running titles and page numbers) live in separate parts and
are not read. A .docx is a zip archive: its declared sizes are checked before anything is inflated, so a
zip bomb is refused without being expanded.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from retrieval.ingest.blocks import Block, Extracted, Para, Table
from retrieval.ingest.errors import IngestError

MAX_UNCOMPRESSED = 200 * 1024 * 1024  # all parts together, as declared in the archive
MAX_RATIO = 200  # uncompressed/compressed for any part larger than a megabyte
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def check_archive(path: Path) -> None:
    """Refuse an archive that is not a zip, or whose parts would inflate beyond the limits."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise IngestError(f"无法读取该 Word 文件（文件损坏或不是 .docx）：{type(exc).__name__}") from None
    total = sum(i.file_size for i in infos)
    bomb = any(i.file_size > 1024 * 1024 and i.file_size > MAX_RATIO * max(i.compress_size, 1) for i in infos)
    if total > MAX_UNCOMPRESSED or bomb:
        raise IngestError("该 Word 文件解压后体积异常（疑似压缩炸弹），已拒绝导入")


def read_docx(path: Path) -> Extracted:
    """Paragraphs (soft line breaks and page breaks inside one kept as one paragraph) and tables."""
    check_archive(path)
    import docx
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors... for broken parts
        raise IngestError(f"无法读取该 Word 文件（文件损坏或不是 .docx）：{type(exc).__name__}") from None
    blocks: list[Block] = []
    hints: dict[str, str] = {}
    for child in document.element.body.iterchildren():
        if child.tag == f"{_W}p":
            paragraph = Paragraph(child, document)
            text = paragraph.text
            style = (paragraph.style.name if paragraph.style is not None else "") or ""
            if style == "Title" and text.strip() and "title" not in hints:
                hints["title"] = text.strip()
            blocks.append(Para(text))
        elif child.tag == f"{_W}tbl":
            table = DocxTable(child, document)
            rows = tuple(tuple(_cell_text(cell) for cell in row.cells) for row in table.rows)
            blocks.append(Table(_merge_spans(rows)))
    title = (document.core_properties.title or "").strip()
    if title and "title" not in hints:
        hints["doc_title"] = title
    return Extracted(pages=[blocks], hints=hints)


def _cell_text(cell: object) -> str:
    return "\n".join(p.text for p in cell.paragraphs)  # type: ignore[attr-defined]


def _merge_spans(rows: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...]:
    """A horizontally merged cell is repeated by python-docx for every grid column it spans: keep one."""
    out = []
    for row in rows:
        cells: list[str] = []
        for n, text in enumerate(row):
            cells.append("" if n and text == row[n - 1] and text else text)
        out.append(tuple(cells))
    return tuple(out)
