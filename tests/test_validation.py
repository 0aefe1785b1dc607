"""Data is checked against the manifest before rendering; every problem names field and label."""

from __future__ import annotations

from datetime import date

import pytest

from lianzheng_docs import CnDate, Person, TemplateError, Unit, ValidationError
from lianzheng_docs.templating.manifest import parse_manifest
from lianzheng_docs.templating.validation import validate

MANIFEST = parse_manifest(
    """
id = "demo"
title = "示例"
kind = "报告"
direction = "上行"
retention = "永久"

[[fields]]
name = "doc_number"
label = "发文字号"
type = "doc_number"

[[fields]]
name = "year"
label = "年度"
type = "integer"
min = 2000
max = 2100

[[fields]]
name = "date"
label = "成文日期"
type = "date"

[[fields]]
name = "period"
label = "报告期"
type = "choice"
choices = ["上半年", "全年"]

[[fields]]
name = "signer"
label = "签发人"
type = "person"

[[fields]]
name = "unit"
label = "单位"
type = "unit"
default = "预算科"

[[fields]]
name = "body"
label = "正文"
type = "paragraphs"

[[fields]]
name = "cc"
label = "抄送"
type = "list"
required = false

[[fields]]
name = "public"
label = "公开"
type = "boolean"
required = false

[[fields]]
name = "tasks"
label = "任务"
type = "records"
min_items = 1

  [[fields.fields]]
  name = "task"
  label = "任务名称"
  type = "text"

  [[fields.fields]]
  name = "deadline"
  label = "完成时限"
  type = "date"
""",
    source="demo.toml",
)

GOOD = {
    "doc_number": "X财党〔2026〕12号",
    "year": 2026,
    "date": "2026-01-05",
    "period": "全年",
    "signer": {"name": "张建国", "post": "局党组书记"},
    "body": "第一段。\n\n第二段。",
    "tasks": [{"task": "廉政谈话", "deadline": date(2026, 9, 30)}],
}


def problems_of(data):
    with pytest.raises(ValidationError) as caught:
        validate(MANIFEST, data)
    return {p.path: p for p in caught.value.problems}


def test_good_data_becomes_typed_context():
    context = validate(MANIFEST, GOOD)
    assert context["date"] == CnDate(2026, 1, 5)
    assert str(context["date"]) == "2026年1月5日"  # 7.3.5.4: no leading zeros
    assert context["signer"] == Person("张建国", "局党组书记")
    assert context["unit"] == Unit("预算科")  # the default applies
    assert context["body"] == ["第一段。", "第二段。"]
    assert context["cc"] == [] and context["public"] is False
    assert str(context["tasks"][0]["deadline"]) == "2026年9月30日"


def test_all_problems_at_once_each_with_path_and_label():
    found = problems_of(
        {
            "doc_number": "X财党[2026]012号",
            "year": "二〇二六",
            "date": "2026年1月5日",
            "period": "年中",
            "signer": {"post": "书记"},
            "body": 42,
            "tasks": [{"task": "谈话", "deadline": "下月"}, "不是记录"],
            "yaer": 2026,
        }
    )
    assert set(found) == {
        "doc_number",
        "year",
        "date",
        "period",
        "signer",
        "body",
        "tasks[0].deadline",
        "tasks[1]",
        "yaer",
    }
    assert found["tasks[0].deadline"].label == "任务 第1条 完成时限"
    assert "日期请写作 2026-01-05" in found["date"].message  # 2026年1月5日: how to write it, not only "ISO"
    assert "是否想写 year" in found["yaer"].message
    assert "上半年、全年" in found["period"].message


def test_missing_required_fields_are_listed():
    found = problems_of({})
    assert {"doc_number", "year", "date", "period", "signer", "body", "tasks"} <= set(found)
    assert "unit" not in found and "cc" not in found  # default / optional
    assert "必填" in found["year"].message


@pytest.mark.parametrize(
    ("given", "suggestion"),
    [
        ("X财党[2026]12号", "X财党〔2026〕12号"),
        ("X财党(2026)12号", "X财党〔2026〕12号"),
        ("X财党【2026】12号", "X财党〔2026〕12号"),
        ("X财党〔2026〕第12号", "X财党〔2026〕12号"),
        ("X财党〔2026〕012号", "X财党〔2026〕12号"),
    ],
)
def test_doc_number_form_is_enforced_with_a_fix(given, suggestion):
    problem = problems_of({**GOOD, "doc_number": given})["doc_number"]
    assert f"应写作 {suggestion}" in problem.message


def test_integer_bounds_and_choice():
    found = problems_of({**GOOD, "year": 1999, "period": "下半年"})
    assert "不小于 2000" in found["year"].message
    assert "year" in found and "period" in found


def test_required_records_cannot_be_empty():
    assert "必填" in problems_of({**GOOD, "tasks": []})["tasks"].message
    found = problems_of({k: v for k, v in GOOD.items() if k != "tasks"})
    assert "必填" in found["tasks"].message


def test_min_items_counts_given_items():
    manifest = parse_manifest(
        'id = "t"\ntitle = "t"\nkind = "函"\ndirection = "平行"\nretention = "Y"\n'
        '[[fields]]\nname = "members"\nlabel = "成员"\ntype = "list"\nmin_items = 2\n',
        source="t.toml",
    )
    with pytest.raises(ValidationError, match="至少需要 2 项，实际 1 项"):
        validate(manifest, {"members": ["张三"]})
    assert validate(manifest, {"members": ["张三", "李四"]})["members"] == ["张三", "李四"]


def test_text_rejects_line_breaks_and_yaml_dates():
    manifest = parse_manifest(
        'id = "t"\ntitle = "t"\nkind = "函"\ndirection = "平行"\nretention = "Y"\n'
        '[[fields]]\nname = "subject"\nlabel = "事由"\ntype = "text"\n',
        source="t.toml",
    )
    with pytest.raises(ValidationError, match="不能换行"):
        validate(manifest, {"subject": "第一行\n第二行"})
    with pytest.raises(ValidationError, match="加上引号"):
        validate(manifest, {"subject": date(2026, 1, 1)})


def test_request_wording_is_refused_in_a_report():
    found = problems_of({**GOOD, "body": ["今年拟增加编制2名，妥否，请批示。"]})
    assert "第十五条" in found["body"].message and "妥否" in found["body"].message


def test_person_accepts_a_plain_name():
    context = validate(MANIFEST, {**GOOD, "signer": "李明华"})
    assert context["signer"] == Person("李明华") and context["signer"].with_post == "李明华"


def test_top_level_must_be_a_mapping():
    with pytest.raises(ValidationError, match="键值对"):
        validate(MANIFEST, ["not", "a", "mapping"])  # type: ignore[arg-type]


# --------------------------------------------------------------------- 份号, 密级, 紧急程度 (7.2.1-7.2.3)

MARKS = parse_manifest(
    """
id = "marks"
title = "版头标注"
kind = "通知"
direction = "下行"
retention = "Y"

[[fields]]
name = "copy_number"
label = "份号"
type = "copy_number"
required = false

[[fields]]
name = "secrecy"
label = "密级和保密期限"
type = "secrecy"
required = false

[[fields]]
name = "urgency"
label = "紧急程度"
type = "urgency"
required = false
""",
    source="marks.toml",
)


def mark_problems(data, manifest=MARKS):
    with pytest.raises(ValidationError) as caught:
        validate(manifest, data)
    return {p.path: p for p in caught.value.problems}


@pytest.mark.parametrize(
    ("copy_number", "secrecy", "urgency"),
    [
        ("000001", "秘密★1年", "特急"),
        ("120000", "机密★长期", "加急"),
        ("000009", "绝密", ""),
        ("", "", "加急"),
        ("000010", "", ""),
        ("000003", "秘密★10年", None),
    ],
)
def test_good_marks_pass_as_given(copy_number, secrecy, urgency):
    data = {"copy_number": copy_number, "secrecy": secrecy, "urgency": urgency}
    context = validate(MARKS, data)
    assert context == {key: value or "" for key, value in data.items()}


def test_marks_are_optional_and_absent_ones_are_empty():
    assert validate(MARKS, {}) == {"copy_number": "", "secrecy": "", "urgency": ""}


@pytest.mark.parametrize("given", ["12345", "0000001", "A00001", "０００００１", "00 0001", "000001号"])
def test_copy_number_is_six_arabic_digits(given):
    problem = mark_problems({"copy_number": given})["copy_number"]
    assert problem.label == "份号"
    assert "6 位阿拉伯数字" in problem.message and "7.2.1" in problem.message
    assert str(problem).startswith("份号（copy_number）：")


def test_a_copy_number_yaml_read_as_a_number_asks_for_quotes():
    problem = mark_problems({"copy_number": 10})["copy_number"]  # YAML: 000012 (octal) -> 10
    assert "加引号" in problem.message and "'000001'" in problem.message


@pytest.mark.parametrize(
    ("given", "hint"),
    [
        ("内部", "不是密级"),
        ("内部资料", "不是密级"),
        ("保密", "阿拉伯数字"),
        ("秘密★一年", "阿拉伯数字"),
        ("秘密★", "阿拉伯数字"),
        ("秘密*1年", "应写作 秘密★1年"),
        ("机密 ☆ 长期", "应写作 机密★长期"),
        ("秘密★1个月", "阿拉伯数字"),
    ],
)
def test_secrecy_only_three_levels_with_an_optional_period(given, hint):
    problem = mark_problems({"copy_number": "000001", "secrecy": given})["secrecy"]
    assert problem.label == "密级和保密期限"
    assert "绝密、机密、秘密" in problem.message and "7.2.2" in problem.message
    assert hint in problem.message


@pytest.mark.parametrize("given", ["急件", "紧急", "平急", "特提", "特急件", "加急★"])
def test_urgency_only_teji_or_jiaji(given):
    problem = mark_problems({"urgency": given})["urgency"]
    assert problem.label == "紧急程度"
    assert "特急 或 加急" in problem.message and "7.2.3" in problem.message


def test_a_classified_document_must_carry_a_copy_number():
    found = mark_problems({"secrecy": "秘密★1年", "urgency": "特急"})
    assert set(found) == {"copy_number"}  # the problem is where the fix goes
    assert "第九条（一）" in found["copy_number"].message and "秘密★1年" in found["copy_number"].message
    assert "urgency" not in found


def test_a_wrong_copy_number_is_reported_once():
    found = mark_problems({"copy_number": "12", "secrecy": "机密"})
    assert set(found) == {"copy_number"} and "6 位" in found["copy_number"].message


def test_a_wrong_secrecy_does_not_also_ask_for_a_copy_number():
    assert set(mark_problems({"secrecy": "内部"})) == {"secrecy"}


def test_a_classified_document_of_a_template_without_copy_numbers():
    manifest = parse_manifest(
        'id = "t"\ntitle = "t"\nkind = "函"\ndirection = "平行"\nretention = "Y"\n'
        '[[fields]]\nname = "level"\nlabel = "密级"\ntype = "secrecy"\nrequired = false\n',
        source="t.toml",
    )
    found = mark_problems({"level": "秘密"}, manifest)
    assert set(found) == {"level"} and "没有份号字段" in found["level"].message


def test_mark_problems_come_with_the_others():
    found = mark_problems({"copy_number": "1", "secrecy": "内部", "urgency": "急件", "extra": 1})
    assert set(found) == {"copy_number", "secrecy", "urgency", "extra"}


@pytest.mark.parametrize("template_id", ["dual_report", "accountability_bulletin", "department_report"])
def test_builtin_gongwen_validate_the_marks(catalog, template_id):
    template = catalog.get(template_id)
    with pytest.raises(ValidationError) as caught:
        template.validate({**template.example(), "copy_number": "", "secrecy": "秘密", "urgency": "急件"})
    found = {p.path: p for p in caught.value.problems}
    assert set(found) == {"copy_number", "urgency"}
    assert "第九条（一）" in found["copy_number"].message


def test_periods_in_full_width_digits_are_corrected():
    problem = mark_problems({"copy_number": "000001", "secrecy": "秘密★１年"})["secrecy"]
    assert "应写作 秘密★1年" in problem.message


def test_characters_xml_cannot_hold_are_refused_before_rendering(catalog):
    """A lone surrogate (what json.dumps writes for \\ud800) made docxtpl drop everything after it."""
    template = catalog.get("supervision_report")
    data = template.example()
    paragraphs = next(k for k, v in data.items() if isinstance(v, list) and v and isinstance(v[0], str))
    data[paragraphs] = ["审计\ud800中发现问题", *data[paragraphs][1:]]
    data["issuer"] = "纪检组\x0c"  # a form feed: Word's page break in a one-line field
    with pytest.raises(ValidationError) as caught:
        template.render(data)
    by_path = {p.path: p.message for p in caught.value.problems}
    assert "U+D800（第1项第3个字符）" in by_path[paragraphs] and "U+000C" in by_path["issuer"]


def test_a_render_that_lost_its_end_is_an_error_not_a_document(catalog):
    from lianzheng_docs.templating.rendering import render_docx

    template = catalog.get("supervision_report")
    context = template.validate(template.example())
    key = next(k for k, v in context.items() if isinstance(v, list) and v and isinstance(v[0], str))
    context[key] = ["审计\ud800中", *context[key][1:]]  # past validation, as a buggy caller would
    with pytest.raises(TemplateError, match="结果不完整"):
        render_docx(template.manifest, template.docx_bytes(), context, source="builtin:supervision_report")


def test_dates_written_the_chinese_way_or_that_do_not_exist_get_a_precise_message():
    manifest = parse_manifest(
        'id = "t"\ntitle = "t"\nkind = "函"\ndirection = "平行"\nretention = "Y"\n'
        '[[fields]]\nname = "date"\nlabel = "成文日期"\ntype = "date"\n',
        source="t.toml",
    )
    for written, expected in (
        ("2026-02-30", "2026-02-30 这一天不存在（2026年2月没有30日）"),
        ("2026年2月26日", "日期请写作 2026-02-26"),
        ("2026/2/26", "日期请写作 2026-02-26"),
        ("明天", "应为 ISO 格式的日期"),
    ):
        with pytest.raises(ValidationError, match=expected):
            validate(manifest, {"date": written})
