"""Errors of search, each with its exit code (see :class:`lianzheng_docs.errors.ExitCode`).

Search sits below the archive and knows documents, not the registry: its errors live here, and
:mod:`lianzheng_docs.archive` re-exports them. They keep the archive's exit code, the index
being part of the archive for whoever runs ``lianzheng``.
"""

from __future__ import annotations

from ..errors import ArchiveError


class SearchIndexError(ArchiveError):
    """The search index is locked by another writer for too long, or cannot be read or written."""


class EmptyQuery(SearchIndexError):
    """The query is empty once normalised (only spaces or control characters): nothing to look for.

    Not a fault of the index, so a caller that rebuilds the index on :class:`SearchIndexError`
    lets this one through. A :class:`SearchIndexError` still, as an empty query always was, and
    named so in :meth:`to_dict` (``--json`` output that scripts read).
    """

    def __init__(self, message: str = "检索词为空") -> None:
        super().__init__(message)

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "error": SearchIndexError.__name__}
