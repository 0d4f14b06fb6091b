"""The Back button itself in Debian's Chromium (FAQ Q4-20; 2023 manual §1.3, F19): pages are sent
with Cache-Control: no-store, so Back loads the previous page afresh; static/navigation.js sees the
back/forward navigation on a page of the login session, the server ends the session (RASIM409E),
and the next page asks for login. A link, a reload and Back on logged-out pages end nothing.
The real server and Chromium come from test_screens_chromium; if Chromium cannot start the test
fails, never skips. Screenshot: artifacts/screenshots/back-button.png."""
from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request
from typing import Any

import pytest

from tests.browser import test_screens_chromium as screens
from tests.browser.test_screens_chromium import CERT, EMAIL, PASSWORD, call, shot
from tests.support.api import registration_body

pytestmark = pytest.mark.browser

server = screens.server      # the real server on a free port (fixture)
browser = screens.browser    # Debian's Chromium, failing when it cannot start (fixture)


def get(base: str, path: str, **query: str) -> Any:
    url = base + path + ("?" + urllib.parse.urlencode(query) if query else "")
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "application/json"}), timeout=10) as r:
        return json.loads(r.read())


def illegal_transitions(base: str) -> int:
    return len(get(base, "/test-support/audit", action="session.illegal_transition")["entries"])


def register_lawyer(base: str) -> str:
    """A lawyer through the API (registration, the mail's link, the initial password): the 認証ID."""
    call(base, "POST", "/test-support/clock/set", {"now": "2024-04-01T09:00:00"})
    call(base, "PUT", "/test-support/registry/agent-certificates", CERT)
    call(base, "POST", "/api/v1/registrations/agent", registration_body(email=EMAIL))
    [mail] = get(base, "/test-support/mails", to=EMAIL, kind="registration_received")["mails"]
    token = re.search(r"token=([\w-]+)", mail["url"] or mail["body"]).group(1)
    done = call(base, "POST", "/api/v1/registrations/password",
                {"token": token, "password": PASSWORD, "password_confirm": PASSWORD})
    return done["auth_id"]


def logged_in(page: Any) -> bool:
    return page.locator(".userbar").count() == 1 and page.locator(".errors").count() == 0


def test_back_button_ends_the_session_but_links_and_reload_do_not(server: str, browser: Any) -> None:
    auth_id = register_lawyer(server)
    context = browser.new_context(locale="ja-JP", viewport={"width": 1100, "height": 900})
    page = context.new_page()

    # logged out, Back ends nothing (there is nothing to end) and the script is not there
    page.goto(server + "/")
    page.click("a[href='/login']")
    page.wait_for_url(server + "/login")
    page.go_back()
    page.wait_for_load_state("load")
    assert page.url == server + "/"
    assert page.locator("script#navigation-guard").count() == 0

    # S02 login → S03 menu
    page.goto(server + "/login")
    page.fill("#auth_id", auth_id)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(server + "/menu")
    assert logged_in(page) and page.locator("script#navigation-guard").count() == 1

    # links and reloads are ordinary navigations: the session goes on
    page.click("#user-info")
    page.wait_for_url(server + "/profile")
    page.reload()
    page.click("#change-profile")
    page.wait_for_url(server + "/profile/edit")
    page.reload()
    page.wait_for_timeout(500)          # give the script time to (wrongly) report something
    assert page.url == server + "/profile/edit" and logged_in(page)
    assert page.evaluate("performance.getEntriesByType('navigation')[0].type") == "reload"
    assert illegal_transitions(server) == 0

    # Back from the input page: the session ends and the page says so (RASIM409E)
    page.go_back()
    page.wait_for_url(server + "/session/ended")
    errors = page.locator(".errors").inner_text()
    assert "RASIM409E：ブラウザの戻るボタン等による不正な画面遷移が行われたため、ログアウトしました。" in errors
    assert page.locator(".userbar").count() == 0
    assert page.locator("a.button.primary[href='/login']").count() == 1
    shot(page, "back-button")
    assert illegal_transitions(server) == 1

    # afterwards every page asks for login again
    page.goto(server + "/menu")
    assert "RASIM401E" in page.locator(".errors").inner_text()
    assert page.locator("script#navigation-guard").count() == 0
    context.close()
