"""Errors of the archive, each with its exit code (see :class:`lianzheng_docs.errors.ExitCode`).

The search index's errors are search's own (:mod:`lianzheng_docs.search.errors`), re-exported
here: the archive may import search, never the other way round. Both derive from
:class:`~lianzheng_docs.errors.ArchiveError`, which lives with the other bases for that reason.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

from ..errors import ArchiveError, ExitCode, LianzhengError
from ..search.errors import EmptyQuery, SearchIndexError

#: Below this much free space, an I/O error of the registry is taken for a full disk: SQLite reports
#: a full disk as SQLITE_FULL when it grows the database or its journal, but as SQLITE_IOERR_* when
#: it cannot grow its shared-memory index (``-shm``), which every command needs to open the registry.
LOW_SPACE_BYTES = 1024 * 1024


class RegistryDamaged(ArchiveError):
    """The registry file exists but is empty, not a database or damaged: never a new archive."""

    def __init__(self, path: object, reason: str) -> None:
        super().__init__(
            f"档案登记库 {path} 无法使用：{reason}。它不会被当作新档案；请从备份或导出包恢复登记库，"
            "恢复前不要在这个档案中归档或检索"
        )


class DiskFull(ArchiveError):
    """The disk holding the archive is full: what was being done was not done, and nothing needs restoring.

    Told apart from a damaged registry, whose advice (restore from a backup) would be wrong here:
    restoring over a sound registry loses the filings made since the backup.
    """

    def __init__(self, folder: Path, outcome: str) -> None:
        super().__init__(
            f"磁盘空间不足（{folder} 所在的磁盘已满），{outcome}。档案没有损坏，不需要从备份恢复；请腾出磁盘空间后重试"
        )


class ArchiveNotFound(LianzhengError):
    """A command that only reads found no archive where it was pointed; it creates none."""

    exit_code = ExitCode.NOT_FOUND

    def __init__(self, root: Path) -> None:
        where = "当前文件夹下的 archive/" if root == Path("archive") else str(root)
        super().__init__(
            f"{where} 没有档案（找不到登记库 registry.sqlite3），什么也没有创建。请用 --archive 指向已有的档案文件夹"
            "（或设置环境变量 LIANZHENG_ARCHIVE）；要在这里建立档案，请运行 lianzheng archive init"
        )
        self.root = root


def disk_full(exc: BaseException, folder: Path) -> bool:
    """Whether ``exc`` (or an error it was raised from) means the disk holding ``folder`` is full."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, DiskFull):
            return True
        if isinstance(current, OSError) and current.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if isinstance(current, sqlite3.Error):
            name = str(getattr(current, "sqlite_errorname", ""))
            if name == "SQLITE_FULL":
                return True
            if name.startswith("SQLITE_IOERR") and little_space(folder):
                return True
        current = current.__cause__ or current.__context__
    return False


def little_space(folder: Path) -> bool:
    """Whether the file system holding ``folder`` (or its nearest existing parent) is all but full."""
    folder = Path(folder)
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        stats = os.statvfs(folder)
    except (OSError, AttributeError):  # AttributeError: no statvfs (Windows)
        return False
    no_inodes = stats.f_files > 0 and stats.f_favail == 0
    return stats.f_bavail * stats.f_frsize < LOW_SPACE_BYTES or no_inodes


class DuplicateDocument(ArchiveError):
    """The same bytes are already filed; carries the existing record's 档号."""

    exit_code = ExitCode.INVALID_INPUT

    def __init__(self, existing_code: str, digest: str) -> None:
        super().__init__(f"同样内容的文件已归档，档号 {existing_code}；如确需重复归档，请加 --allow-duplicate")
        self.existing_code = existing_code
        self.digest = digest

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "existing": self.existing_code, "sha256": self.digest}


class AlreadyFiled(ArchiveError):
    """The same document (template, 题名, 单位, 主送, 成文日期) is already filed: filing it again would
    take another 文号 for it. Carries the existing record's 档号 and 文号."""

    exit_code = ExitCode.INVALID_INPUT

    def __init__(self, existing_code: str, doc_number: str | None) -> None:
        number = f"（文号 {doc_number}）" if doc_number else ""
        super().__init__(
            f"这份文件已归档，档号 {existing_code}{number}：同一模板、同一题名、单位、主送和成文日期；"
            "再归档一份会另占一个文号。改了内容要重新归档的，请加 --allow-duplicate"
        )
        self.existing_code = existing_code
        self.doc_number = doc_number

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "existing": self.existing_code, "doc_number": self.doc_number}


class RecordNotFound(LianzhengError):
    """No record has the id, 档号 or 文号 asked for."""

    exit_code = ExitCode.NOT_FOUND


class MetadataError(LianzhengError):
    """Metadata given for filing is missing or malformed."""

    exit_code = ExitCode.INVALID_INPUT


__all__ = [
    "AlreadyFiled",
    "ArchiveError",
    "ArchiveNotFound",
    "DiskFull",
    "DuplicateDocument",
    "EmptyQuery",
    "MetadataError",
    "RecordNotFound",
    "RegistryDamaged",
    "SearchIndexError",
]
