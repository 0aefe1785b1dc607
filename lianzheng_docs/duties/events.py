"""Events that start a deadline: a 组织生活会 (report within 7 days), a special inspection...

Some obligations fall due N days after something happens, which the archive cannot know. A clerk
records the event (which obligation, who owes the document, the date); ``lianzheng status`` then
judges the obligation against it like any other deadline. Events live in the archive's registry
with an audit row each.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from ..errors import ExitCode, LianzhengError

if TYPE_CHECKING:
    from ..archive import Archive
    from .obligations.model import Obligation


class EventError(LianzhengError):
    """An event cannot be recorded as given."""

    exit_code = ExitCode.INVALID_INPUT


@dataclass(frozen=True)
class Event:
    id: int
    obligation: str
    party: str
    date: date
    note: str = ""
    entered_at: str = ""
    entered_by: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "obligation": self.obligation, "party": self.party, "date": self.date.isoformat(),
                "note": self.note, "entered_at": self.entered_at, "entered_by": self.entered_by}  # fmt: skip


def record_event(
    archive: Archive, obligation: str, party: str, when: date, note: str = "",
    *, obligations: Sequence[Obligation] | None = None,
) -> Event:  # fmt: skip
    """Record that the event of ``obligation`` happened for ``party`` on ``when``."""
    from .obligations.loading import load_obligations, plugin_obligations

    known = {o.id: o for o in (obligations if obligations is not None else load_obligations(plugin_obligations()))}
    event_ids = "、".join(o.id for o in known.values() if o.event)
    found = known.get(obligation)
    if found is None or not found.event:
        what = "不存在" if found is None else "不是按事件计算期限的事项"
        raise EventError(f"义务 {obligation!r} {what}；按事件计算期限的有：{event_ids}")
    if not party.strip():
        raise EventError(f"请用 --party 写明谁应报送（如 预算科）；{found.title}由{found.party}报送")
    event_id = archive.registry.add_event(obligation, party.strip(), when.isoformat(), note.strip(), archive.actor)
    return list_events(archive, event_id=event_id)[0]


def list_events(
    archive: Archive, *, year: int | None = None, obligation: str | None = None, event_id: int | None = None
) -> list[Event]:
    """Recorded events in date order, optionally of one year, one obligation or one id."""
    rows = archive.registry.events(year=year, obligation=obligation, event_id=event_id)
    return [
        Event(
            row["id"],
            row["obligation"],
            row["party"],
            date.fromisoformat(row["date"]),
            row["note"],
            row["entered_at"],
            row["entered_by"],
        )
        for row in rows
    ]
