"""``lianzheng plugins list``: which plugins there are, loaded or not, and why."""

from __future__ import annotations

from pathlib import Path

import click

from .output import emit, format_table
from .params import json_option

STATUS = {"loaded": "已加载", "failed": "失败", "blocked": "已屏蔽"}


@click.group("plugins")
def plugins_group() -> None:
    """插件：二级机构以独立的 Python 包提供自己的模板、编号、名册和义务。"""


@plugins_group.command("list")
@json_option
def list_plugins(as_json: bool) -> None:
    """列出插件：名称、所属包、版本、状态（已加载、失败及原因、被允许列表屏蔽）、提供的模板和钩子。"""
    from ..plugins.manager import get_plugins
    from ..templating.catalog import Catalog

    plugins = get_plugins()
    Catalog.default()  # loading the templates is part of checking a plugin
    infos = sorted(plugins.info.values(), key=lambda i: (i.name != "builtin", i.name))
    rows = [
        (info.name, info.distribution, info.version, STATUS.get(info.status, info.status), len(info.templates),
         ", ".join(h.removeprefix("lianzheng_") for h in info.hooks))
        for info in infos
    ]  # fmt: skip
    emit([info.to_dict() for info in infos],
         lambda: [format_table(["插件", "包", "版本", "状态", "模板数", "钩子"], rows),
                  *(f"  {info.name}：{info.reason}" for info in infos if info.reason)],
         as_json=as_json)  # fmt: skip


@plugins_group.command("new")
@click.argument("name")
@click.option("--dir", "target", type=click.Path(file_okay=False, path_type=Path), default=".", show_default=True,
              help="在哪个文件夹下创建。")  # fmt: skip
def new_plugin(name: str, target: Path) -> None:
    """创建一个新插件的骨架：pyproject（入口点、包数据）、钩子和一个符合 GB/T 9704 的通知模板。"""
    from ..plugins.authoring import scaffold

    root = scaffold(name, target)
    click.echo(f"已创建插件 {root}")
    click.echo(f"下一步：lianzheng plugins check {root}，然后 pip install {root}")


@plugins_group.command("check")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path), default=".")
@json_option
def check_plugin_command(path: Path, as_json: bool) -> None:
    """检查插件：清单有效、模板变量与清单一致、示例数据能渲染、公文通过 GB/T 9704 检查、打包声明齐全。"""
    from ..errors import ExitCode
    from ..plugins.authoring import check_plugin

    result = check_plugin(path)
    emit({"ok": result.ok, "templates": result.templates, "problems": result.problems},
         lambda: [f"检查了 {len(result.templates)} 个模板：{', '.join(result.templates) or '无'}",
                  *(f"  - {problem}" for problem in result.problems),
                  "检查通过。" if result.ok else f"发现 {len(result.problems)} 个问题。"],
         as_json=as_json)  # fmt: skip
    if not result.ok:
        raise click.exceptions.Exit(int(ExitCode.FINDINGS))
