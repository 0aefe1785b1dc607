"""Where a plugin's templates are: the value ``lianzheng_template_sources`` returns.

A :class:`TemplateSource` only names a folder (or a package's resources) and its owner; the
catalog (:mod:`lianzheng_docs.templating.catalog`) reads the manifests and .docx files in it.
Keeping the two apart lets the plugin layer sit below templating: the manager and the built-in
plugin never import the template machinery.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

BUILTIN_PACKAGE = "lianzheng_docs.builtin_templates"


@dataclass(frozen=True)
class TemplateSource:
    """A place templates are read from, and who owns them (``builtin``, ``local`` or a plugin's name)."""

    owner: str
    root: Traversable

    @classmethod
    def builtin(cls) -> TemplateSource:
        """The templates shipped with lianzheng-docs (``templates/`` in a checkout)."""
        return cls("builtin", resources.files(BUILTIN_PACKAGE))

    @classmethod
    def folder(cls, path: str | Path, owner: str = "local") -> TemplateSource:
        """A folder of ``<id>.toml`` manifests beside their ``.docx`` files."""
        return cls(owner, Path(path))

    @classmethod
    def package(cls, package: str, owner: str) -> TemplateSource:
        """Templates shipped as package data of ``package`` (found the same way in a wheel)."""
        return cls(owner, resources.files(package))
