"""GB/T 9704-2012 layout: the standard's figures (:mod:`.gbt9704`) and a builder for templates."""

from .builder import SEAL_OPTIONS, GongwenDocument, Signatory, Span

__all__ = ["SEAL_OPTIONS", "GongwenDocument", "Signatory", "Span"]
