"""发文字号 (GB/T 9704-2012 7.2.5): 机关代字〔年份〕序号号, e.g. X财党〔2026〕12号.

The year is written in full inside 六角括号〔〕; the sequence number has no 第 and no leading
zeros (不编虚位) and ends in 号; the digits are half-width Arabic ones. This module is the one
grammar the validator accepts data by, the checker judges documents by and the archive numbers
documents with:

- :data:`DOC_NUMBER` and :func:`is_valid`: the strict form, with no whitespace anywhere;
- :data:`FIND`: a loose pattern that finds a number in a line of text even when it is written
  with the wrong brackets, 第 or leading zeros, so that a rule can say what is wrong with it;
- :func:`normalise`, :func:`corrected` and :func:`faults`: the one normaliser, the corrected
  form it leads to and what is wrong with a number;
- :func:`format_doc_number` and :func:`parse_doc_number`: build and take apart a valid number;
- :func:`draft_number` and :func:`is_draft`: the 文号 of a draft not yet numbered (待编号稿),
  ``X财党〔2026〕　　号``, the sequence left blank for the archive (or a hand) to fill in.
"""

from __future__ import annotations

import re
from typing import Final

#: The largest sequence number taken as a 文号 (six digits). No organ issues a million documents
#: under one 代字 in a year; a longer number is a typing error, and an unbounded one overflowed
#: the registry's integers and made verify allocate a range per number.
MAX_SEQUENCE: Final = 999_999

#: The strict form: a 机关代字 without whitespace, the year in 〔〕, the sequence from 1 (at most
#: six digits), then 号, in half-width Arabic digits.
DOC_NUMBER: Final = re.compile(r"^(?P<prefix>\S+?)〔(?P<year>[0-9]{4})〕(?P<seq>[1-9][0-9]{0,5})号$")

#: The example every message about a malformed number shows.
EXAMPLE: Final = "X财党〔2026〕12号"

#: Brackets written instead of 〔 and 〕: ASCII and full-width square, round and curly
#: brackets, 【】 and angle brackets.
WRONG_OPENING: Final = "[［(（【〈<{｛"
WRONG_CLOSING: Final = "]］)）】〉>}｝"
_OPENING = re.escape(WRONG_OPENING)
_CLOSING = re.escape(WRONG_CLOSING)

#: A 发文字号 somewhere in a line, in the right brackets or the wrong ones, with or without 第,
#: leading zeros, full-width digits or stray spaces; the 机关代字 is taken as at most 20
#: characters before the year.
FIND: Final = re.compile(rf"\S{{1,20}}?\s*[〔{_OPENING}]\s*\d{{4}}\s*[〕{_CLOSING}]\s*第?\s*\d+\s*号")

_HALF_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_WRONG_BRACKETS = re.compile(rf"[{_OPENING}]([0-9]{{4}})[{_CLOSING}]")
_SEQUENCE = re.compile(r"〕第?0*([0-9]+)号?$")
_LEADING_ZERO = re.compile(rf"[〕{_CLOSING}]第?0[0-9]")


def is_valid(text: str) -> bool:
    """Whether ``text`` is a 发文字号 in the standard's form, nothing before or after it."""
    return DOC_NUMBER.match(text) is not None


def normalise(text: str) -> str:
    """The one normaliser: no whitespace, half-width digits, a bracketed year in 〔〕.

    X财党 [２０２６] 12号 -> X财党〔2026〕12号. It leaves 第 and leading zeros to :func:`corrected`.
    """
    return _WRONG_BRACKETS.sub(r"〔\1〕", _compact(text))


def _compact(text: str) -> str:
    return "".join(text.split()).translate(_HALF_WIDTH_DIGITS)


def corrected(text: str) -> str | None:
    """The standard form of a number written wrong: X财党[2026]第012号 -> X财党〔2026〕12号.

    Brackets, 第, leading zeros, whitespace and full-width digits are put right and a missing 号
    added. None when even that is not a valid number (no year in four digits, sequence 0, ...).
    A valid number is its own corrected form.
    """
    fixed = _SEQUENCE.sub(r"〕\1号", normalise(text))
    return fixed if is_valid(fixed) else None


def faults(text: str) -> list[str]:
    """What is wrong with a number, in the words of 7.2.5; empty when none of these is the reason."""
    compact = _compact(text)
    found = []
    if not re.search(r"〔[0-9]{4}〕", compact):
        found.append("年份应用六角括号〔〕")
    if "第" in compact:
        found.append("序号前不加“第”")
    if _LEADING_ZERO.search(compact):
        found.append("序号不编虚位（不补 0）")
    return found


def format_doc_number(prefix: str, year: int, sequence: int) -> str:
    """X财党〔2026〕12号: year in 六角括号, no 第, no leading zeros."""
    return f"{prefix}〔{year}〕{sequence}号"


def parse_doc_number(text: str) -> tuple[str, int, int] | None:
    """(机关代字, year, sequence) of a valid number; None for anything else."""
    match = DOC_NUMBER.match(text)
    return (match["prefix"], int(match["year"]), int(match["seq"])) if match else None


#: The sequence of an unnumbered draft: two full-width spaces, room to write the number by hand.
DRAFT_BLANK: Final = "\u3000\u3000"
_DRAFT = re.compile(rf"^(?P<prefix>\S+?)〔(?P<year>[0-9]{{4}})〕{DRAFT_BLANK}号$")
#: A draft's 文号 in a line with its whitespace removed (as the checker reads lines): X财党〔2026〕号.
FIND_DRAFT: Final = re.compile(r"\S{1,20}?〔\d{4}〕号")


def draft_number(prefix: str, year: int) -> str:
    """X财党〔2026〕　　号: the 文号 of a draft the archive has not numbered yet."""
    return f"{prefix}〔{year}〕{DRAFT_BLANK}号"


def is_draft(text: str) -> bool:
    """Whether ``text`` is the 文号 of an unnumbered draft (:func:`draft_number`)."""
    return bool(_DRAFT.match(text))
