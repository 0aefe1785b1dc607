"""Receive transfer packages (DA/T 48-2009, made by :mod:`.package`) into an archive.

Each record keeps its 档号, 文号, metadata and files byte for byte: a package is a record moving
from one archive to another (移交与接收), not a new filing, so nothing is renumbered. The number
sequences are raised past the numbers received, so later filings never take them again.

A batch is received whole or not at all, in two passes:

1. every package is read and checked on its own: its size; the XML (a DOCTYPE is refused, no
   entity is expanded, nothing is fetched); the schema (:file:`eep.xsd`); each file's SHA-256,
   size and real format (decoded once into the archive's ``tmp/``); the 档号 against its parts; the
   signature: with a public key given from outside, it must be that key's valid Ed25519 signature;
   without one, the package's own key or digest must match (which catches damage, not forgery).
2. the batch against the archive: a package whose 档号 is already there with the same metadata
   and file digests is skipped; a different record at the same 档号, or a 文号 another 档号 holds,
   is refused, naming it.

Every problem of every package is listed at once (:class:`PackagesRefused`, exit 3) and nothing is
filed. Otherwise one registry transaction files them all, with one audit entry ``file`` per record
whose ``received`` detail says which package it came from, how it was signed and the history the
package carried; files placed in that transaction are removed again if it does not commit. A
record keeps its 归档时间 and 归档人 (those of its first filing); who received it, and when, is
that audit entry.

Only packages this project makes are received: the role and SHA-256 of each file are read from
the 附注 :mod:`.package` writes, and the 档号 must have the form of DA/T 22-2015 the archive uses.

The first pass is :func:`read_package` (:mod:`.incoming_reader`, the signature judged by
:mod:`.incoming_signature`, what it yields in :mod:`.incoming`); the second, and the filing, are here.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .codes import parse_doc_number
from .errors import ArchiveError
from .incoming import Incoming, PackagesRefused, Refusal
from .incoming_reader import read_package
from .package import ROLE_NAMES
from .registry import AUDITED_COLUMNS, now, row_digest
from .storage import place

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from .archive import Archive

#: the record's fields a clerk knows by their DA/T 46 names, compared when a 档号 is already filed
COMPARED = {"title": "题名", "doc_number": "文号", "author": "责任者", "date": "日期", "kind": "文种",
            "secrecy": "密级", "recipients": "主送", "cc": "抄送", "unit": "科室（单位）", "retention": "保管期限",
            "template_id": "模板", "source": "来源"}  # fmt: skip


@dataclass(frozen=True)
class Outcome:
    """What became of one package: ``received`` (with the new record's id) or ``skipped``."""

    package: Path
    archival_code: str
    status: str
    record_id: int | None
    signature: str
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"package": str(self.package), "archival_code": self.archival_code, "status": self.status,
                "record_id": self.record_id, "signature": self.signature, "reason": self.reason}  # fmt: skip


def unpackage(archive: Archive, paths: Sequence[Path], *, public_key: Ed25519PublicKey | None = None) -> list[Outcome]:
    """Receive the packages at ``paths`` into ``archive``: all of them, or none.

    :raises PackagesRefused: any package is damaged, altered, not signed by ``public_key`` (when
        given), malformed, or collides with a different record of the archive (or of the batch).
    """
    incoming: list[Incoming] = []
    refusals: list[Refusal] = []
    try:
        for path in paths:
            try:
                incoming.append(read_package(path, archive.root / "tmp", public_key=public_key))
            except PackagesRefused as exc:
                refusals.extend(exc.refusals)
        plan, skipped, notes = _against_archive(archive, incoming, refusals)
        if refusals:
            raise PackagesRefused(refusals)
        archive.warnings.extend(notes)
        with archive.indexing_deferred():
            ids = _file_all(archive, plan)
    finally:
        for item in incoming:
            for stored in item.files:
                stored.staged.path.unlink(missing_ok=True)
    received = [Outcome(item.package, item.archival_code, "received", record_id, item.signature)
                for item, record_id in zip(plan, ids, strict=True)]  # fmt: skip
    order = {path: index for index, path in enumerate(paths)}
    return sorted(received + skipped, key=lambda outcome: order.get(outcome.package, 0))


# ---------------------------------------------------------------------- the batch against the archive


def _against_archive(
    archive: Archive, incoming: list[Incoming], refusals: list[Refusal]
) -> tuple[list[Incoming], list[Outcome], list[str]]:
    """Which packages to file, which to skip, and warnings to give once filed; collisions go to ``refusals``."""
    plan: list[Incoming] = []
    skipped: list[Outcome] = []
    notes: list[str] = []
    seen: dict[str, Incoming] = {}
    numbers: dict[str, str] = {}
    for item in incoming:
        code, name = item.archival_code, item.package.name
        if code in seen:
            earlier = seen[code]
            if _differences(earlier.values, {(f.role, f.sha256) for f in earlier.files}, item):
                refusals.append(Refusal(name, code, f"与同一批中的 {earlier.package.name} 档号相同而内容不同"))
            else:
                skipped.append(
                    Outcome(item.package, code, "skipped", None, item.signature, "与同一批中的另一个封装包相同")
                )
            continue
        seen[code] = item
        row = archive.registry.record_by("archival_code", code)
        if row is not None:
            files = {(f["role"], f["sha256"]) for f in archive.registry.files_of(row["id"])}
            differ = _differences(dict(row), files, item)
            if differ:
                refusals.append(Refusal(name, code, (
                    f"档号 {code} 已在档案中，但与封装包中的不同（{'、'.join(differ)}）：同一档号不能有两件不同的档案；"
                    "请与移交单位核实是哪一件"
                )))  # fmt: skip
            else:
                skipped.append(Outcome(item.package, code, "skipped", int(row["id"]), item.signature,
                                       "档案中已有这件（档号、元数据和文件哈希都相同）"))  # fmt: skip
            continue
        number = item.values["doc_number"]
        if number:
            taken = archive.registry.record_by("doc_number", number)
            if taken is not None or number in numbers:
                holder = taken["archival_code"] if taken is not None else numbers[number]
                refusals.append(Refusal(name, code, f"文号 {number} 已被档号 {holder} 使用，文号不得重复"))
                continue
            numbers[number] = code
        for stored in item.files:
            same = archive.registry.file_by_hash(stored.sha256)
            if same is not None:
                notes.append(f"档号 {code} 的{ROLE_NAMES.get(stored.role, stored.role)}与档案中档号 "
                                        f"{same['archival_code']} 的文件内容相同")  # fmt: skip
        plan.append(item)
    return plan, skipped, notes


def _differences(values: dict[str, Any], files: set[tuple[str, str]], item: Incoming) -> list[str]:
    """What differs between a record (its columns and (role, digest) of its files) and a package's."""
    differ = [
        label for column, label in COMPARED.items() if (values.get(column) or None) != (item.values[column] or None)
    ]
    if files != {(f.role, f.sha256) for f in item.files}:
        differ.append("文件")
    return differ


def _file_all(archive: Archive, plan: list[Incoming]) -> list[int]:
    """File every record of ``plan`` in one transaction; files placed are removed if it does not commit."""
    placed: list[Path] = []
    try:
        with archive.registry.transaction():
            return [_file_one(archive, item, placed) for item in plan]
    except BaseException:
        for path in placed:
            if not _registered(archive, path):
                path.unlink(missing_ok=True)
        raise


def _file_one(archive: Archive, item: Incoming, placed: list[Path]) -> int:
    registry = archive.registry
    values = item.values
    record_id = registry.insert_record(values)
    registry.raise_sequence("item", item.code.scope, item.code.item)
    parsed = parse_doc_number(values["doc_number"] or "")
    if parsed:
        registry.raise_sequence("doc_number", f"{parsed[0]}|{parsed[1]}", parsed[2])
    declared = []
    paths: list[str] = []
    for stored in item.files:
        relative = f"files/{item.code.year}/{item.code}.{stored.format}"
        if relative in paths:  # the archive's own rule (Archive.attach): a second file of one format
            relative = f"files/{item.code.year}/{item.code}.{stored.role}.{stored.format}"
        paths.append(relative)
        registry.insert_file(record_id, role=stored.role, path=relative, format=stored.format, size=stored.size,
                             sha256=stored.sha256, original_name=stored.original_name)  # fmt: skip
        declared.append({"role": stored.role, "path": relative, "sha256": stored.sha256, "size": stored.size})
    registry.audit(archive.actor, "file", record_id, {
        "archival_code": item.archival_code, "doc_number": values["doc_number"], "source": values["source"],
        "files": declared, "meta": row_digest({column: values[column] for column in AUDITED_COLUMNS}),
        "received": {"package": item.package.name, "package_sha256": item.package_sha256,
                     "signature": item.signature, "key": item.key, "created_at": item.created_at,
                     "created_by": item.created_by, "received_at": now(), "history": item.history},
    })  # fmt: skip
    for stored, relative in zip(item.files, paths, strict=True):
        target = _free(archive, relative)
        placed.append(target)
        place(stored.staged, target)
    return record_id


def _free(archive: Archive, relative: str) -> Path:
    """The path a received file goes to; a file an interrupted run left there (no other record owns
    it) is moved to ``quarantine/`` with a warning, as :meth:`Archive.add` does."""
    target = archive.root / relative
    if not target.exists():
        return target
    owners = archive.registry.db.execute("SELECT count(*) FROM files WHERE path = ?", (relative,)).fetchone()[0]
    if owners > 1:
        raise ArchiveError(f"档案中已有文件 {relative}，拒绝覆盖；请运行 lianzheng archive verify 检查")
    quarantine = archive.root / "quarantine"
    moved = quarantine / f"{now().replace(':', '')}-{target.name}"
    quarantine.mkdir(exist_ok=True)
    os.replace(target, moved)
    archive.warnings.append(f"发现中断的操作留下的文件 {relative}，已移到 {moved.relative_to(archive.root)}")
    return target


def _registered(archive: Archive, path: Path) -> bool:
    """Whether the registry holds a file at ``path``; True when it cannot say (keep the file)."""
    with contextlib.suppress(Exception):
        relative = path.relative_to(archive.root).as_posix()
        return archive.registry.db.execute("SELECT 1 FROM files WHERE path = ?", (relative,)).fetchone() is not None
    return True


def expand(sources: Sequence[Path]) -> Iterator[Path]:
    """Package files from files and folders (every ``*.xml`` in a folder, in name order)."""
    for source in sources:
        if source.is_dir():
            yield from sorted(p for p in source.iterdir() if p.is_file() and p.suffix.lower() == ".xml")
        else:
            yield source


__all__ = ["Incoming", "Outcome", "PackagesRefused", "Refusal", "expand", "read_package", "unpackage"]
