"""The archive's registry: one SQLite database holding every 件, its files, the number
sequences and an append-only audit log chained by hashes.

SQLite in WAL mode with foreign keys on; every write happens inside ``BEGIN IMMEDIATE`` so
that two processes filing at once are serialised by the database and numbers are assigned
without gaps or repeats. The schema is versioned (``PRAGMA user_version``) and migrated
forward on open (:mod:`.migrations`). How audit entries are hashed and chained is in :mod:`.chain`;
the checkpoint of the chain kept outside the database, in :mod:`.checkpoint`. Their names are
importable from here too.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .chain import GENESIS, chain_hash, now, row_digest
from .checkpoint import CHECKPOINT, Checkpoints, parse_checkpoint
from .errors import ArchiveError, DiskFull, RegistryDamaged, disk_full
from .migrations import MIGRATIONS

if TYPE_CHECKING:
    from .signing import Signer

__all__ = [
    "AUDITED_COLUMNS",
    "CHECKPOINT",
    "GENESIS",
    "MIGRATIONS",
    "READ_ACTIONS",
    "RECORD_COLUMNS",
    "Registry",
    "chain_hash",
    "now",
    "parse_checkpoint",
    "row_digest",
    "where",
]

#: Audit actions that record a read (the access log) and change nothing (same as history.ACCESS_ACTIONS).
READ_ACTIONS = frozenset({"view", "download"})
RECORD_COLUMNS = (
    "fonds", "category", "year", "retention", "org", "item", "archival_code", "doc_number", "title",
    "author", "date", "kind", "secrecy", "recipients", "cc", "unit", "template_id", "page_count",
    "source", "text", "filed_at", "filed_by",
)  # fmt: skip


def _refuse_unless_sqlite(path: Path) -> None:
    try:
        with path.open("rb") as handle:
            header = handle.read(16)
    except OSError as exc:
        raise RegistryDamaged(path, f"无法读取（{exc.strerror}）") from exc
    if not header:
        raise RegistryDamaged(path, "文件是空的（0 字节）")
    if header != b"SQLite format 3\x00":
        raise RegistryDamaged(path, "不是 SQLite 数据库文件")


#: The record columns whose values the filing's audit entry fixes (``meta`` digest); page_count
#: is audited by its own "update" entries, and the extracted text is derived from the file.
AUDITED_COLUMNS = (
    "fonds", "category", "year", "retention", "org", "item", "archival_code", "doc_number", "title",
    "author", "date", "kind", "secrecy", "recipients", "cc", "unit", "template_id", "source",
    "filed_at", "filed_by",
)  # fmt: skip


def where(conditions: Mapping[str, object]) -> tuple[str, tuple[object, ...]]:
    """A WHERE clause (with its parameters) from ``column: value`` conditions, joined by AND.

    A value of None sets no condition. The key ``date_year`` matches the year of the ISO
    ``date`` column. Keys come from this package's code, never from input; values are always
    bound parameters.
    """
    clauses: list[str] = []
    params: list[object] = []
    for column, value in conditions.items():
        if value is None:
            continue
        if column == "date_year":
            clauses.append("substr(date, 1, 4) = ?")
            params.append(f"{int(str(value)):04d}")
            continue
        if not column.isidentifier():
            raise ValueError(f"not a column name: {column!r}")
        clauses.append(f"{column} = ?")
        params.append(value)
    return (f"WHERE {' AND '.join(clauses)}" if clauses else ""), tuple(params)


class Registry(Checkpoints):
    """The registry database of one archive."""

    def __init__(self, path: Path, *, busy_timeout_ms: int = 60_000) -> None:
        """Open the registry at ``path``, creating it only where there is no file yet.

        An existing file that is empty, not SQLite, without the archive's tables or damaged is
        refused (:class:`RegistryDamaged`): taking it for a new archive would hide the loss and let
        a search rebuild the index from nothing.
        """
        self.path = path
        existed = path.exists()
        if existed:
            _refuse_unless_sqlite(path)
        elif self.checkpoint_path.exists():
            # an archive was here: its registry was deleted or moved, and a new one would restart
            # the numbering over the stored files (and quarantine them as leftovers)
            reason = f"登记库文件不存在，但档案中有审计检查点 {CHECKPOINT}（登记库可能被删除或移走）"
            raise RegistryDamaged(path, reason)
        self._audited = False
        #: what went wrong after a commit without undoing it (the checkpoint not written): warnings
        self.warnings: list[str] = []
        try:
            self.db = sqlite3.connect(path, isolation_level=None, timeout=busy_timeout_ms / 1000)
        except sqlite3.Error as exc:
            if disk_full(exc, path.parent):
                raise DiskFull(path.parent, "登记库无法打开") from exc
            raise ArchiveError(f"无法打开档案登记库 {path}：{exc}") from exc
        try:
            self.db.row_factory = sqlite3.Row
            self.db.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = FULL")
            self.db.execute("PRAGMA foreign_keys = ON")
            if existed and not self.db.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'records'"
            ).fetchone():
                raise RegistryDamaged(path, "没有档案的数据表（可能被清空或替换）")
            self._migrate()
            if existed and not self.setting("checkpointed", "") and self.read_checkpoint() is None:
                self.write_checkpoint()  # an archive from before checkpoints: anchor what it holds now
        except sqlite3.DatabaseError as exc:
            self.db.close()
            if disk_full(exc, path.parent):  # not damage: restoring a backup over it would lose filings
                raise DiskFull(path.parent, "登记库无法打开") from exc
            raise RegistryDamaged(path, f"数据库已损坏（{exc}）") from exc
        except ArchiveError:
            self.db.close()
            raise

    def close(self) -> None:
        self.db.close()

    def _migrate(self) -> None:
        with self.transaction():
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            if version > len(MIGRATIONS):
                raise ArchiveError(
                    f"档案登记库 {self.path} 的版本（{version}）比本程序新（{len(MIGRATIONS)}）；请升级 lianzheng-docs"
                )
            for number in range(version, len(MIGRATIONS)):
                for statement in MIGRATIONS[number].split(";\n"):
                    if statement.strip():
                        self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version = {number + 1}")

    @property
    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction taking the database's write lock at once (``BEGIN IMMEDIATE``).

        Either it commits, or it is rolled back and raises: a full disk (``SQLITE_FULL``, at a
        statement or at the commit) as :class:`DiskFull`. SQLite may already have rolled back by
        itself then; the rollback here never hides the error that caused it. After a commit that
        added audit entries, the checkpoint outside the database is brought up to date
        (:meth:`write_checkpoint`); failing that only warns, since what was committed stands.
        """
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise self._fault(exc) from exc
        self._audited = False
        self._audited_actions: set[str] = set()
        signer: Signer | None = None
        try:
            yield self.db
            if self._audited:  # the key read before the commit: a bad one undoes the whole operation
                signer = self._signer()
            self.db.execute("COMMIT")
        except BaseException as exc:
            if self.db.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    self.db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise self._fault(exc) from exc
            raise
        if self._audited:
            self.write_checkpoint(signer, reads_only=self._audited_actions <= READ_ACTIONS)

    def _fault(self, exc: sqlite3.Error) -> Exception:
        """A write that failed, as the error to raise: :class:`DiskFull` when the disk is full."""
        if disk_full(exc, self.path.parent):
            return DiskFull(self.path.parent, "本次操作没有完成，已全部撤销（未写入任何记录，编号也未占用）")
        return exc

    # ------------------------------------------------------------------ settings and sequences

    def setting(self, key: str, default: str) -> str:
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return str(row["value"]) if row else default

    def set_setting(self, key: str, value: str) -> None:
        self.db.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = ?",
                        (key, value, value))  # fmt: skip

    def next_number(self, kind: str, scope: str) -> int:
        """Take the next number of a sequence; call inside a transaction, so a rollback returns it."""
        self.db.execute(
            "INSERT INTO sequences (kind, scope, last) VALUES (?, ?, 1) "
            "ON CONFLICT (kind, scope) DO UPDATE SET last = last + 1",
            (kind, scope),
        )
        return int(
            self.db.execute("SELECT last FROM sequences WHERE kind = ? AND scope = ?", (kind, scope)).fetchone()[0]
        )

    def raise_sequence(self, kind: str, scope: str, at_least: int) -> None:
        """Make a sequence continue after a number given by hand, so it is never assigned again."""
        self.db.execute(
            "INSERT INTO sequences (kind, scope, last) VALUES (?, ?, ?) "
            "ON CONFLICT (kind, scope) DO UPDATE SET last = max(last, excluded.last)",
            (kind, scope, at_least),
        )

    # ------------------------------------------------------------------ records and files

    def insert_record(self, values: dict[str, Any]) -> int:
        columns = [c for c in RECORD_COLUMNS if c in values]
        placeholders = ", ".join("?" for _ in columns)
        cursor = self.db.execute(
            f"INSERT INTO records ({', '.join(columns)}) VALUES ({placeholders})", [values[c] for c in columns]
        )
        return int(cursor.lastrowid or 0)

    def insert_file(self, record_id: int, **values: Any) -> None:
        self.db.execute(
            "INSERT INTO files (record_id, role, path, format, size, sha256, original_name) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (record_id, values["role"], values["path"], values["format"], values["size"], values["sha256"],
             values.get("original_name")),
        )  # fmt: skip

    def record(self, record_id: int) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.db.execute("SELECT * FROM records WHERE id = ?", (record_id,)).fetchone()
        return row

    def record_by(self, column: str, value: str) -> sqlite3.Row | None:
        assert column in ("archival_code", "doc_number")
        row: sqlite3.Row | None = self.db.execute(f"SELECT * FROM records WHERE {column} = ?", (value,)).fetchone()
        return row

    def files_of(self, record_id: int) -> list[sqlite3.Row]:
        return list(self.db.execute("SELECT * FROM files WHERE record_id = ? ORDER BY id", (record_id,)))

    def file_by_hash(self, digest: str) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.db.execute(
            "SELECT files.*, records.archival_code FROM files JOIN records ON records.id = files.record_id "
            "WHERE files.sha256 = ? ORDER BY files.id LIMIT 1",
            (digest,),
        ).fetchone()
        return row

    def all_files(self) -> list[sqlite3.Row]:
        return list(
            self.db.execute("SELECT files.*, records.archival_code FROM files JOIN records ON records.id = record_id")
        )

    def records(
        self,
        conditions: Mapping[str, object] | None = None,
        *,
        limit: int | None = None,
        offset: int = 0,
        newest_first: bool = False,
    ) -> list[sqlite3.Row]:
        """Records matching ``conditions`` (see :func:`where`), without their extracted text (a listing
        never needs it), in 档号 order, the latest 年度 first with ``newest_first``; ``limit`` and
        ``offset`` give one page of a long listing."""
        columns = ", ".join(["id", *(c for c in RECORD_COLUMNS if c != "text")])
        clause, params = where(conditions or {})
        year = "year DESC" if newest_first else "year"
        sql = f"SELECT {columns} FROM records {clause} ORDER BY {year}, retention, org, item"
        if limit is not None or offset:
            sql += f" LIMIT {-1 if limit is None else int(limit)} OFFSET {max(int(offset), 0)}"
        return list(self.db.execute(sql, params))

    def tally(self) -> list[sqlite3.Row]:
        """How many records there are of each 年度, 文种 and 单位 (``year``, ``kind``, ``unit``, ``count``):
        what a listing's filters can offer and how many pages it has, without reading the records."""
        return list(self.db.execute(
            "SELECT year, kind, unit, count(*) AS count FROM records GROUP BY year, kind, unit "
            "ORDER BY year DESC, kind, unit"
        ))  # fmt: skip

    def files_of_records(self, record_ids: list[int]) -> dict[int, list[sqlite3.Row]]:
        """The files of many records in a few queries (not one per record), by record id."""
        found: dict[int, list[sqlite3.Row]] = {record_id: [] for record_id in record_ids}
        for start in range(0, len(record_ids), 900):  # under SQLite's limit of bound parameters
            chunk = record_ids[start : start + 900]
            marks = ", ".join("?" * len(chunk))
            for row in self.db.execute(f"SELECT * FROM files WHERE record_id IN ({marks}) ORDER BY id", chunk):
                found[row["record_id"]].append(row)
        return found

    def iter_records(self, batch: int = 500, *, after: int = 0) -> Iterator[list[sqlite3.Row]]:
        """The records whose id is above ``after``, in batches by id, so that memory stays bounded."""
        last = after
        while True:
            rows = list(self.db.execute("SELECT * FROM records WHERE id > ? ORDER BY id LIMIT ?", (last, batch)))
            if not rows:
                return
            yield rows
            last = rows[-1]["id"]

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM records").fetchone()[0])

    # ------------------------------------------------------------------ events and task ledgers

    def _insert_audited(self, table: str, values: Mapping[str, object], actor: str, action: str, key: str,
                        detail: dict[str, Any]) -> int:  # fmt: skip
        """Insert one row of ``table`` (stamped with who entered it and when) and its audit entry, in
        one transaction; returns the row's id."""
        values = {**values, "entered_at": now(), "entered_by": actor}
        columns, marks = ", ".join(values), ", ".join("?" * len(values))
        with self.transaction() as db:
            cursor = db.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuple(values.values()))
            row_id = int(cursor.lastrowid or 0)
            self.audit(actor, action, None, {key: row_id, **detail, "row": row_digest(values)})
        return row_id

    def add_event(self, obligation: str, party: str, date: str, note: str, actor: str) -> int:
        """Record an event an obligation's deadline counts from, with its audit entry; returns its id."""
        values = {"obligation": obligation, "party": party, "date": date, "note": note}
        return self._insert_audited("events", values, actor, "event", "event", {"obligation": obligation})

    def events(
        self, *, year: int | None = None, obligation: str | None = None, event_id: int | None = None
    ) -> list[sqlite3.Row]:
        """Recorded events in date order, optionally of one year, one obligation or one id."""
        clause, params = where({"date_year": year, "obligation": obligation, "id": event_id})
        return list(self.db.execute(f"SELECT * FROM events {clause} ORDER BY date, id", params))

    def add_ledger_entry(
        self, holder: str, task: str, date: str, done: str, evidence: Sequence[int], actor: str
    ) -> int:
        """Enter what was done for a task, with its audit entry; ``evidence`` are record ids. Returns its id."""
        values = {"holder": holder, "task": task, "date": date, "done": done, "evidence": json.dumps(list(evidence))}
        return self._insert_audited("ledger", values, actor, "ledger", "entry", {"task": task, "holder": holder})

    def ledger_entries(
        self, *, holder: str | None = None, year: int | None = None, entry_id: int | None = None
    ) -> list[sqlite3.Row]:
        """Task ledger entries in date order, optionally of one holder, one year or one id."""
        clause, params = where({"holder": holder, "date_year": year, "id": entry_id})
        return list(self.db.execute(f"SELECT * FROM ledger {clause} ORDER BY date, id", params))

    # ------------------------------------------------------------------ audit log

    def audit(self, actor: str, action: str, record_id: int | None, detail: dict[str, Any]) -> str:
        """Append an entry chained to the previous one; call inside the transaction it describes."""
        row = self.db.execute("SELECT hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
        prev = row["hash"] if row else GENESIS
        at = now()
        text = json.dumps(detail, ensure_ascii=False, sort_keys=True)
        digest = chain_hash(prev, at, actor, action, record_id, text)
        self.db.execute(
            "INSERT INTO audit (at, actor, action, record_id, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (at, actor, action, record_id, text, prev, digest),
        )
        self._audited = True
        self._audited_actions.add(action)
        return digest

    def audit_entries(
        self, *, record_id: int | None = None, actor: str | None = None, limit: int | None = None
    ) -> list[sqlite3.Row]:
        """The audit log in order (all of it, or one record's or one actor's entries; the last ``limit``)."""
        clause, params = where({"record_id": record_id, "actor": actor})
        if limit is None:
            return list(self.db.execute(f"SELECT * FROM audit {clause} ORDER BY id", params))
        rows = self.db.execute(f"SELECT * FROM audit {clause} ORDER BY id DESC LIMIT ?", (*params, int(limit)))
        return list(reversed(list(rows)))
