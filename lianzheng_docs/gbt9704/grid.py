"""Characters per line on a document grid (5.2.3: 28 characters), as Word and LibreOffice lay them out.

Word's "指定行和字符网格" (``w:docGrid w:type="linesAndChars"``) stores the character pitch as
``charSpace``, in 1/4096 pt, relative to the size of the Normal style: pitch = base + charSpace/4096.
Word adds that difference to every character's advance, so at the base size a line holds
width / pitch characters: -849 at 16 pt gives 15.79 pt, 28 characters in 156 mm.

LibreOffice 7.4 instead lays characters into whole grid cells: a 16 pt glyph does not fit a
15.79 pt cell, takes two, and a line holds 14 (measured, GBT9704.md §1.1). The "character grid
only" type (``snapToChars``) snaps to whole cells in both.
"""

from __future__ import annotations

import math

from . import figures as G

#: charSpace units per point.
CHAR_SPACE_PER_PT = 4096


def pitch_pt(base_pt: float, char_space: int) -> float:
    """The grid's character pitch in points."""
    return base_pt + char_space / CHAR_SPACE_PER_PT


def word_chars_per_line(width_twips: int, base_pt: float, char_space: int, size_pt: float, grid: str) -> int:
    """Characters of ``size_pt`` on one line in Word."""
    width = width_twips / G.TWIPS_PER_PT
    delta = char_space / CHAR_SPACE_PER_PT
    if grid == "linesAndChars":
        return math.floor(width / (size_pt + delta) + 1e-6)
    return _cells(width, pitch_pt(base_pt, char_space), size_pt)


def libreoffice_chars_per_line(width_twips: int, base_pt: float, char_space: int, size_pt: float) -> int:
    """Characters of ``size_pt`` on one line in LibreOffice (whole cells per character)."""
    return _cells(width_twips / G.TWIPS_PER_PT, pitch_pt(base_pt, char_space), size_pt)


def _cells(width: float, pitch: float, size_pt: float) -> int:
    if pitch <= 0:
        return 0
    cells = math.floor(width / pitch + 1e-6)
    return cells // max(1, math.ceil(size_pt / pitch - 1e-6))
