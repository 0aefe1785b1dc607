"""The roster reader against hostile files (issue 15, items 3, 7 and 10): each is refused with a
message naming the file (and sheet, row or cell), exit code 3, no traceback, before it costs
memory or time.

Measured before the bounds (openpyxl 3.1.5, 60 s and 6 GB limits): one cell at XFD1048576 was
still running at 60 s with 5.3 GB; a merge F1:XFD1048576 ended in MemoryError (exit 1) at 6 GB; a
1 GiB worksheet packed into 1 MB was unpacked (7.8 s, 1.1 GB); a 200,000-character CSV field was
a traceback (exit 70); a million-row CSV took 29 s and 1.1 GB.
"""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import time
import zipfile

import pytest
from test_roster import sheet_xlsx, text_cells

from lianzheng_docs import DataFileError
from lianzheng_docs.duties import roster_tables
from lianzheng_docs.duties.roster import RosterError, load_roster

from conftest import ROOT

pytestmark = pytest.mark.fault  # the fault-and-abuse suite: `pytest -m fault`

HEADER = text_cells(1, "科室(单位)", "主要负责人") + text_cells(2, "预算科", "王晓东")


def xfd_cell(path):
    """A roster with one more cell, at the last cell a sheet can have, and a dimension claiming the whole sheet."""
    far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    return sheet_xlsx(path, f'<dimension ref="A1:XFD1048576"/><sheetData>{HEADER}{far}</sheetData>')


def xfd_merge(path):
    merge = '<mergeCells count="1"><mergeCell ref="F1:XFD1048576"/></mergeCells>'
    return sheet_xlsx(path, f"<sheetData>{HEADER}</sheetData>{merge}")


def packed_sheet(path, megabytes):
    """A worksheet of ``megabytes`` MB of spaces between its rows: a few KB packed."""

    def write(stream):
        stream.write(f'<worksheet xmlns="{roster_tables._NAMESPACES[0]}"><sheetData>{HEADER}'.encode())
        for _ in range(megabytes):
            stream.write(b" " * 2**20)
        stream.write(b"</sheetData></worksheet>")

    return sheet_xlsx(path, write)


def understate(path, declared=1000):
    """Lower the worksheet's uncompressed size in both zip headers (local and central)."""
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    for signature, size_at, name_at, length_at in ((b"PK\x03\x04", 22, 30, 26), (b"PK\x01\x02", 24, 46, 28)):
        position = data.find(signature)
        while position != -1:
            length = struct.unpack_from("<H", data, position + length_at)[0]
            if bytes(data[position + name_at : position + name_at + length]) == name:
                struct.pack_into("<I", data, position + size_at, declared)
            position = data.find(signature, position + 4)
    path.write_bytes(bytes(data))
    return path


def test_the_declared_dimension_is_not_trusted(tmp_path):
    path = sheet_xlsx(tmp_path / "名册.xlsx", f'<dimension ref="A1:XFD1048576"/><sheetData>{HEADER}</sheetData>')
    assert [u.name for u in load_roster(path).units] == ["预算科"]


def test_a_cell_far_outside_the_bounds_is_refused_at_once(tmp_path):
    with pytest.raises(DataFileError) as caught:
        load_roster(xfd_cell(tmp_path / "名册.xlsx"))
    message = caught.value.message
    assert "名册.xlsx（工作表“名册”）的单元格 XFD1048576 有内容" in message
    assert "最多 10000 行、100 列（A1:CV10000）" in message and "请删去名册以外的内容" in message


def test_a_merge_outside_the_bounds_is_refused(tmp_path):
    with pytest.raises(DataFileError, match=r"合并单元格 F1:XFD1048576，超出范围.*请取消这个合并"):
        load_roster(xfd_merge(tmp_path / "名册.xlsx"))


def test_rows_and_columns_up_to_the_bounds_are_read(tmp_path):
    last = roster_tables.MAX_ROWS
    rows = "".join(text_cells(n, f"科{n}", f"人{n}") for n in range(3, last + 1))
    edge = f'<row r="{last}"><c r="CV{last}" t="inlineStr"><is><t>备注</t></is></c></row>'
    path = sheet_xlsx(tmp_path / "名册.xlsx", f"<sheetData>{HEADER}{rows}{edge}</sheetData>")
    assert len(load_roster(path).units) == last - 1
    beyond = f'<row r="{last + 1}"><c r="A{last + 1}" t="inlineStr"><is><t>科</t></is></c></row>'
    path = sheet_xlsx(tmp_path / "多.xlsx", f"<sheetData>{HEADER}{rows}{beyond}</sheetData>")
    with pytest.raises(DataFileError, match=f"单元格 A{last + 1} 有内容，超出范围"):
        load_roster(path)
    wide = '<row r="3"><c r="CW3" t="inlineStr"><is><t>备注</t></is></c></row>'
    with pytest.raises(DataFileError, match="单元格 CW3 有内容"):
        load_roster(sheet_xlsx(tmp_path / "宽.xlsx", f"<sheetData>{HEADER}{wide}</sheetData>"))


def test_formatted_empty_cells_far_away_cost_nothing(tmp_path):
    empty = '<row r="1048576"><c r="XFD1048576" s="1"/></row>'
    path = sheet_xlsx(tmp_path / "名册.xlsx", f"<sheetData>{HEADER}{empty}</sheetData>")
    assert [u.name for u in load_roster(path).units] == ["预算科"]


def test_a_packed_worksheet_is_refused_from_its_size(tmp_path):
    path = packed_sheet(tmp_path / "名册.xlsx", roster_tables.MAX_SHEET_BYTES // 2**20 + 1)
    assert path.stat().st_size < 200_000
    with pytest.raises(DataFileError, match=r"工作表“名册”（xl/worksheets/sheet1\.xml）解压后超过 16 MB.*压缩炸弹"):
        load_roster(path)


def test_zip_headers_that_understate_a_size(tmp_path):
    # zipfile stops at the declared size and the CRC fails: a damaged file, never a big read
    path = understate(packed_sheet(tmp_path / "名册.xlsx", 20))
    with pytest.raises(DataFileError, match=r"名册\.xlsx 不是可读的 Excel.*部件 xl/worksheets/sheet1\.xml 已损坏"):
        load_roster(path)


def test_the_reader_counts_what_it_unpacks_whatever_the_header_says(tmp_path, monkeypatch):
    path = sheet_xlsx(tmp_path / "名册.xlsx", f"<sheetData>{HEADER}</sheetData>")
    with zipfile.ZipFile(path) as package:
        book = roster_tables._Workbook(package, "名册.xlsx")
        # a stream longer than its header says, as a zip library that trusted the data would give
        monkeypatch.setattr(package, "open", lambda _info: io.BytesIO(b" " * (2**20 + 1)))
        with pytest.raises(DataFileError, match="解压后超过 1 MB"):
            list(book.chunks("xl/worksheets/sheet1.xml", 2**20, "工作表“名册”"))


def test_too_many_parts_or_too_big_a_file(tmp_path, monkeypatch):
    path = tmp_path / "名册.xlsx"
    with zipfile.ZipFile(path, "w") as package:
        for number in range(roster_tables.MAX_XLSX_ENTRIES + 1):
            package.writestr(f"x/{number}", b"")
    with pytest.raises(DataFileError, match="2001 个部件，超过 2000 个"):
        load_roster(path)
    monkeypatch.setattr(roster_tables, "MAX_XLSX_BYTES", 500)
    with pytest.raises(DataFileError, match="超过 Excel 名册 0 MB 的上限"):
        load_roster(xfd_merge(tmp_path / "大.xlsx"))


def test_entities_and_broken_references(tmp_path):
    laughs = "".join(f'<!ENTITY e{i} "{f"&e{i - 1};" * 10}">' for i in range(1, 9))
    sheet = f'<sheetData>{HEADER}<row r="3"><c r="A3" t="s"><v>0</v></c></row></sheetData>'
    path = sheet_xlsx(tmp_path / "名册.xlsx", sheet, shared=["x"])
    bomb = f'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY e0 "ha">{laughs}]><sst xmlns="x"><si><t>&e8;</t></si></sst>'
    rebuilt = tmp_path / "笑.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(rebuilt, "w") as target:
        for info in source.infolist():
            content = bomb.encode() if info.filename == "xl/sharedStrings.xml" else source.read(info)
            target.writestr(info.filename, content)
    with pytest.raises(DataFileError, match=r"sharedStrings\.xml 已损坏"):
        load_roster(rebuilt)
    bad_index = f'<sheetData>{HEADER}<row r="3"><c r="A3" t="s"><v>99999</v></c></row></sheetData>'
    with pytest.raises(DataFileError, match="共享字符串 99999 不存在"):
        load_roster(sheet_xlsx(tmp_path / "索引.xlsx", bad_index))
    bad_reference = f'<sheetData>{HEADER}<row r="3"><c r="A0" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    with pytest.raises(DataFileError, match="单元格引用 'A0' 无效"):
        load_roster(sheet_xlsx(tmp_path / "引用.xlsx", bad_reference))


def test_a_csv_field_past_the_csv_limit_names_the_row(tmp_path):
    path = tmp_path / "名册.csv"
    path.write_text("科室,负责人,备注\n预算科,王晓东,\n国库科,陈静," + "长" * 200_000 + "\n", encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        load_roster(path)
    assert "名册.csv 第3行有一个单元格超过 131072 个字符" in caught.value.message
    assert "未配对的英文引号" in caught.value.message


def test_an_unpaired_quote_is_found_by_its_row(tmp_path):
    path = tmp_path / "名册.csv"
    path.write_text('科室,负责人\n预算科,王晓东\n"国库科,陈静\n综合科,唐静\n', encoding="utf-8")
    with pytest.raises(RosterError, match=r"第3行第1列.*换行"):
        load_roster(path)


def test_csv_rows_columns_and_size_are_bounded(tmp_path, monkeypatch):
    path = tmp_path / "名册.csv"
    path.write_text("科室,负责人\n" + "".join(f"科{n},人{n}\n" for n in range(roster_tables.MAX_ROWS)), "utf-8")
    with pytest.raises(DataFileError, match="超过 10000 行"):
        load_roster(path)
    path.write_text("科室,负责人\n预算科,王晓东" + "," * 150 + "\n", encoding="utf-8")  # trailing empty cells
    assert len(load_roster(path).units) == 1
    path.write_text("科室,负责人\n预算科,王晓东" + "," * 150 + "备注\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="第2行第152列有内容，超出范围"):
        load_roster(path)
    monkeypatch.setattr(roster_tables, "MAX_TEXT_BYTES", 100)
    path.write_text("科室,负责人\n" + "预算科,王晓东\n" * 20, encoding="utf-8")
    with pytest.raises(DataFileError, match="超过 CSV 名册 0 MB 的上限"):
        load_roster(path)


def test_a_yaml_roster_is_bounded_like_a_data_file(tmp_path, monkeypatch):
    path = tmp_path / "名册.yaml"
    path.write_text("units:\n" + "".join(f"  - {{name: 科{n}, head: 人{n}}}\n" for n in range(10_001)), "utf-8")
    with pytest.raises(DataFileError, match="10001 个单位，超过 10000 个"):
        load_roster(path)
    path.write_text("a: &a [1]\nunits: *a\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="别名"):
        load_roster(path)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("make", "message"),
    [(xfd_cell, "单元格 XFD1048576 有内容，超出范围"), (xfd_merge, "合并单元格 F1:XFD1048576，超出范围"),
     (lambda path: packed_sheet(path, 1024), "解压后超过 16 MB")],
    ids=["cell", "merge", "1GiB"],
)  # fmt: skip
def test_the_command_refuses_hostile_workbooks_in_bounded_memory_and_time(tmp_path, make, message):
    """In a process limited to 1 GB of address space and 30 s. Before the bounds the cell and the
    merge ran out of it (a MemoryError the reader then called an unreadable file) and the 1 GiB
    sheet was unpacked to the end."""
    path = make(tmp_path / "名册.xlsx")
    limit = "import resource; resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))"
    code = f"{limit}; from lianzheng_docs.cli import main; main()"
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", code, "roster", "show", str(path)],
        capture_output=True, text=True, timeout=30, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 3, result.stderr[-2000:]
    assert message in result.stderr and "名册.xlsx" in result.stderr and "工作表“名册”" in result.stderr
    assert "Traceback" not in result.stderr
    assert time.monotonic() - started < 10
