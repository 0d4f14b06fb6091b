"""Bookmarks in Debian's Chromium under edition 2026 (003 §1.3: 「[申込]画面以降の画面をブラウザのブックマークに
登録しないでください。ブラウザのブックマークから呼び出すことはできません。」). The browser itself says where a
navigation came from (Fetch Metadata): [手続き説明] → [同意する] opens [申込]; the same address typed or opened
from a bookmark (page.goto: Sec-Fetch-Site none) shows RASIM431E and the user stays logged in; a page before
[申込] (マイページ) opens from a bookmark. The real server and Chromium come from test_screens_chromium; if
Chromium cannot start the test fails, never skips. Screenshot: artifacts/screenshots/bookmark-refused.png."""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import test_screens_chromium as screens
from tests.browser.test_back_button_chromium import get
from tests.browser.test_screens_chromium import CERT, EMAIL, call, shot
from tests.support.api import registration_body

PASSWORD = "Rasim2026!pw"   # 003 §3.2: 10–20 characters of all four kinds
REFUSED = "[申込]画面以降の画面は、ブラウザのブックマークから呼び出すことはできません。"

pytestmark = pytest.mark.browser

browser = screens.browser    # Debian's Chromium, failing when it cannot start (fixture)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    yield from screens.serve(tmp_path, RASIM_EDITION="2026")


def logged_in_page(base: str, browser: Any) -> Any:
    """A lawyer registered through the API in 2026 (the procedures of catalog/online_procedures.csv are open)."""
    call(base, "POST", "/test-support/clock/set", {"now": "2026-01-10T09:00:00"})
    call(base, "PUT", "/test-support/registry/agent-certificates", {**CERT, "valid_until": "2027-06-30"})
    call(base, "POST", "/api/v1/registrations/agent", registration_body(email=EMAIL))
    [mail] = get(base, "/test-support/mails", to=EMAIL, kind="registration_received")["mails"]
    token = re.search(r"token=([\w-]+)", mail["url"] or mail["body"]).group(1)
    user_id = call(base, "POST", "/api/v1/registrations/password",
                   {"token": token, "password": PASSWORD, "password_confirm": PASSWORD})["auth_id"]
    page = browser.new_context(locale="ja-JP", viewport={"width": 1100, "height": 900}).new_page()
    page.goto(base + "/login")
    page.fill("#auth_id", user_id)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("load")
    return page


def test_apply_opens_from_the_site_and_not_from_a_bookmark(server: str, browser: Any) -> None:
    page = logged_in_page(server, browser)
    page.goto(server + "/procedures")
    page.click("#procedure-change_of_status a")
    page.wait_for_url("**/procedures/change_of_status")
    page.click("#agree")
    page.wait_for_url(re.compile(r".*/applications/input\?procedure=change_of_status$"))
    assert REFUSED not in page.content() and page.locator("form select, form input[type=text]").count() > 0, \
        "[同意する] opens [申込]"
    page.reload()                                    # a reload keeps where the page came from
    assert REFUSED not in page.content()

    page.goto(server + "/applications/input")       # the address typed, or opened from a bookmark
    assert REFUSED in page.content()
    shot(page, "bookmark-refused")
    page.goto(server + "/mypage")                    # before [申込]: a bookmark opens it, still logged in
    assert page.url.endswith("/mypage") and REFUSED not in page.content()
    assert page.locator(".userbar").count() == 1
