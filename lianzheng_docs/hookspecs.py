"""What a plugin author imports: the :data:`hookimpl` marker, the hook specifications and the
types the hooks return (:class:`TemplateSource`, :class:`UnitSpec`, :class:`ObligationSpec`).

The specifications live in :mod:`lianzheng_docs.plugins.hookspecs`; this module is the stable
name plugins use (``from lianzheng_docs.hookspecs import hookimpl``).
"""

from __future__ import annotations

from .plugins.hookspecs import (
    ENTRY_POINT_GROUP,
    PROJECT,
    ObligationSpec,
    UnitSpec,
    hookimpl,
    hookspec,
    lianzheng_commands,
    lianzheng_number_prefix,
    lianzheng_obligations,
    lianzheng_prepare_data,
    lianzheng_record_filed,
    lianzheng_template_sources,
    lianzheng_units,
)
from .plugins.sources import TemplateSource

__all__ = [
    "ENTRY_POINT_GROUP",
    "PROJECT",
    "ObligationSpec",
    "TemplateSource",
    "UnitSpec",
    "hookimpl",
    "hookspec",
    "lianzheng_commands",
    "lianzheng_number_prefix",
    "lianzheng_obligations",
    "lianzheng_prepare_data",
    "lianzheng_record_filed",
    "lianzheng_template_sources",
    "lianzheng_units",
]
