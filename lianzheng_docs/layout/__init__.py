"""GB/T 9704-2012 layout: a builder for templates (:mod:`.builder`), and the 附件说明 and 附件 pages
(:mod:`.attachment`); the standard's figures are :mod:`lianzheng_docs.gbt9704.figures`."""

from .builder import SEAL_OPTIONS, GongwenDocument, Signatory, Span

__all__ = ["SEAL_OPTIONS", "GongwenDocument", "Signatory", "Span"]
