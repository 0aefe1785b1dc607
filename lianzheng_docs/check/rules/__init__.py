"""The checker's rules, one function per rule, grouped by the part of the document they judge.

Each rule takes a :class:`Context` and yields :class:`Finding` objects; ``RULES`` lists them
in the order their findings are reported (page, 版头, 主体, 版记 and page numbers, then what Word and
LibreOffice show differently because of how the file is written).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ..findings import Finding
from .context import Context
from .end import END_RULES
from .header import HEADER_RULES
from .markup import MARKUP_RULES
from .page import PAGE_RULES
from .text import TEXT_RULES

Rule = Callable[[Context], Iterator[Finding]]

RULES: list[Rule] = [*PAGE_RULES, *HEADER_RULES, *TEXT_RULES, *END_RULES, *MARKUP_RULES]

__all__ = ["RULES", "Context", "Rule"]
