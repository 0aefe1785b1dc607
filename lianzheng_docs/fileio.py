"""Writing files so that a failure never leaves half a document behind."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from .errors import OutputError

_UNSAFE_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def safe_filename(title: str) -> str:
    """A file name from a document title, valid on Windows too (``/``, ``:``, ``?``... become ``_``)."""
    name = _UNSAFE_FILENAME.sub("_", title).strip(". ")
    return name[:120] or "文档"


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike[str], *, overwrite: bool, mode: int | None = None) -> Iterator[BinaryIO]:
    """A binary file to write ``path`` through, put in place whole when the block ends.

    The handle is a temporary file beside ``path`` (same folder, so the final rename cannot
    cross file systems). When the block ends normally the file is flushed and fsynced, put in
    place, and the folder is fsynced; when it raises anything (``KeyboardInterrupt`` too) the
    temporary is removed and ``path`` is left as it was. With ``overwrite`` an existing file is
    replaced in one rename; without it an existing file is never replaced, even by a concurrent
    writer: the file is put in place by a hard link, which fails if the name is taken. Missing
    parent folders are created. Errors, and any :class:`OSError` the block raises, become
    :class:`OutputError` with the reason in Chinese.

    One writer for every output: documents, PDFs, archive exports, private keys and the search
    index's small state files. ``mode`` (POSIX) is the file's mode from its first byte to its last
    (0o600 for a private key); by default, what the umask allows.
    """
    target = Path(path)
    if target.is_dir():
        raise OutputError(f"输出路径 {target} 是一个文件夹；请给出文件名，如 {target / '文档.docx'}")
    if not overwrite and target.exists():  # early, before the caller's work; the link below is what decides
        raise OutputError(_exists(target))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as exc:
        raise OutputError(f"无法在 {target.parent} 写入文件：{_reason(exc)}") from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            if os.name == "posix":  # mkstemp makes 0600; a written file gets what the umask allows
                os.fchmod(handle.fileno(), 0o666 & ~UMASK if mode is None else mode)
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(tmp, target)
        else:
            try:
                _link_without_replacing(tmp, target)
            except FileExistsError as exc:
                raise OutputError(_exists(target)) from exc
        _fsync_dir(target.parent)
    except OSError as exc:
        raise OutputError(f"无法写入 {target}：{_reason(exc)}") from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _umask() -> int:
    """The process's umask (reading it means setting it; set straight back)."""
    current = os.umask(0o022)
    os.umask(current)
    return current


#: Read once, at import: setting the umask to read it is not safe while other threads create files.
UMASK = _umask()


def write_atomic(
    path: str | os.PathLike[str], data: bytes, *, overwrite: bool = False, mode: int | None = None
) -> Path:
    """Write ``data`` to ``path`` all at once: a temporary file, fsync, then a rename.

    Without ``overwrite`` an existing file is never replaced, even by a concurrent writer: the
    file is put in place by a hard link, which fails if the name is taken. Missing parent
    folders are created. Raises :class:`OutputError` with the reason in Chinese.
    (:func:`atomic_output` with the bytes at hand.)
    """
    with atomic_output(path, overwrite=overwrite, mode=mode) as handle:
        handle.write(data)
    return Path(path)


def _exists(target: Path) -> str:
    return f"文件 {target} 已存在；如要覆盖，请加 --force"


def _link_without_replacing(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
            raise
        # A file system without hard links: the best we can do is check, then rename.
        if target.exists():
            raise FileExistsError(errno.EEXIST, "exists", str(target)) from exc
        os.replace(source, target)


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _reason(exc: OSError) -> str:
    reasons = {
        errno.EACCES: "没有写权限",
        errno.EPERM: "没有写权限",
        errno.ENOSPC: "磁盘空间不足",
        errno.EROFS: "文件系统只读",
        errno.ENOTDIR: "路径中有一段不是文件夹",
        errno.ENAMETOOLONG: "文件名太长",
    }
    return reasons.get(exc.errno or 0, exc.strerror or str(exc))
