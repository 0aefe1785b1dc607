"""``lianzheng templates list|show``: what templates there are and what data they take."""

from __future__ import annotations

from collections.abc import Iterator

import click

from ..templating.catalog import Catalog, Template
from ..templating.manifest import FieldSpec
from .output import emit, format_table
from .params import json_option


@click.group("templates")
def templates_group() -> None:
    """查看模板：有哪些模板，每个模板需要哪些数据。"""


@templates_group.command("list")
@json_option
def list_templates(as_json: bool) -> None:
    """列出全部模板。"""
    catalog = Catalog.default()
    rows = [
        (
            t.id,
            t.title,
            t.manifest.kind + ("（公文）" if t.manifest.is_gongwen else ""),
            t.manifest.direction,
            t.manifest.retention_name,
            len(t.manifest.fields),
        )
        for t in catalog
    ]
    emit([{**t.manifest.to_dict(), "id": t.id, "owner": t.owner} for t in catalog],
         lambda: [format_table(["模板 id", "名称", "文种", "行文", "保管期限", "字段数"], rows),
                  f"\n共 {len(catalog)} 个模板。查看字段：lianzheng templates show 模板id"],
         as_json=as_json)  # fmt: skip


@templates_group.command("show")
@click.argument("template_id", metavar="模板ID")
@json_option
def show_template(template_id: str, as_json: bool) -> None:
    """显示一个模板的说明和全部字段（名称、中文名、类型、是否必填）。"""
    template = Catalog.default().get(template_id)
    manifest = template.manifest
    emit({**manifest.to_dict(), "id": template.id, "owner": template.owner}, lambda: _show_text(template),
         as_json=as_json)  # fmt: skip


def _show_text(template: Template) -> Iterator[str]:
    manifest = template.manifest
    yield f"{manifest.title}（{template.id}）"
    if manifest.description:
        yield manifest.description
    yield (
        f"文种：{manifest.kind}{'（公文，须符合 GB/T 9704-2012）' if manifest.is_gongwen else ''}  "
        f"行文方向：{manifest.direction}  默认保管期限：{manifest.retention_name}\n"
    )
    yield format_table(["字段", "中文名", "类型", "必填", "说明"], _field_rows(manifest.fields))
    yield f"\n示例数据：lianzheng example {template.id}"


def _field_rows(fields: tuple[FieldSpec, ...], indent: str = "") -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for spec in fields:
        required = "必填" if spec.required and not spec.has_default else ("有默认值" if spec.has_default else "选填")
        note = spec.help or ("可选：" + "、".join(spec.choices) if spec.choices else "")
        rows.append((indent + spec.name, spec.label, spec.type.label, required, note))
        rows.extend(_field_rows(spec.fields, indent + "  └ "))
    return rows
