"""``lianzheng archive appraise``: 到期鉴定 and what follows it (issue 18 item 3).

``archive appraise [--due] [--as-of DATE]`` lists the records past their 保管期限; ``decide`` records a
鉴定决定 (销毁, or 延长保管期限 to a longer one) with its 鉴定小组, 批准人 and date; ``destroy N`` carries
out a decision to destroy: the 销毁清册 (.docx and .xlsx) first, then the files go while their
metadata, digests and the decision stay; ``list`` and ``show N`` read the decisions back. The rules
and where they come from are in :mod:`lianzheng_docs.archive.retention`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import click

from ..archive import Archive
from ..archive import retention as R
from .output import emit, filing_archive, format_table
from .params import ISO_DATE, archive_option, json_option


@click.group("appraise", invoke_without_command=True)
@click.option("--due", is_flag=True, help="列出已过保管期限、待鉴定的档案（不写子命令时就是这样）。")
@click.option("--as-of", "as_of", type=ISO_DATE, metavar="YYYY-MM-DD", help="按这一天判断是否到期（默认今天）。")
@archive_option
@json_option
@click.pass_context
def appraise(ctx: click.Context, due: bool, as_of: date | None, root: Path | None, as_json: bool) -> None:
    """到期鉴定：列出过了保管期限的档案；记录鉴定决定（销毁或延长保管期限）；按决定销毁并出销毁清册。

    保管期限从年度的次年 1 月 1 日起算：2015 年度的定期10年档案到 2025 年 12 月 31 日期满，
    2026 年起列为待鉴定。永久保管的档案不会到期。

    \b
    lianzheng archive appraise --due                列出已到期的档案
    lianzheng archive appraise decide --destroy …   记录销毁的鉴定决定
    lianzheng archive appraise decide --extend 永久 … 记录延长保管期限的决定（立即生效）
    lianzheng archive appraise destroy 决定编号 -o 文件夹 --supervisor 甲 --supervisor 乙
    lianzheng archive appraise list                 列出全部鉴定决定
    """
    if ctx.invoked_subcommand is not None:
        if due or as_of:
            raise click.UsageError("--due 和 --as-of 用于列出到期档案，不能与子命令同用")
        return
    day = as_of or date.today()
    with Archive(root, create=False) as archive:
        found = R.due(archive, day)
    emit({"as_of": day.isoformat(), "records": [h.to_dict() for h in found]}, lambda: _due_text(found, day),
         as_json=as_json)  # fmt: skip


def _due_text(found: list[R.Holding], day: date) -> Iterator[str]:
    if not found:
        yield f"按 {day.isoformat()} 计，没有已过保管期限的档案。"
        return
    rows = [(h.archival_code, h.title, h.year, R.retention_name(h.retention), _day(h.expires),
             h.state_name if h.state != "held" else "") for h in found]  # fmt: skip
    yield format_table(["档号", "题名", "年度", "保管期限", "到期日", "状态"], rows)
    pending = sum(h.state == "pending" for h in found)
    yield f"\n按 {day.isoformat()} 计，共 {len(found)} 件已过保管期限" + (
        f"（其中 {pending} 件已决定销毁）。" if pending else "。"
    )
    yield ("下一步：鉴定小组逐件鉴定后，用 lianzheng archive appraise decide --destroy 档号… 或 --extend 永久 档号… "
           "记录决定（--member 至少两人，--approver 批准人）。")  # fmt: skip


def _day(value: date | None) -> str:
    return "" if value is None else value.isoformat()


@appraise.command("decide")
@click.argument("keys", nargs=-1, metavar="[ID|档号|文号]...")
@click.option("--destroy", "destroy_", is_flag=True, help="鉴定意见：销毁（之后用 appraise destroy 执行）。")
@click.option(
    "--extend", "new_retention", metavar="保管期限", help="鉴定意见：延长保管期限，改为 永久 或 定期30年（立即生效）。"
)
@click.option("--all-due", is_flag=True, help="鉴定全部已到期、尚未决定销毁的档案（按批准日期计），不必逐个列出。")
@click.option("--reason", required=True, help="鉴定意见的理由，如：保管期满，经逐件鉴定已无继续保存价值。")
@click.option(
    "--member", "members", multiple=True, metavar="姓名", help="鉴定小组成员（至少两人，每人写一个 --member）。"
)
@click.option("--approver", default="", metavar="姓名", help="批准人（如分管领导）。")
@click.option("--date", "decided_on", type=ISO_DATE, metavar="YYYY-MM-DD", help="批准日期（默认今天）。")
@click.option("--not-due-reason", default="",
              help="提前销毁未到期档案的理由（记入决定和销毁清册）；不写则未到期的档案一律不予销毁。")  # fmt: skip
@archive_option
@json_option
def decide(keys: tuple[str, ...], destroy_: bool, new_retention: str | None, all_due: bool, reason: str,
           members: tuple[str, ...], approver: str, decided_on: date | None, not_due_reason: str, root: Path | None,
           as_json: bool) -> None:  # fmt: skip
    """记录一项鉴定决定：销毁，或延长保管期限。

    决定写入登记库和审计日志（每件一条），此后改动会被 archive verify 发现。销毁的决定此时只把档案
    列为"拟销毁"，文件要用 appraise destroy 执行后才删除；延长保管期限的决定立即生效。"""
    if destroy_ == bool(new_retention):
        raise click.UsageError("请写 --destroy（销毁）或 --extend 保管期限（延长），二者选一")
    if all_due and keys:
        raise click.UsageError("--all-due 与逐个列出的档号不能同用")
    with filing_archive(root) as archive:
        chosen: list[int | str] = list(keys)
        if all_due:
            day = decided_on or date.today()
            chosen = [h.id for h in R.due(archive, day) if h.state != "pending"]
        made = R.decide(archive, chosen, opinion="destroy" if destroy_ else "extend", reason=reason, members=members,
                        approver=approver, decided_on=decided_on, new_retention=new_retention,
                        not_due_reason=not_due_reason)  # fmt: skip
    emit(made.to_dict(), lambda: _decided_text(made), as_json=as_json)


def _decided_text(made: R.Decision) -> Iterator[str]:
    yield f"已记录第 {made.id} 号鉴定决定：{made.opinion_name}，{len(made.items)} 件。"
    yield from _decision_lines(made)
    if made.opinion == "destroy":
        yield (f"执行：lianzheng archive appraise destroy {made.id} -o 销毁清册文件夹 --supervisor 监销人甲 "
               "--supervisor 监销人乙（先出销毁清册，再删除文件）")  # fmt: skip


def _decision_lines(made: R.Decision) -> Iterator[str]:
    yield f"  鉴定意见：{made.opinion_name}。{made.reason}"
    yield f"  鉴定小组：{'、'.join(made.members)}；批准人：{made.approver}；批准日期：{made.decided_on.isoformat()}"
    if made.early_reason:
        yield f"  提前销毁的理由：{made.early_reason}"
    yield f"  记入：{made.entered_at} {made.entered_by}；状态：{made.status}"
    if made.destruction is not None:
        done = made.destruction
        yield f"  监销人：{'、'.join(done.supervisors)}；销毁方式：{done.method}"
        for name, digest in done.lists.items():
            yield f"  销毁清册：{name}（{digest}）"
    rows = []
    for item in made.items:
        now = R.STATE_NAMES.get(item.state, item.state)
        if item.state_decision not in (None, made.id):
            now += f"（第 {item.state_decision} 号决定）"
        rows.append((item.archival_code, item.title, item.year, R.retention_name(item.retention), _day(item.expires),
                     "" if item.due else "未到期", now))  # fmt: skip
    yield format_table(["档号", "题名", "年度", "原保管期限", "原到期日", "备注", "现状态"], rows)


@appraise.command("destroy")
@click.argument("number", type=int, metavar="决定编号")
@click.option("-o", "--output", "folder", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="销毁清册（.docx 和 .xlsx）写到这个文件夹；清册要打印签字并永久保存。")  # fmt: skip
@click.option(
    "--supervisor", "supervisors", multiple=True, metavar="姓名", help="监销人（至少两人，每人写一个 --supervisor）。"
)
@click.option("--method", default=R.DEFAULT_METHOD, show_default=True, help="销毁方式。")
@click.option("--date", "destroyed_on", type=ISO_DATE, metavar="YYYY-MM-DD", help="销毁日期（默认今天）。")
@click.option("--force", is_flag=True, help="覆盖文件夹中已有的同名销毁清册。")
@archive_option
@json_option
def destroy(number: int, folder: Path, supervisors: tuple[str, ...], method: str, destroyed_on: date | None,
            force: bool, root: Path | None, as_json: bool) -> None:  # fmt: skip
    """执行一项销毁的鉴定决定：先写出销毁清册，再删除文件。

    档案的元数据、哈希值和鉴定决定都保留在登记库中；archive verify 把这些文件报告为"已按决定销毁"，
    不是丢失。已执行过的决定不会再执行一遍：再次运行只删除上次中断时留下的文件。"""
    with filing_archive(root) as archive:
        result = R.destroy(archive, number, folder, supervisors=supervisors, destroyed_on=destroyed_on,
                           method=method, overwrite=force)  # fmt: skip
    emit(result.to_dict(), lambda: _destroyed_text(result), as_json=as_json)


def _destroyed_text(result: R.DestructionResult) -> Iterator[str]:
    number = result.decision.id
    if result.resumed:
        status, removed = result.decision.status, len(result.removed)
        yield f"第 {number} 号鉴定决定此前已执行（{status}）；本次删除了中断时留下的 {removed} 个文件。"
        return
    for path in result.lists:
        yield f"销毁清册：{path}"
    yield f"已按第 {number} 号鉴定决定销毁 {len(result.destroyed)} 件，删除文件 {len(result.removed)} 个："
    for item in result.destroyed:
        yield f"  {item.archival_code}  {item.title}"
    for item in result.kept:
        yield f"未销毁（已由第 {item.state_decision} 号决定延长保管期限）：{item.archival_code}  {item.title}"
    yield "请打印销毁清册，由鉴定小组、批准人、监销人和销毁人签字后永久保存。"


@appraise.command("list")
@archive_option
@json_option
def list_decisions(root: Path | None, as_json: bool) -> None:
    """列出全部鉴定决定：编号、鉴定意见、件数、批准人和日期、执行情况。"""
    with Archive(root, create=False) as archive:
        made = R.decisions(archive)
    emit([d.to_dict() for d in made], lambda: _list_text(made), as_json=as_json)


def _list_text(made: list[R.Decision]) -> Iterator[str]:
    if not made:
        yield "还没有鉴定决定。"
        return
    rows = [(d.id, d.opinion_name, len(d.items), d.approver, d.decided_on.isoformat(), d.status) for d in made]
    yield format_table(["编号", "鉴定意见", "件数", "批准人", "批准日期", "执行情况"], rows)
    yield f"共 {len(made)} 项。详情：lianzheng archive appraise show 编号"


@appraise.command("show")
@click.argument("number", type=int, metavar="决定编号")
@archive_option
@json_option
def show(number: int, root: Path | None, as_json: bool) -> None:
    """显示一项鉴定决定：意见和理由、鉴定小组、批准人、日期、所列档案及其现状，执行后还有监销人和销毁清册。"""
    with Archive(root, create=False) as archive:
        made = R.decision(archive, number)
    emit(made.to_dict(), lambda: [f"第 {made.id} 号鉴定决定", *_decision_lines(made)], as_json=as_json)
