"""主体责任 (二, 三, 五, 七（一）（二）（五）): the letter, the year's task list, its review, the pledge, 述责述廉."""

from __future__ import annotations

from collections.abc import Callable

from lianzheng_docs.layout.builder import KAI, GongwenDocument, Signatory, Span

from .pieces import (
    attachment_note,
    attachment_page,
    closing,
    imprint,
    loop_headed_items,
    loop_paragraphs,
    loop_sections,
    red_header,
    signing_lines,
)


def responsibility_letter() -> GongwenDocument:
    doc = GongwenDocument(title="党风廉政建设责任书")
    doc.title("{{ year }}年度党风廉政建设责任书")
    doc.blank()
    doc.party("甲方：", "{{ party_group }}（主体责任人：{{ secretary.with_post }}）")
    doc.party("", "{{ discipline_group }}（监督责任人：{{ discipline_head.with_post }}）")
    doc.party("乙方：", "{{ department }}（责任人：{{ department_head.with_post }}）")
    doc.blank()
    doc.paragraph(
        "为全面落实党风廉政建设党组主体责任和纪检组监督责任，构建权责对等的责任分解机制、"
        "科学规范的责任落实机制，根据{{ basis }}，结合{{ department }}工作实际，特签订本责任书。"
    )
    doc.heading(1, "一、责任内容")
    doc.paragraph(
        "{{ department_head.name }}同志是{{ department }}党风廉政建设第一责任人，"
        "对本科室（单位）党风廉政建设负全面领导责任，主要履行以下职责："
    )
    doc.control("{%p for duty in responsibilities %}")
    doc.paragraph("{{ loop.index }}. {{ duty }}")
    doc.control("{%p endfor %}")
    doc.heading(1, "二、年度任务")
    doc.paragraph("{{ year }}年度，乙方应完成以下党风廉政建设重点任务：")
    doc.table(
        ["序号", "任务", "措施", "完成时限", "责任人"],
        [
            ["{%tr for task in tasks %}", "", "", "", ""],
            ["{{ loop.index }}", "{{ task.task }}", "{{ task.measures }}", "{{ task.deadline }}", "{{ task.owner }}"],
            ["{%tr endfor %}", "", "", "", ""],
        ],
        widths_mm=[14, 36, 60, 24, 22],
        center_columns=(0, 3, 4),
    )
    doc.heading(1, "三、考核与追究")
    doc.control("{%p for clause in assessment %}")
    doc.paragraph("{{ loop.index }}. {{ clause }}")
    doc.control("{%p endfor %}")
    doc.heading(1, "四、附则")
    doc.paragraph("1. 本责任书有效期自{{ year }}年1月1日起至{{ year }}年12月31日止。")
    doc.paragraph("2. 本责任书一式三份，局党组、驻局纪检组和{{ department }}各执一份。")
    doc.control("{%p for term in extra_terms %}")
    doc.paragraph("{{ loop.index + 2 }}. {{ term }}")
    doc.control("{%p endfor %}")
    doc.blank()
    doc.signing_parties(
        [
            Signatory("甲方", "{{ party_group }}", "主体责任人", "{{ date }}"),
            Signatory("甲方", "{{ discipline_group }}", "监督责任人", "{{ date }}"),
        ],
        [Signatory("乙方", "{{ department }}", "责任人", "{{ date }}")],
        widths_mm=[90, 66],
    )
    return doc


TASK_LIST = "{{ year }}年度党风廉政建设和反腐败工作任务分工"


def task_assignment_notice() -> GongwenDocument:
    """二（一）、七（一）: at the start of the year 局党组 assigns the year's tasks, the list as 附件."""
    doc = GongwenDocument(title="通知")
    red_header(doc, upward=False)
    doc.title(f"关于印发{TASK_LIST}的通知")
    doc.blank()
    doc.addressee("{{ addressees }}：")
    loop_paragraphs(doc, "intro")
    loop_sections(doc, "requirements")
    attachment_note(doc, TASK_LIST)
    closing(doc)
    attachment_page(doc, TASK_LIST)
    doc.table(
        ["序号", "工作任务", "责任领导", "责任部门", "责任人", "完成时限"],
        [
            ["{%tr for task in tasks %}", "", "", "", "", ""],
            ["{{ loop.index }}", "{{ task.task }}", "{{ task.leader }}", "{{ task.department }}",
             "{{ task.owner }}", "{{ task.deadline }}"],
            ["{%tr endfor %}", "", "", "", "", ""],
        ],
        widths_mm=[13, 51, 22, 24, 20, 26],
        center_columns=(0, 2, 4, 5),
        text_size="小四",  # six columns: 4号 would break 序号 and 完成时限
    )  # fmt: skip
    doc.blank()
    # 七（二）签字背书: both responsible persons sign the division of tasks
    signing_lines(doc, "主体责任人", "监督责任人")
    imprint(doc)
    return doc


#: 主送 of the year-end review: the secretary's goes to 市委 and to 市纪委 separately (one 主送 each)
#: and is published inside the bureau at the same time (七（一）); a unit head's goes to 局党组.
REVIEW_RECIPIENT = (
    "{{ {'市委': city_committee, '市纪委': discipline_commission, '局党组': party_group}[recipient] }}"
)


def task_review() -> GongwenDocument:
    """七（一）: the year-end review of a task list, item by item, made from the ledger: a 报告 of the
    holder's own (no 版头), to one 上级 at a time, or the copy published inside the bureau (no 主送)."""
    doc = GongwenDocument(title="报告")
    doc.header_marks(framed=False)  # no 版头: the marks, when given, take the first lines
    doc.title("{{ holder }}关于{{ year }}年度履行党风廉政建设主体责任清单情况的报告")
    doc.blank()
    doc.control("{%p if recipient != '局内公开' %}")
    doc.addressee(f"{REVIEW_RECIPIENT}：")
    doc.control("{%p endif %}")
    loop_paragraphs(doc, "intro")
    doc.heading(1, "一、逐项履行情况")
    doc.control("{%p for task in tasks %}")
    doc.paragraph(Span("（{{ loop.index|cn_num }}）{{ task.title }}。", KAI), "{{ task.entries[0] }}")
    doc.control("{%p for line in task.entries[1:] %}")
    doc.paragraph("{{ line }}")
    doc.control("{%p endfor %}")
    doc.control("{%p if task.evidence %}")
    doc.paragraph("佐证材料：{{ task.evidence }}。")
    doc.control("{%p endif %}")
    doc.control("{%p endfor %}")
    doc.heading(1, "二、存在的问题")
    loop_paragraphs(doc, "problems")
    doc.heading(1, "三、下一步工作打算")
    loop_paragraphs(doc, "plans")
    doc.keep_with_next(doc.paragraph("特此报告。"))
    doc.closing_signature("{{ issuer }}", "{{ date }}")  # the holder's own: by default his 签名章; no 版记
    doc.control("{%p if note or recipient == '局内公开' %}")
    doc.paragraph("（{{ note or '此件在局内公开' }}）")
    doc.control("{%p endif %}")
    return doc


def duty_report() -> GongwenDocument:
    """七（五）: a head's 述责述廉 to the 考核组, in his own name: a personal report, no 版头, no 文号."""
    doc = GongwenDocument(title="述责述廉报告")
    doc.title("{{ year }}年度述责述廉报告")
    doc.blank()
    doc.addressee("{{ addressees }}：")
    loop_paragraphs(doc, "intro")
    doc.heading(1, "一、履行党风廉政建设主体责任情况")
    loop_headed_items(doc, "duties")
    doc.heading(1, "二、个人廉洁从政情况")
    loop_paragraphs(doc, "integrity")
    doc.heading(1, "三、存在的问题")
    loop_paragraphs(doc, "problems")
    doc.heading(1, "四、下一步打算")
    loop_paragraphs(doc, "plans")
    closing(doc, "{{ person.with_post }}", gongwen=False)  # signed by the head, post and name
    return doc


def integrity_pledge() -> GongwenDocument:
    """三（六）: the secretary (or another leader) pledges clean conduct in writing and signs it."""
    doc = GongwenDocument(title="廉洁从政承诺书")
    doc.title("{{ year }}年度廉洁从政承诺书")
    doc.blank()
    loop_paragraphs(doc, "intro")
    doc.control("{%p for item in pledges %}")
    doc.paragraph("{{ loop.index }}. {{ item }}")
    doc.control("{%p endfor %}")
    loop_paragraphs(doc, "closing_words")
    # one table row, so the block never splits across pages; an empty line to sign on
    doc.table(
        [],
        [["", "\n承诺人（签字）：\n\n职务：{{ person.post }}\n日期：{{ date }}"]],
        widths_mm=[70, 86],
        borders=False,
    )
    return doc


BUILDERS: dict[str, Callable[[], GongwenDocument]] = {
    "responsibility_letter": responsibility_letter,
    "task_assignment_notice": task_assignment_notice,
    "task_review": task_review,
    "duty_report": duty_report,
    "integrity_pledge": integrity_pledge,
}
