"""``lianzheng status`` and ``lianzheng due``: what is done, due and late, read from the archive."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .output import emit, format_table
from .params import ISO_DATE, YEAR, archive_option, json_option, roster_option

if TYPE_CHECKING:
    from ..duties.obligations import Status

years_option = click.option("--year", "years", type=YEAR, multiple=True,
                            help="检查哪一年度的事项（默认今年），可重复：--year 2025 --year 2026。")  # fmt: skip
force_option = click.option("--force", is_flag=True, help="覆盖已存在的导出文件（--html、--xlsx、--ics）。")
today_option = click.option("--today", type=ISO_DATE, help="按哪一天计算（默认今天），如 2025-01-20。")


def _statuses(root: Path | None, roster_path: Path | None, years: list[int], unit: str | None,
              day: date) -> tuple[list[Status], bool]:  # fmt: skip
    from ..archive import Archive
    from ..duties.obligations import status
    from ..duties.roster import load_roster
    from ..templating.catalog import Catalog

    if unit and not roster_path:
        raise click.UsageError("--unit 需要同时给出名册（--roster），才知道该单位应报哪些文书。")
    roster = load_roster(roster_path) if roster_path else None
    templates = set(Catalog.default().ids())
    with Archive(root, create=False) as archive:  # only reads: makes no archive
        found = status(archive, years, roster=roster, unit=unit, templates=templates, today=day)
    return found, roster is not None


def _rows(statuses: list[Status]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for s in statuses:
        if s.state in ("done", "late"):
            detail = "；".join(f"{r.archival_code} {r.date}" for r in s.records)
        elif s.days_left is not None:
            detail = f"剩 {s.days_left} 天" if s.days_left >= 0 else f"逾期 {-s.days_left} 天"
            if s.records:
                detail += f"（已有 {len(s.records)}/{s.obligation.min_count} 件）"
        else:
            detail = s.obligation.rule_text
        if s.note:
            detail = f"{detail}；{s.note}" if detail else s.note
        rows.append((str(s.year or ""), s.obligation.clause, s.obligation.title, s.who,
                     s.due.isoformat() if s.due else "—", s.label, detail))  # fmt: skip
    return rows


HEADERS = ["年度", "条款", "事项", "责任主体", "期限", "状态", "档号 / 说明"]
NO_ROSTER = "提示：未给名册（--roster），按科室（单位）逐个检查的事项未列出。"


@click.command("status")
@years_option
@click.option("--unit", help="只看某一科室（单位）。")
@roster_option
@archive_option
@today_option
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path),
              help="另存为 HTML 表格（检查考核时展示），已有文件不覆盖。")  # fmt: skip
@click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False, path_type=Path),
              help="另存为 Excel 表格（.xlsx）：首行冻结、可筛选，每种状态一种底色；已有文件不覆盖。")  # fmt: skip
@force_option
@json_option
def status(years: tuple[int, ...], unit: str | None, roster: Path | None, root: Path | None, today: Any,
           html_path: Path | None, xlsx_path: Path | None, force: bool, as_json: bool) -> None:  # fmt: skip
    """各项“两个责任”文书的落实情况：已完成（档号、成文日期）、未到期（剩余天数）、已逾期。

    只有已归档、文种对、单位对、年度对、成文日期在期限内且不晚于今天的文件才算完成；
    成文日期晚于今天的文件列出并标明“不计入”。
    """
    from ..duties.obligations import STATES, status_html, status_xlsx
    from ..fileio import write_atomic

    day = today or date.today()
    chosen = sorted(set(years)) or [day.year]
    year = chosen[-1]
    label = "、".join(map(str, chosen))
    statuses, has_roster = _statuses(root, roster, chosen, unit, day)
    _check_new(force, html_path, xlsx_path)
    if html_path:
        write_atomic(html_path, status_html(statuses, year).encode("utf-8"), overwrite=force)
    if xlsx_path:
        write_atomic(xlsx_path, status_xlsx(statuses, f"{label}年度落实情况"), overwrite=force)

    def text() -> Iterator[str]:
        yield f"{label} 年度落实情况："
        yield format_table(HEADERS, _rows(statuses))
        summary = "，".join(
            f"{label} {n} 项" for key, label in STATES.items() if (n := sum(s.state == key for s in statuses))
        )
        yield f"\n共 {len(statuses)} 项：{summary or '无'}。"
        if not has_roster:
            yield NO_ROSTER
        for path in (html_path, xlsx_path):
            if path:
                yield f"已另存为 {path}"

        yield from _plugin_lines()

    emit({"year": year, "years": chosen, "statuses": [s.to_dict() for s in statuses], "plugins": _plugin_problems()},
         text, as_json=as_json)  # fmt: skip


def _plugin_problems() -> list[dict[str, Any]]:
    """Plugins not fully in service (their obligations, roster or templates may be missing from the rows)."""
    from ..plugins.manager import plugins_not_in_service

    return list(plugins_not_in_service())


def _plugin_lines() -> Iterator[str]:
    from ..plugins.manager import current_plugins

    plugins = current_plugins()
    if plugins is None:
        return
    lines = plugins.unreported()  # told here, so the command group does not repeat them
    if lines:
        yield "\n注意：以下插件有问题，它们的义务、名册或模板可能未计入上表："
        yield from (f"  - {line}" for line in lines)


def _check_new(force: bool, *paths: Path | None) -> None:
    """Refuse before any is written when an export file exists (so none is half-done)."""
    from ..errors import OutputError

    for path in paths:
        if path is not None and path.exists() and not force:
            raise OutputError(f"文件 {path} 已存在；如要覆盖，请加 --force")


def _within(text: str, option: str = "--within") -> int:
    found = re.fullmatch(r"\s*(\d+)\s*(d|天|日)?\s*", text)
    if not found:
        raise click.BadParameter(f"{option} {text!r} 应写成天数，如 30d 或 30")
    return int(found[1])


@click.command("due")
@click.option(
    "--within", "within", default="30d", show_default=True, help="列出多少天内到期的事项（已逾期的总会列出），如 30d。"
)
@click.option("--year", type=YEAR, help="只看哪一年度的事项（默认上一年度和本年度）。")
@click.option("--unit", help="只看某一科室（单位）。")
@roster_option
@archive_option
@today_option
@click.option("--ics", "ics_path", type=click.Path(dir_okay=False, path_type=Path),
              help="把所有未完成事项（未到期、已逾期，不受 --within 限制）的期限另存为日历文件（.ics，"
                   "每项一条全天日程，提前 --remind 天提醒），可导入 Outlook、手机日历；已有文件不覆盖。")  # fmt: skip
@click.option("--remind", default="7d", show_default=True, help="日历提醒提前几天，如 7d。")
@force_option
@json_option
def due(within: str, year: int | None, unit: str | None, roster: Path | None, root: Path | None, today: Any,
        ics_path: Path | None, remind: str, force: bool, as_json: bool) -> None:  # fmt: skip
    """接下来要完成的事项：按期限先后，已逾期的在前。不给 --year 时看上一年度和本年度
    （上年度的科室报告、纪检组报告在次年1月到期）。"""
    from ..duties.obligations import status_ics, upcoming
    from ..fileio import write_atomic

    days = _within(within)
    day = today or date.today()
    # last year's reports fall due in January and its unmet obligations stay overdue: both years count
    years = [year] if year else [day.year - 1, day.year]
    remind_days = _within(remind, "--remind")
    statuses, has_roster = _statuses(root, roster, years, unit, day)
    pending = upcoming(statuses, days)
    if ics_path:
        _check_new(force, ics_path)
        now = datetime.now(UTC)
        write_atomic(ics_path, status_ics(statuses, now=now, remind_days=remind_days), overwrite=force)

    def text() -> Iterator[str]:
        if not pending:
            yield f"{'、'.join(map(str, years))} 年度没有 {days} 天内到期或已逾期的事项。"
        else:
            yield format_table(HEADERS, _rows(pending))
        if not has_roster:
            yield NO_ROSTER
        if ics_path:
            yield f"未完成事项的期限已另存为日历 {ics_path}"
        yield from _plugin_lines()

    emit({"years": years, "within_days": days, "statuses": [s.to_dict() for s in pending],
          "ics": str(ics_path) if ics_path else None, "plugins": _plugin_problems()},
         text, as_json=as_json)  # fmt: skip
