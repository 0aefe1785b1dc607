"""``lianzheng status`` and ``lianzheng due``: what is done, due and late, read from the archive."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .output import emit, format_table
from .params import ISO_DATE, YEAR, archive_option, json_option, roster_option

if TYPE_CHECKING:
    from ..duties.obligations import Status

year_option = click.option("--year", type=YEAR, help="检查哪一年度的事项（默认今年）。")
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
    with Archive(root) as archive:
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
@year_option
@click.option("--unit", help="只看某一科室（单位）。")
@roster_option
@archive_option
@today_option
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path),
              help="另存为 HTML 表格（检查考核时展示），已有文件不覆盖。")  # fmt: skip
@json_option
def status(year: int | None, unit: str | None, roster: Path | None, root: Path | None, today: Any,
           html_path: Path | None, as_json: bool) -> None:  # fmt: skip
    """各项“两个责任”文书的落实情况：已完成（档号、成文日期）、未到期（剩余天数）、已逾期。

    只有已归档、文种对、单位对、年度对、成文日期在期限内的文件才算完成。
    """
    from ..duties.obligations import STATES, status_html
    from ..fileio import write_atomic

    day = today or date.today()
    year = year or day.year
    statuses, has_roster = _statuses(root, roster, [year], unit, day)
    if html_path:
        write_atomic(html_path, status_html(statuses, year).encode("utf-8"))

    def text() -> Iterator[str]:
        yield f"{year} 年度落实情况："
        yield format_table(HEADERS, _rows(statuses))
        summary = "，".join(
            f"{label} {n} 项" for key, label in STATES.items() if (n := sum(s.state == key for s in statuses))
        )
        yield f"\n共 {len(statuses)} 项：{summary or '无'}。"
        if not has_roster:
            yield NO_ROSTER
        if html_path:
            yield f"已另存为 {html_path}"

    emit({"year": year, "statuses": [s.to_dict() for s in statuses]}, text, as_json=as_json)


def _within(text: str) -> int:
    found = re.fullmatch(r"\s*(\d+)\s*(d|天|日)?\s*", text)
    if not found:
        raise click.BadParameter(f"{text!r} 应写成天数，如 30d 或 30")
    return int(found[1])


@click.command("due")
@click.option(
    "--within", "within", default="30d", show_default=True, help="列出多少天内到期的事项（已逾期的总会列出），如 30d。"
)
@year_option
@click.option("--unit", help="只看某一科室（单位）。")
@roster_option
@archive_option
@today_option
@json_option
def due(within: str, year: int | None, unit: str | None, roster: Path | None, root: Path | None, today: Any,
        as_json: bool) -> None:  # fmt: skip
    """接下来要完成的事项：按期限先后，已逾期的在前。不给 --year 时看上一年度和本年度
    （上年度的科室报告、纪检组报告在次年1月到期）。"""
    from ..duties.obligations import upcoming

    days = _within(within)
    day = today or date.today()
    # last year's reports fall due in January and its unmet obligations stay overdue: both years count
    years = [year] if year else [day.year - 1, day.year]
    statuses, has_roster = _statuses(root, roster, years, unit, day)
    pending = upcoming(statuses, days)

    def text() -> Iterator[str]:
        if not pending:
            yield f"{'、'.join(map(str, years))} 年度没有 {days} 天内到期或已逾期的事项。"
        else:
            yield format_table(HEADERS, _rows(pending))
        if not has_roster:
            yield NO_ROSTER

    emit({"years": years, "within_days": days, "statuses": [s.to_dict() for s in pending]}, text, as_json=as_json)
