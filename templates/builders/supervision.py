"""监督 (六（一）, 七（六）（七）（八）): the 纪检组's 意见 to 局党组, the 廉政风险告知书, 廉政谈话 and 约谈
records, and the 专项检查 of the 二级机构 (its 通知 and its 报告)."""

from __future__ import annotations

from collections.abc import Callable

from lianzheng_docs.layout.builder import DOC_NUMBER, KAI, GongwenDocument, Span

from .pieces import (
    closing,
    facts_table,
    imprint,
    loop_headed_items,
    loop_paragraphs,
    receipt,
    red_header,
    signing_lines,
)


def risk_notice() -> GongwenDocument:
    doc = GongwenDocument(title="廉政风险告知书")
    doc.title("廉政风险告知书")
    doc.paragraph("{{ doc_number }}", style=DOC_NUMBER)
    doc.blank()
    doc.addressee("{{ recipient }}：")
    doc.paragraph("根据{{ source }}，我局发现你单位在财政资金管理中存在以下问题和廉政风险，现予告知：")
    doc.control("{%p for finding in findings %}")
    doc.paragraph(Span("（{{ loop.index|cn_num }}）{{ finding.title }}", KAI))
    # Labels stay in the body's 仿宋: 黑体 inside 正文 would breach 5.2.2.
    doc.paragraph("问题描述：{{ finding.problem }}")
    doc.paragraph("违反规定：{{ finding.rule }}")
    doc.paragraph("风险提示：{{ finding.risk }}")
    doc.paragraph("整改要求：{{ finding.requirement }}")
    doc.paragraph("整改时限：{{ finding.deadline or deadline }}前")
    doc.control("{%p endfor %}")
    doc.paragraph(
        "请你单位接到本告知书后，认真剖析问题成因，逐项制定整改措施，明确整改责任人和整改时限，"
        "于{{ deadline }}前将整改情况书面报送{{ reply_to }}，并填写回执。"
    )
    doc.paragraph("联系人：{{ contact.with_post }}，联系电话：{{ phone }}。")
    doc.signature("{{ issuer }}", "{{ date }}")
    receipt(
        doc,
        "廉政风险告知书回执",
        [
            ["告知书编号", "{{ doc_number }}"],
            ["接收单位（盖章）", "{{ recipient }}"],
            ["接收人（签字）", ""],
            ["接收日期", "　　　　年　　月　　日"],
            ["整改责任人", ""],
            ["联系电话", ""],
        ],
    )
    doc.blank()
    # each finding's 整改时限, and who answers for it: the deadline the recipient signs for
    doc.table(
        ["序号", "问题", "整改时限", "整改责任人"],
        [
            ["{%tr for finding in findings %}", "", "", ""],
            ["{{ loop.index }}", "{{ finding.title }}", "{{ finding.deadline or deadline }}", ""],
            ["{%tr endfor %}", "", "", ""],
        ],
        widths_mm=[16, 66, 44, 30],
        row_height_mm=12,
        center_columns=(0, 2),
    )
    doc.blank()
    doc.paragraph("请于收到本告知书后五个工作日内将回执报送{{ reply_to }}。")
    return doc


def integrity_talk_record() -> GongwenDocument:
    """七（六）: the record of one 廉政谈话, as the bureau prints and files it, signed by both sides."""
    doc = GongwenDocument(title="廉政谈话记录")
    doc.title("廉政谈话记录")
    doc.blank()
    facts_table(
        doc,
        [
            ["谈话类型", "{{ talk_kind }}"],
            ["谈话时间", "{{ date }}{{ time }}"],
            ["谈话地点", "{{ place }}"],
            ["谈话人", "{{ talker.with_post }}"],
            ["谈话对象", "{{ subject.with_post }}"],
            ["记录人", "{{ recorder.with_post }}"],
        ],
    )
    doc.blank()
    doc.heading(1, "一、谈话要点")
    loop_paragraphs(doc, "talk_points")
    doc.heading(1, "二、谈话对象表态")
    loop_paragraphs(doc, "response")
    doc.control("{%p if requirements %}")
    doc.heading(1, "三、后续要求")
    loop_paragraphs(doc, "requirements")
    doc.control("{%p endif %}")
    doc.paragraph("以上记录经谈话对象核对无误。")
    doc.blank()
    signing_lines(doc, "谈话人", "谈话对象", "记录人")
    return doc


def admonition_notice() -> GongwenDocument:
    """七（六）、三（四）: the notice that calls a unit's head to a 约谈, with a receipt he signs."""
    doc = GongwenDocument(title="约谈通知书")
    doc.title("约谈通知书")
    doc.paragraph("{{ doc_number }}", style=DOC_NUMBER)
    doc.blank()
    doc.addressee("{{ person.name }}同志：")
    doc.paragraph(
        "鉴于{{ unit }}{{ reason }}，根据《市财政局落实党风廉政建设“两个责任”实施办法》的规定，"
        "{{ talker_unit }}决定对你进行约谈，听取{{ unit }}党风廉政建设主体责任落实情况和你个人廉洁从政情况。"
        "现将有关事项通知如下："
    )
    doc.heading(1, "一、约谈事由")
    loop_paragraphs(doc, "details")
    doc.heading(1, "二、约谈时间和地点")
    doc.paragraph("{{ talk_date }}{{ talk_time }}，在{{ place }}。约谈人：{{ talker.with_post }}。")
    doc.heading(1, "三、有关要求")
    doc.control("{%p for item in requirements %}")
    doc.paragraph("{{ loop.index }}. {{ item }}")
    doc.control("{%p endfor %}")
    doc.paragraph("联系人：{{ contact.with_post }}，联系电话：{{ phone }}。")
    doc.signature("{{ issuer }}", "{{ date }}")
    receipt(
        doc,
        "约谈通知书送达回执",
        [
            ["通知书编号", "{{ doc_number }}"],
            ["被约谈人", "{{ person.with_post }}"],
            ["被约谈单位", "{{ unit }}"],
            ["约谈时间", "{{ talk_date }}{{ talk_time }}"],
            ["被约谈人（签字）", ""],
            ["签收日期", "　　　　年　　月　　日"],
        ],
    )
    doc.blank()
    doc.paragraph("请签收后于当日将回执交{{ talker_unit }}。")
    return doc


def admonition_record() -> GongwenDocument:
    """七（六）、三（四）: the record of a 约谈: why, what the head said, what he must put right, by when."""
    doc = GongwenDocument(title="约谈记录")
    doc.title("约谈记录")
    doc.blank()
    facts_table(
        doc,
        [
            ["约谈时间", "{{ date }}{{ time }}"],
            ["约谈地点", "{{ place }}"],
            ["约谈人", "{{ talker.with_post }}"],
            ["被约谈人", "{{ person.with_post }}"],
            ["被约谈单位", "{{ unit }}"],
            ["记录人", "{{ recorder.with_post }}"],
            ["约谈通知书", "{{ notice_number or '无' }}"],
        ],
    )
    doc.blank()
    doc.heading(1, "一、约谈事由")
    loop_paragraphs(doc, "reasons")
    doc.heading(1, "二、被约谈人陈述")
    loop_paragraphs(doc, "statement")
    doc.heading(1, "三、约谈意见")
    loop_paragraphs(doc, "opinions")
    doc.heading(1, "四、整改要求")
    doc.control("{%p for item in rectification %}")
    doc.paragraph("{{ loop.index }}. {{ item }}")
    doc.control("{%p endfor %}")
    doc.paragraph("被约谈人应于{{ report_by }}前将整改情况书面报送{{ report_to }}。")
    doc.paragraph("以上记录经被约谈人核对无误。")
    doc.blank()
    signing_lines(doc, "约谈人", "被约谈人", "记录人")
    return doc


def work_suggestion() -> GongwenDocument:
    """六（一）: the 纪检组's 建议 to 局党组 on the year's 党风廉政建设和反腐败工作, as a 上行 意见.

    条例第八条: an 意见 "对重要问题提出见解和处理办法" and may go up; going up it carries a 签发人
    (第九条) and one 主送, the 局党组 the seed places the 纪检组 under (六（一）"在局党组统一领导下").
    Each part is a level-1 heading over 建议 with 楷体 run-in headings (7.3.3).
    """
    doc = GongwenDocument(title="意见")
    red_header(doc, upward=True)
    doc.title("关于{{ subject }}的意见")
    doc.blank()
    doc.addressee("{{ addressees }}：")
    loop_paragraphs(doc, "intro")
    doc.control("{%p for part in sections %}")
    doc.heading(1, "{{ loop.index|cn_num }}、{{ part.heading }}")
    loop_headed_items(doc, "part.points")  # not .items: a dict's method
    doc.control("{%p endfor %}")
    doc.keep_with_next(doc.paragraph("{{ ending }}"))  # never a page of signature alone
    closing(doc)
    imprint(doc)
    return doc


#: 检查对象 of a 专项检查 (七（八）): the 二级机构 named in the ``units`` records, 、-separated.
UNIT_NAMES = "{{ units|map(attribute='name')|join('、') }}"


def _period(start: str, end: str) -> str:
    """The dates 2026年9月14日至10月16日: the end's year only when it is not the start's; no end, one day."""
    return (
        f"{{{{ {start} }}}}{{% if {end} %}}至{{% if {end}.year != {start}.year %}}{{{{ {end}.year }}}}年"
        f"{{% endif %}}{{{{ {end}.month }}}}月{{{{ {end}.day }}}}日{{% endif %}}"
    )


def inspection_notice() -> GongwenDocument:
    """七（八）: the 纪检组 tells the 二级机构 it will inspect what, when, how, and what to send first.

    A 下行 通知 to the units inspected (主送 made from ``units``, so it always names them):
    检查对象, 时间安排 (stages, then each unit's on-site days), 检查内容 (the seed's 重点),
    检查方式, the 检查组 when given, 有关要求 with the date the 自查报告 is due.
    """
    doc = GongwenDocument(title="通知")
    red_header(doc, upward=False)
    doc.title("关于开展{{ year }}年度{{ subject }}的通知")
    doc.blank()
    doc.addressee(f"{UNIT_NAMES}：")
    loop_paragraphs(doc, "intro")
    doc.heading(1, "一、检查对象")
    doc.paragraph(f"本次专项检查的对象为{UNIT_NAMES}，共{{{{ units|length }}}}个局属副县级二级机构。")
    doc.heading(1, "二、时间安排")
    loop_headed_items(doc, "stages")
    doc.paragraph("各单位现场检查时间安排如下：")
    doc.table(
        ["序号", "被检查单位", "现场检查时间"],
        [
            ["{%tr for item in units %}", "", ""],
            ["{{ loop.index }}", "{{ item.name }}", _period("item.start", "item.end")],
            ["{%tr endfor %}", "", ""],
        ],
        widths_mm=[14, 60, 82],  # the dates on one line: 2026年10月12日至10月16日
        center_columns=(0, 2),
    )
    doc.heading(1, "三、检查内容")
    doc.paragraph("重点检查落实“两个责任”、“四个着力”方面存在的突出问题，主要包括：")  # 七（八）
    loop_headed_items(doc, "contents")
    doc.heading(1, "四、检查方式")
    loop_paragraphs(doc, "methods")
    doc.control("{%p if team %}")
    doc.heading(1, "五、检查组组成")
    doc.control("{%p for member in team %}")
    doc.paragraph("{{ member.role }}：{{ member.people }}")
    doc.control("{%p endfor %}")
    doc.control("{%p endif %}")
    doc.heading(1, "{{ '六' if team else '五' }}、有关要求")
    doc.paragraph(
        "1. 认真开展自查。各单位要对照检查内容逐项自查，于{{ self_report_by }}前将自查报告"
        "（加盖单位公章）报送{{ reply_to }}。"
    )
    doc.control("{%p for item in requirements %}")
    doc.paragraph("{{ loop.index + 1 }}. {{ item }}")
    doc.control("{%p endfor %}")
    doc.paragraph("联系人：{{ contact.with_post }}，联系电话：{{ phone }}。")
    closing(doc)
    imprint(doc)
    return doc


def inspection_report() -> GongwenDocument:
    """七（八）: the 纪检组 reports a 专项检查 to 局党组: a 上行 报告, one 主送, 签发人, 特此报告.

    检查基本情况, 主要成效, then unit by unit what was found (a 楷体 heading per unit over its
    numbered problems, the total counted from the data), what is to be done about it and by when
    (each unit's own deadline), and 下一步工作.
    """
    doc = GongwenDocument(title="报告")
    red_header(doc, upward=True)
    doc.title("关于{{ year }}年度{{ subject }}情况的报告")
    doc.blank()
    doc.addressee("{{ addressees }}：")
    doc.paragraph(
        "按照{% if notice_number %}《关于开展{{ year }}年度{{ subject }}的通知》（{{ notice_number }}）"
        f"{{% else %}}年度工作{{% endif %}}安排，{_period('start', 'end')}，驻局纪检组组成检查组，"
        f"对{UNIT_NAMES}{{{{ units|length }}}}个局属副县级二级机构党风廉政建设情况进行了专项检查。"
        "现将检查情况报告如下。"
    )
    doc.heading(1, "一、检查基本情况")
    loop_paragraphs(doc, "overview")
    doc.heading(1, "二、主要成效")
    loop_headed_items(doc, "achievements")
    doc.heading(1, "三、发现的问题")
    found = "units|map(attribute='problems')|map('length')|sum"
    doc.paragraph(
        f"{{% if {found} %}}检查共发现问题{{{{ {found} }}}}个，分单位情况如下："
        "{% else %}检查未发现突出问题。{% endif %}"
    )
    doc.control("{%p for item in units|selectattr('problems') %}")
    doc.heading(2, "（{{ loop.index|cn_num }}）{{ item.name }}")
    doc.control("{%p for problem in item.problems %}")
    doc.paragraph("{{ loop.index }}. {{ problem }}")
    doc.control("{%p endfor %}")
    doc.control("{%p endfor %}")
    doc.control("{%p for item in units|rejectattr('problems') %}")
    doc.paragraph("{{ item.name }}检查中未发现突出问题。")
    doc.control("{%p endfor %}")
    doc.heading(1, "四、处理意见和整改要求")
    doc.control("{%p for item in units|selectattr('problems') %}")
    doc.paragraph(
        Span("（{{ loop.index|cn_num }}）{{ item.name }}。", KAI),
        "{{ item.measures|join('') }}{{ item.name }}应对照检查发现的问题逐项整改，"
        "于{{ item.deadline or deadline }}前完成整改，并将整改情况书面报送驻局纪检组。",
    )
    doc.control("{%p endfor %}")
    loop_paragraphs(doc, "requirements")
    doc.heading(1, "五、下一步工作")
    loop_headed_items(doc, "plans")
    doc.keep_with_next(doc.paragraph("特此报告。"))
    closing(doc)
    imprint(doc)
    return doc


BUILDERS: dict[str, Callable[[], GongwenDocument]] = {
    "risk_notice": risk_notice,
    "integrity_talk_record": integrity_talk_record,
    "admonition_notice": admonition_notice,
    "admonition_record": admonition_record,
    "work_suggestion": work_suggestion,
    "inspection_notice": inspection_notice,
    "inspection_report": inspection_report,
}
