"""The marks above the 发文机关标志: 份号 (7.2.1), 密级和保密期限 (7.2.2), 紧急程度 (7.2.3).

Each has a strict form, the one the standard and 《党政机关公文处理工作条例》第九条 allow, and a
loose one that recognises the mark in a document when it is written wrong (六位以外的份号, 内部,
急件 ...), so that a rule can say what is wrong with it.
"""

from __future__ import annotations

import re
from typing import Final

#: 份号: six Arabic digits (7.2.1).
COPY_NUMBER: Final = re.compile(r"^\d{6}$")
#: A line of digits that stands where the 份号 goes.
COPY_NUMBER_LOOSE: Final = re.compile(r"^\d{1,8}$")

#: 密级 (条例第九条（二）): the only three levels.
SECRECY_LEVELS: Final = ("绝密", "机密", "秘密")
#: Words written where a 密级 goes that are not one (so the mark is recognised and rejected).
NOT_SECRECY_LEVELS: Final = ("内部", "内部资料", "内部事项")
#: 密级和保密期限: a level, then ★ and the period in Arabic numerals (or 长期), e.g. 秘密★1年 (7.2.2).
SECRECY: Final = re.compile(rf"^({'|'.join(SECRECY_LEVELS)})(★(\d+年|长期))?$")
#: A line that is a 密级 mark, well written or not: it starts with a level or one of the look-alikes.
SECRECY_LOOSE: Final = re.compile(rf"^({'|'.join(SECRECY_LEVELS + NOT_SECRECY_LEVELS)})")
#: The star between the 密级 and the 保密期限; a line holding it is a 密级 mark.
SECRECY_STAR: Final = "★"

#: 紧急程度 (条例第九条（三）): the only two levels.
URGENCY_LEVELS: Final = ("特急", "加急")
#: Words written where a 紧急程度 goes that are not one.
NOT_URGENCY_LEVELS: Final = ("急件", "紧急", "平急", "特提")
#: 紧急程度 (7.2.3).
URGENCY: Final = re.compile(rf"^({'|'.join(URGENCY_LEVELS)})$")
#: A line that is a 紧急程度 mark, well written or not.
URGENCY_LOOSE: Final = re.compile(rf"^({'|'.join(URGENCY_LEVELS + NOT_URGENCY_LEVELS)})$")


def is_secrecy_mark(text: str) -> bool:
    """Whether a line in the 版头 is a 密级 mark (right or wrong)."""
    return SECRECY_LOOSE.match(text) is not None or SECRECY_STAR in text
