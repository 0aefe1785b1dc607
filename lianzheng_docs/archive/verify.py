"""Check an archive's fixity and history: every file re-hashed, the audit chain recomputed,
missing and unknown files found, and gaps in the numbering reported (DA/T 70's 真实性, 完整性).

The registry is not trusted either: the audit chain must end where the checkpoint outside the
database says it ended (so a chain recomputed or cut short is caught), and every audited fact —
a record's metadata, a file's digest, a ledger or event entry — must still be what its audit
entry fixed when it was written (so a row edited behind the tool's back is caught).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .codes import parse_doc_number
from .registry import AUDITED_COLUMNS, GENESIS, Registry, chain_hash, row_digest
from .storage import digest_of


@dataclass(frozen=True)
class Issue:
    kind: str  # altered | missing | unknown | audit | gap | stray
    message: str
    path: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "message": self.message, "path": self.path}


@dataclass
class VerifyReport:
    records: int = 0
    files: int = 0
    audit_entries: int = 0
    issues: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No breach of fixity, completeness or history; stray temporary files do not count."""
        return not [issue for issue in self.issues if issue.kind != "stray"]

    def to_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "records": self.records,
            "files": self.files,
            "audit_entries": self.audit_entries,
            "issues": [issue.to_dict() for issue in self.issues],
        }


def verify(root: Path, registry: Registry) -> VerifyReport:
    report = VerifyReport(records=registry.count())
    known: set[str] = set()
    for row in registry.all_files():
        report.files += 1
        known.add(row["path"])
        path = root / row["path"]
        if not path.is_file():
            report.issues.append(Issue("missing", f"档号 {row['archival_code']} 的文件丢失", row["path"]))
            continue
        digest, size = digest_of(path)
        if digest != row["sha256"] or size != row["size"]:
            report.issues.append(
                Issue("altered", f"档号 {row['archival_code']} 的文件已被改动（哈希值与登记不符）", row["path"])
            )
    files_dir = root / "files"
    if files_dir.is_dir():
        for path in sorted(files_dir.rglob("*")):
            relative = path.relative_to(root).as_posix()
            if path.is_file() and relative not in known:
                report.issues.append(
                    Issue("unknown", "文件不在登记库中：来历不明，或是被中断的归档留下的；核实后可移走", relative)
                )
    tmp = root / "tmp"
    if tmp.is_dir():
        for path in sorted(tmp.iterdir()):
            report.issues.append(Issue("stray", "中断的归档留下的临时文件，可删除", path.relative_to(root).as_posix()))
    if _check_audit(registry, report):
        _check_checkpoint(registry, report)
        _check_audited_facts(registry, report)
    _check_numbering(registry, report)
    return report


def _check_checkpoint(registry: Registry, report: VerifyReport) -> None:
    checkpoint = registry.read_checkpoint()
    if checkpoint is None:
        if registry.setting("checkpointed", ""):
            report.issues.append(Issue("checkpoint", f"审计检查点文件 {registry.checkpoint_path.name} 丢失或无法读取"))
        return
    expected_count, expected_head = checkpoint
    count = report.audit_entries
    if count < expected_count:
        report.issues.append(Issue(
            "checkpoint", f"审计日志只有 {count} 条，检查点记录的是 {expected_count} 条：有审计记录被删除",
        ))  # fmt: skip
        return
    if expected_count == 0:
        return
    row = registry.db.execute("SELECT hash FROM audit ORDER BY id LIMIT 1 OFFSET ?", (expected_count - 1,)).fetchone()
    if row is None or row["hash"] != expected_head:
        report.issues.append(Issue(
            "checkpoint", "审计日志与库外的检查点不符：日志被改写或整条重新计算过（登记库被改动过）",
        ))  # fmt: skip


def _check_audited_facts(registry: Registry, report: VerifyReport) -> None:
    """Compare the registry's rows with what their audit entries fixed when they were written."""
    records = {row["id"]: row for row in registry.db.execute("SELECT * FROM records")}
    declared: dict[tuple[int, str], tuple[str, int]] = {}
    for entry in registry.db.execute("SELECT action, record_id, detail FROM audit WHERE action IN "
                                     "('file', 'attach', 'ledger', 'event')"):  # fmt: skip
        detail = json.loads(entry["detail"])
        if entry["action"] in ("file", "attach"):
            for stored in detail.get("files", []):
                declared[(entry["record_id"], stored["path"])] = (stored["sha256"], stored["size"])
        if entry["action"] == "file":
            row = records.get(entry["record_id"])
            if row is None:
                report.issues.append(
                    Issue("deleted", f"档号 {detail.get('archival_code')} 已归档，但登记库中已没有这条记录")
                )
            elif "meta" in detail and row_digest({c: row[c] for c in AUDITED_COLUMNS}) != detail["meta"]:
                what = "的登记信息（题名、日期、密级等）与归档时不同：登记库被改动过"
                report.issues.append(Issue("metadata", f"档号 {row['archival_code']} {what}"))
        elif "row" in detail:
            table, key = ("ledger", "entry") if entry["action"] == "ledger" else ("events", "event")
            current = registry.db.execute(f"SELECT * FROM {table} WHERE id = ?", (detail.get(key),)).fetchone()
            what = "台账记录" if table == "ledger" else "事件记录"
            if current is None:
                report.issues.append(Issue("deleted", f"{what} {detail.get(key)} 已被删除（审计日志中有它）"))
            elif row_digest({k: current[k] for k in current.keys() if k != "id"}) != detail["row"]:
                report.issues.append(Issue("metadata", f"{what} {detail.get(key)} 与记入时不同：登记库被改动过"))
    joined = (
        "SELECT files.record_id, files.path, files.sha256, files.size, records.archival_code "
        "FROM files JOIN records ON records.id = files.record_id"
    )
    for row in registry.db.execute(joined):
        fixed = declared.get((row["record_id"], row["path"]))
        if fixed is not None and fixed != (row["sha256"], row["size"]):
            what = "的文件哈希与归档时的审计记录不符：登记库被改动过"
            report.issues.append(Issue("metadata", f"档号 {row['archival_code']} {what}", row["path"]))


def _check_audit(registry: Registry, report: VerifyReport) -> bool:
    """Recompute the hash chain; False when it is broken (the facts it fixes are then not compared)."""
    previous = GENESIS
    for entry in registry.audit_entries():
        report.audit_entries += 1
        expected = chain_hash(
            previous, entry["at"], entry["actor"], entry["action"], entry["record_id"], entry["detail"]
        )
        if entry["prev_hash"] != previous or entry["hash"] != expected:
            report.issues.append(Issue("audit", f"审计日志第 {entry['id']} 条与前后记录的哈希链不符：日志被改写过"))
            return False
        previous = entry["hash"]
    filed = {row["record_id"] for row in registry.db.execute("SELECT record_id FROM audit WHERE action = 'file'")}
    attached = {
        row["record_id"]
        for row in registry.db.execute("SELECT record_id FROM audit WHERE action IN ('file', 'attach')")
    }
    for row in registry.db.execute("SELECT record_id, path FROM files"):
        if row["record_id"] not in attached:
            report.issues.append(Issue("audit", "文件没有归档的审计记录", row["path"]))
    for row in registry.db.execute("SELECT id, archival_code FROM records"):
        if row["id"] not in filed:
            report.issues.append(Issue("audit", f"档号 {row['archival_code']} 没有归档的审计记录"))
    return True


def _check_numbering(registry: Registry, report: VerifyReport) -> None:
    items: dict[tuple[str, int, str, str], list[int]] = defaultdict(list)
    numbers: dict[tuple[str, int], list[int]] = defaultdict(list)
    for row in registry.db.execute("SELECT fonds, year, retention, org, item, doc_number FROM records"):
        items[(row["fonds"], row["year"], row["retention"], row["org"])].append(row["item"])
        parsed = parse_doc_number(row["doc_number"] or "")
        if parsed:
            numbers[(parsed[0], parsed[1])].append(parsed[2])
    for (fonds, year, retention, org), taken in sorted(items.items()):
        shown, count = _gaps(taken)
        if count:
            scope = f"{fonds}·{year}-{retention}-{org}"
            report.issues.append(Issue("gap", f"{scope} 的件号不连续，缺 {_listed(shown, count)}"))
    for (prefix, year), taken in sorted(numbers.items()):
        shown, count = _gaps(taken)
        if count:
            report.issues.append(Issue("gap", f"{prefix}〔{year}〕的文号不连续，缺 {_listed(shown, count)} 号"))


def _gaps(taken: list[int], shown: int = 10) -> tuple[list[int], int]:
    """The first ``shown`` numbers missing from 1 to the largest taken, and how many are missing,
    walking the numbers taken (never a list of every number: one 件号 of 50,000,000 cost 5.8 GB)."""
    first: list[int] = []
    count, expected = 0, 1
    for number in sorted(set(taken)):
        if number > expected:
            count += number - expected
            first.extend(range(expected, min(number, expected + max(shown - len(first), 0))))
        expected = number + 1
    return first, count


def _listed(shown: list[int], count: int) -> str:
    listed = ", ".join(map(str, shown))
    return listed if count <= len(shown) else f"{listed} 等 {count} 个"
