"""Options and option types shared by the commands, with their complaints in Chinese.

A command module takes its shared options from here, never from another command module, so
that ``--archive`` or ``--json`` means the same thing (name, environment variable, help) everywhere.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click


class IsoDate(click.ParamType):  # type: ignore[type-arg]  # generic only from click 8.2
    """A calendar date written ``YYYY-MM-DD`` (the form GB/T 7408 and the archive use), as a :class:`date`."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"日期应写成 YYYY-MM-DD，如 2026-03-05；收到的是“{value}”", param, ctx)


ISO_DATE = IsoDate()

#: a 年度 as the duties count them
YEAR = click.IntRange(2000, 2100)

JSON_META_KEY = "lianzheng.json"


def wants_json(ctx: click.Context) -> bool:
    """Whether the command being run was given ``--json`` (so its errors are answered in JSON too)."""
    return bool(ctx.meta.get(JSON_META_KEY))


def _remember_json(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    ctx.meta[JSON_META_KEY] = value  # meta is shared by the whole context chain
    return value


json_option = click.option(
    "--json",
    "as_json",
    is_flag=True,
    callback=_remember_json,
    expose_value=True,
    is_eager=True,
    help="以 JSON 输出（供其他程序读取），错误也以 JSON 给出。",
)

#: the archive a command reads or files into (``root``)
archive_option = click.option(
    "--archive",
    "root",
    envvar="LIANZHENG_ARCHIVE",
    type=click.Path(file_okay=False, path_type=Path),
    help="档案文件夹（默认 ./archive，或环境变量 LIANZHENG_ARCHIVE）。",
)

#: ``--archive`` for commands that make documents: absent, they write files; given (with or without
#: a folder), they file what they make (``archive_root`` is then a path, or "" for the default archive)
archive_flag = click.option(
    "--archive",
    "archive_root",
    is_flag=False,
    flag_value="",
    default=None,
    metavar="[档案文件夹]",
    help="同时归档：自动编发文字号并写入文档，存档、建索引（默认 ./archive 或 LIANZHENG_ARCHIVE）。",
)

roster_option = click.option(
    "--roster",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="LIANZHENG_ROSTER",
    help="名册文件（YAML/CSV/Excel，或环境变量 LIANZHENG_ROSTER）；按科室（单位）逐个检查的事项需要它。",
)

strict_layout_option = click.option(
    "--strict-layout",
    is_flag=True,
    help="版记所在页必须经 LibreOffice 排版验证（版记在末页且为偶数页），做不到时报错；默认只给警告。",
)

#: filing (and the ledger) refuse a date after today unless told: a document signed in advance
allow_future_date_option = click.option(
    "--allow-future-date",
    is_flag=True,
    help="允许成文日期（或台账日期）晚于今天：预先签署的文件照常归档并给出警告；在该日期之前 status 不把它算作完成。",
)


class Secret(click.ParamType):  # type: ignore[type-arg]  # generic only from click 8.2
    """Where a password comes from, never the password itself: ``-`` (the first line of standard
    input), ``prompt`` (typed on the terminal, not shown, asked twice) or ``env:NAME`` (an
    environment variable). A password on the command line is visible to every user of the machine
    (``ps``, ``/proc/PID/cmdline``), so it is refused."""

    name = "-|prompt|env:变量名"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        import os
        import sys

        source = str(value)
        if source == "-":
            line = sys.stdin.readline().rstrip("\r\n")
            if not line:
                self.fail("标准输入中没有口令（--password - 从标准输入读第一行）", param, ctx)
            return line
        if source == "prompt":
            if not sys.stdin.isatty():
                self.fail("不在终端上，无法提示输入口令：请用 --password - 从标准输入读取，或 env:变量名", param, ctx)
            secret = click.prompt("口令", hide_input=True, confirmation_prompt="再输入一次")
            return str(secret)
        if source.startswith("env:"):
            name = source[4:]
            secret = os.environ.get(name, "")
            if not name or not secret:
                self.fail(f"环境变量 {name or '（未写名称）'} 未设置或为空", param, ctx)
            return secret
        self.fail(
            "为免口令出现在进程列表中，这里不写口令本身：请写 --password -（从标准输入读取）、"
            "--password prompt（在终端输入）或 --password env:变量名",
            param,
            ctx,
        )


SECRET = Secret()
