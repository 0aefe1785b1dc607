"""批量 on the desk (issue 17 item 2): a batch for the kept roster, watched on its page; a re-run makes
only what is missing; a mistake in the shared data is shown at its field before anything starts."""

from __future__ import annotations

from datetime import date
from html import unescape

import pytest
from starlette.testclient import TestClient

from lianzheng_docs import Archive
from lianzheng_docs.web import create_app
from lianzheng_docs.web.access import Role, User
from lianzheng_docs.web.jobs import Jobs
from lianzheng_docs.web.roster_store import keep_roster

from conftest import ROOT
from webpage import read_page

TODAY = date(2026, 11, 30)
ROSTER = ROOT / "docs" / "examples" / "名册.yaml"


@pytest.fixture
def root(tmp_path):
    return tmp_path / "archive"


@pytest.fixture
def app(root):
    app = create_app(root, today=TODAY, hosts=["testserver"])
    app.state.desk.jobs = Jobs(runner=lambda work: work())  # the batch runs within the request
    return app


@pytest.fixture
def client(app):
    with TestClient(app) as client:
        yield client


def keep_example_roster(root):
    root.mkdir(parents=True, exist_ok=True)
    keep_roster(root, ROSTER.read_bytes(), "名册.yaml", "测试")


def test_without_a_roster_the_page_says_where_to_upload_one(client):
    page = client.get("/batch")
    assert page.status_code == 200 and "尚未保存名册" in unescape(page.text) and 'href="/roster"' in page.text
    values = read_page(page.text).values
    refused = client.post("/batch", data=values | {"action": "start"})
    assert refused.status_code == 409


def test_a_batch_files_one_letter_per_unit_and_a_rerun_makes_only_what_is_missing(client, root):
    keep_example_roster(root)
    page = client.get("/batch")
    values = read_page(page.text).values
    assert values["template"] == "responsibility_letter" and values["year"] == "2026"
    started = client.post("/batch", data=values | {"action": "start"}, follow_redirects=False)
    assert started.status_code == 303 and started.headers["location"].startswith("/batch/jobs/")
    job = client.get(started.headers["location"])
    text = unescape(job.text)
    with Archive(root, create=False) as archive:
        letters = archive.list(template="responsibility_letter")
    assert len(letters) >= 3
    assert f"生成并归档 {len(letters)}" in text and "出错 0" in text
    assert 'http-equiv="refresh"' not in job.text  # done: the page stops refreshing
    for record in letters:
        assert f'href="/records/{record.id}">{record.archival_code}</a>' in job.text
    assert {r.unit for r in letters} >= {"办公室", "预算科", "国库科"}

    again = client.post("/batch", data=values | {"action": "start"}, follow_redirects=False)
    rerun = unescape(client.get(again.headers["location"]).text)
    assert "生成并归档 0" in rerun and f"已归档跳过 {len(letters)}" in rerun
    with Archive(root, create=False) as archive:
        assert len(archive.list(template="responsibility_letter")) == len(letters)


def test_a_mistake_in_the_shared_data_is_shown_at_its_field_and_nothing_starts(client, root):
    keep_example_roster(root)
    values = read_page(client.get("/batch").text).values
    assert values["date"] == "2026-01-20"  # the example's 成文日期
    answer = client.post("/batch", data=values | {"date": "2026-02-30", "action": "start"})
    assert answer.status_code == 422
    page = read_page(answer.text)
    assert {"error-summary", "f-date-error"} <= page.ids
    assert page.values["date"] == "2026-02-30"  # what was typed is kept
    assert not (root / "registry.sqlite3").exists()  # nothing was filed: not even an archive was made


def test_a_bad_year_is_refused_with_what_was_typed(client, root):
    keep_example_roster(root)
    values = read_page(client.get("/batch").text).values
    answer = client.post("/batch", data=values | {"year": "二〇二六", "action": "start"})
    assert answer.status_code == 422
    assert "年度应为 2000 至 2100 之间的四位数字，收到的是“二〇二六”" in unescape(answer.text)


def test_the_batch_page_is_for_the_office_only(app, root):
    keep_example_roster(root)
    app.state.desk.local_user = User(name="张三", role=Role.SECTION, unit="预算科")
    with TestClient(app) as client:
        assert client.get("/batch").status_code == 403


def test_an_unknown_job_is_not_found(client):
    assert client.get("/batch/jobs/nope").status_code == 404


def test_the_shared_fields_offer_the_rosters_people(client, root):
    keep_example_roster(root)
    page = client.get("/batch")
    secretary = next(ident for ident in read_page(page.text).ids if ident.endswith("-name-list"))
    assert secretary and '<option value="张建国">' in page.text  # the roster's secretary, offered to type


def test_a_rerun_starts_from_what_the_batch_was_run_with(client, root):
    keep_example_roster(root)
    first = client.get("/batch")
    assert 'id="example-note"' in first.text  # the example is said to be one
    values = read_page(first.text).values
    values["date"] = "2026-02-02"
    started = client.post("/batch", data=values | {"action": "start"}, follow_redirects=False)
    job = started.headers["location"].rsplit("/", 1)[1]
    again = client.get(f"/batch?job={job}")
    assert read_page(again.text).values["date"] == "2026-02-02" and 'id="example-note"' not in again.text
