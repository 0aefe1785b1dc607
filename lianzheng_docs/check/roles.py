"""What each paragraph is (标题, 主送机关, 正文, 成文日期 ...), inferred from content and position.

A .docx does not say which paragraph is the title or the 发文字号; the checker works it out
the way a reader does: the 发文字号 by its form, the mark above it, the title as the first
centred line after the header, the 主送 as the short line ending in a colon after it, the date
as a line that is only a date, the 版记 by its words. When a guess rests on weak evidence it is
recorded in ``doubts`` and reported as a warning, never an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from ..gbt9704 import docnumber, marks
from ..gbt9704.dates import DATE_LINE
from .model import Document, Paragraph


class Role(StrEnum):
    COPY_NUMBER = "份号"
    SECRECY = "密级和保密期限"
    URGENCY = "紧急程度"
    MARK = "发文机关标志"
    DOC_NUMBER = "发文字号"
    TITLE = "标题"
    ADDRESSEE = "主送机关"
    BODY = "正文"
    HEADING1 = "一级标题"
    HEADING2 = "二级标题"
    HEADING3 = "三级标题"
    HEADING4 = "四级标题"
    ATTACHMENT_NOTE = "附件说明"
    SIGNATURE = "发文机关署名"
    DATE = "成文日期"
    NOTE = "附注"
    CC = "抄送机关"
    PRINTED = "印发机关和印发日期"


NUMERALS = "一二三四五六七八九十"
HEADING_PATTERNS = (
    (Role.HEADING1, re.compile(rf"^[{NUMERALS}]+、")),
    (Role.HEADING2, re.compile(rf"^[（(][{NUMERALS}]+[）)]")),
    (Role.HEADING3, re.compile(r"^\d+[.．](?!\d)")),
    (Role.HEADING4, re.compile(r"^[（(]\d+[）)]")),
)


@dataclass
class Layout:
    """The role of each paragraph (by index) and the doubts met while inferring them."""

    roles: dict[int, Role] = field(default_factory=dict)
    doubts: list[str] = field(default_factory=list)

    def with_role(self, doc: Document, *roles: Role) -> list[Paragraph]:
        return [p for p in doc.paragraphs if self.roles.get(p.index) in roles]

    def first(self, doc: Document, role: Role) -> Paragraph | None:
        found = self.with_role(doc, role)
        return found[0] if found else None


def infer(doc: Document) -> Layout:
    layout = Layout()
    body = [p for p in doc.body() if p.stripped]
    cursor = _header(body, layout)
    cursor = _title(body, cursor, layout)
    _tail(doc, layout)
    end = _closing(doc, body, layout)
    _main_text(body[cursor:end], layout)
    return layout


def _header(body: list[Paragraph], layout: Layout) -> int:
    """份号, 密级, 紧急程度, mark and 发文字号 at the top; returns where the header ends."""
    top = body[:8]
    number_at = next((i for i, p in enumerate(top) if docnumber.FIND.search(p.stripped)), None)
    if number_at is None:
        first = body[0] if body else None
        if first is not None and _is_red(first) and first.align == "center":
            layout.roles[first.index] = Role.MARK
            return 1
        return 0
    above = top[:number_at]
    below = body[number_at + 1] if number_at + 1 < len(body) else None
    title_below = below is not None and below.align == "center" and below.main_size_pt >= 18
    if above and not title_below and not any(_is_red(p) for p in above):
        return 0  # no 版头: a title with its number under it (a 告知书); _title takes both
    for para in above:
        text = para.stripped
        if marks.COPY_NUMBER_LOOSE.match(text):
            layout.roles[para.index] = Role.COPY_NUMBER
        elif marks.is_secrecy_mark(text):
            layout.roles[para.index] = Role.SECRECY
        elif marks.URGENCY_LOOSE.match(text):
            layout.roles[para.index] = Role.URGENCY
        else:
            layout.roles[para.index] = Role.MARK
    layout.roles[top[number_at].index] = Role.DOC_NUMBER
    if not any(role is Role.MARK for role in layout.roles.values()):
        layout.doubts.append("发文字号上方没有找到发文机关标志")
    return number_at + 1


def _title(body: list[Paragraph], start: int, layout: Layout) -> int:
    """The title lines, and a 发文字号 written under the title (告知书 style); returns the next index."""
    index = start
    if index >= len(body):
        layout.doubts.append("没有找到标题")
        return index
    first = body[index]
    if first.align != "center" and first.main_size_pt < 18:
        layout.doubts.append(f"未能确定标题：{first.where()} 既不居中，字号也不大")
        return index
    if first.align != "center":
        layout.doubts.append(f"按字号推断 {first.where()} 为标题，但它没有居中")
    size = first.main_size_pt
    while index < len(body) and (
        index == start or (body[index].align == first.align and body[index].main_size_pt == size)
    ):
        layout.roles[body[index].index] = Role.TITLE
        index += 1
    if index < len(body) and docnumber.FIND.fullmatch(body[index].stripped):
        layout.roles[body[index].index] = Role.DOC_NUMBER
        index += 1
    if index < len(body):
        text = body[index].stripped
        if text.endswith(("：", ":")) and len(text) <= 80 and not _heading_role(text):
            layout.roles[body[index].index] = Role.ADDRESSEE
            index += 1
    return index


def _tail(doc: Document, layout: Layout) -> None:
    """抄送 and 印发 lines, wherever they are (text box, table or body)."""
    for para in doc.paragraphs:
        text = para.stripped
        if re.match(r"^抄\s*送", text):
            layout.roles[para.index] = Role.CC
        elif text.endswith("印发") and re.search(r"\d{4}年", text):
            layout.roles[para.index] = Role.PRINTED


def _closing(doc: Document, body: list[Paragraph], layout: Layout) -> int:
    """成文日期, 署名 and 附注; returns the body index where the main text ends."""
    dates = [i for i, p in enumerate(body) if DATE_LINE.match(p.stripped) and p.index not in layout.roles]
    if not dates:
        table_dates = [p for p in doc.paragraphs if p.location != "正文" and DATE_LINE.match(p.stripped)]
        for para in table_dates:
            layout.roles[para.index] = Role.DATE
        return len(body)
    at = dates[-1]
    layout.roles[body[at].index] = Role.DATE
    end = at
    if at > 0:
        before = body[at - 1]
        if len(before.stripped) <= 40 and not before.stripped.endswith(("。", "：", ":")):
            layout.roles[before.index] = Role.SIGNATURE
            end = at - 1
    if at + 1 < len(body) and body[at + 1].stripped.startswith(("（", "(")):
        layout.roles[body[at + 1].index] = Role.NOTE
    return end


def _main_text(paragraphs: list[Paragraph], layout: Layout) -> None:
    for para in paragraphs:
        if para.index in layout.roles:
            continue
        text = para.stripped
        if re.match(r"^附\s*件\s*[:：\d]", text):
            layout.roles[para.index] = Role.ATTACHMENT_NOTE
        else:
            layout.roles[para.index] = _heading_role(text) or Role.BODY


def _heading_role(text: str) -> Role | None:
    for role, pattern in HEADING_PATTERNS:
        if pattern.match(text):
            return role
    return None


def _is_red(para: Paragraph) -> bool:
    return any(is_red(run.color) for run in para.text_runs)


def is_red(color: str | None) -> bool:
    """A colour a reader calls red: strong red channel, weak green and blue."""
    if not color or len(color) != 6:
        return False
    try:
        red, green, blue = (int(color[i : i + 2], 16) for i in (0, 2, 4))
    except ValueError:
        return False
    return red >= 0xC0 and green <= 0x40 and blue <= 0x40
