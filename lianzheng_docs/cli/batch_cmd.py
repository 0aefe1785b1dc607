"""``lianzheng batch``: one document per unit of the roster, e.g. the year's responsibility letters."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import ExitCode
from .finishing import CommandFinisher
from .output import emit, filing_archive, progress
from .params import YEAR, allow_future_date_option, archive_flag, json_option, roster_option, strict_layout_option

if TYPE_CHECKING:
    from ..duties.batch import BatchResult


@click.command("batch")
@click.argument("template_id", metavar="模板ID")
@click.option("-d", "--data", "data_file", required=True, metavar="文件",
              help="各单位共用的数据（YAML/JSON）；单位名称和主要负责人取自名册。")  # fmt: skip
@roster_option
@click.option("--year", type=YEAR, help="年度（写入模板的 year 字段）。")
@click.option("--kind", "kinds", multiple=True, default=("科室", "二级机构"), show_default=True,
              help="只为这些类别的单位生成，可重复。")  # fmt: skip
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("batch"),
              show_default=True, help="不归档时的输出文件夹。")  # fmt: skip
@archive_flag
@click.option("--pdf", "with_pdf", is_flag=True, help="同时生成 PDF（一次启动 LibreOffice；归档时为 PDF/A-2b 副本）。")
@click.option("--force", is_flag=True, help="已生成或已归档的也重新生成（默认跳过，重复执行不会重复归档）。")
@allow_future_date_option
@strict_layout_option
@json_option
def batch(template_id: str, data_file: str, roster: Path | None, year: int | None, kinds: tuple[str, ...],
          out_dir: Path, archive_root: str | None, with_pdf: bool, force: bool, allow_future_date: bool,
          strict_layout: bool, as_json: bool) -> None:  # fmt: skip
    """按名册为每个科室（单位）各生成一份文书，如全年的党风廉政建设责任书。

    某个单位出错时记下原因、继续其余单位，最后一并报告（退出码取第一个错误的，如数据问题为 3）。
    重复执行只补做缺的：
    已归档（同模板、同单位、同题名）或已存在的文件跳过，除非加 --force。
    """
    from ..datafile import load_data
    from ..duties.batch import run_batch
    from ..duties.roster import load_roster
    from ..templating.catalog import Catalog

    if roster is None:
        raise click.UsageError("请用 --roster 指定名册文件（或设置环境变量 LIANZHENG_ROSTER）。")
    template = Catalog.default().get(template_id)
    units = load_roster(roster, strict=False)  # a wrong row is reported with the rest, not fatal
    base = load_data(data_file)
    count = sum(u.kind in kinds for u in units.units)
    finisher = CommandFinisher(strict=strict_layout)
    with progress(count, f"生成 {template.title}", quiet=as_json) as advance:
        if archive_root is not None:
            with filing_archive(archive_root) as archive:
                result = run_batch(template, units, base, year=year, kinds=kinds, archive=archive, pdf=with_pdf,
                                   force=force, on_item=lambda _item: advance(), finish=finisher.one,
                                   allow_future_date=allow_future_date)  # fmt: skip
        else:
            out_dir.mkdir(parents=True, exist_ok=True)
            result = run_batch(template, units, base, year=year, kinds=kinds, output_dir=out_dir, pdf=with_pdf,
                               force=force, on_item=lambda _item: advance(), finish=finisher.one)  # fmt: skip
    emit(result.to_dict(), lambda: _text(result), as_json=as_json)
    finisher.report()
    if not result.items:
        click.echo(f"名册中没有类别为 {'、'.join(kinds)} 的单位，未生成任何文书。", err=True)
        raise click.exceptions.Exit(int(ExitCode.INVALID_INPUT))
    if result.failed:
        raise click.exceptions.Exit(result.failed[0].exit_code)


def _text(result: BatchResult) -> None:
    """A line per unit and a count on stdout; each failure once more on stderr, for the log."""
    labels = {"made": "已生成", "skipped": "已存在，跳过", "failed": "出错"}
    for item in result.items:
        where = item.record.archival_code if item.record else (str(item.path) if item.path else "")
        click.echo(f"  {labels[item.state]}  {item.unit}  {where}  {item.title or item.message}")
    made, skipped, failed = (len(result.of(state)) for state in ("made", "skipped", "failed"))
    click.echo(f"共 {len(result.items)} 个单位：生成 {made}，跳过 {skipped}，出错 {failed}。")
    for item in result.failed:
        click.echo(f"出错：{item.unit}：{item.message}", err=True)
