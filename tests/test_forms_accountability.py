"""七（九）一案双究和责任倒查 (issue 14): the 纪检组's 问责意见 to 局党组 and 局党组's 责任追究决定.

The examples tell the story the 通报, the 报表 and the 典型案例 tell: 赵立新's case at 国库支付中心,
孙海涛 held to account for 主体责任, 钱文斌 for 监督责任.
"""

from __future__ import annotations

import re

import pytest

from lianzheng_docs import Catalog, RenderedDocument, ValidationError, check_document
from lianzheng_docs.gbt9704.wording import REQUEST_WORDING

from ooxml import paragraph_texts

GROUP = "中共××市纪委驻市财政局纪检组"
PARTY_GROUP = "中共××市财政局党组"


def paragraphs(document: RenderedDocument) -> list[str]:
    """The text of every paragraph of the body, tables and the 版记 included, in order."""
    return [t.strip() for t in paragraph_texts(document.content)]


def render(template_id: str, **changes: object) -> RenderedDocument:
    template = Catalog.default().get(template_id)
    return template.render({**template.example(), **changes})


def headings(texts: list[str]) -> list[str]:
    return [t for t in texts if re.match("[一二三四五六七八九十]+、", t)]


def imprint(texts: list[str]) -> tuple[str, str]:
    return next(t for t in texts if t.startswith("抄送：")), next(t for t in texts if t.endswith("印发"))


# ------------------------------------------------------------ 问责意见: 纪检组 → 局党组, 上行 意见


def test_the_suggestion_goes_up_to_the_party_group_alone_signed_by_the_group_head():
    document = render("accountability_suggestion")
    texts = paragraphs(document)
    assert document.title == "关于对国库支付中心赵立新违纪案有关责任人员进行问责的意见"
    assert texts.count(GROUP) >= 2  # 版头 and 署名
    number = next(t for t in texts if t.startswith("X财纪〔2026〕6号"))
    assert number.endswith("签发人：李明华")  # 上行文 (条例第九条)
    addressed = [t for t in texts if t.endswith("：") and not t.startswith(("抄送", "失职", "建议", "依据"))]
    assert addressed == [f"{PARTY_GROUP}："]  # one 主送: the organ that decides
    assert document.metadata["recipients"] == PARTY_GROUP and document.metadata["unit"] == "国库支付中心"
    report = check_document(document.content)
    assert report.passed and report.kind == "上行文", [str(f) for f in report.findings]


def test_the_suggestion_looks_back_at_both_responsibilities_person_by_person():
    texts = paragraphs(render("accountability_suggestion"))
    people = "三、有关责任人员的责任和问责意见"
    assert headings(texts) == ["一、案件基本情况", "二、责任倒查查明的问题", people, "四、建议"]
    people = texts.index(people)
    assert texts[people + 1 : people + 6] == [
        "（一）国库支付中心主任孙海涛",
        "失职失责情形：作为国库支付中心党风廉政建设第一责任人，对资金拨付审核把关不严，未建立复核制度，"
        "对下属违纪问题失察。",
        "责任类型：主体责任",
        "建议问责方式：诫勉",
        "依据条款：《中国共产党问责条例》第七条、第八条",
    ]
    second = texts.index("（二）驻局纪检组纪检监察员钱文斌")
    assert texts[second + 2] == "责任类型：监督责任"
    # the 纪检组's own staff are not the 党组's to hold to account: said so, not proposed
    assert texts[second + 3] == "建议问责方式：责令作出书面检查（按照干部管理权限，由驻局纪检组处理）"


def test_the_suggestion_proposes_without_asking_for_approval_and_gives_a_contact():
    texts = paragraphs(render("accountability_suggestion"))
    ending = texts.index("以上意见，请局党组研究决定。")
    assert [t for t in texts[ending + 1 :] if t][:2] == [GROUP, "2026年6月26日"]  # room for the seal between
    assert "（联系人：赵敏，电话：0371-12345679）" in texts  # 附注 (7.3.6)
    assert not REQUEST_WORDING.search("".join(texts))  # no 妥否，请批示: a 意见, not a 请示
    cc, printed = imprint(texts)
    assert cc == "抄送：中共××市纪委。"
    assert printed.startswith(GROUP) and printed.endswith("2026年6月26日印发")


def test_a_failure_already_ending_in_a_full_stop_gets_no_second_one():
    template = Catalog.default().get("accountability_suggestion")
    data = template.example()
    data["accountable"] = [{**data["accountable"][0], "failure": "对下属违纪问题失察。"}]
    texts = paragraphs(template.render(data))
    assert "失职失责情形：对下属违纪问题失察。" in texts


def test_each_person_needs_a_responsibility_of_the_two():
    template = Catalog.default().get("accountability_suggestion")
    data = template.example()
    data["accountable"] = [{**data["accountable"][0], "responsibility": "领导责任"}, {"person": "王某"}]
    with pytest.raises(ValidationError) as caught:
        template.render(data)
    paths = {p.path for p in caught.value.problems}
    assert "accountable[0].responsibility" in paths
    assert {"accountable[1].failure", "accountable[1].measure", "accountable[1].basis"} <= paths
    assert "accountable[1].handled_by" not in paths  # only when someone else decides
    assert any("主体责任" in p.message for p in caught.value.problems)


# ------------------------------------------------------------ 责任追究决定: 局党组 → the person's unit, 下行 决定


def test_the_decision_answers_the_suggestion_for_the_same_unit():
    catalog = Catalog.default()
    suggestion = catalog.get("accountability_suggestion").example()
    decision = render("accountability_decision")
    texts = paragraphs(decision)
    assert decision.title == "关于对孙海涛同志问责的决定"
    assert "X财党〔2026〕19号" in texts and texts.count("中共××市财政局党组文件") == 1
    assert "国库支付中心：" in texts  # 主送 the person's unit
    assert decision.metadata["unit"] == suggestion["case_unit"] == "国库支付中心"  # status links the two
    assert suggestion["doc_number"] in "".join(texts)  # it cites the 意见 it answers
    assert suggestion["date"] < catalog.get("accountability_decision").example()["date"]
    report = check_document(decision.content)
    assert report.passed and report.kind == "公文", [str(f) for f in report.findings]


def test_the_decision_states_facts_defence_decision_and_the_right_to_appeal():
    texts = paragraphs(render("accountability_decision"))
    assert headings(texts) == ["一、问责事实", "二、本人陈述和申辩及采纳情况", "三、处理决定"]
    profile = texts[texts.index("国库支付中心：") + 1]
    assert profile == "孙海涛，男，1972年出生，中共党员，2018年3月起任国库支付中心主任。"
    assert any(t.startswith("（一）落实主体责任不力。孙海涛同志作为") for t in texts)
    defence = texts.index("二、本人陈述和申辩及采纳情况")
    assert texts[defence + 1] == "调查组将事实材料与孙海涛同志见面，听取了其陈述和申辩。"
    assert texts[defence + 3].startswith("经研究，对其陈述和申辩部分采纳。国库支付中心人员少")
    assert (
        "依据《中国共产党问责条例》第七条、第八条，经中共××市财政局党组2026年7月3日会议研究，"
        "决定对孙海涛同志予以诫勉，由局党组书记对其进行诫勉谈话。"
    ) in texts
    assert (
        "孙海涛同志如对本决定不服，可以自收到本决定之日起一个月内，向中共××市财政局党组提出书面申诉。"
        "申诉期间，不停止本决定的执行。"
    ) in texts
    cc, printed = imprint(texts)
    assert cc == "抄送：中共××市纪委，中共××市纪委驻市财政局纪检组。"
    assert printed == "××市财政局办公室2026年7月3日印发"  # the tab is no w:t


@pytest.mark.parametrize(
    ("sanction", "title", "decided"),
    [
        ("通报", "关于对孙海涛同志问责的决定", "决定对孙海涛同志予以通报"),
        ("免职", "关于对孙海涛同志问责的决定", "决定对孙海涛同志予以免职"),
        ("责令辞职", "关于对孙海涛同志问责的决定", "决定责令孙海涛同志辞职"),
        ("党内警告", "关于给予孙海涛同志党内警告处分的决定", "决定给予孙海涛同志党内警告处分"),
        ("撤销党内职务", "关于给予孙海涛同志撤销党内职务处分的决定", "决定给予孙海涛同志撤销党内职务处分"),
        ("留党察看一年", "关于给予孙海涛留党察看一年处分的决定", "决定给予孙海涛留党察看一年处分"),
        ("开除党籍", "关于给予孙海涛开除党籍处分的决定", "决定给予孙海涛开除党籍处分"),
    ],
)
def test_the_title_and_the_decision_follow_the_measure(sanction, title, decided):
    document = render("accountability_decision", sanction=sanction, other_measures=None)
    texts = paragraphs(document)
    assert document.title == title  # the manifest's 题名 and the document's title agree
    assert title in texts
    assert any(t.endswith(decided + "。") for t in texts)
    comrade = not sanction.startswith(("留党", "开除"))
    assert any(t.startswith("孙海涛同志如对本决定不服" if comrade else "孙海涛如对本决定不服") for t in texts)


def test_the_decision_may_be_addressed_elsewhere_and_a_wrong_measure_is_named():
    texts = paragraphs(render("accountability_decision", addressees="国库支付中心党支部"))
    assert "国库支付中心党支部：" in texts and "国库支付中心：" not in texts
    template = Catalog.default().get("accountability_decision")
    with pytest.raises(ValidationError) as caught:
        template.render({**template.example(), "sanction": "记过", "adoption": "采纳"})
    found = {p.path: p for p in caught.value.problems}
    assert set(found) == {"sanction", "adoption"}
    assert found["sanction"].label == "问责方式或处分种类" and "诫勉" in found["sanction"].message


def test_bad_data_is_refused_on_the_command_line_naming_the_field_and_writing_nothing(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run("example", "accountability_decision", "-o", "决定.yaml")
    text = (tmp_path / "决定.yaml").read_text(encoding="utf-8").replace("sanction: 诫勉", "sanction: 记过")
    (tmp_path / "决定.yaml").write_text(text, encoding="utf-8")
    result = run("render", "accountability_decision", "-d", "决定.yaml", "-o", "决定.docx")
    assert result.exit_code == 3
    assert "问责方式或处分种类（sanction）" in result.stderr and "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["决定.yaml"]
