"""The forms of the 驻局纪检组's new templates (issue 14): its 意见 to 局党组 (六（一）) and the
专项检查 of the 二级机构 (七（八）): the 通知 that announces it and the 报告 that gives its results."""

from __future__ import annotations

import re

import pytest

from lianzheng_docs import Catalog, RenderedDocument, ValidationError, check_document
from lianzheng_docs.duties.obligations.judging import stated_deadline
from lianzheng_docs.gbt9704.wording import REQUEST_WORDING

from ooxml import paragraph_texts

GROUP = "中共××市纪委驻市财政局纪检组"  # 发文机关标志, 署名 and 印发机关 of all three
PARTY_GROUP = "中共××市财政局党组"
UNITS = ["国库支付中心", "财政投资评审中心", "非税收入管理中心"]


def paragraphs(document: RenderedDocument) -> list[str]:
    """The text of every paragraph of the body, tables and the 版记 included, in order."""
    return [t.strip() for t in paragraph_texts(document.content) if t.strip()]


def example(template_id: str) -> dict:
    return Catalog.default().get(template_id).example()


def render(template_id: str, **changes: object) -> RenderedDocument:
    template = Catalog.default().get(template_id)
    return template.render({**template.example(), **changes})


def addressee(texts: list[str], title: str) -> str:
    """The 主送 line: the paragraph under the title (7.3.2), all the 主送机关 it names."""
    return texts[texts.index(title) + 1]


def headings(texts: list[str]) -> list[str]:
    return [t for t in texts if re.match("[一二三四五六七八九十]+、", t)]


def imprint(texts: list[str]) -> tuple[str, str]:
    """The 版记: its 抄送 line and its 印发 line, the last two paragraphs."""
    cc, printed = texts[-2], texts[-1]
    assert cc.startswith("抄送：") and printed.endswith("印发"), texts[-2:]
    return cc, printed


# ------------------------------------------------------------ 六（一）: the 意见 to 局党组


def test_the_work_suggestion_is_an_upward_opinion_from_the_group_to_the_party_group_alone():
    template = Catalog.default().get("work_suggestion")
    assert (template.manifest.kind, template.manifest.direction) == ("意见", "上行")
    assert template.manifest.number_prefix == "X财纪"  # the 纪检组's one sequence, as its 报告
    document = render("work_suggestion")
    texts = paragraphs(document)
    title = "关于加强2026年度党风廉政建设和反腐败工作的意见"
    assert texts[:3] == ["000002", "秘密★1年", "加急"]  # 份号, 密级, 紧急程度 above the mark (7.2.1-7.2.3)
    assert document.title == title and texts[3:6] == [GROUP, "X财纪〔2026〕3号签发人：李明华", title]  # 7.2.6
    assert addressee(texts, title) == f"{PARTY_GROUP}："  # one 主送 (条例第十五条)
    assert document.metadata["recipients"] == PARTY_GROUP and document.metadata["unit"] == "驻局纪检组"
    report = check_document(document.content)
    assert report.passed and report.errors == [] and report.warnings == [], [str(f) for f in report.findings]
    assert report.kind == "上行文"


def test_the_work_suggestion_numbers_its_parts_and_each_parts_suggestions_afresh():
    texts = paragraphs(render("work_suggestion"))
    assert headings(texts) == [
        "一、压紧压实“两个责任”",
        "二、加强财政资金监管和廉政风险防控",
        "三、持之以恒纠正“四风”",
        "四、强化监督检查和责任追究",
    ]
    second = texts.index("二、加强财政资金监管和廉政风险防控")
    assert texts[second + 1].startswith("（一）聚焦关键环节。围绕专项资金分配")  # run-in, numbering restarts
    assert texts[second + 2].startswith("（二）用好廉政风险告知。")
    assert any(t.startswith("（一）开展专项检查。") and "“四个着力”" in t for t in texts)  # leads to 七（八）
    more = example("work_suggestion")["sections"][:1]
    more[0]["points"].append({"heading": "强化考核运用。", "paragraphs": ["第一段。", "第二段。"]})
    texts = paragraphs(render("work_suggestion", sections=more))
    assert headings(texts) == ["一、压紧压实“两个责任”"]
    third = next(i for i, t in enumerate(texts) if t.startswith("（三）"))
    assert texts[third : third + 2] == ["（三）强化考核运用。第一段。", "第二段。"]


def test_the_work_suggestion_ends_as_an_opinion_not_a_request_and_is_printed_by_its_sender():
    texts = paragraphs(render("work_suggestion"))
    ending = texts.index("以上意见，供局党组研究决策时参考。")
    assert texts[ending + 1 : ending + 3] == [GROUP, "2026年2月26日"]  # 署名 = 版头
    assert not REQUEST_WORDING.search("".join(texts))  # no 妥否，请批示: it proposes, it does not ask
    cc, printed = imprint(texts)
    assert cc == "抄送：中共××市纪委。"  # the 派出机关 is kept informed
    assert printed.startswith(GROUP) and printed.endswith("2026年2月26日印发")


# ------------------------------------------------------------ 七（八）: the 通知 of a 专项检查


def test_the_inspection_notice_goes_down_to_exactly_the_units_it_inspects():
    template = Catalog.default().get("inspection_notice")
    assert (template.manifest.kind, template.manifest.direction) == ("通知", "下行")
    document = render("inspection_notice")
    texts = paragraphs(document)
    title = "关于开展2026年度局属二级机构党风廉政建设专项检查的通知"
    assert document.title == title and texts[3:6] == [GROUP, "X财纪〔2026〕11号", title]  # no 签发人 going down
    assert addressee(texts, title) == "、".join(UNITS) + "："
    assert document.metadata["recipients"] == "、".join(UNITS)
    assert f"本次专项检查的对象为{'、'.join(UNITS)}，共3个局属副县级二级机构。" in texts
    two = render("inspection_notice", units=example("inspection_notice")["units"][1:])
    assert addressee(paragraphs(two), title) == "财政投资评审中心、非税收入管理中心："
    assert "共2个局属副县级二级机构" in "".join(paragraphs(two))
    report = check_document(document.content)
    assert report.passed and report.warnings == [], [str(f) for f in report.findings]


def test_the_inspection_notice_schedules_each_unit_and_says_what_is_inspected_and_how():
    texts = paragraphs(render("inspection_notice"))
    assert headings(texts) == [
        "一、检查对象",
        "二、时间安排",
        "三、检查内容",
        "四、检查方式",
        "五、检查组组成",
        "六、有关要求",
    ]
    table = texts[texts.index("现场检查时间") + 1 :]
    assert table[:9] == [
        "1", "国库支付中心", "2026年9月14日至9月18日",
        "2", "财政投资评审中心", "2026年9月21日至9月25日",
        "3", "非税收入管理中心", "2026年10月12日至10月16日",
    ]  # fmt: skip
    contents = texts.index("三、检查内容")
    assert texts[contents + 1] == "重点检查落实“两个责任”、“四个着力”方面存在的突出问题，主要包括："  # 七（八）
    assert texts[contents + 2].startswith("（一）落实主体责任情况。")
    methods = texts[texts.index("四、检查方式") + 1]
    assert all(way in methods for way in ("听取汇报", "查阅资料", "个别谈话", "实地查看"))
    assert "组　长：李明华（驻局纪检组组长）" in texts
    # a unit inspected on one day, and a visit that runs into the next year
    units = [{"name": "国库支付中心", "start": "2026-09-14"}, {"name": "非税收入管理中心", "start": "2026-12-28",
             "end": "2027-01-08"}]  # fmt: skip
    table = paragraphs(render("inspection_notice", units=units))
    assert table[table.index("现场检查时间") + 1 :][:6] == [
        "1", "国库支付中心", "2026年9月14日", "2", "非税收入管理中心", "2026年12月28日至2027年1月8日",
    ]  # fmt: skip


def test_the_inspection_notice_asks_for_a_self_report_by_a_date_and_names_a_contact():
    texts = paragraphs(render("inspection_notice"))
    asks = texts.index("六、有关要求")
    assert texts[asks + 1] == (
        "1. 认真开展自查。各单位要对照检查内容逐项自查，"
        "于2026年9月11日前将自查报告（加盖单位公章）报送驻局纪检组（监察室）。"
    )
    assert texts[asks + 2].startswith("2. 高度重视，积极配合。") and texts[asks + 3].startswith("3. 严守纪律")
    assert "联系人：监察室主任赵敏，联系电话：0371-12345679。" in texts
    # a 自查报告 is not a 整改情况 answer: nothing in the notice reads as a 整改 deadline to the obligations
    assert stated_deadline("".join(texts)) is None
    cc, printed = imprint(texts)
    assert cc == f"抄送：{PARTY_GROUP}。"  # 条例第十六条: copied to the direct superior
    assert printed.startswith(GROUP) and printed.endswith("2026年8月28日印发")
    assert texts[texts.index(printed) - 3 : texts.index(printed) - 1] == [GROUP, "2026年8月28日"]


def test_without_a_team_the_requirements_become_part_five():
    texts = paragraphs(render("inspection_notice", team=[]))
    assert headings(texts)[-2:] == ["四、检查方式", "五、有关要求"]
    assert not any("检查组组成" in t or t.startswith("组　长") for t in texts)


# ------------------------------------------------------------ 七（八）: the 报告 of a 专项检查


def test_the_inspection_report_goes_up_to_the_party_group_with_its_signer():
    template = Catalog.default().get("inspection_report")
    assert (template.manifest.kind, template.manifest.direction) == ("报告", "上行")
    document = render("inspection_report")
    texts = paragraphs(document)
    title = "关于2026年度局属二级机构党风廉政建设专项检查情况的报告"
    assert document.title == title and texts[3:6] == [GROUP, "X财纪〔2026〕15号签发人：李明华", title]
    assert addressee(texts, title) == f"{PARTY_GROUP}："
    assert texts[texts.index(title) + 2] == (
        "按照《关于开展2026年度局属二级机构党风廉政建设专项检查的通知》（X财纪〔2026〕11号）安排，"
        "2026年9月14日至10月16日，驻局纪检组组成检查组，对国库支付中心、财政投资评审中心、非税收入管理中心"
        "3个局属副县级二级机构党风廉政建设情况进行了专项检查。现将检查情况报告如下。"
    )
    assert headings(texts) == [
        "一、检查基本情况",
        "二、主要成效",
        "三、发现的问题",
        "四、处理意见和整改要求",
        "五、下一步工作",
    ]
    report = check_document(document.content)
    assert report.passed and report.warnings == [] and report.kind == "上行文", [str(f) for f in report.findings]


def test_the_inspection_report_cites_the_notice_it_followed():
    notice, report = example("inspection_notice"), example("inspection_report")
    assert report["notice_number"] == notice["doc_number"] and report["subject"] == notice["subject"]
    assert report["start"] == notice["units"][0]["start"] and report["end"] == notice["units"][-1]["end"]
    assert [u["name"] for u in report["units"]] == [u["name"] for u in notice["units"]] == UNITS
    assert notice["date"] < report["start"] < report["end"] < report["date"]
    notice_title = render("inspection_notice").title
    assert f"《{notice_title}》（X财纪〔2026〕11号）" in "".join(paragraphs(render("inspection_report")))
    intro = next(t for t in paragraphs(render("inspection_report", notice_number=None)) if t.startswith("按照"))
    assert intro.startswith("按照年度工作安排，2026年9月14日至10月16日，驻局纪检组组成检查组") and "《" not in intro


def test_the_inspection_report_lists_each_units_problems_under_its_name():
    texts = paragraphs(render("inspection_report"))
    found = texts.index("三、发现的问题")
    assert texts[found + 1] == "检查共发现问题6个，分单位情况如下："  # counted from the data
    section = texts[found + 2 : texts.index("四、处理意见和整改要求")]
    assert [t for t in section if t.startswith("（")] == [
        "（一）国库支付中心",
        "（二）财政投资评审中心",
        "（三）非税收入管理中心",
    ]
    numbers = [t.split(".")[0] for t in section if not t.startswith("（")]
    assert numbers == ["1", "2", "3", "1", "2", "1"]  # each unit's problems numbered afresh
    second = section.index("（二）财政投资评审中心")
    assert section[second + 2] == "2. 个别干部作风不严实。1名评审人员在项目现场评审期间接受被评审单位安排的工作餐。"


def test_the_inspection_report_gives_each_unit_its_measures_and_its_own_deadline():
    texts = paragraphs(render("inspection_report"))
    handling = texts[texts.index("四、处理意见和整改要求") + 1 : texts.index("五、下一步工作")]
    deadlines = {name: re.search(rf"{name}应对照检查发现的问题逐项整改，于(\S+?)前完成整改", "".join(handling))
                 for name in UNITS}  # fmt: skip
    assert {name: m and m[1] for name, m in deadlines.items()} == {
        "国库支付中心": "2026年12月15日", "财政投资评审中心": "2026年12月31日", "非税收入管理中心": "2027年1月15日",
    }  # fmt: skip
    assert handling[0].startswith(
        "（一）国库支付中心。驻局纪检组已约谈中心主要负责人，责令领导班子作出书面检查；对资金拨付"
    )
    assert handling[-1].startswith("各单位主要负责人要切实履行第一责任人职责")  # the common requirement last
    # a unit without a deadline of its own takes the report's 统一整改期限
    units = example("inspection_report")["units"]
    del units[2]["deadline"]
    text = "".join(paragraphs(render("inspection_report", units=units)))
    assert "非税收入管理中心应对照检查发现的问题逐项整改，于2026年12月31日前完成整改" in text


def test_a_unit_without_problems_is_said_to_be_clean_and_gets_no_rectification():
    units = example("inspection_report")["units"]
    units[1] = {"name": "财政投资评审中心", "problems": [], "measures": []}
    texts = paragraphs(render("inspection_report", units=units))
    assert "检查共发现问题4个，分单位情况如下：" in texts
    assert "（二）非税收入管理中心" in texts and "（二）财政投资评审中心" not in texts  # numbered among the rest
    assert "财政投资评审中心检查中未发现突出问题。" in texts
    assert not any(t.startswith("（") and "财政投资评审中心" in t for t in texts)
    clean = [{"name": name, "problems": []} for name in UNITS]
    texts = paragraphs(render("inspection_report", units=clean))
    assert "检查未发现突出问题。" in texts and not any("完成整改" in t for t in texts)


def test_the_inspection_report_closes_as_a_report_and_is_printed_by_its_sender():
    texts = paragraphs(render("inspection_report"))
    closing = texts.index("特此报告。")
    assert texts[closing + 1 : closing + 3] == [GROUP, "2026年11月6日"]
    cc, printed = imprint(texts)
    assert cc == "抄送：中共××市纪委。"
    assert printed.startswith(GROUP) and printed.endswith("2026年11月6日印发")
    plans = example("inspection_report")["plans"]
    plans[0] = {**plans[0], "paragraphs": ["以上意见妥否，请批示。"]}
    with pytest.raises(ValidationError, match="请示"):  # 条例第十五条: a 报告 carries no 请示
        render("inspection_report", plans=plans)


@pytest.mark.parametrize("template_id", ["work_suggestion", "inspection_notice", "inspection_report"])
def test_the_groups_documents_are_filed_under_the_group(template_id):
    document = render(template_id)
    assert document.metadata["issuer"] == GROUP and document.metadata["unit"] == "驻局纪检组"
    assert Catalog.default().get(template_id).manifest.number_prefix == "X财纪"


def test_the_checker_says_why_an_opinion_is_read_as_going_up(tmp_path):
    """An 意见 is not one of the 上行 kinds by name; its 签发人 is what makes it one (条例第九条)."""
    path = render("work_suggestion").save(tmp_path / "意见.docx")
    report = check_document(path)
    assert report.kind == "上行文" and report.kind_inferred
    assert "标注了签发人，按上行文检查（条例第九条）" in report.kind_reasons
    assert not any("报告、请示是上行文" in reason for reason in report.kind_reasons)
