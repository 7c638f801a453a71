"""What a file reader hands over: pages of paragraphs and tables, before any structure is inferred.

Readers know their format (PDF lines with positions, Word paragraphs, HTML elements); everything after
them — dropping running headers and page numbers, joining wrapped lines, writing the corpus body — is
shared and format-free.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Para:
    """A line of a PDF page, or a paragraph of a Word or HTML document.

    `wrapped` is known only for PDF lines: True when the line runs to the right margin (the text goes on
    in the next line), False when it stops short. None for paragraph-level formats.
    `indented` marks a PDF line that starts right of the text's left edge (a new paragraph).
    """

    text: str
    wrapped: bool | None = None
    indented: bool = False


@dataclass(frozen=True)
class Table:
    """A table as rows of cell texts; the first row is the header."""

    rows: tuple[tuple[str, ...], ...]


Block = Para | Table


@dataclass
class Extracted:
    """A file's content: pages of blocks (one page for formats without pages) and metadata hints."""

    pages: list[list[Block]] = field(default_factory=list)
    # Metadata a format states explicitly (HTML <meta name="ArticleTitle">, a Word title style, ...).
    hints: dict[str, str] = field(default_factory=dict)
    paged: bool = False  # True when pages are real (PDF): running headers sit at page edges
