"""The search engine on Whoosh-Reloaded: character bigrams for exact substring matching.

Measured traps this module guards against: Whoosh's default analyzer finds nothing in Chinese;
``AsyncWriter`` in a process that exits loses writes silently, so writes use a plain writer with
a lock timeout and raise a typed error; when ``add_document`` raises for one document the
writer carries its terms into the next, so every document is checked before any is added and a
failing batch is cancelled; Whoosh never fsyncs, so the index is treated as rebuildable. A
``state.json`` beside the index records the schema version and the last record id indexed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.analysis import Token, Tokenizer
from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema
from whoosh.index import LockError
from whoosh.query import And, AndMaybe, NumericRange, Or, Phrase, Query, Term

from ..archive.errors import SearchIndexError
from . import Hit, IndexedDocument, SearchQuery, SearchResult
from .text import bigrams, fragments, normalise

SCHEMA_VERSION = 1
INDEX_NAME = "records"


class NgramTokenizer(Tokenizer):  # type: ignore[misc]
    """Tokens of 1 or 2 characters of the normalised text, at consecutive positions."""

    def __init__(self, size: int) -> None:
        self.size = size

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NgramTokenizer) and other.size == self.size

    def __hash__(self) -> int:
        return hash(("NgramTokenizer", self.size))

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        text = normalise(value)
        grams = bigrams(text) if self.size == 2 else list(text)
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for index, gram in enumerate(grams):
            token.text = gram
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = gram
            if positions:
                token.pos = start_pos + index
            if chars:
                token.startchar = start_char + index
                token.endchar = start_char + index + len(gram)
            yield token


def make_schema() -> Schema:
    bigram, unigram = NgramTokenizer(2), NgramTokenizer(1)
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=bigram, phrase=True, stored=True, field_boost=3.0),
        body=TEXT(analyzer=bigram, phrase=True, stored=True),
        title1=TEXT(analyzer=unigram, phrase=False, field_boost=3.0),
        body1=TEXT(analyzer=unigram, phrase=False),
        title_exact=ID(),
        doc_number=ID(),  # normalised, for exact look-up; shown values are in "shown"
        archival_code=ID(),
        shown=STORED(),
        kind=ID(stored=True),
        unit=ID(stored=True),
        year=NUMERIC(stored=True),
        date=ID(stored=True),
        secrecy=ID(stored=True),
        template=ID(stored=True),
    )


class WhooshEngine:
    def __init__(self, folder: Path, *, lock_timeout: float = 30.0) -> None:
        self.folder = folder
        self.lock_timeout = lock_timeout
        self._index: Any = None
        self._searcher: Any = None  # kept open between searches; refreshed when the index changes

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
        tmp = self._state_path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"schema_version": SCHEMA_VERSION, "last_id": last_id}), encoding="utf-8")
        os.replace(tmp, self._state_path)

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
                self._searcher.close()
                self._searcher = None
                self._index = None
            if self._searcher is None:
                self._searcher = self._open().searcher()
        except SearchIndexError:
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
        self._searcher = None
        self._index = None

    def healthy(self) -> bool:
        if self._state()["schema_version"] != SCHEMA_VERSION:
            return False
        try:
            self._current_searcher().doc_count()
        except Exception:
            self.close()
            return False
        return True

    def reset(self) -> None:
        self.close()
        self.folder.mkdir(parents=True, exist_ok=True)
        self._index = whoosh_index.create_in(str(self.folder), make_schema(), indexname=INDEX_NAME)
        self._write_state(0)

    def count(self) -> int:
        return int(self._current_searcher().doc_count())

    def last_id(self) -> int:
        return self._state()["last_id"]

    # ------------------------------------------------------------------ writing

    def update(self, documents: Sequence[IndexedDocument], *, merge: bool = True) -> None:
        """Add or replace ``documents`` in one commit; ``merge=False`` leaves segments for optimize()."""
        if not documents:
            return
        fields = [_fields(doc) for doc in documents]  # checked before the writer sees any
        try:
            writer = self._open().writer(timeout=self.lock_timeout, limitmb=64)
        except LockError as exc:
            raise SearchIndexError(
                f"检索索引正被另一个进程写入，等待 {self.lock_timeout:.0f} 秒后仍未释放；请稍后重试"
            ) from exc
        try:
            for values in fields:
                writer.update_document(**values)
        except BaseException:
            writer.cancel()
            raise
        writer.commit(merge=merge)
        self._write_state(max(self.last_id(), max(doc.id for doc in documents)))

    def optimize(self) -> None:
        """Merge all segments into one: searches then open one set of files instead of dozens."""
        try:
            writer = self._open().writer(timeout=self.lock_timeout, limitmb=64)
        except LockError as exc:
            raise SearchIndexError("检索索引正被另一个进程写入，无法合并；请稍后重试") from exc
        writer.commit(optimize=True)

    # ------------------------------------------------------------------ searching

    def search(self, query: SearchQuery) -> SearchResult:
        needle = normalise(query.text)
        if not needle:
            raise SearchIndexError("检索词为空")
        if len(needle) == 1:
            text_query: Query = Or([Term("title1", needle), Term("body1", needle)])
        else:
            grams = bigrams(needle)
            text_query = Or([_phrase("title", grams), _phrase("body", grams)])
        # A 文号 or 档号 typed whole finds its record even when the text does not carry it.
        matches = Or([
            text_query,
            Term("doc_number", needle, boost=50.0),
            Term("archival_code", needle, boost=50.0),
        ])  # fmt: skip
        title_is_query = Term("title_exact", needle, boost=20.0)
        conditions: list[Query] = []
        for name in ("kind", "unit", "template"):
            value = getattr(query, name)
            if value:
                conditions.append(Term(name, value))
        if query.year is not None:
            conditions.append(NumericRange("year", query.year, query.year))
        searcher = self._current_searcher()
        results = searcher.search(
            AndMaybe(matches, title_is_query),
            limit=query.limit,
            filter=And(conditions) if conditions else None,
        )
        hits = [_hit(result, query.text) for result in results]
        return SearchResult(total=len(results), hits=hits)


def _phrase(field: str, grams: list[str]) -> Query:
    return Term(field, grams[0]) if len(grams) == 1 else Phrase(field, grams)


def _fields(doc: IndexedDocument) -> dict[str, Any]:
    if not isinstance(doc.id, int) or doc.id <= 0:
        raise SearchIndexError(f"索引文档的 id 无效：{doc.id!r}")
    for name in ("title", "body", "doc_number", "archival_code", "kind", "unit", "date", "secrecy", "template"):
        if not isinstance(getattr(doc, name), str):
            raise SearchIndexError(f"索引文档 {doc.id} 的字段 {name} 不是文字")
    if doc.year is not None and not isinstance(doc.year, int):
        raise SearchIndexError(f"索引文档 {doc.id} 的年度不是整数")
    values: dict[str, Any] = {
        "id": str(doc.id),
        "title": doc.title,
        "body": doc.body,
        "title1": doc.title,
        "body1": doc.body,
        "title_exact": normalise(doc.title),
        "doc_number": normalise(doc.doc_number),
        "archival_code": normalise(doc.archival_code),
        "kind": doc.kind,
        "unit": doc.unit,
        "date": doc.date,
        "secrecy": doc.secrecy,
        "template": doc.template,
        "shown": {"doc_number": doc.doc_number, "archival_code": doc.archival_code},
    }
    if doc.year is not None:
        values["year"] = doc.year
    return {k: v for k, v in values.items() if v != "" or k in ("title", "body")}


def _hit(result: Any, text: str) -> Hit:
    stored = result.fields()
    found = fragments(stored.get("body", ""), text) or fragments(stored.get("title", ""), text)
    return Hit(
        id=int(stored["id"]),
        score=float(result.score or 0.0),
        title=stored.get("title", ""),
        archival_code=stored.get("shown", {}).get("archival_code", ""),
        doc_number=stored.get("shown", {}).get("doc_number", ""),
        kind=stored.get("kind", ""),
        unit=stored.get("unit", ""),
        year=stored.get("year"),
        date=stored.get("date", ""),
        fragments=found,
    )
