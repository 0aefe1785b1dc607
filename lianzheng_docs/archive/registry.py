"""The archive's registry: one SQLite database holding every 件, its files, the number
sequences and an append-only audit log chained by hashes.

SQLite in WAL mode with foreign keys on; every write happens inside ``BEGIN IMMEDIATE`` so
that two processes filing at once are serialised by the database and numbers are assigned
without gaps or repeats. The schema is versioned (``PRAGMA user_version``) and migrated
forward on open.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..errors import LianzhengError
from .errors import ArchiveError, DiskFull, RegistryDamaged, disk_full
from .signing import ENV_KEY, configured_signer  # cryptography is imported only when a key is set

if TYPE_CHECKING:
    from .signing import Signer

MIGRATIONS: list[str] = [
    # version 1
    """
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE records (
        id INTEGER PRIMARY KEY,
        fonds TEXT NOT NULL,                 -- 全宗号
        category TEXT NOT NULL,              -- 档案门类代码, WS = 文书
        year INTEGER NOT NULL,               -- 年度
        retention TEXT NOT NULL CHECK (retention IN ('Y', 'D30', 'D10')),  -- 保管期限
        org TEXT NOT NULL,                   -- 机构（问题）代码
        item INTEGER NOT NULL CHECK (item > 0),  -- 件号
        archival_code TEXT NOT NULL UNIQUE,  -- 档号
        doc_number TEXT UNIQUE,              -- 文号 (文件编号)
        title TEXT NOT NULL,                 -- 题名
        author TEXT NOT NULL DEFAULT '',     -- 责任者
        date TEXT,                           -- 日期, ISO
        kind TEXT NOT NULL DEFAULT '',       -- 文种
        secrecy TEXT NOT NULL DEFAULT '',    -- 密级
        recipients TEXT NOT NULL DEFAULT '', -- 主送
        cc TEXT NOT NULL DEFAULT '',         -- 抄送
        unit TEXT NOT NULL DEFAULT '',       -- the 科室（单位） the document concerns
        template_id TEXT,
        page_count INTEGER,                  -- 页数
        source TEXT NOT NULL CHECK (source IN ('rendered', 'external')),
        text TEXT NOT NULL DEFAULT '',       -- extracted full text, for (re)indexing
        filed_at TEXT NOT NULL,
        filed_by TEXT NOT NULL,
        UNIQUE (fonds, year, retention, org, item)
    );
    CREATE INDEX records_year_kind ON records (year, kind);
    CREATE INDEX records_template ON records (template_id, year);
    CREATE TABLE files (
        id INTEGER PRIMARY KEY,
        record_id INTEGER NOT NULL REFERENCES records (id) ON DELETE RESTRICT,
        role TEXT NOT NULL,                  -- original, pdf ...
        path TEXT NOT NULL UNIQUE,           -- relative to the archive root, '/' separated
        format TEXT NOT NULL,                -- 格式信息: docx, pdf
        size INTEGER NOT NULL,               -- 计算机文件大小
        sha256 TEXT NOT NULL,                -- 'sha256:<hex>'
        original_name TEXT,                  -- 计算机文件名 as received
        UNIQUE (record_id, role)
    );
    CREATE INDEX files_sha256 ON files (sha256);
    CREATE TABLE sequences (
        kind TEXT NOT NULL,                  -- doc_number | item
        scope TEXT NOT NULL,                 -- 'X财党|2026' | 'Z001|2026|Y|BGS'
        last INTEGER NOT NULL,
        PRIMARY KEY (kind, scope)
    );
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        record_id INTEGER,
        detail TEXT NOT NULL,                -- JSON: file hashes, numbers ...
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL UNIQUE
    );
    CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    """,
    # version 2: the task ledgers of 七（一）
    """
    CREATE TABLE ledger (
        id INTEGER PRIMARY KEY,
        holder TEXT NOT NULL,                -- whose task list: 局党组书记, or a 科室（单位）
        task TEXT NOT NULL,                  -- the task's id in its list, e.g. secretary.3
        date TEXT NOT NULL,                  -- when it was done, ISO
        done TEXT NOT NULL,                  -- what was done
        evidence TEXT NOT NULL DEFAULT '[]', -- JSON list of record ids in this archive
        entered_at TEXT NOT NULL,
        entered_by TEXT NOT NULL
    );
    CREATE INDEX ledger_holder_date ON ledger (holder, date);
    """,
    # version 3: the events that obligations due "N days after" count from
    """
    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        obligation TEXT NOT NULL,            -- the id of an obligation due N days after an event
        party TEXT NOT NULL,                 -- who owes the document: a 科室（单位）, or the party
        date TEXT NOT NULL,                  -- when the event (meeting, inspection...) took place
        note TEXT NOT NULL DEFAULT '',
        entered_at TEXT NOT NULL,
        entered_by TEXT NOT NULL
    );
    """,
    # version 4: 年度 × 文种 × 单位 answered from the index alone (the desk's filters and page counts
    # read this tally on every 目录 and 检索 page: 30 ms -> 2 ms on 20,000 records)
    """
    CREATE INDEX records_year_kind_unit ON records (year, kind, unit);
    DROP INDEX records_year_kind;
    """,
    # version 5: retention and disposal (到期鉴定, 销毁, 延长保管期限; issue 18 item 3, see retention.py).
    # A decision, the records it covers and a destruction are written once and never changed (the
    # triggers); a record's state holds the 保管期限 in force and whether it is 拟销毁 or 已销毁. The
    # records table is left as filed: its 保管期限 is part of the 档号, and verify holds it to the
    # filing's digest. Each row's digest is fixed in its audit entry, so verify catches an edit.
    """
    CREATE TABLE disposal_decisions (
        id INTEGER PRIMARY KEY,
        opinion TEXT NOT NULL CHECK (opinion IN ('destroy', 'extend')),  -- 鉴定意见
        new_retention TEXT CHECK (new_retention IN ('Y', 'D30', 'D10')), -- 延长后的保管期限
        reason TEXT NOT NULL,                -- the grounds of the opinion
        members TEXT NOT NULL,               -- JSON list of the 鉴定小组 members, two or more
        approver TEXT NOT NULL,              -- 批准人
        decided_on TEXT NOT NULL,            -- 批准日期, ISO
        early_reason TEXT NOT NULL DEFAULT '', -- why records not yet due are destroyed (empty: none are)
        entered_at TEXT NOT NULL,
        entered_by TEXT NOT NULL,
        CHECK ((opinion = 'extend') = (new_retention IS NOT NULL))
    );
    CREATE TABLE disposal_records (
        decision_id INTEGER NOT NULL REFERENCES disposal_decisions (id) ON DELETE RESTRICT,
        record_id INTEGER NOT NULL REFERENCES records (id) ON DELETE RESTRICT,
        retention TEXT NOT NULL,             -- the 保管期限 in force before the decision
        expires TEXT,                        -- its 到期日, ISO (NULL for 永久)
        due INTEGER NOT NULL,                -- 1 when past its 到期日 on the decision's date
        PRIMARY KEY (decision_id, record_id)
    );
    CREATE INDEX disposal_records_record ON disposal_records (record_id);
    CREATE TABLE destructions (
        decision_id INTEGER PRIMARY KEY REFERENCES disposal_decisions (id) ON DELETE RESTRICT,
        destroyed_on TEXT NOT NULL,          -- 销毁日期, ISO
        supervisors TEXT NOT NULL,           -- JSON list of the 监销人, two or more
        method TEXT NOT NULL,                -- 销毁方式
        lists TEXT NOT NULL,                 -- JSON: the 销毁清册 files written, with their sha256
        entered_at TEXT NOT NULL,
        entered_by TEXT NOT NULL
    );
    CREATE TABLE record_states (
        record_id INTEGER PRIMARY KEY REFERENCES records (id) ON DELETE RESTRICT,
        state TEXT NOT NULL CHECK (state IN ('extended', 'pending', 'destroyed')),
        retention TEXT NOT NULL CHECK (retention IN ('Y', 'D30', 'D10')),  -- the 保管期限 in force
        decision_id INTEGER NOT NULL REFERENCES disposal_decisions (id) ON DELETE RESTRICT
    );
    CREATE TRIGGER disposal_decisions_fixed_update BEFORE UPDATE ON disposal_decisions
        BEGIN SELECT RAISE(ABORT, 'a disposal decision is never changed'); END;
    CREATE TRIGGER disposal_decisions_fixed_delete BEFORE DELETE ON disposal_decisions
        BEGIN SELECT RAISE(ABORT, 'a disposal decision is never deleted'); END;
    CREATE TRIGGER disposal_records_fixed_update BEFORE UPDATE ON disposal_records
        BEGIN SELECT RAISE(ABORT, 'a disposal decision is never changed'); END;
    CREATE TRIGGER disposal_records_fixed_delete BEFORE DELETE ON disposal_records
        BEGIN SELECT RAISE(ABORT, 'a disposal decision is never changed'); END;
    CREATE TRIGGER destructions_fixed_update BEFORE UPDATE ON destructions
        BEGIN SELECT RAISE(ABORT, 'a destruction is never changed'); END;
    CREATE TRIGGER destructions_fixed_delete BEFORE DELETE ON destructions
        BEGIN SELECT RAISE(ABORT, 'a destruction is never deleted'); END;
    """,
]

GENESIS = "sha256:" + "0" * 64
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


CHECKPOINT = "checkpoint.json"
#: The record columns whose values the filing's audit entry fixes (``meta`` digest); page_count
#: is audited by its own "update" entries, and the extracted text is derived from the file.
AUDITED_COLUMNS = (
    "fonds", "category", "year", "retention", "org", "item", "archival_code", "doc_number", "title",
    "author", "date", "kind", "secrecy", "recipients", "cc", "unit", "template_id", "source",
    "filed_at", "filed_by",
)  # fmt: skip


def row_digest(values: Mapping[str, object]) -> str:
    """A digest of a row's values (canonical JSON), kept in its audit entry so that verify can tell
    a row edited behind the tool's back."""
    text = json.dumps({key: values[key] for key in sorted(values)}, ensure_ascii=False, sort_keys=True, default=str)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


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


def parse_checkpoint(source: Path | bytes) -> dict[str, Any] | None:
    """The fields of a checkpoint (a file, or its bytes from an export); None when it is missing or
    not one (no entry count and head of the right types)."""
    try:
        raw = source if isinstance(source, bytes) else source.read_bytes()
        data = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict):
            return None
        int(data["audit_entries"])
        str(data["audit_head"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return data


def chain_hash(prev_hash: str, at: str, actor: str, action: str, record_id: int | None, detail: str) -> str:
    """The hash of one audit entry: it covers the previous entry's hash, so history cannot be rewritten."""
    payload = json.dumps([prev_hash, at, actor, action, record_id, detail], ensure_ascii=False)
    return "sha256:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()


class Registry:
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

    # ------------------------------------------------------------------ the checkpoint outside the database

    @property
    def checkpoint_path(self) -> Path:
        return self.path.with_name(CHECKPOINT)

    def audit_head(self) -> tuple[int, str]:
        """(number of audit entries, hash of the last one) as the database holds them now."""
        row = self.db.execute("SELECT count(*) AS n, (SELECT hash FROM audit ORDER BY id DESC LIMIT 1) AS h "
                              "FROM audit").fetchone()  # fmt: skip
        return int(row["n"]), str(row["h"] or GENESIS)

    @staticmethod
    def _signer() -> Signer | None:
        """The private key the environment configures (:data:`.signing.ENV_KEY`), read from its file
        now (so a key replaced or withdrawn counts from the next filing); None when there is none."""
        return configured_signer()

    def write_checkpoint(self, signer: Signer | Literal["env"] | None = "env", *, reads_only: bool = False) -> bool:
        """Record the audit chain's length and head in ``checkpoint.json`` beside the database.

        Someone who can edit the database can recompute the whole chain; they cannot make it agree
        with a head written outside it at each commit (and kept in exports and dossiers). Written
        under a file lock from the database's latest state, so it only moves forward even when
        several processes file at once. Signed by ``signer`` (by default the key the environment
        configures, :data:`.signing.ENV_KEY`), someone who can also rewrite the file cannot make
        one that verifies with the bureau's public key.

        Called after a commit, which stands whatever happens here: a checkpoint that cannot be
        written (a full disk, a bad key when the default is read here) is a warning in
        :attr:`warnings` and False. The checkpoint then lags behind the chain, which verify accepts
        (as after a crash between the two); the next commit writes it up to date.
        """
        try:
            self._write_checkpoint(self._signer() if signer == "env" else signer, reads_only=reads_only)
        except (OSError, LianzhengError, sqlite3.Error) as exc:
            reason = "磁盘空间不足" if disk_full(exc, self.path.parent) else getattr(exc, "message", None) or str(exc)
            self.warnings.append(
                f"已写入登记库，但库外的审计检查点 {CHECKPOINT} 未能更新（{reason}）；它仍是上一次的状态，"
                "校验照常通过，下次写入登记库时会补上"
            )
            return False
        return True

    def _write_checkpoint(self, signer: Signer | None, *, reads_only: bool = False) -> None:
        from ..fileio import write_atomic

        try:
            import fcntl
        except ImportError:  # Windows: no flock; the newer-only rule below still holds per process
            fcntl = None  # type: ignore[assignment]
        with open(self.path.with_name(CHECKPOINT + ".lock"), "a") as lock:
            if fcntl is not None:
                fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                count, head = self.audit_head()
                previous = self.checkpoint()
                if previous is not None and int(previous["audit_entries"]) >= count:
                    return
                if reads_only and signer is None and previous is not None and previous.get("signature"):
                    return  # a view or download where there is no key never unsigns the checkpoint (verify notes them)
                data: dict[str, Any] = {"audit_entries": count, "audit_head": head, "written_at": now()}
                if signer is not None:
                    data = signer.sign(data)
                elif previous is not None and previous.get("signature"):
                    self.warnings.append(
                        f"上一个审计检查点是签过名的，本次没有配置签名私钥（环境变量 {ENV_KEY}），新的检查点"
                        "未签名：用公钥校验（archive verify --public-key）时会报告；请在配置了私钥的机器上归档"
                    )
                write_atomic(self.checkpoint_path, json.dumps(data, ensure_ascii=False).encode(), overwrite=True)
                if not self.setting("checkpointed", ""):
                    self.set_setting("checkpointed", "1")
            finally:
                if fcntl is not None:
                    fcntl.flock(lock, fcntl.LOCK_UN)

    def read_checkpoint(self) -> tuple[int, str] | None:
        """(entries, head) from ``checkpoint.json``, or None when there is none or it is unreadable."""
        data = self.checkpoint()
        return None if data is None else (int(data["audit_entries"]), str(data["audit_head"]))

    def checkpoint(self) -> dict[str, Any] | None:
        """Every field of ``checkpoint.json`` (``audit_entries``, ``audit_head``, ``written_at``, and
        when signed ``key`` and ``signature``), or None when there is none or it is unreadable."""
        return parse_checkpoint(self.checkpoint_path)

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
