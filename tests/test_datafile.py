"""Data files: YAML or JSON, UTF-8 or GBK (Windows Notepad), with errors that say where."""

from __future__ import annotations

import pytest

from lianzheng_docs import DataFileError, load_data


def test_utf8_with_bom_and_gbk_files_are_read(tmp_path):
    text = "department: 预算科\nyear: 2026\n"
    (tmp_path / "bom.yaml").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    (tmp_path / "gbk.yaml").write_bytes(text.encode("gbk"))
    assert load_data(tmp_path / "bom.yaml") == {"department": "预算科", "year": 2026}
    assert load_data(tmp_path / "gbk.yaml") == {"department": "预算科", "year": 2026}


def test_json_files(tmp_path):
    path = tmp_path / "d.json"
    path.write_text('{"department": "国库科", "year": 2026}', encoding="utf-8")
    assert load_data(path)["department"] == "国库科"
    path.write_text('{"department": "国库科",}', encoding="utf-8")
    with pytest.raises(DataFileError, match=r"d.json 不是有效的 JSON：第1行"):
        load_data(path)


def test_yaml_syntax_error_gives_line_and_column(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("year: 2026\ntasks: [一, 二\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"bad.yaml 不是有效的 YAML：第\d+行第\d+列"):
        load_data(path)


@pytest.mark.parametrize(("content", "message"), [("", "是空的"), ("- 一\n- 二\n", "顶层应为")])
def test_empty_or_non_mapping(tmp_path, content, message):
    path = tmp_path / "x.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataFileError, match=message):
        load_data(path)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(DataFileError, match="找不到数据文件"):
        load_data(tmp_path / "无此文件.yaml")
    with pytest.raises(DataFileError, match="是文件夹"):
        load_data(tmp_path)


def test_undecodable_bytes(tmp_path):
    path = tmp_path / "bin.yaml"
    path.write_bytes(b"\xff\xfe\x00\x81\x30\x81")
    with pytest.raises(DataFileError, match=r"编码无法识别|不是有效的 YAML"):
        load_data(path)


def test_data_files_cannot_explode(tmp_path):
    """Bounds (issue 15): aliases, nesting, size, giant integers, impossible dates — each a clear
    DataFileError naming the file, never a traceback or gigabytes of memory."""
    from lianzheng_docs import datafile
    from lianzheng_docs.errors import DataFileError

    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(20)
    )
    cases = {
        "别名.yaml": (bomb, "YAML 别名"),
        "嵌套.yaml": ("a: " + "[" * 200 + "]" * 200 + "\n", "嵌套超过"),
        "嵌套.json": ('{"a": ' + "[" * 100_000 + "]" * 100_000 + "}", "嵌套过深"),
        "大数.json": ('{"n": ' + "9" * 5000 + "}", "无法读取的值"),
        "大数.yaml": ("n: " + "9" * 5000 + "\n", "无法读取的值"),
    }
    for name, (text, message) in cases.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        with pytest.raises(DataFileError, match=message) as caught:
            datafile.load_data(path)
        assert name in caught.value.message
    big = tmp_path / "巨大.yaml"
    big.write_bytes(b"a: 1\n" + b"#" * (datafile.MAX_DATA_BYTES + 1))
    with pytest.raises(DataFileError, match="超过 10 MB"):
        datafile.load_data(big)
    impossible = tmp_path / "日期.yaml"
    impossible.write_text("date: 2026-02-30\n", encoding="utf-8")
    assert datafile.load_data(impossible) == {"date": "2026-02-30"}  # left to the field's validation


def test_an_impossible_unquoted_date_is_a_problem_of_its_field(run, tmp_path):
    data = tmp_path / "d.yaml"
    assert run("example", "risk_notice", "-o", data).exit_code == 0
    text = data.read_text(encoding="utf-8")
    import re

    text = re.sub(r"^date: .*$", "date: 2026-02-30", text, count=1, flags=re.M)
    data.write_text(text, encoding="utf-8")
    result = run("render", "risk_notice", "--data", data, "-o", tmp_path / "x.docx")
    assert result.exit_code == 3 and "date" in result.stderr and "Traceback" not in result.stderr


def test_a_tab_in_yaml_is_explained_in_chinese(tmp_path):
    path = tmp_path / "数据.yaml"
    path.write_text("subject: 测试\n\tdate: 2026-01-01\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="第2行第1列，这里有 Tab 制表符：YAML 只能用空格缩进"):
        load_data(path)
