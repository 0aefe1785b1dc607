"""名册: upload a roster (.xlsx/.csv), see every problem by row and cell, keep it for the desk."""

from __future__ import annotations

from starlette.routing import BaseRoute


def routes() -> list[BaseRoute]:
    return []
