"""The named styles of a GB/T 9704 document: 公文正文, 公文标题, 一级标题 ... 版记.

Named styles, not direct formatting, so that a clerk who opens a template in Word or WPS
sees what each paragraph is and keeps the layout when adding text.
"""

from __future__ import annotations

from collections.abc import Sequence

from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from lxml.etree import _Element

from ..gbt9704 import figures as G
from .ooxml import PPR_ORDER, RPR_ORDER, element, exact_spacing, run_properties, set_child, tabs

BODY = "GwBody"
TITLE = "GwTitle"
HEADING = {1: "GwHeading1", 2: "GwHeading2", 3: "GwHeading3", 4: "GwHeading4"}
ADDRESSEE = "GwAddressee"
ISSUER_MARK = "GwIssuerMark"
DOC_NUMBER = "GwDocNumber"
SIGNATURE = "GwSignature"
IMPRINT = "GwImprint"
TABLE_TEXT = "GwTableText"
PLAIN = "GwPlain"
KAI = "GwKai"
HEI = "GwHei"
COPY_NUMBER = "GwCopyNumber"
SECRECY = "GwSecrecy"
URGENCY = "GwUrgency"

#: The line height of 表格文字 (4号 text in tables), in twips.
TABLE_LINE = G.pt(20)

#: Style id -> the Chinese name Word and WPS show.
NAMES = {
    BODY: "公文正文",
    PLAIN: "公文顶格",
    TITLE: "公文标题",
    ADDRESSEE: "主送机关",
    ISSUER_MARK: "发文机关标志",
    DOC_NUMBER: "发文字号",
    SIGNATURE: "署名和日期",
    IMPRINT: "版记",
    TABLE_TEXT: "表格文字",
    KAI: "楷体字",
    HEI: "黑体字",
    COPY_NUMBER: "份号",
    SECRECY: "密级和保密期限",
    URGENCY: "紧急程度",
    **{HEADING[level]: f"{'一二三四'[level - 1]}级标题" for level in HEADING},
}


def install_styles(document: Document) -> None:
    """Replace the document defaults and add every style the builder uses."""
    _set_defaults(document)
    _add_styles(document)


def _set_defaults(document: Document) -> None:
    """docDefaults: 3号仿宋 everywhere, exact grid pitch, no space after paragraphs."""
    styles = document.styles.element
    old = styles.find(qn("w:docDefaults"))
    if old is not None:
        styles.remove(old)
    rpr = run_properties(font=G.FONT_FANGSONG, size=G.BODY_SIZE)
    set_child(rpr, element("w:lang", {"w:val": "en-US", "w:eastAsia": "zh-CN"}), RPR_ORDER)
    ppr = element("w:pPr")
    set_child(ppr, element("w:widowControl", {"w:val": 0}), PPR_ORDER)
    set_child(ppr, exact_spacing(G.LINE_PITCH), PPR_ORDER)
    defaults = element(
        "w:docDefaults",
        None,
        element("w:rPrDefault", None, rpr),
        element("w:pPrDefault", None, ppr),
    )
    styles.insert(0, defaults)
    # The default template's Normal carries no run size of its own; make sure of it.
    normal = document.styles["Normal"].element
    for tag in ("w:pPr", "w:rPr"):
        node = normal.find(qn(tag))
        if node is not None:
            normal.remove(node)


def _paragraph_style(
    document: Document,
    style_id: str,
    name: str,
    *,
    based_on: str | None = "Normal",
    ppr: Sequence[_Element] = (),
    rpr: _Element | None = None,
    next_style: str | None = None,
) -> None:
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    el = style.element
    el.set(qn("w:styleId"), style_id)
    if based_on:
        based = document.styles[based_on].style_id if based_on == "Normal" else based_on
        set_child(el, element("w:basedOn", {"w:val": based}), _STYLE_ORDER)
    if next_style:
        set_child(el, element("w:next", {"w:val": next_style}), _STYLE_ORDER)
    set_child(el, element("w:qFormat"), _STYLE_ORDER)
    if ppr:
        node = element("w:pPr")
        for child in ppr:
            set_child(node, child, PPR_ORDER)
        set_child(el, node, _STYLE_ORDER)
    if rpr is not None:
        set_child(el, rpr, _STYLE_ORDER)


def _character_style(document: Document, style_id: str, name: str, rpr: _Element) -> None:
    style = document.styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
    style.element.set(qn("w:styleId"), style_id)
    set_child(style.element, element("w:qFormat"), _STYLE_ORDER)
    set_child(style.element, rpr, _STYLE_ORDER)


def _add_styles(document: Document) -> None:
    no_indent = element("w:ind", {"w:firstLine": 0, "w:left": 0, "w:right": 0})
    _paragraph_style(
        document,
        BODY,
        "公文正文",
        ppr=[
            element("w:ind", {"w:firstLine": G.BODY_FIRST_LINE_INDENT}),
            # Punctuation must not hang past the text area (5.2.1, 6.1: within 1 mm).
            element("w:overflowPunct", {"w:val": 0}),
            element("w:jc", {"w:val": "both"}),
        ],
        rpr=run_properties(spacing=G.BODY_CHAR_SPACING),
        next_style=BODY,
    )
    _paragraph_style(
        document,
        PLAIN,
        "公文顶格",
        based_on=BODY,
        ppr=[element("w:ind", {"w:firstLine": 0})],
    )
    for level, font in ((1, G.FONT_HEITI), (2, G.FONT_KAITI), (3, G.FONT_FANGSONG), (4, G.FONT_FANGSONG)):
        _paragraph_style(
            document,
            HEADING[level],
            f"{'一二三四'[level - 1]}级标题",
            based_on=BODY,
            ppr=[element("w:keepNext"), element("w:outlineLvl", {"w:val": level - 1})],
            rpr=run_properties(font=font, bold=False),
            next_style=BODY,
        )
    _paragraph_style(
        document,
        TITLE,
        "公文标题",
        ppr=[
            # 7.3.1; without this a 22 pt line takes two grid rows in LibreOffice.
            element("w:snapToGrid", {"w:val": 0}),
            no_indent,
            element("w:jc", {"w:val": "center"}),
        ],
        rpr=run_properties(font=G.FONT_XIAOBIAOSONG, size=G.TITLE_SIZE, bold=False),
        next_style=BODY,
    )
    _paragraph_style(
        document,
        ADDRESSEE,
        "主送机关",
        based_on=BODY,
        ppr=[element("w:ind", {"w:firstLine": 0})],
        next_style=BODY,
    )
    _paragraph_style(
        document,
        ISSUER_MARK,
        "发文机关标志",
        ppr=[
            element("w:snapToGrid", {"w:val": 0}),
            exact_spacing(G.pt(G.FONT_SIZES_PT["小初"] * 1.25)),
            no_indent,
            element("w:jc", {"w:val": "center"}),
        ],
        rpr=run_properties(font=G.FONT_XIAOBIAOSONG, size=G.ISSUER_MARK_SIZE, color=G.RED, bold=False),
    )
    _paragraph_style(
        document,
        DOC_NUMBER,
        "发文字号",
        based_on=BODY,
        ppr=[element("w:ind", {"w:firstLine": 0}), element("w:jc", {"w:val": "center"})],
    )
    _paragraph_style(
        document,
        SIGNATURE,
        "署名和日期",
        based_on=BODY,
        ppr=[
            # Centred on one tab stop, so the organ's name sits centred over the date and
            # the date ends about four characters from the right edge (7.3.5.1).
            tabs(("center", G.TEXT_WIDTH - G.DATE_RIGHT_INDENT - int(3.5 * G.ONE_CHAR))),
            element("w:ind", {"w:firstLine": 0}),
        ],
    )
    _paragraph_style(
        document,
        IMPRINT,
        "版记",
        ppr=[element("w:snapToGrid", {"w:val": 0}), no_indent],
        rpr=run_properties(size=G.IMPRINT_SIZE),
    )
    _paragraph_style(
        document,
        TABLE_TEXT,
        "表格文字",
        ppr=[
            element("w:snapToGrid", {"w:val": 0}),
            exact_spacing(TABLE_LINE),
            no_indent,
        ],
        rpr=run_properties(size=G.IMPRINT_SIZE),
    )
    _character_style(document, KAI, "楷体字", run_properties(font=G.FONT_KAITI))
    _character_style(document, HEI, "黑体字", run_properties(font=G.FONT_HEITI))


def install_header_mark_styles(document: Document) -> None:
    """Add the styles of 份号, 密级和保密期限 and 紧急程度 (7.2.1-7.2.3), once.

    Only documents that carry the marks get them, so the styles part of every other document
    stays as it was.
    """
    if any(style.style_id == COPY_NUMBER for style in document.styles):
        return
    # 份号 3号 (the default 仿宋), 密级和保密期限 and 紧急程度 3号黑体, all flush left.
    marks: tuple[tuple[str, str, str | None], ...] = (
        (COPY_NUMBER, "份号", None),
        (SECRECY, "密级和保密期限", G.FONT_HEITI),
        (URGENCY, "紧急程度", G.FONT_HEITI),
    )
    for style_id, name, mark_font in marks:
        _paragraph_style(
            document,
            style_id,
            name,
            based_on=BODY,
            ppr=[element("w:ind", {"w:firstLine": 0}), element("w:jc", {"w:val": "left"})],
            rpr=run_properties(font=mark_font) if mark_font else None,
        )


_STYLE_ORDER = [
    "w:name",
    "w:aliases",
    "w:basedOn",
    "w:next",
    "w:link",
    "w:autoRedefine",
    "w:hidden",
    "w:uiPriority",
    "w:semiHidden",
    "w:unhideWhenUsed",
    "w:qFormat",
    "w:locked",
    "w:personal",
    "w:personalCompose",
    "w:personalReply",
    "w:rsid",
    "w:pPr",
    "w:rPr",
    "w:tblPr",
    "w:trPr",
    "w:tcPr",
    "w:tblStylePr",
]
