"""GB/T 9704-2012 layout, asserted on the OOXML of every rendered built-in template."""

from __future__ import annotations

import re

import pytest

from lianzheng_docs import Catalog
from lianzheng_docs.gbt9704 import figures as G
from lianzheng_docs.layout.builder import (
    SEAL_OPTIONS,
    SEALED,
    SIGNATURE_STAMP,
    SIGNING_PITCH_MM,
    STAMP_CHARS,
    UNSEALED,
)

from ooxml import Docx, Para, attr

ALL = Catalog.default().ids()
GONGWEN = [t.id for t in Catalog.default() if t.manifest.is_gongwen]
#: 公文 signed by a person, not an organ (the holder's year-end review): his 签名章 by default
PERSONAL = ["task_review"]
RED_HEADED = [t.id for t in Catalog.default() if t.manifest.field("issuer_mark")]
#: 公文 whose example has only first-level headings (一、), which is all they need
ONE_LEVEL = {"task_assignment_notice", "party_life_report"}
UPWARD = [t for t in RED_HEADED if Catalog.default().get(t).manifest.direction == "上行"]
MM = G.TWIPS_PER_MM


@pytest.fixture(scope="module")
def docs(rendered):
    return {template_id: Docx(doc.content) for template_id, doc in rendered.items()}


def test_the_groups_cover_the_core_documents():
    assert {"dual_report", "accountability_bulletin"} <= set(RED_HEADED)
    assert "dual_report" in UPWARD and "accountability_bulletin" not in UPWARD


@pytest.mark.parametrize("template_id", ALL)
def test_paper_margins_and_grid(docs, template_id):
    doc = docs[template_id]
    size = doc.sect.find("w:pgSz", {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"})
    assert (int(attr(size, "w")), int(attr(size, "h"))) == (11906, 16838)  # 5.1 A4
    margins = doc.sect.find("{*}pgMar")
    for side, millimetres in (("top", 37), ("bottom", 35), ("left", 28), ("right", 26)):  # 5.2.1
        assert abs(int(attr(margins, side)) - millimetres * MM) <= MM, side
    grid = doc.sect.find("{*}docGrid")
    assert attr(grid, "type") == "lines"  # never linesAndChars: 14 characters a line in LibreOffice
    assert abs(int(attr(grid, "linePitch")) / 20 - 28.95) <= 0.1  # 5.2.3: 22 lines fill 225 mm
    assert b"linesAndChars" not in doc.zip.read("word/document.xml")


@pytest.mark.parametrize("template_id", ALL)
def test_body_text_is_3hao_fangsong_indented_two_characters(docs, template_id):
    doc = docs[template_id]
    body = [p for p in doc.paragraphs() if p.style_id == "GwBody" and p.text.strip()]
    assert len(body) >= 3
    for para in body:
        if para.text.startswith("附件："):  # 7.3.4: 左空二字, wrapped lines under the name
            assert indent(para, "left") - indent(para, "hanging") == 640
            continue
        assert attr(para.ppr("w:ind"), "firstLine") == "640"  # 7.3.3 左空二字
        spacing = para.ppr("w:spacing")
        assert attr(spacing, "lineRule") == "exact" and attr(spacing, "line") == "579"
        for run in para.runs():
            if run.element.find("{*}rPr/{*}rStyle") is None:
                assert run.east_asian_font == "仿宋_GB2312", run.text
                assert run.size_pt == 16.0
                assert run.color in (None, "000000", "auto")


@pytest.mark.parametrize("template_id", ALL)
def test_page_numbers_odd_right_even_left(docs, template_id):
    doc = docs[template_id]
    assert doc.xml("word/settings.xml").find("{*}evenAndOddHeaders") is not None
    footers = doc.footers()
    for kind, side in (("default", "right"), ("even", "left")):  # 7.5
        para = footers[kind].find("{*}p")
        assert attr(para.find("{*}pPr/{*}jc"), "val") == side
        assert attr(para.find("{*}pPr/{*}ind"), side) == "280"  # one 4号 character in
        texts = "".join(t.text for t in para.iter("{*}t"))
        assert texts == "— 1 —"  # 一字线 U+2014, not "- 1 -"
        assert " PAGE " in "".join(t.text for t in para.iter("{*}instrText"))
        for run in para.iter("{*}r"):
            rpr = run.find("{*}rPr")
            assert attr(rpr.find("{*}rFonts"), "eastAsia") == "宋体"
            assert attr(rpr.find("{*}sz"), "val") == "28"  # 4号


@pytest.mark.parametrize("template_id", ALL)
def test_dates_have_no_leading_zeros(docs, template_id):
    text = "\n".join(p.text for p in docs[template_id].paragraphs())
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日", text)
    assert not re.search(r"\d{4}年0\d月|月0\d日", text)  # 7.3.5.4


@pytest.mark.parametrize("template_id", ALL)
def test_title_is_2hao_xiaobiaosong_centred_not_bold(docs, template_id):
    title = next(p for p in docs[template_id].paragraphs() if p.style_id == "GwTitle")
    assert attr(title.ppr("w:jc"), "val") == "center"
    assert attr(title.ppr("w:snapToGrid"), "val") == "0"  # one grid row, not two
    for run in title.runs():
        assert run.size_pt == 22.0 and run.east_asian_font == "方正小标宋简体" and not run.bold


@pytest.mark.parametrize("template_id", GONGWEN)
def test_addressee_headings_and_signature(docs, rendered, template_id):
    doc = docs[template_id]
    addressee = next(p for p in doc.paragraphs() if p.style_id == "GwAddressee")
    assert addressee.text.endswith("：")  # 7.3.2 full-width colon
    assert attr(addressee.ppr("w:ind"), "firstLine") == "0"
    level1 = [p for p in doc.paragraphs() if re.match(r"^[一二三四五六七八九十]+、", p.text)]
    assert level1 and all(r.east_asian_font == "黑体" for p in level1 for r in p.runs())
    level2 = [r for p in doc.paragraphs() for r in p.runs() if re.match(r"^（[一二三四五六七八九十]+）", r.text)]
    assert (level2 or template_id in ONE_LEVEL) and all(r.east_asian_font == "楷体_GB2312" for r in level2)
    signature = [p.text.strip() for p in doc.paragraphs() if p.style_id == "GwSignature"]
    assert len(signature) == 2
    assert re.fullmatch(r"\d{4}年[1-9]\d?月[1-9]\d?日", signature[1])  # 7.3.5.4


@pytest.mark.parametrize("template_id", RED_HEADED)
def test_red_header(docs, template_id):
    doc = docs[template_id]
    mark = next(p for p in doc.paragraphs() if p.style_id == "GwIssuerMark")
    assert attr(mark.ppr("w:jc"), "val") == "center"
    assert all(r.color == "FF0000" and r.east_asian_font == "方正小标宋简体" for r in mark.runs())  # 7.2.4
    before = int(attr(mark.ppr("w:spacing"), "before"))
    assert abs(before - 35 * MM) <= 10 * 20, "mark top about 35 mm below the text area's top"
    number = next(p for p in doc.paragraphs() if p.style_id == "GwDocNumber")
    doc_number = number.text.split("\t")[1] if "\t" in number.text else number.text
    assert re.fullmatch(r".+〔\d{4}〕[1-9]\d*号", doc_number)  # 7.2.5
    rule = number.ppr("w:pBdr").find("{*}bottom")
    assert attr(rule, "color") == "FF0000"  # 7.2.7 red rule under the number, text-area wide


@pytest.mark.parametrize("template_id", UPWARD)
def test_upward_documents_name_the_signer(docs, template_id):
    number = next(p for p in docs[template_id].paragraphs() if p.style_id == "GwDocNumber")
    assert "签发人：" in number.text  # 7.2.6, 条例第九条: 上行文应当标注签发人
    label, name = number.runs()[-2:]
    assert label.text.endswith("签发人：") and label.east_asian_font == "仿宋_GB2312"
    assert name.east_asian_font == "楷体_GB2312"


@pytest.mark.parametrize("template_id", RED_HEADED)
def test_imprint(docs, template_id):
    doc = docs[template_id]
    cc = doc.find(r"^抄送：")
    assert cc.text.endswith("。")  # 7.4.2
    printed = doc.find(r"印发$")
    assert re.search(r"\t\d{4}年[1-9]\d?月[1-9]\d?日印发$", printed.text)  # 7.4.3
    for para in (cc, printed):
        assert all(run.size_pt == 14.0 for run in para.runs())  # 4号
    box = doc.document.find(".//{*}txbxContent")
    assert box is not None and cc.element in box.iter(cc.element.tag)
    borders = box.find(".//{*}tblBorders")
    assert attr(borders.find("{*}top"), "sz") == attr(borders.find("{*}bottom"), "sz") == "8"  # thick
    assert attr(borders.find("{*}insideH"), "sz") == "6"  # thin


@pytest.mark.parametrize("template_id", [t for t in GONGWEN if Catalog.default().get(t).manifest.kind == "报告"])
def test_reports_close_with_tecibaogao(docs, template_id):
    texts = [p.text for p in docs[template_id].paragraphs() if p.text.strip()]
    assert "特此报告。" in texts
    assert not any(re.search(r"妥否|请批示|请批准", t) for t in texts)


# --------------------------------------------------------------------- 份号, 密级, 紧急程度 (7.2.1-7.2.3)

MARK_FIELDS = {"copy_number": "copy_number", "secrecy": "secrecy", "urgency": "urgency"}  # name -> type
MARK_STYLES = ["GwCopyNumber", "GwSecrecy", "GwUrgency"]


def render(template_id, **changes):
    """The template's example with ``changes`` (a value of None drops the field), as a Docx."""
    template = Catalog.default().get(template_id)
    data = {key: value for key, value in {**template.example(), **changes}.items() if value is not None}
    return Docx(template.render(data).content)


def frame_of(para):
    return para.element.find("{*}pPr/{*}framePr")


@pytest.mark.parametrize("template_id", GONGWEN)
def test_every_gongwen_template_offers_the_three_marks(template_id):
    manifest = Catalog.default().get(template_id).manifest
    for name, kind in MARK_FIELDS.items():
        spec = manifest.field(name)
        assert spec is not None and spec.type.value == kind and not spec.required, (template_id, name)


@pytest.mark.parametrize("template_id", RED_HEADED)
def test_header_marks_stack_flush_left_above_the_mark(docs, template_id):
    example = Catalog.default().get(template_id).example()
    paragraphs = [p for p in docs[template_id].paragraphs() if p.text.strip()]
    marks, mark = paragraphs[:3], paragraphs[3]
    assert [p.style_id for p in marks] == MARK_STYLES and mark.style_id == "GwIssuerMark"  # 7.2.3 order
    assert [p.text for p in marks] == [example["copy_number"], example["secrecy"], example["urgency"]]
    assert re.fullmatch(r"\d{6}", marks[0].text)  # 7.2.1
    for para in marks:
        assert attr(para.ppr("w:ind"), "firstLine") == "0" and attr(para.ppr("w:jc"), "val") == "left"  # 顶格
        assert all(run.size_pt == 16.0 and not run.bold for run in para.runs())  # 3号
    assert all(run.east_asian_font == "仿宋_GB2312" for run in marks[0].runs())
    for para in marks[1:]:  # 7.2.2, 7.2.3: 3号黑体
        assert all(run.east_asian_font == "黑体" for run in para.runs()), para.text
    # one frame at the top left of the text area: the mark below keeps its 35 mm
    for para in marks:
        frame = frame_of(para)
        assert (attr(frame, "vAnchor"), attr(frame, "hAnchor"), attr(frame, "x")) == ("margin", "margin", "0")
        assert attr(frame, "wrap") == "around" and -MM <= int(attr(frame, "y")) <= 0
        assert attr(frame, "w") is None  # as wide as its text
    assert frame_of(mark) is None


@pytest.mark.parametrize("template_id", RED_HEADED)
def test_without_marks_nothing_shows_and_the_mark_comes_first(template_id):
    doc = render(template_id, copy_number=None, secrecy=None, urgency=None)
    paragraphs = doc.paragraphs()
    assert paragraphs[0].style_id == "GwIssuerMark"
    assert not [p for p in paragraphs if p.style_id in MARK_STYLES or frame_of(p) is not None]
    before = int(attr(paragraphs[0].ppr("w:spacing"), "before"))
    assert abs(before - 35 * MM) <= 10 * 20  # the mark's place, unchanged


def test_only_the_marks_given_show_in_order():
    doc = render("dual_report", copy_number=None, secrecy=None, urgency="特急")
    first, second = [p for p in doc.paragraphs() if p.text.strip()][:2]
    assert (first.style_id, first.text, second.style_id) == ("GwUrgency", "特急", "GwIssuerMark")
    doc = render("accountability_bulletin", copy_number="000007", secrecy=None, urgency="加急")
    assert [p.text for p in doc.paragraphs()[:3]] == ["000007", "加急", "中共××市财政局党组文件"]


def test_without_a_red_header_the_marks_are_the_first_lines():
    doc = render("department_report", copy_number="000002", secrecy="秘密★1年", urgency="特急")
    paragraphs = doc.paragraphs()
    assert [p.style_id for p in paragraphs[:5]] == [*MARK_STYLES, "GwPlain", "GwTitle"]
    assert paragraphs[3].text == ""  # an empty line sets the title apart
    assert all(frame_of(p) is None for p in paragraphs[:3])  # in the flow: they push the title down
    assert render("department_report").paragraphs()[0].style_id == "GwTitle"  # no marks, no empty line
    assert all(r.east_asian_font == "黑体" for p in paragraphs[1:3] for r in p.runs())


# --------------------------------------------------------------------- 署名, 成文日期, 印章 (7.3.5)

CHAR = G.ONE_CHAR  # one 3号 character, 320 twips


def closing_lines(doc):
    """The paragraphs from 特此报告/the body's end to the 成文日期, the empty ones included."""
    paragraphs = doc.paragraphs()
    date_at = max(i for i, p in enumerate(paragraphs) if re.fullmatch(r"[\t\u3000]*\d{4}年\d{1,2}月\d{1,2}日", p.text))
    start = max(
        i
        for i, p in enumerate(paragraphs[:date_at])
        if p.style_id not in ("GwPlain", "GwSignature") or p.text.startswith("附件：")  # 7.3.4 附件说明
    )
    return paragraphs[start + 1 : date_at + 1]


def indent(para, side):
    return int(attr(para.ppr("w:ind"), side) or 0)


@pytest.mark.parametrize("template_id", GONGWEN)
def test_every_gongwen_template_offers_the_three_seal_cases(template_id):
    manifest = Catalog.default().get(template_id).manifest
    seal = manifest.field("seal")
    default = SIGNATURE_STAMP if template_id in PERSONAL else SEALED
    assert seal.type.value == "choice" and seal.choices == SEAL_OPTIONS and seal.default == default
    assert manifest.field("signer_title").default  # the title beside a signature stamp


@pytest.mark.parametrize("template_id", [t for t in GONGWEN if t not in PERSONAL])
def test_sealed_by_default_as_before(docs, template_id):
    lines = closing_lines(docs[template_id])
    assert [p.style_id for p in lines] == ["GwPlain", "GwPlain", "GwSignature", "GwSignature"]  # room for the seal
    assert not any(p.text.strip() for p in lines[:2])
    assert lines[3].text.startswith("\t")  # the date centred on the tab stop under the 署名 (7.3.5.1)


@pytest.mark.parametrize("template_id", ["dual_report", "accountability_bulletin", "dual_report_secretary"])
def test_unsealed_signature_two_characters_in_and_the_date_under_its_third(template_id):
    template = Catalog.default().get(template_id)
    issuer = str(template.validate(template.example())["issuer"])
    blank, signature, date = closing_lines(render(template_id, seal=UNSEALED))
    assert blank.text == ""  # 7.3.5.2: one line below the body
    assert signature.text == issuer
    assert attr(signature.ppr("w:jc"), "val") == "right" and indent(signature, "right") == 2 * CHAR  # 右空二字
    # the date starts two characters right of the 署名's first character: 28 - 2 - len + 2 spaces in
    assert attr(date.ppr("w:jc"), "val") == "left" and indent(date, "left") == indent(date, "firstLine") == 0
    pad = len(date.text) - len(date.text.lstrip("\u3000"))
    assert pad == G.CHARS_PER_LINE - len(issuer) and re.fullmatch(r"\d{4}年\d+月\d+日", date.text.lstrip("\u3000"))


def test_unsealed_with_a_date_longer_than_the_signature():
    blank, signature, date = closing_lines(render("department_report", seal=UNSEALED))  # 预算科
    assert blank.text == ""
    assert attr(date.ppr("w:jc"), "val") == "right" and indent(date, "right") == 2 * CHAR  # 成文日期右空二字
    assert signature.text.lstrip("\u3000") == "预算科" and attr(signature.ppr("w:jc"), "val") == "left"
    width = (len(date.text) + 5) / 2  # 2027年1月12日: 3 hanzi, 6 digits, hanzi-digit spacing: 8.5
    assert len(signature.text) - 3 == int(G.CHARS_PER_LINE - 2 - width - 2)  # two characters before the date


@pytest.mark.parametrize("template_id", GONGWEN)
def test_signature_stamp_title_stamp_and_date(template_id):
    template = Catalog.default().get(template_id)
    title = template.manifest.field("signer_title").default
    lines = closing_lines(render(template_id, seal=SIGNATURE_STAMP))
    assert [p.text for p in lines] == ["", "", title, "", lines[-1].text]  # 7.3.5.3: two lines down, one between
    signer, date = lines[2], lines[4]
    assert attr(signer.ppr("w:jc"), "val") == attr(date.ppr("w:jc"), "val") == "right"
    assert indent(date, "right") == G.DATE_RIGHT_INDENT  # 右空四字
    assert indent(signer, "right") == G.DATE_RIGHT_INDENT + (STAMP_CHARS + 2) * CHAR  # 左空二字 of the stamp
    assert not any(p.text == str(template.validate(template.example()).get("issuer")) for p in lines)


def test_responsibility_letter_signature_blocks(docs):
    doc = docs["responsibility_letter"]
    table = next(t for t in doc.document.iter("{*}tbl") if "（签字）" in "".join(x.text or "" for x in t.iter("{*}t")))
    cells = table.findall("{*}tr/{*}tc")
    texts = [[Para(p, doc).text for p in cell.findall("{*}p")] for cell in cells]
    assert texts == [
        [
            "甲方（盖章）：中共××市财政局党组", "主体责任人（签字）：", "日期：2026年1月20日",
            "甲方（盖章）：驻××市财政局纪检组（监察室）", "监督责任人（签字）：", "日期：2026年1月20日",
        ],
        ["乙方（盖章）：预算科", "责任人（签字）：", "日期：2026年1月20日"],
    ]  # fmt: skip
    pitch = G.mm(SIGNING_PITCH_MM)
    assert SIGNING_PITCH_MM >= 15
    for cell in cells:
        paragraphs = [Para(p, doc) for p in cell.findall("{*}p")]
        for para in paragraphs:
            spacing = para.ppr("w:spacing")
            assert attr(spacing, "lineRule") == "exact" and attr(spacing, "line") == "400"  # 4号 lines of 20 pt
            assert all(run.size_pt == 14.0 for run in para.runs())
            if "（签字）" in para.text or para.text.startswith("日期"):
                assert int(attr(spacing, "before")) + 400 == pitch  # baseline to baseline
            elif para is not paragraphs[0]:
                assert int(attr(spacing, "before")) + 400 >= pitch  # the next party's block
    row = table.find("{*}tr/{*}trPr/{*}cantSplit")
    assert row is not None  # never split across pages
