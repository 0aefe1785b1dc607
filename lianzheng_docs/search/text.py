"""How Chinese text is cut for search, and how matches are shown.

Search must find every document that contains the query as a substring (recall 1.0 against
grep) and nothing else. Word segmenters cannot promise that (jieba misses 生态环境 inside
生态环境保护 and splits 主体责任), so the index holds the character bigrams of a normalised text
to find candidates, and the normalised text itself decides: a document matches when the
normalised query occurs in it. Normalisation (NFKC, lower case, no white space or control
characters, one pair of brackets) is applied to the text and the query alike, so full-width and
half-width forms, the spaces extractors insert between Han characters and digits, and a 文号
typed with the keyboard's brackets (X财廉告[2026]2号 for X财廉告〔2026〕2号) do not hide a match.

Brackets are folded character by character, never by context (only around a year, say): a
substring of a text then stays a substring once both are normalised, so a query that is part of
a 文号 (``2026]2号``) finds it as surely as the whole one.

White space in a query separates words (:func:`words`): a document matches when it holds every
word, each matched as above; a query of one word is the substring search it always was.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

#: What the brackets a clerk may type for the 六角括号 of a 文号 become once normalised (after NFKC,
#: which has already made ［］（） the ASCII [] ()): 〔 and 〕, the standard's own (GB/T 9704 7.2.5).
BRACKETS: dict[str, str] = {"[": "〔", "(": "〔", "【": "〔", "]": "〕", ")": "〕", "】": "〕"}

_NORMALISED: dict[str, str] = {}


def normalise_char(char: str) -> str:
    """What one character becomes: NFKC, lower case, brackets as 〔〕; white space and control characters vanish."""
    known = _NORMALISED.get(char)
    if known is None:
        if char.isspace() or unicodedata.category(char) == "Cc":
            known = ""
        else:
            known = "".join(BRACKETS.get(c, c) for c in unicodedata.normalize("NFKC", char).lower())
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


def words(query: str) -> list[str]:
    """The normalised words of a query, once each, in order: white space separates them.

    ``国库科 告知书`` -> ``["国库科", "告知书"]``; a word that normalises to nothing (control
    characters only) is no word. An empty list: nothing to look for.
    """
    return [word for word in dict.fromkeys(normalise(part) for part in query.split()) if word]


def bigrams(normalised: str) -> list[str]:
    """Overlapping pairs of characters; a one-character text is its own single token."""
    if len(normalised) < 2:
        return [normalised] if normalised else []
    return [normalised[i : i + 2] for i in range(len(normalised) - 1)]


def spans(text: str, needles: Sequence[str], *, per_needle: int | None = None) -> list[tuple[int, int]]:
    """Where any of ``needles`` (normalised words) occurs in ``text``, as ``[start, end)`` offsets into ``text``.

    Matches are found in the normalised text, as the engine finds them; matches that overlap or
    touch there are one span (``国库科告知书`` for 国库科 and 告知书), in order. ``per_needle``
    bounds the occurrences looked at for each needle (the first ones).
    """
    haystack, origin = normalise_with_map(text)
    found: list[tuple[int, int]] = []
    for needle in needles:
        if not needle:
            continue
        at = haystack.find(needle)
        count = 0
        while at != -1 and (per_needle is None or count < per_needle):
            found.append((at, at + len(needle)))
            count += 1
            at = haystack.find(needle, at + len(needle))
    merged: list[list[int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(origin[start], origin[end - 1] + 1) for start, end in merged]


@dataclass(frozen=True)
class Fragment:
    text: str  # with the match in 【】
    start: int  # offsets of the match in the original text
    end: int


def fragments(text: str, query: str, *, limit: int = 3, context: int = 24) -> list[Fragment]:
    """Where the words of ``query`` occur in ``text``: short excerpts, each with one match in 【】 and its offsets.

    Matches of different words that touch are one match. Of a query of several words, the first
    match of each word is shown before a word's second, so every word is seen when ``limit`` allows;
    the excerpts are in the order of the text.
    """
    needles = words(query)
    if not needles:
        return []
    found = spans(text, needles, per_needle=limit)
    chosen: list[tuple[int, int]] = []
    for needle in needles:  # the first match holding each word
        first = next((span for span in found if needle in normalise(text[span[0] : span[1]])), None)
        if first is not None and first not in chosen and len(chosen) < limit:
            chosen.append(first)
    for span in found:  # then the rest in the order of the text
        if len(chosen) >= limit:
            break
        if span not in chosen:
            chosen.append(span)
    excerpts: list[Fragment] = []
    for start, end in sorted(chosen):
        before = text[max(0, start - context) : start].replace("\n", "")
        after = text[end : end + context].replace("\n", "")
        prefix = "…" if start > context else ""
        suffix = "…" if end + context < len(text) else ""
        match = text[start:end].replace("\n", "")
        excerpts.append(Fragment(f"{prefix}{before}【{match}】{after}{suffix}", start, end))
    return excerpts
