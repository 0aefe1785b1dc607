"""``lianzheng roster show``: read and check a roster (名册) the way the other commands will use it."""

from __future__ import annotations

from pathlib import Path

import click

from .output import emit, format_table
from .params import json_option


@click.group("roster")
def roster_group() -> None:
    """名册：单位、主要负责人、分管领导（YAML、JSON、CSV 或 Excel，常见中文表头均可）。"""


@roster_group.command("show")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), metavar="名册文件")
@json_option
def show(path: Path, as_json: bool) -> None:
    """读取并校验名册：所有问题一次列出，注明行号和列（Excel 写单元格名）。"""
    from ..duties.roster import load_roster

    roster = load_roster(path)
    rows = [(u.name, u.kind, u.head, u.post, u.leader) for u in roster.units]
    emit({
        "bureau": roster.bureau, "secretary": roster.secretary, "discipline_head": roster.discipline_head,
        "units": [unit.__dict__ for unit in roster.units],
    }, lambda: [format_table(["科室(单位)", "类别", "主要负责人", "职务", "分管领导"], rows),
                f"\n共 {len(roster.units)} 个单位。"], as_json=as_json)  # fmt: skip
