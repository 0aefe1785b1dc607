"""The page of a GB/T 9704 document: A4, margins, the 22-line grid, page numbers (5.1-5.2, 7.5)."""

from __future__ import annotations

from docx.document import Document
from docx.text.paragraph import Paragraph
from lxml.etree import _Element

from ..gbt9704 import figures as G
from ..gbt9704.pagenumber import AFTER, BEFORE
from .ooxml import PPR_ORDER, element, exact_spacing, run_properties, set_child

# Tuned on LibreOffice 7.4 renderings (see tests/test_pdf_layout.py).
_PAGE_NUMBER_LINE_PT = 18.0
_PAGE_NUMBER_RAISE_MM = 1.2  # LibreOffice set the line's top 1.2 mm lower than the arithmetic


def set_up_page(document: Document, *, page_numbers: bool) -> None:
    """Paper, margins and a ``lines`` grid on the first section; odd/even page-number footers."""
    section = document.sections[0]
    sect = section._sectPr
    set_child(sect, element("w:pgSz", {"w:w": G.PAGE_WIDTH, "w:h": G.PAGE_HEIGHT}), _SECT_ORDER)
    footer_distance = G.mm(297 - G.PAGE_NUMBER_TOP_MM + _PAGE_NUMBER_RAISE_MM) - G.pt(_PAGE_NUMBER_LINE_PT)
    set_child(
        sect,
        element(
            "w:pgMar",
            {
                "w:top": G.MARGIN_TOP,
                "w:right": G.MARGIN_RIGHT,
                "w:bottom": G.MARGIN_BOTTOM,
                "w:left": G.MARGIN_LEFT,
                "w:header": G.mm(15),
                "w:footer": footer_distance,
                "w:gutter": 0,
            },
        ),
        _SECT_ORDER,
    )
    # 5.2.3: a "lines" grid only; "linesAndChars" renders 14 characters a line in LibreOffice.
    set_child(sect, element("w:docGrid", {"w:type": "lines", "w:linePitch": G.LINE_PITCH}), _SECT_ORDER)
    if page_numbers:
        document.settings.odd_and_even_pages_header_footer = True
        _page_number_footer(section.footer.paragraphs[0], odd=True)
        _page_number_footer(section.even_page_footer.paragraphs[0], odd=False)


def _page_number_footer(paragraph: Paragraph, *, odd: bool) -> None:
    """7.5: "— N —" in 4号宋体, one character in: odd pages right, even pages left."""
    ppr = paragraph._p.get_or_add_pPr()
    set_child(ppr, element("w:snapToGrid", {"w:val": 0}), PPR_ORDER)
    set_child(ppr, exact_spacing(G.pt(_PAGE_NUMBER_LINE_PT)), PPR_ORDER)
    indent = {"w:right": G.IMPRINT_CHAR} if odd else {"w:left": G.IMPRINT_CHAR}
    set_child(ppr, element("w:ind", indent), PPR_ORDER)
    set_child(ppr, element("w:jc", {"w:val": "right" if odd else "left"}), PPR_ORDER)

    def run(*children: _Element) -> _Element:
        return element("w:r", None, run_properties(font=G.FONT_SONGTI, size=G.PAGE_NUMBER_SIZE), *children)

    def text(value: str) -> _Element:
        node = element("w:t", {"xml:space": "preserve"})
        node.text = value
        return node

    instr = element("w:instrText", {"xml:space": "preserve"})
    instr.text = " PAGE "
    for node in (
        run(text(BEFORE)),
        run(element("w:fldChar", {"w:fldCharType": "begin"})),
        run(instr),
        run(element("w:fldChar", {"w:fldCharType": "separate"})),
        run(text("1")),
        run(element("w:fldChar", {"w:fldCharType": "end"})),
        run(text(AFTER)),
    ):
        paragraph._p.append(node)


_SECT_ORDER = [
    "w:headerReference",
    "w:footerReference",
    "w:footnotePr",
    "w:endnotePr",
    "w:type",
    "w:pgSz",
    "w:pgMar",
    "w:paperSrc",
    "w:pgBorders",
    "w:lnNumType",
    "w:pgNumType",
    "w:cols",
    "w:formProt",
    "w:vAlign",
    "w:noEndnote",
    "w:titlePg",
    "w:textDirection",
    "w:bidi",
    "w:rtlGutter",
    "w:docGrid",
    "w:printerSettings",
    "w:sectPrChange",
]
