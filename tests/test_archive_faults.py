"""Faults and hostile input the archive must survive whole (issue 15, items 4 and 7, and 11's search).

A full disk at each step of a filing (the staged copy, a statement, the commit, the file put in
place, the checkpoint, the index): a clear Chinese message and exit 7, never a traceback; nothing
half-filed (no stored file without its record, no record without its file, the checkpoint
consistent so that verify passes); and 已归档 only for what was filed. A .docx whose document.xml
unpacks to hundreds of megabytes: refused by ``archive add`` from its zip directory, within the
bounds ``check`` uses, and read as a stream by the library. Commands that only read, pointed where
there is no archive: they say so and create nothing.

The disk is filled by fault injection (SQLite's ``max_page_count`` gives a genuine SQLITE_FULL;
ENOSPC is raised where a write fails), and, where a tmpfs can be mounted (root), by a real small
disk swept from empty to roomy.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from lianzheng_docs.archive import Archive, ArchiveError, RecordMeta
from lianzheng_docs.archive.errors import ArchiveNotFound, DiskFull, RegistryDamaged, disk_full
from lianzheng_docs.archive.registry import Registry

pytestmark = pytest.mark.fault  # the fault-and-abuse suite: `pytest -m fault`

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="word/document.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/></Relationships>'
)
PARAGRAPH = "<w:p><w:r><w:t>关于落实党风廉政建设主体责任的情况报告，专项资金管理第{n}段。</w:t></w:r></w:p>"


def make_docx(path: Path, paragraphs: int = 20, *, megabytes: int = 0) -> Path:
    """A minimal .docx: its name, then ``paragraphs`` numbered paragraphs and ``megabytes`` MB of repeated ones.

    document.xml is written into the zip as a stream, so even 300 MB of it costs this test a
    megabyte of memory (and the file is about 1 MB: repeated text packs 300 to 1)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", CONTENT_TYPES)
        package.writestr("_rels/.rels", PACKAGE_RELS)
        with package.open("word/document.xml", "w", force_zip64=True) as out:
            out.write(f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}"><w:body>'.encode())
            out.write(f"<w:p><w:r><w:t>{path.stem}</w:t></w:r></w:p>".encode())  # each file its own content
            for n in range(paragraphs):
                out.write(PARAGRAPH.format(n=n).encode())
            block = PARAGRAPH.format(n=0).encode() * (2**20 // len(PARAGRAPH.format(n=0).encode()))
            for _ in range(megabytes):
                out.write(block)
            out.write(b"</w:body></w:document>")
    return path


def sqlite_full() -> sqlite3.OperationalError:
    """A genuine "database or disk is full" from SQLite (SQLITE_FULL), to raise where a test needs it."""
    db = sqlite3.connect(":memory:", isolation_level=None)
    db.execute("CREATE TABLE t (x)")
    db.execute(f"PRAGMA max_page_count = {db.execute('PRAGMA page_count').fetchone()[0]}")
    try:
        db.execute("INSERT INTO t VALUES (?)", (b"x" * 100_000,))
    except sqlite3.OperationalError as exc:
        return exc
    raise AssertionError("SQLite did not fill up")


def no_space() -> OSError:
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


class FailingConnection:
    """The registry's connection, failing the first statement that starts with ``prefix`` as SQLite
    does when the disk fills: with SQLITE_FULL, having rolled the transaction back itself or not."""

    def __init__(self, db: sqlite3.Connection, prefix: str, *, rolls_back: bool) -> None:
        self._db, self._prefix, self._rolls_back = db, prefix, rolls_back
        self.failed = False

    def execute(self, sql: str, *args: object) -> sqlite3.Cursor:
        if not self.failed and sql.lstrip().upper().startswith(self._prefix):
            self.failed = True
            if self._rolls_back:
                self._db.execute("ROLLBACK")
            raise sqlite_full()
        return self._db.execute(sql, *args)

    def __getattr__(self, name: str) -> object:
        return getattr(self._db, name)


@pytest.fixture
def root(tmp_path):
    """An archive holding one filed document."""
    root = tmp_path / "档案"
    with Archive(root) as archive:
        archive.add(make_docx(tmp_path / "第一件.docx"), RecordMeta(kind="报告"))
    return root


def whole(root: Path, records: int) -> None:
    """The archive holds ``records`` records, each with its file, no other file, nothing staged, and
    verify passes (which also compares the audit chain with the checkpoint outside the database)."""
    with Archive(root) as archive:
        assert archive.registry.count() == records
        stored = sorted(p.relative_to(root).as_posix() for p in (root / "files").rglob("*") if p.is_file())
        assert stored == sorted(f.path for r in archive.list() for f in r.files)
        assert not list((root / "tmp").iterdir())
        report = archive.verify()
        assert report.ok, report.to_dict()


def next_item(root: Path) -> int:
    """The 件号 the next filing gets: a number is taken only by a filing that commits."""
    with Archive(root) as archive:
        return archive.add(make_docx(root.parent / "下一件.docx", 3), RecordMeta(kind="报告")).item


# ---------------------------------------------------------------------------- a full disk


def test_sqlite_full_during_the_filing_files_nothing(root, tmp_path, monkeypatch):
    """A genuine SQLITE_FULL (max_page_count) at the record's insert: rolled back, file removed."""
    real_insert = Registry.insert_record

    def insert_on_a_full_disk(self, values):
        pages = self.db.execute("PRAGMA page_count").fetchone()[0]
        self.db.execute(f"PRAGMA max_page_count = {pages}")  # the database cannot grow any more
        return real_insert(self, values)

    monkeypatch.setattr(Registry, "insert_record", insert_on_a_full_disk)
    with Archive(root) as archive:
        with pytest.raises(DiskFull, match=r"磁盘空间不足.*未写入任何记录，编号也未占用"):
            archive.add(make_docx(tmp_path / "长文.docx", 5000), RecordMeta(kind="报告"))
    monkeypatch.undo()
    whole(root, 1)
    assert next_item(root) == 2


@pytest.mark.parametrize("rolls_back", [True, False], ids=["sqlite-rolled-back", "still-open"])
@pytest.mark.parametrize("at", ["COMMIT", "INSERT INTO AUDIT"])
def test_a_full_disk_at_the_commit_or_a_statement_is_reported_not_masked(root, tmp_path, at, rolls_back):
    """SQLite may roll back by itself on SQLITE_FULL; the ROLLBACK after it failed with "cannot rollback
    - no transaction is active" and hid the cause, which then read as a damaged registry. The file
    already put in place (before the commit) is removed, and the connection stays usable."""
    with Archive(root) as archive:
        archive.registry.db = FailingConnection(archive.registry.db, at, rolls_back=rolls_back)  # type: ignore[assignment]
        with pytest.raises(DiskFull, match="档案没有损坏，不需要从备份恢复"):
            archive.add(make_docx(tmp_path / "来文.docx"), RecordMeta(kind="报告"))
        assert archive.registry.db.failed  # type: ignore[attr-defined]
        assert not archive.registry.db.in_transaction
        assert archive.add(make_docx(tmp_path / "再试.docx", 2), RecordMeta(kind="报告")).item == 2
    whole(root, 2)


def test_a_full_disk_while_staging_or_placing_files_nothing(root, tmp_path, monkeypatch):
    from lianzheng_docs.archive import storage

    def fsync_full(fd):
        raise no_space()

    monkeypatch.setattr(storage.os, "fsync", fsync_full)
    with Archive(root) as archive:
        with pytest.raises(DiskFull, match="无法把文件复制进档案"):
            archive.add(make_docx(tmp_path / "甲.docx"), RecordMeta(kind="报告"))
    monkeypatch.undo()
    whole(root, 1)

    real_replace = os.replace

    def replace_full(source, target):
        if "files" in Path(target).parts:
            raise no_space()
        return real_replace(source, target)

    monkeypatch.setattr(storage.os, "replace", replace_full)
    with Archive(root) as archive:
        with pytest.raises(DiskFull, match="无法把文件放入"):
            archive.add(make_docx(tmp_path / "乙.docx"), RecordMeta(kind="报告"))
    monkeypatch.undo()
    whole(root, 1)
    assert next_item(root) == 2


def test_a_checkpoint_that_cannot_be_written_warns_and_catches_up(root, tmp_path, monkeypatch):
    """Once committed, a filing stands: the checkpoint failing after the commit used to remove the
    stored file of the committed record (a record without its file) and exit 6 with 未归档."""
    from lianzheng_docs import fileio
    from lianzheng_docs.errors import OutputError

    real_write = fileio.write_atomic

    def checkpoint_on_a_full_disk(path, data, *, overwrite=False):
        if Path(path).name == "checkpoint.json":
            raise OutputError(f"无法写入 {path}：磁盘空间不足")
        return real_write(path, data, overwrite=overwrite)

    monkeypatch.setattr(fileio, "write_atomic", checkpoint_on_a_full_disk)
    with Archive(root) as archive:
        record = archive.add(make_docx(tmp_path / "来文.docx"), RecordMeta(kind="报告"))
        assert archive.path_of(record).is_file()
        assert any("审计检查点" in w and "磁盘空间不足" in w for w in archive.warnings)
        entries, _ = archive.registry.read_checkpoint()
        assert entries < archive.registry.audit_head()[0]  # behind the chain, which verify accepts
    monkeypatch.undo()
    whole(root, 2)
    next_item(root)
    with Archive(root) as archive:  # the next commit brought it up to date
        assert archive.registry.read_checkpoint() == archive.registry.audit_head()


def test_an_interrupt_after_the_commit_keeps_the_file(root, tmp_path, monkeypatch):
    def interrupted(self, *args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(Registry, "write_checkpoint", interrupted)
    with Archive(root) as archive:
        with pytest.raises(KeyboardInterrupt):
            archive.add(make_docx(tmp_path / "来文.docx"), RecordMeta(kind="报告"))
    monkeypatch.undo()
    whole(root, 2)  # committed, so kept: the checkpoint simply lags until the next commit


def test_an_index_that_cannot_be_updated_is_a_warning_and_caught_up_later(root, tmp_path, monkeypatch):
    from lianzheng_docs.search.whoosh_engine import WhooshEngine

    def update_full(self, documents, *, merge=True):
        raise no_space()

    monkeypatch.setattr(WhooshEngine, "update", update_full)
    with Archive(root) as archive:
        record = archive.add(make_docx(tmp_path / "来文.docx", 30), RecordMeta(kind="报告", title="专项检查来文"))
        assert any(w == "已归档，但检索索引暂未更新（磁盘空间不足）；下次检索时会自动补上" for w in archive.warnings)
        with pytest.raises(DiskFull, match="检索索引无法补上最近归档的文件"):  # no answer missing it
            archive.search("专项检查来文")
    monkeypatch.undo()
    with Archive(root) as archive:
        assert [hit.id for hit in archive.search("专项检查来文").hits] == [record.id]
    whole(root, 2)


def test_an_index_writer_that_cannot_even_cancel_lets_go_of_the_lock(tmp_path, monkeypatch):
    """On a full disk Whoosh's cancel fails too (closing the segment flushes it); the writer kept the
    index's lock until collected, and the next writer in the process waited, up to the lock timeout."""
    from whoosh.writing import SegmentWriter

    from lianzheng_docs.search import IndexedDocument, SearchIndexError, open_engine
    from lianzheng_docs.search.whoosh_engine import WhooshEngine

    document = IndexedDocument(id=1, title="专项检查", body="专项资金", doc_number="", archival_code="Z001-0001",
                               kind="报告", unit="", year=2026, date="2026-03-05", secrecy="", template="")  # fmt: skip
    engine = open_engine(tmp_path / "index", lock_timeout=0.5)
    engine.rebuild([])
    monkeypatch.setattr(WhooshEngine, "_add", staticmethod(lambda *args: (_ for _ in ()).throw(no_space())))
    monkeypatch.setattr(SegmentWriter, "cancel", lambda self: (_ for _ in ()).throw(no_space()))
    with pytest.raises(OSError) as failed:  # its traceback keeps the writer alive, as a caller's would
        engine.update([document])
    monkeypatch.undo()
    try:
        engine.update([document])
    except SearchIndexError as exc:  # "正被另一个进程写入": its own dead writer's lock
        pytest.fail(f"{exc} (after {failed.value!r})")
    assert engine.count() == 1
    engine.close()


def test_archive_add_on_a_full_disk_never_says_filed(root, tmp_path, monkeypatch, run):
    """The CLI: exit 7, the reason in Chinese, 未归档 for the file and no 已归档, no traceback."""
    monkeypatch.setattr(Registry, "audit", lambda *args, **kwargs: (_ for _ in ()).throw(sqlite_full()))
    result = run("archive", "add", make_docx(tmp_path / "来文.docx"), "--no-stamp", "--archive", root)
    assert result.exit_code == 7, result.output
    assert "已归档" not in result.stdout and "Traceback" not in result.output
    assert "未归档" in result.stderr and "磁盘空间不足" in result.stderr and "不需要从备份恢复" in result.stderr
    monkeypatch.undo()
    whole(root, 1)


def test_stamped_copies_that_cannot_be_stored_do_not_unsay_the_filing(root, tmp_path, monkeypatch, run):
    """The originals were filed; a full disk while their stamped PDF copies are stored is a warning
    (it used to end the command with exit 7 before 已归档 was printed for what had been filed)."""
    from lianzheng_docs.pdf import copies

    def copies_on_a_full_disk(archive, records):
        raise DiskFull(root, "加盖归档章的副本未存入")

    monkeypatch.setattr(copies, "make_archive_copies", copies_on_a_full_disk)
    result = run("archive", "add", make_docx(tmp_path / "来文.docx"), "--archive", root)
    assert result.exit_code == 0, result.output
    assert "已归档：" in result.stdout and "PDF 副本未能存入档案" in result.stderr
    whole(root, 2)


def test_an_import_onto_a_full_disk_leaves_nothing(root, tmp_path, monkeypatch):
    """It ended in a traceback (exit 70) with the half-imported folder removed."""
    from lianzheng_docs.archive import export as export_module

    with Archive(root) as archive:
        package = archive.export(tmp_path / "备份.zip")

    def copy_full(source, target, length=0):
        raise no_space()

    monkeypatch.setattr(export_module.shutil, "copyfileobj", copy_full)
    with pytest.raises(DiskFull, match="导入没有完成，已清除导入了一半的内容"):
        Archive.restore(package, tmp_path / "新档案")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["档案", "备份.zip", "第一件.docx"])


def test_disk_full_is_told_from_a_damaged_registry(tmp_path):
    """SQLite says SQLITE_IOERR_SHMSIZE, not SQLITE_FULL, when it cannot grow the ``-shm`` file every
    command needs to open the registry: on a nearly full disk that is a full disk, not damage
    (whose advice, restoring a backup, would lose the filings made since)."""
    full = sqlite_full()
    assert disk_full(full, tmp_path) and not disk_full(ArchiveError("登记库已损坏"), tmp_path)
    shm = sqlite3.OperationalError("disk I/O error")
    shm.sqlite_errorname = "SQLITE_IOERR_SHMSIZE"  # type: ignore[attr-defined]
    assert not disk_full(shm, tmp_path)  # plenty of space here: an I/O error is an I/O error
    wrapped = ArchiveError("检索索引无法更新")
    wrapped.__cause__ = no_space()
    assert disk_full(wrapped, tmp_path)


# ---------------------------------------------------------------------------- no archive here


@pytest.mark.parametrize(
    "command",
    [
        ["search", "专项资金"],
        ["search", "专项资金", "--json"],
        ["archive", "list"],
        ["archive", "show", "1"],
        ["archive", "verify"],
        ["archive", "reindex"],
        ["archive", "export", "导出.zip"],
        ["archive", "dossier", "--year", "2026", "-o", "汇编.pdf"],
    ],
)
def test_commands_that_read_make_no_archive_where_there_is_none(tmp_path, monkeypatch, run, command):
    """``search`` in a folder without an archive made one and answered 找到 0 件 (issue 15, item 11)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LIANZHENG_ARCHIVE", raising=False)
    result = run(*command)
    assert result.exit_code == 4, result.output
    assert "没有档案" in result.output and "--archive" in result.output and "Traceback" not in result.output
    if "--json" in command:  # the error as JSON, on standard output, for the systems that read it
        assert json.loads(result.stdout)["error"] == "ArchiveNotFound"
    else:
        assert "没有档案" in result.stderr and not result.stdout
    assert list(tmp_path.iterdir()) == []  # nothing created: no archive/, no registry, no index
    elsewhere = run(*command, "--archive", tmp_path / "别处")
    assert elsewhere.exit_code == 4 and str(tmp_path / "别处") in elsewhere.output
    assert list(tmp_path.iterdir()) == []


def test_filing_still_makes_the_archive_and_then_search_answers(tmp_path, monkeypatch, run):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LIANZHENG_ARCHIVE", raising=False)
    added = run("archive", "add", make_docx(tmp_path / "来文.docx"), "--no-stamp")
    assert added.exit_code == 0 and (tmp_path / "archive" / "registry.sqlite3").is_file()
    assert "找到 1 件" in run("search", "专项资金").stdout
    with pytest.raises(ArchiveNotFound):
        Archive(tmp_path / "无", create=False)
    assert not (tmp_path / "无").exists()


def test_a_deleted_registry_beside_its_files_is_not_a_new_archive(root, run):
    """Deleting registry.sqlite3 made the next command start a new archive over the stored files
    (件号 from 0001 again: the old file of that number quarantined as a leftover)."""
    for name in ("registry.sqlite3", "registry.sqlite3-wal", "registry.sqlite3-shm"):
        (root / name).unlink(missing_ok=True)
    with pytest.raises(RegistryDamaged, match="登记库文件不存在"):
        Archive(root)
    result = run("archive", "add", make_docx(root.parent / "来文.docx"), "--no-stamp", "--archive", root)
    assert result.exit_code == 7 and "不会被当作新档案" in result.stderr
    assert not (root / "registry.sqlite3").exists()


# ---------------------------------------------------------------------------- a .docx that unpacks to hundreds of MB


def test_archive_add_refuses_a_docx_beyond_checks_bounds_before_reading_it(tmp_path, monkeypatch, run):
    """check's bounds (one home: lianzheng_docs.docxzip), lowered here so that a 3 MB document.xml exceeds
    them; the file is refused from its zip directory (nothing unpacked), by the library as by the
    command, with exit 3, and nothing is filed."""
    from lianzheng_docs import docxzip
    from lianzheng_docs.archive.errors import MetadataError

    monkeypatch.setattr(docxzip, "MAX_PART_BYTES", 2 * 2**20)
    big = make_docx(tmp_path / "大.docx", megabytes=3)
    result = run("archive", "add", big, "--no-stamp", "--archive", tmp_path / "档案")
    assert result.exit_code == 3, result.output
    assert "word/document.xml 解压后有 3 MB，超过 2 MB 的上限" in result.stderr
    assert "与 lianzheng check 的上限相同" in result.stderr and "已归档" not in result.stdout
    with Archive(tmp_path / "档案") as archive, pytest.raises(MetadataError, match="可能是压缩炸弹"):
        archive.add(big)  # the library refuses too, not only the command
    monkeypatch.setattr(docxzip, "MAX_PART_BYTES", 64 * 2**20)
    monkeypatch.setattr(docxzip, "MAX_TOTAL_BYTES", 2 * 2**20)
    result = run("archive", "add", big, "--no-stamp", "--archive", tmp_path / "档案")
    assert result.exit_code == 3 and "解压后共有 3 MB，超过 2 MB 的上限" in result.stderr
    with Archive(tmp_path / "档案") as archive:
        assert archive.list() == []


def test_docx_text_read_as_a_stream_is_what_the_tree_gave(tmp_path):
    """Text boxes after their paragraph, VML fallbacks left out, spaces between Han characters gone."""
    from lianzheng_docs.archive.extract import docx_pages, docx_text, docx_title

    body = (
        f'<w:document xmlns:w="{W}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
        "<w:body><w:p><w:r><w:t>外层 段落</w:t></w:r><w:r><mc:AlternateContent><mc:Choice>"
        "<w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p></w:txbxContent></mc:Choice>"
        "<mc:Fallback><w:p><w:r><w:t>文本框</w:t></w:r></w:p></mc:Fallback></mc:AlternateContent></w:r>"
        "<w:r><w:t>之后</w:t></w:r></w:p><w:p/><w:tbl><w:tr><w:tc><w:p><w:r><w:t>表格 2025 年</w:t></w:r>"
        "</w:p></w:tc></w:tr></w:tbl></w:body></w:document>"
    )
    path = tmp_path / "文本框.docx"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("[Content_Types].xml", CONTENT_TYPES)
        package.writestr("word/document.xml", body)
        package.writestr(
            "docProps/core.xml",
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title> 关于专项检查的通知 </dc:title></cp:coreProperties>',
        )
        package.writestr(
            "docProps/app.xml",
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            f"<Pages>{'9' * 5000}</Pages></Properties>",
        )
    assert docx_text(path) == "外层段落之后\n文本框\n表格2025年"
    assert docx_title(path) == "关于专项检查的通知"
    assert docx_pages(path) is None  # 5000 digits: not a page count (int() of it raised)


@pytest.mark.slow
def test_the_library_reads_a_large_document_xml_in_bounded_memory(tmp_path):
    """Archive.add on a .docx holding 60 MB of document.xml (just inside the 64 MB bound; 300 MB took
    2.7 GB and 25 s when the part was unpacked and parsed whole, and is now refused): read as a
    stream, until the index has its 2,000,000 characters."""
    big = make_docx(tmp_path / "大.docx", megabytes=60)
    assert big.stat().st_size < 3 * 2**20
    script = textwrap.dedent(
        """
        import resource, sys
        from pathlib import Path
        from lianzheng_docs.archive import Archive, RecordMeta
        from lianzheng_docs.archive.extract import MAX_CHARS
        with Archive(sys.argv[2]) as archive:
            record = archive.add(Path(sys.argv[1]), RecordMeta(kind="报告"))
            assert len(archive.registry.record(record.id)["text"]) == MAX_CHARS
        print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(big), str(tmp_path / "档案")], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.split()[-1]) < 300, f"peak {done.stdout.strip()} MB"


# ---------------------------------------------------------------------------- a real full disk


@pytest.fixture
def small_disk(tmp_path):
    """A 6 MB tmpfs (root only; skipped elsewhere), unmounted afterwards."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs root")
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(mount)], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.mark.slow
def test_a_real_full_disk_at_every_step_of_a_filing(small_disk, tmp_path, run):
    """File a .docx with about 150,000 characters of text (about 500 KB in the registry and as much
    in the index) into a disk left with 0 bytes to 2.4 MB free, in steps: whatever step runs out of
    space (opening the registry, staging, the transaction, the checkpoint, the index), the answer is
    either filed (exit 0, 已归档, record and file) or not (exit 7, 磁盘空间不足, nothing), and once
    space is freed the archive verifies and search finds exactly what was filed, at once (an index
    writer left holding its lock after ENOSPC made that search wait 3 to 14 s)."""
    seed = tmp_path / "种子"
    with Archive(seed) as archive:
        archive.add(make_docx(tmp_path / "第一件.docx"), RecordMeta(kind="报告"))
    document = make_docx(tmp_path / "长文.docx", 5000)
    outcomes = set()
    for free in [*range(0, 1_400_000, 131_072), 2_400_000]:
        shutil.rmtree(small_disk / "档案", ignore_errors=True)
        shutil.copytree(seed, small_disk / "档案")
        stats = os.statvfs(small_disk)
        filler = small_disk / "filler"
        filler.write_bytes(b"\0" * max(stats.f_bavail * stats.f_frsize - free, 0))
        result = run("archive", "add", document, "--no-stamp", "--archive", small_disk / "档案")
        filler.unlink()
        assert "Traceback" not in result.output, (free, result.output)
        if result.exit_code == 0:
            assert "已归档：" in result.stdout, (free, result.output)
            filed = 2
        else:
            assert result.exit_code == 7, (free, result.output)
            assert "磁盘空间不足" in result.stderr and "已归档：" not in result.stdout, (free, result.output)
            filed = 1
        outcomes.add(result.exit_code)
        whole(small_disk / "档案", filed)
        with Archive(small_disk / "档案", lock_timeout=2) as archive:
            assert archive.search("专项资金管理第4999段").total == filed - 1, free
    assert outcomes == {0, 7}  # the sweep reached both sides
