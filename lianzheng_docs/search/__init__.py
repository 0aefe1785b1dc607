"""Full-text search of the archive, behind a small interface so another engine can replace Whoosh.

Callers use :class:`SearchEngine` (``update``, ``rebuild``, ``search``, ``count``) with
:class:`IndexedDocument` in and :class:`SearchResult` out; :func:`open_engine` returns the Whoosh
implementation. The index is derived data: the archive's registry can always rebuild it. Search
knows documents, not the registry: nothing here imports the archive.
"""

from __future__ import annotations

from pathlib import Path

from .engine import Hit, IndexedDocument, SearchEngine, SearchQuery, SearchResult
from .errors import EmptyQuery, SearchIndexError
from .text import Fragment


def open_engine(folder: Path, *, lock_timeout: float = 30.0) -> SearchEngine:
    """The search engine whose index lives in ``folder`` (created when missing).

    :raises SearchIndexError: ``folder`` exists but is not a folder (a file took its place).
    """
    from .whoosh_engine import WhooshEngine

    if folder.exists() and not folder.is_dir():
        raise SearchIndexError(
            f"检索索引的位置 {folder} 被一个文件占用：请把这个文件移走，下次检索时会从登记库重建索引"
        )

    return WhooshEngine(folder, lock_timeout=lock_timeout)


__all__ = [
    "EmptyQuery",
    "Fragment",
    "Hit",
    "IndexedDocument",
    "SearchEngine",
    "SearchIndexError",
    "SearchQuery",
    "SearchResult",
    "open_engine",
]
