"""落实情况: the obligations board by obligation and unit, and its .ics and .xlsx downloads.

The board is ``lianzheng status`` in a browser, over the years ``lianzheng due`` looks at by
default (this year and last: last year's reports fall due in January, and what was not done
stays overdue; :func:`default_years`). The library judges (:func:`~lianzheng_docs.duties.obligations.status`,
against the archive and the roster the desk keeps, :mod:`.roster_store`); this module only picks
the years, states and unit asked for, puts what needs doing first (已逾期, then the nearest
deadline), and links each gap to the form of the template that produces the missing document
(:func:`gap_link`). The downloads are the library's own exports of the same rows. A 科室
account sees its own unit only (:func:`~.access.visible_unit`), whatever the query asks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import quote, urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ..archive import Archive
from ..archive.errors import ArchiveNotFound
from ..duties.obligations import STATES, Status, status, status_ics, status_xlsx
from ..duties.roster import Roster
from ..errors import ExitCode, LianzhengError
from ..templating.catalog import Catalog
from ..templating.manifest import FieldType, TemplateManifest
from .access import Capability, User, can_see, require, visible_unit
from .documents import content_disposition
from .pages import page
from .roster_store import kept_roster

#: The order of the board: what needs doing first, what is done last.
STATE_ORDER = ("overdue", "due", "event", "no_template", "late", "done")
#: Years the CLI accepts (``--year``).
FIRST_YEAR, LAST_YEAR = 2000, 2100
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def routes() -> list[BaseRoute]:
    return [
        Route("/status", status_board, methods=["GET"]),
        Route("/status.ics", status_calendar, methods=["GET"]),
        Route("/status.xlsx", status_workbook, methods=["GET"]),
    ]


class BadQuery(LianzhengError):
    """A year or state in the address that the board does not know (HTTP 400)."""

    exit_code = ExitCode.USAGE


@dataclass(frozen=True)
class BoardQuery:
    """What the board is asked for: subject years, states (none: all), one unit (None: all)."""

    years: tuple[int, ...]
    states: tuple[str, ...] = ()
    unit: str | None = None
    #: the unit is the account's own, not a choice
    own_unit: bool = False
    #: no year was asked for: the years are :func:`default_years`
    default: bool = False

    def query_string(self, **change: object) -> str:
        """This query as URL parameters (``year=2025&year=2026&state=overdue``), with ``change`` applied."""
        values: dict[str, object] = {"year": list(self.years), "state": list(self.states),
                                     "unit": self.unit if self.unit and not self.own_unit else ""} | change  # fmt: skip
        return urlencode({key: value for key, value in values.items() if value}, doseq=True)


def read_query(request: Request, user: User, today: date) -> BoardQuery:
    """The board's query from the address; a 科室 account's unit replaces any unit asked for."""
    years: set[int] = set()
    for text in request.query_params.getlist("year"):
        if not text.strip().isdigit() or not FIRST_YEAR <= int(text) <= LAST_YEAR:
            raise BadQuery(f"年度 {text!r} 应为 {FIRST_YEAR}–{LAST_YEAR} 之间的四位数年份，如 {today.year}")
        years.add(int(text))
    states = tuple(dict.fromkeys(request.query_params.getlist("state")))
    unknown = [s for s in states if s not in STATES]
    if unknown:
        known = "、".join(f"{key}（{label}）" for key, label in STATES.items())
        raise BadQuery(f"状态 {'、'.join(map(repr, unknown))} 未知，应为：{known}")
    own = visible_unit(user)
    unit = own or request.query_params.get("unit", "").strip() or None
    chosen = tuple(sorted(years)) or default_years(today)
    return BoardQuery(chosen, states, unit, own_unit=own is not None, default=not years)


def default_years(today: date) -> tuple[int, ...]:
    """Last year and this one, as ``lianzheng due`` without ``--year``: last year's 科室报告 and 纪检组报告
    fall due in January of this one, and last year's unmet obligations stay overdue."""
    return today.year - 1, today.year


@dataclass
class Board:
    """The judged rows for a query, in the board's order, and what the page must say about them."""

    query: BoardQuery
    rows: list[Status] = field(default_factory=list)  # every state, for the counts
    roster: Roster | None = None
    no_archive: bool = False
    notices: list[str] = field(default_factory=list)

    @property
    def shown(self) -> list[Status]:
        """The rows of the states asked for."""
        return [s for s in self.rows if not self.query.states or s.state in self.query.states]

    def counts(self) -> list[tuple[str, str, int]]:
        """(state, label, rows) for each state that has rows, in the board's order."""
        return [(key, STATES[key], n) for key in STATE_ORDER if (n := sum(s.state == key for s in self.rows))]


def board_order(statuses: list[Status]) -> list[Status]:
    """Overdue first (longest overdue first), then the nearest deadline; done last; else the library's order."""
    rank = {state: number for number, state in enumerate(STATE_ORDER)}
    ordered = sorted(enumerate(statuses), key=lambda item: (rank.get(item[1].state, len(rank)),
                                                            item[1].due or date.max, item[0]))  # fmt: skip
    return [s for _, s in ordered]


def judge(root: Path, catalog: Catalog, query: BoardQuery, today: date) -> Board:
    """The board for ``query`` as ``lianzheng status`` judges it (blocking: call it in a worker thread)."""
    board = Board(query)
    try:
        board.roster = kept_roster(root)
    except LianzhengError as exc:  # a kept roster that no longer reads: the rest of the board still can be
        board.notices.append(f"{exc.message}（本页暂按没有名册计算）")
    roster = board.roster
    if query.unit and roster is not None and roster.unit(query.unit) is None:
        board.notices.append(
            f"名册中没有单位“{query.unit}”：按科室（单位）逐个检查的事项无法列出，请在“名册”页更新名册"
        )
        roster = None
    try:
        with Archive(root, create=False) as archive:
            found = status(archive, list(query.years), roster=roster, unit=query.unit,
                           templates=set(catalog.ids()), today=today)  # fmt: skip
    except ArchiveNotFound:
        board.no_archive = True
        return board
    board.rows = board_order(found)
    return board


async def _board(request: Request) -> tuple[User, Board]:
    desk = request.app.state.desk
    user = require(request, Capability.STATUS)
    query = read_query(request, user, desk.today())
    board = await run_in_threadpool(judge, desk.archive_root, desk.catalog, query, desk.today())
    return user, board


@dataclass(frozen=True)
class Row:
    """One status as the page shows it."""

    status: Status
    due_text: str
    records: list[tuple[str, str, str]]  # (href or "", 档号, 成文日期)
    link: str | None
    template_title: str


async def status_board(request: Request) -> Response:
    """The board: filters, the counts by state, one row per obligation and party."""
    user, board = await _board(request)
    desk = request.app.state.desk
    rows = [_row(s, user, desk.catalog, board.roster) for s in board.shown]
    today = desk.today()
    years = sorted(set(range(today.year - 3, today.year + 1)) | set(board.query.years), reverse=True)
    units = [u.name for u in board.roster.units] if board.roster and not board.query.own_unit else []
    label = "、".join(map(str, board.query.years))
    return page(request, "status.html", title="落实情况", board=board, rows=rows, years=years, units=units,
                states=[(key, STATES[key]) for key in STATE_ORDER], year_label=label, today=today,
                may_keep_roster=user.can(Capability.ROSTER))  # fmt: skip


def _row(s: Status, user: User, catalog: Catalog, roster: Roster | None) -> Row:
    if s.days_left is not None:
        due_text = f"剩 {s.days_left} 天" if s.days_left >= 0 else f"逾期 {-s.days_left} 天"
    else:
        due_text = "" if s.due else s.obligation.rule_text
    records = [(f"/records/{r.id}" if can_see(user, r) else "", r.archival_code, r.date or "") for r in s.records]
    link = gap_link(s, catalog, roster)
    template = s.obligation.template or ""
    title = catalog.get(template).title if template and template in catalog else template
    return Row(s, due_text, records, link, title)


def _filename(board: Board, suffix: str) -> str:
    unit = f"（{board.query.unit}）" if board.query.unit else ""
    return f"{'、'.join(map(str, board.query.years))}年度落实情况{unit}{suffix}"


async def status_calendar(request: Request) -> Response:
    """The deadlines not yet met of the rows shown, as an iCalendar file (``lianzheng due --ics``)."""
    _, board = await _board(request)
    content = status_ics(board.shown, now=datetime.now(UTC))
    return Response(content, media_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": content_disposition(_filename(board, ".ics"))})  # fmt: skip


async def status_workbook(request: Request) -> Response:
    """The rows shown as an Excel workbook (``lianzheng status --xlsx``)."""
    _, board = await _board(request)
    title = f"{'、'.join(map(str, board.query.years))}年度落实情况"
    content = await run_in_threadpool(status_xlsx, board.shown, title)
    return Response(content, media_type=XLSX_TYPE,
                    headers={"Content-Disposition": content_disposition(_filename(board, ".xlsx"))})  # fmt: skip


# ------------------------------------------------------------------ from a gap to the form that fills it

#: States whose row lacks a document a form can make.
LINKED_STATES = frozenset({"overdue", "due", "event"})
_REFERENCE = re.compile(r"^\{\{\s*(\w+)\s*\}\}$")  # unit = "{{ department }}": the field that names the unit
_WITH_POST = re.compile(r"\{\{\s*(\w+)\.with_post\s*\}\}")  # recipients = "{{ subject.with_post }}"
_PERSON = re.compile(r"^(?P<name>[^（]+)（(?P<post>[^）]+)）$")  # 王晓东（预算科科长）, as Status.person gives it


def gap_link(s: Status, catalog: Catalog, roster: Roster | None) -> str | None:
    """The address of the form that makes the document ``s`` lacks, prefilled where the form takes it.

    Parameters are the form's own field paths (those of :mod:`.forms`): the field the template
    files the unit under (``[metadata] unit``, as ``lianzheng batch`` fills it) and its
    ``<field>_head`` from the roster, the subject ``year``, the ``recipient`` a 分别报送 still
    lacks, the person a per-person talk is with, and the 文号 of the filed document a report
    answers (a 整改 report's 告知书编号). None for a row that is not a gap or whose
    template is not installed.
    """
    template_id = s.obligation.template
    if s.state not in LINKED_STATES or not template_id or template_id not in catalog:
        return None
    manifest = catalog.get(template_id).manifest
    metadata = manifest.metadata
    params: dict[str, str] = {}
    unit = _unit_of(s)
    unit_field = _field(manifest, metadata.get("unit", ""))
    if unit and unit_field:
        params[unit_field] = unit
        found = roster.unit(unit) if roster else None
        head_field = f"{unit_field}_head" if manifest.field(f"{unit_field}_head") else None
        issuer = _WITH_POST.search(metadata.get("issuer", ""))
        head_field = head_field or (issuer[1] if issuer and s.obligation.per_unit else None)
        if found is not None and head_field:
            post = found.post if not found.post or found.post.startswith(found.name) else found.name + found.post
            params |= {f"{head_field}.name": found.head, f"{head_field}.post": post}
    year_field = _field(manifest, metadata.get("year", ""))
    if year_field and s.year:
        params[year_field] = str(s.year)
    recipient = manifest.field("recipient")
    if s.missing and recipient is not None:
        choice = next((c for c in recipient.choices if c.endswith(s.missing[0])), None)
        if choice:
            params["recipient"] = choice
    if s.trigger is not None and s.trigger.doc_number:  # the report answers this 告知书: its 文号, not the example's
        for spec in manifest.fields:
            if spec.type is FieldType.DOC_NUMBER and spec.name != "doc_number":
                params[spec.name] = s.trigger.doc_number
    person = _PERSON.match(s.person)
    subject = _WITH_POST.search(metadata.get("recipients", ""))
    if person and subject and manifest.field(subject[1]) is not None:
        params |= {f"{subject[1]}.name": person["name"], f"{subject[1]}.post": person["post"]}
    address = f"/templates/{quote(template_id, safe=':')}"
    return f"{address}?{urlencode(params)}" if params else address


def _unit_of(s: Status) -> str | None:
    """The unit the missing document is for: the 告知书's, the row's unit, the event's, the obligation's own."""
    if s.trigger is not None:
        return s.trigger.unit or None
    if s.obligation.per_unit:
        return s.party
    if s.event is not None and s.event.party != s.obligation.party:
        return s.event.party
    return s.obligation.unit


def _field(manifest: TemplateManifest, expression: str) -> str | None:
    """The field an expression like ``{{ department }}`` names, if the template has it."""
    found = _REFERENCE.match(expression.strip())
    return found[1] if found and manifest.field(found[1]) is not None else None
