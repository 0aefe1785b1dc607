"""Accounts on the desk (issue 17 item 3): sign-in with Argon2 hashes, sessions, lockout, roles, CSRF,
API tokens, ``lianzheng users`` and ``serve`` beyond loopback.

Roles are tried through the real sign-in: a 科室 account files only under its own unit and cannot
download another unit's record; a 只读 account produces nothing; every download is in the audit log.
"""

from __future__ import annotations

from datetime import date

import pytest
from starlette.testclient import TestClient

from lianzheng_docs import Archive
from lianzheng_docs.templating.examples import example_data
from lianzheng_docs.web import create_app
from lianzheng_docs.web.access import Role
from lianzheng_docs.web.accounts import MAX_FAILURES, AccountError, Accounts
from lianzheng_docs.web.auth import COOKIE

from webpage import read_page

TODAY = date(2026, 11, 30)
PASSWORD = "廉政文书-2026-口令"


@pytest.fixture
def root(tmp_path):
    root = tmp_path / "archive"
    accounts = Accounts.of(root)
    accounts.add("office", PASSWORD, role=Role.OFFICE, display="王办公")
    accounts.add("keshi", PASSWORD, role=Role.SECTION, unit="预算科", display="李科员")
    accounts.add("reader", PASSWORD, role=Role.READER)
    accounts.close()
    return root


@pytest.fixture
def app(root):
    return create_app(root, today=TODAY, hosts=["testserver"])


def signed_in(app, name: str, password: str = PASSWORD) -> TestClient:
    client = TestClient(app)
    form = read_page(client.get("/login").text).values
    answer = client.post("/login", data=form | {"name": name, "password": password}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return client


def file_one(root, catalog, template_id: str, unit: str):
    template = catalog.get(template_id)
    data = example_data(template.manifest, TODAY)
    with Archive(root) as archive:
        metadata_unit = template.metadata(data).get("unit")
        record = archive.file_rendered(template, data)
    return record, metadata_unit


def test_with_accounts_every_page_needs_a_sign_in_and_the_api_a_token(app):
    client = TestClient(app)
    page = client.get("/templates", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login?next=%2Ftemplates"
    api = client.get("/api/templates")
    assert api.status_code == 401 and api.json()["message"] == "请先登录"
    assert api.headers["www-authenticate"].startswith("Bearer")
    assert client.get("/static/desk.css").status_code == 200


def test_a_sign_in_sets_a_strict_http_only_session_and_goes_back_where_it_was_going(app):
    client = TestClient(app)
    form = read_page(client.get("/login?next=/templates/risk_notice").text).values
    assert form["next"] == "/templates/risk_notice"
    answer = client.post("/login", data=form | {"name": "office", "password": PASSWORD}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/templates/risk_notice"
    cookie = next(v for k, v in answer.headers.multi_items() if k == "set-cookie" and v.startswith(COOKIE))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    page = client.get("/templates/risk_notice")
    assert page.status_code == 200 and "王办公" in page.text


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:x"])
def test_after_signing_in_only_a_path_of_the_desk_is_followed(app, target):
    client = TestClient(app)
    form = read_page(client.get("/login").text).values
    answer = client.post("/login", data=form | {"name": "office", "password": PASSWORD, "next": target},
                         follow_redirects=False)  # fmt: skip
    assert answer.headers["location"] == "/templates"


def test_wrong_passwords_lock_the_account_and_unknown_names_are_told_the_same(app, root):
    client = TestClient(app)
    form = read_page(client.get("/login").text).values
    unknown = client.post("/login", data=form | {"name": "nobody", "password": PASSWORD})
    assert unknown.status_code == 401 and "用户名或密码不正确" in unknown.text
    for _ in range(MAX_FAILURES):  # each answer is the form again, with a new one-off value
        form = read_page(unknown.text).values
        unknown = client.post("/login", data=form | {"name": "keshi", "password": "不对的密码不对的密码"})
        assert unknown.status_code == 401 and "用户名或密码不正确" in unknown.text
    form = read_page(unknown.text).values
    locked = client.post("/login", data=form | {"name": "keshi", "password": PASSWORD})
    assert locked.status_code == 401 and "已暂时锁定" in locked.text
    accounts = Accounts.of(root)
    assert [row["outcome"] for row in accounts.signins()][:2] == ["locked", "locked-now"]
    accounts.set_disabled("keshi", False)  # `users enable` unlocks
    accounts.close()
    form = read_page(locked.text).values
    assert client.post("/login", data=form | {"name": "keshi", "password": PASSWORD},
                       follow_redirects=False).status_code == 303  # fmt: skip


def test_the_sign_in_form_refuses_a_post_without_its_own_cookie(app):
    """Login CSRF: another site cannot sign a browser in to an account of its choosing."""
    client = TestClient(app)
    form = read_page(client.get("/login").text).values
    other = TestClient(app)  # no lz_login cookie
    refused = other.post("/login", data=form | {"name": "office", "password": PASSWORD}, follow_redirects=False)
    assert refused.status_code == 403 and COOKIE not in refused.headers.get("set-cookie", "")


def test_passwords_are_argon2_hashes_and_sessions_are_stored_as_digests(root, app):
    client = signed_in(app, "office")
    session = client.cookies[COOKIE]
    raw = (root / "desk" / "accounts.sqlite3").read_bytes()
    assert PASSWORD.encode() not in raw and session.encode() not in raw
    assert b"$argon2id$" in raw


def test_a_form_post_without_the_csrf_token_is_refused(app):
    client = signed_in(app, "office")
    values = read_page(client.get("/templates/risk_notice").text).values
    assert client.post("/templates/risk_notice", data=values | {"action": "check"}).status_code == 200
    forged = {k: v for k, v in values.items() if k != "csrf"} | {"action": "check"}
    assert client.post("/templates/risk_notice", data=forged).status_code == 403
    other_session = signed_in(app, "reader")  # a token from another session is no good either
    assert other_session.post("/templates/risk_notice", data=values).status_code == 403


def test_sign_out_ends_the_session_on_the_server(app):
    client = signed_in(app, "office")
    session = client.cookies[COOKIE]
    values = read_page(client.get("/templates").text).values
    out = client.post("/logout", data={"csrf": values["csrf"]}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/login"
    replay = TestClient(app, cookies={COOKIE: session})
    assert replay.get("/templates", follow_redirects=False).status_code == 303


def test_a_section_files_only_under_its_own_unit(app, catalog):
    client = signed_in(app, "keshi")
    values = read_page(client.get("/templates/risk_notice").text).values
    unit_field = next(k for k, v in values.items() if v and catalog.get("risk_notice").metadata(
        example_data(catalog.get("risk_notice").manifest, TODAY)).get("unit") == v)  # fmt: skip
    refused = client.post("/templates/risk_notice", data=values | {"action": "file"})
    assert refused.status_code == 403 and "只能以本单位“预算科”的名义归档" in refused.text
    own = client.post("/templates/risk_notice", data=values | {unit_field: "预算科", "action": "file"})
    assert own.status_code == 200 and 'id="archival-code"' in own.text


def test_a_section_cannot_download_another_units_record_and_downloads_are_audited(app, root, catalog):
    record, unit = file_one(root, catalog, "risk_notice", "")
    assert unit != "预算科"
    keshi = signed_in(app, "keshi")
    refused = keshi.get(f"/records/{record.id}/download")
    assert refused.status_code == 403 and record.archival_code not in refused.text
    office = signed_in(app, "office")
    assert office.get(f"/records/{record.id}/download").status_code == 200
    with Archive(root, create=False) as archive:
        access = [(e.action, e.actor) for e in archive.history(record_id=record.id) if e.is_access]
    assert access == [("download", "office（网页，办公室）")]


def test_a_reader_produces_nothing(app):
    client = signed_in(app, "reader")
    values = read_page(client.get("/templates/risk_notice").text).values
    refused = client.post("/templates/risk_notice", data=values | {"action": "download"})
    assert refused.status_code == 403 and "无权" in refused.text


def test_an_api_token_opens_the_api_and_a_disabled_account_closes_it(app, root):
    accounts = Accounts.of(root)
    token = accounts.new_token("office", "OA 系统")
    accounts.close()
    client = TestClient(app)
    headers = {"authorization": f"Bearer {token}"}
    assert client.get("/api/templates", headers=headers).status_code == 200
    assert client.post("/api/templates/risk_notice/validate", headers=headers, json={}).status_code == 422
    assert client.get("/api/templates", headers={"authorization": "Bearer lz_wrong"}).status_code == 401
    assert client.get("/api/templates", headers={"authorization": token}).status_code == 401  # no scheme
    accounts = Accounts.of(root)
    accounts.set_disabled("office", True)
    accounts.close()
    assert client.get("/api/templates", headers=headers).status_code == 401


def test_a_browser_session_may_read_the_api_but_not_post_to_it(app):
    client = signed_in(app, "office")
    assert client.get("/api/templates").status_code == 200
    refused = client.post("/api/templates/risk_notice/validate", json={})
    assert refused.status_code == 401 and "令牌" in refused.json()["message"]


def test_a_new_password_ends_the_old_sessions(app, root):
    client = signed_in(app, "office")
    accounts = Accounts.of(root)
    accounts.set_password("office", "另一个足够长的口令2026")
    accounts.close()
    assert client.get("/templates", follow_redirects=False).status_code == 303


def test_accounts_refuse_weak_passwords_unknown_roles_and_sections_without_a_unit(tmp_path):
    accounts = Accounts.of(tmp_path)
    with pytest.raises(AccountError, match="至少 10 个字符"):
        accounts.add("a", "short", role=Role.OFFICE)
    with pytest.raises(AccountError, match="须用 --unit"):
        accounts.add("b", PASSWORD, role=Role.SECTION)
    accounts.add("c", PASSWORD, role=Role.OFFICE)
    with pytest.raises(AccountError, match="已存在"):
        accounts.add("c", PASSWORD, role=Role.OFFICE)


def test_users_cli_adds_lists_and_makes_tokens(run, tmp_path):
    root = tmp_path / "a"
    bad_role = run("users", "add", "zhang", "--archive", root, "--role", "局长", "--password-stdin", input=PASSWORD)
    assert bad_role.exit_code == 3 and "角色“局长”不存在" in bad_role.output
    added = run("users", "add", "zhang", "--archive", root, "--role", "科室", "--unit", "预算科",
                "--password-stdin", input=PASSWORD + "\n")  # fmt: skip
    assert added.exit_code == 0 and "已建立账号 zhang（科室·预算科）" in added.output
    listed = run("users", "list", "--archive", root, "--json")
    assert '"unit": "预算科"' in listed.output and "argon2" not in listed.output
    token = run("users", "token", "zhang", "--archive", root)
    assert token.exit_code == 0 and token.output.startswith("lz_")
    weak = run("users", "passwd", "zhang", "--archive", root, "--password-stdin", input="123\n")
    assert weak.exit_code == 3 and "密码至少" in weak.output
    missing = run("users", "disable", "nobody", "--archive", root)
    assert missing.exit_code == 3 and "没有用户 nobody" in missing.output


def test_serve_opens_to_the_network_once_accounts_exist(run, monkeypatch, root):
    started = {}
    monkeypatch.setattr("uvicorn.run", lambda app, **options: started.update(options, app=app))
    done = run("serve", "--archive", root, "--host", "0.0.0.0")
    assert done.exit_code == 0, done.output
    assert "未使用 HTTPS" in done.output and started["host"] == "0.0.0.0"
    app = started["app"]
    answer = TestClient(app).get("/templates", headers={"host": "desk.czj.example:8000"}, follow_redirects=False)
    assert answer.status_code == 303


def test_a_network_desk_without_accounts_serves_no_one(tmp_path):
    client = TestClient(create_app(tmp_path / "a", network=True))
    answer = client.get("/templates", headers={"host": "10.0.0.5"})
    assert answer.status_code == 503 and "lianzheng users add" in answer.text


def test_disabling_every_account_locks_the_desk_instead_of_opening_it(root):
    app = create_app(root, hosts=["testserver"])
    accounts = Accounts.of(root)
    for account in accounts.users():
        accounts.set_disabled(account.name, True)
    accounts.close()
    client = TestClient(app, base_url="http://127.0.0.1:8000")
    assert client.get("/records", follow_redirects=False).status_code == 303  # still 登录, never the local clerk
    assert client.get("/api/records").status_code == 401


def test_unknown_names_are_locked_out_like_real_ones(app):
    """A lockout must not tell which names exist."""
    client = TestClient(app)
    for name in ("nobody", "reader"):
        answer = None
        for _ in range(MAX_FAILURES + 1):
            form = read_page((answer or client.get("/login")).text).values
            answer = client.post("/login", data=form | {"name": name, "password": "不对的密码不对的密码"})
        assert "已暂时锁定" in answer.text, name


def test_sign_ins_check_hashes_outside_the_lock_and_a_few_at_a_time(root, monkeypatch):
    """A crowd of sign-ins does not hold up other requests: the hash is checked without the connection's lock."""
    import threading

    from lianzheng_docs.web import accounts as module

    accounts = Accounts.of(root)
    entered = threading.Event()
    release = threading.Event()
    real = accounts._verify

    def slow(stored, password):
        entered.set()
        release.wait(5)
        return real(stored, password)

    monkeypatch.setattr(accounts, "_verify", slow)
    outcome: list[BaseException] = []

    def wrong_sign_in() -> None:
        try:
            accounts.sign_in("office", "错的错的错的错的")
        except module.SignInFailed as exc:
            outcome.append(exc)

    worker = threading.Thread(target=wrong_sign_in)
    worker.start()
    assert entered.wait(5)
    assert accounts.any_user() and accounts.users()  # the lock is free while the hash is being checked
    release.set()
    worker.join(5)
    assert len(outcome) == 1  # and the wrong password was still refused
    accounts.close()


def test_an_api_token_has_its_own_key_for_what_is_bound_to_a_session(app, root):
    accounts = Accounts.of(root)
    first, second = accounts.new_token("office", "甲"), accounts.new_token("keshi", "乙")
    accounts.close()
    client = TestClient(app)
    tokens = [read_page(client.get("/check", headers={"authorization": f"Bearer {t}"}).text).values["csrf"]
              for t in (first, second)]  # fmt: skip
    assert tokens[0] != tokens[1]
