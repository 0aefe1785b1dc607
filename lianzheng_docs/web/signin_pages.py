"""登录 and 退出: the sign-in form and the end of a session (when the archive has accounts).

The sign-in form cannot carry a session's CSRF token (there is no session yet), so it carries a
one-off value that must match a cookie set with the form (double submit): another site's page
cannot read the cookie, so it cannot sign a browser in to an account of its choosing. The
session cookie is ``HttpOnly`` and ``SameSite=Strict``, and ``Secure`` whenever the desk is reached
over HTTPS (directly or through a proxy uvicorn trusts).
"""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from .accounts import SESSION_MAX, Accounts, Busy, SignInFailed
from .auth import COOKIE
from .csrf import posted_form
from .pages import page
from .statuses import http_status

LOGIN_COOKIE = "lz_login"


def routes() -> list[BaseRoute]:
    return [
        Route("/login", login, methods=["GET", "POST"]),
        Route("/logout", logout, methods=["POST"]),
    ]


def _next(request: Request, value: str | None) -> str:
    """Where to go after signing in: a path of this desk only (never ``//host`` or ``https://…``)."""
    target = (value or "").strip()
    parts = urlsplit(target)
    if not target.startswith("/") or target.startswith("//") or target.startswith("/\\") or parts.netloc:
        return "/templates"
    return target


def _form(
    request: Request, *, name: str = "", message: str = "", status_code: int = 200, target: str | None = None
) -> Response:
    # the one already given, if any: a second tab (or a stray request) must not void the first form's
    nonce = request.cookies.get(LOGIN_COOKIE, "")
    if not (16 <= len(nonce) <= 64 and nonce.replace("-", "").replace("_", "").isalnum()) or status_code != 200:
        nonce = secrets.token_urlsafe(16)
    back = _next(request, target if target is not None else request.query_params.get("next"))
    response = page(request, "login.html", status_code, title="登录", login_name=name, message=message, nonce=nonce,
                    next=back)  # fmt: skip
    response.set_cookie(LOGIN_COOKIE, nonce, max_age=1800, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", path="/login")  # fmt: skip
    return response


async def login(request: Request) -> Response:
    accounts: Accounts | None = await run_in_threadpool(request.app.state.desk.account_store)
    if accounts is None:  # no accounts: nothing to sign in to
        return RedirectResponse("/templates", status_code=303)
    if request.method == "GET":
        return _form(request)
    form = await request.form(max_fields=10, max_files=0)
    nonce, expected = str(form.get("nonce", "")), request.cookies.get(LOGIN_COOKIE, "")
    name, password = str(form.get("name", "")), str(form.get("password", ""))
    target = str(form.get("next", ""))
    if not expected or not hmac.compare_digest(nonce, expected):
        return _form(request, name=name, message="登录表单已过期，请重新输入", status_code=403, target=target)
    address = request.client.host if request.client else ""
    try:
        _, session = await run_in_threadpool(accounts.sign_in, name, password, address=address)
    except (SignInFailed, Busy) as exc:
        return _form(request, name=name, message=exc.message, status_code=http_status(exc), target=target)
    response = RedirectResponse(_next(request, target), status_code=303)
    response.set_cookie(COOKIE, session, max_age=int(SESSION_MAX.total_seconds()), httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", path="/")  # fmt: skip
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


async def logout(request: Request) -> Response:
    await posted_form(request, max_fields=5)
    accounts: Accounts | None = await run_in_threadpool(request.app.state.desk.account_store)
    session = request.cookies.get(COOKIE, "")
    if accounts is not None and session:
        await run_in_threadpool(accounts.sign_out, session)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response
