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
from typing import Final

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
    TABLE_LINE,
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


@dataclass(frozen=True)
class Signatory:
    """A party that signs an agreement by hand: who it is, who signs for it, and when.

    ``side`` is the party's name in the agreement ("甲方"), ``unit`` the unit that seals it and
    ``signer`` the role of the person who signs ("主体责任人"); ``unit`` and ``date`` are usually
    template expressions (``{{ party_group }}``, ``{{ date }}``).
    """

    side: str
    unit: str
    signer: str
    date: str


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
        document without a 版头): they are the first lines of the page, and an empty line after
        them sets the title apart; both push it down.
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
        given = " or ".join(e for e in (copy_number, secrecy, urgency) if e is not None)
        if not framed and given:
            self.control(f"{{%p if {given} %}}")
            self.blank()
            self.control("{%p endif %}")

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

    def closing_signature(
        self, issuer: str, date: str, *, seal: str = "seal", signer_title: str = "signer_title"
    ) -> None:
        """署名 and 成文日期 in the way the ``seal`` field chooses, one of :data:`SEAL_OPTIONS` (7.3.5).

        ``seal`` and ``signer_title`` are field names: :data:`SEALED` (the default) lays out
        :meth:`signature` (7.3.5.1), :data:`UNSEALED` :meth:`unsealed_signature` (7.3.5.2) and
        :data:`SIGNATURE_STAMP` :meth:`signature_stamp` with the signer's title (7.3.5.3).
        """
        self.control(f'{{%p if {seal} == "{UNSEALED}" %}}')
        self.unsealed_signature(issuer, date)
        self.control(f'{{%p elif {seal} == "{SIGNATURE_STAMP}" %}}')
        self.signature_stamp(f"{{{{ {signer_title} }}}}", date)
        self.control("{%p else %}")
        self.signature(issuer, date)
        self.control("{%p endif %}")

    def unsealed_signature(self, issuer: str, date: str) -> None:
        """署名 and 成文日期 of a document without a seal (7.3.5.2).

        One line below the body, the 署名 ends two characters from the right; on the next line
        the date starts two characters to the right of the 署名's first character. When the date
        is longer than the 署名, the date ends two characters from the right instead, and the
        署名 moves left to start two characters before it.

        ``issuer`` and ``date`` are template expressions (``{{ issuer }}``). The line the standard
        anchors to the right edge is set flush right (exact); the other is placed by counting
        characters at render time, in ideographic spaces (U+3000, one character each): a 署名 is
        hanzi, one character each; a date is three hanzi, digits of about half a character and
        the space Word and LibreOffice put between hanzi and digits (about one character in all;
        2026年6月26日 measures 7.96 characters on LibreOffice 7.4, estimated 8).
        """
        issuer_chars = f"(({issuer.strip('{} ')})|string|length)"
        date_length = f"(({date.strip('{} ')})|string|length)"
        # A date of L characters is (L + 5) / 2 wide: "not longer than the 署名" is L + 5 <= 2 S.
        pad = '{{{{ "\\u3000" * {} }}}}'.format
        self.keep_with_next(self.paragraph(style=PLAIN))
        self.control(f"{{%p if {date_length} + 5 <= 2 * {issuer_chars} %}}")
        self._line(issuer, right=2 * G.ONE_CHAR, keep=True)
        self._line(pad(f"({G.CHARS_PER_LINE} - {issuer_chars})"), date, align="left")  # 28 - 2 - S + 2
        self.control("{%p else %}")
        # the date ends two characters from the right, the 署名 starts two before it: 28 - 4 - width
        self._line(pad(f"(({2 * (G.CHARS_PER_LINE - 4)} - {date_length} - 5) // 2)"), issuer, align="left", keep=True)
        self._line(date, right=2 * G.ONE_CHAR)
        self.control("{%p endif %}")

    def signature_stamp(self, title: str, date: str) -> None:
        """The signer's title and room for a 签发人签名章, then 成文日期 (7.3.5.3).

        Two lines below the body, the stamp's space ends four characters from the right and the
        signer's title (``title``, e.g. ``{{ signer_title }}``: 局党组书记) ends two characters
        before it, on the line the stamp is centred on; one line below, the date ends four
        characters from the right. The standard gives the stamp no size: :data:`STAMP_CHARS`
        characters (about 34 mm) are left for it.
        """
        for _ in range(2):
            self.keep_with_next(self.paragraph(style=PLAIN))
        self._line(title, right=G.DATE_RIGHT_INDENT + (STAMP_CHARS + 2) * G.ONE_CHAR, keep=True)
        self.keep_with_next(self.paragraph(style=PLAIN))
        self._line(date, right=G.DATE_RIGHT_INDENT)

    def _line(self, *parts: Part, right: int = 0, align: str = "right", keep: bool = False) -> Paragraph:
        """A 署名/日期 line (style 署名和日期) set flush ``align``, ``right`` twips from the right edge."""
        para = self.paragraph(*parts, style=SIGNATURE)
        ppr = para._p.get_or_add_pPr()
        set_child(ppr, element("w:ind", {"w:firstLine": 0, "w:right": right}), PPR_ORDER)
        set_child(ppr, element("w:jc", {"w:val": align}), PPR_ORDER)
        return self.keep_with_next(para) if keep else para

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

    def signing_parties(self, *columns: Sequence[Signatory], widths_mm: Sequence[float]) -> Table:
        """Where the parties of an agreement (a 责任书) seal and sign: a block for each party.

        A block is three lines in 4号: "甲方（盖章）：unit", "主体责任人（签字）：" and "日期：date",
        :data:`SIGNING_PITCH_MM` apart from baseline to baseline (a wrapped unit name keeps its
        lines together), so a signature and a seal fit between them; blocks follow each other
        one and a half pitches apart. Each column holds its blocks (甲方 on the left, 乙方 on the
        right) in one table row that never splits across pages. A 责任书 is no 公文, so 7.3.5 does
        not govern it; like 7.3.5 it leaves room to seal and sign, which 20-point lines do not.
        """
        cells = [
            "\n".join(line for party in column for line in _signing_lines(party)) for column in columns
        ]
        table = self.table([], [cells], widths_mm=widths_mm, borders=False, cell_margin=0)
        pitch, line = G.mm(SIGNING_PITCH_MM), TABLE_LINE
        for index, (column, cell) in enumerate(zip(columns, table.rows[0].cells, strict=True)):
            gutter = G.IMPRINT_CHAR if index < len(columns) - 1 else 0  # one character between columns
            paragraphs = iter(cell.paragraphs)
            for number, party in enumerate(column):
                unit, signer, date = next(paragraphs), next(paragraphs), next(paragraphs)
                label = G.IMPRINT_CHAR * len(f"{party.side}（盖章）：")  # wrapped unit names align after it
                before = 0 if number == 0 else round(1.5 * pitch) - line
                for para, space, hanging in ((unit, before, label), (signer, pitch - line, 0), (date, pitch - line, 0)):
                    ppr = para._p.get_or_add_pPr()
                    set_child(ppr, exact_spacing(line, before=space), PPR_ORDER)
                    indent = {"w:left": hanging, "w:hanging": hanging, "w:right": gutter}
                    set_child(ppr, element("w:ind", indent), PPR_ORDER)
        return table

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
        split_rows: bool = False,
    ) -> Table:
        """A table across the text area in 4号 text; rows may hold docxtpl ``{%tr %}`` tags.

        ``text_size`` names a smaller 字号 (e.g. "五号") for dense tables such as a 归档文件目录.

        Rows never break across pages, unless ``split_rows``: for tables whose cells hold
        sentences a clerk may make long (评分标准), since LibreOffice cuts off the part of an
        unbreakable row that is taller than a page (Word breaks it anyway), and the text is lost.

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
            if is_header or not split_rows:
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
        """The .docx, byte for byte the same each time the same document is built.

        Its ``docProps/app.xml`` names lianzheng-docs and gives no counts: python-docx's default
        says "Microsoft Macintosh Word" and 1 page, which every rendered document inherited and
        the archive read as its page count."""
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return normalize_docx(buffer.getvalue(), replace={"docProps/app.xml": APP_PROPERTIES})

    def save(self, path: str | Path) -> None:
        Path(path).write_bytes(self.to_bytes())


#: The extended properties of every document the kit builds (and every document rendered from one)
APP_PROPERTIES: Final = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    b"<Application>lianzheng-docs</Application><DocSecurity>0</DocSecurity></Properties>"
)


def _signing_lines(party: Signatory) -> tuple[str, str, str]:
    """The lines of a party's signature block: 单位（盖章）, 负责人（签字）, 日期."""
    return f"{party.side}（盖章）：{party.unit}", f"{party.signer}（签字）：", f"日期：{party.date}"


def _make_tiny(paragraph: _Element) -> None:
    """A paragraph one point high, off the grid: an anchor or a closing mark that takes no line."""
    ppr = paragraph.get_or_add_pPr()
    set_child(ppr, element("w:snapToGrid", {"w:val": 0}), PPR_ORDER)
    set_child(ppr, exact_spacing(G.TWIPS_PER_PT), PPR_ORDER)


#: 印章 (7.3.5): the three ways a 公文 is signed off, the values of a template's ``seal`` choice.
SEALED: Final = "加盖印章"  # 7.3.5.1: the seal over 署名 and 成文日期
UNSEALED: Final = "不加盖印章"  # 7.3.5.2
SIGNATURE_STAMP: Final = "加盖签发人签名章"  # 7.3.5.3
SEAL_OPTIONS: Final = (SEALED, UNSEALED, SIGNATURE_STAMP)
#: Baseline to baseline of the lines where an agreement is sealed and signed by hand (at least 15 mm).
SIGNING_PITCH_MM: Final = 17.0
#: Characters left for a 签发人签名章 (7.3.5.3 gives no size; a signature stamp is about 30 mm wide).
STAMP_CHARS: Final = 6


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
