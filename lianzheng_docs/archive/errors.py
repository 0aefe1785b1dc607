"""Errors of the archive, each with its exit code (see :class:`lianzheng_docs.errors.ExitCode`).

The search index's errors are search's own (:mod:`lianzheng_docs.search.errors`), re-exported
here: the archive may import search, never the other way round. Both derive from
:class:`~lianzheng_docs.errors.ArchiveError`, which lives with the other bases for that reason.
"""

from __future__ import annotations

from ..errors import ArchiveError, ExitCode, LianzhengError
from ..search.errors import EmptyQuery, SearchIndexError


class RegistryDamaged(ArchiveError):
    """The registry file exists but is empty, not a database or damaged: never a new archive."""

    def __init__(self, path: object, reason: str) -> None:
        super().__init__(
            f"档案登记库 {path} 无法使用：{reason}。它不会被当作新档案；请从备份或导出包恢复登记库，"
            "恢复前不要在这个档案中归档或检索"
        )


class DuplicateDocument(ArchiveError):
    """The same bytes are already filed; carries the existing record's 档号."""

    exit_code = ExitCode.INVALID_INPUT

    def __init__(self, existing_code: str, digest: str) -> None:
        super().__init__(f"同样内容的文件已归档，档号 {existing_code}；如确需重复归档，请加 --allow-duplicate")
        self.existing_code = existing_code
        self.digest = digest

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "existing": self.existing_code, "sha256": self.digest}


class RecordNotFound(LianzhengError):
    """No record has the id, 档号 or 文号 asked for."""

    exit_code = ExitCode.NOT_FOUND


class MetadataError(LianzhengError):
    """Metadata given for filing is missing or malformed."""

    exit_code = ExitCode.INVALID_INPUT


__all__ = [
    "ArchiveError",
    "DuplicateDocument",
    "EmptyQuery",
    "MetadataError",
    "RecordNotFound",
    "RegistryDamaged",
    "SearchIndexError",
]
