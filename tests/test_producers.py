"""The checker on documents from other producers (Word, WPS, python-docx, docx.js, LibreOffice).

Every fixture is built the way its producer writes a .docx (``producers.py``); the expected
verdict of each, per rule, is data in ``fixtures/producers/verdicts.json``. A conformant document
from any producer gets no finding; each variant gets exactly the findings its defect calls for.
"""

from __future__ import annotations

import json

import producers
import pytest

from lianzheng_docs.check import check_document
from lianzheng_docs.check.model import load
from lianzheng_docs.check.package import open_package

VERDICTS = json.loads((producers.FIXTURES / "verdicts.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def built() -> dict[str, bytes]:
    return {name: producers.build(name) for name in VERDICTS}


@pytest.mark.parametrize("name", list(VERDICTS))
def test_verdict_per_rule(name, built):
    report = check_document(built[name], name=name)
    found = {
        "kind": report.kind,
        "errors": sorted({f.rule for f in report.errors}),
        "warnings": sorted({f.rule for f in report.warnings}),
    }
    wanted = {key: VERDICTS[name][key] for key in ("kind", "errors", "warnings")}
    assert found == wanted, [str(f) for f in report.findings]


def test_every_producer_is_in_the_verdicts():
    assert set(producers.PRODUCERS) | set(producers.VARIANTS) | {"libreoffice"} == set(VERDICTS)


def model(content: bytes):  # type: ignore[no-untyped-def]
    return load(open_package(content))


# ------------------------------------------------------------------ 1. explicit fonts beat inherited theme fonts


def test_run_font_over_python_docx_theme_template(built):
    doc = model(built["python-docx"])
    body = next(p for p in doc.paragraphs if p.stripped.startswith("为压实"))
    run = body.runs[0]
    assert run.east_asian_font == "仿宋_GB2312"
    assert run.sources["font"] == "直接格式，覆盖主题字体 宋体"


def test_style_font_over_docdefaults_theme(built):
    doc = model(built["word"])
    body = next(p for p in doc.paragraphs if p.stripped.startswith("为压实"))
    assert body.runs[0].east_asian_font == "仿宋_GB2312"
    assert body.runs[0].sources["font"] == "段落样式“Normal”，覆盖主题字体 等线"
    title = next(p for p in doc.paragraphs if p.stripped.startswith("关于"))
    assert title.runs[0].east_asian_font == "方正小标宋简体"
    assert title.runs[0].ascii_font == "Calibri Light"  # the style's asciiTheme, at the same level


def test_theme_font_wins_within_one_level():
    from lxml import etree

    from lianzheng_docs.check.formatting import merge

    rpr = etree.fromstring(
        f'<w:rPr xmlns:w="{producers.W_NS}">'
        '<w:rFonts w:eastAsia="仿宋_GB2312" w:eastAsiaTheme="minorEastAsia"/></w:rPr>'
    )
    props: dict[str, dict[str, str]] = {}
    merge(props, rpr)
    assert props["rFonts"] == {"eastAsia": "仿宋_GB2312", "eastAsiaTheme": "minorEastAsia"}  # theme read first


# ------------------------------------------------------------------ 2. PAGE fields read as Word computes them


@pytest.mark.parametrize("name", ["python-docx", "wps", "word", "docx.js"])
def test_page_field_reads_as_a_number(name, built):
    doc = model(built[name])
    odd = doc.footer_on_page(1)[1]
    even = doc.footer_on_page(2)[1]
    assert [p.text for p in odd if p.text.strip()] == ["— 1 —"] or name == "word"
    assert any("PAGE" in p.fields for p in odd) and any("PAGE" in p.fields for p in even)
    digit = next(r for p in odd for r in p.runs if r.text.strip().isdigit())
    assert digit.ascii_font == "宋体" and digit.size_pt == 14


# ------------------------------------------------------------------ 8. rPr children out of schema order


def test_rfonts_after_b_is_dropped_as_word_does(built):
    doc = model(built["docx.js-rpr-order"])
    heading = next(p for p in doc.paragraphs if p.stripped.startswith("一、"))
    run = heading.runs[0]
    assert run.east_asian_font is None and run.bold
    assert run.dropped == ["w:rFonts（在 w:b 之后，直接格式）"]


# ------------------------------------------------------------------ 3. the 版头 in a text box


def test_mark_in_a_text_box_is_the_mark(built):
    report = check_document(built["wps-reply-letter"])
    assert report.kind == "公文" and report.passed
    assert any("文本框" in reason for reason in report.kind_reasons)
    doc = model(built["wps"])
    from lianzheng_docs.check.roles import Role, infer

    layout = infer(doc)
    (mark,) = layout.with_role(doc, Role.MARK)
    assert mark.location == "文本框" and mark.stripped == "××县财政局文件"
    assert layout.first(doc, Role.DOC_NUMBER) is not None and layout.first(doc, Role.TITLE) is not None


def test_vml_only_text_box_and_frame_are_read():
    vml = check_document(producers.wps(vml_only=True))
    assert vml.passed and any("文本框" in reason for reason in vml.kind_reasons)
    frame = producers.word(
        paragraph=lambda line: (
            producers.word_paragraph(line).replace(
                "<w:pPr>", '<w:pPr><w:framePr w:w="8845" w:hAnchor="margin" w:vAnchor="margin" w:y="1985"/>', 1
            )
            if line.role == "mark"
            else producers.word_paragraph(line)
        )
    )
    report = check_document(frame)
    assert report.kind == "公文" and report.passed, [str(f) for f in report.findings]


# ------------------------------------------------------------------ 6. roles in 纪要, 命令 and 复函


def _roles(content: bytes) -> dict[str, str]:
    from lianzheng_docs.check.roles import infer

    doc = model(content)
    layout = infer(doc)
    return {p.stripped: layout.roles[p.index].value for p in doc.paragraphs if p.index in layout.roles}


def test_minutes_number_is_not_the_title(built):
    roles = _roles(built["wps-minutes"])
    assert roles["〔2026〕第5次"] == "令号或纪要编号"
    assert roles["县财政局党组2026年第5次会议纪要"] == "标题"
    assert check_document(built["wps-minutes"]).kind == "纪要"


@pytest.mark.parametrize("name", ["wps-order", "python-docx-order"])
def test_order_number_is_not_the_title_and_no_title_is_wanted(name, built):
    roles = _roles(built[name])
    assert roles["第1号"] == "令号或纪要编号" and "标题" not in roles.values()
    assert roles["县长张三"] == "发文机关署名"
    report = check_document(built[name])
    assert report.kind == "命令" and not report.findings


def test_seal_placeholder_and_right_aligned_signature(built):
    roles = _roles(built["word-reply-letter"])
    assert roles["（印章）"] == "印章" and roles["××县财政局"] == "发文机关署名"


@pytest.mark.parametrize(
    ("title", "kind"),
    [("关于某事的复函", "函"), ("关于某事的回复函", "函"), ("××县人民政府令", "命令"), ("党组会议纪要", "纪要"),
     ("关于某事的请示", "请示"), ("××县人民政府公告", "公告"), ("关于某事的议案", "议案"),
     ("党风廉政建设责任书", None)],
)  # fmt: skip
def test_the_fifteen_kinds(title, kind):
    from lianzheng_docs.gbt9704.kinds import KINDS, kind_of_title

    assert len(KINDS) == 15 and kind_of_title(title) == kind


# ------------------------------------------------------------------ --kind auto says why


def test_kind_auto_explains_itself(built, run, tmp_path):
    path = tmp_path / "纪要.docx"
    path.write_bytes(built["wps-minutes"])
    result = run("check", path)
    assert "判断依据：" in result.output and "××县财政局党组会议纪要" in result.output
    data = json.loads(run("check", path, "--json").output)
    assert any("10.3" in reason for reason in data[0]["kind_reasons"])
    assert "判断依据" not in run("check", path, "--kind", "公文").output


# ------------------------------------------------------------------ 4. a coloured title


def test_blue_heading_title_is_reported_with_its_source(built):
    report = check_document(built["word-heading1-title"])
    (color,) = [f for f in report.errors if f.rule == "title.color"]
    assert color.clause == "5.2.4" and color.found.startswith("2F5496")
    assert "heading 1" in color.found and "主题颜色 accent1" in color.found
    (font,) = [f for f in report.errors if f.rule == "title.font"]
    assert "等线 Light" in font.found and "主题字体 majorEastAsia" in font.found


# ------------------------------------------------------------------ 5. no number on page 1


def test_title_page_without_first_footer_has_no_number_on_page_1(built):
    report = check_document(built["word-title-page"])
    (finding,) = report.errors
    assert finding.rule == "page_number.first_page" and finding.clause == "7.5"


def test_a_letter_shows_no_number_on_page_1(built):
    letter = producers.wps(producers.REPLY, sect=producers.sect_pr(["default", "even"], title_pg=True))
    report = check_document(letter)
    assert report.kind == "信函" and report.passed, [str(f) for f in report.findings]
    assert any("10.1" in reason for reason in report.kind_reasons)
    numbered = check_document(built["wps-reply-letter"], kind="信函")
    assert [f.rule for f in numbered.errors] == ["page_number.letter_first_page"]


# ------------------------------------------------------------------ 7. characters per line on a character grid


def test_word_28_character_grid_is_a_warning_naming_both_renderers(built):
    report = check_document(built["word-lines-and-chars"])
    assert report.passed
    (finding,) = report.warnings
    assert "Word 每行 28 字，LibreOffice 每行 14 字" in finding.found


def test_grid_of_27_characters_is_an_error(built):
    (finding,) = check_document(built["word-lines-and-chars-27"]).errors
    assert finding.rule == "grid.chars_per_line" and "Word 每行 27 字" in finding.found


@pytest.mark.parametrize(
    ("base", "space", "word", "libre"), [(16, -849, 28, 14), (16, 0, 27, 27), (10.5, 21667, 20, 14)]
)
def test_characters_per_line_arithmetic(base, space, word, libre):
    from lianzheng_docs.gbt9704 import grid

    assert grid.word_chars_per_line(8845, base, space, 16, "linesAndChars") == word
    assert grid.libreoffice_chars_per_line(8845, base, space, 16) == libre


# ------------------------------------------------------------------ 8 and say-why in the findings


def test_out_of_order_rfonts_is_judged_as_word_and_said(built):
    report = check_document(built["docx.js-rpr-order"])
    (heading,) = report.errors
    assert heading.rule == "heading.level1" and "Word 忽略了次序错误的 w:rFonts" in heading.found
    (warning,) = report.warnings
    assert warning.rule == "markup.rpr_order" and "LibreOffice" in warning.message


def test_libreoffice_resave_writes_field_runs_out_of_order(built):
    """LibreOffice 7.4 writes ``w:sz`` before ``w:rFonts`` in field runs: Word shows the digit in
    the Normal style's font, so the page number is reported, with the reason."""
    report = check_document(built["libreoffice"])
    fonts = [f for f in report.errors if f.rule == "page_number.font"]
    assert fonts and all("w:rFonts（在 w:sz 之后" in f.found for f in fonts)


def test_font_findings_say_where_the_value_came_from():
    def songti_body(line: producers.Line) -> str:
        if line.role == "body":
            return producers.word_paragraph(line).replace("<w:r>", '<w:r><w:rPr><w:rFonts w:eastAsia="宋体"/></w:rPr>')
        return producers.word_paragraph(line)

    report = check_document(producers.word(paragraph=songti_body))
    (finding,) = [f for f in report.errors if f.rule == "body.font"]
    assert finding.found == "字体：宋体（直接格式）；字号：16 磅（段落样式“Normal”）"


@pytest.mark.libreoffice
@pytest.mark.slow
def test_the_committed_libreoffice_fixture_is_what_soffice_writes(soffice, tmp_path):
    """Rebuild the LibreOffice fixture with soffice: the same verdict as the committed one."""
    fresh = producers.libreoffice_resave(soffice, producers.word(), tmp_path)
    report = check_document(fresh)
    wanted = VERDICTS["libreoffice"]
    assert sorted({f.rule for f in report.errors}) == wanted["errors"]
