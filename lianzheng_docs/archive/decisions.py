"""The 鉴定决定 as recorded: what a decision is (its opinion, who approved it and when, the records it
covers and, once carried out, its destruction) and reading decisions back from the registry.

Decisions are written by :func:`.disposal.decide` and carried out by :func:`.retention.destroy`; their
rows are never changed afterwards (the registry's triggers).
"""

from __future__ import annotations

import builtins
import json
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Final

from ..errors import ExitCode, LianzhengError
from .holdings import _iso, retention_name

if TYPE_CHECKING:
    from .archive import Archive
    from .registry import Registry

#: the 鉴定意见, in Chinese
OPINION_NAMES: Final = {"destroy": "销毁", "extend": "延长保管期限"}


def _day(value: str | None) -> date | None:
    return None if not value else date.fromisoformat(value)


class DecisionNotFound(LianzhengError):
    """No 鉴定决定 has the number asked for."""

    exit_code = ExitCode.NOT_FOUND

    def __init__(self, number: int) -> None:
        super().__init__(f"没有第 {number} 号鉴定决定；可用 lianzheng archive appraise list 查看已记录的决定")
        self.number = number


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
