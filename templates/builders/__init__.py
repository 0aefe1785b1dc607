"""The builders of the built-in .docx templates, one module per part of the 实施办法.

Each function lays out one template with :class:`~lianzheng_docs.layout.builder.GongwenDocument`,
so every layout figure comes from GB/T 9704 (``lianzheng_docs/gbt9704/figures.py``) and the result
is the same file every time. The text between ``{{ }}`` and the ``{%p %}``/``{%tr %}`` tags is
docxtpl's; every variable used is declared in the template's manifest (``<id>.toml``). Shared
pieces (loops, 版头, closing, 回执, 版记, 附件) live in :mod:`.pieces`.
"""

from __future__ import annotations

from collections.abc import Callable

from lianzheng_docs.layout.builder import GongwenDocument

from . import accountability, assessment, reports, responsibility, supervision

#: Template id → the function that lays it out; ``build.py`` writes ``<id>.docx`` for each.
BUILDERS: dict[str, Callable[[], GongwenDocument]] = {
    **responsibility.BUILDERS,
    **reports.BUILDERS,
    **supervision.BUILDERS,
    **accountability.BUILDERS,
    **assessment.BUILDERS,
}
