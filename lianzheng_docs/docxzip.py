"""Deterministic .docx packaging (equal documents become equal bytes), the bounds every reader of a
.docx holds it to, and one python-docx repair.

python-docx stamps every zip entry with the current time, so rendering the same data twice
gives different files. Fixed timestamps make rebuilt templates comparable and let the archive
recognise a document filed twice.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping

_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

# -------------------------------------------------------------------------------------------
# Bounds: a .docx of a 公文 is kilobytes. Checking, filing and 附件 read documents within these,
# judged from the zip directory before anything is unpacked (reading a part never yields more
# than its declared size: a longer stream fails its CRC check). A 2.3 MB file holding a 1.5 GB
# document.xml took 6 GB through filing before it had these.

MAX_FILE_BYTES = 200 * 1024 * 1024  # the .docx itself; 200 MB is generous
MAX_PART_BYTES = 64 * 1024 * 1024  # one XML part, uncompressed
MAX_TOTAL_BYTES = 512 * 1024 * 1024  # all parts, uncompressed (zip-bomb guard)
#: no entity expansion, no network, libxml2's default limits (a text node of at most 10 MB, depth 256)
ITERPARSE_OPTIONS: dict[str, bool] = {"resolve_entities": False, "no_network": True, "huge_tree": False}


def oversize(infos: list[zipfile.ZipInfo], parts: tuple[str, ...], label: str) -> str | None:
    """What is beyond the bounds in a zip directory (``infos``), reading ``parts`` of it; None if nothing.

    ``label`` names the file in the message, which says why and what to do."""
    read = [(info.file_size, info.filename) for info in infos if info.filename in parts]
    size, part = max(read, default=(0, ""))
    if size > MAX_PART_BYTES:
        return (
            f"{label} 的部件 {part} 解压后有 {size / 2**20:.0f} MB，超过 {MAX_PART_BYTES // 2**20} MB 的上限："
            "公文的正文只有几十 KB，这个文件可能是压缩炸弹，请核对来源"
        )
    total = sum(info.file_size for info in infos)
    if total > MAX_TOTAL_BYTES:
        return (
            f"{label} 解压后共有 {total / 2**20:.0f} MB，超过 {MAX_TOTAL_BYTES // 2**20} MB 的上限："
            "这个文件可能是压缩炸弹，请核对来源"
        )
    return None


def normalize_docx(content: bytes, *, replace: Mapping[str, bytes] | None = None) -> bytes:
    """Rewrite the .docx zip with fixed timestamps and permissions, entries in their order; the
    parts named in ``replace`` (that the package has) get the bytes given."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            data = (replace or {}).get(info.filename)
            target.writestr(entry, data if data is not None else source.read(info.filename))
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
