"""Deterministic .docx packaging (equal documents become equal bytes), and one python-docx repair.

python-docx stamps every zip entry with the current time, so rendering the same data twice
gives different files. Fixed timestamps make rebuilt templates comparable and let the archive
recognise a document filed twice.
"""

from __future__ import annotations

import io
import zipfile

_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def normalize_docx(content: bytes) -> bytes:
    """Rewrite the .docx zip with fixed timestamps and permissions, entries in their order."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


# -------------------------------------------------------------------------------------------
# docxcompose (which docxtpl imports whenever it is installed, and which joins 附件 here) updates
# python-docx's global prefix map on import: ``cp`` becomes the custom-properties namespace. From
# then on python-docx no longer finds a document's core properties and writes them a second time
# (two ``cp:lastModifiedBy`` elements; a rebuilt template differs from the committed one). Measured
# with docxcompose 2.2.0 and python-docx 1.2. docxcompose only needs the prefix for custom
# properties, which this project never asks it to touch.

CORE_PROPERTIES_NS = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"


def restore_namespaces() -> None:
    """Give ``cp`` back its python-docx meaning (core properties); harmless when nothing changed it."""
    from docx.oxml.ns import nsmap

    nsmap["cp"] = CORE_PROPERTIES_NS
