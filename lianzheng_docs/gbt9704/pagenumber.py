"""页码 (GB/T 9704-2012 7.5): the number between two 一字线, "— 1 —".

The dashes are the 一字线 "—" (U+2014), not hyphens, with a space between each and the number.
The layout kit writes :data:`BEFORE`, a PAGE field and :data:`AFTER`; the checker reads a footer
or a PDF line against :data:`PAGE_NUMBER`. Size, face and position are in :mod:`.figures`.
"""

from __future__ import annotations

import re
from typing import Final

#: 一字线, on each side of the number.
DASH: Final = "\u2014"
#: What comes before and after the number.
BEFORE: Final = f"{DASH} "
AFTER: Final = f" {DASH}"
#: A page number as it reads: — 12 — (any spacing around the number).
PAGE_NUMBER: Final = re.compile(rf"^{DASH}\s*\d+\s*{DASH}$")


def page_number(number: int) -> str:
    """The text of page ``number``: — 1 —."""
    return f"{BEFORE}{number}{AFTER}"
