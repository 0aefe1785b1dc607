"""落实情况: the obligations board by obligation and unit, and its .ics and .xlsx downloads."""

from __future__ import annotations

from starlette.routing import BaseRoute


def routes() -> list[BaseRoute]:
    return []
