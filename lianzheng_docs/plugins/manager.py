"""Finding and loading plugins, each in isolation, and asking them what they provide.

Plugins are found through one entry-point group, ``lianzheng_docs.plugins``, in name order. Each
is imported, registered and validated on its own, so one that fails to import, misspells a hook
or breaks its templates is reported with the reason and every other plugin still loads (pluggy's
``load_setuptools_entrypoints`` stops at the first failure, and a misspelt hook is otherwise
ignored silently). ``LIANZHENG_PLUGINS`` is an allow-list (comma-separated names; a government
deployment lists the plugins it approved) and ``LIANZHENG_DISABLE_PLUGIN_AUTOLOAD=1`` loads none.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

import pluggy

from ..errors import TemplateError
from . import builtin as builtin_plugin
from . import hookspecs

GROUP = "lianzheng_docs.plugins"
ALLOW_ENV = "LIANZHENG_PLUGINS"
DISABLE_ENV = "LIANZHENG_DISABLE_PLUGIN_AUTOLOAD"


@dataclass
class PluginInfo:
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
        for entry in sorted(metadata.entry_points(group=GROUP), key=lambda e: e.name):
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

    # ------------------------------------------------------------------ asking

    def template_sources(self) -> list[tuple[str, Any]]:
        """(plugin name, TemplateSource) pairs; a plugin whose hook raises is marked failed."""
        found: list[tuple[str, Any]] = []
        for name, plugin in self._loaded():
            impl = getattr(plugin, "lianzheng_template_sources", None)
            if impl is None:
                continue
            try:
                sources = list(impl() or [])
            except Exception as exc:
                self._fail(name, f"lianzheng_template_sources 出错：{type(exc).__name__}: {exc}")
                continue
            found.extend((name, source) for source in sources)
        return found

    def owner_call(self, owner: str, hook: str, **kwargs: Any) -> Any:
        """Call ``hook`` of the plugin ``owner`` only; errors name the plugin."""
        plugin = self.pm.get_plugin(owner)
        impl = getattr(plugin, hook, None) if plugin is not None else None
        if impl is None:
            return None
        try:
            return impl(**kwargs)
        except Exception as exc:
            from ..errors import LianzhengError

            if isinstance(exc, LianzhengError):
                raise
            raise TemplateError(f"插件 {owner} 的 {hook} 出错：{type(exc).__name__}: {exc}") from exc

    def collect(self, hook: str) -> list[tuple[str, Any]]:
        """(plugin name, item) for every item returned by every plugin's ``hook``."""
        items: list[tuple[str, Any]] = []
        for name, plugin in self._loaded():
            impl = getattr(plugin, hook, None)
            if impl is None:
                continue
            try:
                items.extend((name, item) for item in impl() or [])
            except Exception as exc:
                self._fail(name, f"{hook} 出错：{type(exc).__name__}: {exc}")
        return items

    def notify(self, hook: str, **kwargs: Any) -> list[str]:
        """Call ``hook`` of every loaded plugin; returns what went wrong instead of raising."""
        problems = []
        for name, plugin in self._loaded():
            impl = getattr(plugin, hook, None)
            if impl is None:
                continue
            try:
                impl(**kwargs)
            except Exception as exc:
                problems.append(f"插件 {name} 的 {hook} 出错：{type(exc).__name__}: {exc}")
        return problems

    def _loaded(self) -> list[tuple[str, object]]:
        return [
            (name, p)
            for name, p in self.pm.list_name_plugin()
            if self.info.get(name, PluginInfo(name)).status == "loaded"
        ]

    def _fail(self, name: str, reason: str) -> None:
        info = self.info.setdefault(name, PluginInfo(name))
        info.status, info.reason = "failed", reason


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
