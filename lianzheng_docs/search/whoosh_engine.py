"""The search engine on Whoosh-Reloaded: bigram postings find candidates, exact counts decide.

Search must return every document that contains the query as a substring and nothing else. Whoosh
holds, per document, the set of its character bigrams (no positions), the exact 文号 and 档号, the
filter fields and the stored fields shown in results (layout in :mod:`.whoosh_schema`). A
query's candidates are the documents holding its two rarest bigrams; the
:class:`~.textstore.TextStore` beside the index then counts the query in each candidate's
normalised title and body, which both removes false candidates and gives the term frequencies
that rank the rest (:mod:`.ranking`). One-character queries scan the text store instead. A
query of several words (white space between them) finds the documents holding every word: the
candidates of each word intersected, then each word counted in what is left.
Whoosh's positional phrase matcher would answer the same question, but in pure Python per
candidate: 1.7 s for a phrase found in 16,000 of 20,000 documents, against tens of
milliseconds this way.

Measured traps this module guards against: Whoosh's default analyzer finds nothing in Chinese;
``AsyncWriter`` in a process that exits loses writes silently, so writes use a plain writer with
a lock timeout and raise a typed error; when ``add_document`` raises for one document the
writer carries its terms into the next, so every document is checked before any is added and a
failing batch is cancelled; Whoosh never fsyncs, so the index is treated as rebuildable. A
``state.json`` beside the index records the schema version and the last record id indexed.
"""

from __future__ import annotations

import contextlib
import json
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.index import LockError
from whoosh.query import And, Every, Not, NumericRange, Query, Term, TermRange
from whoosh.writing import CLEAR

from .engine import Hit, IndexedDocument, SearchQuery, SearchResult
from .errors import EmptyQuery, SearchIndexError
from .ranking import Collection, idf, rank, rank_words
from .text import bigrams, fragments, normalise, words
from .textstore import Counts, TextStore, WordCounts, write_json
from .whoosh_schema import INDEX_NAME, SCHEMA_VERSION, document_fields, make_schema, record_ids


class WhooshEngine:
    def __init__(self, folder: Path, *, lock_timeout: float = 30.0) -> None:
        self.folder = folder
        self.lock_timeout = lock_timeout
        self.texts = TextStore(folder)
        self._index: Any = None
        self._searcher: Any = None  # kept open between searches; refreshed when the index changes
        self._rids: array[int] | None = None  # record id by document number, for the current searcher
        self._docnum_of: dict[int, int] | None = None  # and back, for live documents

    # ------------------------------------------------------------------ index lifecycle

    @property
    def _state_path(self) -> Path:
        return self.folder / "state.json"

    def _state(self) -> dict[str, int]:
        try:
            data = json.loads(self._state_path.read_text(encoding="utf-8"))
            return {"schema_version": int(data["schema_version"]), "last_id": int(data["last_id"])}
        except (OSError, ValueError, KeyError, TypeError):
            return {"schema_version": 0, "last_id": 0}

    def _write_state(self, last_id: int) -> None:
        write_json(self._state_path, {"schema_version": SCHEMA_VERSION, "last_id": last_id})

    def _open(self) -> Any:
        if self._index is None:
            try:
                self._index = whoosh_index.open_dir(str(self.folder), indexname=INDEX_NAME)
            except Exception as exc:  # missing, corrupt or foreign: the caller rebuilds
                raise SearchIndexError(f"检索索引 {self.folder} 无法打开：{exc}") from exc
        return self._index

    def _current_searcher(self) -> Any:
        """One searcher reused across searches (opening one costs a read of every segment)."""
        try:
            if self._searcher is not None and not self._searcher.up_to_date():
                # not refresh(): on an empty index it fails inside Whoosh (EmptyReader has no segments)
                self.close()
            if self._searcher is None:
                self._searcher = self._open().searcher()
            self.texts.refresh()  # after the searcher: every document it sees has its text on disk
        except SearchIndexError:
            self.close()
            raise
        except Exception as exc:
            self.close()
            raise SearchIndexError(f"检索索引 {self.folder} 已损坏：{exc}") from exc
        return self._searcher

    def close(self) -> None:
        if self._searcher is not None:
            try:
                self._searcher.close()
            except Exception:
                pass
        self._searcher = self._rids = self._docnum_of = self._index = None
        self.texts.close()

    def healthy(self) -> bool:
        if self._state()["schema_version"] != SCHEMA_VERSION:
            return False
        try:
            indexed = int(self._current_searcher().doc_count())
        except Exception:
            self.close()
            return False
        return len(self.texts) >= indexed  # texts are written first; fewer means files were lost

    def reset(self) -> None:
        self.close()
        self.folder.mkdir(parents=True, exist_ok=True)
        self._index = whoosh_index.create_in(str(self.folder), make_schema(), indexname=INDEX_NAME)
        self.texts.reset()
        self._write_state(0)

    def count(self) -> int:
        return int(self._current_searcher().doc_count())

    def last_id(self) -> int:
        return self._state()["last_id"]

    # ------------------------------------------------------------------ writing

    def update(self, documents: Sequence[IndexedDocument], *, merge: bool = True) -> None:
        """Add or replace ``documents`` in one commit; ``merge=False`` skips merging small segments.

        The texts are appended (and fsynced) before Whoosh commits, under Whoosh's write lock: a
        document Whoosh returns always has its text, and a writer killed in between leaves only
        texts that nothing points at yet.
        """
        if not documents:
            return
        writer = self._writer(limitmb=64)
        try:
            self._add(documents, self.texts.append, writer.update_document)
        except BaseException:
            _abandon(writer)
            raise
        _commit(writer, merge=merge)
        self._write_state(max(self.last_id(), max(doc.id for doc in documents)))

    def rebuild(self, batches: Iterable[Sequence[IndexedDocument]]) -> int:
        """Replace the index's content with ``batches`` in one commit; returns the count.

        The write lock is held throughout and the current index keeps serving searches until
        the commit swaps the new one in (Whoosh's ``CLEAR`` merge drops every old segment); a
        rebuild that fails or is killed leaves the old index as it was. One writer for
        everything writes each posting once, where batches committed one by one and merged
        at the end wrote it twice (2.5x slower). Memory stays bounded: the caller reads a
        batch at a time and Whoosh's pool spills to temporary runs past ``limitmb``.
        """
        writer = self._writer_for_rebuild()
        texts = self.texts.rebuild()
        count = last = 0
        try:
            for documents in batches:
                self._add(documents, texts.append, writer.add_document)
                count += len(documents)
                last = max([last, *(doc.id for doc in documents)])
            texts.publish()  # before the commit: every document Whoosh will return has its text
        except BaseException:
            _abandon(writer)
            texts.discard()
            raise
        _commit(writer, mergetype=CLEAR)
        self._write_state(last)
        return count

    def _writer_for_rebuild(self) -> Any:
        """A writer on the current index when it opens at this schema version, else on a new one."""
        if self._state()["schema_version"] == SCHEMA_VERSION:
            try:
                self._open()
            except SearchIndexError:  # missing or broken: start afresh
                self.reset()
        else:
            self.reset()
        return self._writer(limitmb=128)

    def _writer(self, *, limitmb: int) -> Any:
        try:
            return self._open().writer(timeout=self.lock_timeout, limitmb=limitmb)
        except LockError as exc:
            raise SearchIndexError(
                f"检索索引正被另一个进程写入，等待 {self.lock_timeout:g} 秒后仍未释放；请稍后重试"
            ) from exc

    @staticmethod
    def _add(
        documents: Sequence[IndexedDocument],
        append_texts: Callable[[Iterable[tuple[int, str, str]]], None],
        add: Callable[..., None],
    ) -> None:
        """Texts first, then Whoosh; every document is checked before either sees any."""
        fields = [document_fields(doc) for doc in documents]
        append_texts((doc.id, normalise(doc.title), normalise(doc.body)) for doc in documents)
        for values in fields:
            add(**values)

    # ------------------------------------------------------------------ searching

    def search(self, query: SearchQuery) -> SearchResult:
        needles = words(query.text)
        if not needles:
            raise EmptyQuery()
        searcher = self._current_searcher()
        allowed = self._filtered(searcher, query)
        docnum_of = self._docnums(searcher)
        ids = self._record_ids()
        # A 文号 or 档号 typed whole (spaces or not) finds its record even when the text does not carry it.
        whole = normalise(query.text)
        numbered_docs = set(searcher.docs_for_query(Term("doc_number", whole)))
        numbered_docs |= set(searcher.docs_for_query(Term("archival_code", whole)))
        if allowed is not None:
            numbered_docs &= allowed
        numbered = {ids[docnum] for docnum in numbered_docs}
        collection = Collection(len(self.texts), self.texts.total_title, self.texts.total_body)
        if len(needles) == 1:
            matches = self._matches(searcher, needles[0], allowed)
            total, top = rank(matches, numbered, len(needles[0].encode("utf-8")), collection, limit=query.limit)
        else:
            every, weights = self._matches_of_every_word(searcher, needles, allowed)
            total, top = rank_words(every, numbered, weights, collection, limit=query.limit)
        hits = [_hit(searcher.stored_fields(docnum_of[record_id]), score, query.text) for score, record_id in top]
        return SearchResult(total=total, hits=hits)

    def _matches(self, searcher: Any, needle: str, allowed: set[int] | None) -> Iterator[Counts]:
        """The counts of ``needle`` in every document (of ``allowed``) holding it."""
        pattern = needle.encode("utf-8")
        if len(needle) == 1:  # a character's documents would be most of the index: read the texts through
            live = self._live(searcher, allowed)
            return (counts for counts in self.texts.scan(pattern) if counts[0] in live)
        ids = self._record_ids()
        return self.texts.count(pattern, (ids[d] for d in self._candidates(searcher, needle, allowed)))

    def _live(self, searcher: Any, allowed: set[int] | None) -> dict[int, int]:
        """The document number of every live record id that passes the filters."""
        docnum_of = self._docnums(searcher)
        return docnum_of if allowed is None else {i: d for i, d in docnum_of.items() if d in allowed}

    def _matches_of_every_word(
        self, searcher: Any, needles: list[str], allowed: set[int] | None
    ) -> tuple[Iterator[WordCounts], list[float]]:
        """The documents (of ``allowed``) holding every one of ``needles``, with each word's counts in the
        order of ``needles``, and each word's IDF.

        Candidates are the documents holding the two rarest bigrams of every word of two characters
        or more (a query of single characters only: those the text store finds holding the first);
        each candidate is then read once, its words counted rarest first until one is missing. A
        word's IDF is taken from its candidates (the documents holding its bigrams: an upper bound of
        those holding the word), that of a single character as the whole collection's: such a word
        says little.
        """
        documents = max(len(self.texts), 1)
        frequency: dict[str, int] = {}
        candidates: set[int] | None = None
        for needle in (n for n in needles if len(n) > 1):
            held = self._candidates(searcher, needle, None)
            frequency[needle] = len(held)
            candidates = held if candidates is None else candidates & held
        weights = [idf(documents, frequency.get(n, documents)) for n in needles]
        order = sorted(range(len(needles)), key=lambda i: frequency.get(needles[i], documents))  # rarest first
        if candidates is not None:
            if allowed is not None:
                candidates &= allowed
            ids = self._record_ids()
            record_ids: Iterable[int] = sorted(ids[d] for d in candidates)  # ascending: the store read front to back
        else:
            record_ids = [counts[0] for counts in self._matches(searcher, needles[order[0]], allowed)]
        patterns = [needles[i].encode("utf-8") for i in order]
        back = sorted(range(len(order)), key=order.__getitem__)  # the counts again in the order of ``needles``
        found = self.texts.count_every(patterns, record_ids)
        every = ((record_id, [counts[i] for i in back], title, body) for record_id, counts, title, body in found)
        return every, weights

    def _record_ids(self) -> array[int]:
        if self._rids is None:
            self._rids = record_ids(self._current_searcher())
        return self._rids

    def _docnums(self, searcher: Any) -> dict[int, int]:
        """The document number of every live record id (a replaced document's old number is deleted)."""
        if self._docnum_of is None:
            ids = self._record_ids()
            reader = searcher.reader()  # the searcher's own: not to be closed here
            live = reader.all_doc_ids() if reader.has_deletions() else range(len(ids))
            self._docnum_of = {ids[docnum]: docnum for docnum in live}
        return self._docnum_of

    @staticmethod
    def _filtered(searcher: Any, query: SearchQuery) -> set[int] | None:
        conditions: list[Query] = []
        for name in ("kind", "unit", "template"):
            value = getattr(query, name)
            if value:
                conditions.append(Term(name, value))
        if query.secrecy is not None:  # an empty 密级 is not indexed: "" means "has none"
            with_secrecy = Every("secrecy")
            conditions.append(Term("secrecy", query.secrecy) if query.secrecy else Not(with_secrecy))
        if query.year is not None:
            conditions.append(NumericRange("year", query.year, query.year))
        if query.since is not None or query.until is not None:
            since = query.since.isoformat() if query.since else None
            until = query.until.isoformat() if query.until else None
            conditions.append(TermRange("date", since, until))
        return set(searcher.docs_for_query(And(conditions))) if conditions else None

    @staticmethod
    def _candidates(searcher: Any, needle: str, allowed: set[int] | None) -> set[int]:
        """The documents holding the query's two rarest bigrams: all that contain it, and a few more."""
        grams = sorted(set(bigrams(needle)), key=lambda gram: searcher.doc_frequency("grams", gram))
        if searcher.doc_frequency("grams", grams[0]) == 0:
            return set()
        candidates = set(searcher.postings("grams", grams[0]).all_ids())
        if len(grams) > 1:
            candidates.intersection_update(searcher.postings("grams", grams[1]).all_ids())
        if allowed is not None:
            candidates &= allowed
        return candidates


def _commit(writer: Any, **options: Any) -> None:
    """Commit ``writer``; if the commit fails (a full disk), give the writer up at once."""
    try:
        writer.commit(**options)
    except BaseException:
        _abandon(writer)
        raise


def _abandon(writer: Any) -> None:
    """Cancel a writer, and release the index's write lock even when cancelling fails.

    Whoosh releases the lock at the end of a commit or a cancel that completes. On a full disk
    the cancel itself fails (closing the segment's files flushes them: ENOSPC), and the writer
    then holds the lock until it is garbage-collected; meanwhile the next writer in the same
    process (a library user's, or the search that catches the index up) waits for it: 3 to 14 s
    measured, up to the lock timeout.
    """
    try:
        writer.cancel()
    except Exception:
        lock = getattr(writer, "writelock", None)
        if lock is not None:
            with contextlib.suppress(Exception):
                lock.release()


def _hit(stored: dict[str, Any], score: float, text: str) -> Hit:
    found = fragments(stored.get("body", ""), text) or fragments(stored.get("title", ""), text)
    return Hit(
        id=int(stored["id"]),
        score=score,
        title=stored.get("title", ""),
        archival_code=stored.get("shown", {}).get("archival_code", ""),
        doc_number=stored.get("shown", {}).get("doc_number", ""),
        kind=stored.get("kind", ""),
        unit=stored.get("unit", ""),
        year=stored.get("year"),
        date=stored.get("date", ""),
        secrecy=stored.get("secrecy", ""),
        fragments=found,
    )
