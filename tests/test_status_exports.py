"""Calendar and Excel (issue 14, item 5): ``due --ics`` parsed back with the icalendar library,
``status --xlsx`` read back with openpyxl. Every status is judged at an injected ``today``."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import icalendar
import pymupdf
import pytest
from openpyxl import load_workbook

from lianzheng_docs import ExitCode
from lianzheng_docs.archive import Archive, RecordMeta
from lianzheng_docs.duties.obligations import status, status_ics, status_xlsx
from lianzheng_docs.duties.obligations.report import STATE_COLOURS, XLSX_HEADERS
from lianzheng_docs.duties.roster import load_roster

ROSTER = """
bureau: ××市财政局
secretary: 张建国
units:
  - {科室(单位): 预算科, 主要负责人: 王晓东, 职务: 科长, 分管领导: 刘建华}
  - {科室(单位): 国库科, 主要负责人: 陈静, 职务: 科长, 分管领导: 刘建华}
"""
TODAY = date(2025, 6, 25)
NOW = datetime(2025, 6, 25, 8, 30, tzinfo=UTC)


@pytest.fixture
def roster(tmp_path):
    path = tmp_path / "名册.yaml"
    path.write_text(ROSTER, encoding="utf-8")
    return load_roster(path)


@pytest.fixture
def archive(tmp_path):
    with Archive(tmp_path / "档案") as archive:
        for title, unit, when in [("预算科科长述责述廉报告", "预算科", date(2025, 3, 10)),
                                  ("国库科科长述责述廉报告", "国库科", date(2025, 12, 1))]:  # fmt: skip
            path = tmp_path / f"{title}.pdf"
            doc = pymupdf.open()
            doc.new_page().insert_text((72, 72), title, fontname="china-s", fontsize=12)
            doc.save(path)
            archive.add(path, RecordMeta(title=title, kind="报告", unit=unit, date=when))
        yield archive


@pytest.fixture
def statuses(archive, roster):
    return status(archive, 2025, roster=roster, today=TODAY)


def test_the_calendar_is_rfc_5545_and_parses(statuses):
    data = status_ics(statuses, now=NOW, remind_days=10)
    text = data.decode("utf-8")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")  # CRLF only
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))  # folded
    assert any(line.startswith(" ") for line in text.split("\r\n"))  # long Chinese lines were folded
    calendar = icalendar.Calendar.from_ical(data)
    assert str(calendar["VERSION"]) == "2.0" and "lianzheng-docs" in str(calendar["PRODID"])
    events = calendar.walk("VEVENT")
    pending = [s for s in statuses if s.state in ("due", "overdue") and s.due]
    assert len(events) == len(pending) and all(s.state != "done" for s in pending)
    assert len({str(e["UID"]) for e in events}) == len(events)  # one per obligation and party
    by_summary = {str(e["SUMMARY"]): e for e in events}
    duty = by_summary["科室（单位）主要负责人述责述廉（国库科）"]
    assert duty.decoded("DTSTART") == date(2025, 12, 31) and duty.decoded("DTEND") == date(2026, 1, 1)
    assert duty.decoded("DTSTAMP") == NOW
    assert "条款：七（五）" in str(duty["DESCRIPTION"]) and "晚于今天" in str(duty["DESCRIPTION"])
    (alarm,) = duty.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY" and alarm.decoded("TRIGGER") == -timedelta(days=10)
    assert "科室（单位）主要负责人述责述廉（预算科）" not in by_summary  # done: no deadline to keep
    talks = [s for s in by_summary if s.startswith("局党组主要负责人与班子成员")]
    assert len(talks) == 3 and any("王晓东" in s for s in talks)  # one per person


def test_uids_are_stable_and_the_stamp_is_the_only_difference(statuses, archive, roster):
    first = status_ics(statuses, now=NOW)
    again = status_ics(status(archive, 2025, roster=roster, today=TODAY), now=NOW + timedelta(hours=1))
    uids = [line for line in first.decode().split("\r\n") if line.startswith("UID:")]
    assert uids == [line for line in again.decode().split("\r\n") if line.startswith("UID:")]
    strip = [line for line in first.decode().split("\r\n") if not line.startswith("DTSTAMP")]
    assert strip == [line for line in again.decode().split("\r\n") if not line.startswith("DTSTAMP")]


def test_text_values_are_escaped():
    from lianzheng_docs.duties.obligations.report import _fold, _text

    assert _text("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne"
    folded = _fold("SUMMARY:" + "两个责任" * 40)
    assert all(len(part.encode("utf-8")) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == "SUMMARY:" + "两个责任" * 40


def test_the_workbook_has_a_frozen_filtered_header_and_a_colour_per_state(statuses, tmp_path):
    path = tmp_path / "落实情况.xlsx"
    path.write_bytes(status_xlsx(statuses, "2025年度落实情况"))
    book = load_workbook(path)
    sheet = book["2025年度落实情况"]
    assert [c.value for c in sheet[1]] == XLSX_HEADERS and all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:K{len(statuses) + 1}"
    states = {row[8].value: row[8].fill.start_color.rgb[-6:] for row in sheet.iter_rows(min_row=2)}
    labels = {"已完成": "done", "未到期": "due", "按事件": "event"}
    assert set(labels) <= set(states)
    for label, key in labels.items():
        assert states[label] == STATE_COLOURS[key]
    assert len(set(STATE_COLOURS.values())) == len(STATE_COLOURS)  # one colour per state
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    duty = next(r for r in rows if r[2] == "科室（单位）主要负责人述责述廉" and r[3] == "国库科")
    assert duty[6].date() == date(2025, 12, 31) and duty[7] == 189 and "晚于今天" in duty[10]
    widths = {h: sheet.column_dimensions[chr(ord("A") + i)].width for i, h in enumerate(XLSX_HEADERS)}
    assert widths["事项"] >= 2 * len("局党组主要负责人与班子成员") or widths["事项"] == 50  # wide Chinese
    assert widths["年度"] < widths["事项"]
    legend = {r[0]: r[1] for r in book["图例"].iter_rows(min_row=2, values_only=True)}
    assert legend["已完成"] == sum(s.state == "done" for s in statuses)


def test_the_commands_write_them_and_refuse_to_overwrite(run, archive, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "名册.yaml").write_text(ROSTER, encoding="utf-8")
    common = ["--roster", "名册.yaml", "--archive", archive.root, "--today", TODAY.isoformat()]
    result = run("status", "--year", 2025, *common, "--xlsx", "情况.xlsx", "--html", "情况.html")
    assert result.exit_code == 0 and "已另存为 情况.xlsx" in result.output
    assert load_workbook(tmp_path / "情况.xlsx").worksheets[0].freeze_panes == "A2"
    again = run("status", "--year", 2025, *common, "--xlsx", "情况.xlsx")
    assert again.exit_code == ExitCode.OUTPUT and "--force" in again.output and "Traceback" not in again.output
    assert run("status", "--year", 2025, *common, "--xlsx", "情况.xlsx", "--force").exit_code == 0
    both = json.loads(run("status", "--year", 2024, "--year", 2025, *common, "--json").output)
    assert both["years"] == [2024, 2025] and {s["year"] for s in both["statuses"]} == {2024, 2025}
    result = run("due", *common, "--ics", "期限.ics", "--remind", "3d")
    assert result.exit_code == 0 and "期限.ics" in result.output
    calendar = icalendar.Calendar.from_ical((tmp_path / "期限.ics").read_bytes())
    events = calendar.walk("VEVENT")
    assert events and all(e.walk("VALARM")[0].decoded("TRIGGER") == -timedelta(days=3) for e in events)
    assert run("due", *common, "--ics", "期限.ics").exit_code == ExitCode.OUTPUT
    bad = run("due", *common, "--ics", "x.ics", "--remind", "一周")
    assert bad.exit_code == ExitCode.USAGE and "--remind" in bad.output and not (tmp_path / "x.ics").exists()
