"""Dates in a document: 成文日期 (GB/T 9704-2012 7.3.5.4) and 印发日期 (7.4.3).

Both are written in Arabic numerals, the year in full and the month and day without leading
zeros (不编虚位): 2026年1月15日. :func:`format_date` writes that form; the patterns find dates
written in it or in the forms people use instead (二〇二六年一月十五日, 2026年01月15日), so that a
rule can recognise the date line and say what is wrong with it.
"""

from __future__ import annotations

import re
from typing import Final

#: Digits a date is written in by hand: Chinese numerals besides the Arabic ones.
CHINESE_DIGITS: Final = "〇零一二三四五六七八九"

_NUMBER: Final = rf"[\d{CHINESE_DIGITS}十]{{1,3}}"
#: A line that is only a date, in Arabic or Chinese numerals (the 成文日期 line).
DATE_LINE: Final = re.compile(rf"^(\d{{4}}|[{CHINESE_DIGITS}]{{4}})年{_NUMBER}月{_NUMBER}日$")

#: A date anywhere in a line, its year, month and day as written (the 印发 line has more around it).
DATE_IN_TEXT: Final = re.compile(r"(\S{4})年(\S{1,3})月(\S{1,3})日")


def format_date(year: int, month: int, day: int) -> str:
    """2026年1月15日: Arabic numerals, no leading zeros (7.3.5.4)."""
    return f"{year}年{month}月{day}日"


def in_arabic_numerals(*parts: str) -> bool:
    """Whether every part of a date (year, month, day as written) is in Arabic numerals."""
    return all(part.isdecimal() for part in parts)


def has_leading_zero(*parts: str) -> bool:
    """Whether the month or day (as written) has a leading zero (编虚位): 01月, 05日."""
    return any(part.startswith("0") for part in parts)
