"""Write .docx templates laid out to GB/T 9704-2012, with docxtpl tags left in their text.

Templates are built by code, not by hand in Word, so that every layout figure comes from
:mod:`lianzheng_docs.gbt9704.figures` and a rebuilt template is the same document every time. The
result is an ordinary .docx with named styles (公文正文, 一级标题, ...), so a clerk can still open
and edit it in Word or WPS. Sub-unit plugins build their own templates with the same class.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import docx
from docx.document import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml.etree import _Element

from ..docxzip import normalize_docx
from ..gbt9704 import figures as G
from .ooxml import PPR_ORDER, border, element, exact_spacing, paragraph_borders, set_child, tabs, text_box
from .page import set_up_page
from .styles import (
    ADDRESSEE,
    BODY,
    COPY_NUMBER,
    DOC_NUMBER,
    HEADING,
    HEI,
    IMPRINT,
    ISSUER_MARK,
    KAI,
    NAMES,
    PLAIN,
    SECRECY,
    SIGNATURE,
    TABLE_TEXT,
    TITLE,
    URGENCY,
    install_header_mark_styles,
    install_styles,
)

# A fixed timestamp keeps rebuilt templates identical.
_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Span:
    """A run of text with its own font, inside a paragraph of mixed fonts."""

    text: str
    style: str | None = None  # a character style id, e.g. "GwKai"


Part = str | Span


# Paragraph styles: id -> (Chinese name, properties). Built once per document.
class GongwenDocument:
    """A document under construction, laid out on the GB/T 9704 page and grid.

    Methods append the standard's elements in reading order; text may contain docxtpl tags
    (``{{ year }}``), and :meth:`control` adds the paragraph-level tags (``{%p for ... %}``).
    """

    def __init__(self, *, title: str, page_numbers: bool = True) -> None:
        self.doc: Document = docx.Document()
        self._clear_body()
        install_styles(self.doc)
        set_up_page(self.doc, page_numbers=page_numbers)
        props = self.doc.core_properties
        props.title = title
        props.author = "lianzheng-docs"
        props.created = props.modified = _EPOCH
        props.last_modified_by = "lianzheng-docs"
        props.revision = 1
        props.language = "zh-CN"

    # ------------------------------------------------------------------ set-up

    def _clear_body(self) -> None:
        body = self.doc.element.body
        for child in list(body):
            if child.tag != qn("w:sectPr"):
                body.remove(child)

    # ------------------------------------------------------------------ content

    def paragraph(self, *parts: Part, style: str = BODY) -> Paragraph:
        """A paragraph of the given style made of plain text and :class:`Span` runs."""
        para = self.doc.add_paragraph(style=self.doc.styles[NAMES[style]])
        for part in parts:
            if isinstance(part, Span):
                run = para.add_run(part.text)
                if part.style:
                    run.style = self.doc.styles[NAMES[part.style]]
            else:
                para.add_run(part)
        return para

    def control(self, tag: str) -> Paragraph:
        """A paragraph holding only a docxtpl paragraph tag, e.g. ``{%p for x in items %}``."""
        return self.paragraph(tag, style=PLAIN)

    def blank(self, count: int = 1) -> None:
        """Empty lines on the grid (the standard counts distances in lines)."""
        for _ in range(count):
            self.paragraph(style=PLAIN)

    def heading(self, level: int, text: str) -> Paragraph:
        """Heading levels 一、 (黑体), （一） (楷体), 1. and （1） (仿宋), all 3号 (7.3.3)."""
        return self.paragraph(text, style=HEADING[level])

    def title(self, text: str) -> Paragraph:
        """标题 in 2号小标宋, centred, not bold (7.3.1)."""
        return self.paragraph(text, style=TITLE)

    def addressee(self, text: str) -> Paragraph:
        """主送机关, flush left, ending with a full-width colon (7.3.2)."""
        return self.paragraph(text, style=ADDRESSEE)

    def header_marks(
        self,
        *,
        copy_number: str | None = "copy_number",
        secrecy: str | None = "secrecy",
        urgency: str | None = "urgency",
        framed: bool = True,
    ) -> None:
        """份号, 密级和保密期限 and 紧急程度, each on its own line and only when given (7.2.1-7.2.3).

        The arguments are the template expressions (field names) of the three marks; ``None``
        leaves a mark out. They stack flush left from the first line of the text area in the
        standard's order, an absent one taking no line: 份号 in 3号 (7.2.1), 密级和保密期限 in
        3号黑体 on the next line (7.2.2; a classified document always has a 份号), then 紧急程度 in
        3号黑体 (7.2.3).

        ``framed`` (a document with a 发文机关标志, called before :meth:`issuer_mark`): the lines sit
        in a frame anchored to the top left of the text area, so the mark below stays 35 mm down
        whether they show or not; three lines end 30.7 mm down, above it. ``framed=False`` (a
        document without a 版头): they are the first lines of the page and push the title down.
        """
        install_header_mark_styles(self.doc)
        for expression, style in ((copy_number, COPY_NUMBER), (secrecy, SECRECY), (urgency, URGENCY)):
            if expression is None:
                continue
            lines = [
                self.control(f"{{%p if {expression} %}}"),
                self.paragraph(f"{{{{ {expression} }}}}", style=style),
                self.control("{%p endif %}"),
            ]
            if framed:  # the tags too, so the unrendered template shows the mark in its place
                for para in lines:
                    set_child(para._p.get_or_add_pPr(), _header_marks_frame(), PPR_ORDER)

    def issuer_mark(self, text: str) -> Paragraph:
        """发文机关标志: red, centred, its top edge 35 mm below the text area's top (7.2.4)."""
        para = self.paragraph(text, style=ISSUER_MARK)
        ppr = para._p.get_or_add_pPr()
        set_child(
            ppr,
            exact_spacing(G.pt(G.FONT_SIZES_PT["小初"] * 1.25), before=_ISSUER_MARK_BEFORE),
            PPR_ORDER,
        )
        return para

    def doc_number(self, number: str, *, signer: str | None = None) -> Paragraph:
        """发文字号 two lines under the mark, and the red rule 4 mm under it (7.2.5-7.2.7).

        With ``signer`` (上行文) the number is one character in from the left and "签发人：name"
        ends one character in from the right on the same line, the name in 楷体 (7.2.6).
        """
        self.blank(2)
        if signer is None:
            para = self.paragraph(number, style=DOC_NUMBER)
        else:
            para = self.paragraph("\t", number, "\t签发人：", Span(signer, KAI), style=DOC_NUMBER)
            ppr = para._p.get_or_add_pPr()
            set_child(
                ppr,
                tabs(("left", G.ONE_CHAR), ("right", G.TEXT_WIDTH - G.ONE_CHAR)),
                PPR_ORDER,
            )
            set_child(ppr, element("w:jc", {"w:val": "left"}), PPR_ORDER)
        ppr = para._p.get_or_add_pPr()
        set_child(
            ppr,
            paragraph_borders([border("bottom", size=G.RED_RULE, color=G.RED, space=_RED_RULE_SPACE_PT)]),
            PPR_ORDER,
        )
        return para

    def signature(self, issuer: str, date: str, *, seal_lines: int = 2) -> None:
        """发文机关署名 centred over 成文日期, the date four characters from the right (7.3.5.1).

        ``issuer`` is a template expression such as ``{{ issuer }}``. A signature too long to
        centre over the date without leaving the text area is set flush right, two characters
        in, instead. ``seal_lines`` blank lines above leave room for the seal, whose top must
        come within a line of the body.
        """
        for _ in range(seal_lines):
            self.keep_with_next(self.paragraph(style=PLAIN))
        expression = issuer.strip("{} ")
        self.control(f"{{%p if ({expression})|string|length <= {_SIGNATURE_CENTRED_MAX} %}}")
        self.keep_with_next(self.paragraph("\t", issuer, style=SIGNATURE))
        self.control("{%p else %}")
        long_signature = self.keep_with_next(self.paragraph(issuer, style=SIGNATURE))
        ppr = long_signature._p.get_or_add_pPr()
        set_child(ppr, element("w:ind", {"w:firstLine": 0, "w:right": 2 * G.ONE_CHAR}), PPR_ORDER)
        set_child(ppr, element("w:jc", {"w:val": "right"}), PPR_ORDER)
        self.control("{%p endif %}")
        self.paragraph("\t", date, style=SIGNATURE)

    def party(self, label: str, text: str) -> Paragraph:
        """A party line of an agreement ("甲方：…"); wrapped lines align after the label."""
        para = self.paragraph(label, text, style=PLAIN)
        ppr = para._p.get_or_add_pPr()
        set_child(
            ppr,
            element("w:ind", {"w:left": 3 * G.ONE_CHAR, "w:hanging": 3 * G.ONE_CHAR if label else 0}),
            PPR_ORDER,
        )
        return para

    def imprint(self, *, cc: str, printed: Sequence[Part]) -> None:
        """版记 at the foot of the last page: 4号仿宋 between rules as wide as the text area (7.4).

        ``cc`` names the list field of 抄送机关: when it has items, a "抄送：…。" row comes first
        (wrapped lines aligned after the colon), otherwise the 印发 row stands alone. ``printed``
        is the 印发机关 and 印发日期 line, the date after a tab so that it ends one character
        from the right. The rows are a one-column table (first and last rule thick, the rule
        between thin, text one character in) inside a text box anchored to the bottom of the
        text area, so the last rule is the text area's bottom edge wherever the body ends.
        LibreOffice 7.4 loses the bottom anchoring of a ``framePr`` frame whose paragraphs have
        different borders, and of a floating table; a text box keeps it.
        """
        width = G.TEXT_WIDTH
        inner = width - 2 * G.IMPRINT_CHAR
        table = self.table(
            [],
            [[f"{{%tr if {cc} %}}"], ["抄送：" + f'{{{{ {cc}|join("，") }}}}。'], ["{%tr endif %}"], [""]],
            widths_mm=[G.TEXT_WIDTH / G.TWIPS_PER_MM],
            rules=(G.RULE_THICK, G.RULE_THIN),
            cell_margin=G.IMPRINT_CHAR,
        )
        rows = table.rows
        cc_para = rows[1].cells[0].paragraphs[0]
        label = 3 * G.IMPRINT_CHAR  # "抄送："
        set_child(cc_para._p.get_or_add_pPr(), element("w:ind", {"w:left": label, "w:hanging": label}), PPR_ORDER)
        printed_para = rows[3].cells[0].paragraphs[0]
        for part in printed:
            printed_para.add_run(part if isinstance(part, str) else part.text)
        set_child(printed_para._p.get_or_add_pPr(), tabs(("right", inner)), PPR_ORDER)
        for row in rows:
            row.cells[0].paragraphs[0].style = self.doc.styles[NAMES[IMPRINT]]
        cc_para.style = printed_para.style
        tbl = table._tbl
        tbl.getparent().remove(tbl)
        closing = self.paragraph(style=PLAIN)._p  # a text box must end with a paragraph
        closing.getparent().remove(closing)
        _make_tiny(closing)
        anchor = self.paragraph(style=PLAIN)
        _make_tiny(anchor._p)
        anchor._p.append(text_box("版记", width_twips=width, content=[tbl, closing], box_id=self._next_id()))

    def _next_id(self) -> int:
        self._shape_ids = getattr(self, "_shape_ids", 100) + 1
        return self._shape_ids

    def table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        *,
        widths_mm: Sequence[float],
        borders: bool = True,
        center_columns: Sequence[int] = (),
        row_height_mm: float | None = None,
        rules: tuple[int, int] | None = None,
        cell_margin: int | None = None,
        text_size: str | None = None,
    ) -> Table:
        """A table across the text area in 4号 text; rows may hold docxtpl ``{%tr %}`` tags.

        ``text_size`` names a smaller 字号 (e.g. "五号") for dense tables such as a 归档文件目录.

        ``rules`` (outer, inner sizes in eighths of a point) draws horizontal rules only, as in
        the 版记; ``cell_margin`` sets the left and right padding of every cell in twips.
        """
        table: Table = self.doc.add_table(rows=0, cols=len(widths_mm))
        tbl = table._tbl
        tblpr = tbl.tblPr
        for old in tblpr.findall(qn("w:tblStyle")):
            tblpr.remove(old)
        tblpr.append(element("w:tblW", {"w:w": G.mm(sum(widths_mm)), "w:type": "dxa"}))
        tblpr.append(element("w:jc", {"w:val": "center"}))
        line = "single" if borders else "nil"
        sizes = dict.fromkeys(("top", "left", "bottom", "right", "insideH", "insideV"), 4)
        kinds = dict.fromkeys(sizes, line)
        if rules:
            outer, inner = rules
            sizes.update(top=outer, bottom=outer, insideH=inner)
            kinds.update(left="nil", right="nil", insideV="nil")
        tblpr.append(
            element(
                "w:tblBorders",
                None,
                *(
                    element(f"w:{side}", {"w:val": kinds[side], "w:sz": sizes[side], "w:space": 0, "w:color": "000000"})
                    for side in sizes
                ),
            )
        )
        tblpr.append(element("w:tblLayout", {"w:type": "fixed"}))
        if cell_margin is not None:
            tblpr.append(
                element(
                    "w:tblCellMar",
                    None,
                    element("w:left", {"w:w": cell_margin, "w:type": "dxa"}),
                    element("w:right", {"w:w": cell_margin, "w:type": "dxa"}),
                )
            )
        for col, width in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths_mm, strict=True):
            col.set(qn("w:w"), str(G.mm(width)))
        all_rows = ([(header, True)] if header else []) + [(row, False) for row in rows]
        for cells, is_header in all_rows:
            row = table.add_row()  # type: ignore[no-untyped-call]
            trpr = row._tr.get_or_add_trPr()
            trpr.append(element("w:cantSplit"))  # a row never breaks across pages
            if is_header:
                trpr.append(element("w:tblHeader"))  # repeated at the top of each page
            if row_height_mm:
                trpr.append(element("w:trHeight", {"w:val": G.mm(row_height_mm), "w:hRule": "atLeast"}))
            for index, (cell, text, width) in enumerate(zip(row.cells, cells, widths_mm, strict=True)):
                cell.width = docx.shared.Mm(width)
                tcpr = cell._tc.get_or_add_tcPr()
                tcpr.append(element("w:vAlign", {"w:val": "top" if "\n" in text else "center"}))
                for number, line in enumerate(text.split("\n")):
                    para = cell.paragraphs[0] if number == 0 else cell.add_paragraph()
                    para.style = self.doc.styles[NAMES[TABLE_TEXT]]
                    run = para.add_run(line)
                    if text_size:
                        size = G.FONT_SIZES_PT[text_size]
                        run.font.size = docx.shared.Pt(size)
                        set_child(para._p.get_or_add_pPr(), exact_spacing(G.pt(size * 1.35)), PPR_ORDER)
                    if is_header:
                        run.style = self.doc.styles[NAMES[HEI]]
                    if is_header or index in center_columns:
                        set_child(para._p.get_or_add_pPr(), element("w:jc", {"w:val": "center"}), PPR_ORDER)
        return table

    @staticmethod
    def keep_with_next(paragraph: Paragraph) -> Paragraph:
        """Keep ``paragraph`` on the page of the one after it (a signature with its date)."""
        set_child(paragraph._p.get_or_add_pPr(), element("w:keepNext"), PPR_ORDER)
        return paragraph

    @staticmethod
    def start_page(paragraph: Paragraph) -> Paragraph:
        """Make ``paragraph`` begin a new page (an attachment, a 回执), leaving no empty line."""
        set_child(paragraph._p.get_or_add_pPr(), element("w:pageBreakBefore"), PPR_ORDER)
        return paragraph

    # ------------------------------------------------------------------ output

    def to_bytes(self) -> bytes:
        """The .docx, byte for byte the same each time the same document is built."""
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return normalize_docx(buffer.getvalue())

    def save(self, path: str | Path) -> None:
        Path(path).write_bytes(self.to_bytes())


def _make_tiny(paragraph: _Element) -> None:
    """A paragraph one point high, off the grid: an anchor or a closing mark that takes no line."""
    ppr = paragraph.get_or_add_pPr()
    set_child(ppr, element("w:snapToGrid", {"w:val": 0}), PPR_ORDER)
    set_child(ppr, exact_spacing(G.TWIPS_PER_PT), PPR_ORDER)


def _header_marks_frame() -> _Element:
    """``w:framePr`` of the 份号/密级/紧急程度 lines: at the top left of the text area, text around."""
    return element(
        "w:framePr",
        {
            "w:wrap": "around",
            "w:vAnchor": "margin",
            "w:hAnchor": "margin",
            "w:x": 0,
            "w:y": -_HEADER_MARKS_RAISE,
        },
    )


# Tuned on LibreOffice 7.4 renderings (see tests/test_layout_pdf.py), in twips or points.
# The longest 署名 (in characters) that, centred over the date, stays inside the text area.
_SIGNATURE_CENTRED_MAX = 14
_ISSUER_MARK_BEFORE = G.ISSUER_MARK_OFFSET - G.pt(7.7)
_RED_RULE_SPACE_PT = 6
# Lines in a frame sit 0.49 mm lower than the same lines on the page's grid; raise the frame.
_HEADER_MARKS_RAISE = G.mm(0.49)
