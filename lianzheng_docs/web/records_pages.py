"""档案: the 归档文件目录 and one record's page, and the download of a filed file (every one audited)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Route

from .access import Capability, require
from .documents import content_disposition, download_name, stored_file


def routes() -> list[BaseRoute]:
    return [
        Route("/records/{record_id:int}/download", download_record, methods=["GET"]),
    ]


async def download_record(request: Request) -> Response:
    """A filed document's original file, for a user who may see the record; the download is audited."""
    desk = request.app.state.desk
    user = require(request, Capability.READ)
    record, path = await run_in_threadpool(stored_file, desk.archive_root, request.path_params["record_id"],
                                           user=user, actor=user.actor)  # fmt: skip
    name = download_name(record.title or record.archival_code, path.suffix)
    return FileResponse(path, headers={"Content-Disposition": content_disposition(name)})
