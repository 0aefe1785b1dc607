"""The finishing step: the 版记 on the last even page, pages after the body unnumbered (GB/T 9704 7.4, 7.5).

Unit tests work on the .docx XML and on page models; the LibreOffice test finishes every
built-in template over data variants (every prose field at its example length, three and ten
times, and one character) and reads the final pages back.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import pytest

from lianzheng_docs.check.rendered import Imprint, RenderedPage, Rule, TextLine, read_rendered
from lianzheng_docs.finishing import NOT_VERIFIED, Move, PaginationError, finish, has_imprint, move_imprint
from lianzheng_docs.finishing.pages import move_for, paginate, problems_after
from lianzheng_docs.templating.catalog import Template
from lianzheng_docs.templating.manifest import FieldSpec, FieldType


def parts(content: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = [name for name in archive.namelist() if name.endswith((".xml", ".rels"))]
        return {name: archive.read(name).decode("utf-8") for name in names}


def sections(document_xml: str) -> list[str]:
    return re.findall(r"<w:sectPr\b.*?</w:sectPr>", document_xml, flags=re.S)


# ---------------------------------------------------------------- the .docx edit


def test_a_document_without_imprint_is_left_alone(rendered):
    letter = rendered["responsibility_letter"].content
    assert not has_imprint(letter)
    assert move_imprint(letter, Move.NEXT_PAGE) == letter
    assert has_imprint(rendered["dual_report"].content)


def test_the_imprint_gets_a_section_of_its_own_with_empty_footers(rendered):
    source = rendered["dual_report"].content
    assert move_imprint(source, Move.NONE) == source
    moved = move_imprint(source, Move.NEXT_PAGE)
    assert moved == move_imprint(source, Move.NEXT_PAGE)  # deterministic
    xml = parts(moved)
    body_section, final_section = sections(xml["word/document.xml"])
    assert '<w:type w:val="nextPage"/>' in final_section and "<w:type" not in body_section
    ids = {kind: re.findall(rf'w:footerReference w:type="{kind}" r:id="(rId\d+)"', s)[0]
           for s, kind in ((body_section, "default"),)}  # fmt: skip
    rels = xml["word/_rels/document.xml.rels"]

    def footer_xml(rel_id: str) -> str:
        target = re.search(rf'Id="{rel_id}"[^>]*Target="([^"]+)"', rels) or re.search(
            rf'Target="([^"]+)"[^>]*Id="{rel_id}"', rels
        )
        assert target
        return xml["word/" + target.group(1)]

    assert "PAGE" in footer_xml(ids["default"])  # the body keeps its page numbers
    finals = re.findall(r'w:footerReference w:type="(?:default|even)" r:id="(rId\d+)"', final_section)
    assert len(finals) == 2
    for rel_id in finals:
        assert "PAGE" not in footer_xml(rel_id) and "<w:t" not in footer_xml(rel_id)
    # the 版记's anchor is the only thing in the final section
    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    body = etree.fromstring(xml["word/document.xml"].encode()).find(f"{w}body")
    children = list(body)
    ends = [i for i, child in enumerate(children) if child.find(f"{w}pPr/{w}sectPr") is not None]
    assert len(ends) == 1
    final = children[ends[0] + 1 :]
    assert [child.tag for child in final] == [f"{w}p", f"{w}sectPr"]
    assert 'name="版记"' in etree.tostring(final[0], encoding="unicode")


def test_a_blank_page_is_a_page_break_before_the_imprint(rendered):
    moved = parts(move_imprint(rendered["dual_report"].content, Move.AFTER_BLANK))["word/document.xml"]
    tail = moved[moved.index("</w:sectPr></w:pPr>") :]
    assert tail.index('<w:br w:type="page"/>') < tail.index('name="版记"')


# ---------------------------------------------------------------- deciding from the pages


def line(top: float, text: str = "正文") -> TextLine:
    return TextLine(top, top + 5.6, 28.0, 184.0, 16.0, text)


def imprint_page(number: int, *, body_bottom: float | None = None, numbered: bool = False) -> RenderedPage:
    """A page whose foot holds a 版记 (rules at 238.4, 249, 259.5 mm), with body lines down to ``body_bottom``."""
    rules = [Rule(y, 28.0, 184.0, 0.35, False) for y in (238.4, 249.0, 259.5)]
    count = int((body_bottom - 40.0) // 10.23) + 1 if body_bottom else 0
    lines = [line(40.0 + 10.23 * k) for k in range(count)]
    lines += [line(241.8, "抄送：中共××市纪委。"), line(252.3, "××市财政局办公室　2026年7月3日印发")]
    if numbered:
        lines.append(line(268.0, "— 2 —"))
    return RenderedPage(number, 210.0, 297.0, lines, rules)


def body_page(number: int) -> RenderedPage:
    lines = [line(40.0 + 10.23 * k) for k in range(22)]
    return RenderedPage(number, 210.0, 297.0, [*lines, line(268.0, f"— {number} —")])


def test_what_to_do_follows_where_the_body_ends():
    # body ends on even page 2 with room: nothing to do
    right = [body_page(1), imprint_page(2, body_bottom=150.0, numbered=True)]
    assert paginate(right).right and move_for(paginate(right)) is Move.NONE and problems_after(right, Move.NONE) == []
    # body ends on odd page 3 and the 版记 is there: next page
    odd = [body_page(1), body_page(2), imprint_page(3, body_bottom=150.0, numbered=True)]
    assert move_for(paginate(odd)) is Move.NEXT_PAGE
    assert "奇数页" in problems_after(odd, Move.NONE)[0]
    # body ends on even page 2, a line runs into the 版记: a blank page, then the 版记 page
    crowded = [body_page(1), imprint_page(2, body_bottom=236.0, numbered=True)]
    assert paginate(crowded).collides and move_for(paginate(crowded)) is Move.AFTER_BLANK
    # the layout pushed the 版记 alone onto odd page 3: blank page 3, 版记 page 4
    pushed = [body_page(1), body_page(2), imprint_page(3, numbered=True)]
    assert paginate(pushed).body_last == 2 and move_for(paginate(pushed)) is Move.AFTER_BLANK


def test_the_confirming_layout_is_checked_page_by_page():
    good = [body_page(1), body_page(2), body_page(3), imprint_page(4)]
    assert problems_after(good, Move.NEXT_PAGE) == []
    numbered = [body_page(1), body_page(2), body_page(3), imprint_page(4, numbered=True)]
    assert problems_after(numbered, Move.NEXT_PAGE) == ["第 4 页是版记页，不应编排页码"]
    blank = RenderedPage(3, 210.0, 297.0, [line(268.0, "— 3 —")])
    with_blank = [body_page(1), body_page(2), blank, imprint_page(4)]
    assert problems_after(with_blank, Move.AFTER_BLANK) == ["第 3 页是空白页，不应编排页码"]
    assert problems_after([*with_blank[:2], imprint_page(3)], Move.AFTER_BLANK) == [
        "版记所在的末页是第 3 页（奇数页），应在偶数页",
        "正文末页与版记页之间有 0 页空白（应为 1 页）",
    ]
    assert problems_after([body_page(1)], Move.NONE) == ["排版结果中找不到版记"]


def test_the_reader_finds_the_imprint_and_what_crosses_its_rules():
    page = imprint_page(2, body_bottom=236.0)
    found = page.imprint
    assert isinstance(found, Imprint) and [round(r.y, 1) for r in found.rules] == [238.4, 249.0, 259.5]
    assert [row.text[:3] for row in found.lines] == ["抄送：", "××市"]
    crossing = line(235.0, "（联系人：赵敏）")  # 235.0-240.6 mm: the first rule at 238.4 runs through it
    assert crossing.crosses(238.4, 28.0, 184.0) and not line(200.0).crosses(238.4, 28.0, 184.0)


# ---------------------------------------------------------------- without LibreOffice


def test_without_libreoffice_documents_are_kept_with_a_warning(rendered, monkeypatch):
    from lianzheng_docs.pdf import convert

    def missing() -> str:
        raise convert.ConversionError("需要 LibreOffice 才能生成 PDF")

    monkeypatch.setattr(convert, "find_soffice", missing)
    report, letter = rendered["dual_report"].content, rendered["responsibility_letter"].content
    first, second = finish([report, letter])
    assert first.content == report and not first.verified and first.warnings == (NOT_VERIFIED,)
    assert second.content == letter and second.verified and second.warnings == ()  # no 版记: nothing to verify
    with pytest.raises(PaginationError, match="无法验证分页") as caught:
        finish([report], require=True)
    assert caught.value.exit_code == 6
    assert finish([letter], require=True)[0].verified  # LibreOffice is never asked for a letter


def test_the_cli_warns_without_libreoffice_and_strict_layout_refuses(run, tmp_path, monkeypatch):
    from lianzheng_docs.pdf import convert

    def missing() -> str:
        raise convert.ConversionError("需要 LibreOffice 才能生成 PDF")

    monkeypatch.setattr(convert, "find_soffice", missing)
    data = tmp_path / "d.yaml"
    assert run("example", "dual_report", "-o", data).exit_code == 0
    result = run("render", "dual_report", "--data", data, "-o", tmp_path / "报告.docx")
    assert result.exit_code == 0 and (tmp_path / "报告.docx").exists()
    assert "警告：未找到 LibreOffice，版记所在页未经排版验证" in result.stderr
    refused = run("render", "dual_report", "--data", data, "-o", tmp_path / "严格.docx", "--strict-layout")
    assert refused.exit_code == 6 and "无法验证分页" in refused.stderr and not (tmp_path / "严格.docx").exists()
    assert "Traceback" not in refused.stderr


# ---------------------------------------------------------------- with LibreOffice


def _prose(spec: FieldSpec, value: Any) -> bool:
    """Paragraph fields, and text fields that hold sentences rather than a name, a unit or a date."""
    if spec.type is FieldType.PARAGRAPHS:
        return True
    return spec.type is FieldType.TEXT and isinstance(value, str) and len(value) >= 20


def _stretch(value: Any, spec: FieldSpec, factor: int) -> Any:
    """``value`` with its prose repeated ``factor`` times (0: cut to one character)."""
    if spec.type is FieldType.RECORDS and isinstance(value, list):
        subs = {sub.name: sub for sub in spec.fields}
        return [{k: _stretch(v, subs[k], factor) if k in subs else v for k, v in row.items()} for row in value]
    if not _prose(spec, value):
        return value
    if isinstance(value, list):
        return [item[0] if factor == 0 and item else item * max(factor, 1) for item in value]
    if isinstance(value, str) and value:
        return value[0] if factor == 0 else value * factor
    return value


def variants(template: Template) -> dict[str, dict[str, Any]]:
    example = template.example()
    specs = {spec.name: spec for spec in template.manifest.fields}
    made = {"x1": example}
    for label, factor in (("x3", 3), ("x10", 10), ("one", 0)):
        made[label] = {k: _stretch(v, specs[k], factor) if k in specs else v for k, v in example.items()}
    return made


@pytest.mark.slow
@pytest.mark.libreoffice
def test_every_template_over_data_variants_is_print_true(soffice, catalog, tmp_path):
    """Done-when of the print-true issue: every built-in template and the example plugin's, over
    the data variants, finished in one go (its layouts are the only LibreOffice batches), with the
    版记 on the last even page and nothing for `lianzheng check FILE.pdf` to report as an error."""
    from lianzheng_docs import check_document
    from lianzheng_docs.templating.catalog import Catalog, TemplateSource

    from conftest import ROOT

    plugin = TemplateSource.folder(ROOT / "plugins" / "lianzheng-tzps" / "lianzheng_tzps" / "templates", owner="tzps")
    templates = [*catalog, *Catalog.from_sources([plugin])]
    documents, names = [], []
    for template in templates:
        for label, data in variants(template).items():
            documents.append(template.render(data).content)
            names.append(f"{template.id}/{label}")
    results = finish(documents, names=names, require=True, pdfs=True)  # raises on anything unconfirmed
    assert len(results) == 4 * len(templates) and all(result.pdf for result in results)
    moves = set()
    for name, result in zip(names, results, strict=True):
        assert result.verified and result.warnings == (), name
        pdf = tmp_path / f"{name.replace('/', '-').replace(':', '-')}.pdf"
        pdf.write_bytes(result.pdf or b"")
        report = check_document(pdf)
        assert report.errors == [], (name, [f"{f.rule} {f.message} {f.where}" for f in report.errors])
        if result.move is None:  # no 版记: a letter, a form, a record
            continue
        pages = read_rendered(pdf)
        pagination = paginate(pages)
        assert pagination.right, (name, pagination)
        for page in pages[pagination.body_last :]:
            assert page.page_number is None, (name, page.number)  # blank and 版记-only pages
        for page in pages[: pagination.body_last]:
            assert page.page_number is not None, (name, page.number)
        moves.add(result.move)
    assert Move.NEXT_PAGE in moves and Move.AFTER_BLANK in moves  # both kinds of move were exercised


@pytest.mark.slow
@pytest.mark.libreoffice
def test_render_pdf_checks_its_own_output(soffice, run, tmp_path, monkeypatch):
    """`render --pdf` judges the PDF it wrote: with the 版记 left where it fell, it says so."""
    from lianzheng_docs.finishing import pages

    data = tmp_path / "监督.yaml"
    assert run("example", "supervision_report", "-o", data).exit_code == 0
    good = run("render", "supervision_report", "--data", data, "-o", tmp_path / "好.docx", "--pdf")
    assert good.exit_code == 0 and "版式检查" not in good.stderr and (tmp_path / "好.pdf").exists()
    monkeypatch.setattr(pages, "move_for", lambda _pagination: Move.NONE)  # a finishing step that does nothing
    monkeypatch.setattr("lianzheng_docs.finishing.pipeline.move_for", lambda _pagination: Move.NONE)
    bad = run("render", "supervision_report", "--data", data, "-o", tmp_path / "坏.docx", "--pdf")
    assert bad.exit_code == 0 and (tmp_path / "坏.pdf").exists()
    assert "警告：版式检查 GB/T 9704 7.4.1" in bad.stderr and "坏.pdf" in bad.stderr
    assert "版记与正文重叠或有文字压线" in bad.stderr  # the finishing step's own confirmation saw it too
