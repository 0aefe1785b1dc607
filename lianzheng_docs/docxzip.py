"""Deterministic .docx packaging: equal documents become equal bytes.

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
