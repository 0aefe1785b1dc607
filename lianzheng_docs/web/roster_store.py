"""The roster (名册) the desk keeps: one per archive, in ``<archive>/desk/``, replaced only by a good one.

At the command line a roster is a file given each time (``--roster``). The desk's clerks upload
it once and every page that needs units and people (落实情况, 批量, the forms' unit and person
choices) reads the same one through :func:`kept_roster`. It is kept inside the archive folder so
that an archive and the roster it is judged against are found, moved and backed up together.

What is in ``<archive>/desk/``:

- ``名册.<ext>``: the file as uploaded, byte for byte (``.xlsx``, ``.csv``, ``.yaml``, ``.yml`` or
  ``.json``), so the clerk can download it again and the library reads it as the CLI would;
- ``名册信息.json``: which of those is current, its original name, SHA-256 and size, who kept it and
  when, and the last :data:`HISTORY` keeps before it.

An upload is read with the library's own reader (:func:`~lianzheng_docs.duties.roster.load_roster`,
strict, within the limits of :mod:`~lianzheng_docs.duties.roster_tables`) from a temporary copy
before anything is replaced: a bad upload raises with every problem and leaves the kept roster as
it was. The new file and then ``名册信息.json`` are each written whole (:func:`~lianzheng_docs.fileio.write_atomic`);
the switch is the rename of ``名册信息.json``. Where the archive exists, the keep is written to its
audit log in the same transaction.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import threading
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..archive import Archive
from ..archive.errors import ArchiveNotFound
from ..duties.roster import Roster, RosterError, load_roster
from ..duties.roster_tables import MAX_TEXT_BYTES, MAX_XLSX_BYTES
from ..errors import DataFileError, Problem
from ..fileio import safe_filename, write_atomic

#: The folder of the desk's own files inside the archive folder.
DESK_FOLDER = "desk"
#: The pointer file: which roster is kept, and by whom.
POINTER = "名册信息.json"
STEM = "名册"
#: Kinds of file the library reads as a roster, with the most bytes each may have (the library's limits).
LIMITS = {".xlsx": MAX_XLSX_BYTES, ".csv": MAX_TEXT_BYTES, ".yaml": MAX_TEXT_BYTES, ".yml": MAX_TEXT_BYTES,
          ".json": MAX_TEXT_BYTES}  # fmt: skip
#: How many earlier keeps ``名册信息.json`` remembers.
HISTORY = 20
#: The audit log's action for a roster kept (``archive log`` shows it as is).
AUDIT_ACTION = "roster"

_keeping = threading.Lock()  # one upload replaces the roster at a time


@dataclass(frozen=True)
class KeptRoster:
    """The kept roster and where it came from."""

    roster: Roster
    path: Path  # the kept file, inside the archive's desk folder
    filename: str  # the name it was uploaded under
    sha256: str
    size: int
    kept_at: str  # ISO 8601, local time, to the second
    actor: str  # who kept it, as the audit log names them
    #: earlier keeps, newest first: ``{"filename", "kept_at", "actor", "sha256"}``
    history: tuple[dict[str, str], ...] = ()


def desk_folder(root: Path) -> Path:
    return Path(root) / DESK_FOLDER


def kept_roster(root: Path) -> Roster | None:
    """The roster the desk keeps for the archive at ``root``, or None when none has been kept.

    The same :class:`~lianzheng_docs.duties.roster.Roster` ``load_roster`` gives the CLI (read
    strictly: every unit it lists is good). Read again only when the file changes. Raises
    :class:`~lianzheng_docs.duties.roster.RosterError` or :class:`~lianzheng_docs.errors.DataFileError`
    (exit code 3) when the kept file no longer reads (edited by hand, or a newer version of the
    library is stricter): the message says to upload it again on the 名册 page.
    """
    kept = kept_roster_info(root)
    return kept.roster if kept is not None else None


def kept_roster_info(root: Path) -> KeptRoster | None:
    """:func:`kept_roster` with the file it was read from and who kept it when (for the 名册 page)."""
    pointer = desk_folder(root) / POINTER
    try:
        info = json.loads(pointer.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise DataFileError(f"名册记录 {DESK_FOLDER}/{POINTER} 无法读取（{exc}）：请在“名册”页重新上传名册") from exc
    name = str(info.get("file", "")) if isinstance(info, dict) else ""
    if Path(name).suffix not in LIMITS or name != STEM + Path(name).suffix:  # never a path elsewhere
        raise DataFileError(f"名册记录 {DESK_FOLDER}/{POINTER} 已损坏：请在“名册”页重新上传名册")
    path = desk_folder(root) / name
    try:
        stat = path.stat()
    except OSError as exc:
        raise DataFileError(f"保存的名册文件 {DESK_FOLDER}/{name} 不见了：请在“名册”页重新上传名册") from exc
    roster = _load(str(path), (stat.st_ino, stat.st_mtime_ns, stat.st_size), str(info.get("filename", name)))
    history = tuple(item for item in info.get("history", []) if isinstance(item, dict))
    return KeptRoster(roster, path, str(info.get("filename", name)), str(info.get("sha256", "")),
                      int(info.get("size", stat.st_size)), str(info.get("kept_at", "")), str(info.get("actor", "")),
                      history)  # fmt: skip


@lru_cache(maxsize=8)
def _load(path: str, version: tuple[int, int, int], shown: str) -> Roster:
    """The roster file read once per ``version`` (inode, mtime, size): a Roster is immutable."""
    try:
        return load_roster(path)
    except (RosterError, DataFileError) as exc:
        raise _named(exc, path, f"保存的名册（{shown}）") from exc


def read_upload(content: bytes, filename: str) -> Roster:
    """The roster in an uploaded file, read as ``lianzheng roster show`` reads one; raises with every problem.

    The file's kind comes from its name (``.xlsx``, ``.csv``, ``.yaml``/``.yml``, ``.json``) and
    its content must agree (the library checks). Messages name the file as uploaded, never the
    temporary copy. :class:`~lianzheng_docs.duties.roster.RosterError` lists the rows and cells;
    :class:`~lianzheng_docs.errors.DataFileError` says what is wrong with the file as a whole.
    """
    shown = upload_name(filename)
    suffix = Path(shown).suffix.lower()
    if suffix not in LIMITS:
        kinds = "、".join(LIMITS)
        raise DataFileError(f"名册文件 {shown} 不是可读的名册：只接受 Excel（.xlsx）、CSV 或 YAML/JSON 文件（{kinds}）")
    if len(content) > LIMITS[suffix]:
        raise DataFileError(f"名册文件 {shown} 有 {len(content) / 2**20:.1f} MB，超过 {LIMITS[suffix] // 2**20} MB "
                            "的上限；名册通常只有几十 KB，请检查是否选错了文件")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="lianzheng-roster-") as folder:
        copy = Path(folder) / (safe_filename(Path(shown).stem)[:80] + suffix)
        copy.write_bytes(content)
        try:
            return load_roster(copy)
        except (RosterError, DataFileError) as exc:
            raise _named(exc, str(copy), shown) from exc


def keep_roster(root: Path, content: bytes, filename: str, actor: str) -> KeptRoster:
    """Check the uploaded roster and, if it is good, keep it for the archive at ``root`` in place of the last.

    Raises what :func:`read_upload` raises, before anything is written: the kept roster stays as
    it was. Where the archive exists the keep is written to its audit log (action ``roster``,
    with the file's name and SHA-256) in the transaction that switches the roster.
    """
    read_upload(content, filename)
    shown = upload_name(filename)
    suffix = Path(shown).suffix.lower()
    folder = desk_folder(root)
    digest = "sha256:" + hashlib.sha256(content).hexdigest()
    with _keeping:
        previous = _pointer(folder)
        history = ([{key: str(previous.get(key, "")) for key in ("filename", "kept_at", "actor", "sha256")}]
                   if previous else []) + list(previous.get("history", []))[: HISTORY - 1]  # fmt: skip
        info: dict[str, Any] = {"file": STEM + suffix, "filename": shown, "sha256": digest, "size": len(content),
                                "kept_at": datetime.now().isoformat(timespec="seconds"), "actor": actor,
                                "history": history}  # fmt: skip

        def switch() -> None:
            write_atomic(folder / (STEM + suffix), content, overwrite=True)
            write_atomic(folder / POINTER, json.dumps(info, ensure_ascii=False, indent=2).encode(), overwrite=True)
            for other in LIMITS:  # the file of another kind kept before
                if other != suffix:
                    (folder / (STEM + other)).unlink(missing_ok=True)

        _switch_audited(root, actor, switch, {"filename": shown, "sha256": digest, "size": len(content)})
    kept = kept_roster_info(root)
    assert kept is not None
    return kept


def _switch_audited(root: Path, actor: str, switch: Any, detail: dict[str, Any]) -> None:
    """Run ``switch`` inside an audited transaction of the archive, or alone where there is no archive yet."""
    try:
        archive = Archive(root, create=False, actor=actor)
    except ArchiveNotFound:
        switch()
        return
    with archive, archive.audited(AUDIT_ACTION, **detail):
        switch()


def _pointer(folder: Path) -> dict[str, Any]:
    try:
        value = json.loads((folder / POINTER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def upload_name(filename: str) -> str:
    """The uploaded file's own name (no folders, as some browsers send them), for messages and the record."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name or "（未命名文件）"


def _named(exc: RosterError | DataFileError, path: str, shown: str) -> RosterError | DataFileError:
    """The same error naming the file as the clerk knows it instead of ``path``."""
    if isinstance(exc, RosterError):
        problems = [Problem(p.path, p.label, p.message.replace(path, shown)) for p in exc.problems]
        # the subject: 名册 <source> 有 N 处问题 (an Excel source names its sheet too)
        source = exc.message.split("\n", 1)[0].removeprefix("名册 ").rsplit("有 ", 1)[0].strip()
        return RosterError(source.replace(path, shown) or shown, problems)
    return DataFileError(exc.message.replace(path, shown))
