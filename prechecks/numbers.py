"""Exact money arithmetic and number formatting shared by the engine, the profile checks and the linter.

Amounts are handled as `Decimal` built from the shortest decimal text of the input, so that
456.5 × 30% is exactly 136.95 and the rounding to 0.01 万元 is the commercial 四舍五入 (half up).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

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
