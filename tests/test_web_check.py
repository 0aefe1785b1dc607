"""The desk's 检查 page: upload a .docx or PDF, see the GB/T 9704 findings with their clauses.

The checker is the library's (``lianzheng check``); these tests hold the page to showing what it
finds (grouped by severity, clause, message, where), to refusing what it cannot check with a
Chinese message naming the file and the right status, and to keeping nothing of an upload.
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from html import unescape

import pytest
from pypdf import PdfWriter
from starlette.testclient import TestClient

from lianzheng_docs.web import check_pages, create_app
from lianzheng_docs.web.guard import MAX_BODY

from webpage import read_page

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def edit_part(content: bytes, part: str, old: str, new: str) -> bytes:
    """The .docx with ``old`` replaced by ``new`` in one XML part (as tests/test_check.py spoils documents)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == part:
                assert old.encode() in data, f"{old!r} not in {part}"
                data = data.replace(old.encode(), new.encode())
            target.writestr(info, data)
    return out.getvalue()


@pytest.fixture
def uploads_tmp(tmp_path, monkeypatch):
    """The folder every temporary file of the process goes to during the test (to see what is left)."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture
def client(tmp_path, uploads_tmp):
    with TestClient(create_app(tmp_path / "archive", hosts=["testserver"])) as test_client:
        yield test_client


def csrf(client: TestClient) -> str:
    return read_page(client.get("/check").text).values["csrf"]


def upload(client: TestClient, name: str, content: bytes, kind: str = "auto", mime: str = DOCX):  # type: ignore[no-untyped-def]
    return client.post("/check", data={"csrf": csrf(client), "kind": kind}, files={"document": (name, content, mime)})


FINDING = re.compile(r'<tr class="finding finding-(?P<severity>\w+)">\s*<td class="clause">(?P<clause>.*?)</td>\s*'
                     r"<td>(?P<message>.*?)</td>", re.S)  # fmt: skip


def findings(html: str) -> list[tuple[str, str, str]]:
    """(severity, clause shown, message) of each finding row on the page."""
    return [
        (row["severity"], clause_cell(row["clause"])["ref"], unescape(row["message"])) for row in FINDING.finditer(html)
    ]


def clause_cell(cell: str) -> dict[str, str]:
    """The clause cell's parts: its heading (``name``, may be empty), its reference (``ref``) and the rule id."""
    parts = dict(re.findall(r'<(?:span|code) class="(?:clause-)?(name|ref|rule)"[^>]*>(.*?)</(?:span|code)>', cell))
    return {key: unescape(parts.get(key, "")) for key in ("name", "ref", "rule")}


def failure(html: str) -> str:
    found = re.search(r'id="check-failure">.*?<p>(.*?)</p>', html, re.S)
    assert found, "no failure shown"
    return unescape(found[1])


@pytest.fixture(scope="module")
def report_docx(rendered):
    return rendered["dual_report"].content


def test_the_page_has_a_labelled_upload_form_with_every_kind(client):
    page = client.get("/check")
    assert page.status_code == 200
    reader = read_page(page.text)
    assert {"f-document", "f-kind"} <= reader.label_for
    assert reader.attrs_by_id["f-document"]["type"] == "file" and reader.attrs_by_id["f-document"]["name"] == "document"
    assert 'enctype="multipart/form-data"' in page.text and reader.values["csrf"]
    assert all(f'<option value="{kind}"' in page.text for kind in check_pages.KINDS)
    assert "不存入档案" in page.text


def test_a_good_rendered_docx_passes_with_no_errors(client, report_docx, uploads_tmp):
    page = upload(client, "年度报告.docx", report_docx)
    assert page.status_code == 200
    text = unescape(page.text)
    assert "检查结果：年度报告.docx" in text
    assert re.search(r'id="verdict">\s*<p><strong>通过</strong>', page.text)
    assert "按上行文检查（自动判断" in text
    assert not [row for row in findings(page.text) if row[0] == "error"]
    assert list(uploads_tmp.iterdir()) == []


def test_a_broken_docx_shows_its_findings_with_clauses_grouped_by_severity(client, report_docx, uploads_tmp):
    bad = edit_part(report_docx, "word/document.xml", 'w:top="2098"', 'w:top="1440"')  # wrong top margin
    bad = edit_part(bad, "word/document.xml", "〔2026〕", "[2026]")  # wrong brackets in the 文号
    page = upload(client, "有问题的报告.docx", bad)
    assert page.status_code == 200  # findings are an answer, as the API's exit code 1 is
    assert re.search(r"<strong>不通过</strong>：2 个错误", page.text)
    rows = findings(page.text)
    errors = {clause: message for severity, clause, message in rows if severity == "error"}
    assert "GB/T 9704 5.2.1" in errors and "GB/T 9704 7.2.5" in errors
    assert "六角括号" in errors["GB/T 9704 7.2.5"]
    assert "page.margin.top" in page.text and "header.doc_number" in page.text  # the rule ids, to look up
    assert "X财党[2026]12号" in unescape(page.text) and "X财党〔2026〕12号" in unescape(page.text)  # found / wanted
    assert (
        page.text.index('id="group-error"') < page.text.find('id="group-warning"') or "group-warning" not in page.text
    )
    assert list(uploads_tmp.iterdir()) == []


def test_the_kind_chosen_is_the_kind_judged(client, rendered):
    bulletin = rendered["accountability_bulletin"].content
    page = upload(client, "通报.docx", bulletin, kind="上行文")  # a 上行文 needs a 签发人, a 通报 has none
    assert "按上行文检查。" in unescape(page.text)
    assert any(clause == "GB/T 9704 7.2.6" for severity, clause, _ in findings(page.text) if severity == "error")
    assert re.search(r'<option value="上行文" selected>', page.text)  # the choice is kept for the next file


def blank_pdf(pages: int = 1, size: tuple[float, float] = (595.28, 841.89)) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(*size)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_pdf_is_judged_on_its_printed_pages(client, uploads_tmp):
    page = upload(client, "letter.pdf", blank_pdf(size=(612, 792)), mime="application/pdf")  # US Letter, no text
    assert page.status_code == 200
    errors = {clause for severity, clause, _ in findings(page.text) if severity == "error"}
    assert {"GB/T 9704 5.1", "GB/T 9704 7.3.3"} <= errors  # A4 paper; the body begins on the first page
    assert list(uploads_tmp.iterdir()) == []


@pytest.mark.parametrize(
    ("name", "content", "status", "words"),
    [
        ("名单.xlsx", b"PK\x03\x04 not really", 415, ["名单.xlsx", ".xlsx", "只接受 .docx 文档或 PDF 文件"]),
        ("旧文件.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 415, ["旧文件.doc", "另存为 .docx"]),
        ("没有扩展名", b"hello", 415, ["没有扩展名", "只接受"]),
        ("假的.docx", b"just text", 400, ["假的.docx", "不是 .docx 文件"]),
        ("假的.pdf", b"just text", 400, ["假的.pdf", "不是 PDF 文件"]),
        ("坏的.pdf", b"%PDF-1.7 but nothing else", 400, ["坏的.pdf", "不是可读的 PDF"]),
        ("空的.docx", b"", 400, ["空的.docx", "空文件"]),
    ],
)
def test_what_cannot_be_checked_is_refused_naming_the_file(client, uploads_tmp, name, content, status, words):
    page = upload(client, name, content)
    assert page.status_code == status
    message = failure(page.text)
    assert all(word in message for word in words), message
    assert "/tmp" not in message and str(uploads_tmp) not in message  # never the temporary path
    assert 'id="f-document"' in page.text  # the form is there to try another file
    assert list(uploads_tmp.iterdir()) == []


def test_a_folder_in_the_uploaded_name_is_dropped_and_markup_is_shown_as_text(client, report_docx):
    page = upload(client, "C:\\fakepath\\<img src=x onerror=alert(1)>.docx", report_docx)
    assert page.status_code == 200
    assert "<img src=x" not in page.text and "&lt;img src=x onerror=alert(1)&gt;.docx" in page.text
    assert "fakepath" not in page.text


@pytest.fixture(scope="module")
def zip_bomb(report_docx) -> bytes:
    """The report with a part of 520 MB of zeros beside it: half a megabyte packed, over the 512 MB bound."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        with zipfile.ZipFile(io.BytesIO(report_docx)) as source:
            for info in source.infolist():
                target.writestr(info, source.read(info.filename))
        with target.open("word/media/bomb.bin", "w", force_zip64=True) as handle:
            block = bytes(1 << 20)
            for _ in range(520):
                handle.write(block)
    return out.getvalue()


def test_a_zip_bomb_is_refused_before_it_is_unpacked(client, zip_bomb, uploads_tmp):
    assert len(zip_bomb) < MAX_BODY
    page = upload(client, "炸弹.docx", zip_bomb)
    assert page.status_code == 400
    message = failure(page.text)
    assert "炸弹.docx" in message and "压缩炸弹" in message
    assert list(uploads_tmp.iterdir()) == []


def test_an_upload_over_the_post_limit_is_refused_before_it_is_read(client, uploads_tmp):
    page = upload(client, "大.pdf", b"%PDF-1.7\n" + bytes(MAX_BODY))
    assert page.status_code == 413
    assert "过大" in page.text
    assert list(uploads_tmp.iterdir()) == []


def test_an_upload_over_the_checkers_own_bound_is_refused(client, report_docx, monkeypatch, uploads_tmp):
    monkeypatch.setattr(check_pages, "MAX_FILE_BYTES", 1000)  # the CLI's bound (200 MB) is above the POST limit
    page = upload(client, "报告.docx", report_docx)
    assert page.status_code == 413
    assert "报告.docx 超过" in failure(page.text)
    assert list(uploads_tmp.iterdir()) == []


def test_a_post_without_a_file_or_with_an_unknown_kind_is_answered_on_the_page(client):
    page = client.post("/check", data={"csrf": csrf(client), "kind": "auto"})
    assert page.status_code == 400 and "请选择要检查的文件" in failure(page.text)
    page = client.post("/check", data={"csrf": csrf(client), "kind": "情书"}, files={"document": ("a.docx", b"x")})
    assert page.status_code == 400 and "情书" in failure(page.text)


def test_a_post_without_the_csrf_token_is_refused_and_nothing_is_checked(client, report_docx, monkeypatch):
    checked = []
    monkeypatch.setattr(check_pages, "check_upload", lambda *args: checked.append(args))
    page = client.post("/check", data={"kind": "auto"}, files={"document": ("报告.docx", report_docx, DOCX)})
    assert page.status_code == 403
    page = client.post("/check", data={"csrf": "0" * 64}, files={"document": ("报告.docx", report_docx, DOCX)})
    assert page.status_code == 403
    assert checked == []


def test_the_library_checker_is_what_the_page_runs(report_docx):
    """The page's function gives the CLI's report (same findings), and a temporary path never shows."""
    from lianzheng_docs import check_document

    bad = edit_part(report_docx, "word/document.xml", 'w:top="2098"', 'w:top="1440"')
    mine = check_pages.check_upload("x.docx", bad)
    assert [f.to_dict() for f in mine.findings] == [f.to_dict() for f in check_document(bad, name="x.docx").findings]
    assert check_pages.clause_label("7.3.1") == "GB/T 9704 7.3.1" and check_pages.clause_label("推断") == "推断"


# ---------------------------------------------------------------------- what the page says: one true thing, the menu


def test_a_numbered_notice_judged_automatically_is_told_why_without_contradiction_and_pointed_to_the_menu(
    client, rendered
):
    from lianzheng_docs.check import check_document

    notice = rendered["risk_notice"].content  # a 文号 under its title, no 发文机关标志, a title not ending in a 文种
    report = check_document(notice)
    assert report.kind == "非公文" and any(reason.startswith("有发文字号") for reason in report.kind_reasons)
    (said,) = [f.message for f in report.findings if f.rule == "kind"]
    assert "发文字号" not in said and "没有发文机关标志" in said  # it has one: the warning does not deny it
    assert "请加 --kind 公文" in said  # the library's words stay the CLI's

    page = upload(client, "告知书.docx", notice)
    text = unescape(page.text)
    judged = re.search(r'<p class="note" id="kind-judged">(.*?)</p>', text, re.S)
    assert judged and judged[1].startswith("按非公文检查（自动判断：有发文字号“X财廉告〔2026〕")
    assert "未发现发文机关标志" not in text and "发文字号或公文标题" not in text
    assert "--kind" not in text  # no command-line flag on the web
    assert "如是公文，请在上面的「按哪类文书检查」中选“公文”，再检查一次" in judged[1]
    warning = next(m for severity, clause, m in findings(page.text) if clause == "推断" and "发文机关标志" in m)
    assert warning.startswith("没有发文机关标志，也没有以 15 种文种之一结尾的标题") and "「按哪类文书检查」" in warning
    chosen = unescape(upload(client, "告知书.docx", notice, kind="公文").text)
    assert "按公文检查。" in chosen and "--kind" not in chosen


def test_each_finding_is_labelled_by_its_clauses_heading_with_the_rule_id_in_small_print(client, report_docx):
    bad = edit_part(report_docx, "word/document.xml", "〔2026〕", "[2026]")
    page = upload(client, "报告.docx", bad)
    cells = [clause_cell(row["clause"]) for row in FINDING.finditer(page.text)]
    number = next(cell for cell in cells if cell["rule"] == "header.doc_number")
    assert number == {"name": "发文字号", "ref": "GB/T 9704 7.2.5", "rule": "header.doc_number"}
    row = next(row["clause"] for row in FINDING.finditer(page.text) if "header.doc_number" in row["clause"])
    assert row.index('class="clause-ref"') < row.index('class="clause-name"') < row.index('class="rule"')
    css = client.get("/static/check.css").text
    assert re.search(r"\.rule \{[^}]*color: var\(--muted\)[^}]*font-size: \.75rem", css)  # muted, small
    assert check_pages.clause_name("7.2.5") == "发文字号" and check_pages.clause_name("推断") == ""
    assert check_pages.on_the_page("按指定的 --kind 上行文 检查") == "按「按哪类文书检查」中选定的“上行文”检查"
