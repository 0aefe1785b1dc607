"""Example data from a manifest: what ``lianzheng example`` prints (as commented YAML) and the
samples are made from."""

from __future__ import annotations

from typing import Any

from ..datafile import dump_yaml
from .manifest import FieldSpec, FieldType, TemplateManifest


def example_data(manifest: TemplateManifest) -> dict[str, Any]:
    """Sample data for every field: its ``example``, else its ``default``."""
    return {spec.name: _example(spec) for spec in manifest.fields if _example(spec) is not None}


def _example(spec: FieldSpec) -> Any:
    return spec.example if spec.example is not None else spec.default


def example_yaml(manifest: TemplateManifest, template_id: str | None = None) -> str:
    """A complete example data file, each field preceded by a comment saying what it is.

    ``template_id`` is the catalog id (a plugin's templates are namespaced); default the manifest's.
    """
    shown = template_id or manifest.id
    lines = [
        f"# {manifest.title}（{shown}）示例数据",
        f"# 用法：lianzheng render {shown} --data 本文件 -o 输出.docx",
        "# 每个字段上方注明：中文名 · 类型 · 必填/选填 · 说明。日期写作 2026-01-15。",
        "",
    ]
    data = example_data(manifest)
    for spec in manifest.fields:
        lines.append(f"# {_describe(spec)}")
        if spec.name not in data:  # optional, nothing to suggest: show where it would go
            lines.append(f"# {spec.name}:")
            lines.append("")
            continue
        for sub in spec.fields:
            lines.append(f"#   {sub.name}: {_describe(sub)}")
        lines.append(dump_yaml({spec.name: data[spec.name]}).rstrip("\n"))
        lines.append("")
    lines.extend(_ATTACHMENTS_HINT)
    return "\n".join(lines)


#: Every template may carry 附件; the example shows how, commented out.
_ATTACHMENTS_HINT = (
    "# 附件 · 列表 · 选填 · 正文下标注附件说明，每个附件另起一页、排在版记之前（GB/T 9704 7.3.4、7.3.7）。",
    "#   每项写名称 title（末尾不加标点），再写 table（表格）、template（模板 id，加 data：数据或数据文件）、",
    "#   file（.docx 文件）之一；相对路径从本数据文件所在的文件夹找起。",
    "# attachments:",
    "#   - title: 责任追究情况统计表",
    "#     table: {columns: [序号, 单位, 追究人数], rows: [[1, 国库科, 2]]}",
    "#   - title: 2026年度党风廉政建设责任书",
    "#     template: responsibility_letter",
    "#     data: 责任书.yaml",
    "",
)


def _describe(spec: FieldSpec) -> str:
    parts = [spec.label, spec.type.label, "必填" if spec.required else "选填"]
    if spec.type is FieldType.CHOICE:
        parts.append("可选：" + "、".join(spec.choices))
    if spec.help:
        parts.append(spec.help)
    return " · ".join(parts)
