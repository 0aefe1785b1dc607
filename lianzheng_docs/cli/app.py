"""The ``lianzheng`` command group and the one place errors become exit codes."""

from __future__ import annotations

import importlib
import os
import sys
import traceback
from functools import partial
from typing import Any

import click

from .. import __version__
from ..errors import ExitCode, LianzhengError
from .click_zh import install as install_chinese_messages
from .output import display_width, emit, note
from .params import wants_json

install_chinese_messages()  # click's own usage errors and help headings, in Chinese

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


# Commands are imported when used: ``lianzheng search`` must not pay for loading docxtpl.
COMMANDS = {
    "templates": "templates_cmd:templates_group",
    "example": "render_cmd:example",
    "render": "render_cmd:render",
    "samples": "render_cmd:samples",
    "check": "check_cmd:check",
    "archive": "archive_cmd:archive_group",
    "search": "search_cmd:search",
    "pdf": "pdf_cmd:pdf_group",
    "plugins": "plugins_cmd:plugins_group",
    "roster": "roster_cmd:roster_group",
    "status": "status_cmd:status",
    "due": "status_cmd:due",
    "batch": "batch_cmd:batch",
    "ledger": "ledger_cmd:ledger_group",
    "event": "event_cmd:event_group",
    "serve": "serve_cmd:serve",
    "users": "users_cmd:users_group",
}


class LianzhengGroup(click.Group):
    """A click group that reports library errors in Chinese with their exit codes.

    A :class:`LianzhengError` is printed as its message on standard error (or as JSON on
    standard output when the command was given ``--json``) and the process exits with the
    error's code; anything else is a bug, shown with its traceback and exit code 70.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *plugin_commands()})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return plugin_commands().get(name)
        module, attribute = target.split(":")
        command = getattr(importlib.import_module(f"lianzheng_docs.cli.{module}"), attribute)
        assert isinstance(command, click.Command)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            result = super().invoke(ctx)
        except LianzhengError as exc:
            _tell_plugin_problems()  # often the cause: a plugin's roster hook that failed, before "no roster"
            emit(exc.to_dict(), partial(note, f"错误：{exc.message}"), as_json=wants_json(ctx))
            ctx.exit(int(exc.exit_code))
        except click.exceptions.Exit as done:
            _tell_plugin_problems()
            if done.exit_code == 0 and _strict(ctx):
                _fail_strictly(ctx)
            raise
        except (click.ClickException, click.exceptions.Abort):
            _tell_plugin_problems()
            raise
        except KeyboardInterrupt:
            click.echo("已中断。", err=True)
            ctx.exit(int(ExitCode.INTERRUPTED))
        except BrokenPipeError:
            # the reader went away (`lianzheng ... | head`): not a bug; keep Python from complaining at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(int(ExitCode.BROKEN_PIPE))
        except Exception as exc:
            damaged = _damaged_database(exc)
            if damaged is not None:  # not a bug: the registry's file went bad under a running command
                emit(damaged.to_dict(), partial(note, f"错误：{damaged.message}"), as_json=wants_json(ctx))
                ctx.exit(int(damaged.exit_code))
            click.echo("内部错误（这是程序缺陷，请把以下信息报告给维护者）：", err=True)
            traceback.print_exc(file=sys.stderr)
            ctx.exit(int(ExitCode.INTERNAL))
        _tell_plugin_problems()
        if _strict(ctx):
            _fail_strictly(ctx)
        return result


def _damaged_database(exc: Exception) -> LianzhengError | None:
    """A registry that turned out damaged while a command read it (a page bit-flipped, a file cut
    short), as an archive error with advice, instead of a traceback; None for anything else."""
    import sqlite3

    if not isinstance(exc, sqlite3.DatabaseError):
        return None
    from ..errors import ArchiveError

    if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
        return ArchiveError(f"档案登记库正被其他进程长时间占用（{exc}）；请稍后再试")
    return ArchiveError(
        f"档案登记库已损坏（{exc}）：请运行 lianzheng archive verify 查看，并从备份或导出包恢复；"
        "恢复前不要在这个档案中归档"
    )


STRICT_META = "lianzheng.strict_plugins"


def _strict(ctx: click.Context) -> bool:
    return bool(ctx.meta.get(STRICT_META))


def _tell_plugin_problems() -> None:
    """Plugins that failed, were refused or degraded while this command ran, on standard error (once each).

    Only when the command loaded the plugins: ``lianzheng search`` does not load them to say so.
    """
    from ..plugins.manager import current_plugins

    plugins = current_plugins()
    for line in plugins.unreported(brief=True) if plugins is not None else []:
        click.echo(f"警告：{line}", err=True)


def _fail_strictly(ctx: click.Context) -> None:
    """``--strict-plugins``: any plugin problem seen is an error (exit 5), even if the command itself succeeded."""
    from ..plugins.manager import current_plugins

    plugins = current_plugins()
    problems = plugins.problems() if plugins is not None else []
    if problems:
        click.echo(f"错误：--strict-plugins：有 {len(problems)} 个插件问题（见上），按失败处理", err=True)
        ctx.exit(int(ExitCode.TEMPLATE))


def _check_plugins_first() -> None:
    """``--strict-plugins``, before the command runs: load every plugin and its templates, and stop on a problem."""
    from ..errors import TemplateError
    from ..plugins.manager import get_plugins
    from ..templating.catalog import Catalog

    plugins = get_plugins()
    Catalog.default()  # a plugin whose templates are broken is found here
    problems = plugins.problems()
    plugins.unreported()  # told here, in the error
    if problems:
        lines = "\n".join(f"  - {line}" for line in problems)
        raise TemplateError(f"--strict-plugins：有 {len(problems)} 个插件问题，命令未执行：\n{lines}")


def plugin_commands() -> dict[str, click.Command]:
    """Commands that plugins add (``lianzheng_commands``).

    A built-in name cannot be taken over, and a name two plugins offer goes to neither: the plugin
    is marked degraded with the reason instead of the command vanishing without a word.
    """
    from ..plugins.manager import get_plugins

    plugins = get_plugins()
    offered: dict[str, list[tuple[str, click.Command]]] = {}
    for plugin, command in plugins.commands():
        name = command.name or ""
        if name in COMMANDS:
            plugins.degrade(plugin, f"命令 {name} 与内置命令同名，未添加（内置命令不能被插件替换）")
        elif not name:
            plugins.degrade(plugin, "lianzheng_commands 返回了没有名字的命令，未添加")
        else:
            offered.setdefault(name, []).append((plugin, command))
    commands = {}
    for name, offers in offered.items():
        owners = sorted({plugin for plugin, _ in offers})
        if len(owners) > 1:
            for plugin in owners:
                plugins.degrade(plugin, f"命令 {name} 同时由插件 {'、'.join(owners)} 提供，都未添加")
        else:
            commands[name] = offers[0][1]
    return commands


def exit_codes_help(width: int = 96) -> str:
    """The "退出码" paragraph of ``lianzheng --help``, written from :class:`ExitCode` so it cannot drift.

    Laid out here (click's rewrapping counts characters, not columns) so that no line is wider than
    ``width`` terminal columns and no code is parted from its meaning.
    """
    head = "退出码："
    codes = list(ExitCode)
    lines = [head]
    for code in codes:
        item = f"{int(code)} {code.label}" + ("。" if code is codes[-1] else "；")
        if lines[-1].strip() and display_width(lines[-1] + item) > width:
            lines.append(" " * display_width(head))
        lines[-1] += item
    return "\b\n" + "\n".join(lines)


HELP = f"""“两个责任”党风廉政建设公文工具：按 GB/T 9704-2012 生成责任书、双报告、
廉政风险告知书、责任追究通报等文书。

\b
常用：
  lianzheng templates list              查看全部模板
  lianzheng example dual_report > d.yaml 生成示例数据
  lianzheng render dual_report --data d.yaml -o 报告.docx
  lianzheng check 报告.docx               按 GB/T 9704 检查任意 .docx
  lianzheng status --roster 名册.xlsx     各项文书的落实情况（已完成、未到期、已逾期）
  lianzheng batch responsibility_letter -d 责任书.yaml --roster 名册.xlsx --archive

{exit_codes_help()}
"""


@click.group(cls=LianzhengGroup, context_settings=CONTEXT_SETTINGS, help=HELP)
@click.version_option(__version__, "-V", "--version", prog_name="lianzheng", message="%(prog)s %(version)s")
@click.option("--strict-plugins", is_flag=True, envvar="LIANZHENG_STRICT_PLUGINS",
              help="插件有问题（失败、被拒绝、已降级）时按失败处理（退出码 5），而不是警告后继续；"
                   "也可设环境变量 LIANZHENG_STRICT_PLUGINS=1。")  # fmt: skip
@click.pass_context
def cli(ctx: click.Context, strict_plugins: bool) -> None:
    # the help text is HELP above: its exit codes are written from ExitCode when this module loads
    ctx.meta[STRICT_META] = strict_plugins
    if strict_plugins:
        _check_plugins_first()
