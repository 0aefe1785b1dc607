"""The JSON API under ``/api/``, for the bureau's other systems: the library's answers over HTTP.

Templates (this module):

- ``GET /api/templates``: every template (id, 中文名, 文种, direction, description).
- ``GET /api/templates/{id}``: its fields (as ``lianzheng templates show --json``) and example data dated today.
- ``POST /api/templates/{id}/validate``, body the data (JSON): ``{"valid": true, "metadata": …}``, or 422
  with ``problems``.
- ``POST /api/templates/{id}/render?format=docx|pdf``: the finished .docx, or its PDF (LibreOffice; 503
  without it).
- ``POST /api/templates/{id}/file``: numbered, rendered, finished and filed; 201 with the record.

The archive (:mod:`.api_records`): records, their files, search; the board (:mod:`.api_status`);
``GET /api/openapi.json`` (:mod:`.openapi`). Every operation is described once in :mod:`.api_operations`.

Errors are the CLI's ``--json`` errors (``error``, ``message``, ``exit_code``, ``problems``) with the
status of :data:`~lianzheng_docs.web.statuses.HTTP_STATUS`. A body's ``attachments`` may not name files
or data files on the server (``file``, ``data`` as a path): a caller sends content, never a path to read.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ..errors import DataFileError, ExitCode, LianzhengError, Problem, ValidationError
from ..templating.catalog import Template
from ..templating.examples import example_data
from . import api_records, api_status, documents, openapi
from .access import Capability, Role, require
from .api_common import ChineseJSON, Query, error_response, record_json
from .api_operations import DOCX, PDF
from .documents import Made, content_disposition, file_document, make_docx, refuse_other_unit

DOCX_TYPE = DOCX


def routes() -> list[BaseRoute]:
    """The API's routes, mounted at ``/api`` by the app; :mod:`.openapi` describes exactly these."""
    return [
        Route("/templates", list_templates, methods=["GET"]),
        Route("/templates/{template_id}", show_template, methods=["GET"]),
        Route("/templates/{template_id}/validate", validate, methods=["POST"]),
        Route("/templates/{template_id}/render", render, methods=["POST"]),
        Route("/templates/{template_id}/file", file, methods=["POST"]),
        *api_records.routes(),
        *api_status.routes(),
        Route("/openapi.json", openapi_document, methods=["GET"], name="openapi"),
    ]


def _template(request: Request) -> Template:
    template: Template = request.app.state.desk.catalog.get(request.path_params["template_id"])
    return template


async def list_templates(request: Request) -> Response:
    require(request, Capability.READ)
    Query(request, "list_templates").check()
    catalog = request.app.state.desk.catalog
    return ChineseJSON([
        {"id": t.id, "title": t.title, "kind": t.manifest.kind, "direction": t.manifest.direction,
         "description": t.manifest.description, "owner": t.owner, "url": f"/api/templates/{t.id}"}
        for t in catalog
    ])  # fmt: skip


async def show_template(request: Request) -> Response:
    require(request, Capability.READ)
    Query(request, "show_template").check()
    template = _template(request)
    body = template.manifest.to_dict() | {"id": template.id, "owner": template.owner}
    body["example"] = example_data(template.manifest, request.app.state.desk.today())
    return ChineseJSON(body)


async def _data(request: Request, template: Template) -> dict[str, Any]:
    """The request's JSON body: an object of field values (as a data file holds them)."""
    try:
        data = json.loads(await request.body())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataFileError(f"请求体不是有效的 JSON：{exc}") from exc
    except RecursionError as exc:
        raise DataFileError("请求体的 JSON 嵌套过深（数据文件最多 64 层）") from exc
    if not isinstance(data, dict):
        raise DataFileError(f"请求体应为 JSON 对象（字段名 → 值），实际是 {type(data).__name__}")
    _refuse_server_paths(template, data)
    return data


def _refuse_server_paths(template: Template, data: dict[str, Any]) -> None:
    """附件 given as a file (or data file) on the server would have the server read it into the
    document: over HTTP the caller sends the content (``table``, or ``template`` with ``data`` inline)."""
    attachments = data.get("attachments")
    if not isinstance(attachments, list):
        return
    problems = []
    for index, item in enumerate(attachments):
        if not isinstance(item, dict):
            continue
        for key in ("file", "data"):
            if key in item and (key == "file" or isinstance(item[key], str)):
                problems.append(Problem(f"attachments[{index}].{key}", f"附件{index + 1} {key}",
                                        "接口不读取服务器上的文件：附件请用 table（表格），或 template 加写在请求中的 "
                                        "data（键值对）"))  # fmt: skip
    if problems:
        raise ValidationError(template.id, problems)


async def validate(request: Request) -> Response:
    require(request, Capability.PRODUCE)
    Query(request, "validate").check()
    template = _template(request)
    data = await _data(request, template)
    metadata = await run_in_threadpool(template.metadata, data)
    return ChineseJSON({"valid": True, "metadata": metadata})


async def render(request: Request) -> Response:
    require(request, Capability.PRODUCE)
    query = Query(request, "render")
    kind = query.choice("format", {"docx": "Word 文档", "pdf": "PDF"}) or "docx"
    query.check()
    template = _template(request)
    data = await _data(request, template)
    made = await run_in_threadpool(make_pdf if kind == "pdf" else make_docx, template, data)
    headers = {"Content-Disposition": content_disposition(made.filename),
               "X-Lianzheng-Layout": "not-verified" if made.warnings else "ok"}  # fmt: skip
    return Response(made.content, media_type=PDF if kind == "pdf" else DOCX, headers=headers)


class NoLibreOffice(LianzhengError):
    """A PDF was asked for and the server has no LibreOffice (HTTP 503: the server cannot, for now).

    The exit code is the CLI's for the same case (``render --pdf`` without LibreOffice)."""

    exit_code = ExitCode.OUTPUT
    http_status = 503


def make_pdf(template: Template, data: dict[str, Any]) -> Made:
    """The PDF as the desk makes it (:func:`.documents.make_pdf`); a server without LibreOffice is a 503."""
    from ..pdf.convert import ConversionError, find_soffice

    try:
        return documents.make_pdf(template, data)
    except ConversionError as exc:
        try:
            find_soffice()
        except ConversionError:
            raise NoLibreOffice(f"服务器上没有 LibreOffice，无法生成 PDF（可先生成 .docx）。{exc.message}") from exc
        raise


async def file(request: Request) -> Response:
    """Filed as the desk's 归档 files it; 201 with the record, ``Location`` its URL."""
    user = require(request, Capability.PRODUCE)
    query = Query(request, "file")
    allow_duplicate, allow_future_date = query.flag("allow_duplicate"), query.flag("allow_future_date")
    if (allow_duplicate or allow_future_date) and user.role is not Role.OFFICE:
        query.bad("allow_duplicate" if allow_duplicate else "allow_future_date", "只限办公室账号")
    query.check()
    template = _template(request)
    data = await _data(request, template)
    await run_in_threadpool(refuse_other_unit, user, template, data)
    root = request.app.state.desk.archive_root
    try:
        record, warnings = await run_in_threadpool(partial(file_document, allow_duplicate=allow_duplicate,
                                                           allow_future_date=allow_future_date),
                                                   root, template, data, actor=user.actor)  # fmt: skip
    except LianzhengError as exc:  # the library names the CLI's options; over HTTP they are query parameters
        for option, parameter in (("--allow-duplicate", "allow_duplicate=true"),
                                  ("--allow-future-date", "allow_future_date=true")):  # fmt: skip
            exc.message = exc.message.replace(option, parameter)
        raise
    body = record_json(record)
    return ChineseJSON({"record": body, "warnings": warnings}, status_code=201, headers={"Location": body["url"]})


async def openapi_document(request: Request) -> Response:
    require(request, Capability.READ)
    Query(request, "openapi_document").check()
    desk = request.app.state.desk
    return ChineseJSON(openapi.document(routes(), desk.catalog, today=desk.today()))


__all__ = ["DOCX_TYPE", "ChineseJSON", "error_response", "routes"]
