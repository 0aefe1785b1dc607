"""A .docx as Word lays it out: paragraphs and runs with their effective formatting, sections.

Effective properties are merged level by level, in the order Word applies them (ECMA-376
17.7.2): document defaults, the paragraph style and its ``basedOn`` chain (or the default
paragraph style), the character style chain, then direct formatting. Fonts resolve slot by slot
(ascii, hAnsi, eastAsia, cs): a level that names a slot, by a theme font
(``eastAsiaTheme="minorEastAsia"``) or explicitly (``eastAsia="仿宋_GB2312"``), replaces what the
levels before it said for that slot; within one level a theme font wins over an explicit one
(17.3.2.26). So python-docx's ``run.font.name`` over its theme-font template shows the run's
font, as in Word. Colours resolve the same way, a ``themeColor`` looked up in the theme.

Word reads the children of ``w:rPr`` in schema order and drops one that comes after a child
later in the sequence (``w:rFonts`` after ``w:b``): Word shows the inherited value and
LibreOffice the dropped one. The model follows Word and records what it dropped
(:attr:`Run.dropped`) so a rule can say so.

Each run records where its effective font, size and colour came from (:attr:`Run.sources`:
"段落样式“正文”，覆盖主题字体 宋体"), so a finding can name the place a clerk should fix.

Fields show what Word computes: a PAGE field (``w:fldSimple`` or ``w:fldChar`` begin / instr /
separate / end) reads as a page number even when no cached digits were written. Sections carry
their page setup and footers; a section without a footer of some type inherits the previous
one's, and :meth:`Document.footer_on_page` says which footer page 1 or 2 shows.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from lxml import etree

from ..docxzip import ITERPARSE_OPTIONS
from .formatting import (
    Props,
    Sources,
    Styles,
    W,
    color_of,
    font_of,
    int_attr,
    is_on,
    merge,
    number,
    on_props,
)
from .package import R_NS, Package, UnreadableDocument

_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"

#: Fields whose result Word computes whatever was cached (page numbers in footers).
COMPUTED_FIELDS = frozenset({"PAGE", "NUMPAGES", "SECTIONPAGES"})


@dataclass(slots=True)
class Run:
    text: str
    east_asian_font: str | None
    ascii_font: str | None
    size_pt: float
    bold: bool
    color: str | None  # "FF0000", or None for automatic (black)
    #: where the effective font, size and colour came from: {"font": "段落样式“正文”", ...}
    sources: dict[str, str] = field(default_factory=dict)
    #: ``w:rPr`` children Word drops because they are out of schema order: ["w:rFonts（在 w:b 之后）"]
    dropped: list[str] = field(default_factory=list)
    computed: bool = False  # a field result Word computes (a page number), not text in the file


@dataclass(slots=True)
class Paragraph:
    index: int  # position among the document's paragraphs, from 0
    text: str
    runs: list[Run]
    style_id: str | None
    style_name: str | None
    props: Props
    location: str  # 正文, 表格, 文本框, or 页脚（奇数页） ...
    section: int
    fields: list[str] = field(default_factory=list)  # field instructions, e.g. ["PAGE"]
    anchor: int | None = None  # for a paragraph in a text box: the paragraph the box is anchored in

    @property
    def stripped(self) -> str:
        return "".join(self.text.split())

    @property
    def align(self) -> str:
        return self.props.get("jc", {}).get("val", "left").replace("start", "left").replace("end", "right")

    @property
    def first_line_twips(self) -> int:
        """First-line indent in twips (negative for a hanging indent); character units converted."""
        ind = self.props.get("ind", {})
        size = self.main_size_pt
        if "hangingChars" in ind:
            return -round(number(ind["hangingChars"]) / 100 * size * 20)
        if "firstLineChars" in ind:
            return round(number(ind["firstLineChars"]) / 100 * size * 20)
        if "hanging" in ind:
            return -number(ind["hanging"])
        return number(ind.get("firstLine", 0))

    @property
    def left_twips(self) -> int:
        ind = self.props.get("ind", {})
        return number(ind.get("left", ind.get("start", 0)))

    @property
    def line_spacing(self) -> tuple[int | None, str]:
        spacing = self.props.get("spacing", {})
        line = spacing.get("line")
        return (number(line) if line else None), spacing.get("lineRule", "auto")

    @property
    def text_runs(self) -> list[Run]:
        return [r for r in self.runs if r.text.strip()]

    @property
    def main_size_pt(self) -> float:
        runs = self.text_runs or self.runs
        return runs[0].size_pt if runs else 10.5

    def where(self) -> str:
        """Where a clerk finds it: "正文第12段「一、主要工作…」"."""
        preview = self.stripped[:14] + ("…" if len(self.stripped) > 14 else "")
        return f"{self.location}第{self.index + 1}段「{preview}」"


@dataclass
class Section:
    index: int
    page_width: int
    page_height: int
    margins: dict[str, int]
    grid_type: str | None
    line_pitch: int | None
    char_space: int | None
    footers: dict[str, list[Paragraph]]
    title_page: bool
    base_size_pt: float = 10.5  # the Normal style's size: Word's character grid is built on it

    @property
    def text_width_twips(self) -> int:
        return self.page_width - self.margins["left"] - self.margins["right"]


@dataclass
class Document:
    name: str
    paragraphs: list[Paragraph]
    sections: list[Section]
    even_and_odd_footers: bool

    def body(self) -> list[Paragraph]:
        """Paragraphs of the main text, outside tables and text boxes."""
        return [p for p in self.paragraphs if p.location == "正文"]

    def footer_on_page(self, page: int) -> tuple[str, list[Paragraph]]:
        """Which footer of the first section page ``page`` (1 or 2) shows, and its paragraphs.

        Page 1 shows the first-page footer when the section has ``titlePg`` (an empty one when
        none is defined: Word shows nothing there); an even page shows the even footer when
        the settings ask for different odd and even pages; any other page the default one.
        """
        if not self.sections:
            return "default", []
        section = self.sections[0]
        if page == 1 and section.title_page:
            return "first", section.footers.get("first", [])
        if page % 2 == 0 and self.even_and_odd_footers:
            return "even", section.footers.get("even", [])
        return "default", section.footers.get("default", [])


def load(package: Package) -> Document:
    """The document model of a package.

    The main document is read as a stream, one top-level block (a paragraph, a table) at a time,
    and each block's XML is freed once its paragraphs are in the model: a 100,000-paragraph
    document never sits in memory as a whole tree, only as the model.
    """
    styles = Styles(package.styles, package.theme)
    settings = package.settings
    even_odd = settings is not None and is_on(settings.find(f"{W}evenAndOddHeaders"))
    paragraphs: list[Paragraph] = []
    sect_prs: list[etree._Element] = []
    section = 0
    try:
        for block, body in _blocks(package.document_xml):
            if block.tag == f"{W}sectPr":
                sect_prs.append(copy.deepcopy(block))
                continue
            index_of: dict[etree._Element, int] = {}  # a text box is anchored inside its own block
            for element in block.iter(f"{W}p"):
                location, _top = _place(element, body)
                if location is None:
                    continue  # Word writes text boxes twice: DrawingML, then a VML fallback
                paragraph = _paragraph(element, len(paragraphs), styles, location, section)
                if location == "文本框":
                    outer = element.getparent()
                    while outer is not None and (outer.tag != f"{W}p" or outer not in index_of):
                        outer = outer.getparent()
                    paragraph.anchor = index_of.get(outer) if outer is not None else None
                index_of[element] = paragraph.index
                paragraphs.append(paragraph)
            if block.tag == f"{W}p":
                ends = block.find(f"{W}pPr/{W}sectPr")
                if ends is not None:  # a paragraph's sectPr ends its section
                    sect_prs.append(copy.deepcopy(ends))
                    section += 1
    except etree.XMLSyntaxError as exc:
        raise UnreadableDocument(f"{package.name} 的正文部件已损坏，无法解析：{exc}") from exc
    sections = _sections(sect_prs, package, styles)
    return Document(package.name, paragraphs, sections, even_odd)


def _blocks(document_xml: bytes) -> Iterator[tuple[etree._Element, etree._Element]]:
    """Each top-level block of ``w:body`` (with the body), as the stream completes it; a block is
    removed from the tree once the caller has seen it."""
    body: etree._Element | None = None
    for event, element in etree.iterparse(io.BytesIO(document_xml), events=("start", "end"), **ITERPARSE_OPTIONS):
        if event == "start":
            if element.tag == f"{W}body" and body is None:
                body = element
            continue
        if body is not None and element.getparent() is body:
            yield element, body
            body.remove(element)


def _place(element: etree._Element, body: etree._Element) -> tuple[str | None, etree._Element]:
    """Where a paragraph is (正文, 表格 or 文本框; None inside a VML fallback) and its top-level block."""
    location = "正文"
    top = element
    parent = element.getparent()
    while parent is not None and parent is not body:
        if parent.tag == _MC_FALLBACK:
            return None, top
        if parent.tag == f"{W}txbxContent":
            location = "文本框"
        elif parent.tag == f"{W}tbl" and location == "正文":
            location = "表格"
        top = parent
        parent = parent.getparent()
    return location, top


def _paragraph(
    element: etree._Element, index: int, styles: Styles, location: str, section: int, page: int = 1
) -> Paragraph:
    ppr = element.find(f"{W}pPr")
    style_node = ppr.find(f"{W}pStyle") if ppr is not None else None
    style_id = style_node.get(f"{W}val") if style_node is not None else styles.default_paragraph
    base_ppr, base_rpr, base_sources, base_dropped = styles.paragraph_base(style_id)
    key = (style_id, b"" if ppr is None else etree.tostring(ppr))
    props = styles.paragraph_props.get(key)
    if props is None:  # shared, read-only, by every paragraph of the same style and pPr
        props = {k: dict(v) for k, v in base_ppr.items()}
        merge(props, ppr)
        styles.paragraph_props[key] = props
    runs: list[Run] = []
    fields: list[str] = []
    texts: list[str] = []
    # complex fields open: [instruction, run whose formatting the result takes, result seen]
    stack: list[list[object]] = []
    for node in _own(element, (f"{W}r", f"{W}fldSimple")):
        if node.tag == f"{W}fldSimple":
            instr = node.get(f"{W}instr", "").strip()
            fields.append(instr)
            inner = node.find(f"{W}r")
            shown = "".join(_run_text(r) for r in node.iter(f"{W}r"))
            if _computed(instr) and not any(ch.isdigit() for ch in shown):
                fmt = inner if inner is not None else node
                runs.append(_run(fmt, base_rpr, base_sources, base_dropped, styles, str(page), computed=True))
                texts.append(str(page))
            continue
        text_parts: list[str] = []
        for child in node:
            if child.tag == f"{W}fldChar":
                kind = child.get(f"{W}fldCharType")
                if kind == "begin":
                    stack.append(["", node, False])
                elif kind == "separate" and stack:
                    fields.append(str(stack[-1][0]).strip())
                    stack[-1][0] = f"\0{stack[-1][0]}"  # past the instruction
                elif kind == "end" and stack:
                    instr, fmt, seen = stack.pop()
                    instruction = str(instr).lstrip("\0")
                    if not str(instr).startswith("\0"):
                        fields.append(instruction.strip())  # no separate: Word computes the result
                    if _computed(instruction) and not seen:
                        assert isinstance(fmt, etree._Element)
                        runs.append(_run(fmt, base_rpr, base_sources, base_dropped, styles, str(page), computed=True))
                        texts.append(str(page))
            elif child.tag == f"{W}instrText" and stack:
                if not str(stack[-1][0]):
                    stack[-1][1] = node  # the result is formatted like the instruction's first run
                stack[-1][0] = f"{stack[-1][0]}{child.text or ''}"
            elif stack and not str(stack[-1][0]).startswith("\0"):
                continue  # inside an instruction: not shown
            else:
                piece = _child_text(child)
                if piece and stack:
                    if _computed(str(stack[-1][0]).lstrip("\0")) and not any(ch.isdigit() for ch in piece):
                        continue
                    stack[-1][2] = stack[-1][2] or any(ch.isdigit() for ch in piece)
                text_parts.append(piece)
        text = "".join(text_parts)
        runs.append(_run(node, base_rpr, base_sources, base_dropped, styles, text))
        texts.append(text)
    return Paragraph(
        index=index,
        text="".join(texts),
        runs=runs,
        style_id=style_id,
        style_name=styles.name(style_id),
        props=props,
        location=location,
        section=section,
        fields=[f.split()[0].upper() for f in fields if f.split()],
    )


def _computed(instruction: str) -> bool:
    words = instruction.split()
    return bool(words) and words[0].upper() in COMPUTED_FIELDS


def _run(
    node: etree._Element,
    base: Props,
    base_sources: Sources,
    base_dropped: list[str],
    styles: Styles,
    text: str,
    *,
    computed: bool = False,
) -> Run:
    rpr = node.find(f"{W}rPr")
    key = (id(base), b"" if rpr is None else etree.tostring(rpr))
    shared = styles.run_formats.get(key)
    if shared is None:
        shared = styles.run_formats[key] = _run_format(rpr, base, base_sources, base_dropped, styles)
    return replace(shared, text=text, computed=computed)


def _run_format(rpr: etree._Element | None, base: Props, base_sources: Sources, base_dropped: list[str],
                styles: Styles) -> Run:  # fmt: skip
    """A run's effective formatting (text left empty), resolved level by level as Word does.

    Computed once per paragraph style and ``w:rPr`` and shared by every run alike (their
    ``sources`` and ``dropped`` too, read-only): a long document repeats a handful of formats.
    """
    props: Props = {k: dict(v) for k, v in base.items()}
    sources = dict(base_sources)
    dropped = list(base_dropped)
    rstyle = rpr.find(f"{W}rStyle") if rpr is not None else None
    if rstyle is not None:
        for style in styles.chain(rstyle.get(f"{W}val")):
            merge(props, style.find(f"{W}rPr"), sources, styles.label(style, "字符样式"), dropped)
    merge(props, rpr, sources, "直接格式", dropped)
    fonts = props.get("rFonts", {})
    east_asian, east_source = font_of(fonts, "eastAsia", sources, styles)
    ascii_font, ascii_source = font_of(fonts, "ascii", sources, styles)
    size = props.get("sz", {}).get("val")
    color, color_source = color_of(props.get("color", {}), sources.get("color", ""), styles)
    return Run(
        text="",
        east_asian_font=east_asian,
        ascii_font=ascii_font,
        size_pt=number(size) / 2 if size and size.isdigit() and number(size) else 10.0,
        bold=on_props(props.get("b")),
        color=color,
        sources={
            "font": east_source,
            "ascii": ascii_source,
            "size": sources.get("sz", "") if size else "Word 的默认字号",
            "color": color_source,
        },
        dropped=dropped,
    )


def _child_text(child: etree._Element) -> str:
    if child.tag == f"{W}t":
        return child.text or ""
    if child.tag in (f"{W}tab", f"{W}ptab"):
        return "\t"
    if child.tag in (f"{W}br", f"{W}cr"):
        return "\n"
    if child.tag == f"{W}noBreakHyphen":
        return "-"
    return ""


def _run_text(run: etree._Element) -> str:
    return "".join(_child_text(child) for child in run)


def _own(paragraph: etree._Element, tags: tuple[str, ...]) -> list[etree._Element]:
    """Descendants of ``paragraph`` that belong to it, not to a paragraph nested in a text box."""
    own = []
    for node in paragraph.iter(*tags):
        parent = node.getparent()
        while parent is not None and parent.tag != f"{W}p":
            if parent.tag == _MC_FALLBACK:
                break
            parent = parent.getparent()
        if parent is paragraph:
            own.append(node)
    return own


def _sections(sect_prs: list[etree._Element], package: Package, styles: Styles) -> list[Section]:
    """The sections, from their ``w:sectPr`` in document order (the body's own last)."""
    sections: list[Section] = []
    inherited: dict[str, list[Paragraph]] = {}
    normal_size = styles.paragraph_base(styles.default_paragraph)[1].get("sz", {}).get("val", "")
    base_size = int(normal_size) / 2 if normal_size.isdigit() else 10.5
    for index, sect in enumerate(sect_prs):
        size = sect.find(f"{W}pgSz")
        margins = sect.find(f"{W}pgMar")
        grid = sect.find(f"{W}docGrid")
        footers = dict(inherited)
        for ref in sect.findall(f"{W}footerReference"):
            part = package.parts.get(package.rels.get(ref.get(f"{{{R_NS}}}id", ""), ""))
            if part is not None:
                kind = ref.get(f"{W}type", "default")
                label = {"default": "页脚（奇数页）", "even": "页脚（偶数页）", "first": "页脚（首页）"}.get(
                    kind, "页脚"
                )
                page = 2 if kind == "even" else 1
                footers[kind] = [_paragraph(p, i, styles, label, index, page) for i, p in enumerate(part.iter(f"{W}p"))]
        inherited = footers
        sections.append(
            Section(
                index=index,
                page_width=int_attr(size, "w", 12240),
                page_height=int_attr(size, "h", 15840),
                margins={side: int_attr(margins, side, 1440) for side in ("top", "bottom", "left", "right")},
                grid_type=grid.get(f"{W}type") if grid is not None else None,
                line_pitch=int_attr(grid, "linePitch", 0) or None,
                char_space=int_attr(grid, "charSpace", 0) or None,
                footers=footers,
                title_page=is_on(sect.find(f"{W}titlePg")),
                base_size_pt=base_size,
            )
        )
    return sections
