"""The archive over the API: the 归档文件目录, one record with its audit trail, a stored file; search
is :mod:`.api_search`.

Only what the caller may see (:func:`~.access.can_see`) is listed or counted; a record's page and
each download are written to the audit log (``view``, ``download``) under the caller's name, before
the answer leaves, as the desk's pages do. An archive not made yet lists nothing (200, empty), as a
new desk should; asking for one record of it is a 404.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Route

from ..archive import Archive, AuditEntry, Record, RecordNotFound
from ..archive.errors import ArchiveNotFound
from ..archive.history import ACTION_NAMES
from . import api_search
from .access import Capability, User, can_see, require, require_record, scopes
from .api_common import ChineseJSON, Query, record_json
from .api_operations import DOCX, PDF
from .documents import content_disposition, download_name, stored_file
from .finding import listed_page
from .listing import Choices, Filters

#: How many of a record's audit entries its answer carries (the latest ones).
AUDIT_SHOWN = 100
MEDIA_TYPES = {".docx": DOCX, ".pdf": PDF, ".ofd": "application/ofd"}


def routes() -> list[BaseRoute]:
    return [
        Route("/records", list_records, methods=["GET"]),
        Route("/records/{record_id:int}", show_record, methods=["GET"]),
        Route("/records/{record_id:int}/files/{role}", download_file, methods=["GET"]),
        *api_search.routes(),
    ]


async def list_records(request: Request) -> Response:
    """``GET /api/records``: ``{"total", "offset", "limit", "records": [...]}``, the desk's 目录 order (newest
    年度 first, then 档号), read a page at a time as the 档案 page reads it (:mod:`.records_pages`)."""
    user = require(request, Capability.READ)
    query = Query(request, "list_records")
    filters = Filters(year=query.year(), kind=query.text("kind"), unit=query.text("unit"))
    limit, offset = query.limit(), query.integer("offset", default=0, low=0, high=10**9)
    query.check()
    total, records = await run_in_threadpool(_listed, request.app.state.desk.archive_root, user, filters, limit,
                                             offset)  # fmt: skip
    return ChineseJSON({"total": total, "offset": offset, "limit": limit,
                        "filters": {"year": filters.year, "kind": filters.kind, "unit": filters.unit},
                        "records": [record_json(r) for r in records]})  # fmt: skip


def _listed(root: Path, user: User, filters: Filters, limit: int, offset: int) -> tuple[int, list[Record]]:
    """How many records ``user`` may see under ``filters``, and those from ``offset`` on (``limit`` at most)."""
    try:
        archive = Archive(root, create=False)
    except ArchiveNotFound:
        return 0, []
    with archive:
        parts = scopes(user)
        total = Choices.of(archive, parts).count(filters)
        found = listed_page(archive, parts, filters, offset, limit) if offset < total else []
    return total, [record for record in found if can_see(user, record)]


async def show_record(request: Request) -> Response:
    """``GET /api/records/{id}``: the record, its files and its audit trail; the view is audited."""
    require(request, Capability.READ)
    Query(request, "show_record").check()
    record, entries, more = await run_in_threadpool(_viewed, request, request.path_params["record_id"])
    body = record_json(record) | {"audit": [audit_json(e) for e in entries], "audit_truncated": more}
    return ChineseJSON(body)


def _viewed(request: Request, record_id: int) -> tuple[Record, list[AuditEntry], bool]:
    """Record ``record_id`` if the caller may see it, with its latest audit entries (this view the last)."""
    user = require(request, Capability.READ)
    root = request.app.state.desk.archive_root
    with Archive(root, create=False, actor=user.actor) as archive:
        record = archive.get(record_id)
        if record.id != record_id:  # get() also takes a 档号 or 文号: the API's path is an id only
            raise RecordNotFound(f"档案中没有 id 为 {record_id} 的记录")
        require_record(request, record)
        archive.record_access(record.id, "view", via="api")
        entries = archive.history(record_id=record.id, limit=AUDIT_SHOWN + 1)
    return record, entries[-AUDIT_SHOWN:], len(entries) > AUDIT_SHOWN


def audit_json(entry: AuditEntry) -> dict[str, Any]:
    return {"id": entry.id, "at": entry.at, "actor": entry.actor, "action": entry.action,
            "action_name": ACTION_NAMES.get(entry.action, entry.action), "detail": entry.detail}  # fmt: skip


async def download_file(request: Request) -> Response:
    """``GET /api/records/{id}/files/{role}``: a stored file (inside the archive only); the download is audited."""
    user = require(request, Capability.READ)
    Query(request, "download_file").check()
    root, role = request.app.state.desk.archive_root, request.path_params["role"]
    record, path = await run_in_threadpool(stored_file, root, request.path_params["record_id"], user=user,
                                           actor=user.actor, role=role)  # fmt: skip
    name = download_name(record.title or record.archival_code, path.suffix)
    media = MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream")
    return FileResponse(path, media_type=media, headers={"Content-Disposition": content_disposition(name)})
