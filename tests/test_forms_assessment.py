"""The 检查考核 records (二（九）, 三（四）): the plan with its indicators, the score sheet of one unit,
the 通报 of the results. Totals, 名次, 等次 and the 末位 are computed from the rows, never typed."""

from __future__ import annotations

import re

import pytest

from lianzheng_docs import Catalog, RenderedDocument, ValidationError, load_roster
from lianzheng_docs.duties.batch import DEFAULT_KINDS, unit_data, unit_field

from conftest import ROOT
from ooxml import paragraph_texts


def paragraphs(document: RenderedDocument) -> list[str]:
    """The text of every paragraph of the body, tables included, in order."""
    return paragraph_texts(document.content)


def example(template_id: str) -> dict:
    return Catalog.default().get(template_id).example()


def render(template_id: str, **changes: object) -> RenderedDocument:
    return Catalog.default().get(template_id).render({**example(template_id), **changes})


def rows_after(texts: list[str], header: str, width: int, count: int) -> list[list[str]]:
    """``count`` table rows of ``width`` cells after the header cell ``header`` (its row's last)."""
    start = texts.index(header) + 1
    return [texts[start + i * width : start + (i + 1) * width] for i in range(count)]


INDICATOR_KEYS = ("name", "content", "points", "criteria")


# ------------------------------------------------------------ 检查考核方案: a 通知 with the 方案 as 附件


def test_the_plan_is_a_notice_with_the_scheme_as_its_attachment():
    document = render("assessment_plan")
    texts = paragraphs(document)
    scheme = "2026年度党风廉政建设责任制检查考核方案"
    assert document.title == "关于开展2026年度党风廉政建设责任制检查考核的通知"
    assert document.metadata["doc_number"] == "X财党〔2026〕30号" and "局机关各科室、各二级机构：" in texts
    assert Catalog.default().get("assessment_plan").manifest.number_prefix == "X财党"
    note = texts.index(f"附件：{scheme}")  # 7.3.4: under the body, before the 署名
    signature = texts.index("中共××市财政局党组", note)
    label = texts.index("附件", signature)  # 7.3.7: a page of its own, its title two lines on
    assert texts[label + 2] == scheme
    headings = [t for t in texts[label:] if re.match("[一二三四五六]、", t)]
    assert headings == [
        "一、考核对象", "二、考核内容和指标", "三、考核方法", "四、考核程序和时间安排", "五、考核等次和结果运用",
        "六、考核组",
    ]  # fmt: skip
    printed = next(i for i, t in enumerate(texts) if t.endswith("印发"))
    assert printed > texts.index("六、考核组")  # the 版记 after the 附件


def test_the_indicators_total_100_and_the_total_is_computed_not_typed():
    indicators = example("assessment_plan")["indicators"]
    assert sum(item["points"] for item in indicators) == 100
    texts = paragraphs(render("assessment_plan"))
    rows = rows_after(texts, "评分标准", 4, len(indicators) + 1)
    assert rows[0] == ["组织领导", indicators[0]["content"], "15", indicators[0]["criteria"]]
    assert [row[0] for row in rows[:-1]] == [item["name"] for item in indicators]
    assert rows[-1] == ["合计", "", "100", ""]
    assert any("共设6个考核项目，满分100分" in t for t in texts)
    changed = [{**indicators[0], "points": 10}, *indicators[1:]]  # the total follows the rows
    texts = paragraphs(render("assessment_plan", indicators=changed))
    assert rows_after(texts, "评分标准", 4, len(changed) + 1)[-1] == ["合计", "", "95", ""]
    assert any("满分95分" in t for t in texts)


def test_the_plan_names_the_units_of_the_roster():
    roster = load_roster(ROOT / "docs" / "examples" / "名册.yaml")
    assessed = [unit.name for unit in roster.units if unit.kind in DEFAULT_KINDS]
    assert example("assessment_plan")["targets"] == assessed  # 县区财政部门 are not assessed
    texts = paragraphs(render("assessment_plan"))
    assert "局机关各科室和副县级二级机构，共4个：办公室、预算科、国库科、财政投资评审中心。" in texts


def test_the_plan_gives_methods_steps_bands_uses_and_the_team():
    texts = paragraphs(render("assessment_plan"))
    methods = texts[texts.index("三、考核方法") : texts.index("四、考核程序和时间安排")]
    for number, method in zip("一二三四五", ("自查自评", "听取汇报", "查阅资料", "民主测评", "个别谈话"), strict=True):
        assert any(t.startswith(f"（{number}）{method}。") for t in methods), method
    assert any(t.startswith("（三）检查考核（12月7日至12月18日）。") and "考核评分表" in t for t in texts)
    bands = "得分90分及以上的为优秀，80分至89分的为良好，70分至79分的为一般，不满70分的为较差。"
    assert any(bands in t for t in texts)
    uses = "".join(texts[texts.index("五、考核等次和结果运用") : texts.index("六、考核组")])
    assert "评先评优和选拔任用的重要依据" in uses and "末位的科室（单位），由局党组书记约谈其主要负责人" in uses
    assert "组长：局党组书记张建国" in texts and "副组长：驻局纪检组组长李明华、副局长刘建华" in texts
    moved = paragraphs(render("assessment_plan", excellent_min=95, good_min=85, fair_min=60))
    assert any("得分95分及以上的为优秀，85分至94分的为良好，60分至84分的为一般，不满60分的为较差。" in t for t in moved)


# ------------------------------------------------------------ 考核评分表: one unit, filled in and signed


def test_the_score_sheet_uses_the_plans_indicators():
    plan = example("assessment_plan")["indicators"]
    sheet = example("assessment_scoresheet")["indicators"]
    assert [{key: row[key] for key in INDICATOR_KEYS} for row in sheet] == plan


def test_the_score_sheet_totals_the_scores_and_is_signed_by_both_sides():
    document = render("assessment_scoresheet")
    texts = paragraphs(document)
    assert texts[0] == "2026年度党风廉政建设责任制检查考核评分表"
    assert document.title == "2026年度党风廉政建设责任制检查考核评分表（预算科）"
    assert document.metadata["unit"] == "预算科"  # filed under the unit assessed
    for label, value in (("被考核单位", "预算科"), ("单位负责人", "预算科科长王晓东"), ("考核日期", "2026年12月9日")):
        assert texts[texts.index(label) + 1] == value
    rows = rows_after(texts, "扣分理由", 6, 7)
    assert rows[1][:3] == ["主体责任落实", example("assessment_scoresheet")["indicators"][1]["content"], "20"]
    assert rows[1][4:] == ["18", "台账缺第三季度廉政提醒、风险点更新2项记录"]
    assert rows[0][4:] == ["15", ""]  # no deduction, no reason
    assert rows[-1] == ["合计", "", "100", "", "92", ""]
    assert "合计得分：92分（满分100分，扣分8分）。" in texts
    signers = {"考核组组长（签字）：", "考核组成员（签字）：", "被考核单位负责人（签字）："}
    assert signers <= set(texts) and texts.count("考核组成员（签字）：") == 3


def test_the_score_sheets_total_follows_the_scores_not_a_typed_figure():
    indicators = example("assessment_scoresheet")["indicators"]
    changed = [{**row, "score": row["points"], "reason": ""} for row in indicators]
    texts = paragraphs(render("assessment_scoresheet", indicators=changed))
    assert rows_after(texts, "扣分理由", 6, 7)[-1] == ["合计", "", "100", "", "100", ""]
    assert "合计得分：100分（满分100分，扣分0分）。" in texts
    template = Catalog.default().get("assessment_scoresheet")
    with pytest.raises(ValidationError) as raised:  # there is no total to type
        template.validate({**example("assessment_scoresheet"), "total": 100})
    assert [p.path for p in raised.value.problems] == ["total"]


def test_a_score_above_its_items_points_is_refused_naming_the_field():
    template = Catalog.default().get("assessment_scoresheet")
    data = example("assessment_scoresheet")
    data["indicators"] = [dict(row) for row in data["indicators"]]
    data["indicators"][1]["score"] = 21  # 主体责任落实 is worth 20
    data["indicators"][4]["score"] = -1
    with pytest.raises(ValidationError) as raised:
        template.validate(data)
    problems = {p.path: p for p in raised.value.problems}
    assert set(problems) == {"indicators[1].score", "indicators[4].score"}
    above = problems["indicators[1].score"]
    assert above.label == "考核指标和评分 第2条 得分"
    assert above.message == "应不大于分值（20），实际是 21"
    assert "应不小于 0" in problems["indicators[4].score"].message
    data["indicators"][1]["score"], data["indicators"][4]["score"] = 20, 0  # at the bounds: accepted
    assert template.validate(data)["indicators"][1]["score"] == 20


def test_a_score_above_its_points_is_a_data_error_on_the_command_line(run, tmp_path):
    data = example("assessment_scoresheet")
    lines = ["indicators:"]
    for row in data["indicators"]:
        score = row["points"] + 1 if row["name"] == "宣传教育" else row["score"]
        lines += [f"  - name: {row['name']}", f"    content: {row['content']}", f"    points: {row['points']}",
                  f"    criteria: {row['criteria']}", f"    score: {score}"]  # fmt: skip
    lines += ["year: 2026", "department: 预算科", "department_head: 王晓东", "date: 2026-12-09"]
    (tmp_path / "评分.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("render", "assessment_scoresheet", "--data", tmp_path / "评分.yaml", "-o", tmp_path / "评分.docx")
    assert result.exit_code == 3, result.output
    assert "考核指标和评分 第3条 得分（indicators[2].score）：应不大于分值（15），实际是 16" in result.output
    assert not (tmp_path / "评分.docx").exists()


def test_score_sheets_are_made_per_unit_from_the_roster():
    template = Catalog.default().get("assessment_scoresheet")
    assert unit_field(template) == "department"
    roster = load_roster(ROOT / "docs" / "examples" / "名册.yaml")
    data = unit_data(template, example("assessment_scoresheet"), roster.unit("国库科"), 2026)
    document = template.render(data)
    assert document.title == "2026年度党风廉政建设责任制检查考核评分表（国库科）"
    texts = paragraphs(document)
    assert texts[texts.index("单位负责人") + 1] == "国库科科长陈静"


# ------------------------------------------------------------ 考核结果通报: 名次, 等次, the 末位 and its 约谈


def test_the_results_bulletin_lists_the_units_by_score_with_rank_and_grade():
    document = render("assessment_results")
    texts = paragraphs(document)
    assert document.title == "关于2026年度党风廉政建设责任制检查考核结果的通报"
    assert document.metadata["doc_number"] == "X财党〔2026〕36号"
    assert rows_after(texts, "等次", 4, 4) == [
        ["1", "预算科", "92", "优秀"],
        ["2", "办公室", "90", "优秀"],
        ["3", "财政投资评审中心", "84", "良好"],
        ["4", "国库科", "76", "一般"],
    ]  # the example lists them in the roster's order: the 通报 sorts them
    assert any("参加考核的4个科室（单位）中，优秀2个、良好1个、一般1个。" in t for t in texts)
    printed = next(i for i, t in enumerate(texts) if t.endswith("印发"))
    assert printed > texts.index("七、工作要求") and texts[printed].startswith("××市财政局办公室")


def test_the_results_bulletin_names_the_last_unit_and_the_talk_that_follows():
    texts = paragraphs(render("assessment_results"))
    headings = [t for t in texts if re.match("[一二三四五六七]、", t)]
    assert headings == [
        "一、考核基本情况", "二、考核结果", "三、好的做法", "四、存在的问题", "五、末位约谈", "六、结果运用",
        "七、工作要求",
    ]  # fmt: skip
    talk = texts[texts.index("五、末位约谈") + 1]
    assert talk.startswith("国库科考核得分位列末位。")
    assert "约谈检查考核末位或干部群众反映问题集中的科室（单位）负责人" in talk  # 三（四）
    assert "由局党组书记张建国约谈国库科主要负责人" in talk
    assert "于2027年1月31日前将整改情况书面报送局党组和驻局纪检组。" in talk
    uses = "".join(texts[texts.index("六、结果运用") : texts.index("七、工作要求")])
    assert "评先评优和选拔任用的重要依据" in uses


def test_tied_units_share_a_rank_and_all_the_last_are_named():
    results = [
        {"unit": "办公室", "score": 88},
        {"unit": "预算科", "score": 95},
        {"unit": "国库科", "score": 65},
        {"unit": "财政投资评审中心", "score": 65},
    ]
    texts = paragraphs(render("assessment_results", results=results))
    assert rows_after(texts, "等次", 4, 4) == [
        ["1", "预算科", "95", "优秀"],
        ["2", "办公室", "88", "良好"],
        ["3", "国库科", "65", "较差"],
        ["3", "财政投资评审中心", "65", "较差"],
    ]
    assert any("中，优秀1个、良好1个、较差2个。" in t for t in texts)  # no 一般: not counted as 0
    assert texts[texts.index("五、末位约谈") + 1].startswith("国库科、财政投资评审中心考核得分位列末位。")


def test_the_grades_follow_the_bands_of_the_plan():
    plan, results = example("assessment_plan"), example("assessment_results")
    for band in ("excellent_min", "good_min", "fair_min"):
        assert results[band] == plan[band], band
    texts = paragraphs(render("assessment_results", excellent_min=92, good_min=85, fair_min=80))
    assert [row[3] for row in rows_after(texts, "等次", 4, 4)] == ["优秀", "良好", "一般", "较差"]
    assert any("得分92分及以上的为优秀，85分至91分的为良好，80分至84分的为一般，不满80分的为较差。" in t for t in texts)


def test_the_three_records_tell_one_story():
    plan, sheet, results = example("assessment_plan"), example("assessment_scoresheet"), example("assessment_results")
    assert sorted(row["unit"] for row in results["results"]) == sorted(plan["targets"])
    total = sum(row["score"] for row in sheet["indicators"])
    assert {row["unit"]: row["score"] for row in results["results"]}[sheet["department"]] == total
    assert plan["doc_number"] in results["intro"][0]  # the 通报 cites the plan's 文号
    assert plan["date"] < sheet["date"] < results["date"]
