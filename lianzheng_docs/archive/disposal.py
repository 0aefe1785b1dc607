"""Recording a 鉴定决定 (:func:`decide`): ``destroy`` names records for destruction, ``extend`` gives them
a longer 保管期限 at once. Every reason a decision may not be made is listed (:class:`DisposalRefused`)
and nothing is written; otherwise the decision, its records, their new states and one audit entry a
record are written in one transaction. The rules it applies are told in :mod:`.retention`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, Final, Literal

from ..errors import LianzhengError, Problem, ProblemsError
from .codes import retention_code
from .decisions import OPINION_NAMES, Decision, decision
from .errors import ArchiveError
from .holdings import Holding, _iso, expiry, holdings, retention_name
from .registry import now, row_digest

if TYPE_CHECKING:
    from .archive import Archive

Opinion = Literal["destroy", "extend"]
#: longer is higher: an extension must move up
_RANK: Final = {"D10": 1, "D30": 2, "Y": 3}


class DisposalRefused(ProblemsError):
    """A decision or a destruction that may not be made: every reason listed, nothing written."""


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
