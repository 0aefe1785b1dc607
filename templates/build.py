"""Build the built-in .docx templates from code: ``python templates/build.py``.

Each function below lays out one template with :class:`GongwenDocument`, so every layout
figure comes from GB/T 9704 (see ``lianzheng_docs/gbt9704/figures.py``) and the result is the
same file every time; ``tests/test_templates.py`` fails when a committed .docx differs from a
fresh build. The text between ``{{ }}`` and the ``{%p %}``/``{%tr %}`` tags is docxtpl's; every
variable used here is declared in the template's manifest (``<id>.toml``) beside it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from lianzheng_docs.gbt9704 import figures as G
from lianzheng_docs.layout.builder import DOC_NUMBER, KAI, TITLE, GongwenDocument, Signatory, Span
from lianzheng_docs.layout.ooxml import PPR_ORDER, element, set_child
from lianzheng_docs.layout.styles import HEI, PLAIN

HERE = Path(__file__).resolve().parent


# --------------------------------------------------------------------- shared pieces


def loop_paragraphs(doc: GongwenDocument, expression: str) -> None:
    """One body paragraph per item of a paragraphs field."""
    doc.control(f"{{%p for para in {expression} %}}")
    doc.paragraph("{{ para }}")
    doc.control("{%p endfor %}")


def loop_headed_items(doc: GongwenDocument, expression: str) -> None:
    """Items with a 楷体 "（一）heading。" run-in heading, then their paragraphs (7.3.3 level 2)."""
    doc.control(f"{{%p for item in {expression} %}}")
    doc.paragraph(Span("（{{ loop.index|cn_num }}）{{ item.heading }}", KAI), "{{ item.paragraphs[0] }}")
    doc.control("{%p for para in item.paragraphs[1:] %}")
    doc.paragraph("{{ para }}")
    doc.control("{%p endfor %}")
    doc.control("{%p endfor %}")


def red_header(doc: GongwenDocument, *, upward: bool) -> None:
    """版头: 份号, 密级, 紧急程度 when given, the red mark, the 发文字号 (with 签发人 on 上行文), the red rule."""
    doc.header_marks()
    doc.issuer_mark("{{ issuer_mark }}")
    doc.doc_number("{{ doc_number }}", signer="{{ signer }}" if upward else None)
    doc.blank(2)


def closing(doc: GongwenDocument, issuer: str = "{{ issuer }}", *, gongwen: bool = True) -> None:
    """署名, 成文日期 and the optional 附注 (7.3.5, 7.3.6); a 公文 is sealed or not as ``seal`` says."""
    if gongwen:
        doc.closing_signature(issuer, "{{ date }}")
    else:
        doc.signature(issuer, "{{ date }}")
    doc.control("{%p if note %}")
    doc.paragraph("（{{ note }}）")
    doc.control("{%p endif %}")


def receipt(doc: GongwenDocument, title: str, rows: list[list[str]]) -> None:
    """A 回执 on a page of its own: its title, then label and value rows 12 mm high, room to write and sign."""
    doc.start_page(doc.paragraph(title, style=TITLE))
    doc.blank()
    doc.table([], rows, widths_mm=[44, 112], row_height_mm=12, center_columns=(0,))


def imprint(doc: GongwenDocument) -> None:
    """版记: 抄送 (when given) and the 印发 line (7.4)."""
    doc.imprint(
        cc="cc",
        printed=["{{ printer }}", "\t{{ print_date or date }}印发"],
    )


# --------------------------------------------------------------------- the templates


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


#: 主送 of the 双报告 to 市委 and 市纪委: a 上行文 has one 主送 (条例第十五条), so each report is made
#: once per recipient from the same data (the ``recipient`` choice), as the seed's 分别 says.
ONE_RECIPIENT = "{{ city_committee if recipient == '市委' else discipline_commission }}"


def _report(
    *, title: str, upward_header: bool, issuer: str = "{{ issuer }}", addressee: str = "{{ addressees }}"
) -> GongwenDocument:
    """The shape of every 报告 of the 双报告 system (七(三)): 上行文, closing 特此报告."""
    doc = GongwenDocument(title="报告")
    if upward_header:
        red_header(doc, upward=True)
    else:  # no 版头: the marks take the first lines, above the title
        doc.header_marks(framed=False)
    doc.title(title)
    doc.blank()
    doc.addressee(f"{addressee}：")
    loop_paragraphs(doc, "intro")
    doc.heading(1, "一、主要工作及成效")
    loop_headed_items(doc, "achievements")
    doc.heading(1, "二、存在的问题")
    loop_paragraphs(doc, "problems")
    doc.heading(1, "三、下一步工作打算")
    loop_headed_items(doc, "plans")
    doc.keep_with_next(doc.paragraph("特此报告。"))  # never a page of signature alone
    closing(doc, issuer)
    if upward_header:
        imprint(doc)
    return doc


def dual_report() -> GongwenDocument:
    return _report(
        title="关于{{ year }}年{% if period == '上半年' %}上半年{% endif %}落实党风廉政建设主体责任情况的报告",
        upward_header=True,
        addressee=ONE_RECIPIENT,
    )


def dual_report_secretary() -> GongwenDocument:
    return _report(
        title="关于{{ year }}年{% if period == '上半年' %}上半年{% endif %}履行党风廉政建设第一责任人职责情况的报告",
        upward_header=True,
        addressee=ONE_RECIPIENT,
    )


def supervision_report() -> GongwenDocument:
    return _report(title="关于{{ year }}年度履行党风廉政建设监督责任情况的报告", upward_header=True)


def department_report() -> GongwenDocument:
    return _report(
        title="{{ department }}关于{{ year }}年度履行党风廉政建设主体责任情况的报告",
        upward_header=False,
        issuer="{{ department }}",
        addressee="{{ party_group if recipient == '局党组' else discipline_group }}",
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


#: The public version (通报曝光, ``--mask-names``, names become 张某某) leaves out what the
#: manifest's ``public_hides`` lists: what would still point at one person, and what is internal.
PUBLIC = "offender.name.endswith('某')"


def hidden(item: str) -> str:
    """A Jinja test: the public version is being made and it hides ``item``."""
    return f"({PUBLIC} and '{item}' in public_hides)"


def accountability_bulletin() -> GongwenDocument:
    doc = GongwenDocument(title="通报")
    doc.control(f"{{%p if not {PUBLIC} %}}")  # a published 通报 carries no 份号 or 密级
    doc.header_marks()
    doc.control("{%p endif %}")
    doc.issuer_mark("{{ issuer_mark }}")
    doc.doc_number(f"{{{{ '' if {hidden('发文字号')} else doc_number }}}}")
    doc.blank(2)
    doc.title(f"关于{{{{ public_subject if {hidden('职务')} and public_subject else subject }}}}的通报")
    doc.blank()
    doc.control(f"{{%p if not {hidden('主送机关')} %}}")
    doc.addressee("{{ addressees }}：")
    doc.control("{%p endif %}")
    loop_paragraphs(doc, "intro")
    doc.heading(1, "一、基本案情")
    doc.paragraph(
        "{{ offender.name }}，{% if gender %}{{ gender }}，{% endif %}"
        f"{{% if birth_year and not {hidden('出生年份')} %}}{{{{ birth_year }}}}年出生，{{% endif %}}"
        f"{{{{ public_profile if {hidden('职务')} else offender_profile }}}}。"
    )
    loop_paragraphs(doc, f"(public_facts if {hidden('职务')} and public_facts else facts)")  # not a loop filter
    doc.heading(1, "二、处理决定")
    doc.paragraph(
        "依据{{ decision_basis }}，{{ decision_date }}经{{ decided_by }}研究决定"
        f"{{% if decision_number and not {hidden('发文字号')} %}}（{{{{ decision_number }}}}）{{% endif %}}，"
        "给予{{ offender.name }}{{ sanction }}处分{% if other_measures %}，{{ other_measures }}{% endif %}。"
    )
    doc.control("{%p if accountable_leaders %}")
    doc.paragraph("按照一案双究和责任倒查制度，对负有领导责任的人员一并追究责任：")
    doc.control("{%p for leader in accountable_leaders %}")
    doc.paragraph(
        Span("（{{ loop.index|cn_num }}）", KAI),
        f"{{{{ leader.person.name if {hidden('职务')} else leader.person.with_post }}}}{{{{ leader.failure }}}}，"
        "负有{{ leader.responsibility }}落实不到位的领导责任，{{ leader.sanction }}。",
    )
    doc.control("{%p endfor %}")
    doc.control("{%p endif %}")
    doc.heading(1, "三、警示教育")
    loop_paragraphs(doc, "lessons")
    doc.heading(1, "四、工作要求")
    loop_headed_items(doc, "requirements")
    closing(doc)
    doc.control(f"{{%p if not {hidden('版记')} %}}")
    imprint(doc)
    doc.control("{%p endif %}")
    return doc


def task_review() -> GongwenDocument:
    """七（一）: the year-end review of a task list, item by item, made from the ledger."""
    doc = GongwenDocument(title="主体责任清单履行情况")
    doc.title("{{ holder }}{{ year }}年度履行党风廉政建设主体责任清单情况")
    doc.blank()
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
    closing(doc, gongwen=False)  # a 总结 published inside the bureau, no 公文
    return doc


# --------------------------------------------------------------------- records and forms (issue 14)


def facts_table(doc: GongwenDocument, rows: list[list[str]]) -> None:
    """The facts of a record (时间, 地点, 谁与谁): a ruled two-column form, labels centred."""
    doc.table([], rows, widths_mm=[36, 120], row_height_mm=10, center_columns=(0,))


def signing_lines(doc: GongwenDocument, *roles: str) -> None:
    """Where the people of a record sign by hand: "谈话人（签字）：", two a row, 15 mm apart."""
    names = [f"{role}（签字）：" for role in roles]
    if len(names) % 2:
        names.append("")
    rows = [[names[i], names[i + 1]] for i in range(0, len(names), 2)]
    doc.table([], rows, widths_mm=[78, 78], borders=False, row_height_mm=15)


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


def attachment_note(doc: GongwenDocument, name: str) -> None:
    """附件说明 (7.3.4) of the one 附件 a template carries itself: "附件：名称", wrapped lines under the name."""
    doc.blank()
    para = doc.paragraph(f"附件：{name}")
    set_child(
        para._p.get_or_add_pPr(),
        element("w:ind", {"w:left": 5 * G.ONE_CHAR, "w:hanging": 3 * G.ONE_CHAR}),
        PPR_ORDER,
    )


def attachment_page(doc: GongwenDocument, title: str) -> None:
    """The first lines of the 附件 (7.3.7): "附件" in 3号黑体 at the top of a new page, its title on line 3."""
    doc.start_page(doc.paragraph(Span("附件", HEI), style=PLAIN))
    doc.blank()
    doc.title(title)
    doc.blank()


TASK_LIST = "{{ year }}年度党风廉政建设和反腐败工作任务分工"


def task_assignment_notice() -> GongwenDocument:
    """二（一）、七（一）: at the start of the year 局党组 assigns the year's tasks, the list as 附件."""
    doc = GongwenDocument(title="通知")
    red_header(doc, upward=False)
    doc.title(f"关于印发{TASK_LIST}的通知")
    doc.blank()
    doc.addressee("{{ addressees }}：")
    loop_paragraphs(doc, "intro")
    doc.control("{%p for item in requirements %}")
    doc.heading(1, "{{ loop.index|cn_num }}、{{ item.heading }}")
    doc.control("{%p for para in item.paragraphs %}")
    doc.paragraph("{{ para }}")
    doc.control("{%p endfor %}")
    doc.control("{%p endfor %}")
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


def party_life_report() -> GongwenDocument:
    """七（四）: within a week of its 组织生活会 a unit reports to 局机关党委: facts, minutes, problems, measures."""
    doc = GongwenDocument(title="报告")
    doc.header_marks(framed=False)
    doc.title("{{ department }}关于召开{{ year }}年度组织生活会情况的报告")
    doc.blank()
    doc.addressee("{{ addressees }}：")
    doc.paragraph(
        "{{ meeting_date }}，{{ department }}在{{ place }}召开{{ year }}年度组织生活会，{{ chair.with_post }}主持，"
        "应到{{ expected }}人，实到{{ present }}人。{% if supervisor %}局党组{{ supervisor.with_post }}到会指导。"
        "{% endif %}现将会议情况报告如下。"
    )
    doc.heading(1, "一、会议基本情况")
    loop_paragraphs(doc, "summary")
    doc.heading(1, "二、执行党风廉政建设责任制情况")
    loop_paragraphs(doc, "duty_review")
    doc.heading(1, "三、查摆和解决的问题")
    loop_paragraphs(doc, "problems")
    doc.heading(1, "四、整改措施")
    doc.table(
        ["序号", "问题", "整改措施", "责任人", "完成时限"],
        [
            ["{%tr for item in measures %}", "", "", "", ""],
            ["{{ loop.index }}", "{{ item.problem }}", "{{ item.measure }}", "{{ item.owner }}", "{{ item.deadline }}"],
            ["{%tr endfor %}", "", "", "", ""],
        ],
        widths_mm=[13, 45, 54, 20, 24],
        center_columns=(0, 3, 4),
        text_size="小四",
    )
    doc.keep_with_next(doc.paragraph("特此报告。"))
    closing(doc, "{{ department }}")
    return doc


def rectification_report() -> GongwenDocument:
    """七（七）: the answer to a 廉政风险告知书, finding by finding: what was done, whether it is right now."""
    doc = GongwenDocument(title="报告")
    doc.header_marks(framed=False)
    doc.title("{{ unit }}关于廉政风险告知书所提问题整改情况的报告")
    doc.blank()
    doc.addressee("{{ addressees }}：")
    doc.paragraph(
        "{{ received }}，我单位收到《廉政风险告知书》（{{ notice_number }}）。{{ unit }}高度重视，"
        "逐项剖析问题成因，制定整改措施，明确整改责任人和整改时限。现将整改情况报告如下。"
    )
    doc.heading(1, "一、问题整改情况")
    doc.control("{%p for item in items %}")
    doc.paragraph(Span("（{{ loop.index|cn_num }}）{{ item.title }}", KAI))
    doc.paragraph("整改措施：{{ item.measures }}")
    doc.paragraph("整改结果：{{ item.result }}")
    doc.paragraph("整改状态：{{ item.status }}；责任人：{{ item.owner }}。")
    doc.control("{%p endfor %}")
    doc.heading(1, "二、问题成因剖析")
    loop_paragraphs(doc, "causes")
    doc.heading(1, "三、建立长效机制")
    loop_paragraphs(doc, "mechanisms")
    doc.keep_with_next(doc.paragraph("特此报告。"))
    closing(doc, "{{ unit }}")
    return doc


def accountability_return() -> GongwenDocument:
    """七（十）: the return of 责任追究 cases the 纪检组 sends to 市纪委: one row per person held to account."""
    doc = GongwenDocument(title="责任追究情况报表")
    doc.title("{{ period }}责任追究情况报表")
    doc.blank()
    doc.paragraph("填报单位（盖章）：{{ unit }}", style=PLAIN)
    doc.paragraph("填报日期：{{ date }}", style=PLAIN)
    doc.table(
        ["序号", "被追究人员", "职务", "单位", "追究情形", "责任类型", "追究方式", "决定机关", "决定日期"],
        [
            ["{%tr for case in cases %}", "", "", "", "", "", "", "", ""],
            ["{{ loop.index }}", "{{ case.person.name }}", "{{ case.person.post }}", "{{ case.unit }}",
             "{{ case.failure }}", "{{ case.responsibility }}", "{{ case.measure }}", "{{ case.decided_by }}",
             "{{ case.decided_on }}"],
            ["{%tr endfor %}", "", "", "", "", "", "", "", ""],
        ],
        widths_mm=[8, 15, 19, 17, 30, 15, 17, 16, 19],
        center_columns=(0, 1, 5, 8),
        text_size="五号",
    )  # fmt: skip
    counted = "{{ cases|selectattr('responsibility', 'equalto', '%s')|list|length }}"
    doc.paragraph(
        "合计：追究{{ cases|length }}人次，其中主体责任"
        + counted % "主体责任"
        + "人次、监督责任"
        + counted % "监督责任"
        + "人次。"
    )
    loop_paragraphs(doc, "remarks")
    doc.paragraph("填报人：{{ preparer }}　　审核人：{{ reviewer }}", style=PLAIN)
    doc.paragraph("联系电话：{{ phone }}", style=PLAIN)
    return doc


def typical_case() -> GongwenDocument:
    """七（十）: the write-up of a typical case the 纪检组 sends to 市纪委 with its return, and uses to warn."""
    doc = GongwenDocument(title="典型案例")
    doc.title("{{ subject }}典型案例")
    doc.blank()
    doc.heading(1, "一、基本情况")
    loop_paragraphs(doc, "profile")
    doc.heading(1, "二、主要违纪事实")
    loop_paragraphs(doc, "facts")
    doc.heading(1, "三、处理结果")
    loop_paragraphs(doc, "decision")
    doc.control("{%p if accountability %}")
    doc.heading(1, "四、一案双究情况")
    loop_paragraphs(doc, "accountability")
    doc.control("{%p endif %}")
    doc.heading(1, "{{ '五' if accountability else '四' }}、案例剖析和警示")
    loop_paragraphs(doc, "lessons")
    closing(doc, gongwen=False)
    return doc


BUILDERS: dict[str, Callable[[], GongwenDocument]] = {
    "responsibility_letter": responsibility_letter,
    "dual_report": dual_report,
    "dual_report_secretary": dual_report_secretary,
    "supervision_report": supervision_report,
    "department_report": department_report,
    "risk_notice": risk_notice,
    "accountability_bulletin": accountability_bulletin,
    "task_review": task_review,
    "integrity_talk_record": integrity_talk_record,
    "admonition_notice": admonition_notice,
    "admonition_record": admonition_record,
    "task_assignment_notice": task_assignment_notice,
    "duty_report": duty_report,
    "integrity_pledge": integrity_pledge,
    "party_life_report": party_life_report,
    "rectification_report": rectification_report,
    "accountability_return": accountability_return,
    "typical_case": typical_case,
}


def build_all(target: Path = HERE) -> list[Path]:
    """Write every built-in template's .docx into ``target``; returns the paths written."""
    written = []
    for template_id, build in BUILDERS.items():
        path = target / f"{template_id}.docx"
        path.write_bytes(build().to_bytes())
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in build_all(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(written_path)
