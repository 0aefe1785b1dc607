"""检索: the search box, filters (文种, 单位, 年度, 成文日期), highlighted fragments, paging.

Only records the user may see are found and counted: the search is limited by the user's scopes
(:func:`.access.scopes`), and every record shown is checked with :func:`.access.can_see`. The
engine returns the best ``limit`` hits and cannot skip, so page N asks for N × 20 and shows the
last 20; pages stop at :data:`MAX_RESULTS` (the filters narrow the rest).

**Highlights are built here, never taken as markup.** The engine's fragments mark the match with
【】; the brackets are taken out (data may hold 【】 of its own) and the text is cut where the
query's words occur, as the engine matches them (normalised), into pieces the page prints escaped,
each match inside a ``<mark>`` of the page's own.

A query of several words (spaces between) finds the records holding every word. When nothing is
found the page says what was looked for (the words, the filters) and what to try.
"""

from __future__ import annotations

import inspect
import math
from dataclasses import dataclass, field
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ..archive import Archive, Record, RecordNotFound
from ..archive.errors import ArchiveNotFound
from ..search import EmptyQuery, Fragment, Hit, SearchIndexError
from ..search.text import fragments, normalise, spans, words
from .access import Capability, User, can_see, require, scopes
from .finding import ranked
from .listing import Choices, Filters, page_number, pager, read_filters
from .pages import page
from .statuses import http_status

PAGE_SIZE = 20
#: results a search pages through at most (50 pages): past that, the filters narrow it down
MAX_RESULTS = 1000
#: characters a query may have
MAX_QUERY = 200
#: characters the engine shows either side of a match (where its 【 stands in a fragment)
CONTEXT: int = inspect.signature(fragments).parameters["context"].default

#: A piece of text, and whether it is a match (printed in <mark>).
Piece = tuple[str, bool]


def routes() -> list[BaseRoute]:
    return [Route("/search", search_page, methods=["GET"])]


@dataclass
class Shown:
    """One result as the page shows it: the record, its title and 文号 cut at the matches, fragments."""

    record: Record
    title: list[Piece]
    doc_number: list[Piece]
    fragments: list[list[Piece]]


@dataclass
class Found:
    choices: Choices
    total: int = 0
    shown: list[Shown] = field(default_factory=list)
    page: int = 1
    pages: int = 1
    held: bool = True  # the archive exists


def search_archive(root: Path, user: User, text: str, filters: Filters, number: int) -> Found:
    """Page ``number`` of the records ``user`` may see that hold ``text`` (nothing searched when it is empty)."""
    try:
        archive = Archive(root, create=False)
    except ArchiveNotFound:
        return Found(Choices(), held=False)
    with archive:
        parts = scopes(user)
        found = Found(Choices.of(archive, parts))
        if not text.strip():
            return found
        wanted = min(max(number, 1), MAX_RESULTS // PAGE_SIZE)
        total, hits = ranked(archive, parts, text, filters, wanted * PAGE_SIZE)
        found.total, found.pages = total, max(1, min(math.ceil(total / PAGE_SIZE), MAX_RESULTS // PAGE_SIZE))
        found.page = min(wanted, found.pages)
        window = hits[(found.page - 1) * PAGE_SIZE : found.page * PAGE_SIZE]
        found.shown = [shown for hit in window if (shown := _shown(archive, user, hit, text)) is not None]
    return found


def _shown(archive: Archive, user: User, hit: Hit, text: str) -> Shown | None:
    """The hit as shown, from its record as the registry holds it; None if it is gone or not the user's to see."""
    try:
        record = archive.get(hit.id)
    except RecordNotFound:
        return None
    if record.id != hit.id or not can_see(user, record):
        return None
    # a fragment cut from the title (the body does not hold the query) says nothing the title does not
    shown = [plain for plain in joined(hit.fragments, text) if plain.strip("…") not in record.title]
    return Shown(record, marked(record.title, text), marked(record.doc_number or "", text),
                 [marked(plain, text) for plain in shown])  # fmt: skip


def marked(text: str, query: str) -> list[Piece]:
    """``text`` cut where the words of ``query`` occur as the engine matches them (normalised: width, case,
    spaces and brackets do not count; matches that touch are one), each piece with whether it is a match."""
    needles = words(query)
    if not text or not needles:
        return [(text, False)] if text else []
    pieces: list[Piece] = []
    last = 0
    for start, end in spans(text, needles):
        pieces += [(text[last:start], False), (text[start:end], True)]
        last = end
    pieces.append((text[last:], False))
    return [piece for piece in pieces if piece[0]]


def fragment_pieces(fragment: Fragment, query: str) -> list[Piece]:
    """An engine fragment as plain pieces: its 【】 taken out, every occurrence of the query's words marked."""
    return marked(unbracketed(fragment, words(query)), query)


def joined(found: list[Fragment], query: str) -> list[str]:
    """The fragments as plain text (:func:`unbracketed`), those whose contexts overlap joined into one, so that
    two matches close together are read once, not as two excerpts repeating each other."""
    needles = words(query)
    texts: list[str] = []
    previous: Fragment | None = None
    for fragment in found:
        plain = unbracketed(fragment, needles)
        if previous is not None and fragment.start - CONTEXT < previous.end + CONTEXT:
            head, tail = texts[-1].removesuffix("…"), plain.removeprefix("…")
            shared = (previous.end + CONTEXT) - (fragment.start - CONTEXT)  # at most: line breaks are left out
            overlap = next((n for n in range(min(shared, len(head), len(tail)), 0, -1) if head.endswith(tail[:n])), 0)
            if overlap:
                texts[-1] = head + tail[overlap:]
                previous = fragment
                continue
        texts.append(plain)
        previous = fragment
    return texts


def unbracketed(fragment: Fragment, needles: list[str]) -> str:
    """The fragment's text without the 【】 the engine put around its match.

    Data may hold 【】 too (公文 use them), so the pair taken out is one around a text that is all
    match (of the query's words, as :func:`spans` finds them), and of those the last that starts
    where the engine's can: after the "…" and at most :data:`CONTEXT` characters of text before
    the match."""
    text = fragment.text
    longest = max((len(needle) for needle in needles), default=0)
    pairs: list[tuple[int, int]] = []
    for opening, char in enumerate(text):
        if char != "【":
            continue
        closing = text.find("】", opening + 1)
        while closing != -1:
            inner = text[opening + 1 : closing]
            whole = bool(inner) and spans(inner, needles) == [(0, len(inner))]
            if whole:
                pairs.append((opening, closing))
            elif len(normalise(inner)) >= longest:  # a match goes on past a 】 only while all of it matches
                break
            closing = text.find("】", closing + 1)
    if not pairs:
        return text
    bound = 1 + min(fragment.start, CONTEXT)
    opening, closing = max((p for p in pairs if p[0] <= bound), default=pairs[0])
    return text[:opening] + text[opening + 1 : closing] + text[closing + 1 :]


def typed_words(text: str) -> list[str]:
    """The words of a query as typed (spaces separate them), once each: what the page says it looked for."""
    return [word for word in dict.fromkeys(text.split()) if normalise(word)]


def narrowed_by(filters: Filters) -> list[str]:
    """The filters in force, as the page names them (文种“通报”, 2026 年度, 成文日期 2026-01-01 起 ...)."""
    named = [f"文种“{filters.kind}”" if filters.kind else "", f"单位“{filters.unit}”" if filters.unit else "",
             f"{filters.year} 年度" if filters.year else "",
             f"成文日期 {filters.since.isoformat()} 起" if filters.since else "",
             f"成文日期至 {filters.until.isoformat()}" if filters.until else ""]  # fmt: skip
    return [text for text in named if text]


async def search_page(request: Request) -> Response:
    """GET /search: the form; with ``q``, the results the user may see, a page at a time."""
    user = require(request, Capability.READ)
    text = request.query_params.get("q", "")
    problems: dict[str, str] = {}
    filters = read_filters(request, problems)
    if len(text) > MAX_QUERY:
        problems["q"] = f"检索词最多 {MAX_QUERY} 个字符（现有 {len(text)} 个），请缩短"
    searched = text if text.strip() and not problems else ""
    status = 422 if problems else 200
    root = request.app.state.desk.archive_root
    try:
        found = await run_in_threadpool(search_archive, root, user, searched, filters, page_number(request))
    except EmptyQuery:
        problems["q"], status = "检索词只有空白或控制字符，请输入要查找的文字", 422
        found = await run_in_threadpool(search_archive, root, user, "", filters, 1)
    except SearchIndexError as exc:
        problems["q"], status = exc.message, http_status(exc)
        found = Found(Choices())
    return page(request, "search.html", status, title=f"检索：{text}" if searched else "检索", query=text,
                searched=bool(searched), filters=filters, problems=problems, found=found,
                typed=typed_words(searched), narrowed=narrowed_by(filters),
                links=pager(request, found.page, found.pages) if searched else [],
                first=(found.page - 1) * PAGE_SIZE + 1, max_results=MAX_RESULTS, max_query=MAX_QUERY,
                raw={name: request.query_params.get(name, "")[:40] for name in ("since", "until")})  # fmt: skip
