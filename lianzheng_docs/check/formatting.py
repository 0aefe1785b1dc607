"""How Word resolves formatting: styles and their basedOn chains, document defaults, theme fonts
and colours, and ``w:rPr``/``w:pPr`` merged level by level.

Word shows, for each slot, the value of the most specific level that sets it: an explicit font on a
style further down the chain or on the run beats a theme font inherited from docDefaults, while
within one level a theme font beats an explicit one. ``w:rPr`` children out of schema order are
dropped, as Word drops them, and recorded. The document model (:mod:`.model`) asks this module.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from lxml import etree

from .package import W_NS

if TYPE_CHECKING:
    from .model import Run

W = f"{{{W_NS}}}"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


Props = dict[str, dict[str, str]]  # element name -> attributes (names without namespace)


Sources = dict[str, str]  # "rFonts.eastAsia", "sz", "color" ... -> the level that set it

#: Font slots of ``w:rFonts`` and the attribute naming a theme font for each.


#: Font slots of ``w:rFonts`` and the attribute naming a theme font for each.
FONT_SLOTS = {"ascii": "asciiTheme", "hAnsi": "hAnsiTheme", "eastAsia": "eastAsiaTheme", "cs": "cstheme"}
#: Elements a more specific level replaces whole, not attribute by attribute.


#: Elements a more specific level replaces whole, not attribute by attribute.
_WHOLE = frozenset({"color", "u", "shd", "highlight"})
#: The sequence of ``w:rPr`` children (EG_RPrBase, ECMA-376 17.3.2.27); Word drops one out of order.


#: The sequence of ``w:rPr`` children (EG_RPrBase, ECMA-376 17.3.2.27); Word drops one out of order.
RPR_ORDER = {
    name: position
    for position, name in enumerate(
        "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof snapToGrid "
        "vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd fitText vertAlign rtl cs "
        "em lang eastAsianLayout specVanish oMath".split()
    )
}


class Styles:
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


def font_of(fonts: dict[str, str], slot: str, sources: Sources, styles: Styles) -> tuple[str | None, str]:
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


def color_of(attrs: dict[str, str], level: str, styles: Styles) -> tuple[str | None, str]:
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


def int_attr(element: etree._Element | None, attr: str, default: int) -> int:
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


def is_on(element: etree._Element | None) -> bool:
    return element is not None and element.get(f"{W}val", "true") not in ("0", "false", "off")


def on_props(attrs: dict[str, str] | None) -> bool:
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
