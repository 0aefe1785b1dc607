"""Finishing: what a document needs once it is laid out (GB/T 9704 7.4, 7.5).

Rendering fills a template; only a layout shows where the pages break. This layer lays rendered
documents out with LibreOffice, reads the pages (:mod:`lianzheng_docs.check.rendered`) and fixes
what depends on pagination: the 版记 on the last, even page, with the pages after the body
unnumbered. It sits above templating, the PDF converter and the checker's page reader; the CLI
and the duties call it, and the archive is handed it as a callable.
"""

from __future__ import annotations

from .imprint import Move, has_imprint, move_imprint
from .pipeline import NOT_VERIFIED, Finished, PaginationError, finish

__all__ = ["NOT_VERIFIED", "Finished", "Move", "PaginationError", "finish", "has_imprint", "move_imprint"]
