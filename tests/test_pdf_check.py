"""The rendered-PDF check: every built-in template passes; broken renderings fail on the right clause."""

from __future__ import annotations

import io
import zipfile

import pymupdf
import pytest

from lianzheng_docs import check_document
from lianzheng_docs.check.pdf import check_pdf
from lianzheng_docs.pdf import convert as convert_module
from lianzheng_docs.pdf.convert import convert_to_pdf

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]


@pytest.fixture(scope="module")
def pdfs(soffice, rendered, tmp_path_factory):
    folder = tmp_path_factory.mktemp("docx")
    sources = [doc.save(folder / f"{tid}.docx") for tid, doc in rendered.items()]
    return dict(zip(rendered, convert_to_pdf(sources, tmp_path_factory.mktemp("pdf")), strict=True))


#: Where the 版记 lands is known only after layout: the templates as rendered (before the finishing
#: step moves the 版记) may break only these rules, measured on LibreOffice's pages (odd page 3,
#: alone and numbered there, or run through by its first rule). tests/test_finishing.py checks that
#: finished documents break none.
PAGINATION = {
    "pdf.imprint.odd_page",
    "pdf.imprint.last_page",
    "pdf.page_number.imprint_page",
    "pdf.imprint.rule_crosses_text",
}


def test_every_builtin_template_passes_the_pdf_check(pdfs):
    """Every rule holds on every template, but the 版记's page where the layout has not been finished."""
    unfinished = set()
    for template_id, pdf in pdfs.items():
        rules = {f.rule for f in check_pdf(pdf).errors}
        assert rules <= PAGINATION, (template_id, [str(f) for f in check_pdf(pdf).errors])
        if rules:
            unfinished.add(template_id)
    assert {"dual_report", "accountability_bulletin"} <= unfinished  # the measured cases still show


def test_unfinished_templates_fail_where_the_page_shows_it(pdfs):
    odd = [f for f in check_pdf(pdfs["dual_report"]).errors if f.rule == "pdf.imprint.odd_page"]
    assert [(f.clause, f.where) for f in odd] == [("7.4", "第3页")]
    (crossing,) = check_pdf(pdfs["supervision_report"]).errors
    assert crossing.clause == "7.4.1" and crossing.where == "第2页「（联系人：赵敏，电话：0」", crossing


def test_check_document_routes_pdfs(pdfs):
    report = check_document(pdfs["dual_report"].read_bytes(), name="报告.pdf")
    assert report.kind == "PDF"
    assert [f.to_dict() for f in report.findings] == [f.to_dict() for f in check_pdf(pdfs["dual_report"]).findings]
    assert check_document(pdfs["risk_notice"].read_bytes(), name="告知书.pdf").passed


def edit(content: bytes, part: str, old: bytes, new: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info, data.replace(old, new) if info.filename == part else data)
    return out.getvalue()


def test_hanging_punctuation_and_hyphen_page_numbers_fail(rendered, tmp_path, monkeypatch):
    hyphens = edit(rendered["dual_report"].content, "word/footer1.xml", "— ".encode(), b"- ")
    hyphens = edit(hyphens, "word/footer1.xml", " —".encode(), b" -")
    (tmp_path / "hyphen.docx").write_bytes(hyphens)
    (pdf,) = convert_to_pdf([tmp_path / "hyphen.docx"], tmp_path / "a")
    assert "7.5" in {f.clause for f in check_pdf(pdf).errors}
    monkeypatch.setattr(convert_module, "prepared", lambda data: (data, []))  # LibreOffice's own import
    (tmp_path / "hanging.docx").write_bytes(rendered["accountability_bulletin"].content)
    (pdf,) = convert_to_pdf([tmp_path / "hanging.docx"], tmp_path / "b")
    rules = {f.rule for f in check_pdf(pdf).errors}
    assert "pdf.text_area" in rules or "pdf.chars" in rules, rules


def test_letter_paper_and_missing_page_numbers_fail(tmp_path):
    path = tmp_path / "letter.pdf"
    doc = pymupdf.open()
    doc.new_page(width=612, height=792).insert_text((72, 72), "正文" * 12, fontname="china-s", fontsize=16)
    doc.save(path)
    clauses = {f.clause for f in check_pdf(path).errors}
    assert "5.1" in clauses
    a4 = tmp_path / "a4.pdf"
    doc = pymupdf.open()
    doc.new_page(width=595.3, height=841.9).insert_text((80, 140), "正文" * 12, fontname="china-s", fontsize=16)
    doc.save(a4)
    assert {f.rule for f in check_pdf(a4).errors} == {"pdf.page_number"}


def test_an_unreadable_pdf_is_refused(tmp_path):
    from lianzheng_docs.check.package import UnreadableDocument

    path = tmp_path / "坏.pdf"
    path.write_bytes(b"%PDF-1.4 broken")
    with pytest.raises(UnreadableDocument):
        check_pdf(path)
