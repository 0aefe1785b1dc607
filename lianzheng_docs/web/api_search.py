"""``GET /api/search``: full-text search over the API, limited to what the caller may see.

Each word of the query (words separated by spaces, all required) is matched character for character
(the library's substring search; 文号 brackets ``[ ] ( ) 【 】`` read as ``〔 〕``): quotes, ``AND``,
``*`` or ``title:`` are text to look for, not syntax, so no input can break the query.

**Visibility** is the 检索 page's (:func:`.finding.ranked` over :func:`.access.scopes`): the search
itself is limited to the records the caller may see, so ``total`` counts only those and pages are
full, in the engine's one order; every hit is checked with :func:`~.access.can_see` again.

**Fragments** are plain text (no markup, nothing to unescape): ``{"text": "…前文命中后文…",
"highlights": [[start, end], …]}``, each match at ``text[start:end]`` in Unicode characters; "…" marks
a cut; matches close together share one fragment. Line breaks and invisible characters are shown as
spaces, one for one, so offsets hold. They are cut from the record's text as the registry holds it
(from the title when the body does not hold the query).
"""

from __future__ import annotations

import math
import unicodedata
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ..archive import Archive, Record
from ..archive.errors import ArchiveNotFound
from ..search.text import fragments, normalise
from .access import Capability, User, can_see, require, scopes
from .api_common import ChineseJSON, Query, record_url
from .api_operations import MAX_SEARCH_DEPTH
from .finding import ranked
from .listing import Filters

#: Characters of context either side of a match in a fragment; at most this many fragments a hit.
CONTEXT = 24
FRAGMENTS = 3


def routes() -> list[BaseRoute]:
    return [Route("/search", search, methods=["GET"])]


async def search(request: Request) -> Response:
    user = require(request, Capability.READ)
    query = Query(request, "search")
    text = query.text("q") or ""
    if not normalise(text):
        query.bad("q", "必填：要检索的文字（题名、正文中的字词，或完整的文号、档号）")
    filters = Filters(year=query.year(), kind=query.text("kind"), unit=query.text("unit"), since=query.day("since"),
                      until=query.day("until"))  # fmt: skip
    limit, page = query.limit(10), query.integer("page", default=1, low=1, high=MAX_SEARCH_DEPTH)
    if limit * page > MAX_SEARCH_DEPTH:
        query.bad("page", f"只能翻到前 {MAX_SEARCH_DEPTH} 条（page × limit），请加筛选条件缩小范围")
    if filters.since and filters.until and filters.since > filters.until:
        query.bad("since", f"{filters.since} 晚于 until {filters.until}")
    query.check()
    root = request.app.state.desk.archive_root
    total, hits = await run_in_threadpool(_search, root, user, text, filters, limit, page)
    return ChineseJSON({"query": text, "total": total, "page": page, "limit": limit,
                        "pages": min(math.ceil(total / limit), MAX_SEARCH_DEPTH // limit), "hits": hits})  # fmt: skip


def _search(root: Path, user: User, text: str, filters: Filters, limit: int, page: int) -> tuple[int, list[Any]]:
    try:
        archive = Archive(root, create=False)
    except ArchiveNotFound:
        return 0, []
    with archive:
        total, found = ranked(archive, scopes(user), text, filters, limit * page)
        hits = [_hit(archive, hit.id, hit.score, text, user) for hit in found[(page - 1) * limit :]]
    return total, [hit for hit in hits if hit is not None]


def _hit(archive: Archive, record_id: int, score: float, text: str, user: User) -> dict[str, Any] | None:
    """The hit as the API gives it, from its record as the registry holds it; None if gone or not to be seen."""
    row = archive.registry.record(record_id)
    if row is None:  # gone from the registry since it was indexed
        return None
    record = Record.from_row(row, archive.registry.files_of(record_id))
    if not can_see(user, record):
        return None
    return {"id": record.id, "score": round(score, 3), "title": record.title, "archival_code": record.archival_code,
            "doc_number": record.doc_number, "kind": record.kind, "unit": record.unit, "year": record.year,
            "date": record.date, "secrecy": record.secrecy, "url": record_url(record.id),
            "fragments": plain_fragments(row["text"] or "", text) or plain_fragments(record.title, text)}  # fmt: skip


def plain_fragments(text: str, query: str) -> list[dict[str, Any]]:
    """Where ``query`` occurs in ``text``: plain excerpts, each with the offsets of the matches in it
    (matches close together share one excerpt, so no text is given twice)."""
    windows: list[tuple[int, int, list[tuple[int, int]]]] = []
    for fragment in fragments(text, query, limit=FRAGMENTS):
        start, end = max(0, fragment.start - CONTEXT), min(len(text), fragment.end + CONTEXT)
        if windows and start <= windows[-1][1]:
            first, _, matches = windows.pop()
            windows.append((first, end, [*matches, (fragment.start, fragment.end)]))
        else:
            windows.append((start, end, [(fragment.start, fragment.end)]))
    found = []
    for start, end, matches in windows:
        before, after = ("…" if start > 0 else ""), ("…" if end < len(text) else "")
        shift = len(before) - start
        found.append({"text": before + _flat(text[start:end]) + after,
                      "highlights": [[first + shift, last + shift] for first, last in matches]})  # fmt: skip
    return found


def _flat(text: str) -> str:
    """Line breaks, tabs and invisible characters as spaces, one for one (offsets stay true)."""
    return "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in text)
