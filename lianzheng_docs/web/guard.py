"""What every request passes before a view sees it (an ASGI middleware).

The desk listens on loopback only and has no accounts yet, so it guards what a browser on the
same PC could be tricked into doing:

- **Host**: only loopback names (and the ones the app was made with) are answered, so a web page
  whose domain is made to resolve to 127.0.0.1 (DNS rebinding) reads nothing.
- **Same origin for changes**: a POST whose ``Origin`` is another site, or that the browser marks
  ``Sec-Fetch-Site: cross-site``, is refused: another site's page cannot file into the archive. A
  request with neither header (curl, the OA system) is not a browser's and passes. CSRF tokens come
  with accounts.
- **Size**: a POST must say its length (``Content-Length``) and stay under the limit.
- **Headers** on every answer: no sniffing, no framing, scripts and styles from the desk only.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
#: The largest request body accepted (a form with many rows is a few hundred kB).
MAX_BODY = 4 * 1024 * 1024
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"content-security-policy",
     b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
     b"frame-ancestors 'none'; form-action 'self'; base-uri 'none'"),
]  # fmt: skip


def host_name(host_header: str) -> str:
    """The host of a ``Host`` header without its port: ``[::1]:8000`` -> ``::1``, ``localhost:80`` -> ``localhost``."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class Guard:
    """The checks above, around ``app``; ``hosts`` are the host names answered besides loopback."""

    def __init__(
        self, app: ASGIApp, *, hosts: Collection[str] = (), any_host: bool = False, max_body: int = MAX_BODY
    ) -> None:
        self.app = app
        self.hosts = LOOPBACK_HOSTS | {h.lower() for h in hosts}
        #: beyond loopback, where every request must be signed in: the name the office PCs use is
        #: not known in advance, and a rebinding page gets no session (cookies are per host name)
        self.any_host = any_host
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {key.decode("latin-1"): value.decode("latin-1") for key, value in scope["headers"]}
        refusal = self._refusal(scope, headers)
        if refusal is not None:
            status, message = refusal
            await _answer(scope, send, status, message)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _refusal(self, scope: Scope, headers: dict[str, str]) -> tuple[int, str] | None:
        host = host_name(headers.get("host", ""))
        if host not in self.hosts and not self.any_host:
            return 421, f"本服务只回答发往本机的请求（Host: {host or '无'}）"
        if scope["method"] in SAFE_METHODS:
            return None
        origin = headers.get("origin")
        if origin is not None and urlsplit(origin).netloc.lower() != headers.get("host", "").lower():
            return 403, "拒绝来自其他网站的提交（Origin 与本服务不符）"
        if origin is None and headers.get("sec-fetch-site") == "cross-site":
            return 403, "拒绝来自其他网站的提交（Sec-Fetch-Site: cross-site）"
        length = headers.get("content-length")
        if length is None or not length.isdigit():
            return 411, "提交须注明长度（Content-Length）"
        if int(length) > self.max_body:
            return 413, f"提交的内容过大（{int(length)} 字节，上限 {self.max_body} 字节）"
        return None


async def _answer(scope: Scope, send: Send, status: int, message: str) -> None:
    """A refusal: JSON under ``/api/`` (as the API's other errors), plain text elsewhere."""
    if str(scope.get("path", "")).startswith("/api/"):
        body = json.dumps({"error": "Refused", "message": message, "exit_code": 2, "problems": []},
                          ensure_ascii=False).encode()  # fmt: skip
        kind = b"application/json"
    else:
        body, kind = message.encode(), b"text/plain; charset=utf-8"
    headers: list[Any] = [(b"content-type", kind), (b"content-length", str(len(body)).encode()), *SECURITY_HEADERS]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
