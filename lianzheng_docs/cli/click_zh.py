"""Click's own messages in Chinese: usage errors, the help page's headings, prompts.

A clerk who forgot an option read "Error: Missing option '--private'." in English beside the
project's Chinese. Click looks its messages up with :func:`gettext.gettext` (and ``ngettext``) by
their English text, at the moment it shows them; :func:`install` gives the click modules a lookup
in :data:`MESSAGES` first, so an unknown message (a newer click) stays English rather than break.
"""

from __future__ import annotations

import gettext
import importlib
from typing import Final

#: English message id (as click writes it) -> Chinese, with the same ``{placeholders}``
MESSAGES: Final = {
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "用 '{command} {option}' 查看帮助。",
    "Invalid value: {message}": "取值无效：{message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的取值无效：{message}",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing command.": "缺少子命令。",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "Option {name!r} does not take a value.": "选项 {name!r} 不带取值。",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个取值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 需要 {nargs} 个取值。",
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Got unexpected extra arguments ({args})": "多余的参数（{args}）",
    "Did you mean {possibility}?": "是不是想写 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是不是想写其中之一：{possibilities}？）",
    "{value!r} is not {choice}.": "{value!r} 不是 {choice}。",
    "{value!r} is not one of {choices}.": "{value!r} 不是 {choices} 之一。",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的{number_type}。",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value!r} does not match the format {format}.": "{value!r} 不符合格式 {format}。",
    "{value!r} does not match the formats {formats}.": "{value!r} 不符合格式 {formats}。",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件，应为文件夹。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是文件夹，应为文件。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 无法读取。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 无法写入。",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "Show this message and exit.": "显示此帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Aborted!": "已中止。",
    "default: {default}": "默认：{default}",
    "env var: {var}": "环境变量：{var}",
    "required": "必填",
    "Repeat for confirmation": "再输入一次",
    "Error: The two entered values do not match.": "错误：两次输入的不一致。",
}

#: The click modules that look messages up (each imported ``gettext`` and ``ngettext`` by name).
_MODULES: Final = ("core", "exceptions", "parser", "types", "decorators", "formatting", "termui")


def zh(message: str) -> str:
    """``message`` in Chinese when :data:`MESSAGES` has it, else as click wrote it."""
    return MESSAGES.get(message, gettext.gettext(message))


def zh_n(singular: str, plural: str, n: int) -> str:
    """:func:`zh` for click's singular/plural pairs."""
    return zh(singular if n == 1 else plural)


def install() -> None:
    """Point the click modules' message lookups at :func:`zh` (idempotent)."""
    for name in _MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = zh  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = zh_n  # type: ignore[attr-defined]
