"""Judging obligations against the archive: done, late, due, overdue, per unit and per year.

A document dated (成文日期) after ``today`` never counts: it is listed on its row as dated in the
future (:data:`~.model.FLAGS`), whatever else the row says. The secretary's 廉政谈话 are judged
person by person (``per_person``): a talk record counts for a person when its 题名 or its 主送
names them. A 告知书 (``after_template``) opens a deadline for its recipient's 整改情况报告. A report
sent to two 上级机关 separately (``recipients``: 市委 and 市纪委, one 主送 each) is done when both are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, timedelta

from ...archive import Archive, Record
from ...errors import Problem
from ..events import Event, list_events
from ..roster import Roster, RosterError, RosterPerson
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
        for obligation in obligations:
            if obligation.after_template:
                found += _judge_after(obligation, subject_year, archive, records, unit, today)
        result += [replace(s, year=subject_year) for s in found]
    return result


def _year_status(
    year: int, obligations: Sequence[Obligation], records: list[Record], events: list[Event], roster: Roster | None,
    unit: str | None, templates: set[str] | None, today: date,
) -> list[Status]:  # fmt: skip
    result: list[Status] = []
    for obligation in obligations:
        if obligation.after_template:
            continue  # judged from the filed records that open it (_judge_after)
        if obligation.per_person:
            if roster is not None and not unit:
                for person in _people(obligation, roster):
                    result.append(_judge(obligation, obligation.party, year, records, templates, today, person))
            continue
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


def _people(obligation: Obligation, roster: Roster) -> list[RosterPerson]:
    people: list[RosterPerson] = []
    for group in obligation.per_person:
        people += roster.members() if group == "班子成员" else roster.heads(obligation.unit_kinds)
    unique: dict[str, RosterPerson] = {}
    for person in people:
        unique.setdefault(person.name, person)
    return list(unique.values())


def _names(record: Record, person: RosterPerson) -> bool:
    """Whether a talk record names this person: in its 题名, or in its 主送 (the 谈话对象); a 约谈
    record of a unit (约谈记录（预算科）) is a talk with its 主要负责人 (七（六）)."""
    if person.name in record.title or person.name in record.recipients:
        return True
    return bool(person.unit) and record.unit == person.unit and "约谈" in record.title


def _talk_of(obligation: Obligation, record: Record, year: int) -> bool:
    """A per-person talk: the record's kind, held by the obligation's party: its 科室（单位） is the
    party's (局党组), or, for a 约谈 record filed under the unit talked to, its 责任者 is."""
    if not replace(obligation, unit=None).matches(record, year):
        return False
    return obligation.unit is None or obligation.unit in (record.unit, record.author)


def _when(record: Record) -> date:
    return date.fromisoformat(record.date or "")


def _judge(
    obligation: Obligation, party: str, year: int, records: list[Record], templates: set[str] | None, today: date,
    person: RosterPerson | None = None,
) -> Status:  # fmt: skip
    who = person.label if person else ""
    if obligation.template and templates is not None and obligation.template not in templates:
        return Status(obligation, party, "no_template", None, today=today, person=who)
    start, end = obligation.dates(year)
    mine = sorted(
        (r for r in records if (obligation.matches(r, year) if person is None else _talk_of(obligation, r, year))
         and (not obligation.per_unit or r.unit == party) and (person is None or _names(r, person))),
        key=lambda r: r.date or "",
    )  # fmt: skip
    future = tuple(r for r in mine if _when(r) > today and start <= _when(r))
    dated = [(r, _when(r)) for r in mine if _when(r) <= today]
    on_time = tuple(r for r, when in dated if start <= when <= end)
    late = tuple(r for r, when in dated if when > end) if obligation.title_year else ()
    if _enough(obligation, on_time):
        state = "done"
    elif _enough(obligation, on_time + late):
        state = "late"
    else:
        state = "due" if today <= end else "overdue"
    missing = tuple(name for name in obligation.recipients if not _sent_to(obligation, on_time + late, name))
    return Status(obligation, party, state, end, on_time if state == "done" else on_time + late, today,
                  person=who, future=future, missing=missing)  # fmt: skip


def _enough(obligation: Obligation, records: Sequence[Record]) -> bool:
    """``min_count`` documents, and, for a 分别报送, one to each of the obligation's recipients."""
    return len(records) >= obligation.min_count and all(
        _sent_to(obligation, records, name) for name in obligation.recipients
    )


def _sent_to(obligation: Obligation, records: Sequence[Record], name: str) -> bool:
    return any(name in obligation.addressed_to(record) for record in records)


def _judge_event(obligation: Obligation, event: Event, records: list[Record], today: date) -> Status:
    """Due ``days`` after the event: the first matching document dated on or after it counts."""
    due = event.date + timedelta(days=obligation.days)
    generic = event.party == obligation.party
    after = sorted(
        (r for r in records if obligation.matches(r, event.date.year) and (generic or r.unit == event.party)
         and _when(r) >= event.date),
        key=lambda r: r.date or "",
    )  # fmt: skip
    future = tuple(r for r in after if _when(r) > today)
    after = [r for r in after if _when(r) <= today]
    if after:
        state = "done" if _when(after[0]) <= due else "late"
        return Status(obligation, event.party, state, due, (after[0],), today, event, future=future)
    return Status(obligation, event.party, "due" if today <= due else "overdue", due, (), today, event, future=future)


#: how a 告知书 states when the 整改情况 is due: “于2026年8月31日前将整改情况书面报送……”
_STATED_DEADLINE = re.compile(r"于\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*前\s*将?\s*整改")


def stated_deadline(text: str) -> date | None:
    """The 整改 deadline a 告知书's text states, if it states one."""
    found = _STATED_DEADLINE.search(text)
    if not found:
        return None
    try:
        return date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        return None


def _judge_after(
    obligation: Obligation, year: int, archive: Archive, records: list[Record], unit: str | None, today: date
) -> list[Status]:
    """One row per filed record of ``after_template`` dated in ``year`` (a 告知书), for its unit: due by
    the deadline the record states, else ``days`` after its date. Each answer (a record of the
    obligation's kind, same unit, dated on or after the 告知书) answers one 告知书, oldest first."""
    triggers = sorted(
        (r for r in records if r.template_id == obligation.after_template and r.year == year and r.unit
         and _when(r) <= today and (not unit or r.unit == unit)),
        key=lambda r: (r.date or "", r.id),
    )  # fmt: skip
    if not triggers:
        return [] if unit else [Status(obligation, obligation.party, "event", None, today=today)]
    used: set[int] = set()
    rows: list[Status] = []
    for trigger in triggers:
        text = archive.registry.record(trigger.id)
        due = stated_deadline(str(text["text"] or "") if text is not None else "")
        due = due or _when(trigger) + timedelta(days=obligation.days)
        answers = sorted(
            (r for r in records if r.id not in used and r.unit == trigger.unit and r.id != trigger.id
             and obligation.matches(r, _when(r).year) and _when(r) >= _when(trigger)),
            key=lambda r: (r.date or "", r.id),
        )  # fmt: skip
        future = tuple(r for r in answers if _when(r) > today)
        answered = [r for r in answers if _when(r) <= today]
        party = f"{obligation.party}（{trigger.unit}）" if obligation.owed_by_party else trigger.unit
        if answered:
            used.add(answered[0].id)
            state = "done" if _when(answered[0]) <= due else "late"
            rows.append(Status(obligation, party, state, due, (answered[0],), today, future=future,
                               trigger=trigger))  # fmt: skip
        else:
            rows.append(Status(obligation, party, "due" if today <= due else "overdue", due, (), today,
                               future=future, trigger=trigger))  # fmt: skip
    return rows
