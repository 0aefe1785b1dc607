"""Finding and loading plugins, each in isolation, and asking them through typed calls.

Plugins are found through one entry-point group (:data:`~.hookspecs.ENTRY_POINT_GROUP`), in name
order. Each is imported, registered and validated on its own, so one that fails to import,
misspells a hook or breaks its templates is reported with the reason and every other plugin still
loads (pluggy's ``load_setuptools_entrypoints`` stops at the first failure, and a misspelt hook is
otherwise ignored silently). ``LIANZHENG_PLUGINS`` is an allow-list (comma-separated names; a
government deployment lists the plugins it approved) and ``LIANZHENG_DISABLE_PLUGIN_AUTOLOAD=1``
loads none.

Hooks are called through pluggy (``pm.hook``), one plugin at a time, in the order pluggy itself
would call them (``tryfirst``/``trylast``, then last registered first), so a plugin's hook
options and wrappers take effect and an exception in one plugin marks that plugin failed
instead of taking every other plugin's answer down with it. Callers use the typed methods of
:class:`Plugins`, one per hook; no caller names a hook by a string.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import metadata
from typing import TYPE_CHECKING, Any

import pluggy

from ..errors import LianzhengError, TemplateError
from . import builtin as builtin_plugin
from . import hookspecs
from .hookspecs import ENTRY_POINT_GROUP, ObligationSpec, UnitSpec

if TYPE_CHECKING:
    import click

    from ..archive import Record
    from .sources import TemplateSource

ALLOW_ENV = "LIANZHENG_PLUGINS"
DISABLE_ENV = "LIANZHENG_DISABLE_PLUGIN_AUTOLOAD"


@dataclass
class PluginInfo:
    """What ``lianzheng plugins list`` shows of one plugin: where it came from and how it fared."""

    name: str
    distribution: str = ""
    version: str = ""
    status: str = "loaded"  # loaded | failed | blocked
    reason: str = ""
    templates: list[str] = field(default_factory=list)
    hooks: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class Plugins:
    """The plugin manager of one process: built-ins first, then installed plugins."""

    def __init__(self, *, autoload: bool | None = None, extra: dict[str, object] | None = None) -> None:
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.info: dict[str, PluginInfo] = {}
        from .. import __version__

        self._register("builtin", builtin_plugin, distribution="lianzheng-docs", version=__version__)
        if autoload is None:
            autoload = os.environ.get(DISABLE_ENV, "") not in ("1", "true", "yes")
        if autoload:
            self._load_entry_points()
        for name, plugin in sorted((extra or {}).items()):
            self._register(name, plugin)

    # ------------------------------------------------------------------ loading

    def _allowed(self, name: str) -> bool:
        allowed = os.environ.get(ALLOW_ENV)
        if allowed is None:
            return True
        return name in {n.strip() for n in allowed.split(",") if n.strip()}

    def _load_entry_points(self) -> None:
        for entry in sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
            dist = getattr(entry, "dist", None)
            info = PluginInfo(entry.name, dist.name if dist else "", dist.version if dist else "")
            if entry.name in self.info:
                info.status, info.reason = "failed", f"插件名 {entry.name} 与已加载的插件重名"
                self.info[f"{entry.name} ({info.distribution})"] = info
                continue
            if not self._allowed(entry.name):
                info.status, info.reason = "blocked", f"不在允许列表 {ALLOW_ENV} 中"
                self.info[entry.name] = info
                continue
            try:
                plugin = entry.load()
            except Exception as exc:
                info.status, info.reason = "failed", f"导入失败：{type(exc).__name__}: {exc}"
                self.info[entry.name] = info
                continue
            self._register(entry.name, plugin, distribution=info.distribution, version=info.version)

    def _register(self, name: str, plugin: object, *, distribution: str = "", version: str = "") -> None:
        info = PluginInfo(name, distribution, version)
        self.info[name] = info
        try:
            self.pm.register(plugin, name=name)
        except Exception as exc:  # pluggy's validation: wrong arguments for a known hook
            info.status, info.reason = "failed", f"注册失败：{exc}"
            return
        unknown = [c.name for c in self.pm.get_hookcallers(plugin) or [] if not c.has_spec()]
        if unknown:  # what check_pending() would find, attributed to its plugin
            self.pm.unregister(plugin)
            info.status = "failed"
            info.reason = f"未知的钩子 {', '.join(sorted(unknown))}（拼写错误？可用的钩子见 docs/plugins.md）"
            return
        info.hooks = sorted(c.name for c in self.pm.get_hookcallers(plugin) or [])

    # ------------------------------------------------------------------ state

    def loaded(self, name: str) -> bool:
        """Whether the plugin ``name`` is registered and has not failed."""
        info = self.info.get(name)
        return info is not None and info.status == "loaded" and self.pm.get_plugin(name) is not None

    def mark_failed(self, name: str, reason: str) -> None:
        """Take the plugin ``name`` out of service, with the reason ``plugins list`` shows."""
        info = self.info.setdefault(name, PluginInfo(name))
        info.status, info.reason = "failed", reason

    def add_templates(self, name: str, template_ids: list[str]) -> None:
        """Record the templates the catalog took from the plugin ``name``."""
        self.info.setdefault(name, PluginInfo(name)).templates.extend(template_ids)

    # ------------------------------------------------------------------ calling

    def _caller(self, hook: str) -> pluggy.HookCaller:
        """The hook caller of a specified hook; a name without a specification is a bug here."""
        caller = getattr(self.pm.hook, hook, None)
        if not isinstance(caller, pluggy.HookCaller) or not caller.has_spec():
            raise AssertionError(f"no hook specification named {hook}")
        return caller

    def _each(self, hook: str, **kwargs: Any) -> Iterator[tuple[str, Any]]:
        """(plugin name, answer) from every loaded plugin implementing ``hook``, one plugin at a time.

        In pluggy's own call order; a plugin whose hook raises is marked failed and skipped. A
        plugin's answer of None is left out, as pluggy leaves it out.
        """
        caller = self._caller(hook)
        order = list(dict.fromkeys(impl.plugin_name for impl in reversed(caller.get_hookimpls())))
        for name in order:
            if not self.loaded(name):
                continue
            try:
                answers = self._only(name, hook)(**kwargs)
            except Exception as exc:
                self.mark_failed(name, f"{hook} 出错：{type(exc).__name__}: {exc}")
                continue
            for answer in answers:
                yield name, answer

    def _only(self, name: str, hook: str) -> pluggy.HookCaller:
        """``hook`` as pluggy calls it, with every plugin but ``name`` removed (options and wrappers kept)."""
        others = [plugin for other, plugin in self.pm.list_name_plugin() if other != name]
        return self.pm.subset_hook_caller(hook, remove_plugins=others)

    def _owner(self, owner: str, hook: str, **kwargs: Any) -> Any:
        """Ask only the plugin ``owner``; its errors name it. None when it does not implement ``hook``."""
        self._caller(hook)
        if not self.loaded(owner):
            return None
        try:
            return self._only(owner, hook)(**kwargs)
        except LianzhengError:
            raise  # a plugin may reject data with the library's own errors (ValidationError)
        except Exception as exc:
            raise TemplateError(f"插件 {owner} 的 {hook} 出错：{type(exc).__name__}: {exc}") from exc

    # ------------------------------------------------------------------ the hooks, typed

    def template_sources(self) -> list[tuple[str, TemplateSource]]:
        """(plugin name, source) for every template folder the loaded plugins provide."""
        return [(name, source) for name, sources in self._each("lianzheng_template_sources") for source in sources]

    def number_prefix(self, owner: str, template_id: str) -> str | None:
        """The 机关代字 the plugin ``owner`` numbers its template ``template_id`` with, if it says."""
        prefix = self._owner(owner, "lianzheng_number_prefix", template_id=template_id)
        return str(prefix) if prefix else None

    def prepare_data(self, owner: str, template_id: str, data: dict[str, Any]) -> dict[str, Any] | None:
        """The data for ``template_id`` as its owner prepared it, or None to leave it unchanged."""
        prepared = self._owner(owner, "lianzheng_prepare_data", template_id=template_id, data=data)
        return None if prepared is None else dict(prepared)

    def units(self) -> list[tuple[str, UnitSpec]]:
        """(plugin name, unit) for every unit of every plugin's roster."""
        return [(name, unit) for name, units in self._each("lianzheng_units") for unit in units]

    def obligations(self) -> list[tuple[str, ObligationSpec]]:
        """(plugin name, obligation) for every obligation the plugins register."""
        return [(name, item) for name, items in self._each("lianzheng_obligations") for item in items]

    def commands(self) -> list[tuple[str, click.Command]]:
        """(plugin name, command) for every command the plugins add."""
        return [(name, command) for name, commands in self._each("lianzheng_commands") for command in commands]

    def record_filed(self, record: Record) -> list[str]:
        """Tell every plugin a record was filed; returns what went wrong, in Chinese, instead of raising."""
        problems = []
        caller = self._caller("lianzheng_record_filed")
        for name in dict.fromkeys(impl.plugin_name for impl in reversed(caller.get_hookimpls())):
            if not self.loaded(name):
                continue
            try:
                self._only(name, "lianzheng_record_filed")(record=record)
            except Exception as exc:
                problems.append(f"插件 {name} 的 lianzheng_record_filed 出错：{type(exc).__name__}: {exc}")
        return problems


_plugins: Plugins | None = None


def get_plugins() -> Plugins:
    """The process's plugin manager, loaded once on first use."""
    global _plugins
    if _plugins is None:
        _plugins = Plugins()
    return _plugins


def reset_plugins() -> None:
    """Forget the loaded plugins (tests, or after installing one)."""
    global _plugins
    _plugins = None
