"""The parts every 四性检测 check is made of: the check itself, what it finds, and what it reads.

A :class:`Check` is one 检测项目 of DA/T 70-2018: a stable id of this project (``AU-01``; AU 真实性,
IN 完整性, US 可用性, SE 安全性), the property it belongs to, its title, the clause it implements,
and the stages (环节) at which it cannot be judged here, each with the reason. Its function reads
the :class:`Context` (the archive's records, files and audit log, each read once) and tells its
:class:`Collector` what it found: a failure or a warning naming the record (档号) and how to put it
right, or a note. Whatever it does not report has passed; a check that cannot judge says so
(:meth:`Collector.not_applicable`), it never passes in silence.

About the clauses: the text of DA/T 70-2018 itself could not be read for this work. Its tables of
检测项目 number each item as 环节-性质-序号 (``GD-1-6``: 归档环节, 真实性, item 6). The numbers cited
here are those found in public implementations of the standard (the source code of 四性检测
systems, which transcribe the tables' numbers and item names): most are given alike by two or
more of them (GD-1-1 to 1-3, 1-6 to 1-8, 1-10, 1-11, 2-1 to 2-3, 2-6, 2-11); GD-1-4 and 1-5 are
inferred from the order of the items as listed there, and GD-2-4, 2-5, 2-7, 2-10, 3-2, 3-3, 3-8,
4-1 and 4-2 come from one implementation only. An item whose number was not found is cited by its
name alone, marked 编号未核实. The same items recur in the tables of 移交与接收 (``YJ-``) and 长期保存;
only the 归档 number is cited. The standard's section numbers are not given for the same reason.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .records import Record

if TYPE_CHECKING:
    from .archive import Archive
    from .inspect_checks_probe import FileFacts
    from .verify import VerifyReport

#: The stages (环节) of DA/T 70-2018, in the order a record passes them.
STAGES = ("归档", "移交", "长期保存")
STAGE_NAMES = {"归档": "归档环节", "移交": "移交与接收环节", "长期保存": "长期保存环节"}
#: The four properties (四性), in the standard's order.
PROPERTIES = ("真实性", "完整性", "可用性", "安全性")

PASS, FAIL, WARN, NOT_APPLICABLE = "pass", "fail", "warn", "n/a"
STATUS_NAMES = {PASS: "通过", FAIL: "不通过", WARN: "通过（有警告）", NOT_APPLICABLE: "不适用"}

#: 档号 as messages name it (verify's among them): "档号 Z001-WS·2026-Y-BGS-0001 ..."
_CODE_IN_MESSAGE = re.compile(r"档号 (\S+?)(?=[ \s的，：（]|$)")


@dataclass(frozen=True)
class Check:
    """One 检测项目: what it is, where it comes from, and the function that judges it."""

    id: str
    property: str
    title: str
    #: the clause it implements (DA/T 70-2018 item, and the standard it judges against)
    clause: str
    #: what is compared with what, in a sentence (for the report and ``--json``)
    method: str
    run: Callable[[Context, Collector], None] = field(repr=False, compare=False)
    #: "record": its findings each name a record (``--record`` keeps that record's); "archive": the whole
    scope: str = "record"
    #: stage -> why the check cannot be judged at that stage (it is then 不适用, with the reason)
    not_applicable: Mapping[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "property": self.property, "title": self.title, "clause": self.clause,
                "method": self.method, "scope": self.scope}  # fmt: skip


@dataclass(frozen=True)
class Finding:
    """Something a check found wrong (``fail``) or worth a look (``warn``)."""

    check: str
    severity: str
    message: str
    #: the record's 档号, or "" for the archive as a whole
    code: str = ""
    #: the file concerned, relative to the archive folder
    path: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"check": self.check, "severity": self.severity, "message": self.message, "archival_code": self.code,
                "path": self.path}  # fmt: skip


@dataclass
class ItemResult:
    """One check's outcome: its status, how many objects it judged, what it found."""

    check: Check
    status: str = PASS
    examined: int = 0
    #: what ``examined`` counts: 件, 个文件, 条审计记录, 项
    unit: str = "件"
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: why the check was not judged (status n/a)
    reason: str = ""

    @property
    def failures(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == FAIL]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARN]

    def to_dict(self) -> dict[str, Any]:
        return {**self.check.to_dict(), "status": self.status, "status_name": STATUS_NAMES[self.status],
                "examined": self.examined, "unit": self.unit, "reason": self.reason, "notes": self.notes,
                "findings": [f.to_dict() for f in self.findings]}  # fmt: skip


class Collector:
    """What a check tells about what it found; turned into an :class:`ItemResult` when it is done."""

    def __init__(self, check: Check, only: str | None) -> None:
        self.result = ItemResult(check)
        self._only = only

    def examined(self, count: int, unit: str = "件") -> None:
        self.result.examined, self.result.unit = count, unit

    def fail(self, message: str, code: str = "", path: str = "") -> None:
        self._add(FAIL, message, code, path)

    def warn(self, message: str, code: str = "", path: str = "") -> None:
        self._add(WARN, message, code, path)

    def note(self, message: str) -> None:
        if message not in self.result.notes:
            self.result.notes.append(message)

    def not_applicable(self, reason: str) -> None:
        self.result.status, self.result.reason = NOT_APPLICABLE, reason

    def _add(self, severity: str, message: str, code: str, path: str) -> None:
        message = printable(message)
        if not code:
            found = _CODE_IN_MESSAGE.search(message)
            code = found.group(1) if found else ""
        if self._only is not None and self.result.check.scope == "record" and code and code != self._only:
            return  # inspecting one record: another record's finding is not this inspection's
        self.result.findings.append(Finding(self.result.check.id, severity, message, code, path))

    def finish(self) -> ItemResult:
        result = self.result
        if result.status != NOT_APPLICABLE:
            result.status = FAIL if result.failures else WARN if result.warnings else PASS
        return result


class Context:
    """What the checks read, each read once: records and their rows, files, verify's findings, audit facts.

    The registry is read through a connection of its own that decodes text leniently: a value
    someone wrote into the database as bytes that are not UTF-8 (a lone surrogate) is a finding of
    the special-character check, not a crash of the whole inspection. ``only`` (an id, 档号 or 文号)
    limits the per-record checks to one record; the checks of the archive as a whole (the audit
    chain, the counts, the numbering) still look at all of it.
    """

    def __init__(self, archive: Archive, stage: str, only: str | None = None) -> None:
        self.archive = archive
        self.root: Path = archive.root
        self.stage = stage
        self.db = sqlite3.connect(archive.registry.path)
        self.db.row_factory = sqlite3.Row
        self.db.text_factory = lambda raw: raw.decode("utf-8", "surrogateescape")
        self.db.execute("PRAGMA query_only = ON")
        rows = list(self.db.execute("SELECT * FROM records ORDER BY year, retention, org, item, id"))
        files: dict[int, list[sqlite3.Row]] = {row["id"]: [] for row in rows}
        for stored in self.db.execute("SELECT * FROM files ORDER BY id"):
            files.setdefault(stored["record_id"], []).append(stored)
        #: every record, in 档号 order; the files table's rows by record id
        self.all_records = [Record.from_row(row, files[row["id"]]) for row in rows]
        self.file_rows = files
        self.only = self._find(only) if only is not None else None
        self.records: list[Record] = [self.only] if self.only is not None else self.all_records
        self.rows: dict[int, sqlite3.Row] = {row["id"]: row for row in rows if self._wanted(row["id"])}
        self._verify: VerifyReport | None = None
        self.verify_error = ""
        self._facts: dict[str, FileFacts] = {}
        #: path of every stored file -> the 档号 of its record
        self.code_of_path = {f.path: r.archival_code for r in self.all_records for f in r.files}

    def close(self) -> None:
        self.db.close()

    def _find(self, key: str) -> Record:
        text = key.strip()
        for record in self.all_records:
            if text in (str(record.id), record.archival_code, record.doc_number):
                return record
        from .errors import RecordNotFound

        raise RecordNotFound(f"档案中没有 id、档号或文号为 {text!r} 的记录；可用 lianzheng archive list 查看")

    def _wanted(self, record_id: int) -> bool:
        return self.only is None or record_id == self.only.id

    @property
    def verify(self) -> VerifyReport | None:
        """verify's report (:mod:`.verify`), computed once: the digests, the chain and the gaps are its
        work. None when it could not finish (:attr:`verify_error` says why; the checks that need it fail)."""
        if self._verify is None and not self.verify_error:
            from .verify import verify

            try:
                self._verify = verify(self.root, self.archive.registry)
            except (sqlite3.Error, OSError, ValueError) as exc:
                self.verify_error = f"校验（lianzheng archive verify）无法完成：{exc}"
        return self._verify

    @property
    def destroyed(self) -> set[str]:
        """The stored files destroyed on a 鉴定 decision (verify tells them from missing ones): not looked for."""
        report = self.verify
        return {gone.path for gone in getattr(report, "destroyed", [])} if report is not None else set()

    def kept(self, record: Record) -> bool:
        """Whether any of the record's files is still kept (not all destroyed on a decision)."""
        destroyed = self.destroyed
        return not record.files or any(f.path not in destroyed for f in record.files)

    def facts(self, path: str, fmt: str) -> FileFacts | None:
        """What the stored file ``path`` is and holds (read once); None when it is not there."""
        if path not in self._facts:
            from .inspect_checks_probe import probe

            target = self.root / path
            if not target.is_file():
                return None
            self._facts[path] = probe(target, fmt)
        return self._facts[path]

    def audit_rows(self, *actions: str) -> list[sqlite3.Row]:
        marks = ", ".join("?" * len(actions))
        return list(self.db.execute(f"SELECT * FROM audit WHERE action IN ({marks}) ORDER BY id", actions))


def printable(text: str) -> str:
    """``text`` safe to print and to write as UTF-8: what the registry held as undecodable bytes (read as
    lone surrogates), control characters (an ESC would drive the terminal) and direction overrides are
    each shown as U+FFFD. AU-08 names them; the report only shows where they were."""
    try:
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a surrogate not made from a byte: replaced as well
        text = text.encode("utf-8", "replace").decode("utf-8")
    return "".join("\ufffd" if unicodedata.category(ch) == "Cc" or ch in _REORDERING else ch for ch in text)


#: Bidirectional embeddings, overrides and isolates: they reorder the text printed after them.
_REORDERING = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def local_time(iso: str) -> str:
    """An ISO time stamp (UTC, as the registry keeps it) in this computer's local time, to the minute."""
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso


def check(
    id: str,
    property: str,
    title: str,
    clause: str,
    method: str,
    *,
    scope: str = "record",
    not_applicable: Mapping[str, str] | None = None,
) -> Callable[[Callable[[Context, Collector], None]], Check]:
    """Make the decorated function a :class:`Check` (the module's list of checks holds them)."""

    def make(run: Callable[[Context, Collector], None]) -> Check:
        return Check(id, property, title, clause, method, run, scope, dict(not_applicable or {}))

    return make
