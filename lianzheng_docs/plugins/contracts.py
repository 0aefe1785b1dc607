"""What each hook must return, read from its annotation in :mod:`.hookspecs`, and a check of an answer.

A plugin's answer is checked before anyone uses it, so a ``lianzheng_template_sources`` that returns a
string, or a unit without a ``name``, takes only that plugin's answer out (the plugin is marked
degraded, with the reason this module words) instead of raising ``AttributeError`` in every command.
The expected types are the hook specifications' own return annotations and the :class:`~.hookspecs.UnitSpec`
and :class:`~.hookspecs.ObligationSpec` TypedDicts: what is documented is what is checked.
"""

from __future__ import annotations

import reprlib
import types
import typing
from functools import cache
from typing import Any, NotRequired, Required, Union, get_args, get_origin, is_typeddict

from . import hookspecs
from .sources import TemplateSource

__all__ = ["answer_type", "describe", "mismatch"]

_NAMES: dict[object, str] = {
    str: "文字（str）",
    int: "整数（int）",
    bool: "true 或 false（bool）",
    float: "数（float）",
    dict: "映射（dict）",
    list: "列表（list）",
    type(None): "None",
    TemplateSource: "TemplateSource",
}


@cache
def answer_type(hook: str) -> Any:
    """The type one plugin's answer to ``hook`` must have: the return annotation of its specification."""
    spec = getattr(hookspecs, hook)
    names: dict[str, Any] = {**vars(hookspecs), "TemplateSource": TemplateSource, "Any": Any}
    annotation = spec.__annotations__.get("return", "None")
    if "click." in annotation:
        import click

        names["click"] = click
    resolved = eval(annotation, names) if isinstance(annotation, str) else annotation  # our own specifications
    return type(None) if resolved is None else resolved


def describe(expected: Any) -> str:
    """The expected type in the words of a message: ``TemplateSource 列表``, ``文字（str）或 None``."""
    origin = get_origin(expected)
    if origin in (Required, NotRequired):
        return describe(get_args(expected)[0])
    if origin in (Union, types.UnionType):
        return " 或 ".join(describe(arm) for arm in get_args(expected))
    if origin is list:
        (item,) = get_args(expected) or (Any,)
        return f"{describe(item)} 的列表"
    if origin is dict:
        return _NAMES[dict]
    if is_typeddict(expected):
        return f"映射（{expected.__name__}）"
    if expected is Any:
        return "任意值"
    if expected in _NAMES:
        return _NAMES[expected]
    module = getattr(expected, "__module__", "")
    if module.startswith("click"):
        return "click 命令（click.Command）"
    return getattr(expected, "__name__", str(expected))


def mismatch(value: Any, expected: Any, where: str = "") -> str | None:
    """What is wrong with ``value`` as an ``expected``, in Chinese, naming the place; None when it fits."""
    origin = get_origin(expected)
    if expected is Any:
        return None
    if origin in (Required, NotRequired):
        return mismatch(value, get_args(expected)[0], where)
    if origin in (Union, types.UnionType):
        if any(mismatch(value, arm) is None for arm in get_args(expected)):
            return None
        return _wrong(value, expected, where)
    if origin is list:
        if not isinstance(value, (list, tuple)):
            return _wrong(value, expected, where)
        (item,) = get_args(expected) or (Any,)
        for index, element in enumerate(value):
            problem = mismatch(element, item, f"{where}第 {index + 1} 项")
            if problem:
                return problem
        return None
    if origin is dict:
        if not isinstance(value, dict) or not all(isinstance(key, str) for key in value):
            return _wrong(value, expected, where)
        return None
    if is_typeddict(expected):
        return _typeddict_mismatch(value, expected, where)
    if expected is type(None):
        return None if value is None else _wrong(value, expected, where)
    if expected is int:
        fits = isinstance(value, int) and not isinstance(value, bool)
        return None if fits else _wrong(value, expected, where)
    if isinstance(expected, type):
        return None if isinstance(value, expected) else _wrong(value, expected, where)
    return None  # a form the specifications do not use: nothing to check


def _typeddict_mismatch(value: Any, expected: Any, where: str) -> str | None:
    if not isinstance(value, dict):
        return _wrong(value, expected, where)
    hints = _fields(expected)
    unknown = sorted(str(key) for key in value if key not in hints)
    if unknown:
        known = "、".join(hints)
        return f"{where}有不认识的键 {'、'.join(unknown)}（{expected.__name__} 的键：{known}）"
    missing = [key for key, hint in hints.items() if get_origin(hint) is Required and key not in value]
    if missing:
        return f"{where}缺少必需的键 {'、'.join(missing)}"
    for key, item in value.items():
        problem = mismatch(item, hints[key], f"{where}的 {key} ")
        if problem:
            return problem
    return None


@cache
def _fields(typed: Any) -> dict[str, Any]:
    # computed here: with postponed annotations, TypedDict's own __required_keys__ misses Required[...]
    return typing.get_type_hints(typed, include_extras=True)


def _wrong(value: Any, expected: Any, where: str) -> str:
    short = reprlib.Repr()
    short.maxstring = short.maxother = 40
    shown = short.repr(value)
    return f"{where}应为 {describe(expected)}，实际是 {type(value).__name__} {shown}"
