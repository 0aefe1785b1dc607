"""Who did what to a record, and who looked at it: the audit log read back, and access written to it.

Every view and download of a filed document (desk, API or CLI) is an audit event like a filing,
chained to the one before and covered by the checkpoint: an archive answers for who read it
as well as who wrote it (DA/T 70's 利用 records; issue 18 item 4). The entries are read here
for a record page or ``archive log``; verify reads the whole chain elsewhere.
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

from .registry import Registry

#: Actions that read a record without changing it (written by :meth:`History.record_access`).
ACCESS_ACTIONS = ("view", "download")
AccessAction = Literal["view", "download"]

#: The Chinese name of each action, for pages and listings.
ACTION_NAMES = {
    "file": "归档", "attach": "附加文件", "update": "更正", "configure": "设置", "event": "登记事件",
    "ledger": "登记台账", "view": "查看", "download": "下载", "roster": "更新名册",
}  # fmt: skip


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit log."""

    id: int
    at: str
    actor: str
    action: str
    record_id: int | None
    detail: dict[str, Any]

    @property
    def action_name(self) -> str:
        return ACTION_NAMES.get(self.action, self.action)

    @property
    def is_access(self) -> bool:
        return self.action in ACCESS_ACTIONS


class History:
    """The audit-reading half of an archive; :class:`~.archive.Archive` sets these attributes."""

    registry: Registry
    actor: str

    def history(
        self, *, record_id: int | None = None, actor: str | None = None, limit: int | None = None
    ) -> builtins.list[AuditEntry]:
        """The audit entries of one record, or one actor, or all; oldest first (the last ``limit``)."""
        rows = self.registry.audit_entries(record_id=record_id, actor=actor, limit=limit)
        return [
            AuditEntry(row["id"], row["at"], row["actor"], row["action"], row["record_id"], _detail(row["detail"]))
            for row in rows
        ]

    @contextmanager
    def audited(self, action: str, **detail: Any) -> Iterator[None]:
        """Do something beside the registry (a file kept next to the archive) and log it as ``action``.

        The block runs inside a write transaction; the entry is written when it ends without an
        error, so the work and its log line stand or fall together (the checkpoint follows)."""
        with self.registry.transaction():
            yield
            self.registry.audit(self.actor, action, None, detail)

    def record_access(self, record_id: int, action: AccessAction, **detail: Any) -> None:
        """Write that ``self.actor`` viewed or downloaded record ``record_id`` (``detail``: how, which file)."""
        if action not in ACCESS_ACTIONS:
            raise ValueError(f"not an access action: {action!r}")
        with self.registry.transaction():
            self.registry.audit(self.actor, action, record_id, detail)


def _detail(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except json.JSONDecodeError:
        return {"text": text}
    return value if isinstance(value, dict) else {"value": value}
