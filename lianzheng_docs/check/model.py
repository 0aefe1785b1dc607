"""A .docx as Word lays it out: paragraphs and runs with their effective formatting, sections.

Effective properties are merged attribute by attribute, in the order Word applies them
(ECMA-376 17.7.2): document defaults, the paragraph style and its ``basedOn`` chain (or the
default paragraph style), the character style chain, then direct formatting. Theme fonts
(``eastAsiaTheme="minorEastAsia"``) are looked up in the theme. Sections carry their page
setup and footers; a section without a footer of some type inherits the previous one's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from .package import R_NS, W_NS, Package

W = f"{{{W_NS}}}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"

Props = dict[str, dict[str, str]]  # element name -> attributes (names without namespace)


@dataclass
class Run:
    text: str
    east_asian_font: str | None
    ascii_font: str | None
    size_pt: float
    bold: bool
    color: str | None  # "FF0000", or None for automatic (black)


@dataclass
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
            return -round(int(ind["hangingChars"]) / 100 * size * 20)
        if "firstLineChars" in ind:
            return round(int(ind["firstLineChars"]) / 100 * size * 20)
        if "hanging" in ind:
            return -int(ind["hanging"])
        return int(ind.get("firstLine", 0))

    @property
    def left_twips(self) -> int:
        ind = self.props.get("ind", {})
        return int(ind.get("left", ind.get("start", 0)))

    @property
    def line_spacing(self) -> tuple[int | None, str]:
        spacing = self.props.get("spacing", {})
        line = spacing.get("line")
        return (int(line) if line else None), spacing.get("lineRule", "auto")

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


@dataclass
class Document:
    name: str
    paragraphs: list[Paragraph]
    sections: list[Section]
    even_and_odd_footers: bool

    def body(self) -> list[Paragraph]:
        """Paragraphs of the main text, outside tables and text boxes."""
        return [p for p in self.paragraphs if p.location == "正文"]


class _Styles:
    """Style definitions, defaults and theme fonts of one document."""

    def __init__(self, styles: etree._Element | None, theme: etree._Element | None) -> None:
        self.by_id: dict[str, etree._Element] = {}
        self.default_paragraph: str | None = None
        self.default_ppr: Props = {}
        self.default_rpr: Props = {}
        if styles is not None:
            for style in styles.findall(f"{W}style"):
                style_id = style.get(f"{W}styleId", "")
                self.by_id[style_id] = style
                if style.get(f"{W}type") == "paragraph" and style.get(f"{W}default") in ("1", "true", "on"):
                    self.default_paragraph = style_id
            defaults = styles.find(f"{W}docDefaults")
            if defaults is not None:
                merge(self.default_ppr, defaults.find(f"{W}pPrDefault/{W}pPr"))
                merge(self.default_rpr, defaults.find(f"{W}rPrDefault/{W}rPr"))
        self.theme_fonts = _theme_fonts(theme)

    def chain(self, style_id: str | None) -> list[etree._Element]:
        """The style and its ``basedOn`` ancestors, root first."""
        chain: list[etree._Element] = []
        seen: set[str] = set()
        while style_id and style_id in self.by_id and style_id not in seen:
            seen.add(style_id)
            style = self.by_id[style_id]
            chain.append(style)
            based = style.find(f"{W}basedOn")
            style_id = based.get(f"{W}val") if based is not None else None
        return list(reversed(chain))

    def name(self, style_id: str | None) -> str | None:
        style = self.by_id.get(style_id or "")
        node = style.find(f"{W}name") if style is not None else None
        return node.get(f"{W}val") if node is not None else None


def merge(target: Props, props: etree._Element | None) -> None:
    """Merge an OOXML property element into ``target``, later values winning per attribute."""
    if props is None:
        return
    for child in props:
        if not isinstance(child.tag, str) or child.tag in (f"{W}rPr", f"{W}sectPr", f"{W}pPrChange", f"{W}rPrChange"):
            continue
        name = etree.QName(child).localname
        attrs = {etree.QName(k).localname: v for k, v in child.attrib.items()}
        current = target.setdefault(name, {})
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


def load(package: Package) -> Document:
    """The document model of a package."""
    styles = _Styles(package.styles, package.theme)
    body = package.document.find(f"{W}body")
    if body is None:
        return Document(package.name, [], [], False)
    settings = package.settings
    even_odd = settings is not None and _on(settings.find(f"{W}evenAndOddHeaders"))
    section_of = _section_map(body)
    paragraphs: list[Paragraph] = []
    for element in body.iter(f"{W}p"):
        if _inside(element, _MC_FALLBACK):
            continue  # Word writes text boxes twice: DrawingML, then a VML fallback
        location = (
            "文本框" if _inside(element, f"{W}txbxContent") else ("表格" if _inside(element, f"{W}tbl") else "正文")
        )
        top = _top_level(element, body)
        paragraphs.append(_paragraph(element, len(paragraphs), styles, location, section_of.get(top, 0)))
    sections = _sections(body, package, styles)
    return Document(package.name, paragraphs, sections, even_odd)


def _paragraph(element: etree._Element, index: int, styles: _Styles, location: str, section: int) -> Paragraph:
    ppr = element.find(f"{W}pPr")
    style_node = ppr.find(f"{W}pStyle") if ppr is not None else None
    style_id = style_node.get(f"{W}val") if style_node is not None else styles.default_paragraph
    chain = styles.chain(style_id) or styles.chain(styles.default_paragraph)
    props: Props = {k: dict(v) for k, v in styles.default_ppr.items()}
    for style in chain:
        merge(props, style.find(f"{W}pPr"))
    merge(props, ppr)
    base_rpr: Props = {k: dict(v) for k, v in styles.default_rpr.items()}
    for style in chain:
        merge(base_rpr, style.find(f"{W}rPr"))
    runs: list[Run] = []
    fields: list[str] = []
    texts: list[str] = []
    for node in _own(element, (f"{W}r", f"{W}fldSimple")):
        if node.tag == f"{W}fldSimple":
            fields.append(node.get(f"{W}instr", "").strip())
            continue
        for instr in node.findall(f"{W}instrText"):
            fields.append((instr.text or "").strip())
        text = _run_text(node)
        runs.append(_run(node, base_rpr, styles, text))
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


def _run(node: etree._Element, base: Props, styles: _Styles, text: str) -> Run:
    props: Props = {k: dict(v) for k, v in base.items()}
    rpr = node.find(f"{W}rPr")
    rstyle = rpr.find(f"{W}rStyle") if rpr is not None else None
    if rstyle is not None:
        for style in styles.chain(rstyle.get(f"{W}val")):
            merge(props, style.find(f"{W}rPr"))
    merge(props, rpr)
    fonts = props.get("rFonts", {})
    east_asian = styles.theme_fonts.get(fonts.get("eastAsiaTheme", ""), fonts.get("eastAsia"))
    ascii_font = styles.theme_fonts.get(fonts.get("asciiTheme", ""), fonts.get("ascii"))
    size = props.get("sz", {}).get("val")
    color = props.get("color", {}).get("val")
    return Run(
        text=text,
        east_asian_font=east_asian,
        ascii_font=ascii_font,
        size_pt=int(size) / 2 if size and size.isdigit() else 10.0,
        bold=_on_props(props.get("b")),
        color=None if color in (None, "auto") else color.upper(),
    )


def _run_text(run: etree._Element) -> str:
    parts = []
    for child in run:
        if child.tag == f"{W}t":
            parts.append(child.text or "")
        elif child.tag in (f"{W}tab", f"{W}ptab"):
            parts.append("\t")
        elif child.tag in (f"{W}br", f"{W}cr"):
            parts.append("\n")
        elif child.tag == f"{W}noBreakHyphen":
            parts.append("-")
    return "".join(parts)


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


def _inside(element: etree._Element, tag: str) -> bool:
    parent = element.getparent()
    while parent is not None:
        if parent.tag == tag:
            return True
        parent = parent.getparent()
    return False


def _top_level(element: etree._Element, body: etree._Element) -> etree._Element:
    while element.getparent() is not None and element.getparent() is not body:
        element = element.getparent()
    return element


def _section_map(body: etree._Element) -> dict[etree._Element, int]:
    """Which section each top-level block belongs to (a paragraph's sectPr ends its section)."""
    mapping = {}
    section = 0
    for child in body:
        mapping[child] = section
        if child.tag == f"{W}p" and child.find(f"{W}pPr/{W}sectPr") is not None:
            section += 1
    return mapping


def _sections(body: etree._Element, package: Package, styles: _Styles) -> list[Section]:
    elements = [p.find(f"{W}pPr/{W}sectPr") for p in body.findall(f"{W}p")]
    sect_prs = [s for s in elements if s is not None]
    final = body.find(f"{W}sectPr")
    if final is not None:
        sect_prs.append(final)
    sections: list[Section] = []
    inherited: dict[str, list[Paragraph]] = {}
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
                footers[kind] = [_paragraph(p, i, styles, label, index) for i, p in enumerate(part.iter(f"{W}p"))]
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
            )
        )
    return sections


def _int(element: etree._Element | None, attr: str, default: int) -> int:
    if element is None:
        return default
    value = element.get(f"{W}{attr}")
    try:
        return int(float(value)) if value is not None else default
    except ValueError:
        return default


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
