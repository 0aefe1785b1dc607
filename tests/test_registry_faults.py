"""A broken registry is never a new archive (issue 15, item 4): empty, truncated, not SQLite or
bit-flipped, every command stops with a clear message and exit 7, and nothing is rebuilt."""

from __future__ import annotations

import pytest

from lianzheng_docs import Catalog
from lianzheng_docs.archive import Archive, ArchiveError
from lianzheng_docs.archive.errors import RegistryDamaged


@pytest.fixture
def archive_root(tmp_path):
    root = tmp_path / "档案"
    template = Catalog.default().get("risk_notice")
    with Archive(root) as archive:
        for unit in ("预算科", "国库科", "办公室"):
            data = template.example() | {"contact": unit}
            data.pop("notice_number", None)
            data.pop("doc_number", None)
            archive.file_rendered(template, data)
        assert archive.search("整改").total >= 1
    return root


def damage(root, how: str) -> None:
    registry = root / "registry.sqlite3"
    for extra in ("registry.sqlite3-wal", "registry.sqlite3-shm"):
        (root / extra).unlink(missing_ok=True)
    data = registry.read_bytes()
    if how == "empty":
        registry.write_bytes(b"")
    elif how == "truncated":
        registry.write_bytes(data[: len(data) // 3])
    elif how == "not sqlite":
        registry.write_bytes(b"PK\x03\x04" + data[4:])
    elif how == "flipped":
        flipped = bytearray(data)
        for offset in range(4096, len(flipped), 97):  # every page past the header, many bytes
            flipped[offset] ^= 0xFF
        registry.write_bytes(bytes(flipped))


@pytest.mark.parametrize("how", ["empty", "truncated", "not sqlite", "flipped"])
def test_a_broken_registry_stops_every_command_cleanly(archive_root, how, run):
    index_before = sorted(p.name for p in (archive_root / "index").rglob("*"))
    damage(archive_root, how)
    for args in (["archive", "list"], ["search", "整改"], ["archive", "verify"], ["status"]):
        result = run(*args, "--archive", archive_root)
        assert result.exit_code == 7, (args, how, result.output)
        assert "登记库" in result.stderr and "Traceback" not in result.stderr, (args, how)
    assert sorted(p.name for p in (archive_root / "index").rglob("*")) == index_before  # not rebuilt from nothing
    if how in ("empty", "not sqlite"):
        with pytest.raises(RegistryDamaged, match="不会被当作新档案"):
            Archive(archive_root)


def test_a_new_archive_is_still_created_where_there_is_none(tmp_path):
    with Archive(tmp_path / "新档案") as archive:
        assert archive.list() == []
    with pytest.raises(ArchiveError):  # and an emptied one afterwards is refused
        (tmp_path / "新档案" / "registry.sqlite3").write_bytes(b"")
        Archive(tmp_path / "新档案")
