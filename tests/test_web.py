"""The web desk (issue 17, first slice): template pages, the form's round trip, filing, the JSON API,
and what it refuses (other sites' posts, other hosts, paths out of the archive, markup in data).

Pages are read as a browser would read them (:mod:`webpage`) and submitted with the values they
show, changed where a clerk would change them.
"""

from __future__ import annotations

import io
import re
from datetime import date
from html import unescape

import docx
import pytest
from starlette.testclient import TestClient

from lianzheng_docs import Archive, ExitCode
from lianzheng_docs.archive import archive as archive_module
from lianzheng_docs.web import create_app
from lianzheng_docs.web.statuses import HTTP_STATUS

from webpage import read_page

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def root(tmp_path):
    return tmp_path / "archive"


@pytest.fixture
def client(root):
    with TestClient(create_app(root, hosts=["testserver"])) as test_client:
        yield test_client


def risk_notice_form(client: TestClient) -> dict[str, str]:
    """What the 廉政风险告知书 page submits as it comes: its example data dated to today."""
    page = client.get("/templates/risk_notice")
    assert page.status_code == 200
    return read_page(page.text).values


def docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


# ---------------------------------------------------------------------- pages


def test_the_template_list_shows_every_built_in_template(client, catalog):
    page = client.get("/templates")
    assert page.status_code == 200
    text = unescape(page.text)
    for template in catalog:
        assert f'href="/templates/{template.id}"' in page.text
        assert template.title in text
    assert client.get("/", follow_redirects=False).headers["location"] == "/templates"


def test_the_form_holds_the_example_dated_to_today_and_every_control_has_a_label(root):
    with TestClient(create_app(root, today=date(2026, 11, 30), hosts=["testserver"])) as client:
        page = read_page(client.get("/templates/risk_notice").text)
    assert page.values["date"] == "2026-06-15"  # the latest 6-15 on or before today
    assert page.values["doc_number"] == ""  # the archive gives 文号
    assert page.values["findings[1].deadline"] == "2026-08-31"
    assert page.values["contact.name"] == "赵敏" and page.values["contact.post"] == "监察室主任"
    assert page.attrs_by_id["f-date"]["type"] == "date"
    controls = {i for i, a in page.attrs_by_id.items() if a.get("name") and a.get("type") != "submit"}
    controls -= {i for i, a in page.attrs_by_id.items() if "name" in a and i.endswith("-list")}
    assert controls and controls <= page.label_for, controls - page.label_for


def test_every_mistake_is_shown_at_its_field_all_at_once_and_what_was_typed_is_kept(client):
    mistakes = {"date": "2026-13-45", "findings[1].requirement": "", "recipient": "测试县财政局"}
    values = risk_notice_form(client) | mistakes
    page = client.post("/templates/risk_notice", data=values | {"action": "check"})
    assert page.status_code == 422
    reader = read_page(page.text)
    # the summary at the top links each problem to its control
    summary = page.text.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert 'href="#f-date"' in summary and 'href="#f-findings-1-requirement"' in summary
    assert "数据有 2 处问题" in page.text
    # each field says what is wrong with it, and is marked invalid for screen readers
    for field_id, words in (("f-date", "这一天不存在"), ("f-findings-1-requirement", "请填写整改要求")):
        assert reader.attrs_by_id[field_id]["aria-invalid"] == "true"
        assert f"{field_id}-error" in reader.attrs_by_id[field_id]["aria-describedby"]
        error = re.search(rf'id="{field_id}-error">(.*?)</p>', page.text, re.S)
        assert error and words in unescape(error[1])
    # what the clerk typed is still there, the bad date included
    assert reader.values["date"] == "2026-13-45"
    assert reader.values["recipient"] == "测试县财政局"
    assert reader.values["findings[0].title"] == values["findings[0].title"]


def test_the_corrected_form_downloads_a_docx_that_opens_with_its_title(client):
    values = risk_notice_form(client) | {"recipient": "测试县财政局"}
    answer = client.post("/templates/risk_notice", data=values | {"action": "download"})
    assert answer.status_code == 200, answer.text[:2000]
    assert answer.headers["content-type"] == DOCX
    assert "filename*=UTF-8''%E5%BB%89" in answer.headers["content-disposition"]  # 廉…
    text = docx_text(answer.content)
    assert "廉政风险告知书" in text and "测试县财政局" in text


def test_filing_shows_the_doc_number_and_archival_code_and_the_record_is_in_the_archive(client, root):
    values = risk_notice_form(client) | {"recipient": "测试县财政局"}  # the example data as it is is not filed
    page = client.post("/templates/risk_notice", data=values | {"action": "file"})
    assert page.status_code == 200, page.text[:2000]
    year = values["date"][:4]
    doc_number = re.search(r'id="doc-number">(.*?)<', page.text)[1]
    archival_code = re.search(r'id="archival-code">(.*?)<', page.text)[1]
    assert doc_number == f"X财廉告〔{year}〕1号"
    with Archive(root, create=False) as archive:
        (record,) = archive.list()
        stored = archive.path_of(record).read_bytes()
    assert (record.doc_number, record.archival_code) == (doc_number, archival_code)
    assert record.filed_by.endswith("（网页，本机）")
    assert "定期30年" in page.text
    download = client.get(f"/records/{record.id}/download")
    assert download.status_code == 200 and download.content == stored
    assert doc_number in docx_text(download.content)


def test_rows_are_added_and_removed_and_the_rest_move_up(client):
    values = risk_notice_form(client)
    added = read_page(client.post("/templates/risk_notice", data=values | {"add": "findings"}).text)
    assert added.values["findings[2].title"] == ""  # a third, empty row
    assert added.attrs_by_id["f-findings-2-title"].get("autofocus") is not None
    removed = read_page(client.post("/templates/risk_notice", data=values | {"remove": "findings[0]"}).text)
    assert removed.values["findings[0].title"] == values["findings[1].title"]
    assert "findings[1].title" not in removed.values


def test_a_removed_row_below_the_minimum_is_reported_when_checked(client):
    values = {k: v for k, v in risk_notice_form(client).items() if not k.startswith("findings")}
    page = client.post("/templates/risk_notice", data=values | {"action": "check"})
    assert page.status_code == 422
    assert 'href="#f-findings-0-title">请至少填写一条发现的问题' in page.text  # the group's, linked to its empty row
    assert "f-findings-error" in page.text


# ---------------------------------------------------------------------- the JSON API


def test_the_api_lists_templates_and_shows_fields(client, catalog):
    listed = client.get("/api/templates").json()
    assert [t["id"] for t in listed] == catalog.ids()
    shown = client.get("/api/templates/risk_notice").json()
    findings = next(f for f in shown["fields"] if f["name"] == "findings")
    assert [f["name"] for f in findings["fields"]][-1] == "deadline"
    assert "doc_number" not in shown["example"] and shown["example"]["date"] <= date.today().isoformat()


def test_the_api_validates_and_gives_every_problem_with_the_cli_shape(client):
    example = client.get("/api/templates/risk_notice").json()["example"]
    ok = client.post("/api/templates/risk_notice/validate", json=example)
    assert ok.status_code == 200 and ok.json()["valid"] is True
    assert ok.json()["metadata"]["title"].startswith("廉政风险告知书")
    example["date"] = "2026-02-30"
    example["findings"][1]["requirement"] = ""
    bad = client.post("/api/templates/risk_notice/validate", json=example)
    assert bad.status_code == 422
    body = bad.json()
    assert body["exit_code"] == 3 and body["error"] == "ValidationError"
    assert {p["path"] for p in body["problems"]} == {"date", "findings[1].requirement"}
    assert all(set(p) == {"path", "label", "message"} for p in body["problems"])


def test_the_api_renders_a_docx(client):
    example = client.get("/api/templates/risk_notice").json()["example"]
    answer = client.post("/api/templates/risk_notice/render", json=example)
    assert answer.status_code == 200 and answer.headers["content-type"] == DOCX
    assert "廉政风险告知书" in docx_text(answer.content)


def test_api_errors_carry_exit_codes_mapped_to_statuses(client):
    missing = client.get("/api/templates/risk_notise")
    assert missing.status_code == 404
    assert missing.json()["exit_code"] == 4 and "risk_notice" in missing.json()["message"]  # the closest id
    garbled = client.post("/api/templates/risk_notice/validate", content=b"{not json",
                          headers={"content-type": "application/json"})  # fmt: skip
    assert garbled.status_code == 422 and garbled.json()["exit_code"] == 3
    listed = client.post("/api/templates/risk_notice/validate", json=[1, 2])
    assert listed.status_code == 422 and "JSON 对象" in listed.json()["message"]
    nowhere = client.get("/api/nothing")
    assert nowhere.status_code == 404 and nowhere.json()["problems"] == []


def test_every_exit_code_has_an_http_status():
    assert set(HTTP_STATUS) == set(ExitCode)
    expected = {ExitCode.INVALID_INPUT: 422, ExitCode.NOT_FOUND: 404, ExitCode.TEMPLATE: 500, ExitCode.OUTPUT: 409,
                ExitCode.ARCHIVE: 503, ExitCode.USAGE: 400}  # fmt: skip
    assert {code: HTTP_STATUS[code] for code in expected} == expected


# ---------------------------------------------------------------------- what the desk refuses


def test_markup_in_data_is_shown_as_text_never_run(client):
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    values = risk_notice_form(client) | {"recipient": attack, "date": "bad"}
    page = client.post("/templates/risk_notice", data=values | {"action": "check"})
    assert page.status_code == 422
    assert "<script>alert" not in page.text and "<img src=x" not in page.text
    assert read_page(page.text).values["recipient"] == attack  # kept, as text
    filed = client.post("/templates/risk_notice", data=values | {"date": risk_notice_form(client)["date"],
                                                                  "action": "file"})  # fmt: skip
    assert filed.status_code == 200
    assert "&lt;script&gt;" in filed.text and "<script>alert" not in filed.text
    assert "script-src 'self'" in filed.headers["content-security-policy"]


@pytest.mark.parametrize("path", [
    "/records/..%2F..%2Fetc%2Fpasswd/download",
    "/records/1/../../../etc/passwd",
    "/static/..%2F..%2F..%2Fpyproject.toml",
    "/static/../app.py",
    "/static/%2e%2e/app.py",
    "/templates/..%2F..%2Fetc%2Fpasswd",
    "/api/templates/..%2F..%2Fetc%2Fpasswd",
])  # fmt: skip
def test_paths_out_of_the_desk_are_refused(client, path):
    answer = client.get(path)
    assert answer.status_code == 404, (path, answer.status_code)
    assert "root:" not in answer.text and "create_app" not in answer.text


def test_a_stored_path_that_leads_out_of_the_archive_is_never_served(client, root, monkeypatch):
    filed = client.post("/templates/risk_notice", data=risk_notice_form(client) | {"recipient": "测试县财政局",
                                                                                   "action": "file"})  # fmt: skip
    assert filed.status_code == 200
    outside = root / ".." / ".." / "etc" / "passwd"
    monkeypatch.setattr(archive_module.Archive, "path_of", lambda self, record, role="original": outside)
    answer = client.get("/records/1/download")
    assert answer.status_code == 404 and "root:" not in answer.text
    assert client.get("/records/99/download").status_code == 404


def test_another_sites_post_is_refused_and_files_nothing(client, root):
    values = risk_notice_form(client) | {"recipient": "测试县财政局", "action": "file"}
    for headers in ({"origin": "http://evil.example"}, {"origin": "null"}, {"sec-fetch-site": "cross-site"}):
        answer = client.post("/templates/risk_notice", data=values, headers=headers)
        assert answer.status_code == 403, headers
    api = client.post("/api/templates/risk_notice/render", json={}, headers={"origin": "http://evil.example"})
    assert api.status_code == 403 and api.json()["problems"] == []
    assert not (root / "registry.sqlite3").exists()
    same = client.post("/templates/risk_notice", data=values, headers={"origin": "http://testserver"})
    assert same.status_code == 200


def test_only_loopback_hosts_are_answered(root):
    with TestClient(create_app(root)) as client:  # no extra host: testserver is not loopback
        assert client.get("/templates").status_code == 421
        assert client.get("/templates", headers={"host": "127.0.0.1:8000"}).status_code == 200
        assert client.get("/templates", headers={"host": "[::1]:8000"}).status_code == 200
        assert client.get("/templates", headers={"host": "rebind.evil.example"}).status_code == 421


def test_serve_refuses_any_host_but_loopback_until_accounts_exist(run, monkeypatch, tmp_path):
    refused = run("serve", "--archive", tmp_path / "a", "--host", "0.0.0.0", catch_exceptions=True)
    assert refused.exit_code == 2
    assert "绑定到 0.0.0.0 将对其他电脑提供，须先建立账号" in refused.output
    started = {}
    monkeypatch.setattr("uvicorn.run", lambda app, **options: started.update(options, app=app))
    done = run("serve", "--archive", tmp_path / "a", "--port", "8123")
    assert done.exit_code == 0, done.output
    assert (started["host"], started["port"]) == ("127.0.0.1", 8123)
    assert started["app"].state.desk.archive_root == tmp_path / "a"


def test_every_templates_form_submitted_as_shown_is_valid(client, catalog):
    """The form round trip loses nothing for any field type: nested groups, lists, people, choices, numbers."""
    for template in catalog:
        values = read_page(client.get(f"/templates/{template.id}").text).values
        answer = client.post(f"/templates/{template.id}", data=values | {"action": "check"})
        assert answer.status_code == 200, (template.id, re.findall(r'<li><a href="#[^"]*">(.*?)</a>', answer.text))
        assert 'id="checked"' in answer.text


def test_a_post_must_say_its_length_and_stay_under_the_limit(client):
    chunked = client.post("/api/templates/risk_notice/validate", content=iter([b"{}"]))
    assert chunked.status_code == 411 and chunked.json()["exit_code"] == 2
    huge = client.post("/api/templates/risk_notice/validate", content=b" " * (4 * 1024 * 1024 + 1))
    assert huge.status_code == 413
