"""Who owes which document by when, and whether the archive holds it.

Obligations are data (``obligations.toml`` beside this module, plus what plugins register with
``lianzheng_obligations``). For a subject year each obligation has a window of dates. A document
counts when it is in the archive, is of the obligation's kind (its template, and/or a keyword in
its 题名), belongs to the right unit when the obligation falls on every unit, and is dated
(成文日期) inside the window. The 成文日期 is the proof rather than the filing time, because paper
documents are often filed weeks after they were signed. Where the 题名 names the subject year
("关于2024年……的报告"), a document dated after the window is recognised as done late. Obligations
that follow events (a meeting, an inspection) are judged against the events clerks record
(:mod:`lianzheng_docs.events`); with none recorded they are listed as 按事件.
"""

from __future__ import annotations

import calendar
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from importlib import resources
from typing import Any

from .archive import Archive, Record
from .errors import Problem, TemplateError
from .events import Event, list_events
from .roster import Roster, RosterError

#: State names with the labels clerks see.
STATES = {
    "done": "已完成",
    "late": "逾期完成",
    "due": "未到期",
    "overdue": "已逾期",
    "event": "按事件",
    "no_template": "缺模板",
}
_DAY = re.compile(r"^(?:\+(?P<offset>[01]):)?(?P<month>\d{1,2})-(?P<day>\d{1,2})$")
_AFTER_EVENT = re.compile(r"^(?P<days>\d+)\s*days?\s+after\s+event$")


@dataclass(frozen=True)
class Obligation:
    """One document the 实施办法 requires: who owes it, to whom, of what kind, by when."""

    id: str
    title: str
    clause: str = ""
    party: str = ""
    to: str = ""
    template: str | None = None
    keyword: str | None = None
    exclude: str | None = None
    title_year: bool = False
    per_unit: bool = False
    unit: str | None = None  # the record's 科室（单位） must be this (obligations of one party)
    unit_kinds: tuple[str, ...] = ("科室", "二级机构")
    window: tuple[str, str] = ("01-01", "12-31")
    min_count: int = 1
    event: bool = False
    days: int = 0
    rule: str = ""
    owner: str = "builtin"

    def dates(self, year: int) -> tuple[date, date]:
        """The first and last date a document may bear to count, on time, for subject ``year``."""
        return _day(self.window[0], year), _day(self.window[1], year)

    def matches(self, record: Record, year: int) -> bool:
        """Whether ``record`` is a document of this kind for subject ``year`` (dates aside)."""
        if self.template and record.template_id != self.template:
            return False
        if self.keyword and self.keyword not in record.title:
            return False
        if self.exclude and self.exclude in record.title:
            return False
        if self.unit is not None and record.unit != self.unit:
            return False
        return not self.title_year or f"{year}年" in record.title

    @property
    def rule_text(self) -> str:
        """The rule in the words a clerk uses."""
        if self.rule:
            return self.rule
        if self.event:
            return f"事件发生后 {self.days} 日内"
        start, end = (_label(part) for part in self.window)
        times = f"，至少 {self.min_count} 次" if self.min_count > 1 else ""
        return f"{start}至{end}{'（每单位）' if self.per_unit else ''}{times}"


def _day(text: str, year: int) -> date:
    found = _DAY.match(text.strip())
    if not found:
        raise ValueError(f"日期 {text!r} 应写成 MM-DD 或 +1:MM-DD")
    year, month, day = year + int(found["offset"] or 0), int(found["month"]), int(found["day"])
    if (month, day) == (2, 29) and not calendar.isleap(year):
        day = 28  # "by the end of February"
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"日期 {text!r} 不存在（月份 1–12，日期不超过当月天数）") from None


def _label(text: str) -> str:
    found = _DAY.match(text)
    assert found
    return f"{'次年' if found['offset'] else ''}{int(found['month'])}月{int(found['day'])}日"


def load_obligations(extra: Iterable[tuple[str, dict[str, Any]]] | None = None) -> list[Obligation]:
    """The built-in obligations, then ``extra`` ones as (owner, mapping), e.g. from plugins.

    A plugin's mapping may give ``due`` instead of ``window``: ``"MM-DD"`` (by that day each year),
    ``"+1:MM-DD"`` (by that day the next year) or ``"N days after event"``.
    """
    text = (resources.files("lianzheng_docs") / "obligations.toml").read_text(encoding="utf-8")
    raw = [("builtin", item) for item in tomllib.loads(text)["obligations"]] + list(extra or [])
    found: list[Obligation] = []
    seen: dict[str, str] = {}
    for owner, item in raw:
        obligation = _obligation(owner, item)
        if obligation.id in seen:
            raise TemplateError(
                f"义务 {obligation.id} 重复登记（{seen[obligation.id]} 与 {owner}）："
                "插件的义务编号请加前缀，如 “tzps:...”"
            )
        seen[obligation.id] = owner
        found.append(obligation)
    return found


def plugin_obligations() -> list[tuple[str, dict[str, Any]]]:
    """What the loaded plugins register through ``lianzheng_obligations``."""
    from .plugins import get_plugins

    return [(owner, item) for owner, item in get_plugins().collect("lianzheng_obligations") if owner != "builtin"]


def _obligation(owner: str, item: Any) -> Obligation:
    label = item.get("id", "?") if isinstance(item, dict) else "?"
    try:
        if not isinstance(item, dict):
            raise TypeError("应是一个映射（dict）")
        window = item.get("window", ["01-01", "12-31"])
        event, days = bool(item.get("event", False)), int(item.get("days", 0))
        due = str(item.get("due", "")).strip()
        if due:
            after = _AFTER_EVENT.match(due)
            if after:
                event, days = True, int(after["days"])
            else:
                window = ["01-01", due]
        obligation = Obligation(
            id=str(item["id"]), title=str(item["title"]), clause=str(item.get("clause", "")),
            party=str(item.get("party", item.get("owner", ""))), to=str(item.get("to", "")),
            template=item.get("template"), keyword=item.get("keyword"), exclude=item.get("exclude"),
            title_year=bool(item.get("title_year", False)), per_unit=bool(item.get("per_unit", False)),
            unit=item.get("unit"),
            unit_kinds=tuple(item.get("unit_kinds", ("科室", "二级机构"))),
            window=(str(window[0]), str(window[1])), min_count=int(item.get("min_count", 1)),
            event=event, days=days, rule=str(item.get("rule", "")), owner=owner,
        )  # fmt: skip
        if not obligation.event:
            obligation.dates(2000)  # a bad date fails here, naming the obligation
        if not (obligation.template or obligation.keyword):
            raise ValueError("template 和 keyword 至少要有一个，否则无法判断哪份文件满足它")
        if obligation.min_count < 1:
            raise ValueError("min_count 至少为 1")
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        what = f"缺少 {exc}" if isinstance(exc, KeyError) else str(exc)
        raise TemplateError(f"{owner} 登记的义务 {label} 无法使用：{what}") from exc
    return obligation


@dataclass(frozen=True)
class Status:
    """Where one obligation stands for one party (a unit, or the party group, secretary, ...)."""

    obligation: Obligation
    party: str
    state: str  # a key of STATES
    due: date | None
    records: tuple[Record, ...] = ()
    today: date | None = None
    event: Event | None = None  # for obligations due N days after an event
    year: int | None = None  # the subject year it was judged for

    @property
    def days_left(self) -> int | None:
        """Days until the deadline (negative once past) while the obligation is not met."""
        if self.due is None or self.today is None or self.state not in ("due", "overdue"):
            return None
        return (self.due - self.today).days

    @property
    def label(self) -> str:
        return STATES[self.state]

    def to_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "obligation": self.obligation.id,
            "title": self.obligation.title,
            "clause": self.obligation.clause,
            "owner": self.obligation.owner,
            "party": self.party,
            "to": self.obligation.to,
            "rule": self.obligation.rule_text,
            "state": self.state,
            "state_label": self.label,
            "due": self.due.isoformat() if self.due else None,
            "days_left": self.days_left,
            "count": len(self.records),
            "required": self.obligation.min_count,
            "records": [{"archival_code": r.archival_code, "date": r.date, "title": r.title} for r in self.records],
            "event": self.event.to_dict() if self.event else None,
        }


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


def status_html(statuses: Sequence[Status], year: int, *, bureau: str = "") -> str:
    """The status matrix as one self-contained HTML page, for the year-end check (检查考核)."""
    from html import escape

    colours = {"done": "#e6f4ea", "late": "#fff4d6", "overdue": "#fde2e1", "due": "#ffffff"}
    rows = []
    for s in statuses:
        records = "；".join(f"{r.archival_code}（{r.date}）" for r in s.records) or "—"
        due = s.due.isoformat() if s.due else "—"
        left = "" if s.days_left is None else f"（{'剩' if s.days_left >= 0 else '逾期'} {abs(s.days_left)} 天）"
        cells = [s.obligation.clause, s.obligation.title, s.party, s.obligation.to, s.obligation.rule_text,
                 due + left, s.label, records]  # fmt: skip
        style = f' style="background:{colours.get(s.state, "#f2f2f2")}"'
        rows.append(f"<tr{style}>" + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr>")
    headers = ["条款", "事项", "责任主体", "报送对象", "要求", "期限", "状态", "档号（成文日期）"]
    title = escape(f"{bureau}{year}年度“两个责任”文书落实情况")
    counts = "，".join(f"{label} {sum(s.state == key for s in statuses)} 项" for key, label in STATES.items()
                      if any(s.state == key for s in statuses))  # fmt: skip
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>body{{font-family:'Noto Sans CJK SC',sans-serif}}"
        "table{border-collapse:collapse}td,th{border:1px solid #999;padding:4px 8px}</style></head><body>"
        f"<h1>{title}</h1><p>{escape(counts)}</p><table><thead><tr>"
        + "".join(f"<th>{h}</th>" for h in headers)
        + "</tr></thead><tbody>\n"
        + "\n".join(rows)
        + "\n</tbody></table></body></html>\n"
    )
