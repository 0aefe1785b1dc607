"""Obligations against the archive: done with its 档号, due with days left, overdue, late, per unit."""

from __future__ import annotations

import json
from datetime import date

import pymupdf
import pytest

from lianzheng_docs import ExitCode
from lianzheng_docs.archive import Archive, RecordMeta
from lianzheng_docs.duties.obligations import load_obligations, status, status_html, upcoming
from lianzheng_docs.duties.roster import RosterError, load_roster
from lianzheng_docs.errors import TemplateError
from lianzheng_docs.templating.catalog import Catalog
from lianzheng_docs.templating.examples import example_data

ROSTER = """
bureau: ××市财政局
secretary: 张建国
discipline_head: 李明华
units:
  - {科室(单位): 预算科, 主要负责人: 王晓东, 职务: 科长, 分管领导: 刘建华}
  - {科室(单位): 国库科, 主要负责人: 陈静, 职务: 科长, 分管领导: 刘建华}
  - {单位: 城关县财政局, 负责人: 赵敏, 类别: 县区财政部门}
"""


@pytest.fixture(scope="module")
def catalog():
    return Catalog.default()


@pytest.fixture(scope="module")
def roster(tmp_path_factory):
    path = tmp_path_factory.mktemp("roster") / "名册.yaml"
    path.write_text(ROSTER, encoding="utf-8")
    return load_roster(path)


def file_from(archive, catalog, template_id, **values):
    template = catalog.get(template_id)
    data = example_data(template.manifest)
    data.update(values)
    data.pop("doc_number", None)  # numbered by the archive
    return archive.file_rendered(template, data)


def file_pdf(archive, tmp_path, title, unit, when):
    path = tmp_path / f"{title}.pdf"
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), title, fontname="china-s", fontsize=12)
    doc.save(path)
    return archive.add(path, RecordMeta(title=title, kind="记录", unit=unit, date=when))


@pytest.fixture(scope="module")
def archive(tmp_path_factory, catalog):
    """The 2025 paperwork of two departments, some of it on time, some late, some missing."""
    root = tmp_path_factory.mktemp("archive")
    with Archive(root / "档案") as archive:
        file_from(archive, catalog, "responsibility_letter", year=2025, department="预算科", date="2025-02-10")
        file_from(archive, catalog, "responsibility_letter", year=2025, department="国库科", date="2025-04-20")
        # last year's letter, signed early this year, does not count for this year
        file_from(archive, catalog, "responsibility_letter", year=2024, department="国库科", date="2025-01-05")
        for to in ("市委", "市纪委"):  # 分别报送: one report to each
            file_from(archive, catalog, "dual_report", year=2025, period="上半年", date="2025-06-20", recipient=to)
        file_pdf(archive, root, "预算科科长述责述廉报告", "预算科", date(2025, 12, 10))
        file_pdf(archive, root, "国库科廉政谈话记录", "国库科", date(2024, 12, 1))  # the year before
        file_pdf(archive, root, "局党组书记述责述廉报告", "局党组", date(2025, 11, 20))
        yield archive


def by_key(statuses):
    return {(s.obligation.id, s.party): s for s in statuses}


def test_builtin_obligations_cover_section_seven_and_the_deadlines():
    obligations = load_obligations()
    ids = [o.id for o in obligations]
    assert len(ids) == len(set(ids))
    clauses = " ".join(o.clause for o in obligations)
    seven = [f"七（{n}）" for n in "一二三四五六七十"]
    for clause in [*seven, "二（一）", "二（九）", "三（四）", "三（六）"]:
        assert clause in clauses
    found = {o.id: o for o in obligations}
    assert found["department_report"].dates(2025) == (date(2026, 1, 1), date(2026, 1, 15))
    assert found["supervision_report"].dates(2025)[1] == date(2026, 1, 31)
    assert found["dual_report_h1"].dates(2025)[1] == date(2025, 6, 30)
    assert found["dual_report_year"].dates(2025)[1] == date(2025, 12, 31)
    assert found["party_life_meeting"].event and found["party_life_meeting"].days == 7
    assert found["department_report"].rule_text == "次年1月1日至次年1月15日（每单位），分别报送局党组、纪检组"


def test_plugin_obligations_with_due_shorthand_and_clear_errors():
    found = {o.id: o for o in load_obligations([
        ("tzps", {"id": "tzps:a", "title": "整改报告", "template": "tzps:a", "due": "30 days after event"}),
        ("tzps", {"id": "tzps:b", "title": "年度总结", "keyword": "总结", "due": "+1:02-28"}),
    ])}  # fmt: skip
    assert found["tzps:a"].event and found["tzps:a"].days == 30 and found["tzps:a"].owner == "tzps"
    assert found["tzps:b"].dates(2025) == (date(2025, 1, 1), date(2026, 2, 28))
    leap = load_obligations([("tzps", {"id": "tzps:f", "title": "x", "keyword": "x", "due": "02-29"})])[-1]
    assert leap.dates(2025)[1] == date(2025, 2, 28) and leap.dates(2024)[1] == date(2024, 2, 29)
    with pytest.raises(TemplateError, match=r"tzps 登记的义务 tzps:c 无法使用.*13-01"):
        load_obligations([("tzps", {"id": "tzps:c", "title": "x", "keyword": "x", "due": "13-01"})])
    with pytest.raises(TemplateError, match="tzps 登记的义务 tzps:d 无法使用：缺少 'title'"):
        load_obligations([("tzps", {"id": "tzps:d", "keyword": "x"})])
    with pytest.raises(TemplateError, match="重复登记（builtin 与 tzps）"):
        load_obligations([("tzps", {"id": "dual_report_h1", "title": "x", "keyword": "x"})])
    with pytest.raises(TemplateError, match="template 和 keyword 至少要有一个"):
        load_obligations([("tzps", {"id": "tzps:e", "title": "x"})])


def test_status_per_unit_with_codes_dates_and_days_left(archive, roster, catalog):
    templates = set(catalog.ids())
    # judged near the year's end: every document of the fixture is dated before "today" (a later
    # date would not count: test_a_record_dated_after_today_is_listed_never_counted)
    rows = by_key(status(archive, 2025, roster=roster, templates=templates, today=date(2025, 12, 20)))
    parties = {party for _, party in rows}
    assert "城关县财政局" not in parties  # county finance departments sign no letter with the bureau
    letter = rows[("responsibility_letter", "预算科")]
    assert letter.state == "done" and letter.records[0].date == "2025-02-10"
    assert letter.to_dict()["records"][0]["archival_code"] == letter.records[0].archival_code
    # 国库科's 2025 letter was signed on 20 April, after the 31 March deadline: done, but late
    assert rows[("responsibility_letter", "国库科")].state == "late"
    assert rows[("dual_report_h1", "局党组")].state == "done"
    year_report = rows[("dual_report_year", "局党组")]
    assert year_report.state == "due" and year_report.days_left == 11
    assert rows[("duty_report", "预算科")].state == "done"
    assert rows[("duty_report", "国库科")].state == "due"  # the secretary's 述责述廉 is not 国库科's
    assert rows[("secretary_duty_report", "局党组书记")].state == "done"
    assert rows[("secretary_integrity_talks", "局党组书记")].state == "due"
    assert rows[("task_review", "局党组书记")].state == "due"
    assert rows[("integrity_talk", "国库科")].state == "due"  # last year's talk does not count
    assert rows[("party_life_meeting", "科室（单位）")].state == "event"


def test_a_report_owed_to_two_organs_is_done_only_when_each_has_its_own(tmp_path, catalog):
    """七（三）: 分别向市委、市纪委报告 — a 上行文 has one 主送, so the pair counts, not one report."""
    with Archive(tmp_path / "档案") as archive:
        file_from(archive, catalog, "dual_report_secretary", year=2025, period="上半年", date="2025-06-20",
                  recipient="市委")  # fmt: skip
        row = by_key(status(archive, 2025, today=date(2025, 7, 10)))[("secretary_report_h1", "局党组书记")]
        assert row.state == "overdue" and len(row.records) == 1
        assert row.missing == ("市纪委",) and "尚未报送市纪委" in row.note
        assert row.to_dict()["missing_recipients"] == ["市纪委"]
        assert "分别报送市委、市纪委" in row.obligation.rule_text
        # the second copy, a week late: the pair is complete, late
        file_from(archive, catalog, "dual_report_secretary", year=2025, period="上半年", date="2025-07-08",
                  recipient="市纪委")  # fmt: skip
        row = by_key(status(archive, 2025, today=date(2025, 7, 10)))[("secretary_report_h1", "局党组书记")]
        assert row.state == "late" and row.missing == () and len(row.records) == 2
    from lianzheng_docs.archive import Record

    pair = load_obligations()[[o.id for o in load_obligations()].index("secretary_report_h1")]
    for sent_to, counts in (("中共××市委组织部", ()), ("中共××市委", ("市委",)), ("中共××市纪委", ("市纪委",)),
                            ("中共××市委、中共××市纪委", ("市委", "市纪委"))):  # fmt: skip
        record = Record.__new__(Record)
        object.__setattr__(record, "recipients", sent_to)
        assert pair.addressed_to(record) == counts, sent_to
    with pytest.raises(TemplateError, match="recipients（分别报送）只用于按年度的义务"):
        load_obligations([("tzps", {"id": "tzps:r", "title": "x", "keyword": "x", "recipients": ["市委"],
                                    "event": True, "days": 7})])  # fmt: skip


def test_the_year_begins_with_the_task_division_and_ends_with_the_assessment(tmp_path, catalog, roster):
    """二（一）年初任务分工; 二（九）、三（四）检查考核: plan, one score sheet per unit, the 通报 of results."""
    with Archive(tmp_path / "档案") as archive:
        file_from(archive, catalog, "task_assignment_notice", year=2025, date="2025-02-20")
        file_from(archive, catalog, "assessment_plan", year=2025, date="2025-11-10")
        file_from(archive, catalog, "assessment_scoresheet", year=2025, department="预算科", date="2025-12-09")
        rows = by_key(status(archive, 2025, roster=roster, today=date(2026, 1, 10)))
    assert rows[("task_assignment", "局党组")].state == "done"
    assert rows[("assessment_plan", "局党组")].state == "done"
    assert rows[("assessment_scoresheet", "预算科")].state == "done"
    assert rows[("assessment_scoresheet", "国库科")].state == "due"  # one sheet per unit
    results = rows[("assessment_results", "局党组")]
    assert results.state == "due" and results.days_left == 21
    assert rows[("accountability_return", "驻局纪检组")].state == "event"  # counted from each case


def test_the_discipline_groups_suggestion_and_its_inspection_report(tmp_path, catalog):
    """六（一）: a suggestion a year; 七（八）: each 专项检查通知 opens 90 days for its report."""
    with Archive(tmp_path / "档案") as archive:
        file_from(archive, catalog, "work_suggestion", date="2026-03-02")
        file_from(archive, catalog, "inspection_notice", date="2026-08-28")
        rows = by_key(status(archive, 2026, today=date(2026, 12, 1)))
        assert rows[("work_suggestion", "驻局纪检组")].state == "done"
        report = rows[("inspection_report", "驻局纪检组")]
        assert report.state == "overdue" and report.due == date(2026, 11, 26) and report.trigger is not None
        file_from(archive, catalog, "inspection_report", date="2026-11-06")
        rows = by_key(status(archive, 2026, today=date(2026, 12, 1)))
        assert rows[("inspection_report", "驻局纪检组")].state == "done"


DECISION = ("accountability_decision", "局党组（国库支付中心）")  # 局党组 owes it, about the case's unit


def test_a_suggestion_to_hold_leaders_to_account_waits_for_the_party_groups_decision(tmp_path, catalog):
    """七（九）一案双究: the 纪检组's 问责意见 opens 30 days for 局党组's 责任追究决定 on that unit."""
    with Archive(tmp_path / "档案") as archive:
        file_from(archive, catalog, "accountability_suggestion", date="2026-06-26")
        row = by_key(status(archive, 2026, today=date(2026, 7, 30)))[DECISION]
        assert row.state == "overdue" and row.due == date(2026, 7, 26)
        file_from(archive, catalog, "accountability_decision", date="2026-07-03")
        row = by_key(status(archive, 2026, today=date(2026, 7, 30)))[DECISION]
        assert row.state == "done" and row.records[0].template_id == "accountability_decision"


def test_overdue_after_the_deadline_and_the_right_year_only(archive, roster):
    rows = by_key(status(archive, 2025, roster=roster, today=date(2026, 2, 1)))
    assert rows[("department_report", "预算科")].state == "overdue"
    assert rows[("department_report", "预算科")].days_left == -17
    assert rows[("supervision_report", "驻局纪检组")].state == "overdue"
    rows_2024 = by_key(status(archive, 2024, roster=roster, today=date(2026, 2, 1)))
    # the 2024 letter names 2024 in its title and was signed in 2025: late, not lost, not counted for 2025
    assert rows_2024[("responsibility_letter", "国库科")].state == "late"
    assert rows_2024[("responsibility_letter", "预算科")].state == "overdue"
    assert rows_2024[("integrity_talk", "国库科")].state == "done"


def test_unit_filter_and_unknown_unit(archive, roster):
    rows = status(archive, 2025, roster=roster, unit="国库科", today=date(2025, 3, 1))
    assert rows and {s.party for s in rows} == {"国库科"}
    with pytest.raises(RosterError, match=r"审计科 不在名册中.*预算科、国库科"):
        status(archive, 2025, roster=roster, unit="审计科")


def test_upcoming_lists_overdue_first_then_by_deadline(archive, roster):
    rows = status(archive, 2025, roster=roster, today=date(2025, 6, 25))  # the 上半年 report is dated 20 June
    soon = upcoming(rows, 30)
    assert soon and all(s.state in ("due", "overdue") and s.days_left <= 30 for s in soon)
    assert ("secretary_report_h1", "局党组书记") in {(s.obligation.id, s.party) for s in soon}
    assert "dual_report_h1" not in {s.obligation.id for s in soon}  # done
    assert "dual_report_year" not in {s.obligation.id for s in soon}  # 189 days away
    assert [s.due for s in soon] == sorted(s.due for s in soon)


def test_html_export_is_escaped_and_complete(archive, roster):
    rows = status(archive, 2025, roster=roster, today=date(2025, 3, 1))
    page = status_html(rows, 2025, bureau="××市财政局<测试>")
    assert page.count("<tr style=") == len(rows)
    assert "××市财政局&lt;测试&gt;2025年度" in page and "已完成" in page and "<测试>" not in page


@pytest.fixture
def run(run, archive, roster, tmp_path, monkeypatch):
    """The command (conftest's ``run``) over this module's archive, with its roster as 名册.yaml."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LIANZHENG_ARCHIVE", str(archive.root))
    path = tmp_path / "名册.yaml"
    path.write_text(ROSTER, encoding="utf-8")
    return run


def test_cli_status_table_json_and_html(run, tmp_path):
    result = run("status", "--year", 2025, "--roster", "名册.yaml", "--today", "2025-03-01")
    assert result.exit_code == 0, result.output
    assert "2025 年度落实情况" in result.output and "预算科" in result.output and "已完成" in result.output
    result = run("status", "--year", 2025, "--unit", "预算科", "--roster", "名册.yaml", "--today", "2025-03-01",
                 "--json", "--html", "情况.html")  # fmt: skip
    data = json.loads(result.output)
    letter = next(s for s in data["statuses"] if s["obligation"] == "responsibility_letter")
    assert letter["party"] == "预算科" and letter["state"] == "done" and letter["records"][0]["date"] == "2025-02-10"
    assert "预算科" in (tmp_path / "情况.html").read_text(encoding="utf-8")
    result = run("status", "--year", 2025, "--today", "2025-03-01")
    assert "未给名册" in result.output and "预算科" not in result.output


def test_cli_due_and_bad_input(run):
    result = run("due", "--within", "30d", "--roster", "名册.yaml", "--today", "2026-01-10", "--year", 2025, "--json")
    data = json.loads(result.output)
    assert data["within_days"] == 30
    assert {(s["obligation"], s["party"]) for s in data["statuses"]} >= {
        ("department_report", "预算科"), ("department_report", "国库科"), ("supervision_report", "驻局纪检组"),
        ("dual_report_year", "局党组"),
    }  # fmt: skip
    assert next(s for s in data["statuses"] if s["obligation"] == "department_report")["days_left"] == 5
    data = json.loads(run("due", "--roster", "名册.yaml", "--today", "2026-01-10", "--json").output)
    assert data["years"] == [2025, 2026]  # in January last year's reports fall due
    report = next(s for s in data["statuses"] if s["obligation"] == "department_report")
    assert report["year"] == 2025 and report["days_left"] == 5
    result = run("status", "--unit", "预算科")
    assert result.exit_code == ExitCode.USAGE and "--roster" in result.output
    result = run("due", "--within", "一个月")
    assert result.exit_code == ExitCode.USAGE and "30d" in result.output
    result = run("status", "--unit", "审计科", "--roster", "名册.yaml")
    assert result.exit_code == ExitCode.INVALID_INPUT and "审计科 不在名册中" in result.output


def test_deadlines_counted_from_recorded_events(tmp_path, roster):
    from lianzheng_docs.duties.events import EventError, list_events, record_event

    with Archive(tmp_path / "档案") as archive:
        record_event(archive, "party_life_meeting", "预算科", date(2025, 5, 10), "第二季度组织生活会")
        record_event(archive, "party_life_meeting", "国库科", date(2025, 6, 1))
        file_pdf(archive, tmp_path, "预算科组织生活会情况报告", "预算科", date(2025, 5, 14))
        with pytest.raises(EventError, match=r"不是按事件计算期限的事项.*party_life_meeting"):
            record_event(archive, "dual_report_h1", "局党组", date(2025, 5, 1))
        with pytest.raises(EventError, match="'meeting' 不存在"):
            record_event(archive, "meeting", "预算科", date(2025, 5, 1))
        assert [e.party for e in list_events(archive, year=2025)] == ["预算科", "国库科"]

        def meetings(today):
            rows = status(archive, 2025, roster=roster, today=today)
            return {s.party: s for s in rows if s.obligation.id == "party_life_meeting"}

        rows = meetings(date(2025, 6, 5))
        assert rows["预算科"].state == "done" and rows["预算科"].due == date(2025, 5, 17)
        assert rows["预算科"].to_dict()["event"]["note"] == "第二季度组织生活会"
        assert rows["国库科"].state == "due" and rows["国库科"].days_left == 3
        assert meetings(date(2025, 6, 20))["国库科"].state == "overdue"
        file_pdf(archive, tmp_path, "国库科组织生活会情况报告", "国库科", date(2025, 6, 12))
        assert meetings(date(2025, 6, 20))["国库科"].state == "late"
        assert {s.party for s in status(archive, 2025, roster=roster, unit="国库科") if s.obligation.event} == {
            "国库科"
        }


def test_cli_event_add_list_and_status(run):
    result = run("event", "add", "party_life_meeting", "--party", "预算科", "--date", "2025-05-10")
    assert result.exit_code == 0 and "应在 7 日内报送" in result.output
    assert json.loads(run("event", "list", "--json").output)[-1]["party"] == "预算科"
    result = run("event", "add", "responsibility_letter", "--party", "预算科", "--date", "2025-05-10")
    assert result.exit_code == ExitCode.INVALID_INPUT and "不是按事件计算期限的事项" in result.output
    data = json.loads(run("status", "--year", 2025, "--today", "2025-05-12", "--json").output)
    meeting = next(s for s in data["statuses"] if s["obligation"] == "party_life_meeting")
    assert meeting["party"] == "预算科" and meeting["state"] == "due" and meeting["days_left"] == 5


def test_commands_that_only_read_make_no_archive_where_there_is_none(run, tmp_path):
    """status, due, ledger list/review and event list where no archive is: exit 4, nothing created."""
    missing = tmp_path / "没有档案"
    for command in (["status"], ["due"], ["ledger", "list"], ["ledger", "review"], ["event", "list"]):
        result = run(*command, "--archive", missing)
        assert result.exit_code == ExitCode.NOT_FOUND, (command, result.output)
        assert "没有档案" in result.output and not missing.exists(), command
