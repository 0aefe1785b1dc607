"""登录 and 退出: the sign-in form and the end of a session (accounts only)."""

from __future__ import annotations

from starlette.routing import BaseRoute


def routes() -> list[BaseRoute]:
    return []
