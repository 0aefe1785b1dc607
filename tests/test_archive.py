"""The archive: numbering, filing, fixity, audit chain, search and their failure modes."""

from __future__ import annotations

import datetime
import sqlite3
from pathlib import Path

import pytest

from lianzheng_docs import Catalog, ValidationError
from lianzheng_docs.archive import AlreadyFiled, Archive, DuplicateDocument, MetadataError, RecordMeta, RecordNotFound
from lianzheng_docs.archive import archive as archive_module
from lianzheng_docs.archive.codes import ArchivalCode
from lianzheng_docs.archive.extract import docx_text

pymupdf = pytest.importorskip("pymupdf")


@pytest.fixture
def archive(tmp_path):
    with Archive(tmp_path / "档案", actor="测试员") as opened:
        yield opened


@pytest.fixture(scope="module")
def notice():
    return Catalog.default().get("risk_notice")


def notice_data(template, **changes):
    data = template.example()
    data.pop("doc_number")
    data.update(changes)
    return data


def make_pdf(path: Path, text: str, title: str = "") -> Path:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), text, fontname="china-s", fontsize=12)
    if title:
        doc.set_metadata({"title": title})
    doc.save(path)
    return path


def test_rendered_documents_are_numbered_filed_and_found(archive, notice):
    first = archive.file_rendered(notice, notice_data(notice))
    second = archive.file_rendered(notice, notice_data(notice, recipient="××区财政局"))
    assert (first.doc_number, second.doc_number) == ("X财廉告〔2026〕1号", "X财廉告〔2026〕2号")
    assert first.archival_code == "Z001-WS·2026-D30-BGS-0001" and second.item == 2
    assert str(ArchivalCode.parse(first.archival_code)) == first.archival_code
    stored = archive.path_of(first)
    assert "X财廉告〔2026〕1号" in docx_text(stored)  # the number is rendered into the document
    assert first.files[0].sha256.startswith("sha256:") and first.files[0].size == stored.stat().st_size
    assert first.kind == "告知书" and first.retention == "D30" and first.template_id == "risk_notice"
    assert first.date == "2026-06-15" and first.author == "××市财政局" and first.filed_by == "测试员"
    hits = archive.search("区财政局")
    assert [h.id for h in hits.hits] == [second.id]
    assert archive.get("X财廉告〔2026〕2号").id == second.id
    assert archive.get(first.archival_code).id == first.id


def test_a_failed_render_consumes_no_number(archive, notice):
    with pytest.raises(ValidationError):
        archive.file_rendered(notice, notice_data(notice, deadline="下个月"))
    record = archive.file_rendered(notice, notice_data(notice))
    assert record.doc_number == "X财廉告〔2026〕1号" and record.item == 1


def test_a_failed_store_consumes_no_number_and_leaves_no_file(archive, notice, monkeypatch):
    def broken_place(staged, target):
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(b"half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(archive_module, "place", broken_place)
    with pytest.raises(OSError):
        archive.file_rendered(notice, notice_data(notice))
    monkeypatch.undo()
    assert archive.registry.count() == 0
    assert not list((archive.root / "files").rglob("*.docx"))
    assert not list((archive.root / "tmp").iterdir())
    assert archive.file_rendered(notice, notice_data(notice)).doc_number == "X财廉告〔2026〕1号"


def test_given_numbers_are_kept_unique_and_the_sequence_continues_after_them(archive, notice):
    given = archive.file_rendered(notice, notice_data(notice) | {"doc_number": "X财廉告〔2026〕7号"})
    assert given.doc_number == "X财廉告〔2026〕7号"
    # the same data again is the same document: refused, no second number taken for it
    with pytest.raises(AlreadyFiled, match=f"档号 {given.archival_code}（文号 X财廉告〔2026〕7号）"):
        archive.file_rendered(notice, notice_data(notice))
    assert archive.file_rendered(notice, notice_data(notice, phone="2")).doc_number == "X财廉告〔2026〕8号"
    assert archive.file_rendered(notice, notice_data(notice), allow_duplicate=True).doc_number == "X财廉告〔2026〕9号"
    with pytest.raises(MetadataError, match="已被档号"):
        archive.file_rendered(notice, notice_data(notice, phone="1") | {"doc_number": "X财廉告〔2026〕7号"})


def test_the_same_bytes_are_refused_with_the_existing_code(archive, tmp_path):
    pdf = make_pdf(tmp_path / "来文.pdf", "关于专项资金管理的通知")
    first = archive.add(pdf, RecordMeta(kind="通知"))
    with pytest.raises(DuplicateDocument) as caught:
        archive.add(pdf)
    assert caught.value.existing_code == first.archival_code
    again = archive.add(pdf, allow_duplicate=True)
    assert again.archival_code != first.archival_code


def test_external_pdf_and_docx_are_filed_with_their_text(archive, tmp_path, rendered):
    pdf = make_pdf(tmp_path / "市纪委来文.pdf", "关于开展专项资金监督检查的通知 2025年", title="市纪委通知")
    record = archive.add(pdf, RecordMeta(kind="通知", date=datetime.date(2025, 3, 5), doc_number="X纪〔2025〕3号"))
    assert record.title == "市纪委通知" and record.year == 2025 and record.page_count == 1
    assert record.files[0].format == "pdf" and record.files[0].original_name == "市纪委来文.pdf"
    docx_path = tmp_path / "外来.docx"
    docx_path.write_bytes(rendered["dual_report"].content)
    filed = archive.add(docx_path, RecordMeta(unit="办公室"))
    assert filed.title == "关于2026年上半年落实党风廉政建设主体责任情况的报告"
    assert archive.search("监督检查").hits[0].id == record.id
    assert archive.search("X纪〔2025〕3号").hits[0].id == record.id
    plain = make_pdf(tmp_path / "无题.pdf", "正文")
    assert archive.add(plain).title == "无题"  # no title of its own: the file name


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("空.pdf", b"", "空文件"),
        ("假.pdf", b"PK\x03\x04not really", "不是可归档的格式"),
        ("文本.txt", "只是文字".encode(), "不是可归档的格式"),
    ],
)
def test_bad_files_are_refused(archive, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(MetadataError, match=message):
        archive.add(path)
    assert archive.registry.count() == 0


def test_extension_must_match_the_content(archive, tmp_path, rendered):
    path = tmp_path / "其实是.pdf"
    path.write_bytes(rendered["dual_report"].content)
    with pytest.raises(MetadataError, match=r"扩展名是 \.pdf，但内容是 Word"):
        archive.add(path)


def test_path_traversal_and_bad_codes_are_refused(archive, tmp_path):
    pdf = make_pdf(tmp_path / "a.pdf", "内容")
    for org in ("../../etc", "a/b", "机构"):
        with pytest.raises(MetadataError, match="只能由字母和数字组成"):
            archive.add(pdf, RecordMeta(org=org))
    with pytest.raises(MetadataError):
        archive.configure(fonds="../x")
    assert archive.registry.count() == 0
    record = archive.add(pdf, RecordMeta(title="../../逃逸"))
    assert archive.path_of(record).resolve().is_relative_to(archive.root.resolve())


def test_metadata_from_a_mapping_reports_every_problem():
    with pytest.raises(MetadataError) as caught:
        RecordMeta.from_mapping({"题名": "通知", "日期": "2025年3月5日", "保管期限": "定期5年", "颜色": "红"})
    message = caught.value.message
    assert "3 处问题" in message and "ISO" in message and "保管期限" in message and "颜色" in message
    meta = RecordMeta.from_mapping({"题名": "通知", "日期": "2025-03-05", "保管期限": "永久", "抄送": ["甲", "乙"]})
    assert meta.retention == "Y" and meta.date == datetime.date(2025, 3, 5) and meta.cc == "甲，乙"


def test_unknown_lookup(archive):
    with pytest.raises(RecordNotFound):
        archive.get("Z001-WS·2026-Y-BGS-0099")


def test_verify_finds_altered_missing_unknown_files_and_rewritten_history(archive, notice, tmp_path):
    records = [archive.file_rendered(notice, notice_data(notice, phone=str(n))) for n in range(3)]
    assert archive.verify().ok
    altered = archive.path_of(records[0])
    altered.write_bytes(altered.read_bytes() + b"x")
    archive.path_of(records[1]).unlink()
    (archive.root / "files" / "2026" / "来历不明.pdf").write_bytes(b"%PDF-1.4")
    report = archive.verify()
    kinds = {issue.kind for issue in report.issues}
    assert {"altered", "missing", "unknown"} <= kinds and not report.ok
    db = sqlite3.connect(archive.root / "registry.sqlite3")
    db.execute("DROP TRIGGER audit_append_only_update")
    db.execute("UPDATE audit SET actor = '冒名者' WHERE id = 2")
    db.commit()
    db.close()
    assert any(issue.kind == "audit" for issue in archive.verify().issues)


def test_the_audit_log_refuses_changes(archive, notice):
    archive.file_rendered(notice, notice_data(notice))
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        archive.registry.db.execute("DELETE FROM audit")


def test_numbering_gaps_are_reported(archive, notice):
    for n in range(3):
        archive.file_rendered(notice, notice_data(notice, phone=str(n)))
    db = sqlite3.connect(archive.root / "registry.sqlite3")
    db.execute("PRAGMA foreign_keys = OFF")
    db.execute("DELETE FROM files WHERE record_id = 2")
    db.execute("DELETE FROM records WHERE id = 2")
    db.commit()
    db.close()
    messages = [issue.message for issue in archive.verify().issues if issue.kind == "gap"]
    assert any("件号不连续，缺 2" in m for m in messages) and any("文号不连续，缺 2 号" in m for m in messages)


def test_export_holds_files_and_manifest(archive, notice, tmp_path):
    import json
    import zipfile

    record = archive.file_rendered(notice, notice_data(notice))
    target = archive.export(tmp_path / "导出" / "2026.zip")
    with zipfile.ZipFile(target) as exported:
        names = exported.namelist()
        manifest = json.loads(exported.read("manifest.json"))
    assert f"files/{record.archival_code}.docx" in names
    assert manifest["records"][0]["doc_number"] == "X财廉告〔2026〕1号"
    assert manifest["records"][0]["files"][0]["sha256"] == record.files[0].sha256
    assert manifest["audit"][0]["action"] == "file"


def test_the_index_is_rebuilt_when_broken_or_behind(archive, notice):
    records = [archive.file_rendered(notice, notice_data(notice, recipient=f"第{n}县财政局")) for n in range(5)]
    for segment in (archive.root / "index").glob("*.seg"):
        segment.write_bytes(b"garbage")
    for toc in (archive.root / "index").glob("_records_*.toc"):
        toc.write_bytes(b"garbage")
    archive.index = archive_module.open_engine(archive.root / "index")
    assert archive.search("县财政局").total == 5
    archive.index.reset()  # an index that lost everything is caught up on the next search
    assert archive.search("第3县").hits[0].id == records[3].id


def test_deferred_indexing_indexes_everything_filed_once_the_block_ends(archive, notice):
    with pytest.raises(RuntimeError), archive.indexing_deferred():
        for n in range(4):
            archive.file_rendered(notice, notice_data(notice, recipient=f"第{n}批财政局"))
        assert archive.index.last_id() == 0  # nothing indexed inside the block
        raise RuntimeError("the caller fails half-way")
    assert archive.index.last_id() == 4 and archive.index.count() == 4  # what was filed is indexed
    assert archive.search("批财政局").total == 4


def test_a_filing_whose_index_is_locked_is_filed_with_a_warning(tmp_path, notice):
    from lianzheng_docs.search import open_engine

    with Archive(tmp_path / "档案", lock_timeout=0.2) as archive:
        archive.file_rendered(notice, notice_data(notice))  # creates the index
        holder = open_engine(archive.root / "index")
        writer = holder._open().writer()  # another process is writing the index
        try:
            record = archive.file_rendered(notice, notice_data(notice, recipient="锁定期间的财政局"))
        finally:
            writer.cancel()
        assert archive.get(record.id).doc_number == "X财廉告〔2026〕2号"
        assert len(archive.warnings) == 1 and "检索索引暂未更新" in archive.warnings[0]
        assert [hit.id for hit in archive.search("锁定期间").hits] == [record.id]  # caught up


def test_lost_search_texts_are_rebuilt_from_the_registry(archive, notice):
    records = [archive.file_rendered(notice, notice_data(notice, recipient=f"第{n}县财政局")) for n in range(3)]
    archive.index.close()
    texts = archive.index.texts
    texts.paths(texts.generation())[0].unlink()
    archive.index = archive_module.open_engine(archive.root / "index")
    archive._index_checked = False
    assert {hit.id for hit in archive.search("县财政局").hits} == {r.id for r in records}
    assert texts.paths(texts.generation())[0].stat().st_size > 0


def test_a_held_index_lock_times_out_with_a_clear_error(archive, notice):
    from lianzheng_docs.archive import SearchIndexError
    from lianzheng_docs.search import IndexedDocument, open_engine

    archive.file_rendered(notice, notice_data(notice))
    holder = open_engine(archive.root / "index")
    writer = holder._open().writer()
    try:
        impatient = open_engine(archive.root / "index", lock_timeout=0.3)
        with pytest.raises(SearchIndexError, match="另一个进程"):
            impatient.update([IndexedDocument(99, "标题", "正文")])
    finally:
        writer.cancel()


def test_a_bad_document_cancels_the_whole_index_batch(tmp_path):
    from lianzheng_docs.archive import SearchIndexError
    from lianzheng_docs.search import IndexedDocument, SearchQuery, open_engine

    engine = open_engine(tmp_path / "index")
    engine.reset()
    good = IndexedDocument(1, "关于专项资金的通知", "专项资金")
    bad = IndexedDocument(2, "标题", None)  # type: ignore[arg-type]
    with pytest.raises(SearchIndexError):
        engine.update([good, bad])
    assert engine.count() == 0
    engine.update([good])
    assert engine.search(SearchQuery("专项资金")).total == 1


def test_one_where_builder_binds_every_value_and_skips_none():
    from lianzheng_docs.archive.registry import where

    assert where({}) == ("", ())
    assert where({"kind": None, "unit": "预算科", "date_year": 2026, "id": 7}) == (
        "WHERE unit = ? AND substr(date, 1, 4) = ? AND id = ?",
        ("预算科", "2026", 7),
    )
    assert where({"unit": "x' OR 1=1 --"})[1] == ("x' OR 1=1 --",)  # a value is never SQL
    with pytest.raises(ValueError, match="not a column name"):
        where({"unit = 1 OR unit": "x"})


def test_a_classified_document_is_filed_with_its_secrecy(tmp_path):
    template = Catalog.default().get("dual_report")
    data = template.example() | {"secrecy": "秘密★1年", "copy_number": "000012"}
    data.pop("doc_number")
    with Archive(tmp_path / "档案") as archive:
        record = archive.file_rendered(template, data)
        assert record.secrecy == "秘密★1年"
        assert [r.archival_code for r in archive.list() if r.secrecy == "秘密★1年"] == [record.archival_code]
        plain = template.example() | {"secrecy": None, "copy_number": None, "period": "全年"}
        plain.pop("doc_number")
        assert archive.file_rendered(template, plain).secrecy == ""
