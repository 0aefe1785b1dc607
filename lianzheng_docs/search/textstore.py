"""The normalised text of every indexed document, kept so that matches are checked exactly.

Whoosh finds candidates by character bigrams; whether the query really occurs, and how often, is
answered here by a substring count on the document's normalised UTF-8 bytes (UTF-8 is
self-synchronising, so a byte match is a character match). Checking positions in Whoosh's
phrase matcher costs pure-Python work per candidate: 1.7 s for a phrase in 16,000 of 20,000
documents, against ~35 ms here.

Beside the Whoosh index, ``texts.json`` names the current generation ``N`` of two append-only
files:

- ``texts-N.bin``: for each document, its normalised title, a NUL, its normalised body, a SOH;
- ``texts-N.idx``: for each document, four native-endian int64: record id, start, end of title,
  end of body (byte offsets into the ``.bin``).

A write appends the texts, fsyncs, then appends the entries and fsyncs, so an entry never points
at bytes that are not on disk; a torn entry at the tail (a writer killed mid-write) is ignored by
readers and cut off by the next writer. The last entry for an id wins, so a re-indexed document
needs no rewrite. A rebuild writes generation ``N+1`` aside and switches ``texts.json`` when it
is complete, so searches go on reading generation ``N`` until then. Readers memory-map the
``.bin``: opening costs one read of the ``.idx`` (0.6 MB for 20,000 documents).
"""

from __future__ import annotations

import json
import mmap
import os
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from ..errors import OutputError
from ..fileio import atomic_output
from .errors import SearchIndexError

POINTER = "texts.json"
FIELDS = 4  # id, start, title end, body end
ENTRY_BYTES = FIELDS * 8
TITLE_END, BODY_END = b"\x00", b"\x01"


Counts = tuple[int, int, int, int, int]
"""A record id; how often the query occurs in its title and its body; their lengths in bytes.
Plain tuples: a common query makes tens of thousands of them."""

WordCounts = tuple[int, Sequence[tuple[int, int]], int, int]
"""A record id; for each word of a query, how often it occurs in the title and the body; their lengths in bytes."""


class TextStore:
    """Read and append the normalised texts of one index folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._entries = array("q")
        self._starts = array("q")  # the start of every entry, ascending: which entry holds an offset
        self._slot_of: dict[int, int] = {}
        self._map: mmap.mmap | None = None
        self._file: BinaryIO | None = None
        self._entries_size = -1
        self._generation = -1
        self.total_title = 0
        self.total_body = 0

    # ------------------------------------------------------------------ files

    def generation(self) -> int:
        """The current generation (0 when the store was never written)."""
        try:
            return int(json.loads((self.folder / POINTER).read_text(encoding="utf-8"))["generation"])
        except (OSError, ValueError, KeyError, TypeError):
            return 0

    def paths(self, generation: int) -> tuple[Path, Path]:
        return self.folder / f"texts-{generation}.bin", self.folder / f"texts-{generation}.idx"

    def _publish(self, generation: int) -> None:
        """Make ``generation`` current, then delete the others (a reader may keep its mapping)."""
        write_json(self.folder / POINTER, {"generation": generation})
        for path in self.folder.glob("texts-*.*"):
            if path.suffix in (".bin", ".idx") and path.stem != f"texts-{generation}":
                try:
                    path.unlink()
                except OSError:
                    pass  # open elsewhere (Windows): the next publish removes it

    # ------------------------------------------------------------------ writing (under the index's lock)

    def reset(self) -> None:
        """Start empty in a new generation."""
        self.close()
        self.folder.mkdir(parents=True, exist_ok=True)
        generation = self.generation() + 1
        for path in self.paths(generation):
            path.write_bytes(b"")
        self._publish(generation)

    def append(self, documents: Iterable[tuple[int, str, str]]) -> None:
        """Add ``(id, normalised title, normalised body)`` entries to the current generation."""
        texts_path, entries_path = self.paths(self.generation())
        if not texts_path.exists() or not entries_path.exists():
            self.reset()
            texts_path, entries_path = self.paths(self.generation())
        _append(texts_path, entries_path, documents)

    def rebuild(self) -> Rebuild:
        """A new generation written aside; the current one serves readers until it is published."""
        self.folder.mkdir(parents=True, exist_ok=True)
        return Rebuild(self, self.generation() + 1)

    # ------------------------------------------------------------------ reading

    def refresh(self) -> None:
        """Load the entries again if a writer has added some, or published a rebuild, since the last look."""
        generation = self.generation()
        texts_path, entries_path = self.paths(generation)
        try:
            size = entries_path.stat().st_size
        except OSError as exc:
            raise SearchIndexError(f"检索文本库 {entries_path} 缺失：{exc}") from exc
        if (generation, size) == (self._generation, self._entries_size):
            return
        self.close()
        entries = array("q")
        data = entries_path.read_bytes()
        entries.frombytes(data[: len(data) - len(data) % ENTRY_BYTES])
        texts_size = texts_path.stat().st_size if texts_path.exists() else 0
        if entries and entries[-1] >= texts_size:
            raise SearchIndexError(f"检索文本库 {texts_path} 比其目录短，需要重建")
        # the last entry of an id wins
        slot_of = dict(zip(entries[0::FIELDS], range(0, len(entries), FIELDS), strict=True))
        starts, title_ends, body_ends = entries[1::FIELDS], entries[2::FIELDS], entries[3::FIELDS]
        if len(slot_of) == len(starts):  # no replaced entries: sum the columns at C speed
            total_title = sum(title_ends) - sum(starts)
            total_body = sum(body_ends) - sum(title_ends) - len(starts)
        else:
            total_title = sum(entries[slot + 2] - entries[slot + 1] for slot in slot_of.values())
            total_body = sum(entries[slot + 3] - entries[slot + 2] - 1 for slot in slot_of.values())
        if texts_size:
            handle = open(texts_path, "rb")
            self._file = handle
            self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        self._entries, self._slot_of, self._entries_size, self._generation = entries, slot_of, size, generation
        self._starts = starts
        self.total_title, self.total_body = total_title, total_body

    def close(self) -> None:
        if self._map is not None:
            self._map.close()
        if self._file is not None:
            self._file.close()
        self._map = self._file = None
        self._entries = array("q")
        self._starts = array("q")
        self._slot_of = {}
        self._entries_size = self._generation = -1

    def __len__(self) -> int:
        return len(self._slot_of)

    def count(self, needle: bytes, record_ids: Iterable[int]) -> Iterator[Counts]:
        """``(id, in title, in body, title length, body length)`` of those documents containing ``needle``.

        The loop that decides every candidate of a common query: tens of thousands of times,
        so it reads the arrays directly instead of calling per document.
        """
        text, entries, slot_of = self._map, self._entries, self._slot_of
        for record_id in record_ids:
            slot = slot_of.get(record_id)
            if slot is None or text is None:
                raise SearchIndexError(f"检索文本库缺少记录 {record_id}，需要重建")
            start, title_end, end = entries[slot + 1], entries[slot + 2], entries[slot + 3]
            document = text[start:end]
            split = title_end - start
            in_title, in_body = document.count(needle, 0, split), document.count(needle, split + 1)
            if in_title or in_body:
                yield record_id, in_title, in_body, split, end - title_end - 1

    def count_every(self, needles: list[bytes], record_ids: Iterable[int]) -> Iterator[WordCounts]:
        """``(id, [(in title, in body) per needle], title length, body length)`` of those documents holding
        every one of ``needles``, each in the title or the body (put the rarest first: a document is
        given up at the first needle it lacks)."""
        text, entries, slot_of = self._map, self._entries, self._slot_of
        for record_id in record_ids:
            slot = slot_of.get(record_id)
            if slot is None or text is None:
                raise SearchIndexError(f"检索文本库缺少记录 {record_id}，需要重建")
            start, title_end, end = entries[slot + 1], entries[slot + 2], entries[slot + 3]
            document = text[start:end]
            split = title_end - start
            counts = []
            for needle in needles:
                in_title, in_body = document.count(needle, 0, split), document.count(needle, split + 1)
                if not (in_title or in_body):
                    break
                counts.append((in_title, in_body))
            else:
                yield record_id, counts, split, end - title_end - 1

    def scan(self, needle: bytes) -> Iterator[Counts]:
        """The same for every current document containing ``needle``, found by reading the texts through.

        For a query too common for postings to narrow down (a single character is in most
        documents), ``mmap.find`` jumping from match to match, then past the matching document,
        is the cheapest way to the exact set.
        """
        if self._map is None or not needle:
            return
        text, entries, starts, slot_of = self._map, self._entries, self._starts, self._slot_of
        at = text.find(needle)
        while at != -1:
            slot = (bisect_right(starts, at) - 1) * FIELDS
            record_id, start, title_end, end = entries[slot : slot + FIELDS]
            if slot_of.get(record_id) == slot:  # not an entry a later one replaced
                document = text[start:end]
                split = title_end - start
                yield record_id, document.count(needle, 0, split), document.count(needle, split + 1), split, \
                    end - title_end - 1  # fmt: skip
            at = text.find(needle, end)


class Rebuild:
    """Generation ``generation`` of a store, filled aside and then published (or discarded)."""

    def __init__(self, store: TextStore, generation: int) -> None:
        self.store, self.generation = store, generation
        for path in store.paths(generation):
            path.write_bytes(b"")

    def append(self, documents: Iterable[tuple[int, str, str]]) -> None:
        _append(*self.store.paths(self.generation), documents)

    def publish(self) -> None:
        self.store._publish(self.generation)

    def discard(self) -> None:
        for path in self.store.paths(self.generation):
            path.unlink(missing_ok=True)


def write_json(path: Path, value: object) -> None:
    """Replace a small JSON file of the index (``texts.json``, ``state.json``) whole, or not at all.

    A failure is the index's: :class:`SearchIndexError`, which the archive treats as it treats
    any fault of the derived index (a warning after filing, a rebuild before searching).
    """
    try:
        with atomic_output(path, overwrite=True) as handle:
            handle.write(json.dumps(value).encode("utf-8"))
    except OutputError as exc:
        raise SearchIndexError(f"检索索引无法更新：{exc.message}") from exc


def _append(texts_path: Path, entries_path: Path, documents: Iterable[tuple[int, str, str]]) -> None:
    """Texts first and fsynced, then their entries: an entry never points past what is on disk."""
    size = entries_path.stat().st_size
    if size % ENTRY_BYTES:  # a writer died in the middle of an entry
        with open(entries_path, "r+b") as out:
            out.truncate(size - size % ENTRY_BYTES)
    with open(texts_path, "ab") as texts:
        start = texts.tell()
        blob = bytearray()
        entries = array("q")
        for record_id, title, body in documents:
            first = start + len(blob)
            blob += title.encode("utf-8") + TITLE_END
            title_end = start + len(blob) - 1
            blob += body.encode("utf-8") + BODY_END
            entries.extend((record_id, first, title_end, start + len(blob) - 1))
        texts.write(blob)
        texts.flush()
        os.fsync(texts.fileno())
    with open(entries_path, "ab") as out:
        out.write(entries.tobytes())
        out.flush()
        os.fsync(out.fileno())
