"""Read a rendered .docx the way Word resolves it, for layout assertions in tests.

Effective properties of a paragraph or run come from, in order: direct formatting, the
character style, the paragraph style and its ``basedOn`` chain, then ``docDefaults``.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from functools import cached_property

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}


def paragraph_texts(content: bytes) -> list[str]:
    """The text of every paragraph of a .docx's body (tables and 版记 included), in order, as written."""
    xml = zipfile.ZipFile(io.BytesIO(content)).read("word/document.xml").decode("utf-8")
    return [
        "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", paragraph))
        for paragraph in re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S)
    ]


def q(tag: str) -> str:
    prefix, name = tag.split(":")
    assert prefix == "w"
    return f"{{{W}}}{name}"


@dataclass
class Para:
    element: etree._Element
    doc: Docx

    def _own(self, *tags: str) -> list[etree._Element]:
        """Descendants of this paragraph, not of paragraphs nested in it (text boxes)."""
        own = []
        for node in self.element.iter(*tags):
            parent = node.getparent()
            while parent is not None and parent.tag != q("w:p"):
                parent = parent.getparent()
            if parent is self.element:
                own.append(node)
        return own

    @property
    def text(self) -> str:
        parts = []
        for node in self._own(q("w:t"), q("w:tab")):
            if node.tag == q("w:tab") and node.getparent().tag != q("w:r"):
                continue  # a tab stop definition, not a tab character
            parts.append("\t" if node.tag == q("w:tab") else (node.text or ""))
        return "".join(parts)

    @property
    def style_id(self) -> str | None:
        node = self.element.find("w:pPr/w:pStyle", NS)
        return node.get(q("w:val")) if node is not None else None

    def ppr(self, tag: str) -> etree._Element | None:
        """The effective paragraph property element ``tag`` (e.g. "w:ind")."""
        direct = self.element.find(f"w:pPr/{tag}", NS)
        if direct is not None:
            return direct
        return self.doc.style_ppr(self.style_id, tag)

    def runs(self) -> list[Run]:
        return [Run(r, self) for r in self._own(q("w:r")) if r.find("w:t", NS) is not None]


@dataclass
class Run:
    element: etree._Element
    para: Para

    @property
    def text(self) -> str:
        return "".join(t.text or "" for t in self.element.iter(q("w:t")))

    def rpr(self, tag: str) -> etree._Element | None:
        direct = self.element.find(f"w:rPr/{tag}", NS)
        if direct is not None:
            return direct
        style = self.element.find("w:rPr/w:rStyle", NS)
        if style is not None:
            found = self.para.doc.style_rpr(style.get(q("w:val")), tag)
            if found is not None:
                return found
        return self.para.doc.style_rpr(self.para.style_id, tag, with_defaults=True)

    @property
    def east_asian_font(self) -> str | None:
        fonts = self.rpr("w:rFonts")
        return fonts.get(q("w:eastAsia")) if fonts is not None else None

    @property
    def size_pt(self) -> float | None:
        size = self.rpr("w:sz")
        return int(size.get(q("w:val"))) / 2 if size is not None else None

    @property
    def bold(self) -> bool:
        node = self.rpr("w:b")
        return node is not None and node.get(q("w:val"), "1") not in ("0", "false")

    @property
    def color(self) -> str | None:
        node = self.rpr("w:color")
        return node.get(q("w:val")) if node is not None else None


class Docx:
    def __init__(self, content: bytes) -> None:
        self.zip = zipfile.ZipFile(io.BytesIO(content))

    def xml(self, name: str) -> etree._Element:
        return etree.fromstring(self.zip.read(name))

    @cached_property
    def document(self) -> etree._Element:
        return self.xml("word/document.xml")

    @cached_property
    def styles(self) -> dict[str, etree._Element]:
        root = self.xml("word/styles.xml")
        return {s.get(q("w:styleId")): s for s in root.findall("w:style", NS)}

    @cached_property
    def defaults(self) -> etree._Element:
        return self.xml("word/styles.xml").find("w:docDefaults", NS)

    @cached_property
    def sect(self) -> etree._Element:
        return self.document.find("w:body/w:sectPr", NS)

    def paragraphs(self) -> list[Para]:
        """Body paragraphs in order, those inside tables and text boxes included."""
        return [Para(p, self) for p in self.document.iter(q("w:p"))]

    def find(self, pattern: str) -> Para:
        regex = re.compile(pattern)
        for para in self.paragraphs():
            if regex.search(para.text):
                return para
        raise AssertionError(f"no paragraph matches {pattern!r}")

    def _chain(self, style_id: str | None) -> list[etree._Element]:
        chain = []
        while style_id and style_id in self.styles:
            style = self.styles[style_id]
            chain.append(style)
            based = style.find("w:basedOn", NS)
            style_id = based.get(q("w:val")) if based is not None else None
        if not chain and "Normal" in self.styles:
            chain.append(self.styles["Normal"])
        return chain

    def style_ppr(self, style_id: str | None, tag: str) -> etree._Element | None:
        for style in self._chain(style_id):
            node = style.find(f"w:pPr/{tag}", NS)
            if node is not None:
                return node
        return self.defaults.find(f"w:pPrDefault/w:pPr/{tag}", NS)

    def style_rpr(self, style_id: str | None, tag: str, *, with_defaults: bool = False) -> etree._Element | None:
        for style in self._chain(style_id):
            node = style.find(f"w:rPr/{tag}", NS)
            if node is not None:
                return node
        if with_defaults:
            return self.defaults.find(f"w:rPrDefault/w:rPr/{tag}", NS)
        return None

    def footers(self) -> dict[str, etree._Element]:
        """Footer parts by type (default = odd pages, even)."""
        rels = self.xml("word/_rels/document.xml.rels")
        targets = {r.get("Id"): r.get("Target") for r in rels}
        result = {}
        for ref in self.sect.findall("w:footerReference", NS):
            rid = ref.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
            result[ref.get(q("w:type"))] = self.xml("word/" + targets[rid])
        return result


def attr(element: etree._Element | None, name: str) -> str | None:
    return None if element is None else element.get(q(f"w:{name}"))
