"""How a record is laid out in the Whoosh index, and read back from it in bulk.

The text is indexed as the set of its character bigrams (no positions, no counts): enough to
pick candidates, cheap to write. Exact matching and ranking use the text store beside the
index. The record id is also a numeric column, so that a query's candidates map to records
without reading stored fields.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Iterator
from typing import Any

from whoosh.analysis import Token, Tokenizer
from whoosh.columns import NumericColumn
from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema
from whoosh.formats import Existence

from .engine import IndexedDocument
from .errors import SearchIndexError
from .text import bigrams, normalise

#: 4: brackets normalised as 〔〕 (search.text.BRACKETS): older indexes hold texts normalised otherwise and are rebuilt
SCHEMA_VERSION = 4
INDEX_NAME = "records"


class BigramTokenizer(Tokenizer):  # type: ignore[misc]
    """The distinct character bigrams of the normalised text (positions are not kept)."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BigramTokenizer)

    def __hash__(self) -> int:
        return hash("BigramTokenizer")

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
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for index, gram in enumerate(dict.fromkeys(bigrams(normalise(value)))):
            token.text = gram
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = gram
            if positions:
                token.pos = start_pos + index
            yield token


def gram_field() -> TEXT:
    """A field that records which documents hold a gram, without counts or positions.

    It stays "scorable" (a length per document) although nothing scores on it: for a field
    without lengths Whoosh 2.7.5 stats the file system once per posting while merging segments
    (2.3 million ``stat`` calls to index 2,000 documents).
    """
    field = TEXT(analyzer=BigramTokenizer(), phrase=False)
    field.format = Existence()
    return field


def make_schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True),
        rid=NUMERIC(sortable=True),  # the record id as a column: candidate to text in one array look-up
        grams=gram_field(),
        title=STORED(),
        body=STORED(),
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


def record_ids(searcher: Any) -> array[int]:
    """The record id of every document number, read from the ``rid`` column in one piece per segment.

    Looking ids up one by one through Whoosh costs 2.7 µs each, 50 ms for a query found in 18,000
    documents; reading the column's bytes whole costs under a millisecond. Whoosh-Reloaded is
    pinned, but should its column layout change, the slow path gives the same answer.
    """
    field = searcher.schema["rid"]
    offset = field.from_column_value(0)
    linear = field.from_column_value(1) == offset + 1
    ids: array[int] = array("q")
    for reader, base in searcher.reader().leaf_readers():
        assert base == len(ids)
        count = reader.doc_count_all()
        column = reader.column_reader("rid", translate=False) if reader.has_column("rid") else None
        raw: array[int] | None = None
        if linear and isinstance(column, NumericColumn.Reader):
            try:
                width, stored = column._fixedlen, column._count
                raw = array(column._typecode)
                raw.frombytes(column._dbfile.get(column._basepos, width * stored))
                if sys.byteorder == "little":
                    raw.byteswap()  # Whoosh writes columns big-endian
                raw.extend([column._default] * (count - stored))
            except Exception:
                raw = None
        if raw is not None and len(raw) == count:
            ids.extend(value + offset for value in raw)
        elif column is not None:
            ids.extend(int(field.from_column_value(value)) for value in column)
        else:
            ids.extend([0] * count)
    return ids


def document_fields(doc: IndexedDocument) -> dict[str, Any]:
    """The Whoosh fields of ``doc``, every value checked first: a document that fails half-way
    through ``add_document`` leaves its terms in the writer for the next one."""
    if not isinstance(doc.id, int) or isinstance(doc.id, bool) or doc.id <= 0:
        raise SearchIndexError(f"索引文档的 id 无效：{doc.id!r}")
    for name in ("title", "body", "doc_number", "archival_code", "kind", "unit", "date", "secrecy", "template"):
        if not isinstance(getattr(doc, name), str):
            raise SearchIndexError(f"索引文档 {doc.id} 的字段 {name} 不是文字")
    if doc.year is not None and not isinstance(doc.year, int):
        raise SearchIndexError(f"索引文档 {doc.id} 的年度不是整数")
    values: dict[str, Any] = {
        "id": str(doc.id),
        "rid": doc.id,
        "grams": f"{doc.title}\n{doc.body}",  # a bigram across the seam is only a false candidate
        "title": doc.title,
        "body": doc.body,
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
