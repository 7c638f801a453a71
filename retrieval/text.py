"""Text normalisation shared by indexing, querying and evaluation."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from opencc import OpenCC

_WHITESPACE = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028-\u202e\ufeff]")


@lru_cache(maxsize=1)
def _t2s() -> OpenCC:
    return OpenCC("t2s")


def strip_controls(text: str) -> str:
    """Remove control and zero-width characters (they carry no meaning in a question)."""
    return _CONTROL.sub("", text)


def fold(text: str) -> str:
    """Normalise for matching: NFKC (widths), traditional→simplified, lower case, single spaces."""
    text = unicodedata.normalize("NFKC", strip_controls(text))
    text = _t2s().convert(text)
    return _WHITESPACE.sub(" ", text).strip().lower()


def compact(text: str) -> str:
    """The evaluation normal form (shared/eval/README.md): NFKC with all whitespace removed."""
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", text))
