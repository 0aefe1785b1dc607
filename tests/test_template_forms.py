"""The forms of the built-in templates (issue 14): who sends each document, to whom, with what."""

from __future__ import annotations

import re

import pytest

from lianzheng_docs import Catalog, RenderedDocument

from ooxml import paragraph_texts


def paragraphs(document: RenderedDocument) -> list[str]:
    """The text of every paragraph of the body, tables included, in order."""
    return paragraph_texts(document.content)


def render(template_id: str, **changes: object) -> RenderedDocument:
    template = Catalog.default().get(template_id)
    return template.render({**template.example(), **changes})


# ------------------------------------------------------------ 双报告: one 上级机关 per report


@pytest.mark.parametrize("template_id", ["dual_report", "dual_report_secretary"])
def test_a_dual_report_goes_to_one_recipient_and_both_are_made_from_the_same_data(template_id):
    to_committee = render(template_id, recipient="市委")
    to_commission = render(template_id, recipient="市纪委")
    assert "中共××市委：" in paragraphs(to_committee)
    assert "中共××市纪委：" in paragraphs(to_commission)
    for document in (to_committee, to_commission):  # never both 主送 on one 上行文
        assert not any("市委、" in text and text.endswith("：") for text in paragraphs(document))
    assert to_committee.metadata["recipients"] == "中共××市委"
    assert to_commission.metadata["recipients"] == "中共××市纪委"
    assert to_committee.title == to_commission.title


def test_the_recipient_has_to_be_chosen():
    template = Catalog.default().get("dual_report")
    data = template.example()
    del data["recipient"]
    with pytest.raises(Exception, match="recipient"):
        template.render(data)


def test_the_first_responsible_person_report_is_the_party_groups():
    """七（三）: 局党组 reports on the secretary's duties; a red-headed, numbered 党组 document signs as 党组."""
    document = render("dual_report_secretary")
    texts = paragraphs(document)
    assert document.metadata["issuer"] == "中共××市财政局党组"
    assert "中共××市财政局党组" in [t.strip() for t in texts]
    assert not any("党组书记　张建国" in t for t in texts)
    assert any(t.startswith("X财党〔2026〕13号") for t in texts)


# ------------------------------------------------------------ 印发机关, 回执


def test_the_supervision_report_is_printed_by_the_organ_that_heads_and_signs_it():
    document = render("supervision_report")
    texts = [t.strip() for t in paragraphs(document)]
    mark = "中共××市纪委驻市财政局纪检组"
    assert texts.count(mark) >= 2  # 版头 and 署名
    assert any(t.startswith(mark) and t.endswith("印发") for t in texts)
    assert not any("监察室" in t and t.endswith("印发") for t in texts)


def test_the_risk_notice_receipt_is_stamped_and_gives_each_findings_deadline():
    template = Catalog.default().get("risk_notice")
    data = template.example()
    data["findings"] = [*data["findings"][:1], {**data["findings"][1], "deadline": None}]
    del data["findings"][1]["deadline"]
    texts = paragraphs(template.render(data))
    assert "接收单位（盖章）" in texts
    assert "整改时限：2026年7月31日前" in texts  # the finding's own
    assert "整改时限：2026年8月31日前" in texts  # none given: the report's deadline
    receipt = texts[texts.index("廉政风险告知书回执") :]
    assert receipt[receipt.index("整改时限") :][:4] == ["整改时限", "整改责任人", "1", "专项资金拨付不及时"]
    assert "2026年7月31日" in receipt and "2026年8月31日" in receipt


# ------------------------------------------------------------ new records and forms


def test_an_integrity_talk_record_names_both_sides_and_is_signed_by_three():
    document = render("integrity_talk_record")
    texts = paragraphs(document)
    assert texts[0] == "廉政谈话记录"
    assert document.title == "廉政谈话记录（局党组书记张建国与预算科科长王晓东）"  # 题名: who talked with whom
    assert document.metadata["unit"] == "局党组" and document.metadata["recipients"] == "预算科科长王晓东"
    for label, value in (("谈话时间", "2026年3月18日上午9:30—10:30"), ("谈话对象", "预算科科长王晓东")):
        assert texts[texts.index(label) + 1] == value
    assert {"谈话人（签字）：", "谈话对象（签字）：", "记录人（签字）："} <= set(texts)
    without = render("integrity_talk_record", requirements=[])
    assert "三、后续要求" in texts and "三、后续要求" not in paragraphs(without)


def test_an_admonition_notice_gives_reason_time_place_and_a_receipt():
    document = render("admonition_notice")
    texts = paragraphs(document)
    assert texts[:2] == ["约谈通知书", "X财纪约〔2026〕2号"] and "周涛同志：" in texts
    assert any(t.startswith("鉴于非税收入管理科在党风廉政建设责任制检查中发现问题较多") for t in texts)
    assert "2026年7月16日下午3:00，在驻局纪检组会议室。约谈人：驻局纪检组组长李明华。" in texts
    receipt = texts[texts.index("约谈通知书送达回执") :]
    assert "被约谈人（签字）" in receipt and "X财纪约〔2026〕2号" in receipt
    assert document.metadata["doc_number"] == "X财纪约〔2026〕2号"
    assert Catalog.default().get("admonition_notice").manifest.number_prefix == "X财纪约"


def test_an_admonition_record_sets_the_rectification_and_its_deadline():
    texts = paragraphs(render("admonition_record"))
    assert texts[0] == "约谈记录"
    assert ["一、约谈事由", "二、被约谈人陈述", "三、约谈意见", "四、整改要求"] == [
        t for t in texts if re.match("[一二三四]、", t)
    ]
    assert "被约谈人应于2026年8月31日前将整改情况书面报送驻局纪检组。" in texts
    assert {"约谈人（签字）：", "被约谈人（签字）：", "记录人（签字）："} <= set(texts)


def test_the_task_assignment_notice_carries_its_task_list_as_the_attachment():
    document = render("task_assignment_notice")
    texts = paragraphs(document)
    name = "2026年度党风廉政建设和反腐败工作任务分工"
    assert document.title == f"关于印发{name}的通知"
    note = texts.index(f"附件：{name}")  # 7.3.4: under the body, before the 署名
    signature = texts.index("中共××市财政局党组", note)
    label = texts.index("附件", signature)  # 7.3.7: the 附件 after the 署名, its title two lines on
    assert texts[label + 2] == name
    table = texts[label:]
    assert table[table.index("完成时限") + 1 : table.index("完成时限") + 7] == [
        "1", "召开党风廉政建设和反腐败工作专题会议，制定年度工作计划", "张建国", "办公室", "刘洋", "3月底前",
    ]  # fmt: skip
    assert "主体责任人（签字）：" in table and "监督责任人（签字）：" in table  # 七（二）签字背书
    printed = next(i for i, t in enumerate(texts) if t.endswith("印发"))
    assert printed > texts.index("监督责任人（签字）：")  # the 版记 comes last


def test_a_duty_report_is_the_heads_own_without_header_or_number():
    document = render("duty_report")
    texts = paragraphs(document)
    assert texts[0] == "2026年度述责述廉报告" and "局考核组：" in texts
    assert not any("〔" in t for t in texts)  # no 文号: a personal report
    assert document.title == "2026年度述责述廉报告（预算科科长王晓东）" and document.metadata["unit"] == "预算科"
    assert [t for t in texts if re.match("[一二三四]、", t)] == [
        "一、履行党风廉政建设主体责任情况", "二、个人廉洁从政情况", "三、存在的问题", "四、下一步打算",
    ]  # fmt: skip
    assert "预算科科长王晓东" in [t.strip() for t in texts]  # 署名: the head himself


def test_an_integrity_pledge_takes_the_seeds_commitments_and_a_signature():
    document = render("integrity_pledge")
    texts = paragraphs(document)
    assert texts[0] == "2026年度廉洁从政承诺书" and document.metadata["unit"] == "局党组"
    assert any("“五个不直接分管”和“末位表态”" in t for t in texts)  # 三（六）
    assert {"承诺人（签字）：", "职务：局党组书记", "日期：2026年2月20日"} <= set(texts)


def test_a_party_life_report_goes_to_the_organ_party_committee_with_its_measures():
    document = render("party_life_report")
    texts = paragraphs(document)
    assert "局机关党委：" in texts and document.metadata["unit"] == "预算科"
    assert any("局党组副局长陈卫东到会指导" in t for t in texts)  # 七（四）: a leader attends
    assert "二、执行党风廉政建设责任制情况" in texts
    measures = texts[texts.index("完成时限") + 1 :]
    measure = "对照新修订的预算管理制度重新梳理风险点，报驻局纪检组备案"
    assert measures[:5] == ["1", "廉政风险点更新不及时", measure, "王晓东", "6月30日前"]
    alone = render("party_life_report", supervisor=None)
    assert not any("到会指导" in t for t in paragraphs(alone))


def test_a_rectification_report_answers_the_risk_notice_item_by_item():
    document = render("rectification_report")
    texts = paragraphs(document)
    assert "整改情况" in document.title and document.metadata["unit"] == "××县财政局"  # 七（七）obligation
    assert any("收到《廉政风险告知书》（X财廉告〔2026〕3号）" in t for t in texts)
    assert texts.count("整改状态：已完成；责任人：国库股股长宋佳。") == 1
    notice = Catalog.default().get("risk_notice").example()
    assert [f["title"] for f in notice["findings"]] == [
        i["title"] for i in Catalog.default().get("rectification_report").example()["items"]
    ]


# ------------------------------------------------------------ 通报: the decision as fields, the public version


def test_the_bulletins_decision_is_written_from_its_fields():
    texts = paragraphs(render("accountability_bulletin"))
    assert (
        "依据《中国共产党纪律处分条例》第九十七条、第一百零二条，2026年7月3日经中共××市财政局党组研究决定"
        "（X财党〔2026〕18号），给予赵立新党内严重警告处分，免去其现任职务，收缴其违纪所得。"
    ) in texts
    assert "赵立新，男，1978年出生，中共党员，2019年7月起任国库支付中心副主任，2025年8月被免职。" in texts
    template = Catalog.default().get("accountability_bulletin")
    assert "开除党籍" in template.manifest.field("sanction").choices


def test_the_public_bulletin_hides_what_identifies_a_person_and_what_is_internal():
    template = Catalog.default().get("accountability_bulletin")
    internal = template.render(template.example())
    public = template.render(template.example(), mask_names=True)
    texts, text = paragraphs(public), "".join(paragraphs(public))
    assert public.title == "关于市财政局所属单位原副职干部赵某某违规办理资金拨付并收受购物卡问题的通报"
    assert texts[texts.index("一、基本案情") + 1] == "赵某某，男，中共党员，市财政局所属事业单位原副职干部。"
    leaks = ("1978", "国库支付中心", "X财党〔2026〕", "局机关各科室、各二级机构：", "印发", "抄送", "秘密", "000021")
    for leak in leaks:
        assert leak not in text, leak
    assert "（一）" in text and "孙某某对资金拨付审核把关不严" in text  # leaders by masked name, no post
    internal_text = "".join(paragraphs(internal))
    for kept in ("1978年出生", "X财党〔2026〕21号", "X财党〔2026〕18号", "局机关各科室、各二级机构：", "印发"):
        assert kept in internal_text, kept


def test_what_the_public_bulletin_hides_is_configurable():
    template = Catalog.default().get("accountability_bulletin")
    public = template.render({**template.example(), "public_hides": ["出生年份"]}, mask_names=True)
    text = "".join(paragraphs(public))
    assert "1978" not in text and "赵某某" in text and "赵立新" not in text  # names always go
    assert "X财党〔2026〕21号" in text and "局机关各科室、各二级机构：" in text and "印发" in text
    assert "国库支付中心原副主任赵某某" in public.title  # 职务 kept when not listed


def test_a_department_report_goes_to_the_party_group_and_the_discipline_group_separately():
    to_group = render("department_report", recipient="局党组")
    to_discipline = render("department_report", recipient="驻局纪检组")
    assert "中共××市财政局党组：" in paragraphs(to_group)
    assert "中共××市纪委驻市财政局纪检组：" in paragraphs(to_discipline)
    assert to_discipline.metadata["recipients"] == "中共××市纪委驻市财政局纪检组"
    assert not any("、" in t and t.endswith("：") for t in paragraphs(to_group))


def test_the_accountability_return_has_a_row_per_person_and_counts_both_responsibilities():
    document = render("accountability_return")
    texts = paragraphs(document)
    assert texts[0] == "2026年上半年责任追究情况报表" and document.metadata["recipients"] == "中共××市纪委"
    rows = texts[texts.index("决定日期") + 1 :]
    assert rows[:9] == [
        "1", "孙海涛", "国库支付中心主任", "国库支付中心", "对资金拨付审核把关不严，对下属违纪问题失察",
        "主体责任", "诫勉谈话", "局党组", "2026年7月3日",
    ]  # fmt: skip
    assert "合计：追究2人次，其中主体责任1人次、监督责任1人次。" in texts
    assert "填报单位（盖章）：中共××市纪委驻市财政局纪检组" in texts


def test_the_obligations_name_the_templates_that_satisfy_them():
    from lianzheng_docs.duties.obligations import load_obligations

    catalog = Catalog.default()
    named = {o.id: o.template for o in load_obligations() if o.template}
    assert {
        "duty_report": "duty_report",
        "secretary_duty_report": "duty_report",
        "integrity_talk": "integrity_talk_record",
        "secretary_integrity_talks": "integrity_talk_record",
        "integrity_pledge": "integrity_pledge",
        "party_life_meeting": "party_life_report",
        "risk_notice_rectification": "rectification_report",
    }.items() <= named.items()
    for obligation in load_obligations():
        if obligation.template in catalog.ids() and obligation.also_keywords:
            # a filed scan is found by its 题名 as the template's own document would be
            title = render(obligation.template).title
            assert any(word in title for word in obligation.also_keywords), (obligation.id, title)


def test_a_typical_case_numbers_its_sections_with_or_without_the_leaders_held_to_account():
    texts = paragraphs(render("typical_case"))
    assert texts[0] == "国库支付中心原副主任赵立新违规办理资金拨付并收受购物卡问题典型案例"
    assert "四、一案双究情况" in texts and "五、案例剖析和警示" in texts
    without = paragraphs(render("typical_case", accountability=[]))
    assert "四、一案双究情况" not in without and "四、案例剖析和警示" in without
    assert "中共××市纪委驻市财政局纪检组" in [t.strip() for t in texts]
