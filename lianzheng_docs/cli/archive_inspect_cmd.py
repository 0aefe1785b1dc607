"""``lianzheng archive inspect``: the 四性检测 of DA/T 70-2018, as text, JSON or a printable HTML report."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import click

from ..archive import Archive
from ..archive.inspect import STAGES, InspectionReport
from ..archive.inspect import inspect as run_inspection
from ..archive.inspect_checks_base import FAIL, NOT_APPLICABLE, PROPERTIES, STATUS_NAMES, WARN
from ..archive.inspect_report import within
from ..errors import ExitCode
from .output import emit, format_table
from .params import archive_option, json_option


@click.command("inspect")
@click.option("--stage", type=click.Choice(STAGES), default="归档", show_default=True,
              help="检测环节：归档、移交（移交与接收）、长期保存。移交时每件还须导出或封装过。")  # fmt: skip
@click.option("--record", metavar="ID|档号|文号", help="只检测这一件（审计链、件数、编号连续等全宗级项目照常检测）。")
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path), metavar="报告.html",
              help="另写出可打印的检测报告（HTML，A4，附检测人签字栏）。")  # fmt: skip
@click.option("--force", is_flag=True, help="覆盖已存在的报告文件。")
@archive_option
@json_option
def inspect(stage: str, record: str | None, html_path: Path | None, force: bool, root: Path | None,
            as_json: bool) -> None:  # fmt: skip
    """四性检测（DA/T 70-2018）：逐项检测档案的真实性、完整性、可用性、安全性。

    每个检测项目有固定的编号（AU 真实性、IN 完整性、US 可用性、SE 安全性）和所依据的条款；
    不能在本机检测的项目列为“不适用”并说明原因。不改动档案。

    退出码：0 全部通过（有警告也算通过），1 有不通过的项目。"""
    with Archive(root, create=False) as archive:
        report = run_inspection(archive, stage, record=record)
    written = None
    if html_path is not None:
        from ..archive.inspect_report import write_html

        written = write_html(report, html_path, overwrite=force)
    data = {**report.to_dict(), "html": str(written) if written else None}
    emit(data, lambda: _text(report, written), as_json=as_json)
    if not report.ok:
        raise click.exceptions.Exit(int(ExitCode.FINDINGS))


def _text(report: InspectionReport, written: Path | None) -> Iterator[str]:
    """The summary a clerk reads in a terminal: what was inspected, the table by property, every item,
    then what failed record by record, the warnings, and the conclusion."""
    scope = f"档号 {report.only}（全宗级项目照常检测）" if report.only else "全部档案"
    yield f"电子档案四性检测（DA/T 70-2018）· {report.stage_name} · {scope}"
    yield (f"档案：{report.root}  全宗号 {report.fonds}  {report.records} 件、{report.files} 个文件、"
           f"{report.audit_entries} 条审计记录  {report.inspected_at_shown}  {report.tool}")  # fmt: skip
    yield ""
    table = report.by_property()
    yield format_table(["性质", "项目", "通过", "其中有警告", "不通过", "不适用"], [
        (name, c["total"], c["pass"] + c[WARN], c[WARN], c[FAIL], c[NOT_APPLICABLE])
        for name, c in ((name, table[name]) for name in PROPERTIES)
    ])  # fmt: skip
    yield ""
    rows = []
    for item in report.items:
        if item.status == NOT_APPLICABLE:
            about = "原因见下"
        else:
            counted = [f"{len(item.failures)} 处不通过" if item.failures else "",
                       f"{len(item.warnings)} 处警告" if item.warnings else ""]  # fmt: skip
            about = "；".join(part for part in counted if part)
        examined = "" if item.status == NOT_APPLICABLE else f"{item.examined} {item.unit}"
        rows.append((item.check.id, item.check.title, STATUS_NAMES[item.status], examined, about))
    yield format_table(["编号", "检测项目", "结果", "检测对象", "说明"], rows)
    skipped = [item for item in report.items if item.status == NOT_APPLICABLE]
    if skipped:
        yield ""
        yield "不适用："
        for item in skipped:
            yield f"  [{item.check.id}] {item.reason}"
    for severity, heading in ((FAIL, "不通过"), (WARN, "警告")):
        grouped = report.by_record(severity)
        if grouped:
            yield ""
            yield f"{heading}："
        for code, findings in grouped.items():
            yield f"  {'档号 ' + code + '  ' + report.titles.get(code, '') if code else '全宗'}"
            for finding in findings:
                yield f"    [{finding.check}] {within(finding.message, code)}"
    yield ""
    if written is not None:
        yield f"检测报告：{written}"
    yield f"结论：{report.conclusion()}"
