"""``lianzheng plugins list``: which plugins there are, loaded or not, and why."""

from __future__ import annotations

import click

from .app import json_option
from .output import echo_json, format_table

STATUS = {"loaded": "已加载", "failed": "失败", "blocked": "已屏蔽"}


@click.group("plugins")
def plugins_group() -> None:
    """插件：二级机构以独立的 Python 包提供自己的模板、编号、名册和义务。"""


@plugins_group.command("list")
@json_option
def list_plugins(as_json: bool) -> None:
    """列出插件：名称、所属包、版本、状态（已加载、失败及原因、被允许列表屏蔽）、提供的模板和钩子。"""
    from ..catalog import Catalog
    from ..plugins import get_plugins

    plugins = get_plugins()
    Catalog.default()  # loading the templates is part of checking a plugin
    infos = sorted(plugins.info.values(), key=lambda i: (i.name != "builtin", i.name))
    if as_json:
        echo_json([info.to_dict() for info in infos])
        return
    rows = [
        (info.name, info.distribution, info.version, STATUS.get(info.status, info.status), len(info.templates),
         ", ".join(h.removeprefix("lianzheng_") for h in info.hooks))
        for info in infos
    ]  # fmt: skip
    click.echo(format_table(["插件", "包", "版本", "状态", "模板数", "钩子"], rows))
    for info in infos:
        if info.reason:
            click.echo(f"  {info.name}：{info.reason}")
