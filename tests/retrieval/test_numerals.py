"""The one numeral reader and writer: Chinese and Arabic numerals by value."""

from __future__ import annotations

from fractions import Fraction

import pytest

from retrieval.numerals import arabic_to_chinese, number_value, parse_chinese_number, short_years


@pytest.mark.parametrize(("text", "value"), [
    ("二十七", 27), ("一百零五", 105), ("两千五百", 2500), ("五千万", 50_000_000), ("一亿二千万", 120_000_000),
    ("一点二", Fraction(6, 5)), ("二〇二四", 2024), ("十四五", None), ("", None),
])
def test_chinese_numerals(text: str, value: int | Fraction | None) -> None:
    assert parse_chinese_number(text) == value


@pytest.mark.parametrize(("text", "value"), [("1,200", 1200), ("0.3", Fraction(3, 10)), ("三百", 300), ("abc", None)])
def test_arabic_or_chinese(text: str, value: int | Fraction | None) -> None:
    assert number_value(text) == value


def test_written_back_as_articles_are_numbered() -> None:
    for n in (1, 9, 10, 12, 20, 55, 100, 101, 110, 999):
        assert parse_chinese_number(arabic_to_chinese(n)) == n


@pytest.mark.parametrize(("text", "years"), [
    ("之前那个22年的呢", {"22年": "2022年"}),
    ("24年9月印发的那版", {"24年": "2024年"}),
    ("有效期5年", {}),
    ("10年内不得申报", {}),
    ("2022年的办法", {}),
    ("租金那块预算多少 25年", {"25年": "2025年"}),  # a year standing alone as its own phrase
    ("有效期 10年", {}),  # a length, however spaced
])
def test_a_two_digit_year_is_read_in_the_century_of_the_held_texts(text: str, years: dict[str, str]) -> None:
    assert short_years(text) == years
