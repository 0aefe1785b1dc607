"""The GB/T 9704 checker: built-in templates pass, hand-made bad documents fail on the right clause."""

from __future__ import annotations

import io
import json
import zipfile
from functools import partial

import docx
import pytest

from lianzheng_docs import check_document
from lianzheng_docs.check import DocumentKind
from lianzheng_docs.check import package as package_module
from lianzheng_docs.check.package import UnreadableDocument


def edit_part(content: bytes, part: str, old: str, new: str, count: int = -1) -> bytes:
    """The .docx with ``old`` replaced by ``new`` in one XML part."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == part:
                text = data.decode("utf-8")
                assert old in text, f"{old!r} not in {part}"
                data = text.replace(old, new, count).encode("utf-8")
            target.writestr(info, data)
    return out.getvalue()


def edit_docx(content: bytes, change) -> bytes:  # type: ignore[no-untyped-def]
    """The .docx after ``change(document)`` edits it with python-docx, as a clerk's Word would."""
    document = docx.Document(io.BytesIO(content))
    change(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def error_clauses(content: bytes, **kwargs) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    report = check_document(content, name="bad.docx", **kwargs)
    clauses: dict[str, list[str]] = {}
    for finding in report.errors:
        clauses.setdefault(finding.clause, []).append(finding.rule)
    return clauses


@pytest.fixture(scope="module")
def report_docx(rendered):
    return rendered["dual_report"].content


@pytest.fixture(scope="module")
def bulletin_docx(rendered):
    return rendered["accountability_bulletin"].content


def test_every_builtin_template_passes(rendered):
    for template_id, document in rendered.items():
        report = check_document(document.content, name=template_id)
        assert report.passed, (template_id, [str(f) for f in report.errors])


def test_kinds_are_inferred(rendered):
    kinds = {tid: check_document(doc.content).kind for tid, doc in rendered.items()}
    assert kinds["dual_report"] == "上行文" and kinds["accountability_bulletin"] == "公文"
    assert kinds["responsibility_letter"] == "非公文"


def _title_bold(document):  # type: ignore[no-untyped-def]
    title = next(p for p in document.paragraphs if p.style.name == "公文标题")
    for run in title.runs:
        run.bold = True


def _body_songti_xiaosi(document):  # type: ignore[no-untyped-def]
    from docx.oxml.ns import qn
    from docx.shared import Pt

    for para in document.paragraphs:
        if para.style.name == "公文正文":
            for run in para.runs:
                run.font.size = Pt(12)
                run.font.name = "宋体"
                run._element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")


BAD_DOCUMENTS = {
    # name: (template, how to spoil it, clause, rule)
    "wrong margins": (
        "report",
        lambda c: edit_part(c, "word/document.xml", 'w:top="2098"', 'w:top="1440"'),
        "5.2.1",
        "page.margin.top",
    ),
    "bold title": ("report", lambda c: edit_docx(c, _title_bold), "7.3.1", "title.bold"),
    "[2026] brackets": (
        "report",
        lambda c: edit_part(c, "word/document.xml", "〔2026〕", "[2026]"),
        "7.2.5",
        "header.doc_number",
    ),
    "leading zeros": (
        "report",
        lambda c: edit_part(c, "word/document.xml", ">2026年6月26日<", ">2026年06月26日<", 1),
        "7.3.5.4",
        "date.leading_zero",
    ),
    # a character grid of 27 per line in Word (charSpace 0 at 16 pt); -849 gives 28 in Word and is
    # only a warning about LibreOffice (tests/test_producers.py)
    "linesAndChars": (
        "report",
        lambda c: edit_part(c, "word/document.xml", 'w:type="lines"', 'w:type="linesAndChars" w:charSpace="0"'),
        "5.2.3",
        "grid.chars_per_line",
    ),
    "report without signer": (
        "report",
        lambda c: edit_part(edit_part(c, "word/document.xml", "签发人：", ""), "word/document.xml", ">张建国<", "><"),
        "7.2.6",
        "header.signer.missing",
    ),
    "cc without period": (
        "bulletin",
        lambda c: edit_part(c, "word/document.xml", "（监察室）。", "（监察室）"),
        "7.4.2",
        "imprint.cc.period",
    ),
    "body in songti xiaosi": ("report", lambda c: edit_docx(c, _body_songti_xiaosi), "5.2.2", "body.font"),
    "hyphen page number": (
        "report",
        lambda c: edit_part(edit_part(c, "word/footer1.xml", "— ", "- "), "word/footer1.xml", " —", " -"),
        "7.5",
        "page_number.form",
    ),
    "request in a report": (
        "report",
        lambda c: edit_part(c, "word/document.xml", "现将有关情况报告如下。", "妥否，请批示。"),
        "条例第十五条",
        "report.request",
    ),
    "black mark": (
        "bulletin",
        lambda c: edit_part(c, "word/styles.xml", 'w:color w:val="FF0000"', 'w:color w:val="000000"'),
        "7.2.4",
        "header.mark.red",
    ),
    "half-width colon": (
        "bulletin",
        lambda c: edit_part(c, "word/document.xml", "各二级机构：", "各二级机构:"),
        "7.3.2",
        "addressee.colon",
    ),
}


@pytest.mark.parametrize("name", list(BAD_DOCUMENTS))
def test_bad_document_fails_on_the_right_clause(name, report_docx, bulletin_docx):
    source, spoil, clause, rule = BAD_DOCUMENTS[name]
    content = spoil(report_docx if source == "report" else bulletin_docx)
    clauses = error_clauses(content)
    assert clause in clauses and rule in clauses[clause], clauses


def test_findings_say_where_and_what(report_docx):
    content = edit_part(report_docx, "word/document.xml", "〔2026〕", "[2026]")
    (finding,) = [f for f in check_document(content).errors if f.rule == "header.doc_number"]
    assert finding.found == "X财党[2026]12号" and finding.expected == "X财党〔2026〕12号"
    assert "六角括号" in finding.message and finding.where.startswith("正文第")


def test_kind_option_changes_the_rules(bulletin_docx, rendered):
    assert "7.2.6" in error_clauses(bulletin_docx, kind=DocumentKind.UPWARD)  # a 通报 has no 签发人
    letter = rendered["responsibility_letter"].content
    report = check_document(letter, kind="非公文")
    assert report.passed and report.kind == "非公文"


def test_documents_from_other_tools_are_judged(tmp_path):
    plain = tmp_path / "python-docx 默认.docx"
    document = docx.Document()
    document.add_paragraph("关于召开年度工作会议的通知")
    document.add_paragraph("各科室：")
    document.add_paragraph("定于2026年03月05日召开会议。")
    document.save(plain)
    report = check_document(plain, kind="公文")
    assert "5.1" in report.clauses() and "5.2.1" in report.clauses()
    assert not report.passed


@pytest.mark.libreoffice
def test_a_document_saved_by_libreoffice_is_judged(soffice, report_docx, tmp_path):
    import subprocess

    source = tmp_path / "input.docx"
    source.write_bytes(report_docx)
    out = tmp_path / "out"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    report = check_document(out / "input.docx")
    assert report.kind == "上行文"
    assert all(f.clause not in ("5.1", "5.2.1") for f in report.errors), [str(f) for f in report.errors]


# ------------------------------------------------------------------ bad input: a message and exit 2


@pytest.fixture
def run_check(run):
    """``lianzheng check`` with the files and options given (conftest's ``run``)."""
    return partial(run, "check")


def test_not_a_zip(run_check, tmp_path):
    path = tmp_path / "说明.docx"
    path.write_text("这不是 Word 文件", encoding="utf-8")
    result = run_check(path)
    assert result.exit_code == 2 and "不是 .docx 文件" in result.output


def test_zip_that_is_not_a_docx(run_check, tmp_path):
    path = tmp_path / "压缩包.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    result = run_check(path)
    assert result.exit_code == 2 and "不是 Office 文档" in result.output


def test_spreadsheet_renamed_docx(run_check, tmp_path):
    path = tmp_path / "表格.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    result = run_check(path)
    assert result.exit_code == 2 and "电子表格或演示文稿" in result.output


def test_docx_with_missing_document_part(run_check, tmp_path, report_docx):
    source = zipfile.ZipFile(io.BytesIO(report_docx))
    path = tmp_path / "缺部件.docx"
    with zipfile.ZipFile(path, "w") as archive:
        for info in source.infolist():
            if info.filename != "word/document.xml":
                archive.writestr(info, source.read(info.filename))
    result = run_check(path)
    assert result.exit_code == 2 and "word/document.xml" in result.output


def test_docx_with_broken_xml(run_check, tmp_path, report_docx):
    path = tmp_path / "坏.docx"
    path.write_bytes(edit_part(report_docx, "word/document.xml", "</w:body>", "<w:body>"))
    result = run_check(path)
    assert result.exit_code == 2 and "已损坏" in result.output


def test_password_protected_file(run_check, tmp_path):
    path = tmp_path / "加密.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096)
    result = run_check(path)
    assert result.exit_code == 2 and "加密" in result.output


def test_huge_file_is_refused_before_reading(run_check, tmp_path):
    path = tmp_path / "巨大.docx"
    with open(path, "wb") as handle:
        handle.truncate(package_module.MAX_FILE_BYTES + 1)  # sparse: costs no disk
    result = run_check(path)
    assert result.exit_code == 2 and "上限" in result.output


def test_zip_bomb_is_refused(tmp_path, report_docx, monkeypatch):
    monkeypatch.setattr(package_module, "MAX_TOTAL_BYTES", 10_000)
    with pytest.raises(UnreadableDocument, match="压缩炸弹"):
        check_document(report_docx)


def test_empty_and_missing_files(run_check, tmp_path):
    empty = tmp_path / "空.docx"
    empty.write_bytes(b"")
    assert "空文件" in run_check(empty).output
    assert run_check(tmp_path / "没有.docx").exit_code == 2


def test_names_with_spaces_and_chinese(run_check, tmp_path, report_docx):
    path = tmp_path / "我的 报告 (定稿).docx"
    path.write_bytes(report_docx)
    result = run_check(path)
    assert result.exit_code == 0 and "我的 报告 (定稿).docx" in result.output and "通过" in result.output


def test_exit_codes_and_json(run_check, tmp_path, report_docx):
    good = tmp_path / "good.docx"
    good.write_bytes(report_docx)
    bad = tmp_path / "bad.docx"
    bad.write_bytes(edit_part(report_docx, "word/document.xml", "〔2026〕", "[2026]"))
    assert run_check(good).exit_code == 0
    assert run_check(good, bad).exit_code == 1
    broken = tmp_path / "broken.docx"
    broken.write_text("x")
    assert run_check(good, bad, broken).exit_code == 2  # unreadable outranks findings
    result = run_check(good, bad, broken, "--json")
    data = json.loads(result.output)
    assert [d.get("passed") for d in data] == [True, False, None]
    assert data[1]["findings"][0]["clause"] == "7.2.5" and data[2]["exit_code"] == 2


def test_external_entities_in_the_streamed_document_are_never_read(tmp_path, report_docx):
    """The main document is read as a stream now; it keeps the parser's protections (no XXE)."""
    secret = tmp_path / "secret.txt"
    secret.write_text("机密内容", encoding="utf-8")
    with zipfile.ZipFile(io.BytesIO(report_docx)) as source:
        xml = source.read("word/document.xml").decode("utf-8")
    head, rest = xml.split("?>", 1)
    hostile = f'{head}?><!DOCTYPE w:document [<!ENTITY leak SYSTEM "file://{secret}">]>' + rest.replace(
        "<w:body>", "<w:body><w:p><w:r><w:t>&leak;</w:t></w:r></w:p>", 1
    )
    path = tmp_path / "外部实体.docx"
    path.write_bytes(edit_part(report_docx, "word/document.xml", xml, hostile))
    from lianzheng_docs.check.model import load
    from lianzheng_docs.check.package import open_package

    texts = [p.text for p in load(open_package(path)).paragraphs]
    assert len(texts) > 20 and not any("机密内容" in text for text in texts)  # read, but the entity stays unread
    report = check_document(path)
    assert all("机密内容" not in (f.where + f.found) for f in report.findings)


def test_a_long_document_is_read_block_by_block(report_docx):
    """Paragraphs, their sections and text boxes come out of the streamed model as from the tree."""
    from lianzheng_docs.check.model import load
    from lianzheng_docs.check.package import open_package

    document = load(open_package(report_docx))
    assert len(document.paragraphs) > 20 and document.sections
    assert [p.index for p in document.paragraphs] == list(range(len(document.paragraphs)))
    assert document.sections[-1].margins["top"] == 2098


def test_absurd_measurements_are_read_as_absent_not_a_traceback(tmp_path, report_docx):
    """``w:left="inf"``, NaN, 1e400 and a 5000-digit size in a checked document (issue 15, item 10)."""
    hostile = edit_part(report_docx, "word/document.xml", "<w:body>", "<w:body>" + (
        '<w:p><w:pPr><w:ind w:left="inf" w:firstLine="NaN" w:hanging="1e400"/>'
        '<w:spacing w:line="' + "9" * 5000 + '"/></w:pPr>'
        '<w:r><w:rPr><w:sz w:val="' + "9" * 5000 + '"/><w:color w:val="FF0000" w:themeColor="accent1" '
        'w:themeShade="zz"/></w:rPr><w:t>正文</w:t></w:r></w:p>'
    ), count=1)  # fmt: skip
    report = check_document(hostile, name="荒谬.docx")
    assert report.findings is not None  # judged, not crashed
    for page_part in ("word/footer1.xml",):
        hostile_footer = edit_part(
            report_docx, page_part, "<w:pPr>", '<w:pPr><w:ind w:right="inf" w:left="-inf"/>', count=1
        )
        assert check_document(hostile_footer, name="页脚.docx").findings is not None
