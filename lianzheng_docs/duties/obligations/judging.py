"""Judging obligations against the archive: done, late, due, overdue, per unit and per year."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, timedelta

from ...archive import Archive, Record
from ...errors import Problem
from ..events import Event, list_events
from ..roster import Roster, RosterError
from .loading import load_obligations, plugin_obligations
from .model import Obligation, Status


def status(
    archive: Archive,
    year: int | Iterable[int],
    *,
    roster: Roster | None = None,
    unit: str | None = None,
    obligations: Sequence[Obligation] | None = None,
    templates: set[str] | None = None,
    today: date | None = None,
) -> list[Status]:
    """Every obligation of subject ``year`` (or of each of several years, the archive read once) with its
    state, one row per unit where it falls on every unit.

    Obligations that fall on every unit need the ``roster`` to know the units; without one they are
    left out. ``unit`` keeps only that unit's rows (and the bureau-wide rows out). ``templates``, when
    given, are the installed template ids: an obligation whose template is missing is marked so.
    """
    today = today or date.today()
    obligations = obligations if obligations is not None else load_obligations(plugin_obligations())
    if unit and roster and roster.unit(unit) is None:
        names = "、".join(u.name for u in roster.units)
        raise RosterError("（--roster）", [Problem("unit", "科室(单位)", f"{unit} 不在名册中；名册里的单位：{names}")])
    records = [r for r in archive.list() if r.date]
    result: list[Status] = []
    for subject_year in [year] if isinstance(year, int) else year:
        events = list_events(archive, year=subject_year)
        found = _year_status(subject_year, obligations, records, events, roster, unit, templates, today)
        result += [replace(s, year=subject_year) for s in found]
    return result


def _year_status(
    year: int, obligations: Sequence[Obligation], records: list[Record], events: list[Event], roster: Roster | None,
    unit: str | None, templates: set[str] | None, today: date,
) -> list[Status]:  # fmt: skip
    result: list[Status] = []
    for obligation in obligations:
        if obligation.event:
            mine = [e for e in events if e.obligation == obligation.id and (not unit or e.party == unit)]
            result.extend(_judge_event(obligation, event, records, today) for event in mine)
            if not mine and not unit:
                result.append(Status(obligation, obligation.party, "event", None, today=today))
            continue
        if obligation.per_unit:
            parties = [u.name for u in roster.units if u.kind in obligation.unit_kinds] if roster else []
        else:
            parties = [obligation.party]
        for party in parties:
            if unit and party != unit:
                continue
            result.append(_judge(obligation, party, year, records, templates, today))
    return result


def upcoming(statuses: Iterable[Status], within_days: int) -> list[Status]:
    """What is not yet met and falls due within ``within_days`` (overdue first, then by deadline)."""
    pending = [s for s in statuses if s.state in ("due", "overdue") and (s.days_left or 0) <= within_days]
    return sorted(pending, key=lambda s: (s.due or date.max, s.obligation.id, s.party))


def _judge(
    obligation: Obligation, party: str, year: int, records: list[Record], templates: set[str] | None, today: date
) -> Status:
    if obligation.template and templates is not None and obligation.template not in templates:
        return Status(obligation, party, "no_template", None, today=today)
    start, end = obligation.dates(year)
    mine = sorted(
        (r for r in records if obligation.matches(r, year) and (not obligation.per_unit or r.unit == party)),
        key=lambda r: r.date or "",
    )
    dated = [(r, date.fromisoformat(r.date or "")) for r in mine]
    on_time = tuple(r for r, when in dated if start <= when <= end)
    late = tuple(r for r, when in dated if when > end) if obligation.title_year else ()
    if len(on_time) >= obligation.min_count:
        return Status(obligation, party, "done", end, on_time, today)
    if len(on_time) + len(late) >= obligation.min_count:
        return Status(obligation, party, "late", end, on_time + late, today)
    return Status(obligation, party, "due" if today <= end else "overdue", end, on_time + late, today)


def _judge_event(obligation: Obligation, event: Event, records: list[Record], today: date) -> Status:
    """Due ``days`` after the event: the first matching document dated on or after it counts."""
    due = event.date + timedelta(days=obligation.days)
    generic = event.party == obligation.party
    after = sorted(
        (r for r in records if obligation.matches(r, event.date.year) and (generic or r.unit == event.party)
         and date.fromisoformat(r.date or "") >= event.date),
        key=lambda r: r.date or "",
    )  # fmt: skip
    if after:
        state = "done" if date.fromisoformat(after[0].date or "") <= due else "late"
        return Status(obligation, event.party, state, due, (after[0],), today, event)
    return Status(obligation, event.party, "due" if today <= due else "overdue", due, (), today, event)
