"""The 责任追究情况报表 (七（十）) as the .xlsx a 市纪委 collects: read back with openpyxl, and printed."""

from __future__ import annotations

import io
import json
import re
import subprocess
import zipfile
from datetime import datetime

import openpyxl
import pytest

from lianzheng_docs import Catalog, ValidationError
from lianzheng_docs.errors import ExitCode
from lianzheng_docs.templating.spreadsheet import (
    CN_DATE_FORMAT,
    PERSON_TIMES_FORMAT,
    NoSpreadsheetForm,
    has_spreadsheet,
    render_xlsx,
    spreadsheet_templates,
)

HEADER = ["序号", "被追究人员", None, None, "追究情形", "责任类型", None, "追究方式", "责任追究决定", None]
SUBHEADER = [None, "姓名", "职务", "所在单位", None, "主体责任", "监督责任", None, "决定机关", "决定日期"]


@pytest.fixture(scope="module")
def template():
    return Catalog.default().get("accountability_return")


def paragraphs(content: bytes) -> list[str]:
    """The text of every paragraph of a .docx's body, tables included."""
    xml = zipfile.ZipFile(io.BytesIO(content)).read("word/document.xml").decode("utf-8")
    found = re.findall(r"<w:p[ >].*?</w:p>", xml, re.S)
    return ["".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", p)) for p in found]


def sheet_of(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content)).active


def rows(sheet) -> list[list[object]]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def many_cases(template, count: int) -> dict:
    data = template.example()
    first, second = data["cases"]
    data["cases"] = [{**(first if i % 3 else second), "person": {"name": f"人员{i}", "post": "科长"}}
                     for i in range(count)]  # fmt: skip
    return data


def test_only_the_return_has_a_tabular_form(template):
    assert spreadsheet_templates() == ["accountability_return"]
    assert has_spreadsheet(template)
    bulletin = Catalog.default().get("accountability_bulletin")
    assert not has_spreadsheet(bulletin)
    with pytest.raises(NoSpreadsheetForm, match=re.escape("没有表格（.xlsx）形式")) as caught:
        render_xlsx(bulletin, bulletin.example())
    assert caught.value.exit_code == ExitCode.USAGE


def test_title_unit_header_and_one_row_per_case(template):
    sheet = sheet_of(render_xlsx(template, template.example()))
    values = rows(sheet)
    assert sheet.title == "责任追究情况报表"
    assert values[0][0] == "2026年上半年责任追究情况报表" and "A1:J1" in {str(r) for r in sheet.merged_cells.ranges}
    assert values[1][0] == "填报单位（盖章）：中共××市纪委驻市财政局纪检组" and values[1][5] == "填报日期：2026年7月8日"
    assert values[2] == HEADER and values[3] == SUBHEADER
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A3:A4", "B3:D3", "E3:E4", "F3:G3", "H3:H4", "I3:J3"} <= merged  # a two-row header
    assert values[4] == [1, "孙海涛", "国库支付中心主任", "国库支付中心", "对资金拨付审核把关不严，对下属违纪问题失察",
                         "√", None, "诫勉谈话", "局党组", datetime(2026, 7, 3)]  # fmt: skip
    assert values[5][:7] == [2, "钱文斌", "纪检监察员", "驻局纪检组", "对问题线索未及时核查处置", None, "√"]
    assert sheet["J5"].number_format == CN_DATE_FORMAT  # a real date, shown 2026年7月3日


def test_the_totals_are_numbers_and_agree_with_the_docx(template):
    data = many_cases(template, 7)  # 3 主体责任 (i = 0, 3, 6), 4 监督责任
    data["cases"] = [{**case, "responsibility": "主体责任" if i % 3 == 0 else "监督责任"}
                     for i, case in enumerate(data["cases"])]  # fmt: skip
    sheet = sheet_of(render_xlsx(template, data))
    total = next(row for row in rows(sheet) if row[0] == "合计")
    assert total[1] == 7 and total[5] == 3 and total[6] == 4  # values, read by any program without recalculation
    line = next(t for t in paragraphs(template.render(data).content) if t.startswith("合计："))
    assert line == f"合计：追究{total[1]}人次，其中主体责任{total[5]}人次、监督责任{total[6]}人次。"
    row = [r[0] for r in rows(sheet)].index("合计") + 1
    assert sheet[f"B{row}"].number_format == PERSON_TIMES_FORMAT  # shown as 7人次


def test_remarks_and_who_filled_it_in(template):
    values = rows(sheet_of(render_xlsx(template, template.example())))
    remarks = next(row for row in values if row[0] == "情况说明")
    assert remarks[2] == "\n".join(template.example()["remarks"])
    assert values[-1][0] == "填报人：赵敏" and values[-1][4] == "审核人：李明华"
    assert values[-1][5] == "联系电话：0371-12345679"


def test_printed_a4_landscape_one_page_wide_header_repeated_and_frozen(template):
    sheet = sheet_of(render_xlsx(template, template.example()))
    setup = sheet.page_setup
    assert setup.orientation == "landscape" and int(setup.paperSize) == int(sheet.PAPERSIZE_A4)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert int(setup.fitToWidth) == 1 and int(setup.fitToHeight) == 0  # one page wide, as long as it takes
    assert sheet.print_title_rows == "$3:$4"  # the two header rows on every printed page
    assert sheet.freeze_panes == "A5"
    assert sheet.print_area == "'责任追究情况报表'!$A$1:$J$9"
    widths = [sheet.column_dimensions[c].width for c in "ABCDEFGHIJ"]
    assert all(w >= 5 for w in widths) and max(widths) == sheet.column_dimensions["E"].width  # 追究情形 widest


def test_fonts_wrapping_and_rules(template):
    sheet = sheet_of(render_xlsx(template, template.example()))
    assert sheet["A1"].font.name == "宋体" and sheet["A1"].font.bold and sheet["A1"].font.size == 18
    assert sheet["B3"].font.name == "宋体" and sheet["B3"].font.bold
    for cell in sheet[5]:
        assert cell.font.name == "仿宋" and cell.alignment.wrap_text
        assert cell.border.left.style == cell.border.bottom.style == "thin"
    assert sheet["E5"].alignment.horizontal == "left" and sheet["B5"].alignment.horizontal == "center"
    assert sheet["A2"].border.bottom.style is None  # the lines above and below the table are not ruled
    remarks_row = next(cell.row for cell in sheet["A"] if cell.value == "情况说明")
    assert sheet.row_dimensions[remarks_row].height >= 2 * 12  # two lines of 情况说明 fit (merged: set, not fitted)


def test_the_same_data_gives_the_same_bytes_and_names_can_be_masked(template):
    data = template.example()
    assert render_xlsx(template, data) == render_xlsx(template, data)
    masked = rows(sheet_of(render_xlsx(template, data, mask_names=True)))
    assert masked[4][1] == "孙某某" and "孙海涛" not in str(masked)


def test_bad_data_is_refused_as_the_docx_would_refuse_it(template):
    data = template.example()
    data["cases"] = [{**data["cases"][0], "responsibility": "领导责任", "decided_on": "7月3日"}]
    with pytest.raises(ValidationError) as caught:
        render_xlsx(template, data)
    with pytest.raises(ValidationError) as as_docx:
        template.render(data)
    assert [str(p) for p in caught.value.problems] == [str(p) for p in as_docx.value.problems]
    assert {p.path for p in caught.value.problems} == {"cases[0].responsibility", "cases[0].decided_on"}


# ------------------------------------------------------------------ the command: render --xlsx


@pytest.fixture
def data_file(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run("example", "accountability_return", "-o", "报表.yaml")
    return tmp_path / "报表.yaml"


def test_render_writes_the_docx_and_the_xlsx(run, data_file, tmp_path):
    result = run("render", "accountability_return", "-d", data_file, "-o", "报表.docx", "--xlsx", "报表.xlsx",
                 "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    made = json.loads(result.stdout)
    assert made["xlsx"] == "报表.xlsx" and made["path"] == "报表.docx"
    sheet = sheet_of((tmp_path / "报表.xlsx").read_bytes())
    assert sheet["A1"].value == made["title"]
    plain = run("render", "accountability_return", "-d", data_file, "-o", "二.docx", "--xlsx", "二.xlsx")
    assert plain.stdout.strip() == "已生成：二.docx，二.xlsx"


def test_a_template_without_a_tabular_form_is_refused_with_nothing_written(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run("example", "accountability_bulletin", "-o", "通报.yaml")
    result = run("render", "accountability_bulletin", "-d", "通报.yaml", "--xlsx", "通报.xlsx")
    assert result.exit_code == 2
    assert "模板 accountability_bulletin 没有表格（.xlsx）形式" in result.stderr and "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["通报.yaml"]


def test_an_existing_xlsx_is_kept_unless_forced_and_nothing_else_is_written(run, data_file, tmp_path):
    (tmp_path / "报表.xlsx").write_bytes(b"old")
    result = run("render", "accountability_return", "-d", data_file, "-o", "报表.docx", "--xlsx", "报表.xlsx")
    assert result.exit_code == ExitCode.OUTPUT and "已存在" in result.stderr and "--force" in result.stderr
    assert (tmp_path / "报表.xlsx").read_bytes() == b"old" and not (tmp_path / "报表.docx").exists()
    forced = run("render", "accountability_return", "-d", data_file, "-o", "报表.docx", "--xlsx", "报表.xlsx",
                 "--force")  # fmt: skip
    assert forced.exit_code == 0 and (tmp_path / "报表.xlsx").read_bytes()[:2] == b"PK"


def test_an_existing_docx_stops_the_xlsx_too(run, data_file, tmp_path):
    (tmp_path / "报表.docx").write_bytes(b"old")
    result = run("render", "accountability_return", "-d", data_file, "-o", "报表.docx", "--xlsx", "报表.xlsx")
    assert result.exit_code == ExitCode.OUTPUT
    assert not (tmp_path / "报表.xlsx").exists()


@pytest.mark.parametrize(
    ("docx", "xlsx", "complaint"), [("报表.docx", "报表.xls", ".xlsx 结尾"), ("报表.xlsx", "报表.xlsx", "同一个文件")]
)
def test_a_wrong_xlsx_name_is_a_usage_error(run, data_file, tmp_path, docx, xlsx, complaint):
    result = run("render", "accountability_return", "-d", data_file, "-o", docx, "--xlsx", xlsx)
    assert result.exit_code == 2 and complaint in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["报表.yaml"]


def test_bad_data_writes_neither_file(run, data_file, tmp_path):
    text = data_file.read_text(encoding="utf-8").replace("responsibility: 监督责任", "responsibility: 领导责任")
    data_file.write_text(text, encoding="utf-8")
    result = run("render", "accountability_return", "-d", data_file, "--xlsx", "报表.xlsx")
    assert result.exit_code == 3 and "责任类型" in result.stderr and "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["报表.yaml"]


# ------------------------------------------------------------------ printed by LibreOffice Calc


def test_a_long_return_prints_landscape_with_the_header_on_every_page(template, tmp_path, soffice):
    from pypdf import PdfReader

    source = tmp_path / "报表.xlsx"
    source.write_bytes(render_xlsx(template, many_cases(template, 60)))
    profile = f"-env:UserInstallation=file://{tmp_path / 'profile'}"
    done = subprocess.run([soffice, profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                           str(source)], capture_output=True, text=True, timeout=180)  # fmt: skip
    pdf = tmp_path / "报表.pdf"
    if not pdf.exists() and "could not be loaded" in done.stderr + done.stdout:
        pytest.skip("LibreOffice Calc is not installed (libreoffice-calc-nogui)")
    pages = PdfReader(pdf).pages
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width), round(height)) == (842, 595)  # A4 landscape
        text = re.sub(r"\s+", "", page.extract_text())
        assert "被追究人员" in text and "决定日期" in text, number  # the header repeated
        assert f"第{number}页，共{len(pages)}页" in text
    assert "人员59" in re.sub(r"\s+", "", pages[-1].extract_text())
