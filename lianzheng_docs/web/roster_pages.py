"""名册: upload a roster (.xlsx/.csv/.yaml), see every problem by row and cell, keep it for the desk.

The page reads the upload with the library's reader (:mod:`.roster_store`), so a roster the desk
keeps is one ``lianzheng roster show`` accepts, and the problems are the CLI's own, each put in a
row of a table (行, 列, 问题) so the clerk can fix the whole file in one pass. A bad upload
changes nothing: the page says so and still shows the roster kept before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Route

from ..duties.roster import HEADERS, LABELS, RosterError
from ..errors import DataFileError, ExitCode, LianzhengError, Problem
from .access import Capability, require
from .csrf import posted_form
from .documents import content_disposition
from .guard import MAX_BODY
from .pages import page
from .roster_store import LIMITS, KeptRoster, keep_roster, kept_roster_info, upload_name
from .statuses import http_status

#: The file input's name on the upload form.
FIELD = "roster"
_ROW_CELL = re.compile(r"^第(\d+)行(.*)$")


def routes() -> list[BaseRoute]:
    return [
        Route("/roster", roster_page, methods=["GET", "POST"]),
        Route("/roster/file", roster_file, methods=["GET"]),
    ]


@dataclass(frozen=True)
class ProblemRow:
    """One problem as the table shows it: the row, the cell (or column) and what is wrong."""

    row: str
    column: str
    message: str


def problem_row(problem: Problem) -> ProblemRow:
    """Where a roster problem is, as the clerk finds it: ``第5行B5`` is row 5, cell B5 (主要负责人)."""
    found = _ROW_CELL.match(problem.path)
    if found:
        return ProblemRow(found[1], f"{found[2]}（{problem.label}）" if found[2] else problem.label, problem.message)
    if problem.path == "(表头)":
        return ProblemRow("表头", "—", problem.message)
    if problem.path.startswith("第"):  # 第3个单位 of a YAML/JSON roster
        return ProblemRow(problem.path, problem.label, problem.message)
    return ProblemRow("—", f"{problem.label}（{problem.path}）", problem.message)


async def roster_page(request: Request) -> Response:
    """GET: the kept roster and the upload form. POST: check the upload; keep it if it is good."""
    if request.method == "GET":
        require(request, Capability.READ)
        return await _render(request)
    user = require(request, Capability.ROSTER)
    form = await posted_form(request, max_files=1)
    upload = form.get(FIELD)
    if not isinstance(upload, UploadFile) or not upload.filename:
        return await _render(request, failure="请选择要上传的名册文件（.xlsx、.csv 或 .yaml）", status_code=400)
    # the guard caps a request at 4 MB, below every limit of the library; read no more than the largest
    content = await upload.read(max(LIMITS.values()) + 1)
    shown = upload_name(upload.filename)
    root = request.app.state.desk.archive_root
    try:
        kept = await run_in_threadpool(keep_roster, root, content, upload.filename, user.actor)
    except RosterError as exc:
        rows = [problem_row(p) for p in exc.problems]
        heading = exc.message.split("\n", 1)[0].rstrip("：")  # 名册 名册.xlsx（工作表“名册”）有 2 处问题
        return await _render(request, problems=rows, heading=heading, uploaded=shown, status_code=http_status(exc))
    except DataFileError as exc:
        return await _render(request, failure=exc.message, uploaded=shown, status_code=http_status(exc))
    return await _render(request, kept=kept, saved=True)


async def _render(
    request: Request,
    *,
    kept: KeptRoster | None = None,
    saved: bool = False,
    problems: list[ProblemRow] | None = None,
    heading: str = "",
    failure: str = "",
    uploaded: str = "",
    status_code: int = 200,
) -> Response:
    broken = ""
    if kept is None:
        try:
            kept = await run_in_threadpool(kept_roster_info, request.app.state.desk.archive_root)
        except LianzhengError as exc:  # the kept file no longer reads: say so, and let a new one be uploaded
            broken = exc.message
    may_upload = request.state.user.can(Capability.ROSTER)
    return page(request, "roster.html", status_code, title="名册", kept=kept, saved=saved, problems=problems or [],
                heading=heading, failure=failure, uploaded=uploaded, broken=broken, may_upload=may_upload,
                accept=",".join(LIMITS), headers=[(LABELS[key], variants) for key, variants in HEADERS.items()],
                max_mb=min(MAX_BODY, *LIMITS.values()) // 2**20)  # fmt: skip


async def roster_file(request: Request) -> Response:
    """The kept roster file as it was uploaded (to fix it in Excel and upload it again): for those who
    keep it (办公室); others see the roster's units on the page, not the whole file."""
    require(request, Capability.ROSTER)
    kept = await run_in_threadpool(kept_roster_info, request.app.state.desk.archive_root)
    if kept is None:
        raise NoRosterKept("尚未保存名册：请先在“名册”页上传")
    return FileResponse(kept.path, headers={"Content-Disposition": content_disposition(kept.filename)})


class NoRosterKept(LianzhengError):
    """The desk has no roster for this archive yet (HTTP 404)."""

    exit_code = ExitCode.NOT_FOUND
