"""检索: the search box, filters, highlighted fragments, paging (records the user may see only)."""

from __future__ import annotations

from starlette.routing import BaseRoute


def routes() -> list[BaseRoute]:
    return []
