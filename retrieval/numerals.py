"""The one reader and writer of numerals: Chinese (二十七, 一点二亿, 二〇二四) and Arabic (1,200, 0.3).

Grounding, stated facts and search all read numbers here, so a figure means the same everywhere.
"""

from __future__ import annotations

import re
from fractions import Fraction
from types import MappingProxyType

CN_DIGITS = MappingProxyType({
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
    "八": 8, "九": 9, "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9,
})
CN_SMALL = MappingProxyType({"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000})
_CN_BIG = (("亿", 10**8), ("万", 10**4))
ARABIC = r"\d+(?:\.\d+)?"
# The characters that write an article or item number in headings (第十二条, 二、, （三）).
HEADING_NUMERALS = "一二三四五六七八九十百零〇两"
_WRITTEN_DIGITS = "零一二三四五六七八九"


def _parse_cn_small(text: str) -> Fraction | None:
    """A Chinese numeral below 万: 二十七 → 27, 一百零五 → 105, 二〇二四 → 2024 (digit by digit)."""
    if not text:
        return None
    if all(ch in CN_DIGITS for ch in text):
        if len(text) == 1:
            return Fraction(CN_DIGITS[text])
        return Fraction(int("".join(str(CN_DIGITS[ch]) for ch in text)))
    total = 0
    pending: int | None = None
    for index, ch in enumerate(text):
        if ch in CN_DIGITS:
            if pending is not None and pending != 0 and CN_DIGITS[ch] != 0:
                return None  # two digits with no unit between them (十四五): not a number
            pending = CN_DIGITS[ch]
        elif ch in CN_SMALL:
            if pending is None and index != 0:
                return None
            total += (pending if pending is not None else 1) * CN_SMALL[ch]
            pending = None
        else:
            return None
    return Fraction(total + (pending or 0))


def parse_chinese_number(text: str) -> Fraction | None:
    """Value of a Chinese numeral, or None: 五万 → 50000, 一点二亿 → 120000000, 百分之 is not handled here."""
    for unit, scale in _CN_BIG:
        if unit in text:
            head, _, tail = text.partition(unit)
            head_value = parse_chinese_number(head) if head else None
            if head_value is None:
                return None
            tail_value = parse_chinese_number(tail) if tail else Fraction(0)
            if tail_value is None:
                return None
            return head_value * scale + tail_value
    if "点" in text:
        whole, _, decimals = text.partition("点")
        whole_value = _parse_cn_small(whole) if whole else Fraction(0)
        if whole_value is None or not decimals or any(ch not in CN_DIGITS for ch in decimals):
            return None
        digits = "".join(str(CN_DIGITS[ch]) for ch in decimals)
        return whole_value + Fraction(int(digits), 10 ** len(digits))
    return _parse_cn_small(text)


def number_value(text: str) -> Fraction | None:
    """Value of an Arabic (thousands commas allowed) or Chinese numeral string, or None."""
    plain = text.replace(",", "")
    if re.fullmatch(ARABIC, plain):
        return Fraction(plain)
    return parse_chinese_number(text)


def arabic_to_chinese(number: int) -> str:
    """1..999 as Chinese numerals the way articles are numbered (12 -> 十二, 101 -> 一百零一)."""
    digits = _WRITTEN_DIGITS
    if number < 10:
        return digits[number]
    if number < 20:
        return "十" + (digits[number % 10] if number % 10 else "")
    if number < 100:
        return digits[number // 10] + "十" + (digits[number % 10] if number % 10 else "")
    rest = number % 100
    head = digits[number // 100] + "百"
    if rest == 0:
        return head
    if rest < 10:
        return head + "零" + digits[rest]
    return head + (digits[rest // 10] + "十" + (digits[rest % 10] if rest % 10 else ""))


# Small numbers as English writes them in words ("seven chapters", "part two").
ENGLISH_NUMBERS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")


def english_number(number: int) -> str:
    """A small count in English words (7 -> "seven"); digits beyond the words."""
    return ENGLISH_NUMBERS[number - 1] if 0 < number <= len(ENGLISH_NUMBERS) else str(number)


# A year written with its last two digits ("22年的那版", "24年9月"): the century is the one every held text
# is of. Only before what follows a year (的, 版, 那, a month…), not a length ("有效期5年", "10年内").
# Or a year of the 2020s standing alone as a phrase of its own ("预算多少 26年"), which a length seldom does.
_SHORT_YEAR = re.compile(r"(?<![\d.０-９])([12]\d)年(?=的|版|那|出|发|印发|修订|施行|实施|底|初|[1-9]月|1[0-2]月)"
                         r"|(?:^|(?<=[\s，,；;]))(2\d)年(?=$|[\s，,。；;？?！!])")


def short_years(text: str) -> dict[str, str]:
    """The two-digit years a text writes, each with its four-digit form ({"22年": "2022年"})."""
    return {m.group(0): f"20{m.group(1) or m.group(2)}年" for m in _SHORT_YEAR.finditer(text)}
