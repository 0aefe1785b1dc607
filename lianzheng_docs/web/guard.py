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

import html
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
    """The host of a ``Host`` header without its port: ``[::1]:8000`` -> ``::1``, ``localhost:80`` -> ``localhost``.

    A port that is not a number (``localhost:8000@evil.example``) leaves the header as it is, so
    it matches no name answered."""
    host = host_header.strip().lower()
    if host.startswith("["):
        name, _, rest = host[1:].partition("]")
        return name if not rest or (rest.startswith(":") and rest[1:].isdigit()) else host
    if host.count(":") == 1:
        name, port = host.split(":")
        return name if port.isdigit() else host
    return host


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

        limit = min(int(headers.get("content-length") or 0), self.max_body)
        received = 0

        async def receive_at_most_stated() -> Message:
            """The body, never more than it said it was (nor the limit), whatever the transport sends."""
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLong(received, limit)
            return message

        try:
            await self.app(scope, receive_at_most_stated, send_with_headers)
        except BodyTooLong as too_long:
            await _answer(scope, send, 413, f"提交的内容超过了它注明的长度或上限（{too_long.limit} 字节）")

    def _refusal(self, scope: Scope, headers: dict[str, str]) -> tuple[int, str] | None:
        host = host_name(headers.get("host", ""))
        if host not in self.hosts and not self.any_host:
            return 421, f"本服务只回答发往本机的请求（Host: {host or '无'}）"
        if headers.get("sec-fetch-site") == "cross-site" and headers.get("sec-fetch-mode") != "navigate":
            # another site's page loading the desk's pages or files as images, scripts or fetches: it
            # cannot read them, but each read would be logged as the clerk's (a forged access log)
            return 403, "拒绝其他网站的页面读取本服务（Sec-Fetch-Site: cross-site）"
        if "transfer-encoding" in headers:
            return 411, "提交须注明长度（Content-Length），不接受分块传输（Transfer-Encoding）"
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
            return 413, (f"提交的内容过大（{int(length) / 2**20:.1f} MB，网页工作台上限 {self.max_body // 2**20} MB）；"
                         "更大的文件请用命令行（lianzheng check、lianzheng archive add）处理")
        return None


REFUSAL_PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>无法处理 · 廉政文书工作台</title>
<link rel="icon" href="data:,"><link rel="stylesheet" href="/static/desk.css"></head><body>
<header class="bar"><span class="brand">廉政文书工作台</span></header><main id="main"><h1>无法处理这个请求</h1>
<div class="failure" role="alert"><p>{message}</p><p class="note">代码 {status}</p></div>
<p>请用浏览器的“后退”回到上一页，或打开 <a href="/templates">模板列表</a>。</p></main></body></html>"""


class BodyTooLong(Exception):
    """A request body longer than its ``Content-Length`` said, or than the limit."""

    def __init__(self, received: int, limit: int) -> None:
        super().__init__(received, limit)
        self.received, self.limit = received, limit


async def _answer(scope: Scope, send: Send, status: int, message: str) -> None:
    """A refusal: JSON under ``/api/`` (as the API's other errors), plain text elsewhere."""
    if str(scope.get("path", "")).startswith("/api/"):
        body = json.dumps({"error": "Refused", "message": message, "exit_code": 2, "problems": []},
                          ensure_ascii=False).encode()  # fmt: skip
        kind = b"application/json"
    else:  # a page of its own (the desk's pages are not reached): the message, and a way back
        body = REFUSAL_PAGE.format(status=status, message=html.escape(message)).encode()
        kind = b"text/html; charset=utf-8"
    headers: list[Any] = [(b"content-type", kind), (b"content-length", str(len(body)).encode()), *SECURITY_HEADERS]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
