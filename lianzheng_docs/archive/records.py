"""The archive's data: metadata given for filing, and records as filed."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from ..errors import Problem
from .codes import retention_code
from .errors import MetadataError

# Chinese names a clerk may use in a metadata file, for the keys below (DA/T 46 element names).
CHINESE_KEYS = {
    "题名": "title", "文种": "kind", "单位": "unit", "科室": "unit", "日期": "date", "成文日期": "date",
    "责任者": "author", "文号": "doc_number", "发文字号": "doc_number", "密级": "secrecy", "主送": "recipients",
    "抄送": "cc", "保管期限": "retention", "机构": "org", "机构或问题": "org", "年度": "year", "页数": "page_count",
}  # fmt: skip


class FutureDateError(MetadataError):
    """A document dated after today would be filed: refused unless asked for (``allow_future_date``)."""

    def __init__(self, when: date, today: date) -> None:
        super().__init__(
            f"成文日期（date）{when.isoformat()} 晚于今天 {today.isoformat()}：日期在未来的文件不予归档，"
            "lianzheng status 也不会把它算作已完成。请改正成文日期；确是预先签署的文件，"
            "加 --allow-future-date 归档（Python：allow_future_date=True）"
        )
        self.when = when
        self.today = today


def future_date_warning(when: date, today: date) -> str:
    """What is said when a document dated after today is filed anyway."""
    return (f"成文日期 {when.isoformat()} 晚于今天 {today.isoformat()}，已按 --allow-future-date 归档；"
            "在此日期之前 lianzheng status 不把它算作完成")  # fmt: skip


@dataclass
class RecordMeta:
    """Metadata for filing one document; what is left empty is taken from the document or defaults."""

    title: str = ""
    kind: str = ""
    unit: str = ""
    date: date | None = None
    author: str = ""
    doc_number: str = ""
    secrecy: str = ""
    recipients: str = ""
    cc: str = ""
    retention: str = ""
    org: str = ""
    year: int | None = None
    page_count: int | None = None

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], source: str = "元数据") -> RecordMeta:
        """Build from a metadata file's mapping (English or Chinese keys); every problem at once."""
        problems: list[Problem] = []
        values: dict[str, Any] = {}
        known = set(cls.__dataclass_fields__)
        for raw_key, value in data.items():
            key = CHINESE_KEYS.get(str(raw_key), str(raw_key))
            if key not in known:
                problems.append(
                    Problem(str(raw_key), str(raw_key), f"未知的元数据项；可用：{'、'.join(sorted(known))}")
                )
                continue
            if value is None or value == "":
                continue
            try:
                values[key] = _coerce(key, value)
            except (ValueError, MetadataError) as exc:
                problems.append(Problem(key, str(raw_key), getattr(exc, "message", str(exc))))
        if problems:
            lines = "\n".join(f"  - {p}" for p in problems)
            raise MetadataError(f"{source} 有 {len(problems)} 处问题：\n{lines}")
        return cls(**values)


def _coerce(key: str, value: Any) -> Any:
    if key == "date":
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            raise ValueError(f"日期应为 ISO 格式，如 2026-01-15，实际是 {value!r}") from None
    if key in ("year", "page_count"):
        if isinstance(value, bool) or not str(value).strip().isdigit():
            raise ValueError(f"应为整数，实际是 {value!r}")
        return int(value)
    if key == "retention":
        return retention_code(str(value).strip())
    if isinstance(value, list):
        return "，".join(str(v).strip() for v in value)
    if not isinstance(value, (str, int, float)):
        raise ValueError(f"应为文字，实际是 {type(value).__name__}")
    return str(value).strip()


@dataclass(frozen=True)
class StoredFile:
    role: str
    path: str  # relative to the archive root
    format: str
    size: int
    sha256: str
    original_name: str | None


@dataclass(frozen=True)
class Record:
    """One 件 as filed, with its 档号, DA/T 46 metadata and stored files."""

    id: int
    archival_code: str
    fonds: str
    category: str
    year: int
    retention: str
    org: str
    item: int
    doc_number: str | None
    title: str
    author: str
    date: str | None
    kind: str
    secrecy: str
    recipients: str
    cc: str
    unit: str
    template_id: str | None
    page_count: int | None
    source: str
    filed_at: str
    filed_by: str
    files: list[StoredFile] = field(default_factory=list)

    @classmethod
    def from_row(cls, row: sqlite3.Row, files: list[sqlite3.Row]) -> Record:
        values = {key: row[key] for key in row.keys() if key != "text"}
        stored = [
            StoredFile(f["role"], f["path"], f["format"], f["size"], f["sha256"], f["original_name"]) for f in files
        ]
        return cls(**values, files=stored)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
