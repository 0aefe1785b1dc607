"""批量: one document per unit of the kept roster, run in the background, watched live.

The page offers the templates made per unit (those whose manifest names the unit's field), the
shared data as the template's own form without the unit's fields (they come from the roster),
the 年度 and the kinds of unit. The shared data is checked with the first unit before anything
starts, so a mistake is shown at its field once rather than failing every unit. The job's page
refreshes itself while it runs (no script needed) and lists each unit: made and filed (档号
linked), already filed (a re-run makes only what is missing), or failed with the reason.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ..duties.batch import DEFAULT_KINDS, unit_data, unit_field
from ..errors import LianzhengError, TemplateError, ValidationError
from ..templating.catalog import Template
from ..templating.examples import example_data
from ..templating.manifest import FieldSpec
from .access import Capability, require
from .csrf import posted_form
from .form_hints import web_problems
from .forms import RosterChoices, add_row, build_fields, form_values, read_form, remove_row, row_counts
from .pages import page
from .roster_store import kept_roster
from .statuses import http_status

STATE_NAMES = {"made": "已生成并归档", "skipped": "已归档，跳过", "failed": "出错"}


def routes() -> list[BaseRoute]:
    return [
        Route("/batch", batch, methods=["GET", "POST"]),
        Route("/batch/jobs/{job_id}", job_page, methods=["GET"]),
    ]


#: Offered first: the batch every bureau runs at the start of the year.
FIRST = "responsibility_letter"


def per_unit_templates(request: Request) -> list[Template]:
    """The templates a batch can make: those whose manifest names the unit's field (责任书 first)."""
    found: list[Template] = []
    for template in request.app.state.desk.catalog:
        try:
            unit_field(template)
        except TemplateError:
            continue
        found.append(template)
    return sorted(found, key=lambda t: t.id != FIRST)


def shared_specs(template: Template) -> list[FieldSpec]:
    """The template's fields but the unit's own (its name and head come from the roster) and its
    ``year`` (the batch's 年度 fills it, as ``lianzheng batch --year`` does)."""
    name = unit_field(template)
    return [spec for spec in template.manifest.fields if spec.name not in (name, f"{name}_head", "year")]


async def batch(request: Request) -> Response:
    user = require(request, Capability.BATCH)
    desk = request.app.state.desk
    templates = per_unit_templates(request)
    roster = await run_in_threadpool(kept_roster, desk.archive_root)
    if request.method == "GET":
        earlier = desk.jobs.get(request.query_params.get("job", ""))
        if earlier is not None and earlier.template in templates:  # 再次执行: what that batch was run with
            return _form(request, templates, earlier.template, dict(earlier.base), roster=roster,
                         year=earlier.year or desk.today().year, kinds=earlier.kinds, example=False)  # fmt: skip
        chosen = _chosen(templates, request.query_params.get("template"))
        data = example_data(chosen.manifest, desk.today())
        return _form(request, templates, chosen, data, roster=roster, year=desk.today().year, example=True)
    form = await posted_form(request)
    submitted = {key: value for key, value in form.items() if isinstance(value, str)}
    chosen = _chosen(templates, submitted.get("template"))
    specs = shared_specs(chosen)
    data = read_form(specs, submitted)
    year_text = submitted.get("year", "").strip()
    kinds = tuple(kind for kind in form.getlist("kinds") if isinstance(kind, str)) or DEFAULT_KINDS
    if "add" in submitted or "remove" in submitted:
        (add_row if "add" in submitted else remove_row)(specs, data, submitted.get("add") or submitted["remove"])
        return _form(request, templates, chosen, data, roster=roster, year=year_text, kinds=kinds)
    if roster is None:
        return _form(request, templates, chosen, data, roster=roster, year=year_text, kinds=kinds, status_code=409,
                     failure="尚未保存名册：请先在“名册”页上传名册")  # fmt: skip
    if not year_text.isdigit() or not 2000 <= int(year_text) <= 2100:
        return _form(request, templates, chosen, data, roster=roster, year=year_text, kinds=kinds, status_code=422,
                     failure=f"年度应为 2000 至 2100 之间的四位数字，收到的是“{year_text}”")  # fmt: skip
    year = int(year_text)
    units = [unit for unit in roster.units if unit.kind in kinds]
    if not units:
        return _form(request, templates, chosen, data, roster=roster, year=year_text, kinds=kinds, status_code=422,
                     failure=f"名册中没有类别为 {'、'.join(kinds)} 的单位")  # fmt: skip
    try:  # the shared data checked once, with the first unit, before any work starts
        await run_in_threadpool(chosen.metadata, unit_data(chosen, data, units[0], year))
    except ValidationError as exc:
        return _form(request, templates, chosen, data, roster=roster, year=year_text, kinds=kinds,
                     problems=exc.problems, status_code=422)  # fmt: skip
    except LianzhengError as exc:
        return _form(request, templates, chosen, data, roster=roster, year=year_text, kinds=kinds,
                     failure=exc.message, status_code=http_status(exc))  # fmt: skip
    job = desk.jobs.start(desk.archive_root, chosen, roster, data, year=year, kinds=kinds, actor=user.actor)
    return RedirectResponse(f"/batch/jobs/{job.id}", status_code=303)


def _chosen(templates: list[Template], template_id: str | None) -> Template:
    if not templates:
        raise TemplateError("没有可按单位批量生成的模板")
    return next((t for t in templates if t.id == template_id), templates[0])


def _form(request: Request, templates: list[Template], template: Template, data: dict[str, Any], *, roster: Any,
          year: int | str, kinds: tuple[str, ...] = DEFAULT_KINDS, problems: list[Any] | None = None,
          failure: str = "", status_code: int = 200, example: bool = False) -> Response:  # fmt: skip
    specs = shared_specs(template)
    problems = web_problems(template.manifest.fields, problems or [])  # the form's wording, not the CLI's
    fields = build_fields(specs, form_values(specs, data), problems, rows=row_counts(specs, data),
                          roster=RosterChoices.of(roster))  # fmt: skip
    unit_kinds = sorted({unit.kind for unit in roster.units}) if roster is not None else list(DEFAULT_KINDS)
    desk = request.app.state.desk
    return page(request, "batch.html", status_code, title="批量", templates=templates, template=template,
                fields=fields, problems=problems or [], failure=failure, roster=roster, year=year, kinds=kinds,
                unit_kinds=unit_kinds, unit_field=unit_field(template), running=desk.jobs.running(),
                recent=desk.jobs.recent(), focus_id="", example=example)  # fmt: skip


async def job_page(request: Request) -> Response:
    require(request, Capability.BATCH)
    job = request.app.state.desk.jobs.get(request.path_params["job_id"])
    if job is None:
        raise HTTPException(404, "没有这个批量任务（工作台重启后，之前的任务页不再保留；已归档的文件在“档案”中）")
    return page(request, "batch_job.html", title=f"批量：{job.template.title}", job=job, states=STATE_NAMES)
