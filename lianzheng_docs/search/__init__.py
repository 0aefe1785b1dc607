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
    """The search engine whose index lives in ``folder`` (created when missing)."""
    from .whoosh_engine import WhooshEngine

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
