"""Export an archive as one zip that is also its backup, and import it back.

The zip holds the files under their 档号 (for people), ``manifest.json`` (metadata, digests and
the audit log, for other systems) and ``registry.sqlite3``, a consistent snapshot of the whole
registry taken with SQLite's backup API: records, files, ledger, events, settings, number
sequences and the audit chain. :func:`import_archive` rebuilds an archive from it in an empty
folder, checking every file against its digest; the caller then verifies the result.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import tempfile
import zipfile
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import OutputError
from ..fileio import atomic_output
from .errors import ArchiveError, DiskFull, disk_full
from .records import Record
from .registry import CHECKPOINT, Registry, parse_checkpoint
from .retention import destroyed_files

SNAPSHOT = "registry.sqlite3"
CHUNK = 1024 * 1024


def export(root: Path, registry: Registry, records: list[Record], target: Path, *, overwrite: bool = False) -> Path:
    """Write ``target`` (a .zip) atomically: ``files/<档号>.<ext>``, ``manifest.json`` and the registry.

    Without ``overwrite`` an existing ``target`` is never replaced, not even one that another
    process writes while this export runs."""
    with atomic_output(target, overwrite=overwrite) as handle:
        try:
            _write_zip(handle, root, registry, records)
        except OSError as exc:  # a filed file that cannot be read, or the disk is full
            raise OutputError(f"无法写出 {target}：{exc.strerror or exc}") from exc
    return target


def _write_zip(handle: BinaryIO, root: Path, registry: Registry, records: list[Record]) -> None:
    with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        entries = []
        destroyed = destroyed_files(registry)  # destroyed on a 鉴定 decision: listed, not carried
        for record in records:
            files = []
            for stored in record.files:
                gone = destroyed.get(stored.path)
                if gone is not None and gone.sha256 == stored.sha256 and not (root / stored.path).exists():
                    files.append({**stored.__dict__, "path": None, "stored_path": stored.path,
                                  "destroyed": gone.to_dict()})  # fmt: skip
                    continue
                arcname = f"files/{record.archival_code}.{stored.format}"
                if stored.role != "original":
                    arcname = f"files/{record.archival_code}.{stored.role}.{stored.format}"
                archive.write(root / stored.path, arcname)  # streamed from disk
                files.append({**stored.__dict__, "path": arcname, "stored_path": stored.path})
            entries.append({**record.to_dict(), "files": files})
        audit = [dict(row) for row in registry.audit_entries()]
        manifest = {
            "format": "lianzheng-archive-export",
            "version": 2,
            "schema_version": registry.schema_version,
            "records": entries,
            "audit": audit,
            "audit_head": audit[-1]["hash"] if audit else None,
            "registry": SNAPSHOT,
        }
        # read before the snapshot: a filing committed meanwhile moves the snapshot ahead of the
        # checkpoint (allowed), never the checkpoint ahead of the snapshot (a false alarm)
        checkpoint = registry.checkpoint_path.read_bytes() if registry.checkpoint_path.is_file() else None
        with tempfile.TemporaryDirectory(prefix="lianzheng-export-") as work:
            snapshot = Path(work) / SNAPSHOT
            copy = sqlite3.connect(snapshot)
            try:
                registry.db.backup(copy)  # consistent even while other processes file
            finally:
                copy.close()
            archive.write(snapshot, SNAPSHOT)
        if checkpoint is not None:  # the anchor outside the database travels with it
            archive.writestr(CHECKPOINT, checkpoint)
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))


def exported_checkpoint(source: Path) -> dict[str, Any] | None:
    """The checkpoint the export ``source`` carries (its signature is checked against a public key
    given from outside), or None when it carries none or cannot be read."""
    try:
        with zipfile.ZipFile(source) as package:
            return parse_checkpoint(package.read(CHECKPOINT))
    except (OSError, KeyError, zipfile.BadZipFile):
        return None


def import_archive(source: Path, root: Path) -> int:
    """Rebuild the archive exported to ``source`` in the empty (or new) folder ``root``.

    Every file is checked against its digest while it is unpacked; the archive is assembled in a
    staging folder beside ``root`` and renamed into place only when complete, so a failure leaves
    nothing at ``root``. Returns the number of records.

    :raises ArchiveError: ``root`` is not empty, ``source`` is not a full export, or a file or the
        snapshot is damaged.
    """
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise ArchiveError(f"{root} 不是空文件夹；导入只能建立新的档案（请换一个不存在或空的文件夹）")
    try:
        package = zipfile.ZipFile(source)
    except (OSError, zipfile.BadZipFile) as exc:
        raise ArchiveError(f"{source} 不是可读的导出包：{exc}") from exc
    with package:
        names = set(package.namelist())
        if "manifest.json" not in names or SNAPSHOT not in names:
            raise ArchiveError(
                f"{source} 不是完整的导出包（缺少 manifest.json 或 {SNAPSHOT}；早期版本的导出不含登记库）"
            )
        try:
            manifest = json.loads(package.read("manifest.json"))
        except ValueError as exc:
            raise ArchiveError(f"{source} 的 manifest.json 无法读取：{exc}") from exc
        try:
            root.parent.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=f".{root.name}.import-", dir=root.parent))
        except OSError as exc:
            raise _import_failed(exc, root) from exc
        try:
            count = _restore(package, manifest, staging)
            if root.exists():
                root.rmdir()  # empty, checked above
            staging.rename(root)
        except BaseException as exc:
            shutil.rmtree(staging, ignore_errors=True)
            if isinstance(exc, OSError):  # a full disk, most likely: said so, not a traceback
                raise _import_failed(exc, root) from exc
            raise
    return count


def _import_failed(exc: OSError, root: Path) -> ArchiveError:
    outcome = f"导入没有完成，已清除导入了一半的内容（{root} 没有改动）"
    if disk_full(exc, root.parent):
        return DiskFull(root.parent, outcome)
    return ArchiveError(f"{outcome}：{exc.strerror or exc}")


def _restore(package: zipfile.ZipFile, manifest: Any, staging: Path) -> int:
    records = manifest.get("records") if isinstance(manifest, dict) else None
    if not isinstance(records, list):
        raise ArchiveError("导出包的 manifest.json 没有记录列表")
    for record in records:
        for stored in record.get("files", []):
            if stored.get("destroyed"):  # destroyed on a 鉴定 decision: the registry says so, verify reports it
                continue
            stored_path = str(stored.get("stored_path") or "")
            if not stored_path.startswith("files/") or ".." in Path(stored_path).parts:
                raise ArchiveError(f"导出包中的文件路径 {stored_path!r} 无效")
            target = staging / stored_path
            target.parent.mkdir(parents=True, exist_ok=True)
            hasher = hashlib.sha256()
            try:
                with package.open(str(stored["path"])) as reader, open(target, "wb") as writer:
                    while chunk := reader.read(CHUNK):
                        hasher.update(chunk)
                        writer.write(chunk)
            except KeyError as exc:
                raise ArchiveError(f"导出包中缺少文件 {stored.get('path')}") from exc
            if "sha256:" + hasher.hexdigest() != stored.get("sha256"):
                raise ArchiveError(f"导出包中的文件 {stored['path']} 与其哈希值不符（已损坏或被改动）")
    with package.open(SNAPSHOT) as reader, open(staging / SNAPSHOT, "wb") as writer:
        shutil.copyfileobj(reader, writer, CHUNK)
    if CHECKPOINT in package.namelist():
        (staging / CHECKPOINT).write_bytes(package.read(CHECKPOINT))
    return len(records)
