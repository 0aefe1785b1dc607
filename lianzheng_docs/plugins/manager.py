"""Finding and loading plugins, each in isolation, and asking them through typed, checked calls.

Plugins are found through one entry-point group (:data:`~.hookspecs.ENTRY_POINT_GROUP`), in name
order. Loading goes in steps, and a plugin that fails one is reported with the reason (in Chinese)
while every other plugin carries on:

1. **Identity** (:mod:`.identity`): the allow-list ``LIANZHENG_PLUGINS`` blocks what it does not
   admit (by plugin name, distribution name, pinned version); two distributions declaring one
   plugin name are both refused, since nothing tells the genuine one from an impostor.
2. **Registration**: the module is imported and registered; pluggy's validation and
   ``check_pending()`` (a misspelt hook name) are reported in Chinese (:mod:`.registration`).
3. **Ownership** (:mod:`.ownership`): the template sources are asked once; a plugin whose
   templates leave its namespace, or whose 机关代字 is a built-in one or another plugin's, is refused.

Hooks are called through pluggy (``pm.hook``), one plugin at a time, in the order pluggy itself
would call them (``tryfirst``/``trylast``, then last registered first), so a plugin's hook options and
wrappers take effect. Every answer is checked against the hook's declared type (:mod:`.contracts`):
an exception or a wrong answer sets that plugin's answer aside and marks the plugin **degraded**
with the reason; ``lianzheng plugins list``, ``status`` and the command that asked show it, and
``--strict-plugins`` turns it into a non-zero exit. Callers use the typed methods of
:class:`Plugins`, one per hook; no caller names a hook by a string.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib.resources.abc import Traversable
from typing import TYPE_CHECKING, Any

import pluggy

from ..errors import LianzhengError, TemplateError
from . import builtin as builtin_plugin
from . import hookspecs, ownership, registration
from .contracts import answer_type, mismatch
from .hookspecs import ENTRY_POINT_GROUP, ObligationSpec, UnitSpec
from .identity import ALLOW_ENV, AllowList, Candidate, candidates, normalise
from .ownership import describe_owner, normalise_prefix

if TYPE_CHECKING:
    import click

    from ..archive import Record
    from .sources import TemplateSource

__all__ = ["ALLOW_ENV", "DISABLE_ENV", "STATUS_LABELS", "STRICT_ENV", "PluginInfo", "Plugins", "get_plugins",
           "reset_plugins"]  # fmt: skip

DISABLE_ENV = "LIANZHENG_DISABLE_PLUGIN_AUTOLOAD"
#: set to 1 (like ``--strict-plugins``): a plugin that failed, was refused or degraded fails the command
STRICT_ENV = "LIANZHENG_STRICT_PLUGINS"
#: reserved plugin names: they own the templates that are not namespaced
RESERVED = ownership.LOCAL_OWNERS

STATUS_LABELS = {"loaded": "已加载", "degraded": "已降级", "failed": "失败", "refused": "已拒绝", "blocked": "已屏蔽"}


#: What a plugin's code may raise that takes only that plugin down: any error, and a ``sys.exit()``
#: in its import or a hook (which would otherwise end the command with the plugin's own exit code).
#: Ctrl+C (KeyboardInterrupt) is the user's and passes through.
_PLUGIN_FAULTS: tuple[type[BaseException], ...] = (Exception, SystemExit)


@dataclass
class PluginInfo:
    """What ``lianzheng plugins list`` shows of one plugin: who it is, where it came from, how it fared."""

    name: str
    distribution: str = ""
    version: str = ""
    #: the file the plugin's code was loaded from (or would be: its module, else its metadata folder)
    location: str = ""
    #: loaded | degraded (loaded, but a hook failed: see ``problems``) | failed | refused | blocked
    status: str = "loaded"
    #: why it failed, was refused or blocked
    reason: str = ""
    #: what degraded it, one line each: the hook and what went wrong
    problems: list[str] = field(default_factory=list)
    templates: list[str] = field(default_factory=list)
    hooks: list[str] = field(default_factory=list)
    #: the 机关代字 it owns (declared in its templates' manifests)
    prefixes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @property
    def usable(self) -> bool:
        return self.status in ("loaded", "degraded")

    @property
    def label(self) -> str:
        """已加载, 已降级 … as the tables show the status."""
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def explanation(self) -> str:
        """The reason, or the problems, on one line."""
        return "；".join([self.reason, *self.problems] if self.reason else self.problems)


class Plugins:
    """The plugin manager of one process: built-ins first, then installed plugins."""

    def __init__(self, *, autoload: bool | None = None, extra: dict[str, object] | None = None) -> None:
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.info: dict[str, PluginInfo] = {}
        #: what is wrong with the configuration (the allow-list), in Chinese
        self.warnings: list[str] = []
        #: 机关代字 -> its owner (``builtin`` or a plugin's name)
        self.prefixes: dict[str, str] = {}
        self._disabled: set[tuple[str, str]] = set()  # (plugin, hook) whose answers are set aside
        self._reported: set[str] = set()
        self._sources: list[tuple[str, TemplateSource]] = []
        from .. import __version__

        self._register("builtin", builtin_plugin, distribution="lianzheng-docs", version=__version__)
        if autoload is None:
            autoload = os.environ.get(DISABLE_ENV, "") not in ("1", "true", "yes")
        if autoload:
            self._load_entry_points()
        for name, plugin in sorted((extra or {}).items()):
            if name in self.info or name in RESERVED:
                self.info[f"{name} (extra)"] = PluginInfo(name, status="refused", reason=f"插件名 {name} 已被占用")
                continue
            self._register(name, plugin)
        self._claim_templates()

    # ------------------------------------------------------------------ loading

    def _load_entry_points(self) -> None:
        allow = AllowList.from_env()
        found = candidates(ENTRY_POINT_GROUP)
        admitted: dict[str, list[Candidate]] = {}
        for candidate in found:
            refusal = allow.refusal(candidate) if allow is not None else None
            if refusal is not None:
                self._add(PluginInfo(candidate.name, candidate.distribution, candidate.version, candidate.location,
                                     status="blocked", reason=refusal))  # fmt: skip
            else:
                admitted.setdefault(candidate.name, []).append(candidate)
        if allow is not None:
            self.warnings.extend(allow.warnings(found))
        for name, claimants in admitted.items():
            refusal = _identity_refusal(name, claimants)
            if refusal is not None:
                for c in claimants:
                    self._add(PluginInfo(name, c.distribution, c.version, c.location, status="refused", reason=refusal))
                continue
            (candidate,) = claimants
            try:
                plugin = candidate.entry.load()
            except _PLUGIN_FAULTS as exc:
                self._add(PluginInfo(name, candidate.distribution, candidate.version, candidate.location,
                                     status="failed", reason=f"导入失败：{type(exc).__name__}: {exc}"))  # fmt: skip
                continue
            self._register(name, plugin, distribution=candidate.distribution, version=candidate.version,
                           location=_file_of(plugin) or candidate.location)  # fmt: skip

    def _add(self, info: PluginInfo) -> None:
        """Keep ``info`` under its name, or beside another of the same name (``tzps (lianzheng-evil)``)."""
        key = info.name if info.name not in self.info else f"{info.name} ({info.distribution or len(self.info)})"
        self.info[key] = info

    def _register(self, name: str, plugin: object, *, distribution: str = "", version: str = "",
                  location: str = "") -> None:  # fmt: skip
        info = PluginInfo(name, distribution, version, location or _file_of(plugin))
        if name in self.info:  # a blocked claimant of the same name: it moves aside for the one registered
            aside = self.info.pop(name)
            self.info[f"{name} ({aside.distribution or len(self.info)})"] = aside
        self.info[name] = info
        try:
            self.pm.register(plugin, name=name)
        except Exception as exc:  # pluggy's validation: wrong arguments for a known hook, a wrapper without yield
            info.status, info.reason = "failed", registration.translate(exc)
            return
        try:
            self.pm.check_pending()  # the only check that sees a misspelt hook name
        except pluggy.PluginValidationError:
            callers = self.pm.get_hookcallers(plugin) or []
            unknown = [c.name for c in callers
                       if not c.has_spec() and not all(i.optionalhook for i in c.get_hookimpls())]  # fmt: skip
            self.pm.unregister(plugin)
            info.status, info.reason = "failed", registration.unknown_hooks(unknown)
            return
        callers = self.pm.get_hookcallers(plugin) or []
        info.hooks = sorted(c.name for c in callers if c.has_spec())
        functions = {impl.function.__name__ for c in callers for impl in c.get_hookimpls() if impl.plugin is plugin}
        bare = registration.unmarked(plugin, functions)
        marker = "（from lianzheng_docs.hookspecs import hookimpl）"
        if not info.hooks:
            self.pm.unregister(plugin)
            info.status = "failed"
            info.reason = (
                f"没有用 @hookimpl 标记的钩子：{'、'.join(bare)} 未加标记{marker}，不会被调用"
                if bare
                else f"没有实现任何钩子（用 @hookimpl 标记的 lianzheng_* 函数{marker}）"
            )
        elif bare:
            self.degrade(name, f"{'、'.join(bare)} 没有用 @hookimpl 标记{marker}，不会被调用")

    def _claim_templates(self) -> None:
        """Ask every plugin for its template sources once, and refuse those that claim what is not theirs."""
        sources: list[tuple[str, TemplateSource]] = []
        for name, answer in self._each("lianzheng_template_sources"):
            bad = next((s for s in answer if not isinstance(s.root, Traversable)), None)
            if bad is not None:
                self._degrade_hook(name, "lianzheng_template_sources",
                                   f"lianzheng_template_sources 的返回值中 TemplateSource 的 root 应为文件夹（Path 或 "
                                   f"importlib.resources.files(...)），实际是 {type(bad.root).__name__}")  # fmt: skip
                continue
            sources += [(name, source) for source in answer]
        refused, self.prefixes = ownership.refusals(sources)
        for name, reason in refused.items():
            if name == "builtin":  # pragma: no cover - the built-in plugin's sources name it
                continue
            info = self.info[name]
            info.status, info.reason = "refused", reason
        for prefix, owner in sorted(self.prefixes.items()):
            self.info[owner].prefixes.append(prefix)
        self._sources = [(name, source) for name, source in sources if name not in refused]

    # ------------------------------------------------------------------ state

    def loaded(self, name: str) -> bool:
        """Whether the plugin ``name`` is registered and in service (loaded, or degraded but working)."""
        info = self.info.get(name)
        return info is not None and info.usable and self.pm.get_plugin(name) is not None

    def mark_failed(self, name: str, reason: str) -> None:
        """Take the plugin ``name`` out of service, with the reason ``plugins list`` shows."""
        info = self.info.setdefault(name, PluginInfo(name))
        info.status, info.reason = "failed", reason
        for prefix in [p for p, owner in self.prefixes.items() if owner == name]:
            del self.prefixes[prefix]  # its templates are gone: nothing of it is numbered

    def degrade(self, name: str, problem: str) -> None:
        """Record that the plugin ``name`` gave something unusable (it stays in service for the rest)."""
        info = self.info.setdefault(name, PluginInfo(name))
        if problem not in info.problems:
            info.problems.append(problem)
        if info.status == "loaded":
            info.status = "degraded"

    def _degrade_hook(self, name: str, hook: str, problem: str) -> None:
        """Degrade ``name`` and set its answers to ``hook`` aside for the rest of the process."""
        self.degrade(name, problem)
        self._disabled.add((name, hook))

    def add_templates(self, name: str, template_ids: list[str]) -> None:
        """Record the templates the catalog took from the plugin ``name`` (a catalog built again adds none)."""
        info = self.info.setdefault(name, PluginInfo(name))
        info.templates.extend(tid for tid in template_ids if tid not in info.templates)

    def _problems(self) -> list[tuple[PluginInfo | None, str]]:
        found: list[tuple[PluginInfo | None, str]] = [
            (info, f"插件 {info.name}（{info.distribution or '未知的包'}）{info.label}：{info.explanation}")
            for info in sorted(self.info.values(), key=lambda i: (i.name, i.distribution))
            if info.status in ("degraded", "failed", "refused")
        ]
        return found + [(None, warning) for warning in self.warnings]

    def problems(self) -> list[str]:
        """Every plugin that is not fully in service (blocked ones aside: that was asked for) and every
        configuration warning, one line each, in Chinese."""
        return [line for _info, line in self._problems()]

    def unreported(self, *, brief: bool = False) -> list[str]:
        """The :meth:`problems` not yet shown, marking them shown (each is told once per process).

        :param brief: plugins that did not load (失败, 已拒绝) on one line, by name; what degraded a
            plugin in service and the warnings in full. For the note every command ends with.
        """
        fresh = [(info, line) for info, line in self._problems() if line not in self._reported]
        self._reported.update(line for _info, line in fresh)
        if not brief:
            return [line for _info, line in fresh]
        absent = sorted({info.name for info, _line in fresh if info is not None and not info.usable})
        out = [f"插件 {'、'.join(absent)} 未加载（失败或已拒绝），原因见 lianzheng plugins list"] if absent else []
        return out + [line for info, line in fresh if info is None or info.usable]

    # ------------------------------------------------------------------ calling

    def _caller(self, hook: str) -> pluggy.HookCaller:
        """The hook caller of a specified hook; a name without a specification is a bug here."""
        caller = getattr(self.pm.hook, hook, None)
        if not isinstance(caller, pluggy.HookCaller) or not caller.has_spec():
            raise AssertionError(f"no hook specification named {hook}")
        return caller

    def _order(self, hook: str) -> list[str]:
        caller = self._caller(hook)
        return list(dict.fromkeys(impl.plugin_name for impl in reversed(caller.get_hookimpls())))

    def _each(self, hook: str, **kwargs: Any) -> Iterator[tuple[str, Any]]:
        """(plugin name, answer) from every plugin in service implementing ``hook``, one plugin at a time.

        In pluggy's own call order. A plugin whose hook raises, or answers with the wrong type, is
        degraded and its answers to ``hook`` are set aside (whole: half a roster misleads more than
        none). An answer of None is left out, as pluggy leaves it out.
        """
        expected = answer_type(hook)
        for name in self._order(hook):
            if not self.loaded(name) or (name, hook) in self._disabled:
                continue
            try:
                answers = self._only(name, hook)(**kwargs)
            except _PLUGIN_FAULTS as exc:
                self._degrade_hook(name, hook, f"{hook} 出错：{type(exc).__name__}: {exc}")
                continue
            problem = next((p for p in (mismatch(answer, expected) for answer in answers) if p), None)
            if problem is not None:
                self._degrade_hook(name, hook, f"{hook} 的返回值{problem}，已弃用")
                continue
            for answer in answers:
                yield name, answer

    def _only(self, name: str, hook: str) -> pluggy.HookCaller:
        """``hook`` as pluggy calls it, with every plugin but ``name`` removed (options and wrappers kept)."""
        others = [plugin for other, plugin in self.pm.list_name_plugin() if other != name]
        return self.pm.subset_hook_caller(hook, remove_plugins=others)

    def _owner(self, owner: str, hook: str, **kwargs: Any) -> Any:
        """Ask only the plugin ``owner``; its errors name it. None when it does not implement ``hook``.

        Unlike :meth:`_each`, a failure is raised (the caller's document depends on the answer) and
        the hook is asked again next time.
        """
        self._caller(hook)
        if not self.loaded(owner):
            return None
        try:
            answer = self._only(owner, hook)(**kwargs)
        except LianzhengError:
            raise  # a plugin may reject data with the library's own errors (ValidationError)
        except _PLUGIN_FAULTS as exc:
            problem = f"{hook} 出错：{type(exc).__name__}: {exc}"
            self.degrade(owner, problem)
            raise TemplateError(f"插件 {owner} 的 {problem}") from exc
        wrong = mismatch(answer, answer_type(hook) | None)
        if wrong is not None:
            problem = f"{hook} 的返回值{wrong}"
            self.degrade(owner, problem)
            raise TemplateError(f"插件 {owner} 的 {problem}")
        return answer

    # ------------------------------------------------------------------ the hooks, typed

    def template_sources(self) -> list[tuple[str, TemplateSource]]:
        """(plugin name, source) for every template folder of the plugins in service (asked once, at load)."""
        return [(name, source) for name, source in self._sources if self.loaded(name)]

    def number_prefix(self, owner: str, template_id: str) -> str | None:
        """The 机关代字 the plugin ``owner`` asks for its template ``template_id``, if it answers.

        Only a 代字 the plugin owns (declared in one of its manifests) is accepted: any other is
        refused with its owner named, so no plugin numbers in another's sequence.
        """
        prefix = self._owner(owner, "lianzheng_number_prefix", template_id=template_id)
        if not prefix:
            return None
        holder = self.prefixes.get(normalise_prefix(prefix))
        if holder != owner:
            whose = f"属于{describe_owner(holder)}" if holder else "不是它在模板清单 [numbering] prefix 中声明的代字"
            problem = f"lianzheng_number_prefix 要用机关代字 {prefix} 给 {template_id} 编号，而 {prefix} {whose}"
            self.degrade(owner, problem)
            raise TemplateError(f"插件 {owner} 的 {problem}；插件只能用自己的代字编号")
        return str(prefix)

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
        hook = "lianzheng_record_filed"
        for name in self._order(hook):
            if not self.loaded(name):
                continue
            try:
                answers = self._only(name, hook)(record=record)
            except _PLUGIN_FAULTS as exc:
                problem = f"{hook} 出错：{type(exc).__name__}: {exc}"
            else:
                wrong = next((w for w in (mismatch(a, answer_type(hook)) for a in answers) if w), None)
                if wrong is None:
                    continue
                problem = f"{hook} 的返回值{wrong}"
            self.degrade(name, problem)
            problems.append(f"插件 {name} 的 {problem}")
        return problems


def _identity_refusal(name: str, claimants: list[Candidate]) -> str | None:
    """Why the plugin name ``name`` cannot be trusted to any of ``claimants``; None when it can."""
    if name in RESERVED:
        return f"插件名 {name} 保留给{describe_owner(name)}，不能由已安装的包使用"
    if not name or ":" in name or any(ch.isspace() for ch in name):
        return f"插件名 {name!r} 不能用作模板的名字空间（不能为空，不能含冒号或空白）"
    if len(claimants) > 1:
        listed = "、".join(c.label for c in claimants)
        pins = " 或 ".join(f"{normalise(c.distribution)}=={c.version}" for c in claimants if c.distribution)
        return (
            f"插件名 {name} 同时由 {len(claimants)} 个包声明：{listed}；无法判断哪个是真的，都不加载。"
            f"请卸载不该有的包，或在允许列表中写明包名和版本，只允许其中一个：{ALLOW_ENV}={pins}"
        )
    return None


def _file_of(plugin: object) -> str:
    """Where the code of ``plugin`` (a module, or an object of a class) lives."""
    target = plugin if inspect.ismodule(plugin) else type(plugin)
    try:
        return inspect.getfile(target)
    except (TypeError, OSError):
        return ""


_plugins: Plugins | None = None


def get_plugins() -> Plugins:
    """The process's plugin manager, loaded once on first use."""
    global _plugins
    if _plugins is None:
        _plugins = Plugins()
    return _plugins


def current_plugins() -> Plugins | None:
    """The process's plugin manager if something has loaded it, without loading it."""
    return _plugins


def reset_plugins() -> None:
    """Forget the loaded plugins (tests, or after installing one)."""
    global _plugins
    _plugins = None


def plugins_not_in_service() -> list[dict[str, str]]:
    """Plugins loaded but not fully in service (degraded, failed, refused), for a report to say that
    their obligations, roster or templates may be missing (``status --json``'s and the API's ``plugins``)."""
    plugins = current_plugins()
    if plugins is None:
        return []
    return [{"name": i.name, "distribution": i.distribution, "status": i.status, "reason": i.explanation}
            for i in plugins.info.values() if i.status in ("degraded", "failed", "refused")]  # fmt: skip
