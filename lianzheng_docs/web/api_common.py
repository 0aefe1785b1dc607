"""What the JSON API's modules share: the JSON they answer in, errors, query parameters, records as JSON.

- :class:`ChineseJSON`: UTF-8 with Chinese as characters and dates as ISO text, like the CLI's ``--json``.
- :func:`error_response`: a library error as the CLI's ``--json`` error (``error``, ``message``,
  ``exit_code``, ``problems``) with the HTTP status of :mod:`.statuses`.
- :class:`Query`: a request's query parameters read against the names the operation documents
  (:mod:`.api_operations`), every bad one reported at once as a 400 naming the parameter, the way
  click names the option: a caller's typo (``yaer=2026``) is an error, not a filter silently ignored.
- :func:`record_json`: a record as the API gives it (the CLI's ``archive show --json`` plus URLs).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..archive import Record
from ..errors import ExitCode, LianzhengError, Problem, ProblemsError
from ..templating.manifest import RETENTION_NAMES
from .api_operations import MAX_LIMIT, OPERATIONS
from .statuses import http_status


class ChineseJSON(JSONResponse):
    """JSON with Chinese kept as characters and dates as ISO text, like the CLI's ``--json``."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, default=_jsonable).encode("utf-8")


def _jsonable(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def error_response(error: LianzhengError) -> Response:
    """A library error as the API answers it: the CLI's ``--json`` body, the status of :mod:`.statuses`."""
    body = error.to_dict()
    body.setdefault("problems", [])
    return ChineseJSON(body, status_code=http_status(error))


class BadParameter(ProblemsError):
    """Query parameters the operation does not know or cannot use (HTTP 400), each named in ``problems``."""

    exit_code = ExitCode.USAGE

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("请求参数", problems)


#: The longest text a query parameter may carry (a 题名 or 单位 is far shorter; a query too).
MAX_TEXT = 200
YEARS = (2000, 2100)


class Query:
    """The query parameters of ``request`` for the operation ``operation`` (its view function's name).

    Read each with a typed method, then call :meth:`check`: every problem found so far is raised
    together as :class:`BadParameter`. Names the operation does not document are problems too.
    """

    def __init__(self, request: Request, operation: str) -> None:
        self.params = request.query_params
        self.problems: list[Problem] = []
        known = [param.name for param in OPERATIONS[operation].query]
        for name in sorted(set(self.params) - set(known)):
            hint = f"可用参数：{'、'.join(known)}" if known else "此接口不接受查询参数"
            self.bad(name, f"未知的参数；{hint}")

    def bad(self, name: str, message: str) -> None:
        """A problem with the parameter ``name`` (raised by :meth:`check` with the others)."""
        self.problems.append(Problem(name, name, message))

    def check(self) -> None:
        if self.problems:
            raise BadParameter(self.problems)

    def texts(self, name: str) -> list[str]:
        """Every value given for ``name`` (a parameter that may be repeated), stripped, empty ones left out."""
        values = [value.strip() for value in self.params.getlist(name)]
        for value in values:
            if len(value) > MAX_TEXT:
                self.bad(name, f"过长（{len(value)} 个字符，上限 {MAX_TEXT}）")
                return []
        return [value for value in values if value]

    def text(self, name: str) -> str | None:
        """The one value of ``name``, or None when it is absent or empty."""
        values = self.texts(name)
        if len(values) > 1:
            self.bad(name, f"只能给一个值，收到 {len(values)} 个：{'、'.join(values)}")
            return None
        return values[0] if values else None

    def integer(self, name: str, *, default: int, low: int, high: int) -> int:
        value = self.text(name)
        if value is None:
            return default
        if not value.isascii() or not value.isdigit() or not low <= int(value) <= high:
            self.bad(name, f"应为 {low}–{high} 之间的整数，收到的是“{value}”")
            return default
        return int(value)

    def flag(self, name: str) -> bool:
        """A yes/no parameter: ``true``/``1`` or ``false``/``0`` (absent: no)."""
        value = self.text(name)
        if value is None:
            return False
        if value.lower() not in ("true", "1", "false", "0"):
            self.bad(name, f"应为 true 或 false，收到的是“{value}”")
            return False
        return value.lower() in ("true", "1")

    def limit(self, default: int = 50) -> int:
        return self.integer("limit", default=default, low=1, high=MAX_LIMIT)

    def years(self, name: str = "year") -> list[int]:
        """The 年度 given (the parameter may be repeated: ``year=2025&year=2026``), in order, once each."""
        found = {self._year(name, value) for value in self.texts(name)}
        return sorted(year for year in found if year is not None)

    def year(self, name: str = "year") -> int | None:
        value = self.text(name)
        return None if value is None else self._year(name, value)

    def _year(self, name: str, value: str) -> int | None:
        if not value.isascii() or not value.isdigit() or not YEARS[0] <= int(value) <= YEARS[1]:
            self.bad(name, f"应为 {YEARS[0]}–{YEARS[1]} 之间的年度，如 2026；收到的是“{value}”")
            return None
        return int(value)

    def day(self, name: str) -> date | None:
        value = self.text(name)
        if value is None:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.bad(name, f"日期应写成 YYYY-MM-DD，如 2026-03-05；收到的是“{value}”")
            return None

    def choice(self, name: str, choices: Mapping[str, str]) -> str | None:
        """One of ``choices`` (key → its Chinese label, shown in the message when another is given)."""
        value = self.text(name)
        if value is not None and value not in choices:
            listed = "、".join(f"{key}（{label}）" for key, label in choices.items())
            self.bad(name, f"应为 {listed} 之一；收到的是“{value}”")
            return None
        return value


def record_url(record_id: int) -> str:
    return f"/api/records/{record_id}"


def record_json(record: Record) -> dict[str, Any]:
    """A record as ``lianzheng archive show --json`` gives it, with its URLs; files without their
    place inside the archive folder (the ``url`` downloads them; the folder is the server's business)."""
    data = record.to_dict()
    data["retention_name"] = RETENTION_NAMES.get(record.retention, record.retention)
    data["url"] = record_url(record.id)
    data["files"] = [
        {"role": f.role, "format": f.format, "size": f.size, "sha256": f.sha256, "original_name": f.original_name,
         "url": f"{record_url(record.id)}/files/{f.role}"}
        for f in record.files
    ]  # fmt: skip
    return data
