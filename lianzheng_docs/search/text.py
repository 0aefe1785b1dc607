"""How Chinese text is cut for search, and how matches are shown.

Search must find every document that contains the query as a substring (recall 1.0 against
grep) and nothing else. Word segmenters cannot promise that (jieba misses 生态环境 inside
生态环境保护 and splits 主体责任), so the index holds the character bigrams of a normalised text
to find candidates, and the normalised text itself decides: a document matches when the
normalised query occurs in it. Normalisation (NFKC, lower case, no white space or control
characters) is applied to the text and
the query alike, so full-width and half-width forms and the spaces extractors insert between
Han characters and digits do not hide a match.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

_NORMALISED: dict[str, str] = {}


def normalise_char(char: str) -> str:
    """What one character becomes: NFKC, lower case; white space and control characters vanish."""
    known = _NORMALISED.get(char)
    if known is None:
        if char.isspace() or unicodedata.category(char) == "Cc":
            known = ""
        else:
            known = unicodedata.normalize("NFKC", char).lower()
        if len(_NORMALISED) < 65536:  # a document's alphabet is small; the cache stays bounded anyway
            _NORMALISED[char] = known
    return known


def normalise(text: str) -> str:
    return "".join(map(normalise_char, text))


def normalise_with_map(text: str) -> tuple[str, list[int]]:
    """The normalised text and, for each of its characters, the index it came from in ``text``."""
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for piece in normalise_char(char):
            out.append(piece)
            origin.append(index)
    return "".join(out), origin


def bigrams(normalised: str) -> list[str]:
    """Overlapping pairs of characters; a one-character text is its own single token."""
    if len(normalised) < 2:
        return [normalised] if normalised else []
    return [normalised[i : i + 2] for i in range(len(normalised) - 1)]


@dataclass(frozen=True)
class Fragment:
    text: str  # with the match in 【】
    start: int  # offsets of the match in the original text
    end: int


def fragments(text: str, query: str, *, limit: int = 3, context: int = 24) -> list[Fragment]:
    """Where ``query`` occurs in ``text``: short excerpts with the match in 【】 and its offsets."""
    needle = normalise(query)
    if not needle:
        return []
    haystack, origin = normalise_with_map(text)
    found: list[Fragment] = []
    at = haystack.find(needle)
    while at != -1 and len(found) < limit:
        start, end = origin[at], origin[at + len(needle) - 1] + 1
        before = text[max(0, start - context) : start].replace("\n", "")
        after = text[end : end + context].replace("\n", "")
        prefix = "…" if start > context else ""
        suffix = "…" if end + context < len(text) else ""
        match = text[start:end].replace("\n", "")
        found.append(Fragment(f"{prefix}{before}【{match}】{after}{suffix}", start, end))
        at = haystack.find(needle, at + len(needle))
    return found
