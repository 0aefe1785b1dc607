"""文种: the 15 kinds of 公文 (《党政机关公文处理工作条例》第八条) and GB/T 9704's special formats (10).

A 公文's title ends with its kind: 关于…的通知, …的复函, ××会议纪要. :func:`kind_of_title` reads it
back, so that a checker can tell a 公文 from other papers (a 责任书 or 告知书 is none of the 15)
and a 上行文 (报告, 请示) from the rest. Three kinds have a format of their own (chapter 10):

- 信函 (10.1), the form a 函 is usually sent in: the organ's name as the mark (no "文件"), red
  double rules, no page number on the first page;
- 命令（令） (10.2): the mark is the organ's name + 命令 or 令, the 令号 ("第1号") two lines under
  it and the body two lines under that; no title;
- 纪要 (10.3): the mark is "××纪要"; a number such as "〔2026〕第5次" or "（第5号）" may stand under it.

:data:`SERIAL` recognises those 令号 and 纪要 numbers, which are not 发文字号 (no 机关代字, a 第).
"""

from __future__ import annotations

import re
from typing import Final

#: The 15 kinds, in the order of 第八条.
KINDS: Final = tuple("决议 决定 命令 公报 公告 通告 意见 通知 通报 报告 请示 批复 议案 函 纪要".split())

#: What a title may end with for each kind, longest first (令 is the short form of 命令, a reply
#: is a 复函 or 回复函, the minutes of a meeting a 会议纪要).
TITLE_ENDINGS: Final = {
    "命令": ("命令", "令"),
    "函": ("回复函", "复函", "函"),
}

#: Kinds sent to a higher organ (上行文): 签发人 required (条例第九条), no 请示 in a 报告 (第十五条).
UPWARD: Final = ("报告", "请示")

#: The kinds with a format of their own, and the clause that gives it.
SPECIAL_FORMATS: Final = {"信函": "10.1", "命令": "10.2", "纪要": "10.3"}

#: A 令号 or a 纪要's number: 第1号, 〔2026〕第5次, （第5号）, 2026年第3期.
SERIAL: Final = re.compile(r"^[（(]?(〔\d{4}〕|\d{4}年)?第[0-9一二三四五六七八九十百零〇]+[号次期][）)]?$")

_TRAILING = "。．.；;，,：: 　"


def kind_of_title(title: str) -> str | None:
    """The kind a title names by its ending (复函 -> 函, ××令 -> 命令); None for other papers."""
    text = "".join(title.split()).rstrip(_TRAILING)
    if not text:
        return None
    for kind in KINDS:
        for ending in TITLE_ENDINGS.get(kind, (kind,)):
            if text.endswith(ending) and (ending != "令" or len(text) > 1):
                return kind
    return None


def kind_of_mark(mark: str) -> str | None:
    """The special format a 发文机关标志 announces: 纪要 (××纪要) or 命令 (××命令, ××令); None otherwise."""
    text = "".join(mark.split())
    if text.endswith("纪要"):
        return "纪要"
    if text.endswith(("命令", "令")):
        return "命令"
    return None


def is_upward(kind: str | None) -> bool:
    """Whether a kind goes to a higher organ (报告, 请示)."""
    return kind in UPWARD
