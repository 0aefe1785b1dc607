"""责任追究 (六（六）, 七（九）（十）): the 问责意见 and 决定, the 通报, the 报表 to 市纪委 and the 典型案例."""

from __future__ import annotations

from collections.abc import Callable

from lianzheng_docs.layout.builder import KAI, GongwenDocument, Span
from lianzheng_docs.layout.styles import PLAIN

from .pieces import closing, imprint, loop_headed_items, loop_paragraphs, red_header

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


def accountability_suggestion() -> GongwenDocument:
    """七（九）、六（六）: with a case, the 纪检组 looks back at who failed 主体责任 and 监督责任 in the unit
    (一案双究, 责任倒查) and proposes to 局党组, in a 上行 意见, who is to be held to account and how."""
    doc = GongwenDocument(title="意见")
    red_header(doc, upward=True)
    doc.title("关于对{{ subject }}进行问责的意见")
    doc.blank()
    doc.addressee("{{ addressees }}：")
    loop_paragraphs(doc, "intro")
    doc.heading(1, "一、案件基本情况")
    loop_paragraphs(doc, "case_facts")
    doc.heading(1, "二、责任倒查查明的问题")
    loop_paragraphs(doc, "findings")
    doc.heading(1, "三、有关责任人员的责任和问责意见")
    doc.control("{%p for item in accountable %}")
    doc.paragraph(Span("（{{ loop.index|cn_num }}）{{ item.person.with_post }}", KAI))
    # labelled lines in the body's 仿宋, as the 告知书 writes its findings
    doc.paragraph("失职失责情形：{{ item.failure }}{{ '' if item.failure[-1:] in '。；！' else '。' }}")
    doc.paragraph("责任类型：{{ item.responsibility }}")
    doc.paragraph(
        "建议问责方式：{{ item.measure }}"
        "{% if item.handled_by %}（按照干部管理权限，由{{ item.handled_by }}处理）{% endif %}"
    )
    doc.paragraph("依据条款：{{ item.basis }}")
    doc.control("{%p endfor %}")
    doc.heading(1, "四、建议")
    loop_headed_items(doc, "recommendations")
    doc.keep_with_next(doc.paragraph("{{ ending }}"))  # never a page of signature alone
    closing(doc)
    imprint(doc)
    return doc


#: A 党纪处分 (《中国共产党纪律处分条例》第八条: 党内警告 … 开除党籍) names the 党; no 问责方式 of
#: 《中国共产党问责条例》第八条 does (通报, 诫勉, 停职检查 … 免职). The manifest's title repeats the test.
DISCIPLINE = "'党' in sanction"
#: 同志 for a member who keeps his rights; not after 留党察看 or 开除党籍
COMRADE = "{{ '' if sanction[:2] in ('留党', '开除') else '同志' }}"
DECISION_TITLE = (
    f"{{% if {DISCIPLINE} %}}关于给予{{{{ person.name }}}}{COMRADE}{{{{ sanction }}}}处分的决定"
    "{% else %}关于对{{ person.name }}同志问责的决定{% endif %}"
)


def accountability_decision() -> GongwenDocument:
    """七（九）: 局党组's 决定 holding one person to account (问责) or disciplining him (党纪处分): the
    facts, what he said in his defence and what was taken of it, the decision, and his right to appeal."""
    doc = GongwenDocument(title="决定")
    red_header(doc, upward=False)
    doc.title(DECISION_TITLE)
    doc.blank()
    doc.addressee("{{ addressees or unit }}：")
    doc.paragraph("{{ person.name }}，{{ profile }}。")
    loop_paragraphs(doc, "intro")
    doc.heading(1, "一、问责事实")
    loop_headed_items(doc, "facts")
    doc.heading(1, "二、本人陈述和申辩及采纳情况")
    doc.paragraph(f"调查组将事实材料与{{{{ person.name }}}}{COMRADE}见面，听取了其陈述和申辩。")
    loop_paragraphs(doc, "statement")
    doc.paragraph("经研究，对其陈述和申辩{{ adoption }}。{{ adoption_reason }}")
    doc.heading(1, "三、处理决定")
    doc.paragraph("{{ conclusion }}")
    doc.paragraph(
        "依据{{ decision_basis }}，经{{ decided_by }}{{ decision_date }}会议研究，决定"
        f"{{% if {DISCIPLINE} %}}给予{{{{ person.name }}}}{COMRADE}{{{{ sanction }}}}处分"
        "{% elif sanction == '责令辞职' %}责令{{ person.name }}同志辞职"
        "{% else %}对{{ person.name }}同志予以{{ sanction }}{% endif %}"
        "{% if other_measures %}，{{ other_measures }}{% endif %}。"
    )
    loop_paragraphs(doc, "requirements")
    # 申诉权利告知: in writing, within a month of receiving it, to the organ that decided; it stands meanwhile
    doc.paragraph(
        f"{{{{ person.name }}}}{COMRADE}如对本决定不服，可以自收到本决定之日起一个月内，"
        "向{{ decided_by }}提出书面申诉。申诉期间，不停止本决定的执行。"
    )
    closing(doc)
    imprint(doc)
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
    "accountability_suggestion": accountability_suggestion,
    "accountability_decision": accountability_decision,
    "accountability_bulletin": accountability_bulletin,
    "accountability_return": accountability_return,
    "typical_case": typical_case,
}
