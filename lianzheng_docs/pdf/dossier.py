"""The yearly dossier (年度汇编): chosen records' PDFs merged behind a 归档文件目录, with bookmarks.

Each record is represented by its PDF copy; a record filed only as .docx gets its stamped PDF/A
copy made first (one LibreOffice batch for all of them) and attached to the record, so the
archive keeps it and the next dossier is faster. The catalog lists 序号, 档号, 文号,
责任者, 题名, 日期 (YYYYMMDD), 密级, 页数, 备注 (DA/T 22-2015); bookmarks are nested by 文种, then
by document. Page counts are recorded on the records.

The last page is a 备考表 (DA/T 22-2015 asks for one with each box): how many 件 and pages the
dossier holds, room for notes, the lines 立卷人, 检查人 and 日期 sign, and the audit checkpoint
at the time of printing (entries, head, time; key fingerprint and signature when signed), with the
command that checks the archive against it. On paper, the checkpoint is an anchor nobody with
access to the archive's machine can rewrite.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import docx.shared
from docx.enum.text import WD_ALIGN_PARAGRAPH
from pypdf import PdfReader, PdfWriter

from ..archive import Archive, ArchiveError, Record
from ..errors import OutputError
from ..gbt9704 import figures as G
from ..layout.builder import GongwenDocument
from .convert import ConversionError, convert
from .copies import make_archive_copies
from .output import write_pdf

COLUMNS = ["序号", "档号", "文号", "责任者", "题名", "日期", "密级", "页数", "备注"]
WIDTHS_MM = [7, 29, 24, 19, 31, 20, 14, 7, 5]  # 日期 (8 digits) and 密级 (秘密★1年 in two lines) unbroken
#: the 备考表's two columns: label, value (the text area is 156 mm)
NOTE_WIDTHS_MM = [38, 118]
#: where the 立卷人, 检查人 and 日期 lines begin, from the left of the text area
SIGNING_INDENT_MM = 62
#: catalog rows a page is first assumed to hold, and rows' worth of room the heading takes on the
#: first (measured with two-line titles: 14 rows take 2 pages, 28 take 3, 60 take 6). The 备考表
#: states the dossier's total pages, so the catalog's count is guessed, and the 备考表 made again
#: when the guess was wrong.
ROWS_PER_CATALOG_PAGE, HEADING_ROWS = 11, 3


@dataclass(frozen=True)
class Dossier:
    path: Path
    records: int
    pages: int
    catalog_pages: int
    #: the 备考表 at the end (one page)
    note_pages: int = 1


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
        for record in records:  # audited before the checkpoint is read, so the 备考表 covers them
            archive.set_page_count(record.id, pages[record.id])
        catalog, note = _front_and_back(records, pages, heading, archive.registry.checkpoint(), work)
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
        note_first = len(writer.pages)
        writer.append(str(note), import_outline=False)
        writer.add_outline_item(title="备考表", page_number=note_first)
        writer.add_metadata({"/Title": heading, "/Producer": "lianzheng-docs", "/Subject": "年度汇编"})
        total = len(writer.pages)
        write_pdf(writer, target, overwrite=overwrite)
    return Dossier(target, len(records), total, catalog_pages, total - note_first)


def _front_and_back(
    records: list[Record], pages: dict[int, int], heading: str, checkpoint: Mapping[str, Any] | None, work: Path
) -> tuple[Path, Path]:
    """The catalog and the 备考表 as PDF/A, converted in one LibreOffice batch.

    The 备考表 states the dossier's total pages, catalog included, which only conversion tells: the
    catalog's pages are guessed, and when the guess (or the 备考表's own single page) was wrong the
    备考表 is made again with the counts just learnt (a second, short batch).
    """
    documents = sum(pages.values())
    catalog_docx = _catalog(records, pages, heading, work)
    counts = (-(-(len(records) + HEADING_ROWS) // ROWS_PER_CATALOG_PAGE), 1)  # (catalog pages, 备考表 pages)
    sources = [catalog_docx]
    pdfs: dict[Path, Path] = {}
    for attempt in range(3):
        note_docx = _note(heading, len(records), documents, counts, checkpoint, work / f"备考表-{attempt}.docx")
        result = convert([*sources, note_docx], work / f"pdf-{attempt}", pdfa=True)
        if result.failed:
            failed = next(iter(result.failed))
            what = "归档文件目录" if failed == catalog_docx else "备考表"
            raise ConversionError(f"{what}无法转为 PDF：{result.failed[failed]}")
        pdfs.update(result.pdfs)
        found = (len(PdfReader(str(pdfs[catalog_docx])).pages), len(PdfReader(str(pdfs[note_docx])).pages))
        if found == counts:
            return pdfs[catalog_docx], pdfs[note_docx]
        counts, sources = found, []  # the catalog is done; only the 备考表 is made again
    raise ConversionError("备考表的页数无法确定（每次排版的页数都不同）")


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
    return source


def _note(
    heading: str, items: int, documents: int, counts: tuple[int, int], checkpoint: Mapping[str, Any] | None,
    source: Path,
) -> Path:  # fmt: skip
    """The 备考表 (.docx at ``source``): counts, room for notes, the checkpoint, the signature lines."""
    catalog_pages, own_pages = counts
    total = catalog_pages + documents + own_pages
    doc = GongwenDocument(title="备考表", page_numbers=False)
    doc.title("备考表")
    heading_line = doc.paragraph(heading, style="GwDocNumber")
    rows = [
        ["汇编情况", f"本汇编共 {items} 件、{total} 页。\n其中归档文件目录 {catalog_pages} 页，文件 {documents} 页，"
                     f"备考表 {own_pages} 页。"],
        ["情况说明", "（文件缺损、修改、补充、移出等情况）\n\n\n\n"],
        *_checkpoint_rows(checkpoint),
    ]  # fmt: skip
    heading_line.paragraph_format.space_after = docx.shared.Pt(8)
    doc.table([], rows, widths_mm=NOTE_WIDTHS_MM, text_size="小四", center_columns=(0,), cell_margin=G.mm(1.5))
    doc.blank()
    for line in ("立卷人：", "检查人：", "日　期：　　　　年　　月　　日"):  # room to sign between the lines
        form = doc.paragraph(line, style="GwPlain").paragraph_format
        form.left_indent, form.space_before = docx.shared.Mm(SIGNING_INDENT_MM), docx.shared.Pt(10)
        form.alignment = WD_ALIGN_PARAGRAPH.LEFT
    doc.save(source)
    return source


def _checkpoint_rows(checkpoint: Mapping[str, Any] | None) -> list[list[str]]:
    """The audit checkpoint as 备考表 rows: what it says at printing, and how to check the archive."""
    if checkpoint is None:
        missing = "打印时没有可读的审计检查点（checkpoint.json）：请运行 lianzheng archive verify 检查档案"
        return [["审计检查点", missing]]
    entries, head = int(checkpoint["audit_entries"]), str(checkpoint["audit_head"]).removeprefix("sha256:")
    written = str(checkpoint.get("written_at", ""))
    local = _local(written)
    rows = [
        ["审计记录条数", f"{entries} 条（本表打印时档案审计日志的条数）"],
        ["链头（SHA-256）", _wrapped(head, 32, 16)],
        ["写入时间", f"{written}\n（{local}）" if local else written],
    ]
    anchor = f"--anchor {entries}:{head[:16]}"
    if checkpoint.get("signature"):
        rows += [
            ["签名密钥指纹", str(checkpoint.get("key", ""))],
            ["签名（Ed25519）", _wrapped(str(checkpoint["signature"]), 44, 44)],
            ["核对方法", f"用档案以外保存的公钥核对：\nlianzheng archive verify --public-key 公钥.pem\n{anchor}\n"
                         f"签名须有效，且审计日志第 {entries} 条的哈希须仍是上列链头。"],
        ]  # fmt: skip
    else:
        rows += [
            ["签名", "未签名（归档时没有配置签名私钥）"],
            ["核对方法", f"lianzheng archive verify {anchor}\n审计日志第 {entries} 条的哈希须仍是上列链头。"],
        ]
    return rows


def _wrapped(text: str, line: int, group: int) -> str:
    """``text`` in lines of ``line`` characters, each in groups of ``group`` (easier to read out)."""
    lines = [text[i : i + line] for i in range(0, len(text), line)]
    return "\n".join(" ".join(part[j : j + group] for j in range(0, len(part), group)) for part in lines)


def _local(written: str) -> str:
    """An ISO time as this machine's local time, e.g. ``本机时间 2026-03-05 18:22:11，UTC+08:00``
    (the checkpoint's own form is printed too: the signature covers it letter for letter)."""
    try:
        stored = datetime.fromisoformat(written)
        moment = stored.astimezone()
    except ValueError:
        return ""
    if moment.utcoffset() == stored.utcoffset():
        return ""  # the same clock: said once
    offset = f"{moment:%z}"  # +0800
    return f"本机时间 {moment:%Y-%m-%d %H:%M:%S}，UTC{offset[:3]}:{offset[3:]}"
