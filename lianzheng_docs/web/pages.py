"""The pages clerks use: 模板 (the list), one template's form, the filed document, and downloads.

The form is made from the template's manifest (:mod:`.forms`). One POST route does what its
buttons say: 检查 (validate), 预览 (the pages as images, below the form: :mod:`.preview`),
下载 .docx and 下载 PDF (validate, render, send), 归档 (number, file, show the 文号 and 档号:
:mod:`.form_actions`, which refuses example data, a duplicate and a date in the future until a box
is ticked), and add or remove a row of a repeating group. Every problem of the data is shown at
its field and listed, linked, in a summary at the top: all at once, as the CLI lists them, in the
form's words (:mod:`.form_hints`).
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ..duties.roster import Roster
from ..errors import LianzhengError, Problem, ValidationError
from ..pdf.convert import ConversionError
from ..templating.catalog import Template
from ..templating.examples import example_data
from ..templating.manifest import RETENTION_NAMES
from .access import Capability, require
from .csrf import csrf_token, posted_form
from .documents import content_disposition, make_docx, make_pdf
from .form_actions import (
    EXAMPLE_DIGEST,
    FormState,
    Refusal,
    confirmations,
    example_digest,
    file_from_form,
    metadata_field,
)
from .form_hints import RosterChoices, long_text_fields, summary_text, web_problems
from .forms import FormField, add_row, all_fields, build_fields, form_values, read_form, remove_row, row_counts
from .preview import Preview, keep, make_preview
from .preview import routes as preview_routes
from .roster_store import kept_roster
from .statuses import http_status

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#: what a page that needs LibreOffice (预览, 下载 PDF) answers without it, or when it fails: the
#: service is not available here and now; the rest of the form still works
NO_PDF_STATUS = 503
#: 文种 in the order of 《党政机关公文处理工作条例》第八条; the list shows them first, the bureau's own kinds after.
GONGWEN_ORDER = tuple("决议 决定 命令 公报 公告 通告 意见 通知 通报 报告 请示 批复 议案 函 纪要".split())


def routes() -> list[BaseRoute]:
    return [
        Route("/", home, methods=["GET"]),
        Route("/templates", template_list, methods=["GET"]),
        Route("/templates/{template_id}", template_form, methods=["GET", "POST"]),
        *preview_routes(),
    ]


def page(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """The page ``name`` rendered with ``context`` (escaped: the environment autoescapes).

    Every page also gets ``user`` (who is signed in, None before) and ``csrf_token`` for its forms
    (``{% include "_csrf.html" %}`` in each POST form).
    """
    user = getattr(request.state, "user", None)
    context = {"user": user, "csrf_token": csrf_token(request), "path": request.url.path} | context
    html = request.app.state.desk.pages.get_template(name).render(**context)
    return HTMLResponse(html, status_code=status_code)


def error_page(request: Request, error: LianzhengError) -> HTMLResponse:
    status = http_status(error)
    titles = {401: "请先登录", 403: "无权访问", 404: "没有找到", 409: "无法完成", 503: "暂时无法完成"}
    title = titles.get(status, "出错了")
    return page(request, "error.html", status, title=title, message=error.message, status=status,
                exit_code=int(error.exit_code))  # fmt: skip


async def home(request: Request) -> Response:
    return RedirectResponse("/templates", status_code=303)


async def template_list(request: Request) -> Response:
    """The templates by 文种 (the regulation's order, then the others), each 文种's by title."""

    def order(template: Template) -> tuple[int, str, str]:
        kind = template.manifest.kind
        rank = GONGWEN_ORDER.index(kind) if kind in GONGWEN_ORDER else len(GONGWEN_ORDER)
        return rank, kind, template.title

    templates = sorted(request.app.state.desk.catalog, key=order)
    kinds: dict[str, list[Template]] = {}
    for template in templates:
        kinds.setdefault(template.manifest.kind, []).append(template)
    return page(request, "template_list.html", title="模板", kinds=kinds, count=len(templates))


def _template(request: Request) -> Template:
    template: Template = request.app.state.desk.catalog.get(request.path_params["template_id"])
    return template


async def template_form(request: Request) -> Response:
    template = _template(request)
    if request.method == "GET":
        data = example_data(template.manifest, request.app.state.desk.today())
        if request.query_params:  # a link from 落实情况 fills the unit, head, year or 主送 it is for
            values = form_values(template.manifest.fields, data)
            values |= {key: value for key, value in request.query_params.items() if key in values}
            data = read_form(template.manifest.fields, values)
        return _form(request, template, data, state=FormState(example_digest(template, data)))
    user = require(request, Capability.PRODUCE)
    form = await posted_form(request)
    submitted = {key: value for key, value in form.items() if isinstance(value, str)}
    data = read_form(template.manifest.fields, submitted)
    state = FormState.posted(submitted, user)
    if "add" in submitted:
        add_row(template.manifest.fields, data, submitted["add"])
        return _form(request, template, data, state=state, focus=submitted["add"])
    if "remove" in submitted:
        remove_row(template.manifest.fields, data, submitted["remove"])
        return _form(request, template, data, state=state)
    action = submitted.get("action", "check")
    try:
        if action in ("download", "pdf"):
            made = await run_in_threadpool(make_docx if action == "download" else make_pdf, template, data)
            return Response(made.content, media_type=DOCX_TYPE if action == "download" else "application/pdf",
                            headers={"Content-Disposition": content_disposition(made.filename)})  # fmt: skip
        if action == "preview":
            shown = keep(request, await run_in_threadpool(make_preview, template, data))
            return _form(request, template, data, state=state, preview=shown)
        if action == "file":
            filed = await file_from_form(request.app.state.desk.archive_root, user, template, data, state)
            if isinstance(filed, Refusal):
                return _form(request, template, data, state=state, refusal=filed, status_code=filed.status)
            record, warnings = filed
            return page(request, "filed.html", title="已归档", template=template, record=record, warnings=warnings,
                        retention=RETENTION_NAMES.get(record.retention, record.retention))  # fmt: skip
        metadata = await run_in_threadpool(template.metadata, data)
    except ValidationError as exc:
        return _form(request, template, data, state=state, problems=exc.problems, status_code=422)
    except ConversionError as exc:
        what = "预览" if action == "preview" else "生成 PDF"
        return _form(request, template, data, state=state, failure=f"无法{what}：{exc.message}",
                     status_code=NO_PDF_STATUS)  # fmt: skip
    except LianzhengError as exc:
        return _form(request, template, data, state=state, failure=exc.message, status_code=http_status(exc))
    return _form(request, template, data, state=state, checked=metadata)


def _form(
    request: Request,
    template: Template,
    data: dict[str, Any],
    *,
    state: FormState,
    problems: list[Problem] | None = None,
    refusal: Refusal | None = None,
    failure: str = "",
    checked: dict[str, str] | None = None,
    focus: str = "",
    preview: Preview | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    specs = template.manifest.fields
    shown = web_problems(specs, problems or [])
    if refusal is not None and refusal.problem is not None:
        shown.append(refusal.problem)
    unit = metadata_field(template, "unit")
    fields = build_fields(specs, form_values(specs, data), shown, rows=row_counts(specs, data),
                          roster=RosterChoices.of(_roster(request)),
                          long_text=long_text_fields(specs, example_data(template.manifest)),
                          unit_field=unit.name if unit is not None else "")  # fmt: skip
    boxes, at_field = confirmations(template, data, state, refusal)
    if at_field is not None:  # the date in the future: the box is shown at the date field
        for item in all_fields(fields):
            item.confirm = at_field[1] if item.path == at_field[0] else item.confirm
    return page(request, "template_form.html", status_code, title=template.title, template=template, fields=fields,
                summary=_summary(fields, shown), failure=failure, checked=checked, focus_id=_new_row(fields, focus),
                preview=preview, numbered=template.manifest.field("doc_number") is not None,
                example_digest=state.digest, untouched=state.untouched(template, data), boxes=boxes,
                refusal=refusal if refusal is not None and refusal.problem is None else None,
                digest_name=EXAMPLE_DIGEST)  # fmt: skip


def _roster(request: Request) -> Roster | None:
    """The kept roster, for suggestions only: one that no longer reads is the 名册 page's to report."""
    try:
        return kept_roster(request.app.state.desk.archive_root)
    except LianzhengError:
        return None


def _new_row(fields: list[FormField], group: str) -> str:
    """The control to put the cursor in after a row was added to ``group``: the new row's first."""
    found = next((item for item in all_fields(fields) if group and item.path == group and item.rows), None)
    return found.rows[-1][0].focus_id if found is not None and found.rows[-1] else ""


def _summary(fields: list[FormField], problems: list[Problem]) -> list[tuple[str, str]]:
    """Each problem as the list at the top says it, with the id of the control to jump to ("" when
    it belongs to no field shown)."""
    by_path = {item.path: item for item in all_fields(fields)}
    shown = []
    for problem in problems:
        item = by_path.get(problem.path)
        shown.append((summary_text(problem, item.label if item else ""), item.focus_id if item else ""))
    return shown
