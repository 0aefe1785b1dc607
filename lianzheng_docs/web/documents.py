"""What the desk does with a template and data: make the .docx, file it, find a filed file.

The same steps as ``lianzheng render`` and ``render --archive``: validate and render, then the
finishing step (the 版记 laid out on the last even page, when the document has one; LibreOffice
is started only then), then, when filing, the archive numbers, stores and indexes it in one step.
Blocking work: the views call these in a worker thread.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..archive import Archive, Record, RecordNotFound
from ..archive.history import AccessAction
from ..errors import LianzhengError
from ..finishing import finish
from ..templating.catalog import Template
from .access import Forbidden, User, can_see


@dataclass
class Made:
    """A rendered, finished .docx and what the clerk should be told about it."""

    content: bytes
    title: str
    warnings: list[str] = field(default_factory=list)

    @property
    def filename(self) -> str:
        return download_name(self.title)


def make_docx(template: Template, data: dict[str, Any]) -> Made:
    """Validate, render and finish ``data`` for ``template``; raises ValidationError with every problem."""
    document = template.render(data)
    title = document.title or template.title
    (finished,) = finish([document.content], names=[title])
    return Made(finished.content, title, list(finished.warnings))


def file_document(root: Path, template: Template, data: dict[str, Any], *, actor: str) -> tuple[Record, list[str]]:
    """Number, render, finish, store and index ``data`` in the archive at ``root``; the record and the warnings."""
    warnings: list[str] = []

    def finished(content: bytes) -> bytes:
        (result,) = finish([content], names=[template.title])
        warnings.extend(result.warnings)
        return result.content

    with Archive(root, actor=actor) as archive:
        record = archive.file_rendered(template, data, finish=finished)
        return record, warnings + archive.warnings


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
