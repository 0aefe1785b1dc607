"""The roster: YAML, CSV (UTF-8 or GBK) and Excel as clerks keep them; every problem with its row."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from lianzheng_docs.duties.roster import RosterError, load_roster

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
