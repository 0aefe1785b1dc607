"""The task lists and ledgers of 七（一）: what the secretary and each department head did, task by task.

The secretary has ten 主体责任任务 and each department head a list of their own (``tasks.toml``).
Through the year a clerk enters what was done for a task (date, what, and as evidence the
documents in the archive, by 档号 or 文号); at year end the ledger is reviewed item by item and
the review becomes a document (template ``task_review``). Entries live in the archive's registry,
in the same transaction as their audit entry, so the ledger and its evidence travel together.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import TYPE_CHECKING, Any

from ..archive.errors import RecordNotFound
from ..errors import Problem, ProblemsError

if TYPE_CHECKING:
    from ..archive import Archive, Record

SECRETARY = "局党组书记"
_SECRETARY_NAMES = (SECRETARY, "secretary", "党组书记")


def holder_name(holder: str) -> str:
    """The holder as the ledger stores it: 局党组书记 for any of its spellings, else the unit's name."""
    text = holder.strip()
    return SECRETARY if text in _SECRETARY_NAMES else text


class LedgerError(ProblemsError):
    """A ledger entry cannot be made as given; lists every problem."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("台账记录", problems)


@dataclass(frozen=True)
class Task:
    list_id: str
    id: str
    title: str

    @property
    def key(self) -> str:
        return f"{self.list_id}.{self.id}"


@dataclass(frozen=True)
class TaskList:
    id: str
    title: str
    holder: str
    tasks: tuple[Task, ...]

    def find(self, text: str) -> Task:
        """A task by its number, its key (``secretary.3``) or its title."""
        wanted = text.strip()
        for task in self.tasks:
            if wanted in (task.id, task.key, task.title):
                return task
        choices = "；".join(f"{t.id}. {t.title}" for t in self.tasks)
        raise LedgerError([Problem("task", "任务", f"{text!r} 不在{self.title}中；可选：{choices}")])


def load_task_lists() -> dict[str, TaskList]:
    """The built-in task lists: ``secretary`` (the ten tasks) and ``department``."""
    text = (resources.files("lianzheng_docs.duties") / "tasks.toml").read_text(encoding="utf-8")
    lists = {}
    for list_id, raw in tomllib.loads(text)["lists"].items():
        tasks = tuple(Task(list_id, str(t["id"]), str(t["title"])) for t in raw["tasks"])
        lists[list_id] = TaskList(list_id, str(raw["title"]), str(raw["holder"]), tasks)
    return lists


def holder_label(holder: str) -> str:
    """How the holder is named in the review's title: 局党组书记, or 预算科主要负责人."""
    name = holder_name(holder)
    return name if name == SECRETARY else f"{name}主要负责人"


def list_for(holder: str) -> TaskList:
    """The secretary's list for the secretary; a department head's list for any unit."""
    lists = load_task_lists()
    return lists["secretary"] if holder_name(holder) == SECRETARY else lists["department"]


@dataclass(frozen=True)
class LedgerEntry:
    id: int
    holder: str
    task: Task
    date: str
    done: str
    evidence: tuple[Record, ...]
    entered_at: str
    entered_by: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "holder": self.holder,
            "task": self.task.key,
            "task_title": self.task.title,
            "date": self.date,
            "done": self.done,
            "evidence": [
                {"archival_code": r.archival_code, "doc_number": r.doc_number, "title": r.title} for r in self.evidence
            ],
            "entered_at": self.entered_at,
            "entered_by": self.entered_by,
        }


@dataclass(frozen=True)
class ReviewItem:
    """One task of the list at year end, with what the ledger holds for it."""

    task: Task
    entries: tuple[LedgerEntry, ...]

    @property
    def done(self) -> bool:
        return bool(self.entries)


class Ledger:
    """The task ledgers kept in one archive."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive

    def add(
        self, holder: str, task: str, when: date, done: str, evidence: Sequence[str] = (),
        *, allow_future_date: bool = False, today: date | None = None,
    ) -> LedgerEntry:  # fmt: skip
        """Enter what was done for a task. Every problem is reported at once; nothing is written then.

        The ledger records what was done: a date after ``today`` is refused unless ``allow_future_date``.
        """
        problems: list[Problem] = []
        today = today or date.today()
        if when > today and not allow_future_date:
            problems.append(Problem("date", "日期", (
                f"{when.isoformat()} 晚于今天 {today.isoformat()}：台账记的是已经做了的事，请写实际完成的日期；"
                "确需预先记入，加 --allow-future-date（Python：allow_future_date=True）")))  # fmt: skip
        holder = holder_name(holder)
        if not holder:
            problems.append(Problem("holder", "责任人", "请写明是局党组书记还是哪个科室（单位）"))
        found: Task | None = None
        try:
            found = list_for(holder).find(task)
        except LedgerError as exc:
            problems.extend(exc.problems)
        if not done.strip():
            problems.append(Problem("done", "完成情况", "请写明做了什么，如“主持召开党组会议专题研究党风廉政建设”"))
        records: list[Record] = []
        for key in evidence:
            try:
                records.append(self.archive.get(key))
            except RecordNotFound:
                problems.append(Problem("evidence", "佐证材料", f"档案中没有 {key}：请先归档，或写档号、文号"))
        if problems or found is None:
            raise LedgerError(problems)
        entry_id = self.archive.registry.add_ledger_entry(
            holder, found.key, when.isoformat(), done.strip(), [r.id for r in records], self.archive.actor
        )
        return self.entries(entry_id=entry_id)[0]

    def entries(self, *, holder: str | None = None, year: int | None = None, entry_id: int | None = None
                ) -> list[LedgerEntry]:  # fmt: skip
        """Entries in date order, optionally of one holder, one year or one id."""
        rows = self.archive.registry.ledger_entries(
            holder=holder_name(holder) if holder else None, year=year, entry_id=entry_id
        )
        lists = load_task_lists()
        result = []
        for row in rows:
            list_id, _, task_id = str(row["task"]).partition(".")
            task = lists[list_id].find(task_id) if list_id in lists else Task(list_id, task_id, row["task"])
            evidence = tuple(self.archive.get(int(i)) for i in json.loads(row["evidence"]))
            result.append(LedgerEntry(row["id"], row["holder"], task, row["date"], row["done"], evidence,
                                      row["entered_at"], row["entered_by"]))  # fmt: skip
        return result

    def review(self, holder: str, year: int) -> list[ReviewItem]:
        """Every task of the holder's list, with the year's entries for it (逐项对照)."""
        entries = self.entries(holder=holder, year=year)
        return [
            ReviewItem(task, tuple(e for e in entries if e.task.key == task.key)) for task in list_for(holder).tasks
        ]


def review_recipients(holder: str) -> tuple[str, ...]:
    """The copies of the year-end review a holder makes (``recipient`` of ``task_review``): the
    secretary's goes to 市委 and to 市纪委 separately and is published inside the bureau (七（一）);
    a unit head's goes to 局党组."""
    return ("市委", "市纪委", "局内公开") if holder_name(holder) == SECRETARY else ("局党组",)


def review_data(items: Sequence[ReviewItem], holder: str, year: int, base: Mapping[str, Any]) -> dict[str, Any]:
    """Data for the ``task_review`` template: ``base`` (signature, date, summary...) plus every task."""
    tasks = []
    for item in items:
        lines = [f"{_cn_date(e.date)}，{e.done.rstrip('。')}。" for e in item.entries] or ["本年度未记入台账。"]
        codes = [r.doc_number or r.archival_code for e in item.entries for r in e.evidence]
        tasks.append({"title": item.task.title, "entries": lines, "evidence": "、".join(dict.fromkeys(codes))})
    return {**base, "holder": holder_label(holder), "year": year, "tasks": tasks}


def _cn_date(iso: str) -> str:
    day = date.fromisoformat(iso)
    return f"{day.month}月{day.day}日"
