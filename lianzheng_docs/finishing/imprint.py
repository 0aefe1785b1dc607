"""Moving the 版记 onto the last even page of a rendered .docx (GB/T 9704 7.4, 7.5).

The layout kit puts the 版记 in a text box anchored to the bottom of the text area, in the last
paragraph of the document. Where that lands is only known after layout. When it has to move,
this module ends the body's section at the paragraph before the anchor and gives the 版记 a
final section of its own that starts on a new page and carries empty footers, so the 版记 page
(and the blank page before it, when there is one) has no page number:

- ``Move.NEXT_PAGE``: the body ends on an odd page; the 版记 goes alone to the next (even) page.
- ``Move.AFTER_BLANK``: the body ends on an even page with no room for the 版记; a blank page,
  then the 版记 page.
"""

from __future__ import annotations

import copy
import io
from enum import Enum

import docx
from docx.oxml.ns import qn
from lxml.etree import _Element

from ..docxzip import normalize_docx

#: The name the layout kit gives the 版记's text box (``wp:docPr/@name``).
IMPRINT_BOX = "版记"

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"


class Move(Enum):
    """Where the 版记 goes."""

    NONE = "none"  # it is on the last page, an even one, clear of the body
    NEXT_PAGE = "next_page"  # alone on the page after the body's last (odd) page
    AFTER_BLANK = "after_blank"  # a blank page first, then the 版记 page


def imprint_anchor(body: _Element) -> _Element | None:
    """The paragraph of ``w:body`` anchoring the 版记 text box, or None when there is no 版记."""
    for paragraph in body.iterchildren(f"{_W}p"):
        for doc_pr in paragraph.iter(f"{_WP}docPr"):
            if doc_pr.get("name") == IMPRINT_BOX:
                return paragraph
    return None


def has_imprint(content: bytes) -> bool:
    """Whether the .docx ``content`` has a 版记 the layout kit made (so its page matters)."""
    document = docx.Document(io.BytesIO(content))
    return imprint_anchor(document.element.body) is not None


def move_imprint(content: bytes, move: Move) -> bytes:
    """The .docx with its 版记 moved as ``move`` says; unchanged for ``Move.NONE`` or without a 版记.

    Deterministic: the same document and move give the same bytes.
    """
    if move is Move.NONE:
        return content
    document = docx.Document(io.BytesIO(content))
    body = document.element.body
    anchor = imprint_anchor(body)
    if anchor is None:
        return content
    final = body.find(f"{_W}sectPr")
    if final is None:
        raise ValueError("the document has no section properties")
    # The body's section ends at the paragraph before the anchor, with the body's page setup
    # and numbered footers; the final section (the document's own sectPr) keeps only the 版记.
    previous = anchor.getprevious()
    if previous is None or previous.tag != f"{_W}p" or previous.find(f"{_W}pPr/{_W}sectPr") is not None:
        previous = _tiny_paragraph()
        anchor.addprevious(previous)
    ppr = previous.find(f"{_W}pPr")
    if ppr is None:
        ppr = previous.makeelement(f"{_W}pPr", {})
        previous.insert(0, ppr)
    ppr.append(copy.deepcopy(final))  # sectPr is the last child of pPr
    _set_section_type(final, "nextPage")
    for reference in final.findall(f"{_W}footerReference"):  # the body's numbered footers stay the body's
        final.remove(reference)
    if move is Move.AFTER_BLANK:
        blank = _tiny_paragraph()
        run = blank.makeelement(f"{_W}r", {})
        run.append(run.makeelement(f"{_W}br", {f"{_W}type": "page"}))
        blank.append(run)
        anchor.addprevious(blank)
    section = document.sections[-1]
    footers = [section.footer, section.even_page_footer]
    if section.different_first_page_header_footer:
        footers.append(section.first_page_footer)
    for footer in footers:
        footer.is_linked_to_previous = False  # a new footer part of its own...
        for paragraph in footer.paragraphs:  # ...holding nothing: no page number
            for child in list(paragraph._p):
                if child.tag != f"{_W}pPr":
                    paragraph._p.remove(child)
    buffer = io.BytesIO()
    document.save(buffer)
    return normalize_docx(buffer.getvalue())


def _tiny_paragraph() -> _Element:
    """An empty paragraph one point high, off the grid, so that it takes no line of its own."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    return parse_xml(
        f'<w:p {nsdecls("w")}><w:pPr><w:snapToGrid w:val="0"/>'
        '<w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/></w:pPr></w:p>'
    )


# CT_SectPr children in schema order: w:type comes after the header/footer references and the
# footnote/endnote properties, before the page size.
_BEFORE_TYPE = {qn(tag) for tag in ("w:headerReference", "w:footerReference", "w:footnotePr", "w:endnotePr")}


def _set_section_type(sect_pr: _Element, value: str) -> None:
    existing = sect_pr.find(f"{_W}type")
    if existing is not None:
        existing.set(f"{_W}val", value)
        return
    element = sect_pr.makeelement(f"{_W}type", {f"{_W}val": value})
    index = 0
    for position, child in enumerate(sect_pr):
        if child.tag in _BEFORE_TYPE:
            index = position + 1
    sect_pr.insert(index, element)
