"""The yearly dossier (年度汇编): chosen records' PDFs merged behind a 归档文件目录, with bookmarks.

Each record is represented by its PDF copy; a record filed only as .docx gets its stamped PDF/A
copy made first (one LibreOffice batch for all of them) and attached to the record, so the
archive keeps it and the next dossier is faster. The catalog lists 序号, 档号, 文号,
责任者, 题名, 日期 (YYYYMMDD), 密级, 页数, 备注 (DA/T 22-2015); bookmarks are nested by 文种, then
by document. Page counts are recorded on the records.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from ..archive import Archive, ArchiveError, Record
from ..errors import OutputError
from ..gbt9704 import figures as G
from ..layout.builder import GongwenDocument
from .convert import ConversionError, convert
from .copies import make_archive_copies
from .output import write_pdf

COLUMNS = ["序号", "档号", "文号", "责任者", "题名", "日期", "密级", "页数", "备注"]
WIDTHS_MM = [8, 31, 24, 21, 37, 16, 7, 7, 5]


@dataclass(frozen=True)
class Dossier:
    path: Path
    records: int
    pages: int
    catalog_pages: int


def build_dossier(
    archive: Archive, records: list[Record], target: Path, *, heading: str, overwrite: bool = False
) -> Dossier:
    """Write the dossier of ``records`` (in 档号 order) to ``target`` atomically."""
    if not records:
        raise OutputError("没有符合条件的档案，无法汇编")
    if target.exists() and not overwrite:
        raise OutputError(f"文件 {target} 已存在；如要覆盖，请加 --force")
    records = sorted(records, key=lambda r: (r.year, r.retention, r.org, r.item))
    with tempfile.TemporaryDirectory(prefix="lianzheng-dossier-") as tmp:
        work = Path(tmp)
        records = make_archive_copies(archive, records)
        pdfs = {r.id: archive.path_of(r, _pdf_role(r)) for r in records}
        pages = {r.id: _page_count(r, pdfs[r.id]) for r in records}
        catalog = _catalog(records, pages, heading, work)
        writer = PdfWriter()
        writer.append(str(catalog), import_outline=False)
        catalog_pages = len(writer.pages)
        writer.add_outline_item(title="归档文件目录", page_number=0)
        groups: dict[str, list[Record]] = defaultdict(list)
        for record in records:
            groups[record.kind or "其他"].append(record)
        for kind, members in groups.items():
            starts = []
            for record in members:  # the documents' own heading bookmarks are left out
                starts.append(len(writer.pages))
                writer.append(str(pdfs[record.id]), import_outline=False)
            parent = writer.add_outline_item(title=kind, page_number=starts[0])
            for record, first in zip(members, starts, strict=True):
                label = f"{record.archival_code} {record.title}"
                writer.add_outline_item(title=label, page_number=first, parent=parent)
        writer.add_metadata({"/Title": heading, "/Producer": "lianzheng-docs", "/Subject": "年度汇编"})
        total = len(writer.pages)
        write_pdf(writer, target, overwrite=overwrite)
    for record in records:
        archive.set_page_count(record.id, pages[record.id])
    return Dossier(target, len(records), total, catalog_pages)


def _page_count(record: Record, pdf: Path) -> int:
    try:
        return len(PdfReader(str(pdf)).pages)
    except Exception as exc:
        raise ArchiveError(f"档号 {record.archival_code} 的 PDF 无法读取（请运行 archive verify）：{exc}") from exc


def _pdf_role(record: Record) -> str:
    """The stamped archive copy when there is one, else a PDF original."""
    roles = {f.role for f in record.files}
    return "pdf" if "pdf" in roles else "original"


def _catalog(records: list[Record], pages: dict[int, int], heading: str, work: Path) -> Path:
    doc = GongwenDocument(title="归档文件目录", page_numbers=False)
    doc.title("归档文件目录")
    doc.paragraph(heading, style="GwDocNumber")
    rows = [
        [str(n), r.archival_code, r.doc_number or "", r.author, r.title, (r.date or "").replace("-", ""),
         r.secrecy, str(pages[r.id]), ""]
        for n, r in enumerate(records, 1)
    ]  # fmt: skip
    doc.table(COLUMNS, rows, widths_mm=WIDTHS_MM, text_size="五号", center_columns=(0, 5, 6, 7), cell_margin=G.mm(0.8))
    source = work / "catalog.docx"
    doc.save(source)
    result = convert([source], work / "catalog", pdfa=True)
    if result.failed:
        raise ConversionError(f"归档文件目录无法转为 PDF：{result.failed[source]}")
    return result.pdfs[source]
