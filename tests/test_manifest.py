"""Manifests: the built-in ones are complete; broken ones are refused with every problem named."""

from __future__ import annotations

import pytest

from lianzheng_docs import FieldType, TemplateError
from lianzheng_docs.templating.manifest import GONGWEN_KINDS, parse_manifest

MINIMAL = """
id = "demo"
title = "示例"
kind = "通知"
direction = "下行"
retention = "定期10年"

[[fields]]
name = "year"
label = "年度"
type = "integer"
"""


def test_minimal_manifest_parses_with_defaults():
    manifest = parse_manifest(MINIMAL, source="demo.toml", template_id="demo")
    assert manifest.docx == "demo.docx"
    assert manifest.retention == "D10"
    assert manifest.retention_name == "定期10年"
    assert manifest.is_gongwen
    (year,) = manifest.fields
    assert year.type is FieldType.INTEGER and year.required


def test_every_problem_is_reported_at_once():
    text = """
id = "Bad-Id"
title = ""
kind = "报告"
direction = "斜行"
retention = "定期5年"
colour = "red"

[[fields]]
name = "tasks"
label = "任务"
type = "records"

[[fields]]
name = "when"
type = "datetime"
"""
    with pytest.raises(TemplateError) as caught:
        parse_manifest(text, source="bad.toml")
    message = caught.value.message
    for expected in [
        "bad.toml",
        "'colour'",
        "id：'Bad-Id'",
        "title：必填",
        "direction：'斜行'",
        "retention：'定期5年'",
        "records 类型须用",
        "label（中文名称）必填",
        "type 'datetime' 未知",
    ]:
        assert expected in message, expected


def test_invalid_toml_names_the_file():
    with pytest.raises(TemplateError, match=r"x\.toml 不是有效的 TOML"):
        parse_manifest("id = ", source="x.toml")


def test_id_must_match_file_name():
    with pytest.raises(TemplateError, match="与文件名 'other' 不一致"):
        parse_manifest(MINIMAL, source="other.toml", template_id="other")


def test_builtin_manifests_are_complete(catalog):
    assert {"responsibility_letter", "dual_report", "risk_notice", "accountability_bulletin"} <= set(catalog.ids())
    for template in catalog:
        manifest = template.manifest
        assert manifest.title and manifest.kind and manifest.direction in ("上行", "下行", "平行")
        for spec in manifest.fields:
            assert spec.label and spec.label != spec.name, (template.id, spec.name)
            if spec.required:
                assert spec.example is not None or spec.has_default, (template.id, spec.name)


def test_report_kinds_are_gongwen_and_letters_are_not(catalog):
    assert catalog.get("dual_report").manifest.is_gongwen
    assert catalog.get("accountability_bulletin").manifest.kind == "通报"
    assert not catalog.get("responsibility_letter").manifest.is_gongwen
    assert not catalog.get("risk_notice").manifest.is_gongwen
    assert "函" in GONGWEN_KINDS and "纪要" in GONGWEN_KINDS


def _with_choice(extra: str, choices: str = '["市委", "市纪委"]') -> str:
    return MINIMAL + f'\n[[fields]]\nname = "to"\nlabel = "主送"\ntype = "choice"\nchoices = {choices}\n{extra}\n'


def test_copies_name_the_choices_one_set_of_data_is_made_for():
    """分别报送: a choice field's ``copies`` make one sample per 主送; anything else is refused."""
    good = _with_choice('copies = ["市委", "市纪委"]')
    assert parse_manifest(good, source="demo.toml").field("to").copies == ("市委", "市纪委")
    for wrong in ('copies = ["省委"]', 'copies = "市委"'):
        with pytest.raises(TemplateError, match="copies 只用于 choice 字段"):
            parse_manifest(_with_choice(wrong), source="demo.toml")
    with pytest.raises(TemplateError, match="copies 只用于 choice 字段"):
        parse_manifest(MINIMAL.replace('type = "integer"', 'type = "integer"\ncopies = ["1"]'), source="demo.toml")


def test_samples_make_each_copy_of_a_separate_report(catalog):
    from datetime import date

    from lianzheng_docs.templating.samples import sample_variants

    names = {v.name: v for v in sample_variants(catalog.get("dual_report"), date(2026, 11, 30))}
    assert list(names) == ["dual_report", "dual_report（市纪委）"]
    assert [v.data["recipient"] for v in names.values()] == ["市委", "市纪委"]
    review = [v.name for v in sample_variants(catalog.get("task_review"), date(2026, 11, 30))]
    assert review == ["task_review", "task_review（市纪委）", "task_review（局内公开）"]
    bulletin = sample_variants(catalog.get("accountability_bulletin"), date(2026, 11, 30))
    assert [(v.name, v.mask_names) for v in bulletin] == [
        ("accountability_bulletin", False),
        ("accountability_bulletin_public", True),
    ]


def test_a_max_names_a_number_or_an_integer_field_of_the_same_record():
    """得分 ≤ its row's 分值: ``max = "points"``; a misspelt name would silently turn the check off."""
    record = """
[[fields]]
name = "rows"
label = "评分"
type = "records"

  [[fields.fields]]
  name = "points"
  label = "分值"
  type = "integer"

  [[fields.fields]]
  name = "score"
  label = "得分"
  type = "integer"
  max = "{max}"
"""
    manifest = parse_manifest(MINIMAL + record.format(max="points"), source="demo.toml")
    assert manifest.field("rows").subfield("score").maximum == "points"
    for wrong in ("pionts", "score"):
        with pytest.raises(TemplateError, match=f"max '{wrong}' 应为整数，或同一记录中另一个整数字段的名称"):
            parse_manifest(MINIMAL + record.format(max=wrong), source="demo.toml")
    with pytest.raises(TemplateError, match="min 应为整数"):
        parse_manifest(MINIMAL.replace('type = "integer"', 'type = "integer"\nmin = "1"'), source="demo.toml")


def test_a_prefix_only_holds_characters_that_cannot_pass_for_others():
    """A Cyrillic Х or a zero-width space made a 代字 look like the bureau's X财党 while differing."""
    for prefix in ("Х财党", "X财\u200b党", "X财 党"):
        with pytest.raises(TemplateError, match="只能用汉字、英文字母和数字"):
            parse_manifest(MINIMAL + f'\n[numbering]\nprefix = "{prefix}"\n', source="demo.toml")
    assert parse_manifest(MINIMAL + '\n[numbering]\nprefix = "X财评2"\n', source="demo.toml").number_prefix == "X财评2"
