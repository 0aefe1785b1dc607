"""四性检测 (DA/T 70-2018, issue 18 item 1): ``lianzheng archive inspect`` and the library behind it.

A small archive filed in this process (three 廉政风险告知书, one with a PDF/A copy) passes every
item; copies of it, each tampered with in one way, are caught by the item that should catch it:
a file's bytes changed (AU-01), an audit row edited in SQLite (AU-02), a control character or
undecodable bytes in a 题名 (AU-08), a duplicate 档号 (AU-10), a file deleted (IN-06), a 件号 gap
(IN-05), a .docx with a macro or a remote template (SE-01), a PDF copy that is not PDF/A (US-04),
an encrypted one (US-05), a file made world-writable or executable (SE-02). The sample archive
of ``lianzheng samples --archive`` (LibreOffice) passes too, with real PDF/A copies made by
LibreOffice; the HTML report is looked at in chromium.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from lianzheng_docs import Catalog
from lianzheng_docs.archive import Archive, Record
from lianzheng_docs.archive.inspect import CATALOGUE, InspectionReport, inspect
from lianzheng_docs.archive.inspect_checks_base import FAIL, NOT_APPLICABLE, PASS, PROPERTIES, WARN, Finding, ItemResult
from lianzheng_docs.archive.inspect_report import render_html, write_html
from lianzheng_docs.cli import cli

REGISTRY = "registry.sqlite3"
XMP = (
    '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" '
    'xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/" xmlns:dc="http://purl.org/dc/elements/1.1/">{body}'
    '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
)


def make_pdf(path: Path, *, identifier: str = "", pdfa: bool = True, javascript: bool = False,
             encrypt: bool = False) -> Path:  # fmt: skip
    """A one-page PDF with an XMP packet: PDF/A-2B identification (or none), the 档号 as dc:identifier."""
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, StreamObject, TextStringObject

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    body = "<pdfaid:part>2</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>" if pdfa else ""
    body += f"<dc:identifier>{identifier}</dc:identifier>" if identifier else ""
    stream = StreamObject()
    stream.set_data(XMP.format(body=body).encode("utf-8"))
    stream.update({NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")})
    writer.root_object[NameObject("/Metadata")] = writer._add_object(stream)
    writer.add_metadata({"/Producer": "测试用 PDF 制作程序 1.0"})
    if javascript:  # run on opening, as a hostile file would
        action = DictionaryObject(
            {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1);")}
        )
        writer.root_object[NameObject("/OpenAction")] = writer._add_object(action)
    if encrypt:
        writer.encrypt("口令")
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def file_small(root: Path, work: Path) -> None:
    """Three risk notices filed in this process; the first with a PDF/A copy carrying its 档号."""
    notice = Catalog.default().get("risk_notice")
    with Archive(root, actor="测试员") as archive:
        for recipient in ("××县财政局", "××区财政局", "××市财政投资评审中心"):
            data = notice.example()
            data.pop("doc_number")
            data["recipient"] = recipient
            archive.file_rendered(notice, data)
        first = archive.list()[0]
        archive.attach(first.id, make_pdf(work / "副本.pdf", identifier=first.archival_code), role="pdf")
        archive.set_page_count(first.id, 1)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("small")
    root = work / "档案"
    file_small(root, work)
    return root


@pytest.fixture
def small(pristine: Path, tmp_path: Path) -> Path:
    """A copy of the small archive for one test to tamper with."""
    return Path(shutil.copytree(pristine, tmp_path / "档案"))


def run_inspection(root: Path, stage: str = "归档", record: str | None = None) -> InspectionReport:
    with Archive(root, create=False) as archive:
        return inspect(archive, stage, record=record)


def item(report: InspectionReport, check_id: str) -> ItemResult:
    return next(i for i in report.items if i.check.id == check_id)


def failed(report: InspectionReport) -> set[str]:
    return {i.check.id for i in report.items if i.status == FAIL}


def records(root: Path) -> list[Record]:
    with Archive(root, create=False) as archive:
        return archive.list()


def sql(root: Path, *statements: str, parameters: tuple[object, ...] = ()) -> None:
    db = sqlite3.connect(root / REGISTRY, isolation_level=None)
    try:
        for statement in statements:
            db.execute(statement, parameters if "?" in statement else ())
    finally:
        db.close()


def invoke(*args: object) -> object:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


# ---------------------------------------------------------------------- the catalogue


def test_every_check_has_a_stable_id_its_property_and_a_clause():
    prefixes = {"AU": "真实性", "IN": "完整性", "US": "可用性", "SE": "安全性"}
    ids = [c.id for c in CATALOGUE]
    assert len(ids) == len(set(ids))
    for check in CATALOGUE:
        assert prefixes[check.id[:2]] == check.property, check.id
        assert check.clause.startswith("DA/T 70-2018"), check.id
        assert check.title and check.method
    # only the item numbers found in public implementations are cited (inspect_checks_base's docstring)
    cited = {
        part for c in CATALOGUE for part in c.clause.replace("、", " ").replace("（", " ").split() if part[:3] == "GD-"
    }
    allowed = {"GD-1-1", "GD-1-2", "GD-1-3", "GD-1-4", "GD-1-5", "GD-1-6", "GD-1-7", "GD-1-8", "GD-1-10", "GD-1-11",
               "GD-2-1", "GD-2-2", "GD-2-3", "GD-2-4", "GD-2-5", "GD-2-6", "GD-2-7", "GD-2-10", "GD-2-11", "GD-3-2",
               "GD-3-3", "GD-3-8", "GD-4-1", "GD-4-2"}  # fmt: skip
    assert cited <= allowed, cited - allowed
    assert [c.property for c in CATALOGUE] == sorted((c.property for c in CATALOGUE), key=PROPERTIES.index)


# ---------------------------------------------------------------------- a sound archive


def test_the_small_archive_passes_every_item_at_every_stage_but_transfer(small: Path):
    report = run_inspection(small)
    assert report.ok, [f.message for f in report.findings(FAIL)]
    assert (report.records, report.files) == (3, 4)
    statuses = {i.check.id: i.status for i in report.items}
    assert set(statuses.values()) <= {PASS, WARN, NOT_APPLICABLE}
    assert statuses["SE-03"] == WARN  # never exported: a warning, not a failure
    pdfa = item(report, "US-04")
    assert (pdfa.status, pdfa.examined, pdfa.unit) == (PASS, 1, "个 PDF 副本")
    assert item(report, "AU-01").examined == 4 and item(report, "AU-02").examined >= 5
    # what cannot be judged here says why, at every stage
    for check_id in ("SE-04", "SE-05", "IN-07"):
        assert item(report, check_id).status == NOT_APPLICABLE and item(report, check_id).reason
    assert run_inspection(small, "长期保存").ok
    transfer = run_inspection(small, "移交")
    assert failed(transfer) == {"SE-03"}  # 移交: every record must have been exported or packaged
    assert len(item(transfer, "SE-03").failures) == 3
    assert item(transfer, "US-03").status == WARN  # two records have no PDF/A copy yet


def test_transfer_passes_once_every_record_was_exported(small: Path):
    with Archive(small, create=False) as archive:
        for record in archive.list():  # what ``archive export`` logs for each record it writes out
            archive.record_access(record.id, "download", via="命令行 archive export", to="移交.zip")
    report = run_inspection(small, "移交")
    assert report.ok and item(report, "SE-03").status == PASS
    assert any("最近一次导出" in note for note in item(report, "SE-03").notes)
    assert item(run_inspection(small), "SE-03").status == PASS  # and the backup warning is gone


def test_inspecting_changes_nothing(small: Path):
    before = {p: p.read_bytes() for p in small.rglob("*") if p.is_file() and p.suffix != ".lock"}
    run_inspection(small, "移交")
    after = {p: p.read_bytes() for p in small.rglob("*") if p.is_file() and p.suffix != ".lock"}
    assert before.keys() == after.keys()
    assert before[small / REGISTRY] == after[small / REGISTRY]
    assert before[small / "checkpoint.json"] == after[small / "checkpoint.json"]


# ---------------------------------------------------------------------- tampered copies, each caught


@pytest.mark.fault
def test_changed_bytes_fail_the_digest(small: Path):
    first = records(small)[1]
    stored = small / first.files[0].path
    stored.write_bytes(stored.read_bytes()[:-10] + b"0123456789")
    report = run_inspection(small)
    digest = item(report, "AU-01")
    assert digest.status == FAIL
    assert [f.code for f in digest.failures] == [first.archival_code]
    assert "备份" in digest.failures[0].message


@pytest.mark.fault
def test_an_audit_row_edited_in_sqlite_breaks_the_chain(small: Path):
    sql(small, "DROP TRIGGER audit_append_only_update", "UPDATE audit SET actor = '另一个人' WHERE id = 2")
    report = run_inspection(small)
    assert item(report, "AU-02").status == FAIL
    assert "哈希链" in item(report, "AU-02").failures[0].message


@pytest.mark.fault
def test_a_control_character_in_a_title_is_caught(small: Path):
    target = records(small)[2]
    sql(small, "UPDATE records SET title = title || char(7) WHERE id = ?", parameters=(target.id,))
    report = run_inspection(small)
    characters = item(report, "AU-08")
    assert characters.status == FAIL
    assert [f.code for f in characters.failures] == [target.archival_code]
    assert "U+0007（控制字符）" in characters.failures[0].message and "题名" in characters.failures[0].message
    assert item(report, "AU-03").status == FAIL  # verify sees the row changed since filing too


@pytest.mark.fault
def test_undecodable_bytes_in_a_title_are_caught_without_crashing(small: Path):
    target = records(small)[0]
    sql(small, "UPDATE records SET title = CAST(X'E4B8ADEDA080' AS TEXT) WHERE id = ?", parameters=(target.id,))
    report = run_inspection(small)
    characters = item(report, "AU-08")
    assert characters.status == FAIL and "孤立代理项" in characters.failures[0].message
    json.dumps(report.to_dict(), ensure_ascii=False).encode("utf-8")  # printable as it is written
    render_html(report).encode("utf-8")
    assert report.titles[target.archival_code] == "中\ufffd\ufffd\ufffd"


@pytest.mark.fault
def test_a_duplicate_archival_code_is_caught(small: Path):
    first, second = records(small)[:2]
    # the registry's UNIQUE constraints stop a duplicate: a table rebuilt without them lets one in
    rebuilt = (
        "CREATE TABLE copied AS SELECT * FROM records",
        "DROP TABLE records",
        "ALTER TABLE copied RENAME TO records",
    )
    duplicate = (
        f"UPDATE records SET item = {first.item}, archival_code = '{first.archival_code}' WHERE id = {second.id}"
    )
    sql(small, "PRAGMA foreign_keys = OFF", *rebuilt, duplicate)
    report = run_inspection(small)
    duplicates = item(report, "AU-10")
    assert duplicates.status == FAIL
    assert any(f"档号 {first.archival_code} 重复" in f.message for f in duplicates.failures)
    assert item(report, "AU-09").status == PASS  # both codes are well formed


@pytest.mark.fault
def test_a_deleted_file_fails_completeness(small: Path):
    gone = records(small)[1]
    (small / gone.files[0].path).unlink()
    report = run_inspection(small)
    content = item(report, "IN-06")
    assert content.status == FAIL and content.failures[0].code == gone.archival_code
    assert item(report, "IN-02").status == FAIL
    assert any("缺失" in note for note in item(report, "US-02").notes)  # passed over, said so


@pytest.mark.fault
def test_a_gap_in_the_item_numbers_is_caught(small: Path):
    sql(small, "UPDATE sequences SET last = last + 1 WHERE kind = 'item'")
    notice = Catalog.default().get("risk_notice")
    data = notice.example()
    data.pop("doc_number")
    data["recipient"] = "××县审计局"
    with Archive(small) as archive:
        archive.file_rendered(notice, data)
    report = run_inspection(small)
    assert failed(report) == {"IN-05"}
    assert "件号不连续，缺 4" in item(report, "IN-05").failures[0].message


def _rewrite_docx(path: Path, extra: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts.update(extra)
    os.chmod(path, 0o600)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


@pytest.mark.fault
def test_a_docx_with_a_macro_is_caught(small: Path):
    record = records(small)[2]
    _rewrite_docx(small / record.files[0].path, {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro"})
    report = run_inspection(small)
    executable = item(report, "SE-01")
    assert executable.status == FAIL
    assert "vbaProject.bin" in executable.failures[0].message and executable.failures[0].code == record.archival_code
    assert item(report, "AU-01").status == FAIL  # and its digest changed


@pytest.mark.fault
def test_a_docx_with_a_remote_template_is_caught(small: Path):
    record = records(small)[1]
    path = small / record.files[0].path
    with zipfile.ZipFile(path) as source:
        rels = source.read("word/_rels/document.xml.rels").decode("utf-8")
    kind = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate"
    remote = (
        f'<Relationship Id="rIdRemote" TargetMode="External" Target="http://example.invalid/t.dotm" Type="{kind}"/>'
    )
    _rewrite_docx(path, {"word/_rels/document.xml.rels": rels.replace("</Relationships>", remote + "</Relationships>")})
    executable = item(run_inspection(small), "SE-01")
    assert (
        executable.status == FAIL
        and "attachedTemplate：http://example.invalid/t.dotm" in executable.failures[0].message
    )


@pytest.mark.fault
def test_a_pdf_copy_that_is_not_pdfa_fails_usability(small: Path, tmp_path: Path):
    second = records(small)[1]
    with Archive(small) as archive:  # filed the proper way: its digest and audit entry are right
        archive.attach(second.id, make_pdf(tmp_path / "非PDFA.pdf", identifier=second.archival_code, pdfa=False))
    report = run_inspection(small)
    assert failed(report) == {"US-04"}
    assert item(report, "US-04").failures[0].code == second.archival_code


@pytest.mark.fault
def test_pdf_copies_with_script_or_encryption_are_caught(small: Path, tmp_path: Path):
    second, third = records(small)[1:3]
    with Archive(small) as archive:
        archive.attach(second.id, make_pdf(tmp_path / "脚本.pdf", identifier=second.archival_code, javascript=True))
        archive.attach(third.id, make_pdf(tmp_path / "加密.pdf", identifier=third.archival_code, encrypt=True))
    report = run_inspection(small)
    assert item(report, "SE-01").failures[0].code == second.archival_code
    assert "JavaScript 脚本" in item(report, "SE-01").failures[0].message
    assert [f.code for f in item(report, "US-05").failures] == [third.archival_code]


@pytest.mark.fault
@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_world_writable_or_executable_file_fails_security(small: Path):
    first, second = records(small)[:2]
    os.chmod(small / first.files[0].path, 0o666)
    os.chmod(small / second.files[0].path, 0o744)
    permissions = item(run_inspection(small), "SE-02")
    assert permissions.status == FAIL
    messages = {f.code: f.message for f in permissions.failures}
    assert "任何人都可以写入" in messages[first.archival_code] and "chmod o-w" in messages[first.archival_code]
    assert "可执行权限" in messages[second.archival_code]
    os.chmod(small, 0o777)
    assert any(f.path == "档案文件夹" for f in item(run_inspection(small), "SE-02").failures)


@pytest.mark.fault
def test_one_record_inspected_reports_only_its_own_findings(small: Path):
    first, second = records(small)[:2]
    stored = small / second.files[0].path
    stored.write_bytes(stored.read_bytes() + b"!")
    alone = run_inspection(small, record=first.archival_code)
    assert alone.only == first.archival_code and alone.records == 1
    assert item(alone, "AU-01").status == PASS  # the other record's altered file is not this inspection's
    assert run_inspection(small, record=second.archival_code).ok is False


# ---------------------------------------------------------------------- the command


def test_the_command_answers_in_text_json_and_html(small: Path, tmp_path: Path):
    report = tmp_path / "报告" / "四性检测.html"
    result = invoke("archive", "inspect", "--archive", small, "--html", report)
    assert result.exit_code == 0, result.output
    assert "电子档案四性检测（DA/T 70-2018）· 归档环节" in result.output
    assert "结论：合格" in result.output and "[SE-03]" in result.output
    page = report.read_text(encoding="utf-8")
    assert "<h1>电子档案四性检测报告</h1>" in page and "检测人（签字）" in page and "size: A4" in page
    refused = invoke("archive", "inspect", "--archive", small, "--html", report)
    assert refused.exit_code == 6  # an existing report is replaced only with --force
    assert invoke("archive", "inspect", "--archive", small, "--html", report, "--force").exit_code == 0
    data = json.loads(invoke("archive", "inspect", "--archive", small, "--stage", "移交", "--json").output)
    assert data["ok"] is False and data["stage_name"] == "移交与接收环节"
    assert {i["id"] for i in data["items"]} == {c.id for c in CATALOGUE}
    assert data["properties"]["安全性"]["fail"] == 1


@pytest.mark.fault
def test_the_command_exits_1_on_a_failed_item_and_names_the_record(small: Path):
    target = records(small)[0]
    (small / target.files[0].path).write_bytes(b"PK\x03\x04 not a document")
    result = invoke("archive", "inspect", "--archive", small)
    assert result.exit_code == 1
    assert f"档号 {target.archival_code}" in result.output and "[AU-01]" in result.output
    assert "结论：不合格" in result.output


def test_the_command_refuses_what_it_cannot_inspect(tmp_path: Path, small: Path):
    assert invoke("archive", "inspect", "--archive", tmp_path / "没有").exit_code == 4
    assert invoke("archive", "inspect", "--archive", small, "--record", "Z009-WS·2020-Y-BGS-0001").exit_code == 4
    assert invoke("archive", "inspect", "--archive", small, "--stage", "销毁").exit_code == 2
    assert not (tmp_path / "没有").exists()


def test_the_report_escapes_what_it_shows(small: Path, tmp_path: Path):
    report = run_inspection(small)
    report.titles["Z001-WS·2026-Y-BGS-9999"] = "<script>alert(1)</script>"
    report.items[0].findings.append(
        Finding("AU-01", FAIL, "档号 Z001-WS·2026-Y-BGS-9999 的<b>文件</b>", "Z001-WS·2026-Y-BGS-9999")
    )
    page = render_html(report)
    assert "<script>" not in page and "&lt;script&gt;" in page and "&lt;b&gt;文件&lt;/b&gt;" in page
    written = write_html(report, tmp_path / "r.html")
    assert written.read_text(encoding="utf-8") == page


# ---------------------------------------------------------------------- the sample archive (LibreOffice)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory, sample_archive_source: Path) -> Iterator[Path]:
    """The sample bureau's archive (``samples --archive``, PDF/A copies of three records): this module's copy."""
    root = tmp_path_factory.mktemp("sample") / "档案"
    shutil.copytree(sample_archive_source, root)
    yield root


@pytest.mark.slow
@pytest.mark.libreoffice
def test_the_sample_archive_passes_every_item(sample: Path):
    for stage in ("归档", "长期保存"):
        report = run_inspection(sample, stage)
        assert report.ok, [f.message for f in report.findings(FAIL)]
        assert report.records == 31
    assert item(report, "US-04").examined == 3  # LibreOffice's PDF/A-2b copies carry the identification
    assert item(report, "SE-01").status == PASS and item(report, "AU-12").status == PASS
    assert failed(run_inspection(sample, "移交")) == {"SE-03"}


@pytest.mark.slow
@pytest.mark.libreoffice
@pytest.mark.fault
def test_a_stripped_pdfa_copy_of_the_sample_fails_usability(sample: Path, tmp_path: Path):
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    root = Path(shutil.copytree(sample, tmp_path / "档案"))
    record = next(r for r in records(root) if any(f.role == "pdf" for f in r.files))
    copy = root / next(f.path for f in record.files if f.role == "pdf")
    assert PdfReader(copy).xmp_metadata is not None
    writer = PdfWriter(clone_from=str(copy))
    del writer.root_object[NameObject("/Metadata")]  # what a tool that knows nothing of PDF/A writes
    with copy.open("wb") as handle:
        writer.write(handle)
    report = run_inspection(root)
    assert [f.code for f in item(report, "US-04").failures] == [record.archival_code]


@pytest.mark.slow
@pytest.mark.libreoffice
@pytest.mark.fault
def test_the_report_of_a_tampered_sample_archive_in_chromium(sample: Path, tmp_path: Path):
    """The report a clerk prints, for a copy of the sample archive tampered three ways, looked at in chromium."""
    from browser import chromium, require_browser, shot

    require_browser()
    root = Path(shutil.copytree(sample, tmp_path / "档案"))
    first, second, third = records(root)[3:6]
    (root / first.files[0].path).write_bytes((root / first.files[0].path).read_bytes() + b"\x00")
    sql(root, "UPDATE records SET title = title || char(27) WHERE id = ?", parameters=(second.id,))
    os.chmod(root / third.files[0].path, 0o666)
    target = tmp_path / "四性检测报告.html"
    result = invoke("archive", "inspect", "--archive", root, "--html", target)
    assert result.exit_code == 1
    failing = failed(run_inspection(root))
    assert failing >= {"AU-01", "AU-03", "AU-08", "SE-02"}
    with chromium(tmp_path / "profile", tmp_path / "downloads") as driver:
        driver.get(target.resolve().as_uri())
        assert driver.title == "电子档案四性检测报告（归档环节）"
        text = driver.find_element("tag name", "body").text
        assert "不合格" in text and first.archival_code in text and "检测人（签字）" in text
        cells = driver.find_elements("css selector", "td.status.fail")
        assert {c.text for c in cells} == {"✗ 不通过"} and len(cells) == len(failing)
        shot(driver, "archive-inspect-tampered")


def test_the_filing_entry_records_the_tool_and_the_inspection_names_it(tmp_path):
    from lianzheng_docs import __version__

    root = tmp_path / "档案"
    catalog = Catalog.default()
    with Archive(root) as archive:
        template = catalog.get("risk_notice")
        record = archive.file_rendered(template, {k: v for k, v in template.example().items() if k != "doc_number"})
        (entry,) = [e for e in archive.history(record_id=record.id) if e.action == "file"]
    assert entry.detail["tool"] == f"lianzheng-docs {__version__}"
    report = run_inspection(root, "归档")
    assert any(f"lianzheng-docs {__version__}（1 件）" in note for note in item(report, "US-06").notes)
