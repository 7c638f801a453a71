"""HTML saved from a government site → the article's paragraphs and tables (BeautifulSoup + lxml).

Scripts, styles, forms and frames are removed before anything is read (nothing in the page runs);
site navigation, headers, footers, breadcrumbs and share bars are dropped; the article is the element
holding most of the page's paragraph text. Government pages state their metadata in <meta> tags
(ArticleTitle, PubDate, ContentSource), which are taken as hints.
"""

from __future__ import annotations

import re
from pathlib import Path

from retrieval.ingest.blocks import Block, Extracted, Para, Table
from retrieval.ingest.errors import IngestError

_DROP_TAGS = ("script", "style", "noscript", "iframe", "frame", "object", "embed", "form", "button", "input",
              "select", "textarea", "nav", "header", "footer", "aside", "svg", "canvas", "template", "link", "meta")
_CHROME = re.compile(r"(^|[-_\s])(nav|menu|header|footer|foot|breadcrumb|crumb|share|sidebar|side|topbar|toolbar|"
                     r"banner|search|login|copyright|location|position|related|pager|print)([-_\s\d]|$)",
                     re.IGNORECASE)
_BLOCK_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "div", "td", "th", "pre", "blockquote", "section")
_META_HINTS = {"articletitle": "title", "pubdate": "published", "contentsource": "issuer"}
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.IGNORECASE)


def decode_text(raw: bytes) -> str:
    """A saved page or text file as text: its declared charset if it decodes, else UTF-8, else GB18030 (GBK)."""
    declared = _CHARSET.search(raw[:4096])
    candidates = [declared.group(1).decode("ascii", "ignore").lower()] if declared else []
    candidates = [("gb18030" if c in ("gbk", "gb2312", "gb18030") else c) for c in candidates]
    for encoding in [*candidates, "utf-8", "gb18030"]:
        try:
            return raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    raise IngestError("无法识别该网页的文字编码（既不是 UTF-8 也不是 GBK）")


def read_html(path: Path) -> Extracted:
    """The article of a saved web page, as paragraphs and tables in document order."""
    from bs4 import BeautifulSoup, Tag

    soup = BeautifulSoup(decode_text(path.read_bytes()), "lxml")
    hints: dict[str, str] = {}
    for meta in soup.find_all("meta"):
        key = _META_HINTS.get(str(meta.get("name", "")).lower())
        if key and str(meta.get("content", "")).strip() and key not in hints:
            hints[key] = str(meta["content"]).strip()
    if soup.title and soup.title.get_text(strip=True):
        hints.setdefault("page_title", soup.title.get_text(strip=True))
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.decomposed:
            continue
        marks = " ".join([str(tag.get("id", "")), *[str(c) for c in tag.get("class") or []]])
        if marks.strip() and _CHROME.search(marks) and tag.name not in ("body", "html"):
            tag.decompose()
    body = soup.body or soup
    article = _article(body) or body
    heading = body.find("h1")
    if isinstance(heading, Tag) and heading.get_text(strip=True):
        hints.setdefault("title", heading.get_text(" ", strip=True))
    blocks: list[Block] = []
    _walk(article, blocks)
    if not any(isinstance(b, Para) and b.text.strip() for b in blocks):
        raise IngestError("该网页中没有找到正文文字")
    return Extracted(pages=[blocks], hints=hints)


def _article(body: object) -> object | None:
    """The element whose own paragraph children hold the most text (the article body)."""
    from bs4 import Tag

    best, best_len = None, 0
    for tag in body.find_all(["div", "article", "section", "td", "main"]):  # type: ignore[attr-defined]
        own = sum(len(p.get_text(strip=True)) for p in tag.find_all(["p", "table"], recursive=False))
        if own > best_len:
            best, best_len = tag, own
    return best if isinstance(best, Tag) else None


def _walk(node: object, blocks: list[Block]) -> None:
    from bs4 import NavigableString, Tag

    inline: list[str] = []

    def flush() -> None:
        if "".join(inline).strip():
            blocks.append(Para("".join(inline)))
        inline.clear()

    for child in node.children:  # type: ignore[attr-defined]
        if isinstance(child, NavigableString):
            if type(child).__name__ in ("Comment", "Doctype", "Declaration", "ProcessingInstruction", "CData"):
                continue
            inline.append(str(child))
        elif isinstance(child, Tag):
            if child.name == "br":
                flush()
            elif child.name == "table":
                flush()
                rows = tuple(tuple(cell.get_text(" ", strip=True) for cell in tr.find_all(["td", "th"]))
                             for tr in child.find_all("tr"))
                rows = tuple(r for r in rows if any(r))
                if rows:
                    blocks.append(Table(rows))
            elif child.name in _BLOCK_TAGS or child.name in ("ul", "ol", "table", "tbody", "article", "main"):
                flush()
                _walk(child, blocks)
                flush()
            else:
                _walk_inline(child, inline)
    flush()


def _walk_inline(node: object, inline: list[str]) -> None:
    from bs4 import Tag

    text = node.get_text() if isinstance(node, Tag) else str(node)
    inline.append(text)
