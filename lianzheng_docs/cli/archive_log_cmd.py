"""``lianzheng archive log``: the audit log read back: who filed, changed, viewed or downloaded what, when.

Every view and download is an audit entry whichever door it came through (the desk's pages, the
JSON API, ``archive show``/``export``/``dossier`` here), chained like a filing, so this one
listing answers "who has seen this record" (issue 18 item 4; DA/T 70's 利用 records).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from ..archive import Archive, AuditEntry
from ..archive.history import ACTION_NAMES
from .output import emit, format_table
from .params import archive_option, json_option


@click.command("log")
@click.option("--record", "key", metavar="ID|档号|文号", help="只列这件档案的记录。")
@click.option("--user", "actor", metavar="操作人",
              help="只列这个操作人的记录（与日志中的写法一致，如 张三（网页，科室·预算科））。")
@click.option("--action", type=click.Choice(sorted(ACTION_NAMES)), help="只列这种操作（view 查看、download 下载……）。")
@click.option("--access", is_flag=True, help="只列查看和下载。")
@click.option("--limit", type=click.IntRange(1, 100_000), default=200, show_default=True, help="最多列出最近的多少条。")
@archive_option
@json_option
def log(key: str | None, actor: str | None, action: str | None, access: bool, limit: int, root: Path | None,
        as_json: bool) -> None:  # fmt: skip
    """审计日志：归档、更正、查看、下载……每条的时间、操作人、档号和说明（最近的在后）。"""
    with Archive(root, create=False) as archive:
        record_id = archive.get(key).id if key else None
        entries = archive.history(record_id=record_id, actor=actor, limit=None if (action or access) else limit)
        entries = [e for e in entries if (not action or e.action == action) and (not access or e.is_access)][-limit:]
        codes = _codes(archive, {e.record_id for e in entries if e.record_id is not None})
    emit([_data(e, codes) for e in entries], lambda: _text(entries, codes, key), as_json=as_json)


def _codes(archive: Archive, ids: set[int]) -> dict[int, str]:
    """档号 of each record named in the entries (one lookup each; a listing names at most ``limit``)."""
    found = {}
    for record_id in ids:
        row = archive.registry.record(record_id)
        found[record_id] = row["archival_code"] if row is not None else f"#{record_id}"
    return found


def _data(entry: AuditEntry, codes: dict[int, str]) -> dict[str, Any]:
    return {"id": entry.id, "at": entry.at, "actor": entry.actor, "action": entry.action,
            "record_id": entry.record_id, "archival_code": codes.get(entry.record_id or 0),
            "detail": entry.detail}  # fmt: skip


def _text(entries: list[AuditEntry], codes: dict[int, str], key: str | None) -> Iterator[str]:
    if not entries:
        yield "没有符合条件的审计记录。" + ("（这件档案尚无记录）" if key else "")
        return
    rows = [(e.local_at, e.action_name, e.actor, codes.get(e.record_id or 0, ""), e.summary()) for e in entries]
    yield format_table(["时间", "操作", "操作人", "档号", "说明"], rows)
    views = sum(e.action == "view" for e in entries)
    downloads = sum(e.action == "download" for e in entries)
    yield f"共 {len(entries)} 条（查看 {views}，下载 {downloads}）。"
