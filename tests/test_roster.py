"""The roster: YAML, CSV (UTF-8 or GBK) and Excel as clerks keep them; every problem with its row."""

from __future__ import annotations

import re

import pytest
from openpyxl import Workbook

from lianzheng_docs.duties.roster import RosterError, load_roster
from lianzheng_docs.errors import DataFileError

YAML = """
bureau: ××市财政局
secretary: {name: 张建国, post: 局党组书记}
discipline_head: 李明华
units:
  - {科室(单位): 预算科, 主要负责人: 王晓东, 职务: 科长, 分管领导: 刘建华}
  - {name: 财政投资评审中心, head: 周红, post: 主任, kind: 副县级二级机构}
  - {单位: 城关县财政局, 负责人: 赵敏, 类别: 县(市)区财政部门}
"""


def test_yaml_with_chinese_or_english_keys(tmp_path):
    path = tmp_path / "名册.yaml"
    path.write_text(YAML, encoding="utf-8")
    roster = load_roster(path)
    assert roster.bureau == "××市财政局" and roster.secretary == "张建国" and roster.discipline_head == "李明华"
    assert [u.kind for u in roster.units] == ["科室", "二级机构", "县区财政部门"]
    assert roster.unit("预算科").leader == "刘建华" and roster.unit("财政投资评审中心").post == "主任"


def test_csv_headers_in_their_usual_spellings_and_gbk(tmp_path):
    path = tmp_path / "名册.csv"
    text = "科室（单位）, 主要负责人,职务,分管局领导\n预算科,王晓东,科长,刘建华\n国库科,陈静,科长,刘建华\n"
    path.write_bytes(text.encode("gbk"))  # saved by Excel or Notepad on a Chinese Windows
    roster = load_roster(path)
    assert [(u.name, u.head, u.leader) for u in roster.units] == [
        ("预算科", "王晓东", "刘建华"),
        ("国库科", "陈静", "刘建华"),
    ]


def test_every_problem_is_listed_with_row_and_column(tmp_path):
    path = tmp_path / "名册.csv"
    path.write_text(
        "科室,负责人,类别\n预算科,王晓东,科室\n国库科,,科室\n预算科,李四,科室\n综合科,王五,处室\n", encoding="utf-8"
    )
    with pytest.raises(RosterError) as caught:
        load_roster(path)
    message = caught.value.message
    assert "3 处问题" in message
    assert "第3行第2列" in message and "国库科 的主要负责人不能为空" in message
    assert "第4行第1列" in message and "预算科 重复" in message
    assert "第5行第3列" in message and "'处室' 未知" in message


def test_a_missing_column_names_what_is_accepted(tmp_path):
    path = tmp_path / "名册.csv"
    path.write_text("单位名称,电话\n预算科,123\n", encoding="utf-8")
    with pytest.raises(RosterError, match="缺少“主要负责人”列"):
        load_roster(path)


def test_excel_with_a_merged_cell(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["科室(单位)", "主要负责人", "职务", "分管领导"])
    sheet.append(["预算科", "王晓东", "科长", "刘建华"])
    sheet.append(["国库科", "陈静", "科长", "刘建华"])
    path = tmp_path / "名册.xlsx"
    workbook.save(path)
    assert [u.name for u in load_roster(path).units] == ["预算科", "国库科"]
    sheet.append(["综合科", "唐静", "科长", None])
    sheet.merge_cells("D3:D4")  # 分管领导 merged over two units, as clerks like to do
    workbook.save(path)
    with pytest.raises(RosterError) as caught:
        load_roster(path)
    assert "合并单元格 D3:D4" in caught.value.message and "第3行A3" in caught.value.message


def test_unreadable_files(tmp_path):
    from lianzheng_docs import DataFileError

    bad = tmp_path / "名册.xlsx"
    bad.write_bytes(b"not excel")
    with pytest.raises(DataFileError, match="不是可读的 Excel"):
        load_roster(bad)
    with pytest.raises(DataFileError, match="找不到名册文件"):
        load_roster(tmp_path / "无.yaml")


def test_roster_show_command(run, tmp_path):
    import json

    path = tmp_path / "名册.yaml"
    path.write_text(YAML, encoding="utf-8")
    result = run("roster", "show", path, "--json")
    assert result.exit_code == 0 and len(json.loads(result.output)["units"]) == 3
    bad = tmp_path / "坏.csv"
    bad.write_text("科室,负责人\n预算科,\n", encoding="utf-8")
    failed = run("roster", "show", bad)
    assert failed.exit_code == 3 and "主要负责人不能为空" in failed.output


# ------------------------------------------------------------------ careless input (issue 15, item 11)

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


_SML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_CONTENT_TYPES = (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_SML}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_SML}.worksheet+xml"/>'
    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_SML}.sharedStrings+xml"/></Types>'
)


def sheet_xlsx(path, sheet_xml, shared=None, *, sheet_name="名册"):
    """An .xlsx written part by part, for what openpyxl will not write: cached formula values, error
    cells, escaped control characters, hostile sizes. ``sheet_xml`` is the worksheet's inner XML, or
    a callable writing the whole part to a stream (for parts too big to hold)."""
    import zipfile

    rels = (f'<Relationships xmlns="{_RELS_NS}"><Relationship Id="rId1" Type="{_DOC_REL}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>')  # fmt: skip
    book = (f'<workbook xmlns="{MAIN_NS}" xmlns:r="{_DOC_REL}"><sheets>'
            f'<sheet name="{sheet_name}" sheetId="1" r:id="rId1"/></sheets></workbook>')  # fmt: skip
    book_rels = (f'<Relationships xmlns="{_RELS_NS}">'
                 f'<Relationship Id="rId1" Type="{_DOC_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
                 f'<Relationship Id="rId2" Type="{_DOC_REL}/sharedStrings" Target="sharedStrings.xml"/>'
                 "</Relationships>")  # fmt: skip
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", _CONTENT_TYPES)
        package.writestr("_rels/.rels", rels)
        package.writestr("xl/workbook.xml", book)
        package.writestr("xl/_rels/workbook.xml.rels", book_rels)
        strings = "".join(f"<si><t>{text}</t></si>" for text in shared or [])
        package.writestr("xl/sharedStrings.xml", f'<sst xmlns="{MAIN_NS}">{strings}</sst>')
        if callable(sheet_xml):
            with package.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as stream:
                sheet_xml(stream)
        else:
            package.writestr("xl/worksheets/sheet1.xml", f'<worksheet xmlns="{MAIN_NS}">{sheet_xml}</worksheet>')
    return path


def text_cells(row, *values):
    """``<row>`` XML with inline strings in columns A, B, ..."""
    cells = "".join(f'<c r="{chr(65 + i)}{row}" t="inlineStr"><is><t>{v}</t></is></c>' for i, v in enumerate(values))
    return f'<row r="{row}">{cells}</row>'


def problems_of(path):
    with pytest.raises(RosterError) as caught:
        load_roster(path)
    return caught.value


def test_row_numbers_are_the_rows_the_clerk_sees_after_blank_rows(tmp_path):
    csv_file = tmp_path / "名册.csv"
    csv_file.write_text("科室,负责人\n预算科,王晓东\n\n\n综合科,\n预算科,李四\n", encoding="utf-8")
    message = problems_of(csv_file).message
    assert "第5行第2列" in message and "综合科 的主要负责人不能为空" in message
    assert "第6行第1列" in message and "预算科 重复，已出现在第2行" in message
    workbook = Workbook()
    sheet = workbook.active
    for row in (["科室(单位)", "主要负责人"], ["预算科", "王晓东"], [], [], ["综合科", None]):
        sheet.append(row)
    workbook.save(tmp_path / "名册.xlsx")
    assert "第5行B5" in problems_of(tmp_path / "名册.xlsx").message


def test_a_title_row_above_the_header_is_skipped(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["××市财政局科室（单位）名册"])
    sheet.merge_cells("A1:D1")  # the printed list's title over the columns
    sheet.append([])
    for row in (["科室(单位)", "主要负责人", "职务"], ["预算科", "王晓东", "科长"], ["国库科", None, "科长"]):
        sheet.append(row)
    workbook.save(tmp_path / "名册.xlsx")
    assert "第5行B5" in problems_of(tmp_path / "名册.xlsx").message  # rows still counted from the top
    sheet["B5"] = "陈静"
    workbook.save(tmp_path / "名册.xlsx")
    assert [u.name for u in load_roster(tmp_path / "名册.xlsx").units] == ["预算科", "国库科"]


def test_a_formula_row_without_computed_values_is_reported_not_dropped(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["科室(单位)", "主要负责人"])
    sheet.append(["预算科", "王晓东"])
    sheet.append(['=TRIM(" 综合科 ")', '="唐"&"静"'])  # openpyxl saves formulas without values
    workbook.save(tmp_path / "名册.xlsx")
    error = problems_of(tmp_path / "名册.xlsx")
    assert "2 处问题" in error.message
    assert "第3行A3" in error.message and "第3行B3" in error.message
    assert "是公式，但没有计算结果" in error.message and "Excel/WPS 中打开并保存" in error.message
    # saved by Excel: the value is cached beside the formula, and read
    sheet_xlsx(tmp_path / "算过.xlsx", "<sheetData>" + text_cells(1, "科室", "负责人")
               + '<row r="2"><c r="A2" t="str"><f>TRIM(" 综合科 ")</f><v>综合科</v></c>'
               '<c r="B2" t="inlineStr"><is><t>唐静</t></is></c></row></sheetData>')  # fmt: skip
    assert [u.name for u in load_roster(tmp_path / "算过.xlsx").units] == ["综合科"]


def test_an_error_value_is_reported_with_its_cell(tmp_path):
    rows = text_cells(1, "科室", "负责人") + text_cells(2, "预算科", "王晓东")
    rows += (
        '<row r="3"><c r="A3" t="e"><f>#REF!</f><v>#REF!</v></c><c r="B3" t="inlineStr"><is><t>陈静</t></is></c></row>'
    )
    sheet_xlsx(tmp_path / "名册.xlsx", f"<sheetData>{rows}</sheetData>")
    error = problems_of(tmp_path / "名册.xlsx")
    assert "第3行A3" in error.message and "错误值 #REF!" in error.message and "工作表“名册”" in error.message


@pytest.mark.parametrize(
    ("value", "what"),
    [("预算\x00科", "空字符 NUL U+0000"), ("预算\x07科", "控制字符 U+0007"), ("预算\u200b科", "零宽空格 U+200B"),
     ("预算\u200f科", "U+200F"), ("预算\n科", "换行")],
)  # fmt: skip
def test_control_and_invisible_characters_in_a_name_are_refused(tmp_path, value, what):
    path = tmp_path / "名册.csv"
    path.write_text(f'科室,负责人\n"{value}",王晓东\n国库科,陈静\n', encoding="utf-8")
    error = problems_of(path)
    assert "第2行第1列" in error.message and what in error.message and "请删去" in error.message
    assert error.problems[0].label == "科室(单位)"


def test_escaped_control_characters_in_a_workbook_are_refused(tmp_path):
    # Excel writes a control character in a cell as _x0007_; openpyxl would hand the escape on as text
    rows = text_cells(1, "科室", "负责人") + text_cells(2, "预算科", "王_x0007_晓东")
    rows += '<row r="3"><c r="A3" t="s"><v>0</v></c><c r="B3" t="inlineStr"><is><t>陈静</t></is></c></row>'
    sheet_xlsx(tmp_path / "名册.xlsx", f"<sheetData>{rows}</sheetData>", shared=["国库_x0000_科"])
    error = problems_of(tmp_path / "名册.xlsx")
    assert "第2行B2" in error.message and "U+0007" in error.message
    assert "第3行A3" in error.message and "U+0000" in error.message


def test_names_in_a_yaml_roster_are_checked_too(tmp_path):
    path = tmp_path / "名册.yaml"
    path.write_text('secretary: "张建\\0国"\nunits:\n  - {name: 预算科, head: "王晓东\\u200b"}\n'
                    "  - {name: [国库科], head: 陈静}\n", encoding="utf-8")  # fmt: skip
    error = problems_of(path)
    assert [(p.path, p.label) for p in error.problems] == [
        ("secretary", "党组书记"),
        ("第1个单位", "主要负责人"),
        ("第2个单位", "科室(单位)"),
    ]
    assert "应为文字" in error.problems[2].message


def test_a_name_too_long_to_be_a_name(tmp_path):
    path = tmp_path / "名册.csv"
    path.write_text("科室,负责人\n" + "预" * 101 + ",王晓东\n", encoding="utf-8")
    assert "101 个字，超过 100 个字的上限" in problems_of(path).message


def test_a_column_given_twice_is_named(tmp_path):
    path = tmp_path / "名册.csv"
    path.write_text("科室,单位,负责人\n预算科,国库科,王晓东\n", encoding="utf-8")
    error = problems_of(path)
    assert "“科室(单位)”列出现了两次：第1列“科室”和第2列“单位”" in error.message


def test_empty_sheets_and_header_only_tables(tmp_path):
    workbook = Workbook()
    workbook.active.title = "说明"
    workbook.create_sheet("名册").append(["科室", "负责人"])
    workbook.save(tmp_path / "名册.xlsx")
    error = problems_of(tmp_path / "名册.xlsx")
    assert "工作表“说明”是空的" in error.message
    assert "名册须在第一个工作表（本文件的工作表：说明、名册）" in error.message
    (tmp_path / "表头.csv").write_text("科室,负责人\n\n", encoding="utf-8")
    assert "表头下面没有任何单位" in problems_of(tmp_path / "表头.csv").message


@pytest.mark.parametrize(
    ("raw", "name"),
    [("科室,负责人\n预算科,王晓东\n".encode("utf-8-sig"), "BOM"),
     ("科室\t负责人\r\n预算科\t王晓东\r\n".encode("utf-16"), "Excel 的“Unicode 文本”：UTF-16，制表符分隔"),
     (b"\xbf\xc6\xca\xd2,\xb8\xba\xd4\xf0\xc8\xcb\r\n\xd4\xa4\xcb\xe3\xbf\xc6,\xcd\xf5\xcf\xfe\xb6\xab\r\n", "GBK"),
     ("科室,负责人\r预算科,王晓东\r".encode(), "旧 Mac 的换行"),
     ("科室,负责人,\n预算科,王晓东,\n".encode() , "行尾多一个逗号")],
)  # fmt: skip
def test_csv_as_various_programs_save_it(tmp_path, raw, name):
    path = tmp_path / "名册.csv"
    path.write_bytes(raw)
    assert [(u.name, u.head) for u in load_roster(path).units] == [("预算科", "王晓东")], name


def test_a_file_that_is_not_what_its_name_says(tmp_path):
    from lianzheng_docs import DataFileError

    cases = {
        "名册.xlsx": (b"\xef\xbb\xbf\xe7\xa7\x91\xe5\xae\xa4,x\n", "内容却是文本（看来是 CSV）：请把扩展名改为 .csv"),
        "旧.xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "旧版 Excel 97-2003（.xls）"),
        "加密.xlsx": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "加密（受密码保护）"),
        "网页.xls": (b"<html><body><table><tr><td>x</td></tr></table></body></html>", "网页（HTML）格式"),
        "空.xlsx": (b"", "是空的（0 字节）"),
    }
    for name, (raw, message) in cases.items():
        (tmp_path / name).write_bytes(raw)
        with pytest.raises(DataFileError, match=re.escape(message)):
            load_roster(tmp_path / name)
    workbook = Workbook()
    workbook.active.append(["科室", "负责人"])
    workbook.save(tmp_path / "表格.csv")
    with pytest.raises(DataFileError, match=r"内容却是 Excel 工作簿（\.xlsx）：请把扩展名改为 \.xlsx"):
        load_roster(tmp_path / "表格.csv")


def test_roster_show_names_file_sheet_row_and_cell_without_a_traceback(run, tmp_path):
    workbook = Workbook()
    workbook.active.title = "科室"
    for row in (["科室(单位)", "主要负责人"], ["预算科", "王晓东"], [], ["综合科", "=B2"]):
        workbook.active.append(row)
    workbook.save(tmp_path / "名册.xlsx")
    result = run("roster", "show", tmp_path / "名册.xlsx")
    assert result.exit_code == 3 and "Traceback" not in result.output
    assert "名册.xlsx（工作表“科室”）有 1 处问题" in result.output and "第4行B4" in result.output


def test_a_date_or_number_typed_in_a_name_cell_is_named_not_used(tmp_path):
    """A clerk's date in 主要负责人 came out as "46027同志是预算科党风廉政建设第一责任人"."""
    from datetime import date

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["科室(单位)", "主要负责人", "职务"])
    sheet.append(["预算科", date(2026, 1, 5), "科长"])
    sheet.append(["国库科", "陈静", 3.5])
    path = tmp_path / "名册.xlsx"
    workbook.save(path)
    message = problems_of(path).message
    assert "第2行B2" in message and "是数字 46027" in message and "不是主要负责人" in message
    assert "第3行C3" in message and "是数字 3.5" in message


def test_a_row_number_below_one_is_a_broken_file_not_a_traceback(tmp_path):
    for reference in ("-3", "0", "x"):
        path = sheet_xlsx(tmp_path / f"坏{reference}.xlsx", text_cells(1, "科室(单位)", "主要负责人")
                          + text_cells(2, "预算科", "王晓东").replace('<row r="2">', f'<row r="{reference}">'))
        with pytest.raises(DataFileError, match=f"行号 '{reference}' 无效"):
            load_roster(path)
