"""The 报告 of the system (七（三）（四）（七）): the 双报告, the departments', 组织生活会 and 整改."""

from __future__ import annotations

from collections.abc import Callable

from lianzheng_docs.layout.builder import KAI, GongwenDocument, Span

from .pieces import closing, imprint, loop_headed_items, loop_paragraphs, red_header

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


BUILDERS: dict[str, Callable[[], GongwenDocument]] = {
    "dual_report": dual_report,
    "dual_report_secretary": dual_report_secretary,
    "supervision_report": supervision_report,
    "department_report": department_report,
    "party_life_report": party_life_report,
    "rectification_report": rectification_report,
}
