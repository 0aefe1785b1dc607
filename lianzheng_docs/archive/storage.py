"""Files in the archive: streamed in while hashed, put in place atomically, hashed again to verify.

A file arrives in ``<root>/tmp`` (copied in 1 MiB chunks while its SHA-256 is computed, so a
200 MB file never sits in memory), is fsynced, and is renamed to its final name only inside the
transaction that files it. A crash leaves at most a stray temporary file, which ``verify``
reports and the next filing ignores.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .errors import ArchiveError, DiskFull, disk_full

CHUNK = 1024 * 1024


@dataclass
class Staged:
    """A file copied into the archive's temporary folder, with its digest."""

    path: Path
    sha256: str  # "sha256:<hex>"
    size: int
    head: bytes  # its first bytes, to tell what it really is


def digest_of(path: Path) -> tuple[str, int]:
    """("sha256:<hex>", size) of a file, read in chunks."""
    hasher = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            hasher.update(chunk)
            size += len(chunk)
    return "sha256:" + hasher.hexdigest(), size


def stage(source: Path | bytes | BinaryIO, tmp_dir: Path) -> Staged:
    """Copy ``source`` into ``tmp_dir`` while hashing it; fsync before returning."""
    try:
        tmp_dir.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=tmp_dir, suffix=".part")
    except OSError as exc:
        raise _failed(exc, tmp_dir, "无法把文件复制进档案") from exc
    hasher = hashlib.sha256()
    size = 0
    head = b""
    try:
        with os.fdopen(fd, "wb") as out, _reader(source) as reader:
            while chunk := reader.read(CHUNK):
                if not head:
                    head = chunk[:16]
                hasher.update(chunk)
                out.write(chunk)
                size += len(chunk)
            out.flush()
            os.fsync(out.fileno())
    except OSError as exc:
        Path(name).unlink(missing_ok=True)
        raise _failed(exc, tmp_dir, "无法把文件复制进档案") from exc
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Staged(Path(name), "sha256:" + hasher.hexdigest(), size, head)


@contextlib.contextmanager
def _reader(source: Path | bytes | BinaryIO) -> Iterator[BinaryIO]:
    if isinstance(source, bytes):
        import io

        yield io.BytesIO(source)
    elif isinstance(source, Path):
        with open(source, "rb") as handle:
            yield handle
    else:
        yield source


def place(staged: Staged, target: Path) -> None:
    """Move a staged file to its final name (never over an existing file) and make it durable."""
    if target.exists():
        raise ArchiveError(f"档案中已有文件 {target.name}，拒绝覆盖；请运行 lianzheng archive verify 检查")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged.path, target)
        if os.name == "posix":
            fd = os.open(target.parent, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    except OSError as exc:
        raise _failed(exc, target.parent, f"无法把文件放入 {target.parent.name}/") from exc


def _failed(exc: OSError, folder: Path, doing: str) -> ArchiveError:
    """A storage step that failed, in Chinese; a full disk as :class:`DiskFull`."""
    if disk_full(exc, folder):
        return DiskFull(folder, f"{doing}，本次归档没有完成（未写入任何记录，编号也未占用）")
    return ArchiveError(f"{doing}：{exc.strerror or exc}")
