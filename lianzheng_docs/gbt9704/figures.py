"""The measurable numbers of GB/T 9704-2012《党政机关公文格式》, in OOXML units.

One place for every figure the templates are built from (and, later, checked against), each
with the clause it comes from. OOXML lengths are in twips (1/20 pt) and font sizes in half-points.
"""

from __future__ import annotations

from typing import Final

TWIPS_PER_PT: Final = 20
TWIPS_PER_MM: Final = 1440 / 25.4  # 56.693


def mm(value: float) -> int:
    """Millimetres to whole twips."""
    return round(value * TWIPS_PER_MM)


def pt(value: float) -> int:
    """Points to whole twips."""
    return round(value * TWIPS_PER_PT)


# 字号 -> points (GB/T 9704 names sizes the Chinese way).
FONT_SIZES_PT: Final = {
    "初号": 42.0,
    "小初": 36.0,
    "一号": 26.0,
    "小一": 24.0,
    "二号": 22.0,
    "小二": 18.0,
    "三号": 16.0,
    "小三": 15.0,
    "四号": 14.0,
    "小四": 12.0,
    "五号": 10.5,
}


def half_points(size_name: str) -> int:
    """The OOXML ``w:sz`` value (half-points) of a 字号 such as ``"三号"``."""
    return round(FONT_SIZES_PT[size_name] * 2)


# 5.1 paper: A4.
PAGE_WIDTH: Final = 11906
PAGE_HEIGHT: Final = 16838

# 5.2.1 margins: 天头 37 mm, 订口 28 mm; the text area 156 x 225 mm fixes the other two.
MARGIN_TOP: Final = mm(37)  # 2098
MARGIN_BOTTOM: Final = mm(35)  # 1984
MARGIN_LEFT: Final = mm(28)  # 1587
MARGIN_RIGHT: Final = PAGE_WIDTH - MARGIN_LEFT - mm(156)  # 1474
TEXT_WIDTH: Final = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT  # 8845 = 156 mm
TEXT_HEIGHT: Final = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM  # 12756 = 225 mm

# 5.2.3: 22 lines fill the 225 mm text area, so the line pitch is 225/22 mm = 28.95 pt.
LINES_PER_PAGE: Final = 22
CHARS_PER_LINE: Final = 28
LINE_PITCH: Final = 579  # twips; used both as docGrid linePitch and exact line spacing
# A 16 pt glyph is wider than 156/28 mm; -0.25 pt of character spacing makes 28 fit a line
# (measured in LibreOffice 7.4; the `linesAndChars` grid renders 14 per line there instead).
BODY_CHAR_SPACING: Final = -5  # twentieths of a point

# 5.2.2 and 7.x: fonts. The .docx names the fonts Word/WPS users have; the PDF path maps them.
FONT_FANGSONG: Final = "仿宋_GB2312"
FONT_XIAOBIAOSONG: Final = "方正小标宋简体"
FONT_HEITI: Final = "黑体"
FONT_KAITI: Final = "楷体_GB2312"
FONT_SONGTI: Final = "宋体"

BODY_SIZE: Final = half_points("三号")  # 32
TITLE_SIZE: Final = half_points("二号")  # 44
IMPRINT_SIZE: Final = half_points("四号")  # 28: 版记 (7.4)
PAGE_NUMBER_SIZE: Final = half_points("四号")  # 28: 页码 (7.5)
ISSUER_MARK_SIZE: Final = half_points("小初")  # 72: the organ chooses; 小初 fits 12 characters

ONE_CHAR: Final = pt(16)  # 320 twips: one 三号 character (3.1)
BODY_FIRST_LINE_INDENT: Final = 2 * ONE_CHAR  # 640: 正文 "左空二字" (7.3.3)
DATE_RIGHT_INDENT: Final = 4 * ONE_CHAR  # 1280: 成文日期 "右空四字" (7.3.5.1)
IMPRINT_CHAR: Final = pt(14)  # 280 twips: one 四号 character, the 版记 and 页码 indent

RED: Final = "FF0000"  # 5.2.4 / 7.2.4: the mark and the rules

# 7.2.4: the top edge of the 发文机关标志 is 35 mm below the top of the text area.
ISSUER_MARK_OFFSET: Final = mm(35)
# 7.2.7: the red rule is 4 mm below the 发文字号 and as wide as the text area.
RED_RULE_GAP_MM: Final = 4.0
# 7.4.1: 版记 rules, thick first and last (0.35 mm), thin between (0.25 mm); w:sz is in 1/8 pt.
RULE_THICK: Final = 8  # 1 pt = 0.35 mm
RULE_THIN: Final = 6  # 0.75 pt = 0.26 mm
RED_RULE: Final = 12  # 1.5 pt = 0.53 mm: the header rule ("0.35 to 0.5 mm is common practice")

# 7.5: the page number's top edge is 7 mm below the text area, i.e. 269 mm from the page top.
PAGE_NUMBER_TOP_MM: Final = 269.0
