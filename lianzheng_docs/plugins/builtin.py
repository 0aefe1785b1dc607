"""The built-in templates, provided through the same hooks an installed plugin uses."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .hookspecs import hookimpl

if TYPE_CHECKING:
    from ..templating.catalog import TemplateSource


@hookimpl
def lianzheng_template_sources() -> list[TemplateSource]:
    from ..templating.catalog import TemplateSource

    return [TemplateSource.builtin()]
