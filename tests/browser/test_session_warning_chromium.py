"""The timeout warning of the current system in Debian's Chromium (003 §2.6): on a page of the login
session, 10 minutes before the 3-hour logout, a confirm dialog with the seed's text; [OK] extends the
session on the server (the audit trail and the new time), [キャンセル] lets the logout come at the time shown
(the page goes to the login). The browser's clock is Playwright's (page.clock), so the 2 h 50 min pass at
once; the server's is the test clock. Back is an error that keeps the user logged in (003 §1.3)."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import test_screens_chromium as screens
import re

from tests.browser.test_back_button_chromium import get
from tests.browser.test_screens_chromium import CERT, EMAIL, call, shot
from tests.support.api import registration_body

PASSWORD = "Rasim2026!pw"   # 003 §3.2: 10–20 characters of all four kinds

pytestmark = pytest.mark.browser

browser = screens.browser    # Debian's Chromium, failing when it cannot start (fixture)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """The screens' real server (test_screens_chromium), serving edition 2026."""
    yield from screens.serve(tmp_path, RASIM_EDITION="2026")


def register_lawyer(base: str) -> str:
    """A lawyer through the API under 2026 (its password rules): the 利用者ID."""
    call(base, "POST", "/test-support/clock/set", {"now": "2024-04-01T09:00:00"})
    call(base, "PUT", "/test-support/registry/agent-certificates", CERT)
    call(base, "POST", "/api/v1/registrations/agent", registration_body(email=EMAIL))
    [mail] = get(base, "/test-support/mails", to=EMAIL, kind="registration_received")["mails"]
    token = re.search(r"token=([\w-]+)", mail["url"] or mail["body"]).group(1)
    return call(base, "POST", "/api/v1/registrations/password",
                {"token": token, "password": PASSWORD, "password_confirm": PASSWORD})["auth_id"]


def logged_in_page(server: str, browser: Any) -> Any:
    auth_id = register_lawyer(server)
    page = browser.new_context(locale="ja-JP", viewport={"width": 1100, "height": 900}).new_page()
    page.clock.install()
    page.goto(server + "/login")
    page.fill("#auth_id", auth_id)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(server + "/profile")
    return page


def test_ok_on_the_warning_extends_the_session(server: str, browser: Any) -> None:
    page = logged_in_page(server, browser)
    dialogs: list[str] = []

    def accept(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    page.clock.run_for("02:49:50")
    assert dialogs == [], "not before 10 minutes are left"
    page.clock.run_for("00:00:20")
    page.wait_for_selector("#session-warning[data-extended]", state="attached")   # no eval: the page's CSP
    assert dialogs == ["タイムアウトまで10分を切りました。\n延長を行いますか？\nタイムアウト日時： 2024年04月01日 12時00分"]
    assert page.get_attribute("#session-warning", "data-extended") == "2024-04-01T12:00:00", \
        "3 hours from the [OK] (the server's test clock has not moved)"
    assert len(get(server, "/test-support/audit", action="session.extended")["entries"]) == 1
    shot(page, "session-warning-extended")


def test_cancel_lets_the_logout_come_at_the_time_shown(server: str, browser: Any) -> None:
    page = logged_in_page(server, browser)
    page.on("dialog", lambda dialog: dialog.dismiss())
    page.clock.run_for("02:50:01")
    assert "/profile" in page.url
    page.clock.run_for("00:10:00")
    page.wait_for_url("**/login")
    assert get(server, "/test-support/audit", action="session.extended")["entries"] == []
