"""What the desk does with a template and data: make the .docx or the PDF, file it, find a filed file.

The same steps as ``lianzheng render``, ``render --pdf`` and ``render --archive``: validate and
render, then the finishing step (the 版记 laid out on the last even page, when the document has
one; LibreOffice is started only then, or always for a PDF, whose final layout it gives), then,
when filing, the archive numbers, stores and indexes it in one step. Blocking work: the views
call these in a worker thread.

Each LibreOffice run has a profile of its own (:mod:`lianzheng_docs.pdf.convert`), so runs may
overlap; but each costs a CPU and a few hundred MB for seconds, so the desk lets at most
:data:`LIBREOFFICE_RUNS` run at once and makes the others wait their turn (:func:`libreoffice_turn`).
"""

from __future__ import annotations

import re
import tempfile
import threading
import unicodedata
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..archive import Archive, Record, RecordNotFound
from ..archive.history import AccessAction
from ..archive.retention import destroyed_files
from ..errors import ExitCode, LianzhengError
from ..finishing import Finished, finish
from ..templating.catalog import Template
from .access import Forbidden, User, can_see, may_file_for

#: LibreOffice runs the desk lets overlap (finishing, PDFs, previews); the others wait their turn
LIBREOFFICE_RUNS = 2
#: seconds a request waits for its turn before it is told the desk is busy
LIBREOFFICE_WAIT = 120.0
_turns = threading.BoundedSemaphore(LIBREOFFICE_RUNS)


class Busy(LianzhengError):
    """Every LibreOffice turn stayed taken for :data:`LIBREOFFICE_WAIT` seconds (HTTP 503)."""

    exit_code = ExitCode.OUTPUT
    http_status = 503


@contextmanager
def libreoffice_turn(wait: float | None = None) -> Iterator[None]:
    """Hold one of the desk's LibreOffice turns for the block; :class:`Busy` if none comes free in time."""
    if not _turns.acquire(timeout=LIBREOFFICE_WAIT if wait is None else wait):
        raise Busy("服务器正忙（正在为其他人排版或生成 PDF），请稍后再试")
    try:
        yield
    finally:
        _turns.release()


@dataclass
class Made:
    """A rendered, finished .docx (or its PDF) and what the clerk should be told about it."""

    content: bytes
    title: str
    warnings: list[str] = field(default_factory=list)
    suffix: str = ".docx"
    #: pages of the final layout, when it was laid out
    pages: int | None = None

    @property
    def filename(self) -> str:
        return download_name(self.title, self.suffix)


def _finish(content: bytes, title: str, *, pdfs: bool = False) -> Finished:
    with libreoffice_turn():
        (finished,) = finish([content], names=[title], pdfs=pdfs)
    return finished


def make_docx(template: Template, data: dict[str, Any]) -> Made:
    """Validate, render and finish ``data`` for ``template``; raises ValidationError with every problem."""
    document = template.render(data)
    title = document.title or template.title
    finished = _finish(document.content, title)
    return Made(finished.content, title, list(finished.warnings), pages=finished.pages)


def make_pdf(template: Template, data: dict[str, Any]) -> Made:
    """Validate, render, finish and lay out ``data`` for ``template``: the PDF ``render --pdf`` writes.

    The finishing step's final layout is the PDF (one LibreOffice start); when it gave none (the
    layout could not be confirmed), the finished .docx is converted, as ``render --pdf`` does. The
    warnings are the finishing step's, the fonts' (:func:`font_warnings`) and the printed page's
    errors by the checker, as ``render --pdf`` prints them.
    :raises ConversionError: LibreOffice is missing (saying how to install it) or failed.
    """
    from ..pdf.convert import convert_to_pdf, find_soffice

    document = template.render(data)  # the data's problems first: they are the clerk's to fix
    find_soffice()  # then, without LibreOffice, say how to install it
    title = document.title or template.title
    finished = _finish(document.content, title, pdfs=True)
    with tempfile.TemporaryDirectory(prefix="lianzheng-pdf-") as work:
        if finished.pdf is None:
            source = Path(work) / "document.docx"
            source.write_bytes(finished.content)
            with libreoffice_turn():
                (pdf,) = convert_to_pdf([source], Path(work) / "pdf")
        else:
            pdf = Path(work) / "document.pdf"
            pdf.write_bytes(finished.pdf)
        content = pdf.read_bytes()
        warnings = list(finished.warnings) + _printed_warnings(pdf, title)
    return Made(content, title, warnings, suffix=".pdf", pages=finished.pages)


def _printed_warnings(pdf: Path, title: str) -> list[str]:
    """The fonts' warnings and the printed page's errors, as ``render --pdf`` warns of them."""
    from ..check import UnreadableDocument, check_document
    from ..pdf.fonts import font_warnings

    warnings = [warning.replace(pdf.name, title) for warning in font_warnings(pdf)]
    try:
        errors = check_document(pdf, name=title).errors
    except UnreadableDocument as exc:
        return [*warnings, exc.message.replace(str(pdf), title)]
    for finding in errors:
        where = f"（{finding.where}）" if finding.where else ""
        warnings.append(f"版式检查 GB/T 9704 {finding.clause} {finding.message}{where}")
    return warnings


def file_document(
    root: Path, template: Template, data: dict[str, Any], *, actor: str, allow_duplicate: bool = False,
    allow_future_date: bool = False,
) -> tuple[Record, list[str]]:  # fmt: skip
    """Number, render, finish, store and index ``data`` in the archive at ``root``; the record and the warnings.

    Refused as ``lianzheng render --archive`` refuses: the same document filed again (``AlreadyFiled``,
    ``DuplicateDocument``) unless ``allow_duplicate``, a 成文日期 after today (``FutureDateError``)
    unless ``allow_future_date``; nothing is numbered or stored then.
    """
    warnings: list[str] = []

    def finished(content: bytes) -> bytes:
        result = _finish(content, template.title)
        warnings.extend(result.warnings)
        return result.content

    with Archive(root, actor=actor) as archive:
        record = archive.file_rendered(template, data, finish=finished, allow_duplicate=allow_duplicate,
                                       allow_future_date=allow_future_date)  # fmt: skip
        return record, warnings + archive.warnings


def refuse_other_unit(user: User, template: Template, data: Mapping[str, Any]) -> None:
    """A 科室 or 纪检组 account files only under its own unit (办公室: any). The data is validated
    first, so a caller whose data is wrong hears of its problems, not of the unit."""
    unit = template.metadata(data).get("unit", "")
    if not may_file_for(user, unit):
        raise Forbidden(f"账号 {user.name} 只能以本单位“{user.unit}”的名义归档，此文件的单位是“{unit}”")


class OutsideArchive(LianzhengError):
    """A stored path that leads out of the archive folder: never served."""

    exit_code = RecordNotFound.exit_code


def stored_file(
    root: Path, record_id: int, *, user: User, actor: str, role: str = "original", action: AccessAction = "download"
) -> tuple[Record, Path]:
    """The record ``record_id`` (its id, nothing else) and its file of ``role``, which must lie inside the
    archive, for ``user`` who must be allowed to see it; the access is written to the audit log.

    The registry's paths are relative to the archive; one that climbs out (``../``) or a file
    replaced by a link elsewhere is refused, whatever put it there. A record ``user`` may not see
    is refused before anything of it is read or logged as served.
    """
    with Archive(root, create=False, actor=actor) as archive:
        record = archive.get(record_id)
        if record.id != record_id:
            raise RecordNotFound(f"档案中没有 id 为 {record_id} 的记录")
        if not can_see(user, record):
            raise Forbidden(f"账号 {user.name} 无权查看这件档案（只能查看本单位“{user.unit}”的文件）")
        path = archive.path_of(record, role)
        base = archive.root.resolve()
        real = path.resolve()
        if not real.is_relative_to(base / "files") or not real.is_file():
            # only a file not there is looked up among the destroyed (a scan of the audit log, not per download)
            gone = destroyed_files(archive.registry).get(str(path.relative_to(archive.root)))
            if gone is not None and not path.exists():
                raise RecordNotFound(f"档号 {record.archival_code} 的文件已于 {gone.destroyed_on} 按第 {gone.decision}"
                                     " 号鉴定决定销毁；其目录信息和销毁记录仍在档案中")  # fmt: skip
            raise OutsideArchive(f"档号 {record.archival_code} 的文件不在档案的 files/ 文件夹中，不予提供")
        archive.record_access(record.id, action, file=role, path=str(path.relative_to(archive.root)))
    return record, real


def download_name(title: str, suffix: str = ".docx") -> str:
    """A file name from a document's title: no path separators, control or invisible characters, not too long."""
    cleaned = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in title)
    cleaned = re.sub(r'[\\/:*?"<>|]+', "_", cleaned).strip(" .") or "文档"
    return cleaned[:80] + suffix


def content_disposition(filename: str) -> str:
    """``attachment`` with the UTF-8 name (RFC 6266 / 5987) and an ASCII stand-in for old clients."""
    fallback = "document" + Path(filename).suffix
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
