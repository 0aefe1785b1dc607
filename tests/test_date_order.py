"""Dates in order (a clerk's report from the web desk): a 廉政风险告知书 dated 30 November asked for its
整改报告 by 1 May and passed. A date field's ``after`` (strictly later) or ``not_before`` (the same day
or later) names the date fields it follows; validation reports a date before them at the later field,
naming both; the manifest parser refuses a rule that names no date; the built-in templates carry the
rules their documents require, and their examples keep them whatever the day."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from datetime import date, timedelta
from html import unescape
from typing import Any

import pytest
from starlette.testclient import TestClient

from lianzheng_docs import TemplateError
from lianzheng_docs.errors import ExitCode, ValidationError
from lianzheng_docs.templating.catalog import Catalog, Template
from lianzheng_docs.templating.examples import example_data
from lianzheng_docs.templating.manifest import FieldSpec, TemplateManifest, parse_manifest
from lianzheng_docs.templating.validation import validate

from webpage import read_page


def manifest_text(fields: str) -> str:
    """A manifest of a 告知书 with these ``[[fields]]``."""
    head = 'id = "demo"\ntitle = "示例"\nkind = "告知书"\ndirection = "下行"\nretention = "定期10年"\n'
    return head + fields


NOTICE = manifest_text("""
[[fields]]
name = "items"
label = "问题"
type = "records"

  [[fields.fields]]
  name = "title"
  label = "问题概括"
  type = "text"

  [[fields.fields]]
  name = "found"
  label = "发现日期"
  type = "date"
  required = false

  [[fields.fields]]
  name = "deadline"
  label = "整改时限"
  type = "date"
  required = false
  after = "date"
  not_before = "found"

[[fields]]
name = "deadline"
label = "整改报告期限"
type = "date"
after = "date"

[[fields]]
name = "date"
label = "告知日期"
type = "date"

[[fields]]
name = "print_date"
label = "印发日期"
type = "date"
required = false
not_before = ["date"]
""")


@pytest.fixture(scope="module")
def notice() -> TemplateManifest:
    return parse_manifest(NOTICE, source="demo.toml", template_id="demo")


def problems(manifest: TemplateManifest | Template, data: Mapping[str, Any]) -> dict[str, str]:
    """Path -> message of every problem the data has (none: an empty mapping)."""
    try:
        manifest.validate(data) if isinstance(manifest, Template) else validate(manifest, data)
    except ValidationError as exc:
        return {p.path: p.message for p in exc.problems}
    return {}


def good() -> dict[str, object]:
    return {
        "items": [{"title": "拨付不及时", "found": "2026-05-20", "deadline": "2026-07-31"}],
        "deadline": "2026-08-31",
        "date": "2026-06-15",
        "print_date": "2026-06-15",  # the same day: not_before allows it
    }


# ---------------------------------------------------------------------- the manifest


def test_the_keys_parse_into_the_field_and_its_description(notice):
    item = notice.field("items")
    assert item is not None
    deadline = item.subfield("deadline")
    assert deadline == FieldSpec(
        name="deadline", label="整改时限", type=deadline.type, required=False, after=("date",), not_before=("found",)
    )
    assert notice.field("print_date").not_before == ("date",)  # type: ignore[union-attr]
    described = notice.to_dict()["fields"]
    assert described[1]["after"] == ["date"] and "not_before" not in described[1]
    assert described[0]["fields"][2]["not_before"] == ["found"]


def test_a_rule_that_names_no_date_is_refused_with_every_problem_at_once():
    text = manifest_text("""
[[fields]]
name = "date"
label = "告知日期"
type = "date"
after = "date"

[[fields]]
name = "recipient"
label = "被告知单位"
type = "unit"
after = "date"

[[fields]]
name = "deadline"
label = "整改报告期限"
type = "date"
after = "dat"
not_before = "recipient"

[[fields]]
name = "reply_by"
label = "回执期限"
type = "date"
after = "when"
not_before = 7

[[fields]]
name = "items"
label = "问题"
type = "records"

  [[fields.fields]]
  name = "when"
  label = "整改时限"
  type = "date"
  after = "nowhere"
""")
    with pytest.raises(TemplateError) as caught:
        parse_manifest(text, source="bad.toml")
    assert caught.value.exit_code is ExitCode.TEMPLATE
    message = caught.value.message
    for expected in (
        "bad.toml 有 7 处问题",
        "fields.date：after 'date' 是这个字段自己：应为另一个日期字段",
        "fields.recipient：after 只用于 date 字段（日期的先后），这个字段是 unit",
        "fields.deadline：after 'dat' 不是顶层的字段（顶层的日期字段：date、deadline、reply_by；"
        "记录中的字段不能作比较对象）",
        "fields.deadline：not_before 'recipient'（被告知单位）是单位字段，只能与日期字段比先后",
        "fields.reply_by：not_before 应为另一个日期字段的名称，或名称的列表",
        # a top-level date cannot follow a date inside a group: which record's?
        "fields.reply_by：after 'when' 不是顶层的字段",
        "fields.items.fields.when：after 'nowhere' 不是同一记录或顶层的字段（同一记录的日期字段：when；"
        "顶层的：date、deadline、reply_by）",
    ):
        assert expected in message, (expected, message)


def test_a_circle_no_data_could_satisfy_is_refused():
    text = manifest_text("""
[[fields]]
name = "a"
label = "甲日期"
type = "date"
not_before = "c"

[[fields]]
name = "b"
label = "乙日期"
type = "date"
after = "a"

[[fields]]
name = "c"
label = "丙日期"
type = "date"
not_before = ["b"]
""")
    with pytest.raises(TemplateError) as caught:
        parse_manifest(text, source="circle.toml")
    assert "fields：日期的先后绕成了圈（a → c → b → a），没有数据能满足" in caught.value.message


# ---------------------------------------------------------------------- validation


def test_dates_in_order_pass(notice):
    assert problems(notice, good()) == {}


def test_the_clerks_case_is_reported_at_each_later_field_naming_both_dates(notice):
    data = good() | {"date": "2026-11-30", "deadline": "2026-05-01", "print_date": "2026-11-29"}
    assert problems(notice, data) == {
        "deadline": "整改报告期限 2026-05-01 早于告知日期 2026-11-30：应在告知日期之后",
        "items[0].deadline": "整改时限 2026-07-31 早于告知日期 2026-11-30：应在告知日期之后",
        "print_date": "印发日期 2026-11-29 早于告知日期 2026-11-30：应不早于告知日期（可以是同一天）",
    }


def test_after_refuses_the_same_day_and_not_before_allows_it(notice):
    data = good() | {"deadline": "2026-06-15"}
    assert problems(notice, data) == {"deadline": "整改报告期限 2026-06-15 与告知日期是同一天：应在告知日期之后"}
    assert problems(notice, good() | {"deadline": "2026-06-16"}) == {}


def test_a_record_s_date_follows_its_sibling_first_else_the_top_level(notice):
    # found is the row's own; date is the notice's: the row's deadline must follow both
    row = {"title": "拨付不及时", "found": "2026-07-20", "deadline": "2026-07-10"}
    found = problems(notice, good() | {"items": [{"title": "评审不规范"}, row]})
    said = "整改时限 2026-07-10 早于发现日期 2026-07-20：应不早于发现日期（可以是同一天）"
    assert found == {"items[1].deadline": said}
    with pytest.raises(ValidationError) as caught:
        validate(notice, good() | {"items": [row]})
    (problem,) = caught.value.problems
    assert problem.label == "问题 第1条 整改时限"


def test_a_sibling_of_the_top_level_field_s_name_is_the_one_meant():
    """A record with its own ``date``: the record's is the one its rule names, not the notice's."""
    text = manifest_text("""
[[fields]]
name = "talks"
label = "约谈"
type = "records"

  [[fields.fields]]
  name = "date"
  label = "约谈日期"
  type = "date"

  [[fields.fields]]
  name = "report_by"
  label = "报告期限"
  type = "date"
  after = "date"

[[fields]]
name = "date"
label = "通知日期"
type = "date"
""")
    manifest = parse_manifest(text, source="demo.toml")
    talk = {"date": "2026-07-20", "report_by": "2026-07-10"}
    assert problems(manifest, {"date": "2026-07-01", "talks": [talk]}) == {
        "talks[0].report_by": "报告期限 2026-07-10 早于约谈日期 2026-07-20：应在约谈日期之后"
    }


def test_before_several_dates_it_follows_the_latest_is_said(notice):
    row = {"title": "拨付不及时", "found": "2026-06-20", "deadline": "2026-06-01"}
    assert problems(notice, good() | {"items": [row]}) == {
        "items[0].deadline": "整改时限 2026-06-01 早于发现日期 2026-06-20：应不早于发现日期（可以是同一天）"
    }


def test_a_missing_or_invalid_date_is_not_compared(notice):
    row = {"title": "拨付不及时", "deadline": "2026-01-01"}  # no 发现日期: only the 告知日期 to follow
    found = problems(notice, good() | {"date": "2026-13-45", "items": [row]})
    assert list(found) == ["date"] and "这一天不存在" in found["date"]
    assert problems(notice, good() | {"print_date": ""}) == {}
    data = {k: v for k, v in good().items() if k != "date"}
    assert list(problems(notice, data)) == ["date"]  # 必填, and nothing compared with it


def test_a_record_that_is_no_mapping_does_not_move_the_others_problems(notice):
    rows = ["拨付不及时", {"title": "评审不规范", "deadline": "2026-06-01"}]
    found = problems(notice, good() | {"items": rows})
    assert set(found) == {"items[0]", "items[1].deadline"}


# ---------------------------------------------------------------------- the built-in templates


#: every rule the built-in templates carry: (template, field path, key) -> names
APPLIED = {
    ("risk_notice", "deadline", "after"): ("date",),
    ("risk_notice", "findings.deadline", "after"): ("date",),
    ("rectification_report", "date", "not_before"): ("received",),
    ("admonition_notice", "talk_date", "not_before"): ("date",),
    ("admonition_record", "report_by", "after"): ("date",),
    ("assessment_results", "rectify_by", "after"): ("date",),
    ("inspection_notice", "units.start", "not_before"): ("date",),
    ("inspection_notice", "units.end", "not_before"): ("start",),
    ("inspection_notice", "self_report_by", "after"): ("date",),
    ("inspection_report", "end", "not_before"): ("start",),
    ("inspection_report", "date", "not_before"): ("start", "end"),
    ("inspection_report", "deadline", "after"): ("date",),
    ("inspection_report", "units.deadline", "after"): ("date",),
    ("accountability_decision", "date", "not_before"): ("decision_date",),
    ("accountability_bulletin", "date", "not_before"): ("decision_date",),
    ("party_life_report", "date", "not_before"): ("meeting_date",),
} | {
    (template, "print_date", "not_before"): ("date",)
    for template in (
        "accountability_bulletin", "accountability_decision", "accountability_suggestion", "assessment_plan",
        "assessment_results", "dual_report", "dual_report_secretary", "inspection_notice", "inspection_report",
        "supervision_report", "task_assignment_notice", "work_suggestion",
    )
}  # fmt: skip


def rules(catalog: Catalog) -> dict[tuple[str, str, str], tuple[str, ...]]:
    found = {}
    for template in catalog:
        for spec in template.manifest.fields:
            for path, field in [(spec.name, spec)] + [(f"{spec.name}.{f.name}", f) for f in spec.fields]:
                for key in ("after", "not_before"):
                    if getattr(field, key):
                        found[template.id, path, key] = getattr(field, key)
    return found


def test_the_built_in_templates_carry_the_rules_their_documents_require(catalog):
    assert rules(catalog) == APPLIED


def test_each_built_in_rule_reports_a_date_a_day_too_early(catalog):
    """Moved to the day before (or, for ``after``, onto) the date it follows, each ruled date of each
    example is reported at its own path: every rule is live and every example gives both dates."""
    for (template_id, path, key), names in APPLIED.items():
        template = catalog.get(template_id)
        for name in names:
            data = copy.deepcopy(example_data(template.manifest))  # its records are the manifest's own
            group, _, field = path.rpartition(".")
            row = data[group][0] if group else data
            bound = row.get(name, data.get(name))
            assert isinstance(bound, date), (template_id, path, name)
            row[field] = bound if key == "after" else bound - timedelta(days=1)
            if name == "start" and "end" in row and field != "end":
                row.pop("end")  # the end is the later date the report follows; leave the start to say it
            at = f"{group}[0].{field}" if group else field
            found = problems(template, data)
            assert at in found and bound.isoformat() in found[at], (template_id, path, name, found)


def test_the_clerks_risk_notice_is_refused(catalog):
    template = catalog.get("risk_notice")
    data = example_data(template.manifest, date(2026, 11, 30)) | {"date": "2026-11-30", "deadline": "2026-05-01"}
    found = problems(template, data)
    assert found == {
        "deadline": "整改报告期限 2026-05-01 早于告知日期 2026-11-30：应在告知日期之后",
        "findings[0].deadline": "整改时限 2026-07-31 早于告知日期 2026-11-30：应在告知日期之后",
        "findings[1].deadline": "整改时限 2026-08-31 早于告知日期 2026-11-30：应在告知日期之后",
    }
    # a 整改情况报告 written before it received the notice it answers
    report = catalog.get("rectification_report")
    data = example_data(report.manifest, date(2026, 11, 30)) | {"received": "2026-09-01"}
    assert problems(report, data) == {
        "date": "成文日期 2026-08-25 早于收到告知书日期 2026-09-01：应不早于收到告知书日期（可以是同一天）"
    }


def days_that_move_the_examples() -> list[date]:
    """Days on either side of each move: the first and last of the years 2026 to 2034 (two leap years,
    so every year an example can be moved to), and around 29 February of a leap year."""
    days = [date(year, month, day) for year in range(2026, 2035) for month, day in ((1, 1), (12, 31))]
    return [*days, date(2028, 2, 28), date(2028, 2, 29), date(2028, 3, 1), date(2029, 3, 1)]


def test_every_example_keeps_its_dates_in_order_whatever_the_day(catalog):
    for today in days_that_move_the_examples():
        for template in catalog:
            assert problems(template, example_data(template.manifest, today)) == {}, (template.id, today)


# ---------------------------------------------------------------------- the desk and plugins


def test_the_desk_shows_each_problem_at_the_later_field(tmp_path):
    from lianzheng_docs.web import create_app

    with TestClient(create_app(tmp_path / "archive", today=date(2026, 11, 30), hosts=["testserver"])) as client:
        values = read_page(client.get("/templates/risk_notice").text).values
        values |= {"date": "2026-11-30", "deadline": "2026-05-01"}
        page = client.post("/templates/risk_notice", data=values | {"action": "check"})
    assert page.status_code == 422
    reader = read_page(page.text)
    for field_id, words in (
        ("f-deadline", "整改报告期限 2026-05-01 早于告知日期 2026-11-30：应在告知日期之后"),
        ("f-findings-0-deadline", "整改时限 2026-07-31 早于告知日期 2026-11-30"),
        ("f-findings-1-deadline", "整改时限 2026-08-31 早于告知日期 2026-11-30"),
    ):
        assert reader.attrs_by_id[field_id]["aria-invalid"] == "true"
        error = re.search(rf'id="{field_id}-error">(.*?)</p>', page.text, re.S)
        assert error and words in unescape(error[1]), field_id
    assert reader.attrs_by_id["f-date"].get("aria-invalid") != "true"  # the earlier date is not the one marked


def test_plugin_check_names_a_rule_without_a_date_and_an_example_out_of_order(tmp_path):
    from lianzheng_docs.plugins.authoring import check_plugin
    from lianzheng_docs.plugins.scaffold import scaffold

    root = scaffold("datecheck", tmp_path)
    manifest = root / "lianzheng_datecheck" / "templates" / "notice.toml"
    written = manifest.read_text(encoding="utf-8")
    field = 'name = "deadline"\nlabel = "报送期限"\ntype = "date"\n'
    assert field in written

    manifest.write_text(written.replace(field, field + 'after = "dat"\n'), encoding="utf-8")
    found = "\n".join(check_plugin(root, build=False).problems)
    assert "fields.deadline：after 'dat' 不是顶层的字段" in found

    out_of_order = written.replace(field, field + 'after = "date"\n').replace("2026-06-30", "2026-05-01")
    manifest.write_text(out_of_order, encoding="utf-8")
    found = "\n".join(check_plugin(root, build=False).problems)
    assert "示例数据无法渲染" in found and "报送期限 2026-05-01 早于成文日期 2026-06-01" in found
