"""检查考核 (二（九）, 三（四）): the plan, the score sheet and the 通报 of the results."""

from __future__ import annotations

from collections.abc import Callable

from lianzheng_docs.layout.builder import GongwenDocument

BUILDERS: dict[str, Callable[[], GongwenDocument]] = {}
