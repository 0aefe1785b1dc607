"""Adjust a .docx for LibreOffice before converting it, without touching the user's file.

LibreOffice follows a document's external relationships: an image "linked" to ``file:///…``
(``TargetMode="External"``) is read from this machine's disk and embedded in the PDF, so a
.docx from outside could pull any local file it names into a PDF that leaves the building. The
copy LibreOffice gets keeps external hyperlinks (LibreOffice does not fetch them) and loses every
other external relationship: linked images, OLE links, attached templates, sub-documents.

LibreOffice 7.4's OOXML import maps ``w:overflowPunct`` inverted: writerfilter sets
``ParaIsHangingPunctuation = (val == 0)``, so the ``val="0"`` that tells Word "never hang
punctuation past the margin" makes LibreOffice hang it, and a full line's closing "，" lands
5.7 mm outside the 156 mm text area (measured). The copy given to LibreOffice says ``val="1"``,
which LibreOffice reads as "do not hang".
"""

from __future__ import annotations

import io
import zipfile

from lxml import etree

_PARTS = ("word/styles.xml", "word/document.xml")
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_HYPERLINK = "/hyperlink"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def for_libreoffice(content: bytes) -> bytes:
    """The .docx with LibreOffice's known import inversions compensated and no external
    relationship but hyperlinks (see the module's docstring)."""
    return prepared(content)[0]


def prepared(content: bytes) -> tuple[bytes, list[str]]:
    """:func:`for_libreoffice`, and the external targets it removed (for a message)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    removed: list[str] = []
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename in _PARTS:
                data = data.replace(b'<w:overflowPunct w:val="0"/>', b'<w:overflowPunct w:val="1"/>')
            elif info.filename.endswith(".rels") and b"External" in data:
                data, gone = _without_external(data)
                removed.extend(gone)
            target.writestr(info, data)
    return out.getvalue(), removed


def _without_external(rels: bytes) -> tuple[bytes, list[str]]:
    root = etree.fromstring(rels, _PARSER)
    gone = []
    for relationship in list(root.iter(_RELS)):
        external = relationship.get("TargetMode") == "External"
        if external and not str(relationship.get("Type", "")).endswith(_HYPERLINK):
            gone.append(str(relationship.get("Target", "")))
            parent = relationship.getparent()
            if parent is not None:
                parent.remove(relationship)
    if not gone:
        return rels, []
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True), gone
