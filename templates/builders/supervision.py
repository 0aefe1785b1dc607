"""监督 (七（六）（七）): the 廉政风险告知书, 廉政谈话 and 约谈 records."""

from __future__ import annotations

from collections.abc import Callable

from lianzheng_docs.layout.builder import DOC_NUMBER, KAI, GongwenDocument, Span

from .pieces import facts_table, loop_paragraphs, receipt, signing_lines


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


BUILDERS: dict[str, Callable[[], GongwenDocument]] = {
    "risk_notice": risk_notice,
    "integrity_talk_record": integrity_talk_record,
    "admonition_notice": admonition_notice,
    "admonition_record": admonition_record,
}
