"""Search and its index, for :class:`~.archive.Archive`: the index is derived data.

The registry is the truth; the Whoosh index (behind :class:`~lianzheng_docs.search.SearchEngine`)
is caught up after each filing (or once after many, :meth:`Indexing.indexing_deferred`), checked
once per open archive, and rebuilt from the registry when it is missing, stale or broken. A full
disk that keeps it from catching up is an error, never an answer that leaves out the latest filings.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Self

from ..errors import LianzhengError
from ..search import EmptyQuery, IndexedDocument, SearchEngine, SearchQuery, SearchResult
from .derived import indexed_document
from .errors import DiskFull, disk_full
from .registry import Registry


class Indexing:
    """The search half of an archive; :class:`~.archive.Archive` sets these attributes."""

    root: Path
    registry: Registry
    index: SearchEngine
    warnings: builtins.list[str]
    _index_checked: bool
    _deferred: int

    @contextmanager
    def indexing_deferred(self) -> Iterator[Self]:
        """File many documents, then index them all in one commit on leaving the block.

        A Whoosh commit costs ~0.1 s whatever it holds (a new segment, then a merge of the small
        ones), more than rendering and storing a document. Records filed inside the block are
        searchable once it ends; if the process dies first, the next search catches the index up
        from the registry, so nothing is lost.
        """
        self._deferred += 1
        try:
            yield self
        finally:
            self._deferred -= 1
            if not self._deferred:
                self._index_after_filing()

    def _index_after_filing(self) -> None:
        """Index what was just filed; a failure here loses nothing, so it is a warning, not an error.

        The record and its file are in the registry already; the next search catches the index
        up from there (e.g. once another process has released the index's write lock).
        """
        try:
            self._index_new()
        except (LianzhengError, OSError) as exc:
            reason = "磁盘空间不足" if disk_full(exc, self.root) else getattr(exc, "message", None) or str(exc)
            self.warnings.append(f"已归档，但检索索引暂未更新（{reason}）；下次检索时会自动补上")

    def search(
        self,
        text: str,
        *,
        kind: str | None = None,
        unit: str | None = None,
        year: int | None = None,
        template: str | None = None,
        secrecy: str | None = None,
        since: date | None = None,
        until: date | None = None,
        limit: int = 10,
    ) -> SearchResult:
        """Records containing ``text`` (or whose 文号/档号 is ``text``), best first.

        Filters: 文种 ``kind``, ``unit``, 年度 ``year``, ``template``, 密级 ``secrecy`` (``""`` for
        records without one) and the 成文日期 range ``since``..``until`` (inclusive)."""
        query = SearchQuery(text, kind=kind, unit=unit, year=year, template=template, secrecy=secrecy, since=since,
                            until=until, limit=limit)  # fmt: skip
        try:
            self.ensure_index()
            return self.index.search(query)
        except EmptyQuery:  # nothing to look for: not the index's fault
            raise
        except Exception as exc:  # a segment broken since it was checked: rebuild from the registry, once
            self._refuse_on_full_disk(exc)
        self._index_checked = False
        try:
            self.reindex()
        except Exception as exc:
            self._refuse_on_full_disk(exc)
            raise
        return self.index.search(query)

    def _refuse_on_full_disk(self, exc: Exception) -> None:
        """A search whose index cannot be brought up to date for want of space: an error, not an
        answer that would silently leave out the latest filings (nor a rebuild that cannot finish)."""
        if disk_full(exc, self.root):
            raise DiskFull(self.root, "检索索引无法补上最近归档的文件，未作检索") from exc

    def ensure_index(self) -> None:
        """Catch the index up with the registry, or rebuild it if it is missing, stale or broken."""
        self._index_new()
        if self.index.count() != self.registry.count():  # records lost below the last id indexed
            self.reindex()

    def _index_new(self) -> None:
        """Index the records filed since the index's last one (by this or another process); the
        index's schema and health are checked once per Archive, and a broken index is rebuilt."""
        if not self._index_checked:
            if not self.index.healthy():
                self.reindex()
                return
            self._index_checked = True
        for batch in self.registry.iter_records(after=self.index.last_id()):
            self.index.update([indexed_document(row) for row in batch])

    def reindex(self, *, batch: int = 500, on_batch: Callable[[int], None] | None = None) -> int:
        """Rebuild the index from the registry, reading ``batch`` records at a time; returns the count."""

        def batches() -> Iterator[builtins.list[IndexedDocument]]:
            for rows in self.registry.iter_records(batch):
                yield [indexed_document(row) for row in rows]
                if on_batch:
                    on_batch(len(rows))

        self._index_checked = True
        return self.index.rebuild(batches())
