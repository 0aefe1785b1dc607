"""Example data from a manifest: what ``lianzheng example`` prints (as commented YAML) and the
samples are made from.

A manifest's examples are written for one year (a 上半年 report dated 26 June, a department's
report dated 12 January of the next year). Given ``today``, the example is moved by whole years
so that its document's date (the field ``[metadata] date`` names) is the latest such day on or
before ``today``: never a date in the future, month and day kept, and every year in it moved
alike (other dates, ``year`` fields, 2026年 and 〔2026〕 in the text), so that it stays coherent.
Without ``today`` the example is returned as written.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from typing import Any

from ..datafile import dump_yaml
from ..gbt9704 import docnumber
from .manifest import FieldSpec, FieldType, TemplateManifest

#: a year written in text: 2026年, 〔2026〕, an ISO date 2026-06-15
_YEAR_IN_TEXT = re.compile(r"(?<!\d)(20\d{2})(?=\s*年|〕|\]|-\d{2}-\d{2})")
_FIELD = re.compile(r"\{\{\s*(\w+)")


def example_data(manifest: TemplateManifest, today: date | None = None) -> dict[str, Any]:
    """Sample data for every field: its ``example``, else its ``default``.

    With ``today`` (the examples clerks see: ``lianzheng example``, the samples, the demo) the data
    is dated relative to it (see the module's description) and carries no 发文字号: the archive
    gives 文号 (a document rendered without one is a 待编号稿, filing numbers it), so an example
    never holds a number the sequence would skip. Without ``today``: the manifest as written,
    sample 文号 included (tests and previews).
    """
    data = {spec.name: _example(spec) for spec in manifest.fields if _example(spec) is not None}
    if today is None:
        return data
    data = {k: v for k, v in data.items() if not _is_own_number(manifest, k)}
    return dated(data, manifest, today)


def _is_own_number(manifest: TemplateManifest, name: str) -> bool:
    """The document's own 发文字号 (given by the archive), not a number it cites."""
    spec = manifest.field(name)
    return name == "doc_number" and spec is not None and spec.type is FieldType.DOC_NUMBER


def dated(data: dict[str, Any], manifest: TemplateManifest, today: date) -> dict[str, Any]:
    """``data`` moved by whole years so that its document's date is the latest on or before ``today``."""
    found = _FIELD.match(manifest.metadata.get("date", "").strip())
    when = data.get(found[1]) if found else data.get("date")
    if not isinstance(when, date):
        return data
    years = today.year - when.year
    if _moved(when, years) > today:
        years -= 1
    return data if years == 0 else _shift(data, years)


def _moved(day: date, years: int) -> date:
    year = day.year + years
    if (day.month, day.day) == (2, 29) and not calendar.isleap(year):
        return date(year, 2, 28)
    return day.replace(year=year)


def _shift(value: Any, years: int, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _shift(v, years, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_shift(v, years, key) for v in value]
    if isinstance(value, date):
        return _moved(value, years)
    if isinstance(value, str):
        return _YEAR_IN_TEXT.sub(lambda m: str(int(m[1]) + years), value)
    if isinstance(value, int) and not isinstance(value, bool) and "year" in key and 2000 <= value <= 2100:
        return value + years
    return value


def _example(spec: FieldSpec) -> Any:
    return spec.example if spec.example is not None else spec.default


def example_yaml(manifest: TemplateManifest, template_id: str | None = None, today: date | None = None) -> str:
    """A complete example data file, each field preceded by a comment saying what it is.

    ``template_id`` is the catalog id (a plugin's templates are namespaced); default the manifest's.
    ``today``: date the example relative to it (:func:`dated`); without it, as the manifest writes it.
    """
    shown = template_id or manifest.id
    lines = [
        f"# {manifest.title}（{shown}）示例数据",
        f"# 用法：lianzheng render {shown} --data 本文件 -o 输出.docx",
        "# 每个字段上方注明：中文名 · 类型 · 必填/选填 · 说明。日期写作 2026-01-15。",
        "",
    ]
    data = example_data(manifest, today)
    for spec in manifest.fields:
        if _is_own_number(manifest, spec.name) and today is not None:
            lines.append(f"# {spec.label} · 发文字号 · 由档案编号")
            lines.append("# 不写：用 --archive 归档时自动编号；不归档时生成待编号稿（序号留空：〔年份〕　　号）。")
            lines.append(f"# 已由别的系统编好的文号才写在这里，如 {spec.name}: {docnumber.EXAMPLE}")
            lines.append(f"# {spec.name}:")
            lines.append("")
            continue
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
