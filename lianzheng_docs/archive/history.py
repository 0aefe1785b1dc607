"""Who did what to a record, and who looked at it: the audit log read back, and access written to it.

Every view and download of a filed document (desk, API or CLI) is an audit event like a filing,
chained to the one before and covered by the checkpoint: an archive answers for who read it
as well as who wrote it (DA/T 70's 利用 records; issue 18 item 4). The entries are read here
for a record page or ``archive log``; verify reads the whole chain elsewhere.
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from .registry import Registry

#: Actions that read a record without changing it (written by :meth:`History.record_access`).
ACCESS_ACTIONS = ("view", "download")
AccessAction = Literal["view", "download"]

#: The Chinese name of each action, for pages and listings.
ACTION_NAMES = {
    "file": "归档", "attach": "附加文件", "update": "更正", "configure": "设置", "event": "登记事件",
    "ledger": "登记台账", "view": "查看", "download": "下载", "roster": "更新名册",
    "dispose": "鉴定：销毁", "extend": "延长保管期限", "destroy": "销毁",
}  # fmt: skip


#: A record's fields as an ``update`` entry names them, in Chinese (DA/T 46 names).
FIELD_NAMES = {
    "title": "题名", "doc_number": "文号", "date": "日期", "author": "责任者", "kind": "文种", "unit": "单位",
    "secrecy": "密级", "recipients": "主送", "cc": "抄送", "retention": "保管期限", "page_count": "页数",
    "year": "年度", "org": "机构", "fonds": "全宗号", "org_code": "机构代码",
}  # fmt: skip

#: Stored files' roles and records' sources, in Chinese.
ROLE_NAMES = {"original": "原件", "pdf": "PDF 版本"}
SOURCE_NAMES = {"rendered": "本系统生成", "external": "外来文件"}


def local_time(iso: str) -> str:
    """An ISO time stamp (UTC, as the registry keeps it) in this computer's local time, to the second."""
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return iso


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

    @property
    def local_at(self) -> str:
        return local_time(self.at)

    def summary(self) -> str:
        """A line on what the entry did, from its detail (for the record page and ``archive log``)."""
        detail = self.detail
        via = str(detail.get("via", ""))
        if self.action == "download":
            role = str(detail.get("file", ""))
            parts = [f"文件：{ROLE_NAMES.get(role, role)}" if role else "", via, str(detail.get("to", ""))]
            return "；".join(part for part in parts if part)
        if self.action == "view":
            return "；".join(part for part in (str(detail.get("page", "")), via) if part)
        if self.action in ("file", "attach"):
            files = detail.get("files") or []
            named = (str(f.get("role")) for f in files if isinstance(f, dict))
            roles = "、".join(ROLE_NAMES.get(role, role) for role in named)
            source = SOURCE_NAMES.get(str(detail.get("source", "")), "")
            return "；".join(part for part in (source, f"文件：{roles}" if roles else "") if part)
        if self.action == "update":
            changes = [(key, value) for key, value in detail.items() if isinstance(value, list) and len(value) == 2]
            shown = [f"{FIELD_NAMES.get(key, key)}：{_shown(old)} → {_shown(new)}" for key, (old, new) in changes]
            return "；".join(shown)
        if self.action == "roster":
            return str(detail.get("filename", ""))
        return ""


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

    def record_access(self, record_ids: int | Iterable[int], action: AccessAction, **detail: Any) -> None:
        """Write that ``self.actor`` viewed or downloaded these records (``detail``: how, which file),
        one entry a record, all in one transaction (an export of a thousand records is one commit)."""
        if action not in ACCESS_ACTIONS:
            raise ValueError(f"not an access action: {action!r}")
        ids = [record_ids] if isinstance(record_ids, int) else list(record_ids)
        if not ids:
            return
        with self.registry.transaction():
            for record_id in ids:
                self.registry.audit(self.actor, action, record_id, detail)


def _shown(value: object) -> str:
    return "（无）" if value in (None, "") else str(value)


def _detail(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except json.JSONDecodeError:
        return {"text": text}
    return value if isinstance(value, dict) else {"value": value}
