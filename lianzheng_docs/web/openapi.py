"""The API's OpenAPI 3.1 description (``GET /api/openapi.json``), written from the routes themselves.

Paths and methods come from the route list (:func:`.api.routes`), so a route cannot go undescribed;
summaries, parameters, bodies and answers from :data:`.api_operations.OPERATIONS`, the one place they
are written; each template's data schema from its manifest (:mod:`.api_schemas`). Besides the generic
``/api/templates/{template_id}/validate`` (and ``render``, ``file``), each template has its own paths
whose body is its schema, so a generated client gets a typed call per template.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from starlette.routing import BaseRoute, Route

from .. import __version__
from ..errors import EXIT_CODE_MEANINGS
from ..templating.catalog import Catalog
from .api_operations import OPERATIONS, Operation
from .api_schemas import data_schema, schema_name
from .statuses import HTTP_STATUS

PREFIX = "/api"
ERRORS = {400: "请求有误（参数、用法）", 401: "未登录：缺少或无效的令牌", 403: "账号的角色无权进行此操作",
          404: "模板或档案记录不存在", 409: "结果无法写出（如 PDF 转换失败）", 422: "数据有误：problems 逐项列出",
          503: "暂时无法完成（档案被锁定、服务器无 LibreOffice 或正忙），请稍后再试"}  # fmt: skip
TEMPLATE_BODIES = ("validate", "render", "file")
_PARAM = re.compile(r"{(\w+)(?::(\w+))?}")


def document(routes: list[BaseRoute], catalog: Catalog, *, today: date) -> dict[str, Any]:
    """The OpenAPI document of ``routes`` (mounted at ``/api``) and the templates of ``catalog``."""
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        assert isinstance(route, Route) and route.methods, f"not a plain route: {route!r}"
        name = route.endpoint.__name__
        path, params = _openapi_path(route.path)
        for method in sorted(route.methods - {"HEAD"}):
            paths.setdefault(PREFIX + path, {})[method.lower()] = _operation(name, OPERATIONS[name], params)
    for template in catalog:
        for name in TEMPLATE_BODIES:
            op = _operation(name, OPERATIONS[name], [], body=schema_name(template.id))
            op["operationId"] = f"{name}.{template.id}"
            op["summary"] = f"{op['summary']}：{template.title}"
            op["tags"] = ["模板"]
            paths[f"{PREFIX}/templates/{template.id}/{name}"] = {"post": op}
    schemas = _components() | {schema_name(t.id): data_schema(t, today) for t in catalog}
    return {
        "openapi": "3.1.0",
        "info": {"title": "lianzheng-docs 接口", "version": __version__,
                 "description": "廉政“两个责任”文书的模板、生成、归档、检索和落实情况。错误的 JSON 与命令行 --json "
                                "相同（error、message、exit_code、problems），HTTP 状态按退出码：" + _exit_codes()},
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}],
        "paths": dict(sorted(paths.items())),
        "components": {"schemas": schemas, "securitySchemes": {"bearerAuth": {
            "type": "http", "scheme": "bearer",
            "description": "API 令牌（lianzheng users token 生成，lz_ 开头）；本机工作台未建账号时不需要"}}},
    }  # fmt: skip


def _exit_codes() -> str:
    return "；".join(f"{int(code)} {EXIT_CODE_MEANINGS[code][0]} → {status}" for code, status in HTTP_STATUS.items())


def _openapi_path(path: str) -> tuple[str, list[dict[str, Any]]]:
    """Starlette's ``/records/{record_id:int}`` as OpenAPI's ``/records/{record_id}``, with its path parameters."""
    params = [{"name": name, "in": "path", "required": True,
               "schema": {"type": "integer"} if kind == "int" else {"type": "string"}}
              for name, kind in _PARAM.findall(path)]  # fmt: skip
    return _PARAM.sub(r"{\1}", path), params


def _tag(name: str) -> str:
    return {"status_rows": "落实情况", "search": "检索", "openapi_document": "接口"}.get(
        name, "档案" if "record" in name or name == "download_file" else "模板"
    )


def _operation(name: str, op: Operation, path_params: list[dict[str, Any]], *, body: str = "Data") -> dict[str, Any]:
    query = [{"name": p.name, "in": "query", "required": p.required, "description": p.description,
              "schema": {"type": "array", "items": p.schema} if p.repeat else p.schema,
              **({"style": "form", "explode": True} if p.repeat else {})} for p in op.query]  # fmt: skip
    answer: dict[str, Any] = {
        "operationId": name,
        "summary": op.summary,
        "description": f"{op.description}\n\n所需权限：{op.capability.value}。",
        "tags": [_tag(name)],
        "parameters": path_params + query,
        "responses": {str(status): _answer(text, content) for status, (text, content) in op.answers.items()}
        | {str(status): _answer(ERRORS[status], "Error") for status in op.errors},
    }
    if op.body == "data":
        answer["requestBody"] = {"required": True, "description": "模板的数据（JSON 对象：字段名 → 值）",
                                 "content": {"application/json": {"schema": _ref(body)}}}  # fmt: skip
    return answer


def _answer(text: str, content: str | tuple[str, ...]) -> dict[str, Any]:
    if isinstance(content, tuple):
        return {"description": text, "content": {media: {"schema": {"type": "string", "format": "binary"}}
                                                 for media in content}}  # fmt: skip
    return {"description": text, "content": {"application/json": {"schema": _ref(content)}}}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(required: list[str], **properties: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required}


TXT: dict[str, Any] = {"type": "string"}
OPT: dict[str, Any] = {"type": ["string", "null"]}
NUM: dict[str, Any] = {"type": "integer"}


def _array(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


def _components() -> dict[str, Any]:
    """The answers' schemas (the templates' data schemas are added per template)."""
    problem = _object(["path", "label", "message"], path=TXT, label=TXT, message=TXT)
    file = _object(["role", "format", "sha256", "url"], role=TXT, format=TXT, size=NUM, sha256=TXT,
                   original_name=OPT, url=TXT)  # fmt: skip
    record = _object(["id", "archival_code", "title", "url", "files"], id=NUM, archival_code=TXT, doc_number=OPT,
                     title=TXT, kind=TXT, unit=TXT, date=OPT, year=NUM, retention=TXT, retention_name=TXT,
                     recipients=TXT, secrecy=TXT, template_id=OPT, filed_at=TXT, filed_by=TXT, url=TXT,
                     files=_array(_ref("StoredFile")))  # fmt: skip
    audit = _object(["id", "at", "actor", "action"], id=NUM, at=TXT, actor=TXT, action=TXT, action_name=TXT,
                    detail={"type": "object"})  # fmt: skip
    span = {**_array(NUM), "minItems": 2, "maxItems": 2}
    fragment = _object(["text", "highlights"], text=TXT, highlights={**_array(span), "minItems": 1})
    hit = _object(["id", "title", "url", "fragments"], id=NUM, score={"type": "number"}, title=TXT,
                  archival_code=TXT, doc_number=OPT, kind=TXT, unit=TXT, year=NUM, date=OPT, secrecy=TXT, url=TXT,
                  fragments=_array(_ref("Fragment")))  # fmt: skip
    listing = _object(["id", "title", "url"], id=TXT, title=TXT, kind=TXT, direction=TXT, description=TXT,
                      owner=TXT, url=TXT)  # fmt: skip
    return {
        "Error": _object(["error", "message", "exit_code", "problems"], error=TXT, message=TXT, exit_code=NUM,
                         problems=_array(_ref("Problem")), template=TXT),
        "Problem": problem, "StoredFile": file, "Record": record, "AuditEntry": audit, "Fragment": fragment,
        "SearchHit": hit, "Data": {"type": "object", "description": "模板的数据；各模板的字段见 Data.<模板 id>"},
        "TemplateList": _array(listing),
        "Template": _object(["id", "title", "fields", "example"], id=TXT, title=TXT, kind=TXT,
                            fields={"type": "array"}, example={"type": "object"}),
        "Validated": _object(["valid", "metadata"], valid={"const": True}, metadata={"type": "object"}),
        "Filed": _object(["record", "warnings"], record=_ref("Record"), warnings=_array(TXT)),
        "RecordList": _object(["total", "records"], total=NUM, offset=NUM, limit=NUM, filters={"type": "object"},
                              records=_array(_ref("Record"))),
        "RecordDetail": {"allOf": [_ref("Record"), _object(["audit"], audit=_array(_ref("AuditEntry")),
                                                           audit_truncated={"type": "boolean"})]},
        "SearchResult": _object(["query", "total", "hits"], query=TXT, total=NUM, page=NUM, limit=NUM, pages=NUM,
                                hits=_array(_ref("SearchHit"))),
        "StatusBoard": _object(["years", "statuses"], year=NUM, years=_array(NUM), unit=OPT, state=OPT,
                               roster={"type": "boolean"}, statuses=_array({"type": "object"}),
                               notes=_array(TXT), plugins={"type": "array"}),
        "OpenAPI": {"type": "object", "description": "本文档"},
    }  # fmt: skip


__all__ = ["document"]
