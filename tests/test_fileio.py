"""The one atomic writer: a file appears whole or not at all, and is never replaced unless asked."""

from __future__ import annotations

import errno
import os
import threading
import zipfile

import pytest
from pypdf import PdfReader, PdfWriter

from lianzheng_docs import ExitCode, OutputError
from lianzheng_docs.fileio import atomic_output, write_atomic
from lianzheng_docs.pdf.output import write_pdf


def names(folder):
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("failure", [RuntimeError("boom"), KeyboardInterrupt()])
def test_a_block_that_raises_leaves_no_file_and_no_temporary(tmp_path, failure):
    target = tmp_path / "out.bin"
    with pytest.raises(type(failure)):
        with atomic_output(target, overwrite=False) as handle:
            handle.write(b"half of it")
            handle.flush()
            assert len(names(tmp_path)) == 1  # the temporary exists while the block runs...
            raise failure
    assert names(tmp_path) == []  # ...and neither it nor the target remains


def test_a_failed_overwrite_keeps_the_old_file(tmp_path):
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with atomic_output(target, overwrite=True) as handle:
            handle.write(b"new, but only half")
            raise RuntimeError("interrupted")
    assert target.read_bytes() == b"old"
    assert names(tmp_path) == ["out.bin"]


def test_an_os_error_while_writing_becomes_an_output_error_in_chinese(tmp_path):
    target = tmp_path / "out.bin"
    with pytest.raises(OutputError, match=r"无法写入 .*磁盘空间不足") as caught:
        with atomic_output(target, overwrite=False) as handle:
            handle.write(b"part")
            raise OSError(errno.ENOSPC, "No space left on device")
    assert caught.value.exit_code == ExitCode.OUTPUT
    assert names(tmp_path) == []


def test_an_existing_file_is_refused_before_the_work_without_overwrite(tmp_path):
    target = tmp_path / "out.bin"
    target.write_bytes(b"kept")
    entered = False
    with pytest.raises(OutputError, match="已存在；如要覆盖，请加 --force"):
        with atomic_output(target, overwrite=False):
            entered = True
    assert not entered  # refused before the caller did any work
    assert target.read_bytes() == b"kept"
    with pytest.raises(OutputError, match="已存在"):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"kept"
    assert names(tmp_path) == ["out.bin"]


def test_a_file_that_appears_while_writing_is_not_replaced(tmp_path):
    """Not checked once then replaced: the name is taken at the end, or the write fails."""
    target = tmp_path / "out.bin"
    with pytest.raises(OutputError, match="已存在；如要覆盖，请加 --force"):
        with atomic_output(target, overwrite=False) as handle:
            handle.write(b"mine")
            target.write_bytes(b"theirs")  # another process got there first
    assert target.read_bytes() == b"theirs"
    assert names(tmp_path) == ["out.bin"]


def test_without_hard_links_a_file_is_still_written_and_not_replaced(tmp_path, monkeypatch):
    def no_links(source, target):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    first, second = tmp_path / "first.bin", tmp_path / "second.bin"
    assert write_atomic(first, b"first") == first
    assert first.read_bytes() == b"first"
    with pytest.raises(OutputError, match="已存在"):
        with atomic_output(second, overwrite=False) as handle:
            handle.write(b"mine")
            second.write_bytes(b"theirs")  # a concurrent writer, seen by the fallback's check
    assert second.read_bytes() == b"theirs"
    assert names(tmp_path) == ["first.bin", "second.bin"]


def test_of_two_concurrent_writers_without_overwrite_exactly_one_wins(tmp_path):
    target = tmp_path / "out.bin"
    both_writing = threading.Barrier(2, timeout=10)
    outcomes: dict[bytes, object] = {}

    def writer(data: bytes) -> None:
        try:
            with atomic_output(target, overwrite=False) as handle:
                handle.write(data * 10_000)
                both_writing.wait()  # both are past the early check: only the final step can decide
            outcomes[data] = "written"
        except OutputError as exc:
            outcomes[data] = exc

    threads = [threading.Thread(target=writer, args=(data,)) for data in (b"a", b"b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [data for data, outcome in outcomes.items() if outcome == "written"]
    losers = [outcome for outcome in outcomes.values() if isinstance(outcome, OutputError)]
    assert len(winners) == 1 and len(losers) == 1
    assert "已存在；如要覆盖，请加 --force" in losers[0].message
    assert target.read_bytes() == winners[0] * 10_000  # the winner's file, whole
    assert names(tmp_path) == ["out.bin"]


def test_overwrite_replaces_the_file(tmp_path):
    target = tmp_path / "out.bin"
    target.write_bytes(b"old content, longer than the new")
    with atomic_output(target, overwrite=True) as handle:
        handle.write(b"new")
    assert target.read_bytes() == b"new"
    assert write_atomic(target, b"newer", overwrite=True) == target
    assert target.read_bytes() == b"newer"
    assert names(tmp_path) == ["out.bin"]


def test_missing_parent_folders_are_created(tmp_path):
    target = tmp_path / "一" / "二" / "文档.docx"
    assert write_atomic(target, b"content") == target
    assert target.read_bytes() == b"content"
    assert names(target.parent) == ["文档.docx"]


@pytest.mark.parametrize("overwrite", [False, True])
def test_a_folder_as_target_is_refused_in_chinese(tmp_path, overwrite):
    folder = tmp_path / "输出"
    (folder / "inside").mkdir(parents=True)
    with pytest.raises(OutputError, match="是一个文件夹；请给出文件名") as caught:
        with atomic_output(folder, overwrite=overwrite) as handle:
            handle.write(b"never")
    assert str(folder / "文档.docx") in caught.value.message
    assert folder.is_dir() and names(folder) == ["inside"]
    assert names(tmp_path) == ["输出"]


def test_an_unwritable_folder_is_reported_in_chinese(tmp_path):
    blocker = tmp_path / "a file"
    blocker.write_bytes(b"")
    with pytest.raises(OutputError, match=r"无法在 .* 写入文件"):
        write_atomic(blocker / "out.bin", b"data")  # its "folder" is a file


def test_a_zip_and_a_pdf_are_written_through_the_handle(tmp_path):
    with atomic_output(tmp_path / "a.zip", overwrite=False) as handle:
        with zipfile.ZipFile(handle, "w") as archive:
            archive.writestr("manifest.json", "{}")
    with zipfile.ZipFile(tmp_path / "a.zip") as archive:
        assert archive.read("manifest.json") == b"{}"

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    assert write_pdf(writer, tmp_path / "a.pdf") == tmp_path / "a.pdf"
    assert len(PdfReader(tmp_path / "a.pdf").pages) == 1
    with pytest.raises(OutputError, match="已存在"):
        write_pdf(writer, tmp_path / "a.pdf", overwrite=False)
    assert names(tmp_path) == ["a.pdf", "a.zip"]


def test_a_pdf_that_fails_half_way_leaves_the_old_one(tmp_path, monkeypatch):
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    target = write_pdf(writer, tmp_path / "a.pdf")
    before = target.read_bytes()

    def failing_write(stream):
        stream.write(b"%PDF-1.7 and then")
        raise ValueError("a broken object")

    monkeypatch.setattr(writer, "write", failing_write)
    with pytest.raises(ValueError):
        write_pdf(writer, target)
    assert target.read_bytes() == before
    assert names(tmp_path) == ["a.pdf"]


def test_an_archive_export_is_written_whole_or_not_at_all(tmp_path):
    from types import SimpleNamespace

    from lianzheng_docs.archive.export import export
    from lianzheng_docs.archive.registry import Registry

    stored = SimpleNamespace(path="files/a.docx", format="docx", role="original")
    record = SimpleNamespace(archival_code="Z001-WS·2026-D30-BGS-0001", files=[stored], to_dict=lambda: {})
    registry = Registry(tmp_path / "registry.sqlite3")  # an export carries a snapshot of it
    target = tmp_path / "导出" / "2026.zip"
    with pytest.raises(OutputError, match=r"无法写出 .*2026\.zip"):  # the filed file is missing
        export(tmp_path, registry, [record], target)
    assert names(target.parent) == []
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "a.docx").write_bytes(b"docx bytes")
    assert export(tmp_path, registry, [record], target) == target
    with zipfile.ZipFile(target) as exported:
        assert exported.read("files/Z001-WS·2026-D30-BGS-0001.docx") == b"docx bytes"
    with pytest.raises(OutputError, match="已存在；如要覆盖，请加 --force"):
        export(tmp_path, registry, [], target)
    assert export(tmp_path, registry, [], target, overwrite=True) == target
    with zipfile.ZipFile(target) as exported:
        assert sorted(exported.namelist()) == ["manifest.json", "registry.sqlite3"]
    assert names(target.parent) == ["2026.zip"]
    registry.close()


def test_written_files_get_the_mode_the_umask_allows(tmp_path, monkeypatch):
    """mkstemp makes 0600 files; a document written for a shared folder must follow the umask (issue 15)."""
    import stat

    from lianzheng_docs import fileio

    monkeypatch.setattr(fileio, "UMASK", 0o022)
    shared = fileio.write_atomic(tmp_path / "共享.docx", b"data")
    assert stat.S_IMODE(shared.stat().st_mode) == 0o644
    monkeypatch.setattr(fileio, "UMASK", 0o077)
    private = fileio.write_atomic(tmp_path / "私有.docx", b"data")
    assert stat.S_IMODE(private.stat().st_mode) == 0o600


def test_table_cells_cannot_tear_or_reorder_the_table():
    from lianzheng_docs.cli.output import format_table

    table = format_table(["档号", "题名"], [["Z001-1", "第一行\n第二行"], ["Z001-2", "\u202e倒序\u202c标题\t尾"]])
    lines = table.splitlines()
    assert len(lines) == 4 and "\u202e" not in table and "\t" not in table
    assert lines[2].endswith("第一行 第二行") and lines[3].endswith(" 倒序 标题 尾")
