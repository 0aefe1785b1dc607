"""The built-in plugin: lianzheng-docs' own templates, provided through the same hook an installed
plugin uses, so the catalog has one way in for every template."""

from __future__ import annotations

from .hookspecs import hookimpl
from .sources import TemplateSource


@hookimpl
def lianzheng_template_sources() -> list[TemplateSource]:
    """The templates shipped with the library."""
    return [TemplateSource.builtin()]
