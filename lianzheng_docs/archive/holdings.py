"""What appraisal sees of a record: the 保管期限 in force, its 到期日 and the record's state, and which
records are due for appraisal (到期鉴定).

How a 定期 period is counted, and where that comes from, is told in :mod:`.retention`; a decision
(:mod:`.disposal`) changes a record's state and may give it a longer 保管期限, kept in ``record_states``
beside the record as filed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Final

from ..templating.manifest import RETENTION_NAMES

if TYPE_CHECKING:
    from .archive import Archive
    from .registry import Registry

#: a record's state: ``held`` (no decision on it: the 保管期限 as filed), ``extended`` (a decision gave
#: it a longer 保管期限), ``pending`` (a decision to destroy it, not yet carried out), ``destroyed``
STATE_NAMES: Final = {"held": "在库", "extended": "已延长保管期限", "pending": "拟销毁", "destroyed": "已销毁"}
#: years of each 定期 保管期限 (国家档案局令第8号 第六条); 永久 (Y) has no end
PERIODS: Final = {"D30": 30, "D10": 10}


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


def state_of(registry: Registry, record_id: int) -> tuple[str, str | None, int | None]:
    """(state, 保管期限 in force or None when as filed, decision) of one record: for pages and listings
    that show whether a record is 已销毁 or has a new 保管期限."""
    row = registry.db.execute("SELECT state, retention, decision_id FROM record_states WHERE record_id = ?",
                              (record_id,)).fetchone()  # fmt: skip
    return ("held", None, None) if row is None else (row["state"], row["retention"], row["decision_id"])
