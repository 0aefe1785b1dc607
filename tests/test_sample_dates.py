"""Sample data that stays true (issue 14, item 4): examples and samples are dated relative to a
given day, never after it, every year in them moved alike; without a day, as the manifest writes it."""

from __future__ import annotations

import json
from datetime import date

import pytest
import yaml

from lianzheng_docs.templating.catalog import Catalog
from lianzheng_docs.templating.examples import example_data, example_yaml


@pytest.fixture(scope="module")
def catalog():
    return Catalog.default()


@pytest.mark.parametrize("today", [date(2026, 11, 30), date(2027, 1, 5), date(2028, 2, 28), date(2031, 6, 26)])
def test_no_example_is_dated_after_the_day(catalog, today):
    for template in catalog:
        data = example_data(template.manifest, today)
        when = template.metadata(data).get("date")
        if when:
            day = date.fromisoformat(when)
            assert day <= today and (today - day).days < 366, template.id
            template.validate(data)  # still valid data


def test_every_year_moves_alike(catalog):
    report = catalog.get("dual_report")
    written = example_data(report.manifest)
    assert written["date"] == date(2026, 6, 26) and written["year"] == 2026  # as the manifest writes it
    moved = example_data(report.manifest, date(2028, 7, 1))
    assert moved["date"] == date(2028, 6, 26) and moved["year"] == 2028
    assert "doc_number" not in moved and moved["intro"][0].startswith("2028年上半年")  # the archive numbers it
    assert report.metadata(moved)["title"] == "关于2028年上半年落实党风廉政建设主体责任情况的报告"
    assert report.metadata(moved)["doc_number"] == ""  # a 待编号稿: no number in its metadata
    # a 文号 written in the data (another system gave it) is kept as it is
    given = example_data(report.manifest, date(2028, 7, 1)) | {"doc_number": "X财党〔2026〕12号"}
    assert report.metadata(given)["doc_number"] == "X财党〔2026〕12号"
    before_june = example_data(report.manifest, date(2028, 6, 25))
    assert before_june["date"] == date(2027, 6, 26) and before_june["year"] == 2027
    # a department's report on year Y is dated 12 January of Y+1: on 5 January 2027 that is 2026's, on 2025
    department = catalog.get("department_report")
    early = example_data(department.manifest, date(2027, 1, 5))
    assert early["date"] == date(2026, 1, 12) and early["year"] == 2025
    assert example_data(department.manifest, date(2027, 1, 12))["year"] == 2026
    # 29 February in a year without one is the 28th; phone numbers and amounts are not years
    notice = example_data(catalog.get("risk_notice").manifest, date(2027, 7, 1))
    assert notice["phone"] == written_phone(catalog) and "1200万元" in notice["findings"][0]["problem"]
    assert "2026年度农业产业化专项资金" in notice["findings"][0]["problem"]  # 2025 + 1


def written_phone(catalog):
    return example_data(catalog.get("risk_notice").manifest)["phone"]


def test_the_example_command_takes_the_day(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = run("example", "dual_report", "--today", "2029-03-01").output
    data = yaml.safe_load(text)
    assert data["date"] == date(2028, 6, 26) and "doc_number" not in data  # the archive numbers it
    assert "# 不写：用 --archive 归档时自动编号" in text and "# doc_number:" in text
    manifest = Catalog.default().get("dual_report").manifest
    assert example_yaml(manifest, today=date(2029, 3, 1)).strip() == text.strip()
    assert run("example", "dual_report", "--today", "明天").exit_code == 2


def test_samples_into_the_archive_are_never_dated_after_the_day(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    filed = json.loads(run("samples", "--archive", "档案", "--today", "2026-11-30", "--json").output)["records"]
    titles = {item["template"]: item["title"] for item in filed}
    assert titles["department_report"] == "预算科关于2025年度履行党风廉政建设主体责任情况的报告"
    assert titles["supervision_report"] == "关于2025年度履行党风廉政建设监督责任情况的报告"
    assert titles["dual_report"] == "关于2026年上半年落实党风廉政建设主体责任情况的报告"
    shown = json.loads(run("archive", "list", "--archive", "档案", "--json").output)
    assert shown and all(r["date"] <= "2026-11-30" for r in shown)
