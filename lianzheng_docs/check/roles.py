"""What each paragraph is (标题, 主送机关, 正文, 成文日期 ...), inferred from content and position.

A .docx does not say which paragraph is the title or the 发文字号; the checker works it out
the way a reader does: the 发文字号 by its form, the mark above it, the title as the first
centred line after the header, the 主送 as the short line ending in a colon after it, the date
as a line that is only a date, the 版记 by its words. When a guess rests on weak evidence it is
recorded in ``doubts`` and reported as a warning, never an error.

The page is read as a reader sees it: a 版头 in a text box or frame at the top of page 1 (as WPS
and many red-header templates put it) comes before the paragraph it is anchored in. The special
formats of chapter 10 are known: a 命令's 令号 (第1号) and a 纪要's number (〔2026〕第5次) belong to
the 版头, not the title, and a 命令 has no title. Above the date, a seal placeholder (（印章）) is the
印章 and the lines over it the 署名. :func:`classify` says which kind of document it is and why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from ..gbt9704 import docnumber, kinds, marks
from ..gbt9704.dates import DATE_LINE
from .model import Document, Paragraph


class Role(StrEnum):
    COPY_NUMBER = "份号"
    SECRECY = "密级和保密期限"
    URGENCY = "紧急程度"
    MARK = "发文机关标志"
    DOC_NUMBER = "发文字号"
    SERIAL = "令号或纪要编号"
    TITLE = "标题"
    ADDRESSEE = "主送机关"
    BODY = "正文"
    HEADING1 = "一级标题"
    HEADING2 = "二级标题"
    HEADING3 = "三级标题"
    HEADING4 = "四级标题"
    ATTACHMENT_NOTE = "附件说明"
    SIGNATURE = "发文机关署名"
    SEAL = "印章"
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
#: A placeholder where the seal goes: （印章）, 【盖章】, (此处盖章).
SEAL_PLACEHOLDER = re.compile(r"^[（(【\[]?(此处)?(加盖)?(单位)?(印章|盖章|公章|签章|章)(处)?[）)】\]]?$")


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
    body = reading_order(doc)
    cursor = _header(body, layout)
    cursor = _title(body, cursor, layout)
    _tail(doc, layout)
    end = _closing(doc, body, layout)
    _main_text(body[cursor:end], layout)
    return layout


def reading_order(doc: Document) -> list[Paragraph]:
    """The non-empty paragraphs of the main text as a reader meets them.

    Text boxes at the top of page 1 (anchored in one of the first three paragraphs) hold the
    版头 in many red-header documents: they are read before the paragraph they are anchored in.
    Other text boxes (a seal, a note beside the text) stay out of the main text.
    """
    flow: list[Paragraph] = []
    position: dict[int, int] = {}  # paragraph index -> its place in the flow
    seen = 0
    for para in doc.paragraphs:
        if para.location == "正文":
            seen += 1
            if para.stripped:
                position[para.index] = len(flow)
                flow.append(para)
        elif para.location == "文本框" and seen <= 3 and para.stripped:
            at = position.get(para.anchor) if para.anchor is not None else None
            if at is None:
                flow.append(para)
            else:
                flow.insert(at, para)
                position[para.anchor or 0] = at + 1
    return flow


def _header(body: list[Paragraph], layout: Layout) -> int:
    """份号, 密级, 紧急程度, mark and 发文字号 at the top; returns where the header ends."""
    top = body[:8]
    number_at = next((i for i, p in enumerate(top) if _numbered(p.stripped)), None)
    if number_at is None:
        at = 0
        while at < len(body) and at < 3 and _is_red(body[at]) and body[at].align == "center":
            layout.roles[body[at].index] = Role.MARK
            at += 1
        if at:
            while at < len(body) and kinds.SERIAL.match(body[at].stripped):
                layout.roles[body[at].index] = Role.SERIAL  # 令号 (10.2) or a 纪要's number (10.3)
                at += 1
        return at
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
        if not _untitled_format(body[:start], layout):
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
    if index < len(body) and _numbered(body[index].stripped, whole=True):
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
    above = at - 1
    while above >= 0 and SEAL_PLACEHOLDER.match(body[above].stripped):
        layout.roles[body[above].index] = Role.SEAL
        above -= 1
    signed = 0
    while above >= 0 and signed < 3 and _signature_line(body[above], first=signed == 0, layout=layout):
        layout.roles[body[above].index] = Role.SIGNATURE  # joint documents sign on several lines
        signed += 1
        above -= 1
    after = at + 1
    while after < len(body) and SEAL_PLACEHOLDER.match(body[after].stripped):
        layout.roles[body[after].index] = Role.SEAL
        after += 1
    if after < len(body) and body[after].stripped.startswith(("（", "(")):
        layout.roles[body[after].index] = Role.NOTE
    return above + 1


def _signature_line(para: Paragraph, *, first: bool, layout: Layout) -> bool:
    """A line of the 署名 above the date: short, not a sentence; beyond the first, set off to the right."""
    text = para.stripped
    if para.index in layout.roles or len(text) > 40 or text.endswith(("。", "：", ":")) or _heading_role(text):
        return False
    if re.match(r"^附\s*件", text):
        return False
    return first or para.align in ("right", "center") or para.left_twips >= 1280


def _untitled_format(header: list[Paragraph], layout: Layout) -> bool:
    """Whether the 版头 announces a format without a title: a 命令 (10.2) or a 纪要 (10.3)."""
    mark = "".join(p.stripped for p in header if layout.roles.get(p.index) is Role.MARK)
    return kinds.kind_of_mark(mark) is not None


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


@dataclass
class Classification:
    """Which kind of document the checker judges a file as (a DocumentKind value), and the signals."""

    kind: str  # 公文, 上行文, 信函, 命令, 纪要 or 非公文
    reasons: list[str] = field(default_factory=list)


def classify(doc: Document, layout: Layout) -> Classification:
    """The kind of document, from its 发文机关标志, title, 签发人 and first page, with the reasons.

    A mark naming a special format (××纪要, ××令) decides first; then the title's 文种 (报告 and
    请示 are 上行文, as is a 版头 with a 签发人); a 函 whose mark has no "文件" and whose first page
    shows no page number is a 信函 (10.1); any other mark or 文种 makes a 公文.
    """
    mark_paragraphs = layout.with_role(doc, Role.MARK)
    mark = "".join(p.stripped for p in mark_paragraphs)
    title = "".join(p.stripped for p in layout.with_role(doc, Role.TITLE))
    title_kind = kinds.kind_of_title(title)
    mark_kind = kinds.kind_of_mark(mark)
    reasons: list[str] = []
    if mark:
        boxed = "（在文本框中）" if any(p.location == "文本框" for p in mark_paragraphs) else ""
        reasons.append(f"有发文机关标志“{mark}”{boxed}")
    number = layout.first(doc, Role.DOC_NUMBER)
    if number is not None:
        found = docnumber.FIND.search(number.stripped) or docnumber.FIND_DRAFT.search(number.stripped)
        reasons.append(f"有发文字号“{found.group() if found else number.stripped}”")
    serial = layout.first(doc, Role.SERIAL)
    if serial is not None:
        reasons.append(f"标志下有编号“{serial.stripped}”")
    if title:
        reasons.append(f"标题以文种“{title_kind}”结尾" if title_kind else f"标题“{title[:20]}”不以 15 种文种之一结尾")
    signer = any("签发人" in p.stripped for p in doc.body()[:20])
    if signer:
        reasons.append("版头有签发人")
    if mark_kind == "纪要" or title_kind == "纪要":
        return Classification("纪要", [*reasons, "按纪要格式（GB/T 9704 10.3）检查"])
    if mark_kind == "命令" or (title_kind == "命令" and not title.endswith("通知")):
        return Classification("命令", [*reasons, "按命令（令）格式（GB/T 9704 10.2）检查，不要求标题"])
    if kinds.is_upward(title_kind):
        return Classification("上行文", [*reasons, "报告、请示是上行文，须标注签发人（条例第九条）"])
    if signer:  # an 意见 may go up too: the 签发人 says it does
        return Classification("上行文", [*reasons, "标注了签发人，按上行文检查（条例第九条）"])
    first_page_unnumbered = not any("PAGE" in p.fields for p in doc.footer_on_page(1)[1])
    if title_kind == "函" and mark and not mark.endswith("文件") and first_page_unnumbered:
        why = "函的标志不带“文件”、首页不显示页码：按信函格式（GB/T 9704 10.1）检查"
        return Classification("信函", [*reasons, why])
    if mark or title_kind:
        return Classification("公文", reasons)
    if not reasons:
        reasons.append("没有发文机关标志、发文字号，也没有找到标题")
    return Classification("非公文", [*reasons, "按非公文检查，问题只作警告；如是公文，请加 --kind 公文"])


def _numbered(line: str, *, whole: bool = False) -> bool:
    """Whether a line (whitespace removed) holds a 发文字号, numbered or a draft's (X财党〔2026〕号)."""
    if whole:
        return bool(docnumber.FIND.fullmatch(line) or docnumber.FIND_DRAFT.fullmatch(line))
    return bool(docnumber.FIND.search(line) or docnumber.FIND_DRAFT.search(line))
