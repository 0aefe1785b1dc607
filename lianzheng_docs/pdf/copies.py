"""Archive copies: a stamped PDF beside each record, made in one LibreOffice batch.

A record filed as .docx gets a PDF/A-2b rendering; a record filed as a received PDF keeps its
original untouched (its hash is its evidence) and gets a copy of it. Either copy carries the
归档章 on its first page and the record's metadata, and is filed on the record as role ``pdf``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from ..archive import Archive, Record
from .convert import ConversionError, convert
from .stamp import StampFields, apply_stamp, set_metadata, stamp_page


def make_archive_copies(archive: Archive, records: list[Record]) -> list[Record]:
    """Give each record without a ``pdf`` copy its stamped copy; returns the records as they are after."""
    missing = [r for r in records if not any(f.role == "pdf" for f in r.files)]
    if not missing:
        return records
    with tempfile.TemporaryDirectory(prefix="lianzheng-copies-") as tmp:
        work = Path(tmp)
        (work / "stamps").mkdir()
        originals = {r.id: archive.path_of(r) for r in missing}
        to_render = [path for r in missing if (path := originals[r.id]).suffix.lower() == ".docx"]
        stamps = {}
        for record in missing:
            stamp = work / "stamps" / f"stamp-{record.id}.docx"
            stamp.write_bytes(stamp_page(StampFields(record.fonds, record.year, record.retention, record.item,
                                                     record.org)))  # fmt: skip
            stamps[record.id] = stamp
        result = convert([*to_render, *stamps.values()], work / "pdf", pdfa=True)
        if result.failed:
            details = "；".join(f"{p.name}：{reason}" for p, reason in result.failed.items())
            raise ConversionError(f"以下档案无法转为 PDF：{details}")
        done: dict[int, Record] = {}
        for record in missing:
            original = originals[record.id]
            rendering = result.pdfs.get(original, original)  # a received PDF is its own rendering
            stamped = work / f"{record.id}.stamped.pdf"
            apply_stamp(rendering, result.pdfs[stamps[record.id]], stamped)
            final = work / f"{record.archival_code}.pdf"
            set_metadata(stamped, final, title=record.title, doc_number=record.doc_number or "",
                         archival_code=record.archival_code, author=record.author, kind=record.kind)  # fmt: skip
            done[record.id] = archive.attach(record.id, final, role="pdf")
    return [done.get(r.id, r) for r in records]
