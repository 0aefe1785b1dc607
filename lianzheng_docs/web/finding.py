"""What a user may see, found: one page of the 目录, and the best hits of a search, from the archive.

Both ask the archive for the parts of it the user may see (:func:`.access.scopes`) rather than
reading everything and dropping what is not theirs, so counts and pages are right and a page costs
what it shows. Shared by the pages (档案, 检索) and the JSON API.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from itertools import combinations, islice

from ..archive import Archive, Record
from ..search import Hit, SearchResult
from .access import Scope, visible
from .listing import Filters, narrow


def listed_page(archive: Archive, parts: list[Scope] | None, filters: Filters, offset: int, size: int) -> list[Record]:
    """Records ``offset`` to ``offset + size`` of the scopes' union, in the 目录's order.

    One scope (or none) is one query. Several (a 纪检组: its unit, and every 通报) are each read up
    to the page's end and merged in the same order: exact, and bounded by the page asked for.
    """
    asked = [filters] if parts is None else [f for f in (narrow(part, filters) for part in parts) if f is not None]
    if len(asked) == 1:
        return _listed(archive, asked[0], limit=size, offset=offset)
    runs = [_listed(archive, f, limit=offset + size) for f in asked]
    merged = heapq.merge(*runs, key=lambda r: (-r.year, r.retention, r.org, r.item))
    return list(islice(_unique(merged), offset, offset + size))


def _listed(archive: Archive, filters: Filters, *, limit: int, offset: int = 0) -> list[Record]:
    return archive.list(year=filters.year, kind=filters.kind, unit=filters.unit, limit=limit, offset=offset,
                        newest_first=True)  # fmt: skip


def _unique(records: Iterable[Record]) -> Iterator[Record]:
    seen: set[int] = set()
    for record in records:
        if record.id not in seen:
            seen.add(record.id)
            yield record


def ranked(
    archive: Archive, parts: list[Scope] | None, text: str, filters: Filters, needed: int
) -> tuple[int, list[Hit]]:
    """How many records in the scopes hold ``text``, and the best ``needed`` of them, best first.

    One scope (or none): one search. Several (a 纪检组: its unit, and every 通报): the count by
    inclusion–exclusion over the scopes' searches (``limit=0``, counts only), the hits from one
    search without the scopes, read deeper until ``needed`` visible ones are found, so that they
    keep the engine's one order (scores of searches with different filters do not compare).
    """
    asked = [filters] if parts is None else [f for f in (narrow(p, filters) for p in parts) if f is not None]
    if not asked:
        return 0, []
    if len(asked) == 1:
        result = _search(archive, text, asked[0], needed)
        return result.total, result.hits
    assert parts is not None
    total = 0
    for size in range(1, len(parts) + 1):
        for group in combinations(parts, size):
            joint: Filters | None = filters
            for part in group:
                joint = narrow(part, joint) if joint is not None else None
            if joint is not None:
                total += (-1) ** (size + 1) * _search(archive, text, joint, 0).total
    depth = needed
    while True:
        result = _search(archive, text, filters, depth)
        kept = [hit for hit in result.hits if visible(parts, hit.kind, hit.unit)]
        if len(kept) >= needed or depth >= result.total:
            return total, kept[:needed]
        depth = min(result.total, depth * 4)


def _search(archive: Archive, text: str, filters: Filters, limit: int) -> SearchResult:
    return archive.search(text, kind=filters.kind, unit=filters.unit, year=filters.year, since=filters.since,
                          until=filters.until, limit=limit)  # fmt: skip
