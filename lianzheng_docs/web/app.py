"""The desk's application: :func:`create_app` puts the pages, the API and the guard together."""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from ..archive import resolve_root
from ..archive.derived import current_user
from ..errors import ExitCode, LianzhengError
from ..templating.catalog import Catalog
from . import (
    api,
    batch_pages,
    check_pages,
    pages,
    records_pages,
    roster_pages,
    search_pages,
    signin_pages,
    status_pages,
)
from .access import Role, User
from .accounts import FILE as ACCOUNTS_FILE
from .accounts import Accounts
from .auth import SignIn
from .guard import Guard
from .jobs import Jobs
from .statuses import internal_error_body

HERE = Path(__file__).parent
log = logging.getLogger("lianzheng_docs.web")


@dataclass
class Desk:
    """What every view needs: the archive's folder, the templates, the page environment, today."""

    archive_root: Path
    catalog: Catalog
    pages: jinja2.Environment
    local_user: User
    fixed_today: date | None = None
    clock: Callable[[], date] = field(default=date.today)
    #: signs the forms' CSRF tokens (:mod:`.csrf`); new at each start, so old pages must be reloaded
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    #: served beyond loopback: every request must be signed in (no local clerk)
    network: bool = False
    #: the batches started from the 批量 page (one runs at a time)
    jobs: Jobs = field(default_factory=Jobs)
    _accounts: Accounts | None = None
    _accounts_lock: threading.Lock = field(default_factory=threading.Lock)

    def account_store(self) -> Accounts | None:
        """The archive's accounts, or None while none was ever made (the loopback desk's local clerk then).

        Checked on every request, so ``lianzheng users add`` takes effect without a restart; the
        file is opened once, when it first appears."""
        with self._accounts_lock:
            if self._accounts is None:
                if not (self.archive_root / ACCOUNTS_FILE).is_file():
                    return None
                accounts = Accounts.of(self.archive_root)
                if not accounts.any_user():
                    accounts.close()
                    return None
                # from the first account on, always: disabling every account locks the desk, it never
                # hands it to whoever sits at the PC (accounts are disabled, never deleted)
                self._accounts = accounts
        return self._accounts

    def today(self) -> date:
        """The day examples are dated to: the one the app was made with, else the real today."""
        return self.fixed_today or self.clock()


def page_environment() -> jinja2.Environment:
    """Jinja for the desk's own pages: every value escaped, a missing name an error, not a blank."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("lianzheng_docs.web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def create_app(
    archive_root: str | Path | None = None,
    *,
    today: date | None = None,
    catalog: Catalog | None = None,
    hosts: Collection[str] = (),
    network: bool = False,
) -> Starlette:
    """The desk as an ASGI application.

    :param archive_root: the archive documents are filed into (default: ``./archive`` or
        ``$LIANZHENG_ARCHIVE``, as the CLI); created on the first filing.
    :param today: the day the forms' example data is dated to (tests); default the real today.
    :param catalog: the templates (default: built-in and plugins', as ``Catalog.default()``).
    :param hosts: host names answered besides loopback (the test client's ``testserver``).
    :param network: served beyond loopback (``serve --host 0.0.0.0``): any host name is answered,
        and every request must be signed in with an account.
    """
    desk = Desk(
        archive_root=resolve_root(archive_root),
        catalog=catalog or Catalog.default(),
        pages=page_environment(),
        local_user=User(name=current_user(), role=Role.OFFICE, display="本机用户", local=True),
        fixed_today=today,
        network=network,
    )
    routes: list[BaseRoute] = [
        *pages.routes(),
        *records_pages.routes(),
        *search_pages.routes(),
        *status_pages.routes(),
        *roster_pages.routes(),
        *batch_pages.routes(),
        *check_pages.routes(),
        *signin_pages.routes(),
        Mount("/api", routes=api.routes()),
        Mount("/static", app=StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(Guard, hosts=hosts, any_host=network), Middleware(SignIn)],
        exception_handlers=_exception_handlers(),
    )
    app.state.desk = desk
    return app


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


async def _library_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LianzhengError)
    return api.error_response(exc) if _is_api(request) else pages.error_page(request, exc)


async def _http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own refusals (no such route, method not allowed), in the API's form under /api/."""
    assert isinstance(exc, HTTPException)
    message = {404: "没有这个地址", 405: "这个地址不接受该请求方法"}.get(exc.status_code) or _chinese(str(exc.detail))
    if _is_api(request):
        code = ExitCode.NOT_FOUND if exc.status_code == 404 else ExitCode.USAGE
        body: dict[str, object] = {"error": "HTTPError", "message": message, "exit_code": int(code), "problems": []}
        return api.ChineseJSON(body, status_code=exc.status_code, headers=exc.headers)
    titles = {404: "没有找到", 405: "无法完成", 400: "提交无法读取"}
    return pages.page(request, "error.html", exc.status_code, title=titles.get(exc.status_code, "出错了"),
                      message=message, status=exc.status_code)  # fmt: skip


#: Starlette's own words for a form it will not read, and what the clerk is told instead.
_FORM_REFUSALS = (
    ("Too many files", "一次只能上传一个文件"),
    ("Too many fields", "表单的项目过多（一次最多 5000 项）"),
    ("Part exceeded maximum size", "表单中的某一项过大"),
)


def _chinese(detail: str) -> str:
    """A Starlette refusal in Chinese (its detail kept after it, for the log and the curious)."""
    found = next((said for english, said in _FORM_REFUSALS if detail.startswith(english)), None)
    return f"{found}（{detail}）" if found else detail


async def _bug(request: Request, exc: Exception) -> Response:
    """A bug: logged with its traceback; the caller is told it is one, without the details."""
    log.error("内部错误：%s %s", request.method, request.url.path, exc_info=exc)
    if _is_api(request):
        return api.ChineseJSON(internal_error_body(), status_code=500)
    return PlainTextResponse("内部错误（程序缺陷），详情已写入服务器日志", status_code=500)


def _exception_handlers() -> dict[type[Exception] | int, Callable[[Request, Exception], Any]]:
    return {LianzhengError: _library_error, HTTPException: _http_error, Exception: _bug}
