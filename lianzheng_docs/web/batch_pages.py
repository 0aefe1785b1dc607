"""批量: run a batch for the kept roster with live progress; a re-run makes only what is missing."""

from __future__ import annotations

from starlette.routing import BaseRoute


def routes() -> list[BaseRoute]:
    return []
