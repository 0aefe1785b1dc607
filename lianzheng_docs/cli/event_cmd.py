"""``lianzheng event``: record the events some deadlines count from (a 组织生活会, an inspection)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from .output import emit, format_table
from .params import ISO_DATE, YEAR, archive_option, json_option


@click.group("event")
def event_group() -> None:
    """按事件计算期限的事项：记下事件（如组织生活会召开日期），status 即按“事件后 N 日内”检查。"""


@event_group.command("add")
@click.argument("obligation", metavar="事项ID")
@click.option("--party", required=True, help="应报送的科室（单位），如 预算科。")
@click.option("--date", "when", type=ISO_DATE, required=True, help="事件日期，如 2026-05-10。")
@click.option("--note", default="", help="说明，如 “第二季度组织生活会”。")
@archive_option
@json_option
def add(obligation: str, party: str, when: Any, note: str, root: Path | None, as_json: bool) -> None:
    """记下一次事件，例如：lianzheng event add party_life_meeting --party 预算科 --date 2026-05-10"""
    from ..archive import Archive
    from ..duties.events import record_event
    from ..duties.obligations import load_obligations, plugin_obligations

    obligations = load_obligations(plugin_obligations())
    with Archive(root) as archive:
        event = record_event(archive, obligation, party, when, note, obligations=obligations)

    def text() -> str:
        days = next(o.days for o in obligations if o.id == obligation)
        return f"已记下：{event.party} {event.date.isoformat()} {note}（{obligation}，应在 {days} 日内报送）"

    emit(event.to_dict(), text, as_json=as_json)


@event_group.command("list")
@click.option("--year", type=YEAR, help="年度。")
@archive_option
@json_option
def list_events(year: int | None, root: Path | None, as_json: bool) -> None:
    """列出记下的事件。"""
    from ..archive import Archive
    from ..duties.events import list_events as events_of

    with Archive(root, create=False) as archive:  # only reads: makes no archive
        events = events_of(archive, year=year)
    rows = [(e.date.isoformat(), e.obligation, e.party, e.note) for e in events]
    emit([e.to_dict() for e in events],
         lambda: [format_table(["日期", "事项", "报送单位", "说明"], rows), f"\n共 {len(events)} 件。"],
         as_json=as_json)  # fmt: skip
