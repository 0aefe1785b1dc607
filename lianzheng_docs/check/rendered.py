"""What a document became on the printed page: text lines with their glyph boxes, and drawn rules.

A .docx says what the layout should be; only the laid-out pages say where things landed: which
page the 版记 is on, whether a rule runs through a line of text, how a title broke. The PDF
LibreOffice writes is read with pdfplumber (pdfminer.six), which gives every glyph's box and
every stroked line, unlike a text extractor. Positions are in millimetres from the top-left
corner of the page; sizes in points.

A glyph's box is its em box on the baseline. pdfminer places the em box by the font's declared
descent, and the fonts LibreOffice embeds declare none (``/Descent 0``), so pdfplumber's box sits
a whole em above the baseline while the ink of a line of Han characters runs from about 0.85 em
above the baseline to 0.07 em below it, punctuation lower (measured at 600 dpi on the samples:
a rule 0.3 mm inside pdfplumber's box ran 1 mm through the characters). Where a font declares no
descent the box is taken as the ideographic em box, 0.88 em above the baseline to 0.12 em below
it; where it declares one, pdfminer's box stands.
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
#: The ideographic em box of a CJK font: 0.88 em above the baseline, 0.12 em below it.
IDEOGRAPHIC_DESCENT = 0.12


@dataclass(frozen=True)
class Glyph:
    """One character as laid out: its em box (mm), its baseline (mm), size (pt) and text."""

    top: float
    bottom: float
    x0: float
    x1: float
    baseline: float
    size: float
    text: str

    def overlaps(self, other: Glyph, *, share: float = 0.25) -> bool:
        """Whether the two boxes cover each other by more than ``share`` of the smaller box, across
        and down (neighbours on a line, and lines on the grid, touch at most)."""
        across = min(self.x1, other.x1) - max(self.x0, other.x0)
        down = min(self.bottom, other.bottom) - max(self.top, other.top)
        narrow = min(self.x1 - self.x0, other.x1 - other.x0)
        short = min(self.bottom - self.top, other.bottom - other.top)
        return across > max(share * narrow, 0.2) and down > max(share * short, 0.2)


@dataclass(frozen=True)
class TextLine:
    """One line of text as laid out: its box (mm), its largest glyph size (pt) and its text.

    The box is the union of its glyphs' em boxes; ``glyphs`` holds them (not the spaces).
    """

    top: float
    bottom: float
    x0: float
    x1: float
    size: float
    text: str
    glyphs: tuple[Glyph, ...] = field(default=(), compare=False, repr=False)

    @property
    def stripped(self) -> str:
        return "".join(self.text.split())

    @property
    def baseline(self) -> float:
        """The baseline (mm from the page top) of the line's largest glyphs."""
        if not self.glyphs:
            return self.bottom - IDEOGRAPHIC_DESCENT * self.size / MM
        largest = max(glyph.size for glyph in self.glyphs)
        return max(glyph.baseline for glyph in self.glyphs if glyph.size >= largest - 0.5)

    def crosses(self, y: float, x0: float, x1: float, *, margin: float = 0.3) -> bool:
        """Whether a horizontal rule at height ``y`` from ``x0`` to ``x1`` runs through this line's glyphs
        (more than ``margin`` mm inside a glyph's box; a rule through the gap between two stretches
        of a line, as between the 印发机关 and the date, crosses nothing)."""
        boxes: Sequence[Glyph | TextLine] = self.glyphs or (self,)
        return any(box.top + margin < y < box.bottom - margin and box.x0 < x1 and x0 < box.x1 for box in boxes)

    def overlaps(self, other: TextLine) -> bool:
        """Whether a glyph of this line covers a glyph of ``other`` (two lines printed over each other)."""
        if self is other:
            return bool(_overlapping(self.glyphs))
        if not (self.top < other.bottom and other.top < self.bottom and self.x0 < other.x1 and other.x0 < self.x1):
            return False
        return any(mine.overlaps(theirs) for mine in self.glyphs for theirs in other.glyphs)


def _overlapping(glyphs: Sequence[Glyph]) -> list[tuple[Glyph, Glyph]]:
    """Pairs of glyphs that cover each other, by a sweep down the page."""
    ordered = sorted(glyphs, key=lambda g: g.top)
    pairs = []
    for i, glyph in enumerate(ordered):
        for other in ordered[i + 1 :]:
            if other.top >= glyph.bottom:
                break
            if glyph.overlaps(other):
                pairs.append((glyph, other))
    return pairs


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

    @property
    def imprint_only(self) -> bool:
        """The page holds its 版记 and nothing else (but perhaps its page number)."""
        imprint = self.imprint
        return imprint is not None and all(line in imprint.lines for line in self.content)

    def collisions(self) -> list[tuple[TextLine, TextLine]]:
        """Pairs of lines printed over each other (a glyph of one covers a glyph of the other), in
        reading order; a line paired with itself holds two runs of text laid over each other."""
        owner = {id(glyph): line for line in self.lines for glyph in line.glyphs}
        found: dict[tuple[int, int], tuple[TextLine, TextLine]] = {}
        order = {id(line): position for position, line in enumerate(self.lines)}
        for mine, theirs in _overlapping([glyph for line in self.lines for glyph in line.glyphs]):
            first, second = sorted((owner[id(mine)], owner[id(theirs)]), key=lambda line: order[id(line)])
            found.setdefault((order[id(first)], order[id(second)]), (first, second))
        return [found[key] for key in sorted(found)]


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
        if _encrypted(source):
            raise UnreadableDocument(f"{source} 已加密，无法检查；请提供未加密的 PDF") from exc
        raise UnreadableDocument(f"{source} 不是可读的 PDF：{exc}") from exc


def _encrypted(source: Path | str) -> bool:
    """Whether ``source`` is a PDF that opens only with a password."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(str(source))
        return reader.is_encrypted and not reader.decrypt("")
    except Exception:
        return False


def _page(number: int, page: Any) -> RenderedPage:
    rendered = RenderedPage(number, float(page.width) / MM, float(page.height) / MM)
    page = page.dedupe_chars()  # text drawn twice in place (fake bold) is one text
    for line in page.extract_text_lines(return_chars=True, strip=True):
        if not line["text"].strip():
            continue
        glyphs = tuple(_glyph(char) for char in line.get("chars", ()) if str(char.get("text", "")).strip())
        if not glyphs:
            continue
        rendered.lines.append(
            TextLine(
                min(g.top for g in glyphs),
                max(g.bottom for g in glyphs),
                line["x0"] / MM,
                line["x1"] / MM,
                round(max(g.size for g in glyphs), 2),
                line["text"],
                glyphs,
            )
        )
    rendered.rules = _rules(page)
    return rendered


def _glyph(char: dict[str, Any]) -> Glyph:
    """A character's em box: pdfminer's when the font declares its descent, else the ideographic one."""
    top, bottom = float(char["top"]), float(char["bottom"])
    size = float(char.get("size") or (bottom - top))
    baseline = bottom
    matrix = char.get("matrix")
    upright = bool(char.get("upright", True))
    if upright and isinstance(matrix, Sequence) and len(matrix) == 6 and matrix[1] == 0 and matrix[2] == 0:
        # the baseline is the matrix's origin; pdfminer drew the box from it by the declared descent
        baseline = bottom + float(char["y0"]) - float(matrix[5])
        if abs(baseline - bottom) < 0.01 * size:  # no descent declared: the box sits on the baseline
            em = bottom - top
            top, bottom = baseline - (1 - IDEOGRAPHIC_DESCENT) * em, baseline + IDEOGRAPHIC_DESCENT * em
    return Glyph(top / MM, bottom / MM, float(char["x0"]) / MM, float(char["x1"]) / MM, baseline / MM,
                 round(size, 2), str(char["text"]))  # fmt: skip


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
