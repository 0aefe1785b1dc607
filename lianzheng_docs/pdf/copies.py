"""Archive copies: a stamped PDF/A-2b beside each record filed as .docx, made in one batch."""

from __future__ import annotations

import tempfile
from pathlib import Path

from ..archive import Archive, Record
from .convert import ConversionError, convert
from .stamp import StampFields, apply_stamp, set_metadata, stamp_page


def make_archive_copies(archive: Archive, records: list[Record]) -> list[Record]:
    """Give each .docx-only record its PDF/A copy, with the 归档章 and metadata, filed as role ``pdf``.

    The documents and their stamp pages go through one LibreOffice start. Returns the records
    as they are afterwards; records that already have a PDF are returned unchanged.
    """
    missing = [r for r in records if not any(f.format == "pdf" for f in r.files)]
    if not missing:
        return records
    with tempfile.TemporaryDirectory(prefix="lianzheng-copies-") as tmp:
        work = Path(tmp)
        (work / "stamps").mkdir()
        sources, stamps = [], []
        for record in missing:
            sources.append(archive.path_of(record))
            stamp = work / "stamps" / f"stamp-{record.id}.docx"
            fields = StampFields(record.fonds, record.year, record.retention, record.item, record.org)
            stamp.write_bytes(stamp_page(fields))
            stamps.append(stamp)
        result = convert([*sources, *stamps], work / "pdf", pdfa=True)
        if result.failed:
            details = "；".join(f"{p.name}：{reason}" for p, reason in result.failed.items())
            raise ConversionError(f"以下档案无法转为 PDF：{details}")
        done: dict[int, Record] = {}
        for record, source, stamp in zip(missing, sources, stamps, strict=True):
            stamped = work / f"{record.archival_code}.stamped.pdf"
            apply_stamp(result.pdfs[source], result.pdfs[stamp], stamped)
            final = work / f"{record.archival_code}.pdf"
            set_metadata(stamped, final, title=record.title, doc_number=record.doc_number or "",
                         archival_code=record.archival_code, author=record.author, kind=record.kind)  # fmt: skip
            done[record.id] = archive.attach(record.id, final, role="pdf")
    return [done.get(r.id, r) for r in records]
