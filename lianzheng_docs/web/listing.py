"""What a listing or a search of the archive shows a user: filters, the user's scopes, the filters'
choices, and paging. Shared by 档案 (:mod:`.records_pages`) and 检索 (:mod:`.search_pages`).

A user sees only what :func:`.access.can_see` allows. :func:`scopes` writes that rule as the
(单位, 文种) conditions the archive and the search index apply, so that a page asks for visible
records only and its count is right without reading what would be dropped; ``can_see`` still
decides every record shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from urllib.parse import urlencode

from starlette.requests import Request

from ..archive import Archive
from .access import Scope, visible


@dataclass(frozen=True)
class Filters:
    """What a listing or a search is narrowed to (None: any); the dates only for search."""

    year: int | None = None
    kind: str | None = None
    unit: str | None = None
    since: date | None = None
    until: date | None = None

    def admits(self, year: int, kind: str, unit: str) -> bool:
        pairs = ((self.year, year), (self.kind, kind), (self.unit, unit))
        return all(want is None or want == got for want, got in pairs)


def narrow(scope: Scope, filters: Filters) -> Filters | None:
    """``filters`` within ``scope``; None when they ask for something outside it."""
    for name in ("unit", "kind"):
        mine, asked = getattr(scope, name), getattr(filters, name)
        if mine is not None:
            if asked not in (None, mine):
                return None
            filters = replace(filters, **{name: mine})
    return filters


@dataclass
class Choices:
    """The filters' choices: the 年度, 文种 and 单位 of the records the user may see, and their tallies."""

    years: list[int] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    tally: list[tuple[int, str, str, int]] = field(default_factory=list)
    #: records in the archive, seen or not (0: nothing filed yet)
    held: int = 0

    @classmethod
    def of(cls, archive: Archive, parts: list[Scope] | None) -> Choices:
        every = archive.tally()
        tally = [row for row in every if visible(parts, row[1], row[2])]
        return cls(sorted({row[0] for row in tally}, reverse=True), sorted({row[1] for row in tally if row[1]}),
                   sorted({row[2] for row in tally if row[2]}), tally, sum(row[3] for row in every))  # fmt: skip

    def count(self, filters: Filters) -> int:
        return sum(n for year, kind, unit, n in self.tally if filters.admits(year, kind, unit))


def read_filters(request: Request, problems: dict[str, str]) -> Filters:
    """年度, 文种, 单位 and the 成文日期 range from the query string; what cannot be read is named in
    ``problems`` under its parameter's name (and left out of the filters)."""
    params = request.query_params
    year: int | None = None
    text = params.get("year", "").strip()
    if text:
        if text.isascii() and text.isdigit() and 1900 <= int(text) <= 2999:
            year = int(text)
        else:
            problems["year"] = f"年度应为四位数的年份，如 2026，而不是“{text[:20]}”"
    since, until = _day(params.get("since", ""), "起始日期", "since", problems), _day(
        params.get("until", ""), "截止日期", "until", problems)  # fmt: skip
    if since and until and since > until:
        problems["until"] = f"截止日期 {until.isoformat()} 早于起始日期 {since.isoformat()}"
    return Filters(year=year, kind=params.get("kind", "").strip() or None, unit=params.get("unit", "").strip() or None,
                   since=since, until=until)  # fmt: skip


def _day(text: str, label: str, name: str, problems: dict[str, str]) -> date | None:
    text = text.strip()
    if not text:
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        problems[name] = f"{label}应写作 2026-01-15 这样的日期，而不是“{text[:20]}”"
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems[name] = f"{label} {text} 这一天不存在"
        return None


def page_number(request: Request) -> int:
    """The ``page`` asked for (1 when it is missing or not a number; the listing clamps it to its last)."""
    text = request.query_params.get("page", "1")
    return int(text) if text.isascii() and text.isdigit() and len(text) < 7 else 1


def pager(request: Request, current: int, pages: int) -> list[tuple[str, str, bool]]:
    """The paging links (label, href, is current): previous, the first, a window around ``current``, the last,
    next; "…" (no href) where pages are skipped. The other query parameters are kept."""
    if pages <= 1:
        return []
    kept = [(k, v) for k, v in request.query_params.multi_items() if k != "page"]

    def href(number: int) -> str:
        return f"{request.url.path}?{urlencode([*kept, ('page', str(number))])}"

    links: list[tuple[str, str, bool]] = []
    if current > 1:
        links.append(("上一页", href(current - 1), False))
    window = sorted({1, pages, *range(max(1, current - 2), min(pages, current + 2) + 1)})
    for before, number in zip([0, *window], window, strict=False):
        if number - before > 1:
            links.append(("…", "", False))
        links.append((str(number), href(number), number == current))
    if current < pages:
        links.append(("下一页", href(current + 1), False))
    return links
