"""The JSON API under ``/api/``, for the bureau's other systems: the library's answers over HTTP.

- ``GET /api/templates``: every template (id, 中文名, 文种, direction, description).
- ``GET /api/templates/{id}``: its fields (as ``lianzheng templates show --json``) and example data dated today.
- ``POST /api/templates/{id}/validate``, body the data (JSON): ``{"valid": true, "metadata": …}``, or 422
  with ``problems``.
- ``POST /api/templates/{id}/render``, body the data: the .docx (finished as the CLI does), or 422.

Errors are the CLI's ``--json`` errors (``error``, ``message``, ``exit_code``, ``problems``) with the
status of :data:`~lianzheng_docs.web.statuses.HTTP_STATUS`.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from ..errors import DataFileError, LianzhengError
from ..templating.catalog import Template
from ..templating.examples import example_data
from .documents import content_disposition, make_docx
from .statuses import http_status

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class ChineseJSON(JSONResponse):
    """JSON with Chinese kept as characters and dates as ISO text, like the CLI's ``--json``."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, default=_jsonable).encode("utf-8")


def _jsonable(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def routes() -> list[BaseRoute]:
    return [
        Route("/templates", list_templates, methods=["GET"]),
        Route("/templates/{template_id}", show_template, methods=["GET"]),
        Route("/templates/{template_id}/validate", validate, methods=["POST"]),
        Route("/templates/{template_id}/render", render, methods=["POST"]),
    ]


def error_response(error: LianzhengError) -> Response:
    """A library error as the API answers it."""
    body = error.to_dict()
    body.setdefault("problems", [])
    return ChineseJSON(body, status_code=http_status(error))


def _template(request: Request) -> Template:
    template: Template = request.app.state.desk.catalog.get(request.path_params["template_id"])
    return template


async def list_templates(request: Request) -> Response:
    catalog = request.app.state.desk.catalog
    return ChineseJSON([
        {"id": t.id, "title": t.title, "kind": t.manifest.kind, "direction": t.manifest.direction,
         "description": t.manifest.description, "owner": t.owner, "url": f"/api/templates/{t.id}"}
        for t in catalog
    ])  # fmt: skip


async def show_template(request: Request) -> Response:
    template = _template(request)
    body = template.manifest.to_dict() | {"id": template.id, "owner": template.owner}
    body["example"] = example_data(template.manifest, request.app.state.desk.today())
    return ChineseJSON(body)


async def _data(request: Request) -> dict[str, Any]:
    """The request's JSON body: an object of field values (as a data file holds them)."""
    try:
        data = json.loads(await request.body())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataFileError(f"请求体不是有效的 JSON：{exc}") from exc
    if not isinstance(data, dict):
        raise DataFileError(f"请求体应为 JSON 对象（字段名 → 值），实际是 {type(data).__name__}")
    return data


async def validate(request: Request) -> Response:
    template, data = _template(request), await _data(request)
    metadata = await run_in_threadpool(template.metadata, data)
    return ChineseJSON({"valid": True, "metadata": metadata})


async def render(request: Request) -> Response:
    template, data = _template(request), await _data(request)
    made = await run_in_threadpool(make_docx, template, data)
    headers = {"Content-Disposition": content_disposition(made.filename),
               "X-Lianzheng-Layout": "not-verified" if made.warnings else "ok"}  # fmt: skip
    return Response(made.content, media_type=DOCX_TYPE, headers=headers)


__all__ = ["DOCX_TYPE", "ChineseJSON", "error_response", "routes"]
