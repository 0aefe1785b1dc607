"""``lianzheng users``: the web desk's accounts (:mod:`lianzheng_docs.web.accounts`), kept beside the archive.

With no account the desk is the local clerk's on loopback only; once one exists, everyone signs
in, and ``serve --host`` may open the desk to the office network. Passwords are asked for twice
without echo, or read from standard input (``--password-stdin``) for scripts.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..archive import resolve_root
from .output import format_table
from .params import archive_option, json_option

if TYPE_CHECKING:
    from ..web.accounts import Account, Accounts


def _accounts(root: Path | None) -> Accounts:
    from ..web.accounts import Accounts  # the web layer is loaded only by these commands

    return Accounts.of(resolve_root(root))


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    value: str = click.prompt("密码", hide_input=True, confirmation_prompt="再输入一次", err=True)
    return value


@click.group("users")
def users_group() -> None:
    """网页工作台的账号：建立、停用、重设密码、生成接口令牌。

    \b
    角色：办公室（全部）、纪检组（本单位文件与通报、落实情况）、科室（本单位）、只读（查看与检索）。
    """


@users_group.command("add")
@archive_option
@click.argument("name", metavar="用户名")
@click.option("--role", required=True, metavar="角色", help="角色：办公室、纪检组、科室、只读。")
@click.option("--unit", default="", metavar="单位", help="所属单位（科室、纪检组账号必填），与名册中的单位名称一致。")
@click.option("--display", default="", metavar="姓名", help="显示的姓名。")
@click.option("--password-stdin", is_flag=True, help="从标准输入读取密码（一行）。")
def add(root: Path | None, name: str, role: str, unit: str, display: str, password_stdin: bool) -> None:
    """建立账号。"""
    from ..web.accounts import parse_role

    parsed = parse_role(role)  # before the password is asked for
    accounts = _accounts(root)
    try:
        account = accounts.add(name, _password(password_stdin), role=parsed, unit=unit, display=display)
    finally:
        accounts.close()
    click.echo(f"已建立账号 {account.name}（{account.role}{'·' + account.unit if account.unit else ''}）")


@users_group.command("list")
@archive_option
@json_option
def list_users(root: Path | None, as_json: bool) -> None:
    """列出账号（不显示密码）。"""
    accounts = _accounts(root)
    try:
        rows = accounts.users()
    finally:
        accounts.close()
    if as_json:
        click.echo(json.dumps([
            {"name": a.name, "display": a.display, "role": str(a.role), "unit": a.unit, "disabled": a.disabled,
             "locked_until": a.locked_until, "created_at": a.created_at} for a in rows
        ], ensure_ascii=False, indent=2))  # fmt: skip
        return
    if not rows:
        click.echo("尚无账号：工作台只在本机使用（lianzheng users add 建立账号）。")
        return
    from ..archive.history import local_time

    def state(a: Account) -> str:
        if a.disabled:
            return "已停用"
        return f"锁定至 {local_time(a.locked_until)}" if a.locked_until else "可用"

    table = [(a.name, a.role, a.unit or "-", a.display or "-", state(a)) for a in rows]
    click.echo(format_table(["用户名", "角色", "单位", "姓名", "状态"], table))


@users_group.command("passwd")
@archive_option
@click.argument("name", metavar="用户名")
@click.option("--password-stdin", is_flag=True, help="从标准输入读取密码（一行）。")
def passwd(root: Path | None, name: str, password_stdin: bool) -> None:
    """重设密码（该用户已登录的会话随即失效）。"""
    accounts = _accounts(root)
    try:
        accounts.get(name)
        accounts.set_password(name, _password(password_stdin))
    finally:
        accounts.close()
    click.echo(f"已重设 {name} 的密码")


def _set_disabled(root: Path | None, name: str, disabled: bool) -> None:
    accounts = _accounts(root)
    try:
        accounts.set_disabled(name, disabled)
    finally:
        accounts.close()
    click.echo(f"已{'停用' if disabled else '启用'} {name}")


@users_group.command("disable")
@archive_option
@click.argument("name", metavar="用户名")
def disable(root: Path | None, name: str) -> None:
    """停用账号：其会话和令牌立即失效。"""
    _set_disabled(root, name, True)


@users_group.command("enable")
@archive_option
@click.argument("name", metavar="用户名")
def enable(root: Path | None, name: str) -> None:
    """启用账号，并解除登录失败造成的锁定。"""
    _set_disabled(root, name, False)


@users_group.command("token")
@archive_option
@click.argument("name", metavar="用户名")
@click.option("--label", default="API", show_default=True, metavar="用途", help="令牌的用途，如“OA 系统”。")
@click.option("--revoke", is_flag=True, help="作废该用户的全部令牌，不生成新的。")
def token(root: Path | None, name: str, label: str, revoke: bool) -> None:
    """生成接口令牌（只显示这一次），供其他系统以 Authorization: Bearer 令牌 调用 /api/。"""
    accounts = _accounts(root)
    try:
        if revoke:
            click.echo(f"已作废 {name} 的 {accounts.revoke_tokens(name)} 个令牌")
            return
        value = accounts.new_token(name, label)
    finally:
        accounts.close()
    click.echo(value)
    click.echo("（令牌只显示这一次，请妥善保存；作废用 lianzheng users token --revoke）", err=True)
