"""The archive copy of a PDF: the 归档章 on its first page, and its metadata in Info and XMP.

DA/T 22-2015 asks for an archive stamp in the blank space at the top of the first page with the
全宗号, 年度, 保管期限 and 件号 (机构 optional). pypdf cannot set Chinese text itself, so the stamp
is laid out with the layout kit on an otherwise blank A4 page, converted by LibreOffice (in the
same batch as the document when there is one, so it costs no extra start), and merged onto the
first page with pypdf: its text stays real text that pypdf extracts again. The title, 文号, 档号
and keywords are written to both the Info dictionary and XMP, keeping PDF/A's rule that they agree.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.enum.table import WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.shared import Mm, Pt
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, StreamObject

from ..gbt9704 import figures as G
from ..layout.builder import GongwenDocument
from ..layout.ooxml import PPR_ORDER, element, exact_spacing, set_child
from ..templating.manifest import RETENTION_NAMES
from .output import write_pdf

STAMP_WIDTH_MM = 45.0  # the six-cell stamp of DA/T 22: 45 mm x 16 mm
STAMP_ROW_MM = 8.0
STAMP_TOP_MM = 10.0  # inside the 37 mm 天头, clear of the text area
STAMP_RIGHT_MM = 20.0


@dataclass(frozen=True)
class StampFields:
    fonds: str
    year: int
    retention: str  # Y, D30 or D10
    item: int
    org: str = ""

    @property
    def cells(self) -> list[list[tuple[str, str]]]:
        """(label, value) per cell, two rows of three: 全宗号 年度 件号 / 机构 保管期限 (blank)."""
        return [
            [("全宗号", self.fonds), ("年度", str(self.year)), ("件号", f"{self.item:04d}")],
            [("机构（问题）", self.org), ("保管期限", RETENTION_NAMES.get(self.retention, self.retention)), ("", "")],
        ]


def stamp_page(fields: StampFields) -> bytes:
    """A .docx of one blank A4 page carrying the stamp at its top right, in red."""
    doc = GongwenDocument(title="归档章", page_numbers=False)
    section = doc.doc.sections[0]
    section.top_margin = Mm(STAMP_TOP_MM)
    section.right_margin = Mm(STAMP_RIGHT_MM)
    width = STAMP_WIDTH_MM / 3
    table = doc.table([], [["", "", ""], ["", "", ""]], widths_mm=[width] * 3, row_height_mm=STAMP_ROW_MM,
                      cell_margin=G.mm(0.5))  # fmt: skip
    table.alignment = WD_TABLE_ALIGNMENT.RIGHT
    for row, values in zip(table.rows, fields.cells, strict=True):
        row.height_rule = WD_ROW_HEIGHT_RULE.EXACTLY
        for cell, (label, value) in zip(row.cells, values, strict=True):
            first = cell.paragraphs[0]
            for paragraph, text, size in ((first, label, 5.5), (cell.add_paragraph(), value, 7.5)):
                paragraph.alignment = 1
                ppr = paragraph._p.get_or_add_pPr()
                set_child(ppr, element("w:snapToGrid", {"w:val": 0}), PPR_ORDER)  # off the 28.95 pt grid
                set_child(ppr, exact_spacing(G.pt(size * 1.2)), PPR_ORDER)
                run = paragraph.add_run(text)
                run.font.size = Pt(size)
                run.font.color.rgb = docx.shared.RGBColor(0xD0, 0, 0)
    _red_borders(table)
    return doc.to_bytes()


def _red_borders(table: docx.table.Table) -> None:
    from docx.oxml.ns import qn

    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    for side in borders:
        side.set(qn("w:color"), "D00000")
        side.set(qn("w:sz"), "8")


def apply_stamp(pdf: Path, stamp_pdf: Path, target: Path) -> None:
    """Write ``pdf`` with the stamp page merged onto its first page to ``target`` (atomically)."""
    writer = PdfWriter(clone_from=str(pdf))
    overlay = PdfReader(str(stamp_pdf)).pages[0]
    writer.pages[0].merge_page(overlay)
    write_pdf(writer, target)


def set_metadata(pdf: Path, target: Path, *, title: str, doc_number: str, archival_code: str,
                 author: str = "", kind: str = "") -> None:  # fmt: skip
    """Title, 文号, 档号 and keywords in both the Info dictionary and XMP (PDF/A wants them to agree).

    The XMP packet is written whole: pypdf's property setters put every element into the first
    ``rdf:Description``, whose namespace LibreOffice declares per description, and the result is
    not well-formed XML. The PDF/A identification and the dates of the original are kept.
    """
    writer = PdfWriter(clone_from=str(pdf))
    keywords = "; ".join(k for k in (doc_number, archival_code, kind) if k)
    info = {"/Title": title, "/Keywords": keywords, "/Producer": "lianzheng-docs", "/Subject": kind or "档案"}
    if author:
        info["/Author"] = author
    writer.add_metadata(info)
    old = _old_xmp(pdf)
    stream = StreamObject()
    stream.set_data(_xmp_packet(old, title=title, identifier=archival_code, keywords=keywords, author=author,
                                subject=kind).encode("utf-8"))  # fmt: skip
    stream.update({NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")})
    writer.root_object[NameObject("/Metadata")] = writer._add_object(stream)
    write_pdf(writer, target)


def _old_xmp(pdf: Path) -> dict[str, str]:
    """The PDF/A identification and dates of an existing XMP packet, as far as it can be read."""
    try:
        xmp = PdfReader(str(pdf)).xmp_metadata
    except Exception:
        return {}
    if xmp is None:
        return {}
    values = {}
    for key, namespace, name in (
        ("part", "http://www.aiim.org/pdfa/ns/id/", "part"),
        ("conformance", "http://www.aiim.org/pdfa/ns/id/", "conformance"),
        ("created", "http://ns.adobe.com/xap/1.0/", "CreateDate"),
        ("tool", "http://ns.adobe.com/xap/1.0/", "CreatorTool"),
    ):
        for node in xmp.get_element("", namespace, name):
            text = node.firstChild.data if node.firstChild is not None else ""
            if text:
                values[key] = text
    return values


def _xmp_packet(old: dict[str, str], *, title: str, identifier: str, keywords: str, author: str,
                subject: str) -> str:  # fmt: skip
    esc = html.escape
    pdfaid = (
        f"<pdfaid:part>{esc(old['part'])}</pdfaid:part><pdfaid:conformance>{esc(old.get('conformance', 'B'))}"
        "</pdfaid:conformance>"
        if "part" in old
        else ""
    )
    creator = f"<dc:creator><rdf:Seq><rdf:li>{esc(author)}</rdf:li></rdf:Seq></dc:creator>" if author else ""
    description = (
        f'<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{esc(subject)}</rdf:li></rdf:Alt></dc:description>'
        if subject
        else ""
    )
    dates = f"<xmp:CreateDate>{esc(old['created'])}</xmp:CreateDate>" if "created" in old else ""
    tool = f"<xmp:CreatorTool>{esc(old['tool'])}</xmp:CreatorTool>" if "tool" in old else ""
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/"'
        ' xmlns:xmp="http://ns.adobe.com/xap/1.0/">'
        f"{pdfaid}"
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{esc(title)}</rdf:li></rdf:Alt></dc:title>'
        f"<dc:identifier>{esc(identifier)}</dc:identifier>{creator}{description}"
        f"<pdf:Keywords>{esc(keywords)}</pdf:Keywords><pdf:Producer>lianzheng-docs</pdf:Producer>"
        f"{tool}{dates}"
        '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    )
