"""Sign-in: which :class:`~.access.User` a request is, set on ``request.state.user`` before any view.

- **No accounts** (loopback only): whoever sits at the PC is the local 办公室 clerk
  (``desk.local_user``), as at the command line.
- **Accounts** (``lianzheng users add``; always when serving beyond loopback): a request carries
  an API token (``Authorization: Bearer lz_…``) or the session cookie set at 登录. Without one,
  a page redirects to ``/login`` and the API answers 401. Under ``/api/`` a session cookie is
  accepted for reading only: a POST there must carry a token, so no other site's page can make a
  signed-in browser post to the API (pages' forms carry CSRF tokens instead, :mod:`.csrf`).
"""

from __future__ import annotations

import json
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from .access import User
from .accounts import Accounts, digest

COOKIE = "lz_session"
#: Paths answered before signing in.
PUBLIC_PATHS = ("/login",)
PUBLIC_PREFIXES = ("/static/",)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class SignIn:
    """ASGI middleware: puts the request's user (and session id) in the scope's state, or refuses."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        desk = scope["app"].state.desk
        state = scope.setdefault("state", {})
        accounts: Accounts | None = await run_in_threadpool(desk.account_store)
        if accounts is None:
            if desk.network:  # beyond loopback there is no anonymous clerk
                await _no_accounts(scope, receive, send)
                return
            state["user"] = desk.local_user
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        user, session, refusal = await run_in_threadpool(_identify, accounts, connection)
        if user is not None:
            state["user"], state["session_id"] = user, session
        path = connection.url.path
        if refusal is None and user is None and not _public(path):
            refusal = "请先登录"
        if refusal is not None:
            await _refuse(connection, refusal)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _identify(accounts: Accounts, connection: HTTPConnection) -> tuple[User | None, str, str | None]:
    """The user of the request's token or session, the session's value, and why it is refused (or None)."""
    header = connection.headers.get("authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None, "", "Authorization 须为 “Bearer 令牌”（令牌由 lianzheng users token 生成）"
        user = accounts.token_user(token.strip())
        # each token its own key for what is bound to a session (CSRF tokens, previews)
        return (user, "token:" + digest(token.strip()), None) if user else (None, "", "令牌无效或其账号已停用")
    session = connection.cookies.get(COOKIE, "")
    user = accounts.session_user(session) if session else None
    if user is None:
        return None, "", None
    if connection.url.path.startswith("/api/") and connection.scope["method"] not in SAFE_METHODS:
        return None, "", "接口的提交请求须用令牌（Authorization: Bearer …），不接受浏览器会话"
    return user, session, None


def _public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def _refuse(connection: HTTPConnection, reason: str) -> Response:
    """401 in the API's JSON under /api/; elsewhere, to the sign-in page and back here afterwards."""
    path = connection.url.path
    if path.startswith("/api/"):
        body = {"error": "NotSignedIn", "message": reason, "exit_code": 2, "problems": []}
        return Response(json.dumps(body, ensure_ascii=False), status_code=401, media_type="application/json",
                        headers={"WWW-Authenticate": 'Bearer realm="lianzheng"'})  # fmt: skip
    if connection.scope["method"] not in SAFE_METHODS:
        return PlainTextResponse(f"{reason}（会话已结束，请重新登录后再提交）", status_code=401)
    if connection.headers.get("sec-fetch-dest", "document") != "document":  # an image, a style: not a page
        return PlainTextResponse(reason, status_code=401)
    target = path + (f"?{connection.url.query}" if connection.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


async def _no_accounts(scope: Scope, receive: Receive, send: Send) -> None:
    message = "本工作台对外提供，但档案尚无可用账号；请先用 lianzheng users add 建立账号"
    response = PlainTextResponse(message, status_code=503)
    await response(scope, receive, send)
