"""Retention and disposal: when a record's 保管期限 runs out, the 鉴定 decision on it, and what follows:
destruction with its 销毁清册, or a longer 保管期限 (延长保管期限). Issue 18 item 3.

The rules, and where they come from (public descriptions; a clause number only where one was found):

- 保管期限 are 永久 and 定期, 定期 being 30 or 10 years: 国家档案局令第8号《机关文件材料归档范围和文书档案
  保管期限规定》(2006) 第六条. DA/T 22-2015 sorts and numbers records by them (5.2 分类, 5.4 编号: the
  档号 carries Y, D30 or D10), so the 保管期限 as filed stays in the 档号 and in ``records``.
- A 定期 period counts from 1 January of the year after the record's 年度: the practice public
  descriptions of 保管期限表 give ("定期保存的计算方法，一般是从文件产生后的第二年起计算"). No clause of DA/T
  22-2015 or of the 第8号令 saying so was found, so none is cited. A record of 年度 2015 kept 定期10年
  is kept through 31 December 2025, its 到期日, and is due for appraisal (到期鉴定) from 1 January 2026.
- Nothing is destroyed but on a recorded, approved decision: 档案法 (2020) 第二十一条 (禁止擅自销毁档案);
  GB/T 18894-2016 has electronic records appraised and destroyed under the national rules for 档案鉴定
  销毁, after approval (its clause number was not found). How bureaus do it, as they publish their
  鉴定销毁制度: a 鉴定小组 of two or more gives its opinion, a leader approves it, the records to go are
  listed in a 销毁清册 kept for good, and two or more 监销人 see the destruction and sign the list with
  its 方式 and 日期; records still worth keeping get a new, longer 保管期限.

What this module does with them. A decision (:func:`decide`) records the 鉴定意见 (``destroy`` or
``extend`` to a new 保管期限), its grounds, the 鉴定小组 (two names at least), the 批准人, the date and
the records it covers; in the same transaction each record's state changes (拟销毁, or its new
保管期限 in force) and one audit entry a record (``dispose`` or ``extend``) fixes the digests of the
rows written, so that verify catches a decision edited behind the tool's back. A destruction
(:func:`destroy`) carries out one ``destroy`` decision: in one transaction it writes the 销毁清册
(.docx and .xlsx, :mod:`.destruction_list`), records who watched (监销人) and how, marks the records
已销毁 and writes a ``destroy`` audit entry each, naming the files and their digests; once that has
committed the files are removed, and the search index is rebuilt without their text. The record's
metadata, its digests and the decision stay: verify reports such a file as destroyed, not missing.
Only a record past its 到期日 on the decision's date is destroyed, unless the decision says why
it may go early; a 永久 record never is.
"""

from __future__ import annotations

import builtins
import json
import os
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal

from ..errors import ExitCode, LianzhengError, Problem, ProblemsError
from ..templating.manifest import RETENTION_NAMES
from .codes import retention_code
from .errors import ArchiveError
from .registry import Registry, now, row_digest
from .storage import digest_of

if TYPE_CHECKING:
    from .archive import Archive

Opinion = Literal["destroy", "extend"]
#: the 鉴定意见, in Chinese
OPINION_NAMES: Final = {"destroy": "销毁", "extend": "延长保管期限"}
#: a record's state: ``held`` (no decision on it: the 保管期限 as filed), ``extended`` (a decision gave
#: it a longer 保管期限), ``pending`` (a decision to destroy it, not yet carried out), ``destroyed``
STATE_NAMES: Final = {"held": "在库", "extended": "已延长保管期限", "pending": "拟销毁", "destroyed": "已销毁"}
#: years of each 定期 保管期限 (国家档案局令第8号 第六条); 永久 (Y) has no end
PERIODS: Final = {"D30": 30, "D10": 10}
#: longer is higher: an extension must move up
_RANK: Final = {"D10": 1, "D30": 2, "Y": 3}
#: how the files are destroyed, unless the clerk says otherwise
DEFAULT_METHOD: Final = "从档案存储中删除电子文件（元数据、哈希值和鉴定决定保留）"
#: audit actions, with their Chinese names (for the audit log's listing)
ACTIONS: Final = {"dispose": "鉴定：销毁", "extend": "延长保管期限", "destroy": "销毁"}


def expiry(year: int, retention: str) -> date | None:
    """The 到期日 of a record of 年度 ``year`` kept ``retention`` (Y, D30, D10): the last day of the period
    counted from 1 January of the next year, e.g. 2015 and D10 give 2025-12-31. None for 永久."""
    years = PERIODS.get(retention)
    return None if years is None else date(year + years, 12, 31)


def is_due(year: int, retention: str, as_of: date) -> bool:
    """Whether the 保管期限 has run out by ``as_of`` (the day after the 到期日 and later)."""
    end = expiry(year, retention)
    return end is not None and as_of > end


def retention_name(code: str) -> str:
    return RETENTION_NAMES.get(code, code)


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _day(value: str | None) -> date | None:
    return None if not value else date.fromisoformat(value)


# ---------------------------------------------------------------------------------------------- errors


class DisposalRefused(ProblemsError):
    """A decision or a destruction that may not be made: every reason listed, nothing written."""


class DecisionNotFound(LianzhengError):
    """No 鉴定决定 has the number asked for."""

    exit_code = ExitCode.NOT_FOUND

    def __init__(self, number: int) -> None:
        super().__init__(f"没有第 {number} 号鉴定决定；可用 lianzheng archive appraise list 查看已记录的决定")
        self.number = number


# ---------------------------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Holding:
    """A record as appraisal sees it: the 保管期限 in force, its 到期日 and the record's state."""

    id: int
    archival_code: str
    title: str
    year: int
    #: the 保管期限 in force (a decision may have extended it)
    retention: str
    #: the 保管期限 as filed, in the 档号
    filed_retention: str
    page_count: int | None
    #: held | extended | pending | destroyed (:data:`STATE_NAMES`)
    state: str
    #: the decision that set the state (None while held)
    decision_id: int | None

    @property
    def expires(self) -> date | None:
        return expiry(self.year, self.retention)

    def due(self, as_of: date) -> bool:
        return is_due(self.year, self.retention, as_of)

    @property
    def state_name(self) -> str:
        name = STATE_NAMES.get(self.state, self.state)
        return f"{name}（第 {self.decision_id} 号决定）" if self.decision_id else name

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "archival_code": self.archival_code, "title": self.title, "year": self.year,
            "retention": self.retention, "retention_name": retention_name(self.retention),
            "filed_retention": self.filed_retention, "expires": _iso(self.expires), "page_count": self.page_count,
            "state": self.state, "state_name": STATE_NAMES.get(self.state, self.state), "decision": self.decision_id,
        }  # fmt: skip


_HOLDINGS: Final = (
    "SELECT r.id, r.archival_code, r.title, r.year, r.retention AS filed_retention, r.page_count, "
    "COALESCE(s.retention, r.retention) AS retention, COALESCE(s.state, 'held') AS state, s.decision_id "
    "FROM records r LEFT JOIN record_states s ON s.record_id = r.id"
)
_ORDER: Final = " ORDER BY r.year, r.retention, r.org, r.item"


def _holding(row: sqlite3.Row) -> Holding:
    return Holding(row["id"], row["archival_code"], row["title"], row["year"], row["retention"],
                   row["filed_retention"], row["page_count"], row["state"], row["decision_id"])  # fmt: skip


def due(archive: Archive, as_of: date | None = None) -> list[Holding]:
    """The records past their 到期日 on ``as_of`` (default today) and not destroyed, in 档号 order;
    those a decision already named for destruction are among them, with their state."""
    as_of = as_of or date.today()
    # past the 到期日 (year + N)-12-31 on as_of means year + N < as_of.year
    periods = " OR ".join("(COALESCE(s.retention, r.retention) = ? AND r.year + ? < ?)" for _ in PERIODS)
    params: list[object] = []
    for code, years in PERIODS.items():
        params += [code, years, as_of.year]
    sql = f"{_HOLDINGS} WHERE COALESCE(s.state, 'held') != 'destroyed' AND ({periods}){_ORDER}"
    return [_holding(row) for row in archive.registry.db.execute(sql, params)]


def holdings(archive: Archive, keys: Iterable[int | str]) -> list[Holding]:
    """The records named by id, 档号 or 文号 (each once, in the order first named).

    :raises RecordNotFound: a key names no record.
    """
    ids: list[int] = []
    for key in keys:
        record_id = archive.get(key).id
        if record_id not in ids:
            ids.append(record_id)
    found: dict[int, Holding] = {}
    for start in range(0, len(ids), 900):  # under SQLite's limit of bound parameters
        chunk = ids[start : start + 900]
        sql = f"{_HOLDINGS} WHERE r.id IN ({', '.join('?' * len(chunk))})"
        found.update((row["id"], _holding(row)) for row in archive.registry.db.execute(sql, chunk))
    return [found[record_id] for record_id in ids]


def holding(archive: Archive, key: int | str) -> Holding:
    """One record's 保管期限 in force, 到期日 and state (see :func:`holdings`)."""
    return holdings(archive, [key])[0]


# ---------------------------------------------------------------------------------------------- decisions


@dataclass(frozen=True)
class DecisionItem:
    """One record a decision covers, as it was when the decision was made."""

    record_id: int
    archival_code: str
    title: str
    year: int
    page_count: int | None
    #: the 保管期限 in force before the decision, and its 到期日
    retention: str
    expires: date | None
    #: whether it was past its 到期日 on the decision's date (False: destroyed early, on the stated reason)
    due: bool
    #: its state now (a later decision may have extended a record this one named for destruction)
    state: str
    state_decision: int | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "record_id": self.record_id, "archival_code": self.archival_code, "title": self.title,
            "year": self.year, "page_count": self.page_count, "retention": self.retention,
            "retention_name": retention_name(self.retention), "expires": _iso(self.expires), "due": self.due,
            "state": self.state, "state_decision": self.state_decision,
        }  # fmt: skip


@dataclass(frozen=True)
class Destruction:
    """How a destroy decision was carried out."""

    destroyed_on: date
    supervisors: tuple[str, ...]
    method: str
    #: the 销毁清册 written: file name -> sha256
    lists: dict[str, str]
    entered_at: str
    entered_by: str

    def to_dict(self) -> dict[str, Any]:
        return {"destroyed_on": self.destroyed_on.isoformat(), "supervisors": list(self.supervisors),
                "method": self.method, "lists": self.lists, "entered_at": self.entered_at,
                "entered_by": self.entered_by}  # fmt: skip


@dataclass(frozen=True)
class Decision:
    """A 鉴定决定: the opinion, who approved it and when, and the records it covers."""

    id: int
    opinion: str
    #: the new 保管期限 of an ``extend`` decision
    new_retention: str | None
    reason: str
    members: tuple[str, ...]
    approver: str
    decided_on: date
    #: why records not yet due are destroyed ("" when every record was due)
    early_reason: str
    entered_at: str
    entered_by: str
    items: tuple[DecisionItem, ...] = ()
    destruction: Destruction | None = None

    @property
    def opinion_name(self) -> str:
        name = OPINION_NAMES.get(self.opinion, self.opinion)
        return f"{name}（{retention_name(self.new_retention)}）" if self.new_retention else name

    @property
    def status(self) -> str:
        """What has come of it, in Chinese."""
        if self.opinion == "extend":
            return "已生效"
        if self.destruction is not None:
            return f"已于 {self.destruction.destroyed_on.isoformat()} 销毁"
        return "待销毁"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "opinion": self.opinion, "opinion_name": self.opinion_name,
            "new_retention": self.new_retention, "reason": self.reason, "members": list(self.members),
            "approver": self.approver, "decided_on": self.decided_on.isoformat(), "early_reason": self.early_reason,
            "entered_at": self.entered_at, "entered_by": self.entered_by, "status": self.status,
            "records": [item.to_dict() for item in self.items],
            "destruction": None if self.destruction is None else self.destruction.to_dict(),
        }  # fmt: skip


def _people(names: Iterable[str]) -> list[str]:
    """Names as given, stripped, each once, in order."""
    found: list[str] = []
    for name in names:
        name = " ".join(str(name).split())
        if name and name not in found:
            found.append(name)
    return found


def decide(
    archive: Archive,
    keys: Sequence[int | str],
    *,
    opinion: Opinion,
    reason: str,
    members: Sequence[str],
    approver: str,
    decided_on: date | None = None,
    new_retention: str | None = None,
    not_due_reason: str = "",
    today: date | None = None,
) -> Decision:
    """Record a 鉴定决定 on the records named by ``keys`` (id, 档号 or 文号), with its audit entries.

    ``opinion`` ``destroy`` names them for destruction (carried out later by :func:`destroy`);
    ``extend`` gives them ``new_retention`` (永久 or 定期30年 …, longer than the one in force) at once.
    ``members`` are the 鉴定小组 (two at least), ``approver`` the 批准人, ``decided_on`` the date of
    approval (default today; never after ``today``). A record to destroy must be past its 到期日 on
    that date, unless ``not_due_reason`` says why it may go early (the reason is recorded and printed
    on the 销毁清册); a 永久 record, a destroyed one and one already named for destruction are refused.

    :raises DisposalRefused: every reason the decision may not be made; nothing is written.
    :raises RecordNotFound: a key names no record.
    """
    today = today or date.today()
    decided_on = decided_on or today
    people = _people(members)
    boss = " ".join(approver.split())
    problems: list[Problem] = []

    def refuse(path: str, label: str, message: str) -> None:
        problems.append(Problem(path, label, message))

    if opinion not in OPINION_NAMES:
        refuse("opinion", "鉴定意见", f"应为销毁（destroy）或延长保管期限（extend），收到的是 {opinion!r}")
    if len(people) < 2:
        given = "、".join(people) or "无"
        refuse("members", "鉴定小组", f"至少要有两名鉴定小组成员（现有：{given}）；请用 --member 逐个写上姓名")
    if not boss:
        refuse("approver", "批准人", "鉴定决定须经批准：请用 --approver 写上批准人（如分管领导）的姓名")
    if not reason.strip():
        refuse("reason", "鉴定意见", "请写明鉴定意见的理由，如：保管期满，经逐件鉴定已无继续保存价值")
    if decided_on > today:
        refuse("date", "批准日期", f"{decided_on.isoformat()} 晚于今天 {today.isoformat()}：只能记录已经批准的决定")
    new_code = None
    if opinion == "extend":
        try:
            new_code = retention_code((new_retention or "").strip()) if new_retention else None
        except LianzhengError as exc:
            refuse("new_retention", "新的保管期限", exc.message)
        if new_retention is None:
            refuse("new_retention", "新的保管期限", "延长保管期限须写明新的保管期限：永久 或 定期30年")
        if not_due_reason.strip():
            refuse("not_due_reason", "提前销毁的理由", "只用于销毁的决定；延长保管期限不必到期")
    elif new_retention:
        refuse("new_retention", "新的保管期限", "销毁的决定不改保管期限；要延长保管期限，请用 --extend")
    records = holdings(archive, keys)
    if not records:
        refuse("records", "档案", "没有列出要鉴定的档案：请写档号（或 id、文号），或用 --all-due 鉴定全部已到期的")
    early = False
    for record in records:
        label = f"档号 {record.archival_code}"
        if record.state == "destroyed":
            refuse(label, label, f"已按第 {record.decision_id} 号决定销毁")
            continue
        if opinion == "destroy":
            if record.state == "pending":
                refuse(label, label, f"已列入第 {record.decision_id} 号销毁决定（尚未销毁），不必再列")
            elif record.retention == "Y":
                refuse(label, label, "保管期限为永久，永久保管的档案不能销毁")
            elif not record.due(decided_on):
                expires = record.expires.isoformat() if record.expires else ""
                if not_due_reason.strip():
                    early = True
                else:
                    refuse(label, label, (
                        f"保管期限（{retention_name(record.retention)}）到 {expires} 才期满，批准日期 "
                        f"{decided_on.isoformat()} 时尚未到期；确需提前销毁，请加 --not-due-reason 写明理由"
                        "（记入决定和销毁清册）"
                    ))  # fmt: skip
        elif new_code is not None:
            if _RANK[new_code] <= _RANK[record.retention]:
                refuse(label, label, (
                    f"现行保管期限为{retention_name(record.retention)}，延长须改为更长的期限"
                    f"（{'、'.join(retention_name(c) for c in _RANK if _RANK[c] > _RANK[record.retention]) or '无'}）"
                ))  # fmt: skip
            elif (end := expiry(record.year, new_code)) is not None and end < decided_on:
                refuse(label, label, (
                    f"改为{retention_name(new_code)}后到 {end.isoformat()} 期满，早于批准日期，仍是到期的：请改为永久"
                ))  # fmt: skip
    if not_due_reason.strip() and opinion == "destroy" and not early and not problems:
        refuse("not_due_reason", "提前销毁的理由", "所列档案都已到期，不必写 --not-due-reason")
    if problems:
        raise DisposalRefused("鉴定决定", problems)
    assert opinion in ("destroy", "extend")
    return _record_decision(archive, records, opinion, reason.strip(), people, boss, decided_on, new_code,
                            not_due_reason.strip() if early else "")  # fmt: skip


def _record_decision(
    archive: Archive,
    records: list[Holding],
    opinion: Opinion,
    reason: str,
    people: list[str],
    approver: str,
    decided_on: date,
    new_code: str | None,
    early_reason: str,
) -> Decision:
    """Write the decision, its records, their new states and one audit entry a record, in one transaction.

    The states are read again inside the transaction: another process may have decided on a record
    since it was checked, and the later decision must not be overwritten unseen."""
    registry = archive.registry
    values: dict[str, Any] = {
        "opinion": opinion, "new_retention": new_code, "reason": reason,
        "members": json.dumps(people, ensure_ascii=False), "approver": approver,
        "decided_on": decided_on.isoformat(), "early_reason": early_reason, "entered_at": now(),
        "entered_by": archive.actor,
    }  # fmt: skip
    with registry.transaction() as db:
        now_held = {h.id: h for h in holdings(archive, [r.id for r in records])}
        changed = [r.archival_code for r in records if (now_held[r.id].state, now_held[r.id].decision_id)
                   != (r.state, r.decision_id)]  # fmt: skip
        if changed:
            raise ArchiveError(
                f"档号 {'、'.join(changed)} 刚被另一个鉴定决定改变了状态，本决定未记录；请重新查看后再定"
            )
        columns = ", ".join(values)
        cursor = db.execute(f"INSERT INTO disposal_decisions ({columns}) VALUES ({', '.join('?' * len(values))})",
                            tuple(values.values()))  # fmt: skip
        number = int(cursor.lastrowid or 0)
        decision_row = row_digest(values)
        for record in records:
            expires = record.expires
            item = {"decision_id": number, "record_id": record.id, "retention": record.retention,
                    "expires": _iso(expires), "due": int(record.due(decided_on))}  # fmt: skip
            db.execute("INSERT INTO disposal_records (decision_id, record_id, retention, expires, due) "
                       "VALUES (?, ?, ?, ?, ?)", tuple(item.values()))  # fmt: skip
            retention = new_code if opinion == "extend" and new_code else record.retention
            state = {"record_id": record.id, "state": "extended" if opinion == "extend" else "pending",
                     "retention": retention, "decision_id": number}  # fmt: skip
            _put_state(db, state)
            detail: dict[str, Any] = {
                "decision": number,
                "archival_code": record.archival_code,
                "decision_row": decision_row,
                "item_row": row_digest(item),
                "state_row": row_digest(state),
            }
            if opinion == "extend":
                detail["retention"] = [record.retention, retention]
                detail["expires"] = [_iso(expires), _iso(expiry(record.year, retention))]
            elif not item["due"]:
                detail["not_due"] = True
            registry.audit(archive.actor, "extend" if opinion == "extend" else "dispose", record.id, detail)
    return decision(archive, number)


def _put_state(db: sqlite3.Connection, state: Mapping[str, object]) -> None:
    db.execute(
        "INSERT INTO record_states (record_id, state, retention, decision_id) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (record_id) DO UPDATE SET state = excluded.state, retention = excluded.retention, "
        "decision_id = excluded.decision_id",
        (state["record_id"], state["state"], state["retention"], state["decision_id"]),
    )


def decision(archive: Archive, number: int) -> Decision:
    """The 鉴定决定 number ``number`` with its records and, once carried out, its destruction.

    :raises DecisionNotFound: there is none.
    """
    found = _decisions(archive.registry, number)
    if not found:
        raise DecisionNotFound(number)
    return found[0]


def decisions(archive: Archive) -> builtins.list[Decision]:
    """Every 鉴定决定, oldest first, with its records."""
    return _decisions(archive.registry, None)


def _decisions(registry: Registry, number: int | None) -> builtins.list[Decision]:
    db = registry.db
    where, params = ("WHERE id = ?", (number,)) if number is not None else ("", ())
    rows = list(db.execute(f"SELECT * FROM disposal_decisions {where} ORDER BY id", params))
    if not rows:
        return []
    items: dict[int, list[DecisionItem]] = {row["id"]: [] for row in rows}
    item_where = "WHERE d.decision_id = ?" if number is not None else ""
    for row in db.execute(
        "SELECT d.*, r.archival_code, r.title, r.year, r.page_count, COALESCE(s.state, 'held') AS state, "
        "s.decision_id AS state_decision FROM disposal_records d JOIN records r ON r.id = d.record_id "
        f"LEFT JOIN record_states s ON s.record_id = d.record_id {item_where} "
        "ORDER BY d.decision_id, r.year, r.retention, r.org, r.item",
        params,
    ):
        items[row["decision_id"]].append(DecisionItem(
            row["record_id"], row["archival_code"], row["title"], row["year"], row["page_count"], row["retention"],
            _day(row["expires"]), bool(row["due"]), row["state"], row["state_decision"],
        ))  # fmt: skip
    done: dict[int, Destruction] = {}
    done_where = "WHERE decision_id = ?" if number is not None else ""
    for row in db.execute(f"SELECT * FROM destructions {done_where}", params):
        day = _day(row["destroyed_on"])
        assert day is not None
        done[row["decision_id"]] = Destruction(
            day, tuple(_json_list(row["supervisors"])), row["method"], _json_dict(row["lists"]), row["entered_at"],
            row["entered_by"],
        )  # fmt: skip
    found = []
    for row in rows:
        decided = _day(row["decided_on"])
        assert decided is not None
        found.append(Decision(
            row["id"], row["opinion"], row["new_retention"], row["reason"], tuple(_json_list(row["members"])),
            row["approver"], decided, row["early_reason"], row["entered_at"], row["entered_by"],
            tuple(items[row["id"]]), done.get(row["id"]),
        ))  # fmt: skip
    return found


def _json_list(text: str) -> list[str]:
    try:
        value = json.loads(text)
    except ValueError:
        return [text]
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _json_dict(text: str) -> dict[str, str]:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


# ---------------------------------------------------------------------------------------------- destruction


@dataclass
class DestructionResult:
    """What :func:`destroy` did."""

    decision: Decision
    #: the 销毁清册 written (empty when the decision had been carried out before)
    lists: builtins.list[Path] = field(default_factory=list)
    #: the records destroyed now
    destroyed: builtins.list[DecisionItem] = field(default_factory=list)
    #: records the decision named that a later decision kept (extended): not destroyed
    kept: builtins.list[DecisionItem] = field(default_factory=list)
    #: files removed from the archive's storage (paths relative to its root)
    removed: builtins.list[str] = field(default_factory=list)
    #: what could not be done after the commit (a file left, the index not rebuilt), in Chinese
    warnings: builtins.list[str] = field(default_factory=list)
    #: True when the decision had been carried out already and only leftover files were removed
    resumed: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "decision": self.decision.id, "resumed": self.resumed, "lists": [str(p) for p in self.lists],
            "destroyed": [item.archival_code for item in self.destroyed],
            "kept": [item.archival_code for item in self.kept], "removed": self.removed, "warnings": self.warnings,
            "destruction": None if self.decision.destruction is None else self.decision.destruction.to_dict(),
        }  # fmt: skip


def destroy(
    archive: Archive,
    number: int,
    folder: Path,
    *,
    supervisors: Sequence[str],
    destroyed_on: date | None = None,
    method: str = DEFAULT_METHOD,
    overwrite: bool = False,
    today: date | None = None,
) -> DestructionResult:
    """Carry out the ``destroy`` decision ``number``: the 销毁清册 into ``folder``, then the files go.

    In one registry transaction (so two clerks cannot carry out one decision twice): the decision's
    records still named for destruction by it are checked again, the 销毁清册 is written (.docx and
    .xlsx, atomically, :mod:`.destruction_list`) and its digests recorded with the 监销人
    (``supervisors``, two at least), ``method`` and ``destroyed_on`` (default today, not before the
    decision nor after today), and each record is marked 已销毁 with a ``destroy`` audit entry naming
    its files and their digests, and its extracted text is cleared. Only after the commit are the
    files removed (a crash in between leaves files that verify reports as "not destroyed" and that
    running this again removes), and the search index rebuilt without their text.

    A record the decision named that a later decision extended is kept, and said so. A decision
    already carried out is not carried out again: this only removes files a crash left behind.

    :raises DecisionNotFound: there is no such decision.
    :raises DisposalRefused: an extend decision, fewer than two 监销人, a date out of range, or no
        record left to destroy; nothing written.
    :raises OutputError: a 销毁清册 cannot be written (or exists, without ``overwrite``); nothing destroyed.
    """
    today = today or date.today()
    destroyed_on = destroyed_on or today
    chosen = decision(archive, number)
    if chosen.opinion != "destroy":
        raise DisposalRefused(f"第 {number} 号鉴定决定", [Problem(
            "opinion", "鉴定意见", f"是{chosen.opinion_name}，不是销毁：延长保管期限的决定在记录时已生效，没有要销毁的",
        )])  # fmt: skip
    if chosen.destruction is not None:
        result = DestructionResult(chosen, resumed=True)
        _remove_files(archive, number, result)
        return result
    watchers = _people(supervisors)
    problems: list[Problem] = []
    if len(watchers) < 2:
        given = "、".join(watchers) or "无"
        problems.append(
            Problem("supervisors", "监销人", f"销毁须有两名以上监销人（现有：{given}）；请用 --supervisor 逐个写上姓名")
        )
    if destroyed_on > today:
        problems.append(Problem("date", "销毁日期", f"{destroyed_on.isoformat()} 晚于今天 {today.isoformat()}"))
    if destroyed_on < chosen.decided_on:
        problems.append(Problem("date", "销毁日期", (
            f"{destroyed_on.isoformat()} 早于决定的批准日期 {chosen.decided_on.isoformat()}：先批准，后销毁"
        )))  # fmt: skip
    if not method.strip():
        problems.append(Problem("method", "销毁方式", "请写明销毁方式"))
    if problems:
        raise DisposalRefused(f"第 {number} 号决定的销毁", problems)

    from ..fileio import write_atomic
    from .destruction_list import DestructionSheet, destruction_lists

    registry = archive.registry
    written: list[Path] = []
    try:
        with registry.transaction() as db:
            current = decision(archive, number)  # inside the write lock: what it covers now
            if current.destruction is not None:
                raise ArchiveError(f"第 {number} 号鉴定决定刚由另一个进程执行了销毁；请用 appraise show {number} 查看")
            pending = [i for i in current.items if (i.state, i.state_decision) == ("pending", number)]
            kept = [i for i in current.items if i not in pending]
            early = "决定时未到期，而决定没有写明提前销毁的理由"
            refusals = [Problem(f"档号 {i.archival_code}", f"档号 {i.archival_code}", early)
                        for i in pending if not i.due and not current.early_reason]  # fmt: skip
            if not pending:
                refusals.append(
                    Problem("records", "档案", "这个决定列出的档案都已由之后的决定延长了保管期限，没有要销毁的")
                )
            if refusals:
                raise DisposalRefused(f"第 {number} 号决定的销毁", refusals)
            sheet = DestructionSheet.of(
                current, pending, fonds=archive.setting("fonds"), destroyed_on=destroyed_on, supervisors=watchers,
                method=method.strip(), destroyer=archive.actor,
            )  # fmt: skip
            lists: dict[str, str] = {}
            for name, content in destruction_lists(sheet).items():
                target = folder / name
                write_atomic(target, content, overwrite=overwrite)
                written.append(target)
                lists[name] = digest_of(target)[0]
            values: dict[str, Any] = {
                "decision_id": number, "destroyed_on": destroyed_on.isoformat(),
                "supervisors": json.dumps(watchers, ensure_ascii=False), "method": method.strip(),
                "lists": json.dumps(lists, ensure_ascii=False, sort_keys=True), "entered_at": now(),
                "entered_by": archive.actor,
            }  # fmt: skip
            db.execute(f"INSERT INTO destructions ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
                       tuple(values.values()))  # fmt: skip
            destruction_row = row_digest(values)
            decision_row = _decision_digest(db, number)
            files = registry.files_of_records([i.record_id for i in pending])
            for item in pending:
                state = {"record_id": item.record_id, "state": "destroyed", "retention": item.retention,
                         "decision_id": number}  # fmt: skip
                _put_state(db, state)
                db.execute("UPDATE records SET text = '' WHERE id = ?", (item.record_id,))
                registry.audit(archive.actor, "destroy", item.record_id, {
                    "decision": number, "archival_code": item.archival_code, "decision_row": decision_row,
                    "destruction_row": destruction_row, "state_row": row_digest(state),
                    "destroyed_on": destroyed_on.isoformat(), "lists": lists,
                    "files": [{"role": f["role"], "path": f["path"], "sha256": f["sha256"], "size": f["size"]}
                              for f in files[item.record_id]],
                })  # fmt: skip
    except BaseException:
        for path in written:  # a 销毁清册 of a destruction that did not happen would mislead
            path.unlink(missing_ok=True)
        raise
    result = DestructionResult(decision(archive, number), written, pending, kept)
    _remove_files(archive, number, result)
    try:
        archive.reindex()  # the destroyed text leaves the index's files, not just its answers
    except (LianzhengError, OSError) as exc:
        reason = getattr(exc, "message", None) or str(exc)
        result.warnings.append(f"已销毁，但检索索引未能重建（{reason}）：已销毁文件的文字可能仍在索引中，"
                               "请运行 lianzheng archive reindex")  # fmt: skip
    archive.warnings.extend(result.warnings)
    return result


def _decision_digest(db: sqlite3.Connection, number: int) -> str:
    row = db.execute("SELECT * FROM disposal_decisions WHERE id = ?", (number,)).fetchone()
    return row_digest({key: row[key] for key in row.keys() if key != "id"})


def _remove_files(archive: Archive, number: int, result: DestructionResult) -> None:
    """Remove the files the chain records as destroyed by decision ``number`` that are still there.

    A file whose content is no longer the one registered is left in place and reported: it is not
    the record's file, and it may be evidence of tampering that verify should still see."""
    for gone in destroyed_files(archive.registry).values():
        if gone.decision != number:
            continue
        path = archive.root / gone.path
        if not path.is_file():
            continue
        if digest_of(path)[0] != gone.sha256:
            result.warnings.append(f"档号 {gone.archival_code} 的文件 {gone.path} 与登记的哈希值不符，未删除："
                                   "请运行 lianzheng archive verify 查明")  # fmt: skip
            continue
        try:
            path.unlink()
            _fsync_folder(path.parent)
        except OSError as exc:
            result.warnings.append(f"档号 {gone.archival_code} 的文件 {gone.path} 未能删除（{exc.strerror or exc}）："
                                   f"请排除后再运行 lianzheng archive appraise destroy {number}")  # fmt: skip
            continue
        result.removed.append(gone.path)


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ------------------------------------------------------------------------------- for verify, export, inspect


@dataclass(frozen=True)
class DestroyedFile:
    """A stored file destroyed on a decision, as its ``destroy`` audit entry records it."""

    path: str
    sha256: str
    size: int
    role: str
    record_id: int
    archival_code: str
    decision: int
    destroyed_on: str

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "sha256": self.sha256, "size": self.size, "role": self.role,
                "record_id": self.record_id, "archival_code": self.archival_code, "decision": self.decision,
                "destroyed_on": self.destroyed_on}  # fmt: skip

    def describe(self) -> str:
        return f"档号 {self.archival_code} 的文件已按第 {self.decision} 号鉴定决定于 {self.destroyed_on} 销毁"


def destroyed_files(registry: Registry) -> dict[str, DestroyedFile]:
    """Every file destroyed on a decision, by its path (relative to the archive root), read from the
    audit chain's ``destroy`` entries: what verify, an export or an inspection should not look for.

    Read from the chain, not from ``record_states``: a state row can be written behind the tool's
    back, an audit entry cannot without breaking the chain (which verify catches)."""
    found: dict[str, DestroyedFile] = {}
    for entry in registry.db.execute("SELECT record_id, detail FROM audit WHERE action = 'destroy' ORDER BY id"):
        try:
            detail = json.loads(entry["detail"])
            for stored in detail.get("files", []):
                found[str(stored["path"])] = DestroyedFile(
                    str(stored["path"]), str(stored["sha256"]), int(stored["size"]), str(stored.get("role", "")),
                    int(entry["record_id"]), str(detail.get("archival_code", "")), int(detail["decision"]),
                    str(detail.get("destroyed_on", "")),
                )  # fmt: skip
        except (ValueError, KeyError, TypeError, AttributeError):
            continue  # a malformed entry: the chain check reports a rewritten log
    return found


def state_of(registry: Registry, record_id: int) -> tuple[str, str | None, int | None]:
    """(state, 保管期限 in force or None when as filed, decision) of one record: for pages and listings
    that show whether a record is 已销毁 or has a new 保管期限."""
    row = registry.db.execute("SELECT state, retention, decision_id FROM record_states WHERE record_id = ?",
                              (record_id,)).fetchone()  # fmt: skip
    return ("held", None, None) if row is None else (row["state"], row["retention"], row["decision_id"])
