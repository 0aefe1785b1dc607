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
import math
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from lxml import etree

from .package import ITERPARSE_OPTIONS, R_NS, W_NS, Package, UnreadableDocument

W = f"{{{W_NS}}}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"

Props = dict[str, dict[str, str]]  # element name -> attributes (names without namespace)
Sources = dict[str, str]  # "rFonts.eastAsia", "sz", "color" ... -> the level that set it

#: Font slots of ``w:rFonts`` and the attribute naming a theme font for each.
FONT_SLOTS = {"ascii": "asciiTheme", "hAnsi": "hAnsiTheme", "eastAsia": "eastAsiaTheme", "cs": "cstheme"}
#: Elements a more specific level replaces whole, not attribute by attribute.
_WHOLE = frozenset({"color", "u", "shd", "highlight"})
#: The sequence of ``w:rPr`` children (EG_RPrBase, ECMA-376 17.3.2.27); Word drops one out of order.
RPR_ORDER = {
    name: position
    for position, name in enumerate(
        "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof snapToGrid "
        "vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd fitText vertAlign rtl cs "
        "em lang eastAsianLayout specVanish oMath".split()
    )
}
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


class _Styles:
    """Style definitions, defaults, theme fonts and theme colours of one document."""

    def __init__(self, styles: etree._Element | None, theme: etree._Element | None) -> None:
        self.by_id: dict[str, etree._Element] = {}
        self.default_paragraph: str | None = None
        self.default_ppr: Props = {}
        self.default_rpr: Props = {}
        self.default_sources: Sources = {}
        self.default_dropped: list[str] = []
        self._chains: dict[str | None, list[etree._Element]] = {}
        self._bases: dict[str | None, tuple[Props, Props, Sources, list[str]]] = {}
        #: formats shared by alike runs and paragraphs during one load (see ``_run_format``)
        self.run_formats: dict[tuple[int, bytes], Run] = {}
        self.paragraph_props: dict[tuple[str | None, bytes], Props] = {}
        if styles is not None:
            for style in styles.findall(f"{W}style"):
                style_id = style.get(f"{W}styleId", "")
                self.by_id[style_id] = style
                if style.get(f"{W}type") == "paragraph" and style.get(f"{W}default") in ("1", "true", "on"):
                    self.default_paragraph = style_id
            defaults = styles.find(f"{W}docDefaults")
            if defaults is not None:
                merge(self.default_ppr, defaults.find(f"{W}pPrDefault/{W}pPr"))
                merge(
                    self.default_rpr,
                    defaults.find(f"{W}rPrDefault/{W}rPr"),
                    self.default_sources,
                    "文档默认格式",
                    self.default_dropped,
                )
        self.theme_fonts = _theme_fonts(theme)
        self.theme_colors = _theme_colors(theme)

    def chain(self, style_id: str | None) -> list[etree._Element]:
        """The style and its ``basedOn`` ancestors, root first."""
        if style_id in self._chains:
            return self._chains[style_id]
        chain: list[etree._Element] = []
        seen: set[str] = set()
        current = style_id
        while current and current in self.by_id and current not in seen:
            seen.add(current)
            style = self.by_id[current]
            chain.append(style)
            based = style.find(f"{W}basedOn")
            current = based.get(f"{W}val") if based is not None else None
        self._chains[style_id] = list(reversed(chain))
        return self._chains[style_id]

    def name(self, style_id: str | None) -> str | None:
        style = self.by_id.get(style_id or "")
        node = style.find(f"{W}name") if style is not None else None
        return node.get(f"{W}val") if node is not None else None

    def label(self, style: etree._Element, kind: str) -> str:
        """How a clerk finds the style in Word: 段落样式“正文”."""
        node = style.find(f"{W}name")
        name = node.get(f"{W}val") if node is not None else style.get(f"{W}styleId", "")
        return f"{kind}“{name}”"

    def paragraph_base(self, style_id: str | None) -> tuple[Props, Props, Sources, list[str]]:
        """Paragraph and run properties a paragraph of this style starts from (cached per style)."""
        if style_id not in self._bases:
            chain = self.chain(style_id) or self.chain(self.default_paragraph)
            ppr: Props = {k: dict(v) for k, v in self.default_ppr.items()}
            rpr: Props = {k: dict(v) for k, v in self.default_rpr.items()}
            sources = dict(self.default_sources)
            dropped = list(self.default_dropped)
            for style in chain:
                merge(ppr, style.find(f"{W}pPr"))
                merge(rpr, style.find(f"{W}rPr"), sources, self.label(style, "段落样式"), dropped)
            self._bases[style_id] = (ppr, rpr, sources, dropped)
        return self._bases[style_id]


def merge(
    target: Props,
    props: etree._Element | None,
    sources: Sources | None = None,
    label: str = "",
    dropped: list[str] | None = None,
) -> None:
    """Merge an OOXML property element into ``target``, the more specific level winning.

    Paragraph properties merge attribute by attribute; ``w:rFonts`` slot by slot (a slot named
    at this level, by theme or explicitly, replaces what came before; a theme font beats an
    explicit one within the level); a colour or underline is replaced whole. ``sources``
    records the level (``label``) that set each value. In ``w:rPr`` a child out of schema
    order is dropped, as Word does, and noted in ``dropped``.
    """
    if props is None:
        return
    is_rpr = etree.QName(props).localname == "rPr"
    furthest = -1
    previous = ""
    for child in props:
        if not isinstance(child.tag, str) or child.tag in (f"{W}rPr", f"{W}sectPr", f"{W}pPrChange", f"{W}rPrChange"):
            continue
        name = etree.QName(child).localname
        if is_rpr and child.tag.startswith(W):
            position = RPR_ORDER.get(name, -1)
            if 0 <= position < furthest:
                if dropped is not None:
                    dropped.append(f"w:{name}（在 w:{previous} 之后，{label or '直接格式'}）")
                continue
            if position > furthest:
                furthest, previous = position, name
        attrs = {etree.QName(k).localname: v for k, v in child.attrib.items()}
        current = target.setdefault(name, {})
        if name == "rFonts":
            _merge_fonts(current, attrs, sources, label)
            continue
        if name in _WHOLE:
            current.clear()
        if name == "ind":  # a first-line indent and a hanging indent exclude each other
            if {"hanging", "hangingChars"} & attrs.keys():
                for key in ("firstLine", "firstLineChars"):
                    current.pop(key, None)
            if {"firstLine", "firstLineChars"} & attrs.keys():
                for key in ("hanging", "hangingChars"):
                    current.pop(key, None)
            if "firstLine" in attrs and "firstLineChars" not in attrs:
                current.pop("firstLineChars", None)
        if not attrs:  # <w:b/> means on, whatever a style said before
            current.clear()
        current.update(attrs)
        if sources is not None:
            sources[name] = label


def _merge_fonts(current: dict[str, str], attrs: dict[str, str], sources: Sources | None, label: str) -> None:
    for slot, theme in FONT_SLOTS.items():
        if slot not in attrs and theme not in attrs:
            continue  # this level says nothing about the slot: the less specific one stands
        replaced_theme = current.get(theme)
        current.pop(slot, None)
        current.pop(theme, None)
        for key in (slot, theme):
            if key in attrs:
                current[key] = attrs[key]
        if sources is not None:
            sources[f"rFonts.{slot}"] = label
            if replaced_theme and theme not in attrs:
                sources[f"rFonts.{slot}.overrides"] = replaced_theme
            else:
                sources.pop(f"rFonts.{slot}.overrides", None)
    for key, value in attrs.items():
        if key not in FONT_SLOTS and key not in FONT_SLOTS.values():
            current[key] = value  # w:hint and the like


def load(package: Package) -> Document:
    """The document model of a package.

    The main document is read as a stream, one top-level block (a paragraph, a table) at a time,
    and each block's XML is freed once its paragraphs are in the model: a 100,000-paragraph
    document never sits in memory as a whole tree, only as the model.
    """
    styles = _Styles(package.styles, package.theme)
    settings = package.settings
    even_odd = settings is not None and _on(settings.find(f"{W}evenAndOddHeaders"))
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
    element: etree._Element, index: int, styles: _Styles, location: str, section: int, page: int = 1
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
    styles: _Styles,
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
                styles: _Styles) -> Run:  # fmt: skip
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
    east_asian, east_source = _font(fonts, "eastAsia", sources, styles)
    ascii_font, ascii_source = _font(fonts, "ascii", sources, styles)
    size = props.get("sz", {}).get("val")
    color, color_source = _color(props.get("color", {}), sources.get("color", ""), styles)
    return Run(
        text="",
        east_asian_font=east_asian,
        ascii_font=ascii_font,
        size_pt=number(size) / 2 if size and size.isdigit() and number(size) else 10.0,
        bold=_on_props(props.get("b")),
        color=color,
        sources={
            "font": east_source,
            "ascii": ascii_source,
            "size": sources.get("sz", "") if size else "Word 的默认字号",
            "color": color_source,
        },
        dropped=dropped,
    )


def _font(fonts: dict[str, str], slot: str, sources: Sources, styles: _Styles) -> tuple[str | None, str]:
    """The font a slot resolves to, and in words where it came from."""
    level = sources.get(f"rFonts.{slot}", "")
    theme = fonts.get(FONT_SLOTS[slot])
    if theme:
        face = styles.theme_fonts.get(theme, fonts.get(slot))
        return face, f"{level}的主题字体 {theme}" if level else f"主题字体 {theme}"
    face = fonts.get(slot)
    if face is None:
        return None, "未指定，由 Word 按默认字体显示"
    overrides = sources.get(f"rFonts.{slot}.overrides")
    if overrides:
        replaced = styles.theme_fonts.get(overrides, overrides)
        return face, f"{level}，覆盖主题字体 {replaced}"
    return face, level


_THEME_COLOR_KEYS = {
    "text1": "dk1", "dark1": "dk1", "background1": "lt1", "light1": "lt1", "text2": "dk2", "dark2": "dk2",
    "background2": "lt2", "light2": "lt2", "hyperlink": "hlink", "followedHyperlink": "folHlink",
}  # fmt: skip


def _color(attrs: dict[str, str], level: str, styles: _Styles) -> tuple[str | None, str]:
    """The colour Word shows (a theme colour wins over ``w:val``, shade and tint applied)."""
    theme = attrs.get("themeColor")
    if theme:
        base = styles.theme_colors.get(_THEME_COLOR_KEYS.get(theme, theme))
        value = attrs.get("val", "")
        shaded = "themeShade" in attrs or "themeTint" in attrs
        if base and shaded and len(value) == 6 and value != "auto":
            return value.upper(), f"{level}的主题颜色 {theme}"  # Word writes the shaded result in w:val
        if base:
            rgb = [int(base[i : i + 2], 16) for i in (0, 2, 4)]
            if "themeShade" in attrs:
                shade = _hex_fraction(attrs["themeShade"])
                rgb = [round(c * shade) for c in rgb]
            if "themeTint" in attrs:
                tint = _hex_fraction(attrs["themeTint"])
                rgb = [round(c * tint + 255 * (1 - tint)) for c in rgb]
            return "".join(f"{c:02X}" for c in rgb), f"{level}的主题颜色 {theme}"
    explicit = attrs.get("val")
    if explicit is None or explicit == "auto":
        return None, level or "自动"
    return explicit.upper(), level


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


def _sections(sect_prs: list[etree._Element], package: Package, styles: _Styles) -> list[Section]:
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
                page_width=_int(size, "w", 12240),
                page_height=_int(size, "h", 15840),
                margins={side: _int(margins, side, 1440) for side in ("top", "bottom", "left", "right")},
                grid_type=grid.get(f"{W}type") if grid is not None else None,
                line_pitch=_int(grid, "linePitch", 0) or None,
                char_space=_int(grid, "charSpace", 0) or None,
                footers=footers,
                title_page=_on(sect.find(f"{W}titlePg")),
                base_size_pt=base_size,
            )
        )
    return sections


def _int(element: etree._Element | None, attr: str, default: int) -> int:
    if element is None:
        return default
    return number(element.get(f"{W}{attr}"), default)


def number(text: object, default: int = 0) -> int:
    """A measurement from the XML as a whole number; ``default`` for what is not one.

    Attributes come from any producer and any attacker: "inf", "1e400", "NaN" or a
    thousand-digit number must not end the check with a traceback (``w:left="inf"`` did).
    """
    try:
        value = float(str(text))
    except (TypeError, ValueError):
        return default
    if not math.isfinite(value) or abs(value) > 1e7:
        return default
    return int(value)


def _hex_fraction(text: str) -> float:
    """A theme shade or tint (hex 00-FF) as a fraction; 1 (no change) when it is not one."""
    try:
        return min(max(int(text, 16), 0), 255) / 255
    except ValueError:
        return 1.0


def _on(element: etree._Element | None) -> bool:
    return element is not None and element.get(f"{W}val", "true") not in ("0", "false", "off")


def _on_props(attrs: dict[str, str] | None) -> bool:
    return attrs is not None and attrs.get("val", "true") not in ("0", "false", "off")


def _theme_fonts(theme: etree._Element | None) -> dict[str, str]:
    """Theme font names by the keys runs use: minorEastAsia, majorHAnsi ..."""
    fonts: dict[str, str] = {}
    if theme is None:
        return fonts
    for kind in ("major", "minor"):
        scheme = theme.find(f".//{_A}{kind}Font")
        if scheme is None:
            continue
        latin = scheme.find(f"{_A}latin")
        east = scheme.find(f"{_A}ea")
        hans = next((f for f in scheme.findall(f"{_A}font") if f.get("script") == "Hans"), None)
        latin_face = latin.get("typeface") if latin is not None else None
        east_face = (east.get("typeface") if east is not None else "") or (
            hans.get("typeface") if hans is not None else None
        )
        for suffix, face in (
            ("Ascii", latin_face),
            ("HAnsi", latin_face),
            ("EastAsia", east_face),
            ("Bidi", latin_face),
        ):
            if face:
                fonts[f"{kind}{suffix}"] = face
    return fonts


def _theme_colors(theme: etree._Element | None) -> dict[str, str]:
    """Theme colours by scheme name (dk1, lt1, accent1 ...) as RRGGBB."""
    colors: dict[str, str] = {}
    scheme = theme.find(f".//{_A}clrScheme") if theme is not None else None
    if scheme is None:
        return colors
    for slot in scheme:
        if not isinstance(slot.tag, str):
            continue
        value = slot.find(f"{_A}srgbClr")
        system = slot.find(f"{_A}sysClr")
        if value is not None and value.get("val"):
            colors[etree.QName(slot).localname] = str(value.get("val")).upper()
        elif system is not None and system.get("lastClr"):
            colors[etree.QName(slot).localname] = str(system.get("lastClr")).upper()
    return colors
