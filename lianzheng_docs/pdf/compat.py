"""Adjust a .docx for LibreOffice before converting it, without touching the user's file.

LibreOffice 7.4's OOXML import maps ``w:overflowPunct`` inverted: writerfilter sets
``ParaIsHangingPunctuation = (val == 0)``, so the ``val="0"`` that tells Word "never hang
punctuation past the margin" makes LibreOffice hang it, and a full line's closing "，" lands
5.7 mm outside the 156 mm text area (measured). The copy given to LibreOffice says ``val="1"``,
which LibreOffice reads as "do not hang".
"""

from __future__ import annotations

import io
import zipfile

_PARTS = ("word/styles.xml", "word/document.xml")


def for_libreoffice(content: bytes) -> bytes:
    """The .docx with LibreOffice's known import inversions compensated."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename in _PARTS:
                data = data.replace(b'<w:overflowPunct w:val="0"/>', b'<w:overflowPunct w:val="1"/>')
            target.writestr(info, data)
    return out.getvalue()
