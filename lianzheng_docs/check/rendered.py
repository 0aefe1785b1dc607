"""What a document became on the printed page: text lines with their glyph boxes, and drawn rules.

A .docx says what the layout should be; only the laid-out pages say where things landed: which
page the 版记 is on, whether a rule runs through a line of text, how a title broke. The PDF
LibreOffice writes is read with pdfplumber (pdfminer.six), which gives every glyph's box and
every stroked line, unlike a text extractor. Positions are in millimetres from the top-left
corner of the page; sizes in points.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..gbt9704 import figures as G
from ..gbt9704.pagenumber import PAGE_NUMBER
from .package import UnreadableDocument

MM = 72 / 25.4
#: The text area (版心) in millimetres from the page's top-left corner (5.2.1).
TEXT_LEFT = G.MARGIN_LEFT / G.TWIPS_PER_MM
TEXT_TOP = G.MARGIN_TOP / G.TWIPS_PER_MM
TEXT_RIGHT = (G.MARGIN_LEFT + G.TEXT_WIDTH) / G.TWIPS_PER_MM
TEXT_BOTTOM = (G.MARGIN_TOP + G.TEXT_HEIGHT) / G.TWIPS_PER_MM
#: A rule at least this long (mm) spans the text area: the 版记's rules, the red rule under the 文号.
FULL_WIDTH_RULE = 150.0


@dataclass(frozen=True)
class TextLine:
    """One line of text as laid out: its box (mm), its largest glyph size (pt) and its text."""

    top: float
    bottom: float
    x0: float
    x1: float
    size: float
    text: str

    @property
    def stripped(self) -> str:
        return "".join(self.text.split())

    def crosses(self, y: float, x0: float, x1: float, *, margin: float = 0.3) -> bool:
        """Whether a horizontal rule at height ``y`` from ``x0`` to ``x1`` runs through this line's glyphs."""
        return self.top + margin < y < self.bottom - margin and self.x0 < x1 and x0 < self.x1


@dataclass(frozen=True)
class Rule:
    """A horizontal line drawn on the page: a border, a 版记 rule, the red rule."""

    y: float
    x0: float
    x1: float
    thickness: float  # mm
    red: bool

    @property
    def length(self) -> float:
        return self.x1 - self.x0


@dataclass(frozen=True)
class Imprint:
    """The 版记 found on a page: its rules from top to bottom and the text lines between them."""

    rules: tuple[Rule, ...]
    lines: tuple[TextLine, ...]

    @property
    def top(self) -> float:
        return self.rules[0].y

    @property
    def bottom(self) -> float:
        return self.rules[-1].y


@dataclass
class RenderedPage:
    """One laid-out page."""

    number: int  # from 1
    width: float
    height: float
    lines: list[TextLine] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)

    @property
    def page_number(self) -> TextLine | None:
        """The "— N —" line under the text area, if the page carries one (7.5)."""
        for line in self.lines:
            if line.top > TEXT_BOTTOM - 1 and PAGE_NUMBER.match(line.text.strip()):
                return line
        return None

    @property
    def content(self) -> list[TextLine]:
        """Every line but the page number."""
        number = self.page_number
        return [line for line in self.lines if line is not number]

    @property
    def imprint(self) -> Imprint | None:
        """The 版记 on this page: the full-width rules around the "…印发" line and the rows above it
        (抄送, 主送) up to the first rule, or None when the page has no 印发 line between rules."""
        printed = [line for line in self.content if line.stripped.endswith("印发")]
        if not printed:
            return None
        last = printed[-1]
        rules = sorted((r for r in self.rules if r.length >= FULL_WIDTH_RULE and not r.red), key=lambda r: r.y)
        below = [r for r in rules if r.y >= last.bottom - 0.5]
        above = [r for r in rules if r.y <= last.top + 0.5]
        if not below or not above:
            return None
        bottom = below[0]
        chosen = [above[-1], bottom]
        # rows above the 印发 row (抄送：…, possibly wrapped) sit between earlier rules
        for rule in reversed(above[:-1]):
            between = [line for line in self.content if rule.y < line.top and line.bottom < chosen[0].y]
            if not between or not any(line.stripped.startswith(("抄送", "主送")) for line in between):
                break
            if any(not line.stripped for line in between):
                break
            chosen.insert(0, rule)
        top, end = chosen[0].y, chosen[-1].y
        inside = tuple(line for line in self.content if top - 0.5 <= line.top and line.bottom <= end + 0.5)
        return Imprint(tuple(chosen), inside)

    @property
    def blank(self) -> bool:
        """Nothing on the page but (perhaps) its page number."""
        return not self.content


def read_rendered(source: Path | str) -> list[RenderedPage]:
    """Every page of the PDF ``source``: text lines and horizontal rules, in millimetres.

    :raises UnreadableDocument: not a PDF, encrypted, or broken.
    """
    import pdfplumber

    try:
        with pdfplumber.open(str(source)) as pdf:
            return [_page(number, page) for number, page in enumerate(pdf.pages, 1)]
    except UnreadableDocument:
        raise
    except Exception as exc:
        raise UnreadableDocument(f"{source} 不是可读的 PDF：{exc}") from exc


def _page(number: int, page: Any) -> RenderedPage:
    rendered = RenderedPage(number, float(page.width) / MM, float(page.height) / MM)
    for line in page.extract_text_lines(return_chars=True, strip=True):
        if not line["text"].strip():
            continue
        size = max((float(char.get("size", 0)) for char in line.get("chars", ())), default=0.0)
        rendered.lines.append(
            TextLine(
                line["top"] / MM, line["bottom"] / MM, line["x0"] / MM, line["x1"] / MM, round(size, 2), line["text"]
            )
        )
    rendered.rules = _rules(page)
    return rendered


def _rules(page: Any) -> list[Rule]:
    """Horizontal strokes and thin filled rectangles (how a border may be drawn), as rules."""
    found = []
    for item in list(page.lines) + list(page.rects):
        height = abs(float(item["bottom"]) - float(item["top"]))
        width = abs(float(item["x1"]) - float(item["x0"]))
        if width < 2 * MM or height > 1.5 * MM:  # vertical, or a box rather than a rule
            continue
        thickness = float(item.get("linewidth") or 0) if item in page.lines else height
        colour = item.get("stroking_color") if item in page.lines else item.get("non_stroking_color")
        y = (float(item["top"]) + float(item["bottom"])) / 2
        found.append(Rule(y / MM, float(item["x0"]) / MM, float(item["x1"]) / MM, thickness / MM, _is_red(colour)))
    return sorted(found, key=lambda r: (r.y, r.x0))


def _is_red(colour: Sequence[float] | float | None) -> bool:
    if not isinstance(colour, Sequence) or len(colour) != 3:
        return False
    red, green, blue = (float(c) for c in colour)
    return red > 0.6 and green < 0.35 and blue < 0.35
