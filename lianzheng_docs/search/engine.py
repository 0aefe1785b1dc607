"""What a search engine is to its callers: the protocol, and the documents and results it deals in.

Callers use :class:`SearchEngine` (``update``, ``rebuild``, ``search``, ``count``) with
:class:`IndexedDocument` in and :class:`SearchResult` out. Engines import these from here, not
from the package, so that the package can hand out an engine without an import cycle.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from .text import Fragment


@dataclass(frozen=True)
class IndexedDocument:
    """What the index holds of one record."""

    id: int
    title: str
    body: str
    doc_number: str = ""
    archival_code: str = ""
    kind: str = ""
    unit: str = ""
    year: int | None = None
    date: str = ""
    secrecy: str = ""
    template: str = ""


@dataclass(frozen=True)
class SearchQuery:
    """What to look for, and the filters every result must pass (``None``: no filter)."""

    text: str
    kind: str | None = None
    unit: str | None = None
    year: int | None = None
    template: str | None = None
    secrecy: str | None = None  # 密级 as filed; "" finds the records filed without one
    since: date | None = None  # 成文日期 from (inclusive); undated records are left out
    until: date | None = None  # 成文日期 to (inclusive)
    limit: int = 10


@dataclass(frozen=True)
class Hit:
    id: int
    score: float
    title: str
    archival_code: str
    doc_number: str
    kind: str
    unit: str
    year: int | None
    date: str
    secrecy: str = ""
    fragments: list[Fragment] = field(default_factory=list)


@dataclass(frozen=True)
class SearchResult:
    total: int
    hits: list[Hit]


class SearchEngine(Protocol):
    """The operations the archive needs from a search engine."""

    def update(self, documents: Sequence[IndexedDocument], *, merge: bool = True) -> None:
        """Add or replace documents (by id) in one commit; all or none."""

    def rebuild(self, batches: Iterable[Sequence[IndexedDocument]]) -> int:
        """Replace the index's content with ``batches`` (read one at a time); returns the count.

        Until it completes, searches see the old content; if it fails, the old content stays."""

    def close(self) -> None:
        """Release open files."""

    def search(self, query: SearchQuery) -> SearchResult:
        """Documents containing every word of ``query.text`` (white space separates words) as a
        substring, best first; also the records whose 文号 or 档号 is the query. Text and query are
        compared normalised (:func:`~.text.normalise`: width, case, white space, brackets).

        Raises :class:`~.errors.EmptyQuery` when the query is empty once normalised."""

    def count(self) -> int:
        """How many documents the index holds."""

    def last_id(self) -> int:
        """The highest record id indexed so far (0 for an empty index)."""

    def reset(self) -> None:
        """Empty the index, at the current schema version."""

    def healthy(self) -> bool:
        """Whether the index opens and is of the current schema version."""
