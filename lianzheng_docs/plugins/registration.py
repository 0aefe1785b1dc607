"""What went wrong when a plugin was registered, in Chinese: pluggy's validation errors, misspelt hook
names, and functions that look like hooks but lack the ``@hookimpl`` marker.

pluggy words its errors in English for the programmer (``Argument(s) {'x'} are declared in the
hookimpl but can not be found in the hookspec``); ``lianzheng plugins list`` shows them to the clerk
who installed the plugin and to its author. Each known form is put in Chinese with the hook's
expected signature; an unknown form keeps pluggy's words after a Chinese lead.
"""

from __future__ import annotations

import inspect
import re
from difflib import get_close_matches

import pluggy

from . import hookspecs

__all__ = ["hook_names", "signature", "translate", "unknown_hooks", "unmarked"]


def hook_names() -> list[str]:
    """Every hook the specifications define."""
    return sorted(name for name, value in vars(hookspecs).items() if name.startswith("lianzheng_") and callable(value))


def signature(hook: str) -> str:
    """``lianzheng_prepare_data(template_id, data)``: a hook as its implementation must be written."""
    spec = getattr(hookspecs, hook, None)
    if spec is None:
        return hook
    return f"{hook}({', '.join(inspect.signature(spec).parameters)})"


def _suggestion(name: str) -> str:
    close = get_close_matches(name, hook_names(), n=1, cutoff=0.6)
    return f"（是不是 {close[0]}？）" if close else ""


def unknown_hooks(names: list[str]) -> str:
    """The reason for a plugin implementing hooks that do not exist (pluggy's ``check_pending``)."""
    listed = "；".join(f"{name}{_suggestion(name)}" for name in sorted(names))
    return f"未知的钩子：{listed}。可用的钩子见 docs/plugins.md（拼写错误的钩子不会被调用）"


_ARGUMENTS = re.compile(r"for hook '(?P<hook>[^']+)'.*Argument\(s\) (?P<args>.+?) are declared", re.S)
_HOOK = re.compile(r"hook '(?P<hook>[^']+)'")


def translate(exc: Exception) -> str:
    """pluggy's complaint about a plugin being registered, in Chinese."""
    text = str(exc)
    if isinstance(exc, pluggy.PluginValidationError):
        found = _ARGUMENTS.search(text)
        if found:
            hook = found["hook"]
            extra = "、".join(re.findall(r"'([^']+)'", found["args"])) or found["args"]
            return (
                f"钩子 {hook} 的实现多了规格中没有的参数 {extra}；"
                f"应写成 {signature(hook)}（参数可以少写，不能多写或改名）"
            )
        hook_match = _HOOK.search(text)
        hook = hook_match["hook"] if hook_match else "？"
        if "historic incompatible" in text:
            return f"钩子 {hook} 不能用 wrapper 或 hookwrapper 实现"
        if "not a generator function" in text:
            return f"钩子 {hook} 的实现标为 wrapper=True 或 hookwrapper=True，但函数中没有 yield"
        if "mutually exclusive" in text:
            return f"钩子 {hook} 的实现不能同时标为 wrapper=True 和 hookwrapper=True"
        return f"注册失败（pluggy：{text}）"
    if isinstance(exc, ValueError) and "already registered" in text:
        return f"同一个模块或对象已作为另一个插件注册过（pluggy：{text}）：每个插件要有自己的模块"
    return f"注册失败：{type(exc).__name__}: {text}"


def unmarked(plugin: object, registered: set[str]) -> list[str]:
    """Functions of ``plugin`` named like hooks (``lianzheng_*``) that pluggy did not take: no ``@hookimpl``
    from :mod:`lianzheng_docs.hookspecs` (a bare function, or another project's marker)."""
    found = []
    for name in dir(plugin):
        if not name.startswith("lianzheng_") or name in registered:
            continue
        try:
            value = getattr(plugin, name)
        except Exception:  # a property that raises: not a hook
            continue
        if inspect.isroutine(value) and not getattr(value, "__module__", "").startswith("lianzheng_docs"):
            found.append(name)
    return sorted(found)
