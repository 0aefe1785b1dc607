"""检查考核 (二（九）, 三（四）): the plan, the score sheet and the 通报 of the results.

The three share the indicators (考核项目, 考核内容, 分值, 评分标准) and the 等次 bands (优秀, 良好,
一般, 较差 from the fields ``excellent_min``, ``good_min``, ``fair_min``). Every total, 名次, 等次
and count is computed here from the rows, never typed: a typed total can disagree with its rows.
"""

from __future__ import annotations

from collections.abc import Callable

from lianzheng_docs.layout.builder import KAI, GongwenDocument, Span

from .pieces import (
    attachment_note,
    attachment_page,
    closing,
    facts_table,
    imprint,
    loop_headed_items,
    loop_paragraphs,
    loop_sections,
    red_header,
    signing_lines,
)

PLAN = "{{ year }}年度党风廉政建设责任制检查考核方案"


def grade(score: str) -> str:
    """The 等次 of ``score`` (a Jinja expression) by the bands of the template's fields."""
    return (
        f"{{{{ '优秀' if {score} >= excellent_min else '良好' if {score} >= good_min"
        f" else '一般' if {score} >= fair_min else '较差' }}}}"
    )


def bands() -> str:
    """The sentence that states the bands, as the plan and the 通报 both write it."""
    return (
        "考核结果分为优秀、良好、一般、较差四个等次：得分{{ excellent_min }}分及以上的为优秀，"
        "{{ good_min }}分至{{ excellent_min - 1 }}分的为良好，{{ fair_min }}分至{{ good_min - 1 }}分的为一般，"
        "不满{{ fair_min }}分的为较差。"
    )


def assessment_plan() -> GongwenDocument:
    """二（九）: 局党组 sends the year's 检查考核方案 (indicators, methods, steps, use of the results)."""
    doc = GongwenDocument(title="通知")
    red_header(doc, upward=False)
    doc.title("关于开展{{ year }}年度党风廉政建设责任制检查考核的通知")
    doc.blank()
    doc.addressee("{{ addressees }}：")
    loop_paragraphs(doc, "intro")
    loop_sections(doc, "requirements")
    doc.paragraph("联系人：{{ contact.with_post }}，联系电话：{{ phone }}。")
    attachment_note(doc, PLAN)
    closing(doc)

    attachment_page(doc, PLAN)
    doc.heading(1, "一、考核对象")
    doc.paragraph("{{ scope }}，共{{ targets|length }}个：{{ targets|join('、') }}。")
    doc.heading(1, "二、考核内容和指标")
    doc.paragraph(
        "考核内容为各科室（单位）落实党风廉政建设主体责任情况，共设{{ indicators|length }}个考核项目，"
        "满分{{ indicators|sum(attribute='points') }}分。各项目的考核内容、分值和评分标准如下，"
        "各项扣分以该项分值为限："
    )
    indicator_table(doc, scores=False)
    doc.heading(1, "三、考核方法")
    loop_headed_items(doc, "methods")
    doc.heading(1, "四、考核程序和时间安排")
    doc.control("{%p for step in steps %}")
    doc.paragraph(Span("（{{ loop.index|cn_num }}）{{ step.name }}（{{ step.time }}）。", KAI), "{{ step.content }}")
    doc.control("{%p endfor %}")
    doc.heading(1, "五、考核等次和结果运用")
    doc.paragraph(bands())
    loop_paragraphs(doc, "uses")
    doc.heading(1, "六、考核组")
    doc.control("{%p for member in team %}")
    doc.paragraph("{{ member.role }}：{{ member.people|join('、') }}")
    doc.control("{%p endfor %}")
    loop_paragraphs(doc, "team_note")
    imprint(doc)
    return doc


def indicator_table(doc: GongwenDocument, *, scores: bool) -> None:
    """The indicators, one row each, and the 合计 row computed from them; with the 得分 columns
    (``scores``) as the 考核组 fills them in for one unit."""
    points = "{{ indicators|sum(attribute='points') }}"
    if not scores:
        doc.table(
            ["考核项目", "考核内容", "分值", "评分标准"],
            [
                ["{%tr for row in indicators %}", "", "", ""],
                ["{{ row.name }}", "{{ row.content }}", "{{ row.points }}", "{{ row.criteria }}"],
                ["{%tr endfor %}", "", "", ""],
                ["合计", "", points, ""],
            ],
            widths_mm=[30, 52, 14, 60],
            center_columns=(0, 2),
            text_size="小四",  # four columns of sentences: 4号 would make the table pages long
            split_rows=True,  # a long 评分标准 breaks across pages rather than being cut off
        )
        return
    doc.table(
        ["考核项目", "考核内容", "分值", "评分标准", "得分", "扣分理由"],
        [
            ["{%tr for row in indicators %}", "", "", "", "", ""],
            ["{{ row.name }}", "{{ row.content }}", "{{ row.points }}", "{{ row.criteria }}",
             "{{ row.score }}", "{{ row.reason }}"],
            ["{%tr endfor %}", "", "", "", "", ""],
            ["合计", "", points, "", "{{ indicators|sum(attribute='score') }}", ""],
        ],
        widths_mm=[19, 37, 13, 43, 13, 31],
        center_columns=(0, 2, 4),
        text_size="五号",  # six columns on a portrait page
        split_rows=True,  # a long 评分标准 breaks across pages rather than being cut off
    )  # fmt: skip


def assessment_scoresheet() -> GongwenDocument:
    """二（九）、三（四）: the form a 考核组 fills in for one 科室（单位）, signed by both sides."""
    doc = GongwenDocument(title="考核评分表")
    doc.title("{{ year }}年度党风廉政建设责任制检查考核评分表")
    doc.blank()
    facts_table(
        doc,
        [
            ["被考核单位", "{{ department }}"],
            ["单位负责人", "{{ department_head.with_post }}"],
            ["考核日期", "{{ date }}"],
            ["考核组", "{{ team }}"],
        ],
    )
    doc.blank()
    indicator_table(doc, scores=True)
    doc.blank()
    doc.paragraph(
        "合计得分：{{ indicators|sum(attribute='score') }}分"
        "（满分{{ indicators|sum(attribute='points') }}分，"
        "扣分{{ indicators|sum(attribute='points') - indicators|sum(attribute='score') }}分）。"
    )
    doc.control("{%p if opinion %}")
    doc.paragraph("考核组意见：")
    loop_paragraphs(doc, "opinion")
    doc.control("{%p endif %}")
    doc.paragraph("以上评分经被考核单位负责人核对无误。")
    doc.blank()
    signing_lines(doc, "考核组组长", "考核组成员", "考核组成员", "考核组成员", "被考核单位负责人")
    return doc


RANKED = "results|sort(attribute='score', reverse=true)"
LOWEST = "results|selectattr('score', 'equalto', results|map(attribute='score')|min)|map(attribute='unit')|join('、')"


def _count(low: str, high: str | None = None) -> str:
    """How many results score at least ``low`` (and below ``high``): a Jinja expression."""
    selected = f"results|selectattr('score', 'ge', {low})"
    if high:
        selected += f"|selectattr('score', 'lt', {high})"
    return f"{selected}|list|length"


def assessment_results() -> GongwenDocument:
    """二（九）、三（四）: 局党组 通报 the results in the bureau: 名次 and 等次, the 末位 and its 约谈."""
    doc = GongwenDocument(title="通报")
    red_header(doc, upward=False)
    doc.title("关于{{ year }}年度党风廉政建设责任制检查考核结果的通报")
    doc.blank()
    doc.addressee("{{ addressees }}：")
    loop_paragraphs(doc, "intro")
    doc.heading(1, "一、考核基本情况")
    loop_paragraphs(doc, "overview")
    doc.heading(1, "二、考核结果")
    counts = (
        f"[('优秀', {_count('excellent_min')}), ('良好', {_count('good_min', 'excellent_min')}), "
        f"('一般', {_count('fair_min', 'good_min')}), ('较差', {_count('0', 'fair_min')})]"
    )
    doc.paragraph(
        bands(),
        "经考核组综合评定、局党组审定，参加考核的{{ results|length }}个科室（单位）中，"
        f"{{% for name, count in {counts} if count %}}{{{{ name }}}}{{{{ count }}}}个"
        "{{ '、' if not loop.last }}{% endfor %}。按得分排列如下：",
    )
    doc.table(
        ["名次", "单位", "得分", "等次"],
        [
            [f"{{%tr for row in {RANKED} %}}", "", "", ""],
            ["{{ results|selectattr('score', 'gt', row.score)|list|length + 1 }}", "{{ row.unit }}",
             "{{ row.score }}", grade("row.score")],
            ["{%tr endfor %}", "", "", ""],
        ],
        widths_mm=[22, 76, 29, 29],
        center_columns=(0, 1, 2, 3),
    )  # fmt: skip
    doc.heading(1, "三、好的做法")
    loop_headed_items(doc, "strengths")
    doc.heading(1, "四、存在的问题")
    loop_paragraphs(doc, "problems")
    doc.heading(1, "五、末位约谈")
    doc.paragraph(
        f"{{{{ {LOWEST} }}}}考核得分位列末位。按照《市财政局落实党风廉政建设“两个责任”实施办法》"
        "“约谈检查考核末位或干部群众反映问题集中的科室（单位）负责人”的规定，由{{ admonisher.with_post }}"
        f"约谈{{{{ {LOWEST} }}}}主要负责人，听取主体责任落实情况和个人廉洁从政情况汇报，指出存在的问题，"
        f"提出整改要求。{{{{ {LOWEST} }}}}要对照考核中发现的问题逐项剖析原因、制定整改措施，"
        "于{{ rectify_by }}前将整改情况书面报送{{ report_to }}。"
    )
    doc.heading(1, "六、结果运用")
    loop_paragraphs(doc, "uses")
    doc.heading(1, "七、工作要求")
    loop_paragraphs(doc, "requirements")
    closing(doc)
    imprint(doc)
    return doc


BUILDERS: dict[str, Callable[[], GongwenDocument]] = {
    "assessment_plan": assessment_plan,
    "assessment_scoresheet": assessment_scoresheet,
    "assessment_results": assessment_results,
}
