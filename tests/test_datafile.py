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
