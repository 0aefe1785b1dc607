"""What a plugin author imports: the :data:`hookimpl` marker and the hook specifications.

The specifications live in :mod:`lianzheng_docs.plugins.hookspecs`; this module is the stable
name plugins use (``from lianzheng_docs.hookspecs import hookimpl``).
"""

from __future__ import annotations

from .plugins.hookspecs import (
    PROJECT,
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

__all__ = [
    "PROJECT",
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
