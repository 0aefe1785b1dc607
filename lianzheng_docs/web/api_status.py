"""``GET /api/status``: the 落实情况 rows as ``lianzheng status --json`` gives them, for the bureau's other systems.

The library judges (:func:`~lianzheng_docs.duties.obligations.status`, in its own order, as the CLI
prints it) against the archive and the roster the desk keeps (:func:`.roster_store.kept_roster`; the
CLI's ``--roster``). A 科室 account sees its own unit only (:func:`~.access.visible_unit`): asking for
another unit is refused, not quietly answered with its own. What the CLI would print as a hint (no
roster, a unit the roster lacks, a kept roster that no longer reads, no archive yet) is in ``notes``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ..archive import Archive
from ..archive.errors import ArchiveNotFound
from ..duties.obligations import STATES, status
from ..errors import LianzhengError
from ..templating.catalog import Catalog
from .access import Capability, Forbidden, require, visible_unit
from .api_common import ChineseJSON, Query
from .roster_store import kept_roster

NO_ROSTER = "没有保存名册：按科室（单位）逐个检查的事项未列出（在“名册”页上传名册后即列出）。"
NO_ARCHIVE = "档案尚未建立：还没有归档任何文件。"


def routes() -> list[BaseRoute]:
    return [Route("/status", status_rows, methods=["GET"])]


async def status_rows(request: Request) -> Response:
    user = require(request, Capability.STATUS)
    desk = request.app.state.desk
    query = Query(request, "status_rows")
    years = query.years() or [desk.today().year]
    unit, state = query.text("unit"), query.choice("state", STATES)
    query.check()
    own = visible_unit(user)
    if own is not None and unit not in (None, own):
        raise Forbidden(f"账号 {user.name} 只能查看本单位“{own}”的落实情况")
    unit = own or unit
    rows, notes, has_roster = await run_in_threadpool(
        _judged, desk.archive_root, desk.catalog, years, unit, desk.today()
    )
    shown = [row for row in rows if state is None or row["state"] == state]
    return ChineseJSON({"year": years[-1], "years": years, "unit": unit, "state": state,
                        "roster": has_roster, "statuses": shown, "notes": notes,
                        "plugins": plugin_problems()})  # fmt: skip


def _judged(root: Path, catalog: Catalog, years: list[int], unit: str | None,
            today: date) -> tuple[list[dict[str, Any]], list[str], bool]:  # fmt: skip
    """The rows (``Status.to_dict()``), what to say about them and whether a roster was kept; blocking:
    called in a worker thread."""
    notes: list[str] = []
    try:
        roster = kept_roster(root)
    except LianzhengError as exc:  # a kept roster that no longer reads: the rest can still be judged
        notes.append(f"{exc.message}（暂按没有名册计算）")
        roster = None
    if roster is None:
        notes.append(NO_ROSTER)
    elif unit and roster.unit(unit) is None:
        notes.append(f"名册中没有单位“{unit}”：按科室（单位）逐个检查的事项无法列出")
        roster = None
    try:
        with Archive(root, create=False) as archive:  # only reads: makes no archive
            found = status(archive, years, roster=roster, unit=unit, templates=set(catalog.ids()), today=today)
    except ArchiveNotFound:
        return [], [*notes, NO_ARCHIVE], roster is not None
    return [row.to_dict() for row in found], notes, roster is not None


def plugin_problems() -> list[dict[str, Any]]:
    """Plugins not fully in service (their obligations, roster or templates may be missing from the rows)."""
    from ..plugins.manager import plugins_not_in_service

    return list(plugins_not_in_service())
