"""``lianzheng plugins list / new / check``: which plugins there are and how they fared; writing one."""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

import click

from .output import emit, format_table
from .params import json_option


@click.group("plugins")
def plugins_group() -> None:
    """插件：二级机构以独立的 Python 包提供自己的模板、编号、名册和义务。"""


@plugins_group.command("list")
@json_option
def list_plugins(as_json: bool) -> None:
    """列出插件：名称、所属包、版本、位置、状态（已加载、已降级、失败、已拒绝、已屏蔽及原因）、模板、机关代字和钩子。

    每个钩子都会被实际调用一次（模板、名册、义务、命令），所以这里看到的就是各命令会遇到的问题。
    """
    from ..duties.obligations import plugin_obligations
    from ..plugins.manager import get_plugins
    from ..templating.catalog import Catalog
    from .app import plugin_commands

    plugins = get_plugins()
    Catalog.default()  # loading the templates is part of checking a plugin
    plugins.units()  # each hook that takes no argument is asked, so a failing one shows here
    plugin_obligations()
    plugin_commands()
    plugins.unreported()  # shown below: the command group need not repeat them
    infos = sorted(plugins.info.values(), key=lambda i: (i.name != "builtin", i.name, i.distribution))
    rows = [
        (info.name, info.distribution, info.version, info.label, len(info.templates), "、".join(info.prefixes),
         ", ".join(h.removeprefix("lianzheng_") for h in info.hooks))
        for info in infos
    ]  # fmt: skip

    def text() -> list[str]:
        lines = [format_table(["插件", "包", "版本", "状态", "模板数", "机关代字", "钩子"], rows)]
        lines += [f"  {info.name}（{info.label}）：{info.explanation}" for info in infos if info.explanation]
        lines += [f"警告：{warning}" for warning in plugins.warnings]
        return lines  # where each plugin is installed: --json (location)

    emit([info.to_dict() for info in infos], text, as_json=as_json)


@plugins_group.command("new")
@click.argument("name")
@click.option("--dir", "target", type=click.Path(file_okay=False, path_type=Path), default=".", show_default=True,
              help="在哪个文件夹下创建。")  # fmt: skip
def new_plugin(name: str, target: Path) -> None:
    """创建一个新插件的骨架：pyproject（入口点、包数据）、钩子和一个符合 GB/T 9704 的通知模板。"""
    from ..plugins.scaffold import scaffold

    root = scaffold(name, target)
    folder = _as_path_argument(root)
    click.echo(f"已创建插件 {root}")
    click.echo("下一步：")
    click.echo("  1. 把模板清单中的机关代字（[numbering] prefix，现为 X财某）改成本单位的代字")
    click.echo(f"  2. 检查：lianzheng plugins check {folder}")
    click.echo(f"  3. 安装到本程序所在的 Python 环境：{_install_command(folder)}")


def _as_path_argument(path: Path) -> str:
    """``./lianzheng-x`` rather than ``lianzheng-x``: pip reads a bare name as a package on the index."""
    text = str(path)
    if not path.is_absolute() and not text.startswith((".", os.sep)):
        text = f".{os.sep}{text}"
    return shlex.quote(text)


def _install_command(folder: str) -> str:
    """The pip of the environment lianzheng runs in (a bare ``pip`` may be another Python's)."""
    return f"{shlex.quote(sys.executable)} -m pip install {folder}"


@plugins_group.command("check")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path), default=".")
@click.option("--no-build", is_flag=True,
              help="不打包检查（默认用 pip wheel --no-deps 打出 wheel，检查装好后的插件带齐了模板）。")  # fmt: skip
@json_option
def check_plugin_command(path: Path, no_build: bool, as_json: bool) -> None:
    """检查插件：清单有效、模板变量与清单一致、示例数据能渲染、公文通过 GB/T 9704 检查、打包声明齐全，
    机关代字不与内置模板冲突；并打出 wheel，检查安装后的插件能找到它的全部模板（.toml 与 .docx）。"""
    from ..errors import ExitCode
    from ..plugins.authoring import check_plugin

    result = check_plugin(path, build=not no_build)
    emit({"ok": result.ok, "templates": result.templates, "problems": result.problems, "warnings": result.warnings,
          "wheel": result.wheel},
         lambda: [f"检查了 {len(result.templates)} 个模板：{', '.join(result.templates) or '无'}",
                  *([f"打出的 wheel：{result.wheel}（已检查其中的模板）"] if result.wheel else []),
                  *(f"  - {problem}" for problem in result.problems),
                  *(f"  警告：{warning}" for warning in result.warnings),
                  "检查通过。" if result.ok else f"发现 {len(result.problems)} 个问题。"],
         as_json=as_json)  # fmt: skip
    if not result.ok:
        raise click.exceptions.Exit(int(ExitCode.FINDINGS))
