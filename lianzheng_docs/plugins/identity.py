"""Who a plugin is: its entry-point name, the distribution that provides it, where it is installed,
and whether the deployment's allow-list (``LIANZHENG_PLUGINS``) admits it.

A plugin is known by the name of its entry point, and that name namespaces its templates. Any
installed package can declare any name, so the name alone proves nothing: two distributions that
declare the same name are both refused (:mod:`.manager`), and the allow-list can name the
distribution and pin its version.

The allow-list (:data:`ALLOW_ENV`), comma-separated; each item is one of

``tzps``
    a plugin (entry-point) name: any distribution providing the plugin ``tzps``;
``lianzheng-tzps``
    a distribution name (``-``, ``_`` and ``.`` alike, case ignored): every plugin it provides;
``lianzheng-tzps==1.2.0`` or ``tzps==1.2.0``
    the same, only when the providing distribution's version is exactly ``1.2.0``.

Unset, every installed plugin loads; set but empty (``LIANZHENG_PLUGINS=``), none does (the
built-in templates always load). An item that matches no installed plugin or distribution is
warned about; so is one written in another form (``>=``, spaces), which admits nothing.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata
from typing import Any

__all__ = ["ALLOW_ENV", "AllowList", "Candidate", "candidates", "normalise"]

ALLOW_ENV = "LIANZHENG_PLUGINS"
_ITEM = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(?:==(?P<version>[A-Za-z0-9.+!_-]+))?$")


def normalise(name: str) -> str:
    """A distribution name as packaging compares it (PEP 503): ``Lianzheng_TZPS`` is ``lianzheng-tzps``."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass
class Candidate:
    """One entry point of the plugin group, before anything of it is imported."""

    entry: metadata.EntryPoint
    name: str
    distribution: str
    version: str
    location: str

    @property
    def label(self) -> str:
        """``lianzheng-tzps 0.1.0（/…/site-packages/lianzheng_tzps/plugin.py）`` for messages."""
        where = f"（{self.location}）" if self.location else ""
        return f"{self.distribution or '（未知的包）'} {self.version}{where}".strip()


def candidates(group: str) -> list[Candidate]:
    """Every entry point of ``group``, with its distribution and file, in (name, distribution) order."""
    found = []
    for entry in metadata.entry_points(group=group):
        dist = getattr(entry, "dist", None)
        found.append(
            Candidate(
                entry,
                entry.name,
                dist.name if dist is not None else "",
                dist.version if dist is not None else "",
                _location(dist, entry.module) if dist is not None else "",
            )
        )
    return sorted(found, key=lambda c: (c.name, normalise(c.distribution)))


def _location(dist: metadata.Distribution, module: str) -> str:
    """The file of the entry point's module as the distribution recorded it, else its metadata folder."""
    stem = module.replace(".", "/")
    for file in dist.files or []:
        if file.as_posix() in (f"{stem}.py", f"{stem}/__init__.py"):
            return str(dist.locate_file(file))
    path: Any = getattr(dist, "_path", None)  # PathDistribution: its .dist-info folder
    return str(path) if path is not None else ""


@dataclass(frozen=True)
class _Item:
    text: str
    name: str
    version: str | None


class AllowList:
    """The parsed value of ``LIANZHENG_PLUGINS``; ``None`` from :meth:`from_env` when it is unset."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.items: list[_Item] = []
        #: items written in a form the list does not know; they admit nothing
        self.malformed: list[str] = []
        for raw in text.split(","):
            item = raw.strip()
            if not item:
                continue
            found = _ITEM.match(item)
            if found is None:
                self.malformed.append(item)
                continue
            self.items.append(_Item(item, found["name"], found["version"]))

    @classmethod
    def from_env(cls) -> AllowList | None:
        text = os.environ.get(ALLOW_ENV)
        return None if text is None else cls(text)

    def _matching(self, candidate: Candidate) -> list[_Item]:
        dist = normalise(candidate.distribution)
        return [i for i in self.items if i.name.lower() == candidate.name.lower() or normalise(i.name) == dist]

    def refusal(self, candidate: Candidate) -> str | None:
        """Why the list blocks ``candidate`` (in Chinese), or None when it admits it."""
        if not self.items:
            return f"允许列表 {ALLOW_ENV} 为空：不加载任何已安装的插件"
        matching = self._matching(candidate)
        if not matching:
            return f"不在允许列表 {ALLOW_ENV} 中"
        for item in matching:
            if item.version is not None and item.version != candidate.version:
                return (
                    f"允许列表 {ALLOW_ENV} 要求 {item.text}，已安装的 {candidate.distribution or candidate.name} "
                    f"是 {candidate.version or '（无版本）'}"
                )
        return None

    def warnings(self, installed: Iterable[Candidate]) -> list[str]:
        """Items that match no installed plugin or distribution, and items in an unknown form."""
        installed = list(installed)
        notes = [
            f"{ALLOW_ENV} 中的 {item!r} 写法无法识别，未允许任何插件（写插件名 tzps、包名 lianzheng-tzps，"
            "或固定版本 lianzheng-tzps==1.2.0，以逗号分隔）"
            for item in self.malformed
        ]
        matched = {id(item) for candidate in installed for item in self._matching(candidate)}
        known = "、".join(sorted({f"{c.name}（{c.distribution}）" for c in installed})) or "无"
        notes += [
            f"{ALLOW_ENV} 中的 {item.text} 不是已安装的插件名或插件包名（已安装的插件：{known}）"
            for item in self.items
            if id(item) not in matched
        ]
        return notes
