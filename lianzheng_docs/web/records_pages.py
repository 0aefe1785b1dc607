"""档案: the 归档文件目录, one record's page, and the download of a filed file (every view and download audited).

The 目录 is read a page at a time (``Archive.list(limit=, offset=)``) and counted from the archive's
tally of 年度 × 文种 × 单位, so that 20,000 records are never loaded to show 50; the same tally
fills the filters' choices. A user is shown only what :func:`.access.can_see` allows: the archive
is asked for those records only (:func:`scopes`), so pages and counts are right, and every record
shown is checked again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Route

from ..archive import Archive, AuditEntry, Record, RecordNotFound, StoredFile
from ..archive.errors import ArchiveNotFound
from ..archive.history import ROLE_NAMES, SOURCE_NAMES, local_time
from ..templating.catalog import Catalog
from ..templating.manifest import RETENTION_NAMES
from .access import Capability, User, can_see, require, require_record, scopes
from .documents import content_disposition, download_name, stored_file
from .finding import listed_page
from .listing import Choices, Filters, page_number, pager, read_filters
from .pages import page

PAGE_SIZE = 50
HISTORY_SHOWN = 100
CATEGORY_NAMES = {"WS": "WS（文书）"}


def routes() -> list[BaseRoute]:
    return [
        Route("/records", record_list, methods=["GET"]),
        Route("/records/{record_id:int}", record_page, methods=["GET"]),
        Route("/records/{record_id:int}/download", download_record, methods=["GET"]),
        Route("/records/{record_id:int}/files/{role}", download_record, methods=["GET"]),
    ]


# ---------------------------------------------------------------------- the 归档文件目录


@dataclass
class Listing:
    records: list[Record]
    total: int
    page: int
    pages: int
    choices: Choices


def catalogue(root: Path, user: User, filters: Filters, page_number: int, size: int | None = None) -> Listing | None:
    """One page (of ``size``, default :data:`PAGE_SIZE`) of the 目录 ``user`` may see, newest 年度 first;
    None where there is no archive yet."""
    size = size or PAGE_SIZE
    try:
        archive = Archive(root, create=False)
    except ArchiveNotFound:
        return None
    with archive:
        parts = scopes(user)
        choices = Choices.of(archive, parts)
        total = choices.count(filters)
        pages = max(1, math.ceil(total / size))
        number = min(max(page_number, 1), pages)
        found = listed_page(archive, parts, filters, (number - 1) * size, size) if total else []
    return Listing([r for r in found if can_see(user, r)], total, number, pages, choices)


async def record_list(request: Request) -> Response:
    """GET /records: the 归档文件目录, filtered by 年度, 文种 and 单位, a page at a time."""
    user = require(request, Capability.READ)
    problems: dict[str, str] = {}
    filters = read_filters(request, problems)
    root = request.app.state.desk.archive_root
    listing = await run_in_threadpool(catalogue, root, user, filters, page_number(request))
    if listing is None or not listing.choices.held:
        return page(request, "records_empty.html", title="档案", can_file=user.can(Capability.PRODUCE))
    return page(request, "records.html", 422 if problems else 200, title="档案", listing=listing, filters=filters,
                problems=problems, links=pager(request, listing.page, listing.pages), retention=RETENTION_NAMES,
                shared=_shared_titles(listing.records), year_totals=_year_totals(listing, filters),
                columns=Columns.of(listing.records))  # fmt: skip


@dataclass(frozen=True)
class Columns:
    """Which of the 目录's optional columns the page shows: one that no record on the page fills is left out
    (a 页数 is registered for PDFs only; 密级 and 文号 are often empty), so the others have the room."""

    doc_number: bool
    page_count: bool
    secrecy: bool

    @classmethod
    def of(cls, records: list[Record]) -> Columns:
        return cls(any(r.doc_number for r in records), any(r.page_count is not None for r in records),
                   any(r.secrecy for r in records))  # fmt: skip

    @property
    def count(self) -> int:
        """Columns in all: the six always shown and the optional ones shown."""
        return 6 + self.doc_number + self.page_count + self.secrecy

    @property
    def hidden(self) -> list[str]:
        """The names of the columns left out, in the 目录's order."""
        names = (("文号", self.doc_number), ("页数", self.page_count), ("密级", self.secrecy))
        return [name for name, shown in names if not shown]


def _year_totals(listing: Listing, filters: Filters) -> dict[int, int]:
    """How many records each 年度 on the page holds under the filters (its heading says so)."""
    return {year: listing.choices.count(replace(filters, year=year)) for year in {r.year for r in listing.records}}


def _shared_titles(records: list[Record]) -> set[str]:
    """Titles that several records on the page share (the copies of a 分别报送: their 主送 tells them apart)."""
    titles = [r.title for r in records]
    return {t for t in titles if titles.count(t) > 1}


# ---------------------------------------------------------------------- one record


def viewed(root: Path, record_id: int, user: User, actor: str) -> tuple[Record, list[AuditEntry]]:
    """The record and its audit trail (newest first, the view itself included), for a user who may see it."""
    with Archive(root, create=False, actor=actor) as archive:
        record = archive.get(record_id)
        if record.id != record_id:  # get() also takes a 档号 or 文号; the route gives an id only
            raise RecordNotFound(f"档案中没有 id 为 {record_id} 的记录")
        if not can_see(user, record):
            return record, []
        archive.record_access(record.id, "view", page="记录页")
        return record, list(reversed(archive.history(record_id=record.id, limit=HISTORY_SHOWN + 1)))


async def record_page(request: Request) -> Response:
    """GET /records/{id}: its metadata, files with their downloads, and its audit trail (the view logged)."""
    desk = request.app.state.desk
    user = require(request, Capability.READ)
    record_id = request.path_params["record_id"]
    record, history = await run_in_threadpool(viewed, desk.archive_root, record_id, user, user.actor)
    require_record(request, record)  # refused before anything was logged as viewed
    shown = [_entry_row(entry) for entry in history[:HISTORY_SHOWN]]
    return page(request, "record.html", title=record.title or record.archival_code, record=record,
                metadata=metadata(record, desk.catalog), files=[_file_row(record, f) for f in record.files],
                history=shown, more=len(history) > HISTORY_SHOWN)  # fmt: skip


def template_name(template_id: str, catalog: Catalog) -> str:
    """The template a record was made from, by its Chinese title; its id when the catalog no longer has it."""
    if not template_id:
        return ""
    if template_id in catalog:
        return catalog.get(template_id).title
    return f"{template_id}（本机已无此模板）"


def metadata(record: Record, catalog: Catalog) -> list[tuple[str, str]]:
    """The record's DA/T 46 elements under their Chinese names, as shown on its page."""
    retention = RETENTION_NAMES.get(record.retention, record.retention)
    category = CATEGORY_NAMES.get(record.category, record.category)
    rows = [("档号", record.archival_code), ("全宗号", record.fonds), ("门类代码", category),
            ("年度", str(record.year)), ("保管期限", retention), ("机构（问题）代码", record.org),
            ("件号", str(record.item)), ("文件编号（文号）", record.doc_number or ""), ("题名", record.title),
            ("责任者", record.author), ("日期", record.date or ""), ("文种", record.kind), ("密级", record.secrecy),
            ("主送", record.recipients), ("抄送", record.cc), ("单位（科室）", record.unit),
            ("页数", "" if record.page_count is None else str(record.page_count)),
            ("模板", template_name(record.template_id or "", catalog)),
            ("来源", SOURCE_NAMES.get(record.source, record.source)), ("归档时间", local_time(record.filed_at)),
            ("归档人", record.filed_by)]  # fmt: skip
    return [(name, value) for name, value in rows if value]


def _file_row(record: Record, stored: StoredFile) -> dict[str, str]:
    href = f"/records/{record.id}/files/{quote(stored.role, safe='')}"
    return {"role": stored.role, "role_name": ROLE_NAMES.get(stored.role, stored.role), "format": stored.format,
            "size": human_size(stored.size), "bytes": str(stored.size), "sha256": stored.sha256,
            "name": stored.original_name or "", "href": href}  # fmt: skip


def _entry_row(entry: AuditEntry) -> dict[str, str]:
    return {"at": local_time(entry.at), "iso": entry.at, "action": entry.action_name, "actor": entry.actor,
            "detail": entry.summary(), "access": "access" if entry.is_access else ""}  # fmt: skip


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


async def download_record(request: Request) -> Response:
    """A filed document's file of one role (the original by default), for a user who may see the
    record; the download is audited. Only roles the record has: another is 404."""
    desk = request.app.state.desk
    user = require(request, Capability.READ)
    role = request.path_params.get("role", "original")
    record, path = await run_in_threadpool(stored_file, desk.archive_root, request.path_params["record_id"],
                                           user=user, actor=user.actor, role=role)  # fmt: skip
    name = download_name(record.title or record.archival_code, path.suffix)
    return FileResponse(path, headers={"Content-Disposition": content_disposition(name)})
