"""The JSON API for other systems (issue 17, item 4): render (.docx, PDF), file, records, search, status and
the OpenAPI description, with errors as the CLI's ``--json`` errors and what each role may see.

Roles are played on the loopback desk by replacing its local user (``desk.local_user``). Answers are
compared with what the library and the CLI say for the same archive, not written down here.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from dataclasses import replace
from datetime import date

import docx
import pymupdf
import pytest
from starlette.testclient import TestClient

from lianzheng_docs.archive import Archive, RecordMeta
from lianzheng_docs.duties.obligations import status
from lianzheng_docs.pdf import convert
from lianzheng_docs.pdf.convert import ConversionError
from lianzheng_docs.templating.catalog import Catalog
from lianzheng_docs.web import api, create_app
from lianzheng_docs.web.access import Role, User, can_see
from lianzheng_docs.web.accounts import Accounts
from lianzheng_docs.web.api_operations import OPERATIONS
from lianzheng_docs.web.api_schemas import schema_name
from lianzheng_docs.web.api_search import plain_fragments
from lianzheng_docs.web.roster_store import keep_roster, kept_roster

TODAY = date(2026, 6, 20)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#: (title, unit, kind, date, body): what the fixture archive holds
FILED = [
    ("预算科关于资金拨付整改情况的报告", "预算科", "报告", date(2026, 3, 10), "预算科对资金拨付问题逐项整改。"),
    ("国库科关于资金拨付整改情况的报告", "国库科", "报告", date(2026, 4, 10), "国库科对资金拨付问题逐项整改。"),
    ("关于国库科资金拨付问题的通报", "国库科", "通报", date(2026, 5, 10), "现将国库科资金拨付问题通报如下。"),
    ("预算科2025年度述责述廉报告", "预算科", "报告", date(2025, 12, 1), "述责述廉，无拨付事项。"),
]
SECTION = User(name="张三", role=Role.SECTION, unit="预算科")
READER = User(name="李四", role=Role.READER)
ROSTER = """
bureau: ××市财政局
secretary: 张建国
units:
  - {科室(单位): 预算科, 主要负责人: 王晓东, 职务: 科长, 分管领导: 刘建华}
  - {科室(单位): 国库科, 主要负责人: 陈静, 职务: 科长, 分管领导: 刘建华}
"""


def add_pdf(archive: Archive, folder, title: str, unit: str, kind: str, when: date, body: str) -> None:
    path = folder / f"{title}.pdf"
    document = pymupdf.open()
    page = document.new_page()
    page.insert_text((72, 72), title, fontname="china-s", fontsize=12)
    page.insert_text((72, 100), body, fontname="china-s", fontsize=12)
    document.save(path)
    archive.add(path, RecordMeta(title=title, kind=kind, unit=unit, date=when))


@pytest.fixture
def root(tmp_path):
    """An archive of :data:`FILED`, ids 1–4 in that order."""
    root = tmp_path / "archive"
    with Archive(root) as archive:
        for title, unit, kind, when, body in FILED:
            add_pdf(archive, tmp_path, title, unit, kind, when, body)
    return root


@pytest.fixture
def app(root):
    return create_app(root, hosts=["testserver"], today=TODAY)


@pytest.fixture
def client(app):
    with TestClient(app) as test_client:
        yield test_client


def act_as(app, user: User) -> None:
    app.state.desk.local_user = user


def audit(root, record_id: int) -> list[tuple[str, str, dict]]:
    with Archive(root, create=False) as archive:
        return [(e.actor, e.action, e.detail) for e in archive.history(record_id=record_id)]


def bad_parameters(answer) -> set[str]:
    """The parameters a 400 names (and that it is the CLI's error shape)."""
    assert answer.status_code == 400, answer.text
    body = answer.json()
    assert body["error"] == "BadParameter" and body["exit_code"] == 2 and "参数" in body["message"]
    return {problem["path"] for problem in body["problems"]}


# ---------------------------------------------------------------------- templates: render and file


def example(client, template_id: str = "risk_notice") -> dict:
    return client.get(f"/api/templates/{template_id}").json()["example"]


def test_render_gives_a_docx_by_default_and_refuses_an_unknown_format(client):
    data = example(client)
    answer = client.post("/api/templates/risk_notice/render?format=docx", json=data)
    assert answer.status_code == 200 and answer.headers["content-type"] == DOCX
    assert "廉政风险告知书" in "\n".join(p.text for p in docx.Document(io.BytesIO(answer.content)).paragraphs)
    assert answer.headers["x-lianzheng-layout"] in ("ok", "not-verified")
    assert bad_parameters(client.post("/api/templates/risk_notice/render?format=odt", json=data)) == {"format"}


def test_render_pdf_is_the_laid_out_pdf(client, soffice):
    answer = client.post("/api/templates/risk_notice/render?format=pdf", json=example(client))
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    disposition = answer.headers["content-disposition"]
    assert "filename*=UTF-8''" in disposition and disposition.endswith(".pdf")
    text = "".join(page.get_text() for page in pymupdf.open(stream=answer.content, filetype="pdf"))
    assert "廉政风险告知书" in text.replace(" ", "").replace("\n", "")


def test_render_pdf_without_libreoffice_is_503_in_chinese_and_bad_data_still_422(client, monkeypatch):
    def missing() -> str:
        raise ConversionError(convert.INSTALL_HINT)

    monkeypatch.setattr(convert, "find_soffice", missing)
    answer = client.post("/api/templates/risk_notice/render?format=pdf", json=example(client))
    assert answer.status_code == 503
    body = answer.json()
    assert body["error"] == "NoLibreOffice" and "LibreOffice" in body["message"] and "无法生成 PDF" in body["message"]
    data = example(client) | {"date": "2026-13-01"}
    assert client.post("/api/templates/risk_notice/render?format=pdf", json=data).status_code == 422


def test_a_body_may_not_make_the_server_read_its_files(client, tmp_path):
    secret = tmp_path / "secret.docx"
    secret.write_bytes(b"not for callers")
    attachments = [{"title": "附件", "file": str(secret)},
                   {"title": "另一件", "template": "risk_notice", "data": str(secret)}]  # fmt: skip
    data = example(client) | {"attachments": attachments}
    for action in ("validate", "render", "file"):
        answer = client.post(f"/api/templates/risk_notice/{action}", json=data)
        assert answer.status_code == 422, action
        assert {p["path"] for p in answer.json()["problems"]} == {"attachments[0].file", "attachments[1].data"}
        assert "服务器上的文件" in answer.json()["problems"][0]["message"]


def test_file_numbers_files_and_answers_201_with_the_record(client, root):
    answer = client.post("/api/templates/risk_notice/file", json=example(client))
    assert answer.status_code == 201, answer.text
    body = answer.json()
    record = body["record"]
    assert answer.headers["location"] == record["url"] == f"/api/records/{record['id']}"
    assert re.fullmatch(r"X财廉告〔2026〕\d+号", record["doc_number"]) and record["archival_code"].startswith("Z001-")
    assert record["title"] == "廉政风险告知书（××县财政局）" and record["unit"] == "××县财政局"
    assert record["date"] == "2026-06-15" and isinstance(body["warnings"], list)
    (original,) = record["files"]
    download = client.get(original["url"])
    assert "sha256:" + hashlib.sha256(download.content).hexdigest() == original["sha256"]
    with Archive(root, create=False) as archive:
        assert archive.get(record["id"]).archival_code == record["archival_code"]
    assert audit(root, record["id"])[0][:2] == (f"{client.app.state.desk.local_user.name}（网页，本机）", "file")
    again = client.post("/api/templates/risk_notice/file", json=example(client))
    assert again.status_code == 422 and again.json()["error"] == "AlreadyFiled"
    assert "allow_duplicate=true" in again.json()["message"] and "--allow" not in again.json()["message"]
    meant = client.post("/api/templates/risk_notice/file?allow_duplicate=true", json=example(client))
    assert meant.status_code == 201 and meant.json()["record"]["id"] != record["id"]
    assert client.post("/api/templates/risk_notice/file?allow_duplicate=maybe", json={}).status_code == 400


def test_a_section_files_only_under_its_own_unit_and_a_reader_produces_nothing(client, app, root):
    data = example(client)
    act_as(app, SECTION)
    refused = client.post("/api/templates/risk_notice/file", json=data)
    assert refused.status_code == 403
    assert "预算科" in refused.json()["message"] and "××县财政局" in refused.json()["message"]
    with Archive(root, create=False) as archive:
        assert len(archive.list()) == len(FILED)  # nothing numbered, nothing filed
    act_as(app, replace(SECTION, unit="××县财政局"))
    filed = client.post("/api/templates/risk_notice/file", json=data)
    assert filed.status_code == 201
    assert audit(root, filed.json()["record"]["id"])[0][0] == "张三（网页，科室·××县财政局）"
    act_as(app, READER)
    for action in ("validate", "render", "file"):
        answer = client.post(f"/api/templates/risk_notice/{action}", json=data)
        assert answer.status_code == 403 and answer.json()["error"] == "Forbidden", action
    assert client.get("/api/templates").status_code == 200


# ---------------------------------------------------------------------- records


def test_records_list_filters_pages_and_counts(client):
    everything = client.get("/api/records").json()
    assert everything["total"] == 4  # the desk's 目录 order: the latest 年度 first, then 档号
    assert [r["title"] for r in everything["records"]] == [f[0] for f in FILED]
    first = everything["records"][0]
    assert first["files"][0]["sha256"].startswith("sha256:") and "path" not in first["files"][0]
    assert first["url"] == f"/api/records/{first['id']}" and first["retention_name"] == "定期30年"
    year = client.get("/api/records", params={"year": 2026, "unit": "国库科"}).json()
    assert [r["title"] for r in year["records"]] == [FILED[1][0], FILED[2][0]]
    page = client.get("/api/records", params={"limit": 2, "offset": 1}).json()
    assert page["total"] == 4 and [r["id"] for r in page["records"]] == [r["id"] for r in everything["records"][1:3]]
    assert client.get("/api/records", params={"kind": "通报"}).json()["total"] == 1


@pytest.mark.parametrize(("query", "named"), [
    ({"year": "20x6"}, {"year"}), ({"year": "1999"}, {"year"}), ({"limit": "201"}, {"limit"}),
    ({"limit": "0"}, {"limit"}), ({"offset": "-1"}, {"offset"}), ({"yaer": "2026"}, {"yaer"}),
    ({"year": "2026", "limit": "x", "sort": "title"}, {"limit", "sort"}), ({"unit": "科" * 201}, {"unit"}),
])  # fmt: skip
def test_records_list_refuses_bad_parameters_naming_each(client, query, named):
    assert bad_parameters(client.get("/api/records", params=query)) == named


USERS = [SECTION, User("王五", Role.DISCIPLINE, "驻局纪检组"), User("赵六", Role.DISCIPLINE, "国库科"),
         User("钱七", Role.DISCIPLINE, "预算科"), READER, User("无单位", Role.SECTION)]  # fmt: skip


@pytest.mark.parametrize("user", USERS)
def test_records_lists_and_counts_only_what_the_user_may_see_a_page_at_a_time(client, app, root, user):
    with Archive(root, create=False) as archive:
        visible = [r.id for r in archive.list(newest_first=True) if can_see(user, r)]
    act_as(app, user)
    listed = client.get("/api/records").json()
    assert [r["id"] for r in listed["records"]] == visible and listed["total"] == len(visible)
    paged = [client.get("/api/records", params={"limit": 1, "offset": n}).json() for n in range(len(visible) + 1)]
    assert [r["id"] for p in paged for r in p["records"]] == visible
    assert {p["total"] for p in paged} == {len(visible)}


def test_a_section_lists_only_its_unit_and_a_new_archive_lists_nothing(client, app, tmp_path):
    act_as(app, SECTION)
    listed = client.get("/api/records").json()
    assert listed["total"] == 2 and {r["unit"] for r in listed["records"]} == {"预算科"}
    assert client.get("/api/records", params={"unit": "国库科"}).json()["total"] == 0
    act_as(app, User(name="王五", role=Role.DISCIPLINE, unit="驻局纪检组"))
    assert [r["kind"] for r in client.get("/api/records").json()["records"]] == ["通报"]
    with TestClient(create_app(tmp_path / "none", hosts=["testserver"])) as empty:
        assert empty.get("/api/records").json() == {
            "total": 0,
            "offset": 0,
            "limit": 50,
            "records": [],
            "filters": {"year": None, "kind": None, "unit": None},
        }
        assert empty.get("/api/records/1").status_code == 404
        assert not (tmp_path / "none").exists()


def test_a_record_shows_metadata_files_and_its_audit_trail_and_the_view_is_audited(client, root):
    answer = client.get("/api/records/2")
    assert answer.status_code == 200
    body = answer.json()
    assert body["title"] == FILED[1][0] and body["unit"] == "国库科" and body["date"] == "2026-04-10"
    assert [e["action"] for e in body["audit"]] == ["file", "view"] and body["audit"][-1]["action_name"] == "查看"
    assert body["audit"][-1]["detail"] == {"via": "api"} and body["audit_truncated"] is False
    client.get("/api/records/2")
    assert [action for _, action, _ in audit(root, 2)] == ["file", "view", "view"]


def test_a_record_of_another_unit_is_refused_and_not_logged_as_viewed(client, app, root):
    act_as(app, SECTION)
    refused = client.get("/api/records/2")
    assert refused.status_code == 403 and refused.json()["exit_code"] == 2
    assert client.get("/api/records/2/files/original").status_code == 403
    assert [action for _, action, _ in audit(root, 2)] == ["file"]
    assert client.get("/api/records/1").status_code == 200
    assert audit(root, 1)[-1][:2] == ("张三（网页，科室·预算科）", "view")


def test_unknown_records_and_files_are_404_in_the_cli_shape(client):
    for path in ("/api/records/99", "/api/records/99/files/original", "/api/records/1/files/pdf",
                 "/api/records/Z001-WS", "/api/records/1/files/..%2F..%2Fregistry.sqlite3"):  # fmt: skip
        answer = client.get(path)
        assert answer.status_code == 404, path
        assert set(answer.json()) >= {"error", "message", "exit_code", "problems"}


def test_a_download_is_the_stored_file_and_is_audited(client, root):
    record = client.get("/api/records/3").json()
    (original,) = record["files"]
    answer = client.get(original["url"])
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/pdf"
    assert "sha256:" + hashlib.sha256(answer.content).hexdigest() == original["sha256"]
    actor, action, detail = audit(root, 3)[-1]
    assert action == "download" and detail["file"] == "original" and actor.endswith("（网页，本机）")


def test_with_accounts_every_route_needs_a_token_and_a_sections_token_sees_its_unit(root):
    accounts = Accounts.of(root)
    accounts.add("zhangsan", "廉政文书-2026-口令", role=Role.SECTION, unit="预算科", display="张三")
    token = accounts.new_token("zhangsan", "OA 系统")
    accounts.close()
    with TestClient(create_app(root, hosts=["testserver"], today=TODAY)) as client:
        for route in api.routes():
            path = "/api" + route.path.replace("{template_id}", "risk_notice").replace("{record_id:int}", "1")
            for method in route.methods - {"HEAD"}:
                answer = client.request(method, path.replace("{role}", "original"), json={})
                assert answer.status_code == 401 and answer.json()["problems"] == [], (method, path)
        client.headers["authorization"] = f"Bearer {token}"
        assert {r["unit"] for r in client.get("/api/records").json()["records"]} == {"预算科"}
        assert search(client, q="资金拨付")["total"] == 1
        assert client.get("/api/records/2").status_code == 403
        assert client.get("/api/records/1").status_code == 200
    assert audit(root, 1)[-1][:2] == ("zhangsan（网页，科室·预算科）", "view")


# ---------------------------------------------------------------------- search


def search(client, **params):
    answer = client.get("/api/search", params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_search_gives_plain_fragments_with_the_match_at_its_offsets(client):
    found = search(client, q="资金拨付")
    assert found["total"] == 3 and found["pages"] == 1
    assert {hit["title"] for hit in found["hits"]} == {f[0] for f in FILED[:3]}
    for hit in found["hits"]:
        assert hit["url"] == f"/api/records/{hit['id']}"
        assert hit["fragments"]
        for fragment in hit["fragments"]:
            for start, end in fragment["highlights"]:
                assert fragment["text"][start:end] == "资金拨付" and "【" not in fragment["text"]
    assert [h["title"] for h in search(client, q="资金拨付", kind="通报")["hits"]] == [FILED[2][0]]
    assert search(client, q="述责述廉", year=2025)["total"] == 1
    assert search(client, q="资金拨付", since="2026-04-01", until="2026-04-30")["total"] == 1


def test_fragments_are_plain_text_with_every_match_at_its_offsets():
    text = "第一段。\n" + "甲" * 40 + "资金拨付【重点】，资金拨付" + "乙" * 60 + "资金\n拨付。" + "丙" * 30
    found = plain_fragments(text, "资金拨付")
    assert len(found) == 2  # the first two matches share an excerpt
    assert found[0]["text"].startswith("…") and found[0]["text"].endswith("…") and "\n" not in found[1]["text"]
    spans = [fragment["text"][a:b] for fragment in found for a, b in fragment["highlights"]]
    assert spans == ["资金拨付", "资金拨付", "资金 拨付"]  # a line break inside a match shown as a space
    assert "【重点】" in found[0]["text"]  # brackets of the text are text: no markers to confuse them with


def test_search_keeps_the_engines_order(client, root):
    with Archive(root, create=False) as archive:
        engine = [hit.id for hit in archive.search("拨付", limit=10).hits]
    assert [hit["id"] for hit in search(client, q="拨付")["hits"]] == engine


def test_search_pages(client):
    first, second = search(client, q="资金拨付", limit=2), search(client, q="资金拨付", limit=2, page=2)
    assert first["total"] == second["total"] == 3 and first["pages"] == 2
    assert len(first["hits"]) == 2 and len(second["hits"]) == 1
    assert {h["id"] for h in first["hits"]} | {h["id"] for h in second["hits"]} == {1, 2, 3}


@pytest.mark.parametrize("user", USERS)
def test_search_returns_and_counts_only_what_the_user_may_see(client, app, root, user):
    with Archive(root, create=False) as archive:
        visible = {r.id for r in archive.list() if can_see(user, r)}
    act_as(app, user)
    found = search(client, q="拨付")
    assert {hit["id"] for hit in found["hits"]} == visible and found["total"] == len(visible)
    paged = [search(client, q="拨付", limit=1, page=n)["hits"] for n in range(1, len(visible) + 1)]
    assert sorted(hit["id"] for hits in paged for hit in hits) == sorted(visible)


QUERIES = ['"资金', "资金 AND 拨付", "title:资金", "*", "资金*", "(", "\\", "%", "　", "'; DROP TABLE records;--",
           "<script>alert(1)</script>", "资金~2", "[1 TO 9]"]  # fmt: skip


@pytest.mark.parametrize("q", QUERIES)
def test_query_text_is_text_not_syntax(client, q):
    answer = client.get("/api/search", params={"q": q})
    assert answer.status_code in (200, 400), answer.text
    if answer.status_code == 200:
        assert isinstance(answer.json()["hits"], list)
    else:
        assert bad_parameters(answer) == {"q"}


@pytest.mark.parametrize(("query", "named"), [
    ({}, {"q"}), ({"q": "  "}, {"q"}), ({"q": "资金", "since": "2026-02-30"}, {"since"}),
    ({"q": "资金", "since": "2026-05-01", "until": "2026-04-01"}, {"since"}),
    ({"q": "资金", "limit": "1000"}, {"limit"}),
    ({"q": "资金", "limit": "200", "page": "6"}, {"page"}), ({"q": "资金", "page": "0"}, {"page"}),
    ({"q": "资金", "year": "二〇二六"}, {"year"}),
    ({"q": "资金", "secrecy": "秘密", "template": "x"}, {"secrecy", "template"}),
])  # fmt: skip
def test_search_refuses_bad_parameters_naming_each(client, query, named):
    assert bad_parameters(client.get("/api/search", params=query)) == named


def test_search_of_a_new_archive_is_empty(tmp_path):
    with TestClient(create_app(tmp_path / "none", hosts=["testserver"])) as client:
        assert search(client, q="资金")["hits"] == []
    assert not (tmp_path / "none").exists()


# ---------------------------------------------------------------------- status


def library_rows(root, years, unit=None, roster=None):
    with Archive(root, create=False) as archive:
        found = status(archive, years, roster=roster, unit=unit, templates=set(Catalog.default().ids()), today=TODAY)
    return json.loads(json.dumps([s.to_dict() for s in found], ensure_ascii=False, default=str))


def test_status_is_what_lianzheng_status_json_gives(client, root, run):
    answer = client.get("/api/status", params={"year": 2026})
    assert answer.status_code == 200
    body = answer.json()
    cli = json.loads(run("status", "--json", "--archive", root, "--today", TODAY.isoformat(), "--year", "2026").stdout)
    assert body["statuses"] == cli["statuses"] and body["years"] == cli["years"] == [2026]
    assert body["roster"] is False and any("名册" in note for note in body["notes"])
    overdue = client.get("/api/status", params={"year": 2026, "state": "due"}).json()["statuses"]
    assert overdue == [row for row in cli["statuses"] if row["state"] == "due"] and overdue


def test_status_uses_the_kept_roster_and_a_section_sees_its_unit_only(client, app, root, tmp_path, run):
    keep_roster(root, ROSTER.encode(), "名册.yaml", "测试")
    (tmp_path / "roster.yaml").write_text(ROSTER, encoding="utf-8")
    years = client.get("/api/status", params=[("year", "2026"), ("year", "2025")]).json()
    cli = run("status", "--json", "--archive", root, "--roster", tmp_path / "roster.yaml", "--today", TODAY.isoformat(),
              "--year", "2025", "--year", "2026")  # fmt: skip
    assert years["statuses"] == json.loads(cli.stdout)["statuses"] and years["roster"] is True
    assert years["years"] == [2025, 2026]
    act_as(app, SECTION)
    own = client.get("/api/status").json()
    assert own["unit"] == "预算科" and own["statuses"] == library_rows(root, [2026], "预算科", kept_roster(root))
    assert {row["party"] for row in own["statuses"]} == {"预算科"}
    refused = client.get("/api/status", params={"unit": "国库科"})
    assert refused.status_code == 403 and "预算科" in refused.json()["message"]


@pytest.mark.parametrize(("query", "named"), [
    ({"year": "26"}, {"year"}), ({"state": "late!"}, {"state"}), ({"state": "done", "years": "2026"}, {"years"}),
])  # fmt: skip
def test_status_refuses_bad_parameters_naming_each(client, query, named):
    assert bad_parameters(client.get("/api/status", params=query)) == named


# ---------------------------------------------------------------------- the OpenAPI description


@pytest.fixture(scope="module")
def openapi(tmp_path_factory):
    with TestClient(create_app(tmp_path_factory.mktemp("a") / "archive", hosts=["testserver"], today=TODAY)) as c:
        answer = c.get("/api/openapi.json")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/json")
    assert "廉政风险告知书".encode() in answer.content  # Chinese as characters, not \\u escapes
    return answer.json()


def test_every_route_is_described_once_and_every_description_has_a_route(openapi):
    routes = api.routes()
    assert {route.endpoint.__name__ for route in routes} == set(OPERATIONS)
    for route in routes:
        path = "/api" + re.sub(r"{(\w+)(:\w+)?}", r"{\1}", route.path)
        for method in route.methods - {"HEAD"}:
            operation = openapi["paths"][path][method.lower()]
            assert operation["operationId"] == route.endpoint.__name__ and operation["summary"]
            declared = {p["name"] for p in operation["parameters"] if p["in"] == "path"}
            assert declared == set(re.findall(r"{(\w+)}", path)), path
            assert {p["name"] for p in operation["parameters"] if p["in"] == "query"} == {
                p.name for p in OPERATIONS[route.endpoint.__name__].query
            }


def test_the_document_is_well_formed_openapi_3_1(openapi):
    assert openapi["openapi"] == "3.1.0" and openapi["info"]["title"] and openapi["info"]["version"]
    scheme = openapi["components"]["securitySchemes"]["bearerAuth"]
    assert scheme["type"] == "http" and scheme["scheme"] == "bearer" and "令牌" in scheme["description"]
    assert openapi["security"] == [{"bearerAuth": []}]
    ids = []
    for path, item in openapi["paths"].items():
        assert path.startswith("/api/")
        for method, operation in item.items():
            assert method in ("get", "post") and operation["responses"]
            ids.append(operation["operationId"])
            for status_code, answer in operation["responses"].items():
                assert re.fullmatch(r"[1-5]\d\d", status_code) and answer["description"]
            if method == "post" and "/templates/" in path and not path.endswith("}"):
                assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert len(ids) == len(set(ids))
    for reference in re.findall(r'"\$ref": "([^"]+)"', json.dumps(openapi)):
        assert reference.startswith("#/components/schemas/")
        assert reference.rsplit("/", 1)[1] in openapi["components"]["schemas"], reference


def test_each_template_has_its_schema_and_its_own_paths(openapi, catalog):
    schemas = openapi["components"]["schemas"]
    for template in catalog:
        schema = schemas[schema_name(template.id)]
        assert schema["type"] == "object" and schema["additionalProperties"] is False
        assert set(schema["properties"]) == {f.name for f in template.manifest.fields} | {"attachments"}
        required = {f.name for f in template.manifest.fields if f.required and not f.has_default}
        assert set(schema["required"]) == required - ({"doc_number"} if template.number_prefix() else set())
        for action in ("validate", "render", "file"):
            body = openapi["paths"][f"/api/templates/{template.id}/{action}"]["post"]["requestBody"]
            assert body["content"]["application/json"]["schema"] == {
                "$ref": f"#/components/schemas/{schema_name(template.id)}"
            }


def test_every_template_example_fits_its_schema_and_mistakes_do_not(openapi, catalog):
    schemas = openapi["components"]["schemas"]
    for template in catalog:
        schema = schemas[schema_name(template.id)]
        (sample,) = schema["examples"]
        assert fits(sample, schema), template.id
        assert not fits(sample | {"no_such_field": 1}, schema), template.id
    notice = schemas[schema_name("risk_notice")]
    findings = notice["properties"]["findings"]
    assert findings["type"] == "array" and findings["items"]["required"]
    assert notice["properties"]["date"]["format"] == "date"
    sample = notice["examples"][0]
    assert not fits(sample | {"findings": "一条"}, notice)
    assert not fits(sample | {"date": "2026年6月15日"}, notice)
    choices = [(t, f) for t in catalog for f in t.manifest.fields if f.choices]
    assert choices
    for template, spec in choices:
        assert schemas[schema_name(template.id)]["properties"][spec.name]["enum"] == list(spec.choices)


def fits(value, schema) -> bool:
    """Whether ``value`` satisfies ``schema``: the JSON Schema keywords the API's schemas use (no validator
    library is a dependency), strictly: a keyword this does not know fails the test."""
    known = {
        "type",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "enum",
        "anyOf",
        "pattern",
        "format",
        "minItems",
        "maxItems",
        "minimum",
        "maximum",
        "minLength",
        "title",
        "description",
        "default",
        "examples",
    }
    assert set(schema) <= known, set(schema) - known
    types = {"string": str, "integer": int, "boolean": bool, "object": dict, "array": list}
    if "type" in schema and not (isinstance(value, types[schema["type"]])
                                 and not (schema["type"] == "integer" and isinstance(value, bool))):  # fmt: skip
        return False
    if "anyOf" in schema and not any(fits(value, option) for option in schema["anyOf"]):
        return False
    if "enum" in schema and value not in schema["enum"]:
        return False
    if isinstance(value, str):
        if "pattern" in schema and not re.search(schema["pattern"].replace("(?<", "(?P<"), value):
            return False
        if schema.get("format") == "date":
            try:
                date.fromisoformat(value)
            except ValueError:
                return False
        if len(value) < schema.get("minLength", 0):
            return False
    if isinstance(value, int) and not (schema.get("minimum", value) <= value <= schema.get("maximum", value)):
        return False
    if isinstance(value, list):
        if not schema.get("minItems", 0) <= len(value) <= schema.get("maxItems", len(value)):
            return False
        return all(fits(item, schema.get("items", {})) for item in value)
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        if any(key not in value for key in schema.get("required", [])):
            return False
        if schema.get("additionalProperties") is False and set(value) - set(properties):
            return False
        return all(fits(item, properties.get(key, {})) for key, item in value.items())
    return True
