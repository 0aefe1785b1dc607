"""``lianzheng ledger``: the task ledgers of 七（一） and their year-end review."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import click

from ..fileio import safe_filename
from .output import emit, filing_archive, format_table
from .params import ISO_DATE, YEAR, allow_future_date_option, archive_option, json_option

HOLDER_HELP = "局党组书记，或科室（单位）名称（其主要负责人的任务清单）。"


@click.group("ledger")
def ledger_group() -> None:
    """主体责任工作台账（七（一））：局党组书记10件任务、科室（单位）主要负责人任务清单，年底逐项对照。"""


@ledger_group.command("tasks")
@click.option("--holder", default="局党组书记", show_default=True, help=HOLDER_HELP)
@json_option
def tasks(holder: str, as_json: bool) -> None:
    """列出任务清单。"""
    from ..duties.ledger import list_for

    task_list = list_for(holder)
    emit({"list": task_list.id, "title": task_list.title,
          "tasks": [{"id": t.id, "key": t.key, "title": t.title} for t in task_list.tasks]},
         lambda: [task_list.title, *(f"  {task.id}. {task.title}" for task in task_list.tasks)],
         as_json=as_json)  # fmt: skip


@ledger_group.command("add")
@click.option("--holder", required=True, help=HOLDER_HELP)
@click.option("--task", required=True, help="任务序号或名称，如 3 或 开展反腐倡廉教育（见 lianzheng ledger tasks）。")
@click.option("--date", "when", type=ISO_DATE, required=True, help="完成日期，如 2026-03-05。")
@click.option("--done", required=True, help="做了什么。")
@click.option("--evidence", multiple=True, help="佐证材料：档案中的档号或文号，可重复。")
@allow_future_date_option
@archive_option
@json_option
def add(holder: str, task: str, when: Any, done: str, evidence: tuple[str, ...], allow_future_date: bool,
        root: Path | None, as_json: bool) -> None:  # fmt: skip
    """记入一条台账：哪项任务、哪天、做了什么、佐证材料（须已归档）。"""
    from ..archive import Archive
    from ..duties.ledger import Ledger

    with Archive(root) as archive:
        entry = Ledger(archive).add(holder, task, when, done, evidence, allow_future_date=allow_future_date)
    if when > date.today():
        click.echo(f"警告：台账日期 {when.isoformat()} 晚于今天，已按 --allow-future-date 记入", err=True)
    proof = "、".join(r.doc_number or r.archival_code for r in entry.evidence)
    line = f"已记入台账：{entry.holder}  {entry.task.id}. {entry.task.title}  {entry.date}"
    emit(entry.to_dict(), lambda: line + (f"  佐证：{proof}" if proof else ""), as_json=as_json)


@ledger_group.command("list")
@click.option("--holder", help=HOLDER_HELP)
@click.option("--year", type=YEAR, help="年度。")
@archive_option
@json_option
def list_entries(holder: str | None, year: int | None, root: Path | None, as_json: bool) -> None:
    """列出台账记录（按日期）。"""
    from ..archive import Archive
    from ..duties.ledger import Ledger

    with Archive(root, create=False) as archive:  # only reads: makes no archive
        entries = Ledger(archive).entries(holder=holder, year=year)
    rows = [(e.date, e.holder, f"{e.task.id}. {e.task.title}", e.done,
             "、".join(r.doc_number or r.archival_code for r in e.evidence)) for e in entries]  # fmt: skip
    emit([e.to_dict() for e in entries],
         lambda: [format_table(["日期", "责任人", "任务", "完成情况", "佐证材料"], rows), f"\n共 {len(entries)} 条。"],
         as_json=as_json)  # fmt: skip


@ledger_group.command("review")
@click.option("--holder", default="局党组书记", show_default=True, help=HOLDER_HELP)
@click.option("--year", type=YEAR, help="年度（默认今年）。")
@click.option("--render", "-d", "data_file", metavar="文件",
              help="同时生成年终对照报告（模板 task_review）：此文件给出开头、问题、打算、署名、日期；"
              "不写 recipient 时，书记的生成主送市委、市纪委和局内公开三份，科室的生成主送局党组一份。")  # fmt: skip
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="文书的输出文件。")
@click.option("--force", is_flag=True, help="覆盖已存在的输出文件。")
@click.option("--file", "file_them", is_flag=True,
              help="同时把生成的每一份报告归档（各得一个档号；status 据此核对两份是否都到）。")  # fmt: skip
@archive_option
@allow_future_date_option
@json_option
def review(holder: str, year: int | None, data_file: str | None, output: Path | None, force: bool,
           file_them: bool, root: Path | None, allow_future_date: bool, as_json: bool) -> None:  # fmt: skip
    """年底逐项对照任务清单：每项任务的台账记录和佐证；没有记录的任务标出。"""
    from ..archive import Archive
    from ..datafile import load_data
    from ..duties.ledger import Ledger, review_data, review_recipients
    from ..errors import OutputError
    from ..templating.catalog import Catalog

    year = year or date.today().year
    with Archive(root, create=False) as archive:  # only reads: makes no archive
        items = Ledger(archive).review(holder, year)
    paths: list[Path] = []
    filed: list[Any] = []
    if data_file:
        data = review_data(items, holder, year, load_data(data_file))
        template = Catalog.default().get("task_review")
        # one copy per 主送 (and the bureau's own), unless the data names the one wanted
        copies = [data] if data.get("recipient") else [{**data, "recipient": r} for r in review_recipients(holder)]
        documents = [template.render(copy) for copy in copies]  # all rendered before any is written
        targets = [_review_path(output, document.title, copy["recipient"], len(copies)) for copy, document
                   in zip(copies, documents, strict=True)]  # fmt: skip
        existing = [str(t) for t in targets if t.exists()]
        if existing and not force:
            raise OutputError(f"输出文件已存在：{'、'.join(existing)}；如要覆盖，请加 --force（什么也没有写）")
        paths = [document.save(target, overwrite=force) for document, target in zip(documents, targets, strict=True)]
        if file_them:
            with filing_archive(root) as archive:
                filed = [archive.file_rendered(template, copy, allow_future_date=allow_future_date)
                         for copy in copies]  # fmt: skip
    elif file_them:
        raise click.UsageError("--file 要与 --render 数据文件 一起用：先生成报告，才能归档。")

    def text() -> Iterator[str]:
        for item in items:
            mark = f"{len(item.entries)} 条" if item.done else "无记录"
            yield f"{item.task.id}. {item.task.title}（{mark}）"
            for entry in item.entries:
                proof = "、".join(r.doc_number or r.archival_code for r in entry.evidence)
                yield f"    {entry.date}  {entry.done}" + (f"  〔佐证：{proof}〕" if proof else "")
        missing = [i for i in items if not i.done]
        yield f"\n{year} 年度 {len(items)} 项任务，{len(items) - len(missing)} 项有台账记录，{len(missing)} 项无记录。"
        for path in paths:
            yield f"已生成年终对照文书：{path}"
        for record in filed:
            yield f"已归档：{record.archival_code}  {record.title}（主送 {record.recipients or '无，局内公开'}）"

    emit({"holder": holder, "year": year, "documents": [str(p) for p in paths],
          "filed": [r.archival_code for r in filed], "tasks": [
        {"task": i.task.key, "title": i.task.title, "done": i.done, "entries": [e.to_dict() for e in i.entries]}
        for i in items]}, text, as_json=as_json)  # fmt: skip


def _review_path(output: Path | None, title: str, recipient: str, copies: int) -> Path:
    """Where one copy of the review goes: ``-o`` (or the title), with the recipient when there are several."""
    stem = output.with_suffix("") if output else Path(safe_filename(title))
    if copies > 1:
        return Path(f"{stem}（{recipient}）.docx")
    return output or stem.with_suffix(".docx")
