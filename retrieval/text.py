"""Text normalisation shared by indexing, querying and evaluation."""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from functools import lru_cache

from opencc import OpenCC

# The one length limit on what a person types (a question, a search, an earlier turn); settings default to it.
MAX_QUERY_CHARS = 2000
_WHITESPACE = re.compile(r"\s+")
_DASHES = re.compile(r"[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")
# Control and zero-width characters, and lone surrogates (undecodable bytes of a command line arrive
# as them; no encoder accepts them).
_LATIN_CHAR = re.compile(r"[A-Za-z]")
_CJK_CHAR = re.compile(r"[\u4e00-\u9fff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028-\u202e\ufeff\ud800-\udfff]")


@lru_cache(maxsize=1)
def _t2s() -> OpenCC:
    return OpenCC("t2s")


def strip_controls(text: str) -> str:
    """Remove control and zero-width characters and lone surrogates (they carry no meaning)."""
    return _CONTROL.sub("", text)


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Normalise for matching: NFKC (widths), traditional→simplified, lower case, single spaces.

    Cached: clause texts and their sentences are folded again on every query.
    """
    text = unicodedata.normalize("NFKC", strip_controls(text))
    text = _DASHES.sub("-", _t2s().convert(text))  # "2023—2024年" and "2023-2024年" are one range
    return _WHITESPACE.sub(" ", text).strip().lower()


def is_english(text: str) -> bool:
    """True when a text is written mostly in English (Latin letters outnumber Chinese characters)."""
    return len(_LATIN_CHAR.findall(text)) > 2 * len(_CJK_CHAR.findall(text))


def compact(text: str) -> str:
    """The evaluation normal form (shared/eval/README.md): NFKC with all whitespace removed."""
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", text))


_YEAR_BRACKETS = re.compile(r"[〔\[(（【]\s*(\d{4})\s*[〕\])）】]")


def doc_number_form(text: str) -> str:
    """A text with every document number's year in the brackets the documents use: "粤府[2023]90号",
    "粤府(2023)90号" and "粤府〔2023〕90号" are one number."""
    return _YEAR_BRACKETS.sub(r"〔\1〕", text)


def common_run(a: str, b: str) -> int:
    """Length of the longest run of characters two texts share."""
    return SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b)).size
