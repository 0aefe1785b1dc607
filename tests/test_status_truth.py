"""Status tells the truth (issue 14, item 3): a document dated after today never counts; filing and
the ledger refuse future dates unless told; the secretary's 廉政谈话 count person by person, a
secretary's 约谈 among them; a 廉政风险告知书 opens a deadline for its recipient's 整改情况报告.

Every status rule is judged at an injected ``today``; the filing rules use dates relative to the
real today (the archive refuses what is after it), never a fixed calendar date.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pymupdf
import pytest
import yaml

from lianzheng_docs import ExitCode
from lianzheng_docs.archive import Archive, RecordMeta
from lianzheng_docs.archive.records import FutureDateError
from lianzheng_docs.duties.ledger import Ledger, LedgerError
from lianzheng_docs.duties.obligations import load_obligations, status
from lianzheng_docs.duties.obligations.judging import stated_deadline
from lianzheng_docs.duties.roster import load_roster
from lianzheng_docs.errors import TemplateError
from lianzheng_docs.templating.catalog import Catalog

ROSTER = """
bureau: ××市财政局
secretary: 张建国
leaders: [刘建华, {name: 吴强, post: 副局长}]
units:
  - {科室(单位): 预算科, 主要负责人: 王晓东, 职务: 科长, 分管领导: 刘建华}
  - {科室(单位): 国库科, 主要负责人: 陈静, 职务: 科长, 分管领导: 吴强}
  - {单位: 城关县财政局, 负责人: 赵敏, 类别: 县区财政部门}
"""
TODAY = date.today()


@pytest.fixture
def roster(tmp_path):
    path = tmp_path / "名册.yaml"
    path.write_text(ROSTER, encoding="utf-8")
    return load_roster(path)


def pdf(tmp_path, title):
    path = tmp_path / f"{title}.pdf"
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), title, fontname="china-s", fontsize=12)
    doc.save(path)
    return path


def file_pdf(archive, tmp_path, title, unit, when, recipients=""):
    meta = RecordMeta(title=title, kind="记录", unit=unit, date=when, recipients=recipients)
    return archive.add(pdf(tmp_path, title), meta)


def notice(archive, when, recipient="城关县财政局", **values):
    template = Catalog.default().get("risk_notice")
    data = template.example() | {"date": when.isoformat(), "recipient": recipient} | after(when) | values
    data.pop("doc_number")
    return archive.file_rendered(template, data)


def after(when):
    """A risk notice's deadlines after its date (the manifest orders them so): the example's are 2026's."""
    findings = Catalog.default().get("risk_notice").example()["findings"]
    return {"deadline": (when + timedelta(days=77)).isoformat(),
            "findings": [{k: v for k, v in item.items() if k != "deadline"} for item in findings]}  # fmt: skip


def rows_of(statuses, obligation_id):
    return [s for s in statuses if s.obligation.id == obligation_id]


# ------------------------------------------------------------------ dated after today


def test_a_record_dated_after_today_is_listed_never_counted(tmp_path, roster):
    """Judged on 1 March, a 述责述廉 dated 20 March is listed and flagged; the row stays 未到期."""
    with Archive(tmp_path / "档案") as archive:
        file_pdf(archive, tmp_path, "预算科科长述责述廉报告", "预算科", date(2025, 3, 20))

        def duty(today):
            return {s.party: s for s in rows_of(status(archive, 2025, roster=roster, today=today), "duty_report")}

        before = duty(date(2025, 3, 1))
        mine = before["预算科"]
        assert mine.state == "due" and mine.records == () and mine.days_left == 305
        assert [r.date for r in mine.future] == ["2025-03-20"] and mine.flags == ["future_date"]
        assert "晚于今天" in mine.note and "2025-03-20" in mine.note
        data = mine.to_dict()
        assert data["flags"] == ["future_date"] and data["future_records"][0]["date"] == "2025-03-20"
        assert data["flag_labels"] == ["有成文日期晚于今天的文件（不计入）"] and data["count"] == 0
        assert before["国库科"].flags == []
        assert duty(date(2026, 1, 2))["预算科"].state == "done"  # once its date has come, it counts
        assert duty(date(2025, 3, 20))["预算科"].flags == []


def test_a_future_report_after_an_event_does_not_count_either(tmp_path, roster):
    from lianzheng_docs.duties.events import record_event

    with Archive(tmp_path / "档案") as archive:
        record_event(archive, "party_life_meeting", "预算科", date(2025, 5, 10))
        file_pdf(archive, tmp_path, "预算科组织生活会情况报告", "预算科", date(2025, 5, 14))
        (meeting,) = rows_of(status(archive, 2025, roster=roster, today=date(2025, 5, 12)), "party_life_meeting")
        assert meeting.state == "due" and meeting.records == () and meeting.flags == ["future_date"]
        (meeting,) = rows_of(status(archive, 2025, roster=roster, today=date(2025, 5, 15)), "party_life_meeting")
        assert meeting.state == "done" and meeting.flags == []


def test_the_cli_shows_the_flag_in_text_and_json(run, tmp_path, roster, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "名册.yaml").write_text(ROSTER, encoding="utf-8")
    with Archive(tmp_path / "档案") as archive:
        file_pdf(archive, tmp_path, "预算科科长述责述廉报告", "预算科", date(2025, 12, 10))
    args = ["status", "--year", 2025, "--roster", "名册.yaml", "--archive", "档案", "--today", "2025-06-01"]
    result = run(*args)
    assert result.exit_code == 0 and "有成文日期晚于今天的文件（不计入）" in result.output
    data = json.loads(run(*args, "--json").output)
    duty = next(s for s in data["statuses"] if s["obligation"] == "duty_report" and s["party"] == "预算科")
    assert duty["state"] == "due" and duty["flags"] == ["future_date"] and duty["count"] == 0


# ------------------------------------------------------------------ filing and the ledger refuse


def test_the_archive_refuses_a_future_date_unless_allowed(tmp_path):
    later = TODAY + timedelta(days=40)
    with Archive(tmp_path / "档案") as archive:
        with pytest.raises(FutureDateError, match=r"成文日期（date）.*晚于今天.*--allow-future-date") as caught:
            notice(archive, later)
        assert caught.value.exit_code == ExitCode.INVALID_INPUT
        with pytest.raises(FutureDateError):
            archive.add(pdf(tmp_path, "来文"), RecordMeta(title="来文", date=later))
        assert archive.list() == [] and not archive.warnings  # nothing filed, no number taken
        assert notice(archive, TODAY).doc_number.endswith(f"〔{TODAY.year}〕1号")
        template = Catalog.default().get("risk_notice")
        data = template.example() | {"date": later.isoformat(), "recipient": "××区财政局"} | after(later)
        data.pop("doc_number")
        filed = archive.file_rendered(template, data, allow_future_date=True)
        assert filed.date == later.isoformat()
        assert len(archive.warnings) == 1 and "已按 --allow-future-date 归档" in archive.warnings[0]
        external = archive.add(pdf(tmp_path, "预签文件"), RecordMeta(title="预签文件", date=later),
                               allow_future_date=True)  # fmt: skip
        assert external.date == later.isoformat() and len(archive.warnings) == 2
        assert archive.verify().ok


def test_the_cli_refuses_future_filing_with_a_chinese_message(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    later = (TODAY + timedelta(days=40)).isoformat()
    example = yaml.safe_load(run("example", "risk_notice").output)
    data = example | {"date": later} | after(date.fromisoformat(later))
    (tmp_path / "d.yaml").write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
    refused = run("render", "risk_notice", "--data", "d.yaml", "--archive", "档案")
    assert refused.exit_code == ExitCode.INVALID_INPUT and "--allow-future-date" in refused.output
    assert "成文日期（date）" in refused.output and "Traceback" not in refused.output
    as_json = json.loads(run("render", "risk_notice", "--data", "d.yaml", "--archive", "档案", "--json").output)
    assert as_json["exit_code"] == 3 and "晚于今天" in as_json["message"]
    filed = run("render", "risk_notice", "--data", "d.yaml", "--archive", "档案", "--allow-future-date")
    assert filed.exit_code == 0 and "警告：成文日期" in filed.stderr and "已归档" in filed.stdout
    pdf(tmp_path, "来文")
    added = run("archive", "add", "来文.pdf", "--date", later, "--archive", "档案", "--no-stamp")
    assert added.exit_code == ExitCode.INVALID_INPUT and "--allow-future-date" in added.stderr
    added = run("archive", "add", "来文.pdf", "--date", later, "--archive", "档案", "--no-stamp",
                "--allow-future-date")  # fmt: skip
    assert added.exit_code == 0 and "晚于今天" in added.stderr


def test_batch_files_no_future_letters_unless_allowed(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "名册.yaml").write_text(ROSTER, encoding="utf-8")
    later = (TODAY + timedelta(days=40)).isoformat()
    example = run("example", "responsibility_letter").output
    (tmp_path / "责任书.yaml").write_text(example + f"\ndate: {later}\n", encoding="utf-8")
    args = ["batch", "responsibility_letter", "-d", "责任书.yaml", "--roster", "名册.yaml", "--archive", "档案"]
    refused = run(*args)
    assert refused.exit_code == ExitCode.INVALID_INPUT and "--allow-future-date" in refused.output
    with Archive(tmp_path / "档案") as archive:
        assert archive.list() == []
    assert run(*args, "--allow-future-date").exit_code == 0


def test_the_ledger_refuses_a_future_entry_unless_allowed(tmp_path, run, monkeypatch):
    with Archive(tmp_path / "档案") as archive:
        ledger = Ledger(archive)
        with pytest.raises(LedgerError) as caught:
            ledger.add("局党组书记", "3", date(2026, 12, 28), "主讲廉政党课", today=date(2026, 12, 1))
        assert [p.path for p in caught.value.problems] == ["date"]
        assert "晚于今天 2026-12-01" in caught.value.message and "--allow-future-date" in caught.value.message
        assert ledger.entries() == []
        entry = ledger.add("局党组书记", "3", date(2026, 12, 28), "主讲廉政党课", today=date(2026, 12, 1),
                           allow_future_date=True)  # fmt: skip
        assert entry.date == "2026-12-28"
    monkeypatch.chdir(tmp_path)
    later = (TODAY + timedelta(days=3)).isoformat()
    args = ["ledger", "add", "--holder", "局党组书记", "--task", "3", "--date", later, "--done", "廉政党课",
            "--archive", "档案"]  # fmt: skip
    refused = run(*args)
    assert refused.exit_code == ExitCode.INVALID_INPUT and "日期" in refused.output
    assert "Traceback" not in refused.output
    allowed = run(*args, "--allow-future-date")
    assert allowed.exit_code == 0 and "警告：台账日期" in allowed.stderr


# ------------------------------------------------------------------ 廉政谈话 per person, 约谈


def test_the_secretarys_talks_count_person_by_person(tmp_path, roster):
    with Archive(tmp_path / "档案") as archive:
        file_pdf(archive, tmp_path, "局党组书记张建国与预算科科长王晓东廉政谈话记录", "局党组", date(2025, 3, 2))
        # a 约谈 by the secretary counts (三（五））; the names may be in the 主送 (谈话对象)
        file_pdf(archive, tmp_path, "局党组书记约谈记录", "局党组", date(2025, 4, 2), recipients="刘建华、陈静")
        # the discipline group's 约谈 is its own, not the secretary's (七（六）)
        file_pdf(archive, tmp_path, "驻局纪检组约谈吴强记录", "驻局纪检组", date(2025, 4, 3))
        # a head's talk with their staff is the unit's, not the secretary's
        file_pdf(archive, tmp_path, "国库科陈静与本科室人员廉政谈话记录", "国库科", date(2025, 5, 1))
        rows = rows_of(status(archive, 2025, roster=roster, today=date(2025, 6, 1)), "secretary_integrity_talks")
        talks = {s.person: s for s in rows}
        assert list(talks) == ["刘建华（班子成员）", "吴强（副局长）", "王晓东（预算科科长）", "陈静（国库科科长）"]
        assert {p for p, s in talks.items() if s.state == "done"} == {
            "刘建华（班子成员）", "王晓东（预算科科长）", "陈静（国库科科长）"
        }  # fmt: skip
        assert talks["吴强（副局长）"].state == "due" and "城关县财政局" not in " ".join(talks)
        assert talks["王晓东（预算科科长）"].to_dict()["person"] == "王晓东（预算科科长）"
        assert talks["王晓东（预算科科长）"].who == "局党组书记（与 王晓东（预算科科长））"
        units = {s.party: s.state for s in rows_of(status(archive, 2025, roster=roster, today=date(2025, 6, 1)),
                                                   "integrity_talk")}  # fmt: skip
        assert units == {"预算科": "due", "国库科": "done"}
        # a 约谈记录 filed under the unit talked to, by the secretary (责任者 局党组), is with its head
        meta = RecordMeta(title="约谈记录（国库科）", kind="记录", unit="国库科", author="局党组",
                          date=date(2025, 5, 2))  # fmt: skip
        archive.add(pdf(tmp_path, "约谈记录（国库科）"), meta)
        talks = {s.person: s for s in rows_of(status(archive, 2025, roster=roster, today=date(2025, 6, 1)),
                                              "secretary_integrity_talks")}  # fmt: skip
        assert [r.title for r in talks["陈静（国库科科长）"].records] == ["局党组书记约谈记录", "约谈记录（国库科）"]
        late = rows_of(status(archive, 2025, roster=roster, today=date(2026, 1, 5)), "secretary_integrity_talks")
        assert {s.person: s.state for s in late}["吴强（副局长）"] == "overdue"


def test_without_leaders_the_roster_s_leaders_in_charge_are_the_members(tmp_path):
    path = tmp_path / "名册.yaml"
    path.write_text(ROSTER.replace("leaders: [刘建华, {name: 吴强, post: 副局长}]\n", ""), encoding="utf-8")
    roster = load_roster(path)
    assert [p.label for p in roster.members()] == ["刘建华（班子成员）", "吴强（班子成员）"]
    assert [p.label for p in roster.heads(["科室"])] == ["王晓东（预算科科长）", "陈静（国库科科长）"]


def test_per_person_must_name_a_known_group():
    with pytest.raises(TemplateError, match="per_person 只能是 班子成员、科室负责人"):
        load_obligations([("x", {"id": "x:t", "title": "谈话", "keyword": "谈话", "per_person": ["处长"]})])


# ------------------------------------------------------------------ 告知书 → 整改情况报告


def test_a_risk_notice_opens_a_deadline_for_its_recipient(tmp_path, roster):
    with Archive(tmp_path / "档案") as archive:
        first = notice(archive, date(2025, 6, 15), deadline="2025-08-31")
        notice(archive, date(2025, 9, 1), recipient="预算科", deadline="2025-09-30")

        def rows(today):
            return {s.party: s for s in rows_of(status(archive, 2025, roster=roster, today=today),
                                                "risk_notice_rectification")}  # fmt: skip

        before = rows(date(2025, 8, 1))
        assert set(before) == {"城关县财政局"}  # the 9月 notice is not yet issued on 1 August
        county = before["城关县财政局"]
        assert county.state == "due" and county.due == date(2025, 8, 31) and county.days_left == 30
        assert county.trigger.id == first.id and "依据 X财廉告〔2025〕1号" in county.note
        assert county.to_dict()["trigger"]["doc_number"] == "X财廉告〔2025〕1号"
        assert rows(date(2025, 9, 5))["城关县财政局"].state == "overdue"
        file_pdf(archive, tmp_path, "城关县财政局关于廉政风险告知书整改情况的报告", "城关县财政局",
                 date(2025, 9, 10))  # fmt: skip
        after = rows(date(2025, 10, 8))
        assert after["城关县财政局"].state == "late" and after["城关县财政局"].records[0].date == "2025-09-10"
        assert after["预算科"].state == "overdue" and after["预算科"].due == date(2025, 9, 30)
        assert rows_of(status(archive, 2025, roster=roster, unit="预算科", today=date(2025, 10, 8)),
                       "risk_notice_rectification")[0].party == "预算科"  # fmt: skip
        assert rows_of(status(archive, 2024, roster=roster, today=date(2025, 10, 8)),
                       "risk_notice_rectification")[0].state == "event"  # no notice that year  # fmt: skip


def test_the_deadline_a_notice_states_or_thirty_days():
    assert stated_deadline("请于2026年8月31日前将整改情况书面报送驻局纪检组") == date(2026, 8, 31)
    assert stated_deadline("请于 2026 年 8 月 31 日前 将整改情况") == date(2026, 8, 31)
    assert stated_deadline("请认真整改") is None and stated_deadline("于2026年2月30日前将整改") is None
    (rule,) = [o for o in load_obligations() if o.id == "risk_notice_rectification"]
    assert rule.days == 30 and rule.after_template == "risk_notice" and "30 日内" in rule.rule_text


def test_a_talk_record_from_the_template_counts_for_its_subject(tmp_path, roster):
    template = Catalog.default().get("integrity_talk_record")
    data = template.example() | {"subject": {"name": "王晓东", "post": "预算科科长"}, "date": "2025-03-03",
                                 "unit": "局党组"}  # fmt: skip
    data.pop("doc_number", None)
    with Archive(tmp_path / "档案") as archive:
        record = archive.file_rendered(template, data)
        assert "王晓东" in record.title and record.unit == "局党组"
        talks = {s.person: s for s in rows_of(status(archive, 2025, roster=roster, today=date(2025, 6, 1)),
                                              "secretary_integrity_talks")}  # fmt: skip
        assert talks["王晓东（预算科科长）"].state == "done" and talks["陈静（国库科科长）"].state == "due"


def test_a_yuetan_counts_even_when_the_talks_name_their_template():
    from dataclasses import replace

    from lianzheng_docs.archive.records import Record

    (talks,) = [o for o in load_obligations() if o.id == "secretary_integrity_talks"]
    talks = replace(talks, template="integrity_talk_record")
    fields = dict.fromkeys(Record.__dataclass_fields__, "")
    fields |= {"id": 1, "year": 2025, "item": 1, "page_count": None, "files": [], "unit": "局党组"}
    yuetan = Record(**(fields | {"title": "约谈记录（国库科）", "template_id": "admonition_record"}))
    other = Record(**(fields | {"title": "关于开展廉政教育的通知", "template_id": None}))
    assert talks.matches(yuetan, 2025) and not talks.matches(other, 2025)


def test_the_rectification_report_template_answers_the_notice(tmp_path, roster):
    report = Catalog.default().get("rectification_report")
    with Archive(tmp_path / "档案") as archive:
        notice(archive, date(2025, 6, 15), deadline="2025-08-31")
        data = report.example() | {"unit": "城关县财政局", "received": "2025-06-22", "date": "2025-08-25"}
        data.pop("doc_number", None)
        answer = archive.file_rendered(report, data)
        (row,) = rows_of(status(archive, 2025, roster=roster, today=date(2025, 9, 1)), "risk_notice_rectification")
        assert row.party == "城关县财政局" and row.state == "done" and row.records == (answer,)
