"""What an obligation is and where one stands: the data :mod:`.judging` works on.

An :class:`Obligation` is one document the 实施办法 requires (who owes it, to whom, which template
or 题名 keyword satisfies it, its window of dates or its days after an event); a :class:`Status`
is one obligation judged for one party and one subject year.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ...archive import Record
    from ..events import Event

#: State names with the labels clerks see.
STATES = {
    "done": "已完成",
    "late": "逾期完成",
    "due": "未到期",
    "overdue": "已逾期",
    "event": "按事件",
    "no_template": "缺模板",
}
#: Flags a row may carry beside its state, with their labels.
FLAGS = {
    "future_date": "有成文日期晚于今天的文件（不计入）",
}
_ORGAN_SEPARATORS = re.compile(r"[、，,；;\s]+")
_DAY = re.compile(r"^(?:\+(?P<offset>[01]):)?(?P<month>\d{1,2})-(?P<day>\d{1,2})$")
AFTER_EVENT = re.compile(r"^(?P<days>\d+)\s*days?\s+after\s+event$")


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
    #: other 题名 words that also satisfy it, whatever the template (a 约谈 counts as a 廉政谈话
    #: where the seed allows it, also when the obligation names the 廉政谈话记录 template)
    also_keywords: tuple[str, ...] = ()
    exclude: str | None = None
    title_year: bool = False
    per_unit: bool = False
    unit: str | None = None  # the record's 科室（单位） must be this (obligations of one party)
    unit_kinds: tuple[str, ...] = ("科室", "二级机构")
    window: tuple[str, str] = ("01-01", "12-31")
    min_count: int = 1
    #: 分别报送: one document to each of these 主送 (市委, 市纪委), a 上行文 having one 主送 only;
    #: the obligation is met when every one of them has its document
    recipients: tuple[str, ...] = ()
    event: bool = False
    days: int = 0
    #: one row per person the roster names (``班子成员``, ``科室负责人``): the secretary's talks
    per_person: tuple[str, ...] = ()
    #: due ``days`` after each filed record of this template (a 告知书 and its 整改情况报告),
    #: for the record's unit; the record's own deadline (``于…前将整改情况``) wins when it states one
    after_template: str | None = None
    #: with ``after_template``: the answer is owed by :attr:`party`, about the record's unit (局党组's
    #: 决定 on a 问责意见 filed under the unit where the case arose), not by that unit itself
    owed_by_party: bool = False
    rule: str = ""
    owner: str = "builtin"

    def dates(self, year: int) -> tuple[date, date]:
        """The first and last date a document may bear to count, on time, for subject ``year``."""
        return _day(self.window[0], year), _day(self.window[1], year)

    def matches(self, record: Record, year: int) -> bool:
        """Whether ``record`` is a document of this kind for subject ``year`` (dates aside)."""
        of_kind = (not self.template or record.template_id == self.template) and (
            not self.keyword or self.keyword in record.title
        )
        if not of_kind and not any(word in record.title for word in self.also_keywords):
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
        if self.after_template:
            return f"收到后按其规定的期限（未写明的 {self.days} 日内）"
        if self.event:
            return f"事件发生后 {self.days} 日内"
        start, end = (_label(part) for part in self.window)
        times = f"，至少 {self.min_count} 次" if self.min_count > 1 else ""
        separately = f"，分别报送{'、'.join(self.recipients)}" if self.recipients else ""
        return f"{start}至{end}{'（每单位）' if self.per_unit else ''}{times}{separately}"

    def addressed_to(self, record: Record) -> tuple[str, ...]:
        """Which of :attr:`recipients` the record is sent to: an organ of its 主送 ends with the name
        (中共××市纪委 is 市纪委; 中共××市委组织部 is not 市委)."""
        organs = [part for part in _ORGAN_SEPARATORS.split(record.recipients) if part]
        return tuple(name for name in self.recipients if any(organ.endswith(name) for organ in organs))


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
    person: str = ""  # for obligations per person: who (姓名（职务）)
    #: documents of the kind dated after ``today``: listed, never counted
    future: tuple[Record, ...] = ()
    trigger: Record | None = None  # the filed record the deadline counts from (a 告知书)
    #: of the obligation's ``recipients``, those no document (on time or late) is addressed to yet
    missing: tuple[str, ...] = ()

    @property
    def days_left(self) -> int | None:
        """Days until the deadline (negative once past) while the obligation is not met."""
        if self.due is None or self.today is None or self.state not in ("due", "overdue"):
            return None
        return (self.due - self.today).days

    @property
    def label(self) -> str:
        return STATES[self.state]

    @property
    def flags(self) -> list[str]:
        """Keys of :data:`FLAGS` this row carries."""
        return ["future_date"] if self.future else []

    @property
    def who(self) -> str:
        """The party, with the person for rows per person: 局党组书记（与 王晓东 预算科科长）."""
        return f"{self.party}（与 {self.person}）" if self.person else self.party

    @property
    def note(self) -> str:
        """What a clerk should know beside the state: the flags, the 告知书 a deadline counts from."""
        parts = []
        if self.missing:
            parts.append(f"尚未报送{'、'.join(self.missing)}（主送为其的文件）")
        if self.trigger is not None:
            parts.append(f"依据 {self.trigger.doc_number or self.trigger.archival_code}（{self.trigger.date}）")
        if self.future:
            listed = "；".join(f"{r.archival_code} {r.date}" for r in self.future)
            parts.append(f"{FLAGS['future_date']}：{listed}")
        return "；".join(parts)

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
            "recipients": list(self.obligation.recipients),
            "missing_recipients": list(self.missing),
            "records": [_brief(r) for r in self.records],
            "event": self.event.to_dict() if self.event else None,
            "person": self.person or None,
            "flags": self.flags,
            "flag_labels": [FLAGS[f] for f in self.flags],
            "future_records": [_brief(r) for r in self.future],
            "trigger": {**_brief(self.trigger), "doc_number": self.trigger.doc_number} if self.trigger else None,
        }


def _brief(record: Record) -> dict[str, Any]:
    return {"archival_code": record.archival_code, "date": record.date, "title": record.title}
