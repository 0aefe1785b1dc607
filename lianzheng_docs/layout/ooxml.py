"""Small helpers that write WordprocessingML elements python-docx has no API for."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml.etree import _Element


def element(tag: str, attrs: Mapping[str, str | int] | None = None, *children: _Element) -> _Element:
    """A ``w:`` element such as ``element("w:spacing", {"w:line": 579})``."""
    node = OxmlElement(tag)
    for key, value in (attrs or {}).items():
        node.set(qn(key), str(value))
    for child in children:
        node.append(child)
    return node


# The order CT_PPr and CT_RPr require for their children (ECMA-376 part 1, 17.3.1.26 / 17.3.2.28).
_PPR_ORDER = (
    "w:pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr "
    "shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN "
    "bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc "
    "textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange"
).split()
_RPR_ORDER = (
    "w:rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof "
    "snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd "
    "fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath"
).split()


def _order(names: list[str]) -> list[str]:
    return [n if n.startswith("w:") else f"w:{n}" for n in names]


PPR_ORDER = _order(_PPR_ORDER)
RPR_ORDER = _order(_RPR_ORDER)


def set_child(parent: _Element, child: _Element, order: list[str]) -> _Element:
    """Put ``child`` into ``parent`` replacing any element of the same tag, in schema order."""
    tag = child.tag
    for old in parent.findall(tag):
        parent.remove(old)
    names = [qn(n) for n in order]
    rank = names.index(tag) if tag in names else len(names)
    for index, existing in enumerate(parent):
        if existing.tag in names and names.index(existing.tag) > rank:
            parent.insert(index, child)
            return child
    parent.append(child)
    return child


def fonts(name: str) -> _Element:
    """``w:rFonts`` naming one font for every script, East Asian included.

    docxtpl's ``RichText(font=...)`` and python-docx's ``font.name`` leave ``w:eastAsia`` unset,
    which makes Word fall back to the theme's East Asian font for every hanzi.
    """
    return element(
        "w:rFonts",
        {"w:ascii": name, "w:hAnsi": name, "w:eastAsia": name, "w:cs": name, "w:hint": "eastAsia"},
    )


def run_properties(
    *,
    font: str | None = None,
    size: int | None = None,
    color: str | None = None,
    bold: bool | None = None,
    spacing: int | None = None,
    style: str | None = None,
) -> _Element:
    """A ``w:rPr`` with the given font, half-point size, colour, weight and spacing."""
    rpr = element("w:rPr")
    if style:
        set_child(rpr, element("w:rStyle", {"w:val": style}), RPR_ORDER)
    if font:
        set_child(rpr, fonts(font), RPR_ORDER)
    if bold is not None:
        set_child(rpr, element("w:b", {"w:val": int(bold)}), RPR_ORDER)
        set_child(rpr, element("w:bCs", {"w:val": int(bold)}), RPR_ORDER)
    if color:
        set_child(rpr, element("w:color", {"w:val": color}), RPR_ORDER)
    if spacing is not None:
        set_child(rpr, element("w:spacing", {"w:val": spacing}), RPR_ORDER)
    if size:
        set_child(rpr, element("w:sz", {"w:val": size}), RPR_ORDER)
        set_child(rpr, element("w:szCs", {"w:val": size}), RPR_ORDER)
    return rpr


def exact_spacing(line: int, *, before: int = 0, after: int = 0) -> _Element:
    """``w:spacing`` with an exact line height in twips."""
    return element(
        "w:spacing",
        {"w:before": before, "w:after": after, "w:line": line, "w:lineRule": "exact"},
    )


def border(side: str, *, size: int, color: str, space: int = 0, val: str = "single") -> _Element:
    """One side of a paragraph border (``size`` in eighths of a point, ``space`` in points)."""
    return element(f"w:{side}", {"w:val": val, "w:sz": size, "w:space": space, "w:color": color})


def paragraph_borders(sides: Iterable[_Element]) -> _Element:
    return element("w:pBdr", None, *sides)


def tabs(*stops: tuple[str, int]) -> _Element:
    """``w:tabs`` from ``(alignment, position in twips)`` pairs."""
    return element("w:tabs", None, *(element("w:tab", {"w:val": val, "w:pos": pos}) for val, pos in stops))


_EMU_PER_TWIP = 635
_WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"


def text_box(name: str, *, width_twips: int, content: Iterable[_Element], box_id: int) -> _Element:
    """A run holding a borderless text box at the bottom of the text area, centred.

    The box grows upward with its content (``spAutoFit``) and keeps body text above it
    (``wrapTopAndBottom``); ``content`` are block elements (paragraphs, tables).
    """
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    cx = width_twips * _EMU_PER_TWIP
    cy = 360000  # 1 cm to start with; auto-fit sets the real height
    xml = (
        f'<w:r {nsdecls("w", "wp", "a")} xmlns:wps="{_WPS}"><w:drawing>'
        '<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="251659264" '
        'behindDoc="0" locked="0" layoutInCell="1" allowOverlap="0">'
        '<wp:simplePos x="0" y="0"/>'
        '<wp:positionH relativeFrom="margin"><wp:align>center</wp:align></wp:positionH>'
        '<wp:positionV relativeFrom="margin"><wp:align>bottom</wp:align></wp:positionV>'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:wrapTopAndBottom/><wp:docPr id="{box_id}" name="{name}"/><wp:cNvGraphicFramePr/>'
        '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        '<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr>'
        f'<a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/><a:ln><a:noFill/></a:ln></wps:spPr>'
        "<wps:txbx><w:txbxContent/></wps:txbx>"
        '<wps:bodyPr rot="0" vert="horz" wrap="square" lIns="0" tIns="0" rIns="0" bIns="0" anchor="b" '
        'anchorCtr="0"><a:spAutoFit/></wps:bodyPr></wps:wsp></a:graphicData></a:graphic>'
        "</wp:anchor></w:drawing></w:r>"
    )
    run = parse_xml(xml)
    box = run.find(".//" + "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}txbxContent")
    for child in content:
        box.append(child)
    return run
