"""检查: upload any .docx or PDF and see the checker's findings with their clause ids."""

from __future__ import annotations

from starlette.routing import BaseRoute


def routes() -> list[BaseRoute]:
    return []
