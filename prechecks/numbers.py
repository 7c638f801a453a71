"""Exact money arithmetic, number formatting and the reading of written amounts ("3百万", "1.5亿", "800w"),
shared by the engine, the profile checks, the linter and the facts a person states in chat.

Amounts are handled as `Decimal` built from the shortest decimal text of the input, so that
456.5 × 30% is exactly 136.95 and the rounding to 0.01 万元 is the commercial 四舍五入 (half up).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType

from retrieval.numerals import number_value
from retrieval.text import fold

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
YUAN_PER_WAN = Decimal(10_000)
WAN_PER_YI = Decimal(10_000)


def to_decimal(value: int | float | str | Decimal) -> Decimal:
    """The exact decimal a number was written as (floats go through their shortest repr)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    return Decimal(str(value))


def round_cent(value: Decimal) -> Decimal:
    """Round to two decimals, half up (四舍五入)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def fmt(value: Decimal | int | float) -> str:
    """A number as people write it: no exponent, no trailing zeros (``600``, ``136.95``, ``0.5``)."""
    d = to_decimal(value)
    if d.is_zero():
        return "0"
    # normalize() drops trailing zeros (600.00 → 6E+2); the "f" format writes it without exponent.
    return format(d.normalize(), "f")


def fmt_cent(value: Decimal) -> str:
    """A number with exactly two decimals (``600.00``)."""
    return str(round_cent(value))


def percent_of(base: Decimal, percent: Decimal) -> Decimal:
    """``base × percent%``, exact."""
    return base * percent / HUNDRED


def wan_to_yi(value: Decimal) -> Decimal:
    """万元 → 亿元."""
    return value / WAN_PER_YI


def wan_to_yuan(value: Decimal) -> Decimal:
    """万元 → 元."""
    return value * YUAN_PER_WAN


def yuan_to_wan(value: Decimal) -> Decimal:
    """元 → 万元."""
    return value / YUAN_PER_WAN


# A money unit as people write it after a number, by its canonical name, and the size of each in 万元 (the
# unit of every profile amount).
_UNITS = (("亿元", r"亿元?"), ("千万元", r"千万元?"), ("百万元", r"百万元?"), ("万元", r"万元?|w"),
          ("千元", r"千元?"), ("元", r"元|块钱?|rmb|cny|yuan"))
WAN_PER_UNIT: MappingProxyType[str, Decimal] = MappingProxyType({
    "亿元": WAN_PER_YI, "千万元": Decimal(1_000), "百万元": Decimal(100), "万元": Decimal(1),
    "千元": Decimal("0.1"), "元": 1 / YUAN_PER_WAN,
})
_NUMBER = r"\d[\d,]*(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+"
# A minus sign only counts where it is not a range ("100-200万").
_AMOUNT = re.compile(rf"(?P<sign>(?<![\d.,])-|负)?\s*(?P<number>{_NUMBER})\s*"
                     + "(?:" + "|".join(f"(?P<u{n}>{p})" for n, (_, p) in enumerate(_UNITS)) + ")(?![a-z])")


# English: a number with a scale word and a currency ("3 million yuan", "10m rmb", "rmb 15 million", "¥2.5m").
# A scale word is a 万元-sized unit times a factor (a billion is 10 亿).
_EN_SCALES = {"thousand": ("千元", 1), "k": ("千元", 1), "million": ("百万元", 1), "mn": ("百万元", 1),
              "m": ("百万元", 1), "billion": ("亿元", 10), "bn": ("亿元", 10)}
_EN_NUMBER = r"\d[\d,]*(?:\.\d+)?"
_EN_SCALE = r"(?P<scale>thousand|million|billion|mn|bn|k|m)"
# The same scale words without a currency; not "3 million users": a figure followed by what it counts is no amount.
_EN_SCALED = re.compile(rf"(?<![a-z\d.,])(?P<number>{_EN_NUMBER})\s*(?P<scale>million|billion|mn|bn)\b"
                        r"(?!\s*(?:yuan|rmb|cny|元))(?!\s+(?!on\b|for\b|in\b|and\b|to\b|this\b|last\b)[a-z])")
_EN_AMOUNT = re.compile(rf"(?<![a-z\d.,])(?:(?P<number>{_EN_NUMBER})\s*{_EN_SCALE}\s*(?:yuan|rmb|cny|元)(?![a-z])"
                        rf"|(?:rmb|cny|¥)\s*(?P<number2>{_EN_NUMBER})(?:\s*(?P<scale2>thousand|million|billion|mn|bn|k|m))?"
                        r"(?![a-z\d]))")


@dataclass(frozen=True)
class WrittenAmount:
    """An amount as written in a (folded) text: its number and unit, its value in 万元, and where it stands."""

    number: Decimal  # signed, in `unit`
    unit: str  # canonical: 亿元, 千万元, 百万元, 万元, 千元 or 元
    start: int
    end: int

    @property
    def wan(self) -> Decimal:
        return self.number * WAN_PER_UNIT[self.unit]


def _written(match: re.Match[str]) -> WrittenAmount | None:
    value = number_value(match.group("number"))
    if value is None:
        return None
    unit = next(name for n, (name, _) in enumerate(_UNITS) if match.group(f"u{n}") is not None)
    number = Decimal(value.numerator) / Decimal(value.denominator)
    return WrittenAmount(-number if match.group("sign") else number, unit, match.start(), match.end())


def _written_en(match: re.Match[str]) -> WrittenAmount | None:
    groups = match.groupdict()
    value = number_value(groups["number"] or groups.get("number2") or "")
    if value is None:
        return None
    number = Decimal(value.numerator) / Decimal(value.denominator)
    scale = groups["scale"] or groups.get("scale2")
    unit, factor = _EN_SCALES[scale] if scale else ("元", 1)
    return WrittenAmount(number * factor, unit, match.start(), match.end())


def read_amounts(text: str) -> list[WrittenAmount]:
    """Every amount with a money unit in `fold(text)`, Chinese or English (positions are in the folded text)."""
    folded = fold(text)
    english = [a for m in _EN_AMOUNT.finditer(folded) if (a := _written_en(m)) is not None]
    chinese = [a for m in _AMOUNT.finditer(folded) if (a := _written(m)) is not None
               and not any(e.start < a.end and a.start < e.end for e in english)]
    return sorted([*chinese, *english], key=lambda a: a.start)


def read_scaled_figures(text: str) -> list[WrittenAmount]:
    """Figures in millions or billions in `fold(text)` with the currency unsaid ("What if it spent 30 million?"):
    in a person's own English they are yuan, the only currency of the held policies (see `_EN_SCALED`)."""
    return [a for m in _EN_SCALED.finditer(fold(text)) if (a := _written_en(m)) is not None]


def read_amount(text: str) -> WrittenAmount | None:
    """The amount a whole text is ("3000000元", "1.5亿", "三百万"), or None."""
    match = _AMOUNT.fullmatch(fold(text))
    return _written(match) if match else None
