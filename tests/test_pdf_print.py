"""The print-true PDF rules: where the 版记 landed, which pages carry a number, what runs into what.

Every case is a document built with the layout kit (``GongwenDocument``) to a chosen length, so
that LibreOffice lays it out the same way each time, rendered with docxtpl (the kit's 版记 holds
template tags) and converted with the others in one LibreOffice batch. A blank page and a 版记
page without numbers come from a final section of their own with empty footers, as a 公文 is
made; the faults from page breaks in the numbered section, an explicit break in a title, a date
set on a line too tight for it, a body long enough to reach the 版记.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_BREAK
from docxtpl import DocxTemplate

from lianzheng_docs import check_document
from lianzheng_docs.check.findings import Report
from lianzheng_docs.check.pdf import check_pdf, title_lines
from lianzheng_docs.check.rendered import read_rendered
from lianzheng_docs.layout.builder import GongwenDocument
from lianzheng_docs.layout.ooxml import PPR_ORDER, element, exact_spacing, set_child
from lianzheng_docs.layout.styles import PLAIN, SIGNATURE
from lianzheng_docs.pdf.convert import convert_to_pdf
from lianzheng_docs.pdf.stamp import StampFields, apply_stamp, stamp_page

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]

#: One body paragraph that takes exactly one line (20 characters after a two-character indent).
LINE = "党风廉政建设责任制检查考核工作扎实推进成效"
TITLE = ["关于2026年上半年落实党风廉政建设", "主体责任情况的报告"]
CONTEXT = {"cc": ["驻××市财政局纪检组（监察室）"]}

#: The rules this module is about: none of them may fire on a good document.
PRINT_RULES = {
    "pdf.imprint.last_page",
    "pdf.imprint.odd_page",
    "pdf.imprint.rule_crosses_text",
    "pdf.page_number.blank_page",
    "pdf.page_number.imprint_page",
    "pdf.text_overlap",
    "pdf.title.word_break",
    "pdf.title.short_line",
}


def start(title: list[str] = TITLE) -> GongwenDocument:
    """版头 (发文机关标志, 发文字号 and the red rule), the title in the lines given, 主送机关."""
    document = GongwenDocument(title="".join(title))
    document.issuer_mark("中共××市财政局党组文件")
    document.doc_number("X财党〔2026〕12号")
    document.blank()
    paragraph = document.title("")
    for index, line in enumerate(title):
        run = paragraph.add_run(line)
        if index < len(title) - 1:
            run.add_break()  # an explicit line break, as a finished title has
    document.blank()
    document.addressee("中共××市纪委：")
    return document


def body(document: GongwenDocument, lines: int) -> GongwenDocument:
    for _ in range(lines):
        document.paragraph(LINE)
    return document


def unnumbered_section(document: GongwenDocument) -> None:
    """A new section from the next page whose footers are its own and empty: no page numbers."""
    section = document.doc.add_section(WD_SECTION.NEW_PAGE)
    for footer in (section.footer, section.even_page_footer, section.first_page_footer):
        footer.is_linked_to_previous = False


def page_break(document: GongwenDocument) -> None:
    document.paragraph(style=PLAIN).add_run().add_break(WD_BREAK.PAGE)


def imprint(document: GongwenDocument) -> GongwenDocument:
    document.imprint(cc="cc", printed=["××市财政局办公室", "\t2026年6月26日印发"])
    return document


# --- the documents -------------------------------------------------------------------------------


def body_then_imprint_page() -> GongwenDocument:
    """One sheet: the body on page 1, the 版记 alone at the foot of page 2, which has no number."""
    document = body(start(), 4)
    unnumbered_section(document)
    return imprint(document)


def imprint_under_body() -> GongwenDocument:
    """The body runs onto page 2 and the 版记 sits at its foot, under the body, numbered."""
    return imprint(body(start(), 12))


def blank_then_imprint_page() -> GongwenDocument:
    """The body ends on page 2; page 3 is blank and page 4 holds the 版记, neither numbered."""
    document = body(start(), 12)
    unnumbered_section(document)
    page_break(document)
    return imprint(document)


def imprint_on_page_one() -> GongwenDocument:
    return imprint(body(start(), 4))


def imprint_alone_numbered() -> GongwenDocument:
    document = body(start(), 4)
    page_break(document)
    return imprint(document)


def blank_and_imprint_numbered() -> GongwenDocument:
    document = body(start(), 12)
    page_break(document)
    page_break(document)
    return imprint(document)


def text_after_imprint() -> GongwenDocument:
    document = imprint(body(start(), 12))
    document.start_page(document.paragraph(LINE))
    return document


def body_into_imprint() -> GongwenDocument:
    """29 lines: the last line of page 2 lands where the 版记's first rule is drawn."""
    return imprint(body(start(), 29))


def date_over_signature() -> GongwenDocument:
    """The 成文日期 on a 3 pt line: LibreOffice prints it over the 署名."""
    document = body(start(), 4)
    document.blank(2)
    document.paragraph("\t", "中共××市财政局党组", style=SIGNATURE)
    date = document.paragraph("\t", "2026年6月26日", style=SIGNATURE)
    properties = date._p.get_or_add_pPr()
    set_child(properties, element("w:snapToGrid", {"w:val": 0}), PPR_ORDER)
    set_child(properties, exact_spacing(60), PPR_ORDER)
    unnumbered_section(document)
    return imprint(document)


def title_broken_in_a_word() -> GongwenDocument:
    document = body(start(["关于2026年上半年落实党风廉政建设主体责", "任情况的报告"]), 4)
    unnumbered_section(document)
    return imprint(document)


def title_with_a_stub() -> GongwenDocument:
    document = body(start(["关于开展廉政风险防控专项检查工作", "通知"]), 4)
    unnumbered_section(document)
    return imprint(document)


GOOD: dict[str, Callable[[], GongwenDocument]] = {
    "body_then_imprint_page": body_then_imprint_page,
    "imprint_under_body": imprint_under_body,
    "blank_then_imprint_page": blank_then_imprint_page,
}
#: document -> the errors it must give, and nothing else
FAULTY: dict[str, tuple[Callable[[], GongwenDocument], set[str]]] = {
    "imprint_on_page_one": (imprint_on_page_one, {"pdf.imprint.odd_page"}),
    "imprint_alone_numbered": (imprint_alone_numbered, {"pdf.page_number.imprint_page"}),
    "blank_and_imprint_numbered": (
        blank_and_imprint_numbered,
        {"pdf.page_number.blank_page", "pdf.page_number.imprint_page"},
    ),
    "text_after_imprint": (text_after_imprint, {"pdf.imprint.last_page"}),
    "body_into_imprint": (body_into_imprint, {"pdf.imprint.rule_crosses_text"}),
    "date_over_signature": (date_over_signature, {"pdf.text_overlap"}),
    "title_broken_in_a_word": (title_broken_in_a_word, {"pdf.title.word_break"}),
    "title_with_a_stub": (title_with_a_stub, {"pdf.title.short_line"}),
}


def render(document: GongwenDocument) -> bytes:
    template = DocxTemplate(io.BytesIO(document.to_bytes()))
    template.render(CONTEXT)
    buffer = io.BytesIO()
    template.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def pdfs(soffice: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("docx")
    builders = {**GOOD, **{name: build for name, (build, _) in FAULTY.items()}}
    sources = []
    for name, build in builders.items():
        path = folder / f"{name}.docx"
        path.write_bytes(render(build()))
        sources.append(path)
    stamp = folder / "stamp.docx"  # the 归档章 an archived copy carries, laid out in the same batch
    stamp.write_bytes(stamp_page(StampFields("X001", 2026, "D30", 12, "办公室")))
    names = [*builders, "stamp"]
    return dict(zip(names, convert_to_pdf([*sources, stamp], tmp_path_factory.mktemp("pdf")), strict=True))


@pytest.fixture(scope="module")
def reports(pdfs: dict[str, Path]) -> dict[str, Report]:
    return {name: check_pdf(path) for name, path in pdfs.items() if name != "stamp"}


def errors(report: Report) -> set[str]:
    return {finding.rule for finding in report.errors}


@pytest.mark.parametrize("name", GOOD)
def test_well_formed_documents_pass(reports, name):
    report = reports[name]
    assert report.passed and not report.findings, [str(f) for f in report.findings]


@pytest.mark.parametrize("name", FAULTY)
def test_each_fault_gives_its_own_finding(reports, name):
    _, expected = FAULTY[name]
    assert errors(reports[name]) == expected, [str(f) for f in reports[name].findings]
    assert not reports[name].warnings


def test_the_good_layouts_are_what_they_claim(pdfs):
    """The well-formed cases really are the three ways a 版记 may stand (7.4, 7.5)."""
    back = read_rendered(pdfs["body_then_imprint_page"])
    assert len(back) == 2 and back[1].imprint_only and back[1].page_number is None
    assert back[0].page_number is not None and back[0].imprint is None
    under = read_rendered(pdfs["imprint_under_body"])
    assert len(under) == 2 and under[1].imprint is not None and not under[1].imprint_only
    assert under[1].page_number is not None  # it shares its page with the body: numbered
    blank = read_rendered(pdfs["blank_then_imprint_page"])
    assert len(blank) == 4 and blank[2].blank and blank[3].imprint_only
    assert blank[2].page_number is None and blank[3].page_number is None
    assert [page.page_number is not None for page in blank[:2]] == [True, True]


def test_findings_say_which_page_and_what(reports):
    (odd,) = reports["imprint_on_page_one"].errors
    assert (odd.clause, odd.where, odd.found) == ("7.4", "第1页", "第1页（单页）")
    numbered = {f.where: f for f in reports["blank_and_imprint_numbered"].errors}
    assert numbered["第3页"].rule == "pdf.page_number.blank_page" and numbered["第3页"].found == "— 3 —"
    assert numbered["第4页"].rule == "pdf.page_number.imprint_page"
    assert numbered["第4页"].message == "版记页前有空白页的，版记页不编排页码"
    (alone,) = reports["imprint_alone_numbered"].errors
    assert (alone.where, alone.message) == ("第2页", "版记单独成页时，版记页不编排页码")
    (last,) = reports["text_after_imprint"].errors
    assert (last.where, last.found, last.expected) == ("第2页", "第2页（共3页）", "第3页")
    (crossing,) = reports["body_into_imprint"].errors
    assert crossing.clause == "7.4.1" and crossing.where.startswith("第2页「党风廉政建设")
    (overlap,) = reports["date_over_signature"].errors
    assert overlap.clause == "6.1" and overlap.where == "第1页「中共××市财政局党组」与「2026年6月26日」"
    (word,) = reports["title_broken_in_a_word"].errors
    assert (word.clause, word.found) == ("7.3.1", "设主体责／任情况的")
    (stub,) = reports["title_with_a_stub"].errors
    assert (stub.where, stub.found) == ("第1页「通知」", "2 字")


def test_the_title_is_read_from_the_layout(pdfs):
    pages = read_rendered(pdfs["title_broken_in_a_word"])
    lines = title_lines(pages[0])
    assert [line.stripped for line in lines] == ["关于2026年上半年落实党风廉政建设主体责", "任情况的报告"]
    assert all(abs(line.size - 22) < 0.6 for line in lines)


def test_the_rule_runs_through_the_glyphs_not_beside_them(pdfs):
    """The crossing is measured on the glyphs' em boxes, which reach below the baseline."""
    page = read_rendered(pdfs["body_into_imprint"])[1]
    imprint = page.imprint
    assert imprint is not None
    first = imprint.rules[0]
    crossing = [line for line in page.content if line.crosses(first.y, first.x0, first.x1)]
    assert [line.stripped for line in crossing] == [LINE]
    (line,) = crossing
    assert line.top < first.y < line.bottom and first.y < line.baseline + 0.5  # through the characters


def test_check_document_and_the_command_report_them(pdfs, run):
    report = check_document(pdfs["imprint_on_page_one"])
    assert report.kind == "PDF" and errors(report) == {"pdf.imprint.odd_page"}
    result = run("check", "--json", pdfs["blank_and_imprint_numbered"])
    assert result.exit_code == 1
    (document,) = json.loads(result.stdout)
    assert {f["rule"] for f in document["findings"]} == {"pdf.page_number.blank_page", "pdf.page_number.imprint_page"}
    assert {f["clause"] for f in document["findings"]} == {"7.5"}
    result = run("check", pdfs["body_then_imprint_page"])
    assert result.exit_code == 0, result.output


def test_print_rules_are_the_new_ones(reports):
    """Every rule this module names is one the checker can give (no typo hides a missing finding)."""
    given = set().union(*(errors(report) for report in reports.values()))
    assert given == PRINT_RULES


def test_an_archived_copy_with_its_stamp_passes(pdfs, tmp_path):
    """The 归档章 sits in the 天头 (DA/T 22), outside the text area by design: not a finding."""
    archived = tmp_path / "archived.pdf"
    apply_stamp(pdfs["imprint_under_body"], pdfs["stamp"], archived)
    assert any(line.stripped.startswith("全宗号") for line in read_rendered(archived)[0].lines)
    report = check_pdf(archived)
    assert report.passed and not report.findings, [str(f) for f in report.findings]


def test_an_encrypted_pdf_is_named_as_such(pdfs, tmp_path):
    from pypdf import PdfWriter

    from lianzheng_docs.check.package import UnreadableDocument

    writer = PdfWriter(clone_from=str(pdfs["imprint_under_body"]))
    writer.encrypt("secret", algorithm="AES-256")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as handle:
        writer.write(handle)
    with pytest.raises(UnreadableDocument, match="已加密"):
        check_pdf(locked)
