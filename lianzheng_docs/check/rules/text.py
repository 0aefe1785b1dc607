"""Rules on the 主体: title, 主送, 正文, heading levels, 附件说明, dates, 附注 (7.3)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial

from ...gbt9704 import figures as G
from ...gbt9704.dates import DATE_IN_TEXT, format_date, has_leading_zero, in_arabic_numerals
from ..findings import Finding, Severity
from ..model import Paragraph, Run
from ..roles import Role
from .context import (
    FANGSONG,
    HEITI,
    KAITI,
    XIAOBIAOSONG,
    Context,
    cjk_runs,
    describe,
    describe_color,
    grouped,
    where_many,
)


def title(ctx: Context) -> Iterator[Finding]:
    for para in ctx.role(Role.TITLE):
        runs = cjk_runs(para)
        if any(r.size_pt != 22 for r in runs):
            yield ctx.finding(
                "title.size",
                "7.3.1",
                "标题应为 2 号（22 磅）",
                where=para.where(),
                found=describe(next(r for r in runs if r.size_pt != 22)),
                expected="22 磅",
            )
        if any(r.east_asian_font not in XIAOBIAOSONG for r in runs):
            yield ctx.finding(
                "title.font",
                "7.3.1",
                "标题应用小标宋体",
                where=para.where(),
                found=describe(next(r for r in runs if r.east_asian_font not in XIAOBIAOSONG)),
                expected="方正小标宋简体",
            )
        if para.align != "center":
            yield ctx.finding(
                "title.center", "7.3.1", "标题应居中排布", where=para.where(), found=para.align, expected="center"
            )
        colored = [r for r in para.text_runs if r.color not in (None, "000000")]
        if colored:
            yield ctx.finding(
                "title.color",
                "5.2.4",
                "标题文字应为黑色（5.2.4 “未作特殊说明的文字颜色均为黑色”，7.3.1 未另作规定）",
                where=para.where(),
                found=describe_color(colored[0]),
                expected="000000（黑色）或自动",
            )
        if any(r.bold for r in runs):
            yield ctx.finding(
                "title.bold",
                "7.3.1",
                "标题不加粗：小标宋本身已是粗体",
                where=para.where(),
                found="加粗",
                expected="不加粗",
            )


def addressee(ctx: Context) -> Iterator[Finding]:
    for para in ctx.role(Role.ADDRESSEE):
        if not para.stripped.endswith("："):
            yield ctx.finding(
                "addressee.colon",
                "7.3.2",
                "主送机关最后应为全角冒号“：”",
                where=para.where(),
                found=para.stripped[-1:],
                expected="：",
            )
        if para.first_line_twips > 40 or para.left_twips > 40:
            yield ctx.finding(
                "addressee.indent",
                "7.3.2",
                "主送机关应居左顶格",
                severity=Severity.WARNING,
                where=para.where(),
                found=f"缩进 {para.first_line_twips / 20:g} 磅",
                expected="0",
            )


def body_text(ctx: Context) -> Iterator[Finding]:
    body = ctx.role(Role.BODY)

    def font_problems() -> Iterator[tuple[Paragraph, str]]:
        for para in body:
            for run in cjk_runs(para):
                if run.east_asian_font not in FANGSONG or run.size_pt != 16:
                    yield para, describe(run)
                    break

    yield from grouped(
        font_problems(),
        lambda found, paras: ctx.finding(
            "body.font",
            "5.2.2",
            "正文应为 3 号仿宋（16 磅）",
            where=where_many(paras),
            found=found,
            expected="仿宋_GB2312 16 磅",
        ),
    )
    indents = (
        (p, f"{p.first_line_twips / 20:g} 磅")
        for p in body
        if abs(p.first_line_twips - G.BODY_FIRST_LINE_INDENT) > 40 and p.location == "正文"
    )
    yield from grouped(
        indents,
        lambda found, paras: ctx.finding(
            "body.indent",
            "7.3.3",
            "正文每段首行缩进 2 字（32 磅）",
            where=where_many(paras),
            found=found,
            expected="32 磅（2 个 3 号字）",
        ),
    )
    texts = ctx.role(
        Role.BODY, Role.HEADING1, Role.HEADING2, Role.HEADING3, Role.HEADING4, Role.ADDRESSEE, Role.ATTACHMENT_NOTE
    )
    colors = ((p, describe_color(r)) for p in texts for r in p.text_runs[:1] if r.color not in (None, "000000"))
    yield from grouped(
        colors,
        lambda found, paras: ctx.finding(
            "body.color", "5.2.4", "正文文字应为黑色", where=where_many(paras), found=found, expected="000000"
        ),
    )


_LEVELS = {
    Role.HEADING1: (HEITI, "黑体", re.compile(r"^[一二三四五六七八九十]+、")),
    # a run-in title ("（一）加强组织领导。") is the heading; in a long numbered sentence only "（一）" is
    Role.HEADING2: (KAITI, "楷体", re.compile(r"^[（(][一二三四五六七八九十]+[）)]([^。]{1,20}。)?")),
    Role.HEADING3: (FANGSONG, "仿宋", re.compile(r"^\d+[.．]")),
    Role.HEADING4: (FANGSONG, "仿宋", re.compile(r"^[（(]\d+[）)]")),
}


def headings(ctx: Context) -> Iterator[Finding]:
    for role, (family, name, label) in _LEVELS.items():
        problems = _heading_problems(ctx, role, family, label)
        yield from grouped(problems, partial(_heading_finding, ctx, role, name))
    for para in ctx.role(Role.HEADING2):
        if para.stripped.startswith("("):
            yield ctx.finding(
                "heading.brackets",
                "7.3.3",
                "结构层次序数的括号应为全角“（）”",
                severity=Severity.WARNING,
                where=para.where(),
                found="(",
                expected="（",
            )


def _heading_problems(
    ctx: Context, role: Role, family: frozenset[str], label: re.Pattern[str]
) -> Iterator[tuple[Paragraph, str]]:
    """Headings of ``role`` whose own words (the numbering and a run-in title) are in another face."""
    for para in ctx.role(role):
        match = label.match(para.stripped)
        heading_runs = _runs_covering(para, len(match.group(0)) if match else 1)
        bad = [r for r in heading_runs if r.east_asian_font not in family or r.size_pt != 16]
        if bad:
            yield para, describe(bad[0])


def _heading_finding(ctx: Context, role: Role, name: str, found: str, paragraphs: list[Paragraph]) -> Finding:
    return ctx.finding(
        f"heading.level{role.name[-1]}",
        "7.3.3",
        f"{role.value}（{_example(role)}）应为 3 号{name}",
        where=where_many(paragraphs),
        found=found,
        expected=f"{name} 16 磅",
    )


def _example(role: Role) -> str:
    return {Role.HEADING1: "一、", Role.HEADING2: "（一）", Role.HEADING3: "1.", Role.HEADING4: "（1）"}[role]


def _runs_covering(para: Paragraph, length: int) -> list[Run]:
    """The runs holding the first ``length`` visible characters (the heading's own words)."""
    covered, runs = 0, []
    for run in para.runs:
        visible = len("".join(run.text.split()))
        if visible == 0:
            continue
        runs.append(run)
        covered += visible
        if covered >= length:
            break
    return runs


def attachment_note(ctx: Context) -> Iterator[Finding]:
    for para in ctx.role(Role.ATTACHMENT_NOTE):
        text = para.stripped
        if re.match(r"^附件:", text):
            yield ctx.finding(
                "attachment.colon",
                "7.3.4",
                "附件说明应为“附件：”（全角冒号）",
                where=para.where(),
                found=text[:4],
                expected="附件：",
            )
        if text.endswith(("。", "；", ".", "，")):
            yield ctx.finding(
                "attachment.punctuation",
                "7.3.4",
                "附件名称后不加标点符号",
                where=para.where(),
                found=text[-1],
                expected="（无标点）",
            )


def dates(ctx: Context) -> Iterator[Finding]:
    for para in [*ctx.role(Role.DATE), *ctx.role(Role.PRINTED)]:
        text = para.stripped
        match = DATE_IN_TEXT.search(text)
        if not match:
            continue
        year, month, day = match.groups()
        if not in_arabic_numerals(year, month, day):
            yield ctx.finding(
                "date.arabic",
                "7.3.5.4",
                "成文日期用阿拉伯数字，年份写全",
                where=para.where(),
                found=match.group(0),
                expected=format_date(2026, 3, 5),
            )
        elif has_leading_zero(month, day):
            yield ctx.finding(
                "date.leading_zero",
                "7.3.5.4",
                "日期的月、日不编虚位（不补 0）",
                where=para.where(),
                found=match.group(0),
                expected=format_date(int(year), int(month), int(day)),
            )


def note(ctx: Context) -> Iterator[Finding]:
    for para in ctx.role(Role.NOTE):
        if not (para.stripped.startswith("（") and para.stripped.endswith("）")):
            yield ctx.finding(
                "note.brackets",
                "7.3.6",
                "附注应加全角圆括号“（）”",
                severity=Severity.WARNING,
                where=para.where(),
                found=para.stripped[:1] + "…" + para.stripped[-1:],
                expected="（…）",
            )


TEXT_RULES = [title, addressee, body_text, headings, attachment_note, dates, note]
