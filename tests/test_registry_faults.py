"""A broken registry is never a new archive (issue 15, item 4): empty, truncated, not SQLite or
bit-flipped, every command stops with a clear message and exit 7, and nothing is rebuilt."""

from __future__ import annotations

import pytest

from lianzheng_docs import Catalog
from lianzheng_docs.archive import Archive, ArchiveError
from lianzheng_docs.archive.errors import RegistryDamaged

pytestmark = pytest.mark.fault  # the fault-and-abuse suite: `pytest -m fault`


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


def blank_pdf(path):
    """A one-page PDF to file as an external document."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    with open(path, "wb") as handle:
        writer.write(handle)
    return path


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


def test_a_crashed_filings_leftover_is_quarantined_not_blocking(tmp_path):
    """A crash after a file is placed and before the commit left an orphan that blocked every later
    filing in its scope; now it is moved aside and reported (issue 15, item 5)."""
    template = Catalog.default().get("risk_notice")
    example = {k: v for k, v in template.example().items() if k != "doc_number"}  # the archive numbers them
    with Archive(tmp_path / "档案") as archive:
        first = archive.file_rendered(template, example | {"contact": "甲"})
        next_path = archive.path_of(first).with_name(archive.path_of(first).name.replace("-0001.", "-0002."))
        next_path.write_bytes(b"half of a file from a filing that died")  # what SIGKILL leaves behind
        second = archive.file_rendered(template, example | {"contact": "乙"})
        assert archive.path_of(second) == next_path and next_path.read_bytes().startswith(b"PK")
        (moved,) = (tmp_path / "档案" / "quarantine").iterdir()
        assert moved.read_bytes() == b"half of a file from a filing that died"
        assert any("中断的归档留下的文件" in w for w in archive.warnings)
        assert archive.verify().ok


def test_a_file_changing_while_it_is_filed_is_refused(tmp_path, monkeypatch):
    from lianzheng_docs.archive import RecordMeta
    from lianzheng_docs.archive import archive as archive_module

    source = blank_pdf(tmp_path / "来文.pdf")
    real_stage = archive_module.stage

    def stage_then_change(src, tmp_dir):  # the clerk's scanner rewrites the file mid-copy
        staged = real_stage(src, tmp_dir)
        source.write_bytes(source.read_bytes() + b"%appended by another program\n")
        return staged

    monkeypatch.setattr(archive_module, "stage", stage_then_change)
    with Archive(tmp_path / "档案") as archive:
        with pytest.raises(ArchiveError, match="在归档过程中被改动"):
            archive.add(source, RecordMeta(title="来文", kind="通知"))
        assert archive.list() == [] and not list((tmp_path / "档案" / "files").rglob("*.pdf"))


def test_a_file_where_the_index_was_and_an_absurd_year_are_clear_errors(archive_root, run):
    """Two of the tracebacks of issue 15's item 10, now messages with their exit codes."""
    year = run("search", "整改", "--year", "9" * 20, "--archive", archive_root)
    assert year.exit_code == 2 and "--year" in year.stderr and "Traceback" not in year.stderr
    import shutil

    shutil.rmtree(archive_root / "index")
    (archive_root / "index").write_text("not an index", encoding="utf-8")
    taken = run("search", "整改", "--archive", archive_root)
    assert taken.exit_code == 7 and "被一个文件占用" in taken.stderr and "Traceback" not in taken.stderr


@pytest.mark.parametrize("year", [1, 99999])
def test_a_year_that_is_not_four_digits_is_refused(tmp_path, year):
    from lianzheng_docs.archive import MetadataError, RecordMeta

    source = blank_pdf(tmp_path / "来文.pdf")
    with Archive(tmp_path / "档案") as archive:
        with pytest.raises(MetadataError, match="四位数"):
            archive.add(source, RecordMeta(title="来文", kind="通知", year=year))
        assert archive.list() == []
