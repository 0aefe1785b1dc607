"""Accounts in a real browser (issue 17 item 6): a 科室 clerk signs in, sees the 目录 of its own unit only,
and is refused another unit's record and its download; the 办公室 clerk signs in and opens it.
Screenshots ``50-login.png``, ``51-section-records.png``, ``52-section-refused.png``, ``53-office-record.png``."""

from __future__ import annotations

from datetime import date

import pytest

from lianzheng_docs import Archive
from lianzheng_docs.templating.examples import example_data
from lianzheng_docs.web import create_app
from lianzheng_docs.web.access import Role
from lianzheng_docs.web.accounts import Accounts

from browser import next_page, require_browser, shot

pytestmark = pytest.mark.slow

PASSWORD = "廉政文书-2026-口令"


def sign_in(browser, url: str, name: str) -> None:
    from selenium.webdriver.common.by import By

    browser.delete_all_cookies()
    browser.get(f"{url}/records")  # not signed in: sent to 登录, and back here afterwards
    assert "/login?next=" in browser.current_url
    browser.find_element(By.ID, "login-name").send_keys(name)
    with next_page(browser):
        browser.find_element(By.ID, "login-password").send_keys(PASSWORD + "\n")
    browser.find_element(By.CSS_SELECTOR, ".who")


def test_a_section_clerk_sees_its_own_unit_and_is_refused_another(tmp_path, serve_desk, browser, catalog):
    from selenium.webdriver.common.by import By

    require_browser()
    root = tmp_path / "archive"
    today = date.today()
    with Archive(root) as archive:
        template = catalog.get("responsibility_letter")
        own = archive.file_rendered(template, example_data(template.manifest, today) | {"department": "预算科"})
        other = archive.file_rendered(template, example_data(template.manifest, today) | {"department": "国库科"})
    accounts = Accounts.of(root)
    accounts.add("yusuan", PASSWORD, role=Role.SECTION, unit="预算科", display="李科员")
    accounts.add("office", PASSWORD, role=Role.OFFICE, display="王办公")
    accounts.close()
    url = serve_desk(create_app(root))

    browser.get(f"{url}/records")
    shot(browser, "50-login")
    sign_in(browser, url, "yusuan")
    assert browser.current_url == f"{url}/records"
    listing = browser.find_element(By.TAG_NAME, "main").text
    assert own.archival_code in listing and other.archival_code not in listing
    shot(browser, "51-section-records")

    browser.get(f"{url}/records/{other.id}")
    refused = browser.find_element(By.TAG_NAME, "main").text
    assert "无权查看" in refused and other.archival_code not in refused
    shot(browser, "52-section-refused")
    browser.get(f"{url}/records/{other.id}/download")
    assert "无权查看" in browser.find_element(By.TAG_NAME, "body").text

    sign_in(browser, url, "office")
    browser.get(f"{url}/records/{other.id}")
    assert other.archival_code in browser.find_element(By.TAG_NAME, "main").text
    shot(browser, "53-office-record")
    with Archive(root, create=False) as archive:
        views = [(e.action, e.actor) for e in archive.history(record_id=other.id) if e.is_access]
    assert views == [("view", "office（网页，办公室）")]  # the refused one left no trace as a view
