"""Rules on the page: paper, margins, the line grid (5.1-5.2) and page numbers (7.5)."""

from __future__ import annotations

from collections.abc import Iterator

from ...gbt9704 import figures as G
from ...gbt9704 import grid as grid_rules
from ...gbt9704.pagenumber import PAGE_NUMBER
from ..findings import Finding, Severity
from ..formatting import number
from ..model import Paragraph, Section
from ..roles import Role
from .context import SONGTI, TWIPS_PER_MM, Context, DocumentKind, describe, where_many

TOLERANCE = round(TWIPS_PER_MM)  # ±1 mm
PITCH = G.LINE_PITCH / 20  # 28.95 pt


def _mm(twips: int) -> str:
    return f"{twips / TWIPS_PER_MM:.1f} mm"


def _sections(ctx: Context) -> Iterator[Section]:
    for section in ctx.doc.sections:
        if section.page_width <= section.page_height:  # landscape table pages keep their own setup (8)
            yield section


def paper(ctx: Context) -> Iterator[Finding]:
    for section in ctx.doc.sections:
        width, height = sorted((section.page_width, section.page_height))
        if abs(width - G.PAGE_WIDTH) > TOLERANCE or abs(height - G.PAGE_HEIGHT) > TOLERANCE:
            yield ctx.finding(
                "page.size",
                "5.1",
                "纸张应为 A4（210 mm × 297 mm）",
                where=f"第{section.index + 1}节页面设置",
                found=f"{_mm(section.page_width)} × {_mm(section.page_height)}",
                expected="210.0 mm × 297.0 mm",
            )


def margins(ctx: Context) -> Iterator[Finding]:
    wanted = {
        "top": (G.MARGIN_TOP, "天头（上边距）"),
        "left": (G.MARGIN_LEFT, "订口（左边距）"),
        "bottom": (G.MARGIN_BOTTOM, "下边距"),
        "right": (G.MARGIN_RIGHT, "右边距"),
    }
    for section in _sections(ctx):
        for side, (value, name) in wanted.items():
            actual = section.margins[side]
            if abs(actual - value) > TOLERANCE:
                yield ctx.finding(
                    f"page.margin.{side}",
                    "5.2.1",
                    f"{name}应为 {_mm(value)}（允许误差 1 mm），版心 156 mm × 225 mm",
                    where=f"第{section.index + 1}节页面设置",
                    found=_mm(actual),
                    expected=_mm(value),
                )


def line_grid(ctx: Context) -> Iterator[Finding]:
    for section in _sections(ctx):
        yield from _chars_per_line(ctx, section)
    body = [p for p in ctx.role(Role.BODY) if p.location == "正文"]
    wrong = [(p, pitch) for p in body if (pitch := _pitch(p, ctx)) is None or abs(pitch - PITCH) > 0.1]
    if wrong:
        paragraphs = [p for p, _ in wrong]
        found = sorted({f"{pitch:.2f} 磅" if pitch else "单倍/多倍行距，随字号而定" for _, pitch in wrong})
        yield ctx.finding(
            "grid.line_pitch",
            "5.2.3",
            "正文行距应为 28.95 磅，使每页 22 行撑满 225 mm 版心",
            where=where_many(paragraphs),
            found="、".join(found),
            expected="28.95 磅（行网格或固定值）",
        )


def _chars_per_line(ctx: Context, section: Section) -> Iterator[Finding]:
    """A character grid: how many 3号 characters a line holds in Word and in LibreOffice (5.2.3)."""
    if section.grid_type not in ("linesAndChars", "snapToChars"):
        return
    size = G.BODY_SIZE / 2
    space = section.char_space or 0
    word = grid_rules.word_chars_per_line(
        section.text_width_twips, section.base_size_pt, space, size, section.grid_type
    )
    libre = grid_rules.libreoffice_chars_per_line(section.text_width_twips, section.base_size_pt, space, size)
    where = f"第{section.index + 1}节文档网格"
    found = (
        f"{section.grid_type}，charSpace {space}（基准字号 {section.base_size_pt:g} 磅，字距 "
        f"{grid_rules.pitch_pt(section.base_size_pt, space):.2f} 磅）：Word 每行 {word} 字，LibreOffice 每行 {libre} 字"
    )
    if word != G.CHARS_PER_LINE:
        yield ctx.finding(
            "grid.chars_per_line",
            "5.2.3",
            f"文档网格使 3 号正文每行 {word} 字（Word），应为 28 字",
            where=where,
            found=found,
            expected="每行 28 字",
        )
    elif libre != G.CHARS_PER_LINE:
        yield ctx.finding(
            "grid.lines_and_chars",
            "5.2.3",
            "文档网格在 Word 中每行 28 字，但 LibreOffice（及本工具的 PDF 转换）按此网格每行只排 "
            f"{libre} 字；如需在 LibreOffice 中排版，改为“只指定行网格”，每行 28 字靠字距控制",
            severity=Severity.WARNING,
            where=where,
            found=found,
            expected="lines（行距 28.95 磅）",
        )


def _pitch(paragraph: Paragraph, ctx: Context) -> float | None:
    """The distance between the paragraph's lines in points, or None when it follows the font."""
    line, rule = paragraph.line_spacing
    if rule in ("exact", "atLeast") and line:
        return line / 20
    section = ctx.doc.sections[min(paragraph.section, len(ctx.doc.sections) - 1)] if ctx.doc.sections else None
    snap = paragraph.props.get("snapToGrid", {}).get("val", "1") not in ("0", "false", "off")
    if section and section.grid_type in ("lines", "linesAndChars", "snapToChars") and section.line_pitch and snap:
        multiple = (line or 240) / 240 if rule == "auto" else 1
        return section.line_pitch / 20 * multiple
    return None


def first_page_number(ctx: Context) -> Iterator[Finding]:
    """Page 1 shows a number (7.5), except in a 信函 (10.1: no number on the first page)."""
    if not ctx.doc.sections:
        return
    kind, footer = ctx.doc.footer_on_page(1)
    numbered = any("PAGE" in p.fields for p in footer)
    if ctx.kind is DocumentKind.LETTER and numbered:
        yield ctx.finding(
            "page_number.letter_first_page",
            "10.1",
            "信函首页不显示页码：在页面设置中勾选“首页不同”，首页页脚留空",
            where="页脚（首页）" if kind == "first" else "页脚（奇数页）",
            found="首页有页码",
            expected="首页无页码",
        )
    elif ctx.kind is not DocumentKind.LETTER and kind == "first" and not numbered and ctx.doc.sections[0].footers:
        yield ctx.finding(
            "page_number.first_page",
            "7.5",
            "第 1 页不显示页码：本节设置了“首页不同”，首页页脚" + ("没有页码" if footer else "为空"),
            where="第1节页面设置（首页不同）",
            found="首页无页码",
            expected="首页也排页码“— 1 —”（或取消“首页不同”）",
        )


def page_numbers(ctx: Context) -> Iterator[Finding]:
    if not ctx.doc.sections or ctx.kind is DocumentKind.LETTER:
        return
    section = ctx.doc.sections[0]
    numbered = {kind: [p for p in paras if "PAGE" in p.fields] for kind, paras in section.footers.items()}
    odd = numbered.get("default", [])
    if not odd:
        yield ctx.finding(
            "page_number.missing",
            "7.5",
            "没有页码：页脚中应有 PAGE 域，格式“— 1 —”",
            where="页脚",
            expected="— N —（4号半角宋体阿拉伯数字，两侧一字线）",
        )
        return
    for para in [*odd, *numbered.get("even", [])]:
        text = para.text.strip()
        if not PAGE_NUMBER.match(text):
            hint = "半角连字符“-”不是一字线“—”（U+2014）" if "-" in text or "－" in text else "两侧应各有一条一字线"
            yield ctx.finding(
                "page_number.form", "7.5", f"页码格式不对：{hint}", where=para.location, found=text, expected="— 1 —"
            )
        runs = [r for r in para.runs if r.text.strip()]
        bad = [r for r in runs if (r.east_asian_font not in SONGTI and r.ascii_font not in SONGTI) or r.size_pt != 14]
        if bad:
            yield ctx.finding(
                "page_number.font",
                "7.5",
                "页码应为 4 号（14 磅）半角宋体",
                where=para.location,
                found=describe(bad[0], "ascii"),
                expected="宋体 14 磅",
            )
    if not ctx.doc.even_and_odd_footers or not numbered.get("even"):
        yield ctx.finding(
            "page_number.sides",
            "7.5",
            "单页码应居右、双页码应居左：需设置“奇偶页不同”并分别排页码",
            where="页面设置",
            found="奇偶页相同",
            expected="奇偶页不同",
        )
        return
    for para, side in ((odd[0], "right"), (numbered["even"][0], "left")):
        if para.align != side:
            name = "单页码居右空一字" if side == "right" else "双页码居左空一字"
            yield ctx.finding(
                "page_number.sides", "7.5", f"{name}", where=para.location, found=para.align, expected=side
            )
        indent = number(
            para.props.get("ind", {}).get(side, para.props.get("ind", {}).get("end" if side == "right" else "start", 0))
        )
        if abs(indent - G.IMPRINT_CHAR) > 100:
            yield ctx.finding(
                "page_number.indent",
                "7.5",
                "页码应距版心边缘空一字",
                severity=Severity.WARNING,
                where=para.location,
                found=f"缩进 {indent / 20:g} 磅",
                expected="14 磅（一个4号字）",
            )


PAGE_RULES = [paper, margins, line_grid, page_numbers, first_page_number]
