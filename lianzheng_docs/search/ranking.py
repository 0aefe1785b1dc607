"""The order of search results: exact 文号/档号 and title matches first, then BM25 on exact counts.

The counts come from the text store, so they are the real number of times the query occurs in
a document's title and body, not an estimate from words or bigrams. BM25 saturates them and
normalises by length; a query in the title weighs three times one in the body. The IDF is the
same for every document of a one-phrase query, so it only scales the reported scores. A query
of several words (:func:`rank_words`) sums each word's BM25 weighted by the word's IDF, so that
the rarer word counts for more.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .textstore import Counts, WordCounts

TITLE_WEIGHT = 3.0  # a query in the title counts as much as three in the body
K1, B = 1.2, 0.75  # BM25's usual saturation and length normalisation

Key = tuple[bool, bool, float, int]  # 文号/档号 is the query, title is the query, score, record id


@dataclass(frozen=True)
class Collection:
    """What BM25 needs to know of all indexed documents: how many, and their lengths in bytes."""

    documents: int
    title_bytes: int
    body_bytes: int


def rank(
    matches: Iterable[Counts], numbered: set[int], query_bytes: int, collection: Collection, *, limit: int
) -> tuple[int, list[tuple[float, int]]]:
    """How many documents match, and the best ``limit`` as (score, record id), best first.

    ``matches`` are the documents containing the query; ``numbered`` the record ids whose 文号 or
    档号 is the query (they rank first, even when their text does not contain it). Ties go to
    the newer record.
    """
    documents = max(collection.documents, 1)
    title_norm = K1 * B / max(collection.title_bytes / documents, 1.0)
    body_norm = K1 * B / max(collection.body_bytes / documents, 1.0)
    base = K1 * (1.0 - B)
    heap: list[Key] = []
    in_text = 0
    unseen = set(numbered)
    for record_id, in_title, in_body, title_length, body_length in matches:
        in_text += 1
        score = 0.0
        if in_title:
            score += TITLE_WEIGHT * in_title * (K1 + 1.0) / (in_title + base + title_norm * title_length)
        if in_body:
            score += in_body * (K1 + 1.0) / (in_body + base + body_norm * body_length)
        unseen.discard(record_id)
        _keep(heap, (record_id in numbered, in_title == 1 and title_length == query_bytes, score, record_id), limit)
    for record_id in unseen:  # numbered records whose text does not hold the query
        _keep(heap, (True, False, 0.0, record_id), limit)
    return in_text + len(unseen), [(score * idf(documents, in_text), record_id)
                                   for _, _, score, record_id in sorted(heap, reverse=True)]  # fmt: skip


def idf(documents: int, containing: int) -> float:
    """BM25's inverse document frequency of a word found in ``containing`` of ``documents``."""
    return math.log(1.0 + (documents - containing + 0.5) / (containing + 0.5))


def rank_words(
    matches: Iterable[WordCounts], numbered: set[int], weights: Sequence[float], collection: Collection, *, limit: int
) -> tuple[int, list[tuple[float, int]]]:
    """As :func:`rank`, for a query of several words: ``matches`` are the documents holding every word.

    A document's score is the sum over the words of ``weight`` × the word's BM25 (title counted
    :data:`TITLE_WEIGHT` times); ``weights`` are the words' IDFs, in the order of the counts.
    Records whose 文号 or 档号 is the query (typed with spaces) rank first, as for one word.
    """
    documents = max(collection.documents, 1)
    title_norm = K1 * B / max(collection.title_bytes / documents, 1.0)
    body_norm = K1 * B / max(collection.body_bytes / documents, 1.0)
    base = K1 * (1.0 - B)
    heap: list[Key] = []
    found = 0
    unseen = set(numbered)
    for record_id, counts, title_length, body_length in matches:
        found += 1
        title_part = base + title_norm * title_length
        body_part = base + body_norm * body_length
        score = 0.0
        for weight, (in_title, in_body) in zip(weights, counts, strict=True):
            if in_title:
                score += weight * TITLE_WEIGHT * in_title * (K1 + 1.0) / (in_title + title_part)
            if in_body:
                score += weight * in_body * (K1 + 1.0) / (in_body + body_part)
        unseen.discard(record_id)
        _keep(heap, (record_id in numbered, False, score, record_id), limit)
    for record_id in unseen:
        _keep(heap, (True, False, 0.0, record_id), limit)
    return found + len(unseen), [(score, record_id) for _, _, score, record_id in sorted(heap, reverse=True)]


def _keep(heap: list[Key], key: Key, limit: int) -> None:
    """Keep ``key`` among the best ``limit`` keys in ``heap`` (a min-heap)."""
    if len(heap) < limit:
        heapq.heappush(heap, key)
    elif limit > 0 and key > heap[0]:
        heapq.heapreplace(heap, key)
