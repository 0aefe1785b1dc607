"""The desk's security cases across every page (issue 17 item 7), found from the routes themselves so a
page added later is covered without being listed here: CSRF on every POST, traversal in static files and
downloads, markup escaped, and a request too big or in bad form answered in Chinese."""

from __future__ import annotations

import re
from datetime import date

import pytest
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from lianzheng_docs.web import create_app

from webpage import read_page

TODAY = date(2026, 11, 30)
#: What a path parameter is set to when a POST route is tried without its token.
PARAMETERS = {"template_id": "risk_notice", "record_id": "1", "job_id": "x", "preview_id": "x"}


@pytest.fixture
def app(tmp_path):
    return create_app(tmp_path / "archive", today=TODAY, hosts=["testserver"])


def page_post_routes(app) -> list[str]:
    """Every POST path of the pages (the API under /api/ is token-authenticated, with no cookies to forge)."""
    found = []
    for route in app.routes:
        if isinstance(route, Route) and "POST" in (route.methods or ()):
            found.append(re.sub(r"\{(\w+)(:\w+)?\}", lambda m: PARAMETERS.get(m[1], "x"), route.path))
        assert not (isinstance(route, Mount) and route.path not in ("/api", "/static")), route.path
    return found


def test_every_page_post_without_its_csrf_token_is_refused_and_does_nothing(app, tmp_path):
    client = TestClient(app)
    posts = page_post_routes(app)
    assert {"/templates/risk_notice", "/batch", "/roster", "/check", "/logout"} <= set(posts)
    for path in posts:
        if path == "/login":  # its own one-off value: tests/test_web_accounts.py
            continue
        answer = client.post(path, data={"action": "file", "name": "x", "file": "名册.csv"})
        assert answer.status_code == 403, (path, answer.status_code)
        assert "校验码" in answer.text, path
    assert not (tmp_path / "archive" / "registry.sqlite3").exists()  # nothing was filed
    assert not (tmp_path / "archive" / "desk").exists()  # no roster kept


def test_a_token_from_the_page_is_accepted(app):
    client = TestClient(app)
    values = read_page(client.get("/templates/risk_notice").text).values
    assert client.post("/templates/risk_notice", data=values | {"action": "check"}).status_code == 200


@pytest.mark.parametrize("path", [
    "/static/../app.py", "/static/%2e%2e/app.py", "/static/..%2fapp.py", "/static/%2e%2e%2f%2e%2e/pyproject.toml",
    "/static//etc/passwd", "/static/%2fetc%2fpasswd", "/static/templates/base.html",
])  # fmt: skip
def test_static_files_never_leave_the_static_folder(app, path):
    answer = TestClient(app).get(path)
    assert answer.status_code in (400, 404), path
    assert "import" not in answer.text and "root:" not in answer.text


@pytest.mark.parametrize("path", ["/records/..%2f..%2fregistry.sqlite3/download", "/records/-1/download",
                                  "/records/1%2f..%2f2/download", "/records/99999/download"])  # fmt: skip
def test_downloads_take_a_record_id_and_nothing_else(app, path):
    answer = TestClient(app).get(path)
    assert answer.status_code == 404, (path, answer.status_code)


def test_starlettes_refusals_of_a_form_are_said_in_chinese(app):
    client = TestClient(app)
    values = read_page(client.get("/check").text).values
    two = client.post("/check", data=values, files=[("file", ("a.docx", b"x")), ("file", ("b.docx", b"y"))])
    assert two.status_code == 400 and "一次只能上传一个文件" in two.text


def test_markup_typed_into_a_form_comes_back_escaped(app):
    client = TestClient(app)
    values = read_page(client.get("/templates/risk_notice").text).values
    attack = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    answer = client.post("/templates/risk_notice", data=values | {"recipient": attack, "action": "check"})
    assert "<script>alert(1)" not in answer.text and "<img src=x" not in answer.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in answer.text


def test_every_answer_carries_the_security_headers(app):
    client = TestClient(app)
    for path in ("/templates", "/static/desk.css", "/api/templates", "/nowhere"):
        headers = client.get(path).headers
        assert headers["x-content-type-options"] == "nosniff", path
        assert "frame-ancestors 'none'" in headers["content-security-policy"], path
        assert "script-src 'self'" in headers["content-security-policy"], path


def test_a_body_longer_than_it_said_is_cut_off_at_what_it_said(app):
    """A transport may deliver more than ``Content-Length`` (chunks sent anyway): reading stops there."""
    import anyio

    sent: list[dict] = []
    chunks = [b"[" + b"1," * 1024] * 64  # about 130 kB sent after saying 2 bytes

    async def receive():
        body = chunks.pop() if chunks else b""
        return {"type": "http.request", "body": body, "more_body": bool(chunks)}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/api/templates/risk_notice/validate", "raw_path": b"",
             "root_path": "", "query_string": b"", "scheme": "http", "server": ("127.0.0.1", 8000),
             "client": ("127.0.0.1", 5000), "http_version": "1.1", "asgi": {"version": "3.0"},
             "headers": [(b"host", b"127.0.0.1:8000"), (b"content-length", b"2"),
                         (b"content-type", b"application/json")]}  # fmt: skip
    anyio.run(app, scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    assert start["status"] == 413
    assert len(chunks) >= 62  # it stopped reading at once


def test_chunked_posts_and_cross_site_reads_are_refused(app):
    client = TestClient(app)
    chunked = client.post("/api/templates/risk_notice/validate", content=b"{}",
                          headers={"transfer-encoding": "chunked"})  # fmt: skip
    assert chunked.status_code == 411
    image = client.get("/records/1/download", headers={"sec-fetch-site": "cross-site", "sec-fetch-mode": "no-cors",
                                                      "sec-fetch-dest": "image"})  # fmt: skip
    assert image.status_code == 403
    clicked = client.get("/templates", headers={"sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate"})
    assert clicked.status_code == 200  # a link followed from elsewhere is fine


@pytest.mark.parametrize("host", ["localhost:8000@evil.example", "localhost:abc", "[::1]:x", "127.0.0.1:80:80"])
def test_a_host_with_a_port_that_is_not_a_number_is_not_loopback(tmp_path, host):
    client = TestClient(create_app(tmp_path / "a"))
    assert client.get("/templates", headers={"host": host}).status_code == 421


@pytest.mark.parametrize("path", [
    "/records/9223372036854775808", "/records/9223372036854775808/download", "/api/records/99999999999999999999",
    "/api/records/9223372036854775808/files/original",
])  # fmt: skip
def test_an_id_beyond_any_record_is_not_found_not_a_crash(app, path, tmp_path):
    from lianzheng_docs import Archive

    Archive(tmp_path / "archive").close()  # an archive exists
    answer = TestClient(app).get(path)
    assert answer.status_code == 404, (path, answer.status_code, answer.text[:200])


def test_json_nested_beyond_reason_is_a_data_error(app):
    answer = TestClient(app).post("/api/templates/risk_notice/validate", content=b"[" * 200_000,
                                  headers={"content-type": "application/json"})  # fmt: skip
    assert answer.status_code == 422 and "嵌套过深" in answer.json()["message"]


def test_refusals_and_unknown_addresses_are_pages_with_a_way_back(app):
    client = TestClient(app)
    nowhere = client.get("/batch/jobs/没有这个")
    assert nowhere.status_code == 404 and nowhere.headers["content-type"].startswith("text/html")
    assert 'href="/templates"' in nowhere.text and "没有找到" in nowhere.text
    huge = client.post("/check", content=b"x" * (5 * 2**20), headers={"content-type": "application/octet-stream"})
    assert huge.status_code == 413 and huge.headers["content-type"].startswith("text/html")
    assert "5.0 MB，网页工作台上限 4 MB" in huge.text and "<script" not in huge.text


def test_a_form_with_thousands_of_rows_is_refused_not_echoed_back(app):
    client = TestClient(app)
    values = read_page(client.get("/templates/risk_notice").text).values
    rows = {f"findings[{i}].title": "问题" for i in range(300)}
    answer = client.post("/templates/risk_notice", data=values | rows | {"action": "check"})
    assert answer.status_code == 422 and "最多 200 条，表单送来了" in answer.text and len(answer.content) < 100_000
