"""The Back button itself (FAQ Q4-20; 2023 manual §1.3, F19): static/navigation.js reports a
back/forward navigation on a page of the login session to POST /session/illegal-transition, which
ends the session through services.sessions.illegal_transition and sends the browser on to the
page that says so (RASIM409E). The stale-screen-token check of the forms stays as it was."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.integration.test_screens import login, register_on_screens, text, tokens
from tests.support.api import Api

STATIC = Path(__file__).resolve().parents[2] / "simulator" / "web" / "static"
REPORT = "/session/illegal-transition"
ENDED_LINE = "RASIM409E：ブラウザの戻るボタン等による不正な画面遷移が行われたため、ログアウトしました。"


@pytest.fixture
def lawyer(client: Any, api: Api) -> str:
    """The 認証ID of a lawyer registered on the screens (as in test_screens)."""
    api.put_certificate()
    return register_on_screens(client, api)


def csrf_of(client: Any, path: str = "/menu") -> str:
    return tokens(text(client.get(path)))["csrf_token"]


def test_logged_in_pages_carry_the_script_and_logged_out_pages_do_not(client: Any, lawyer: str) -> None:
    for path in ("/", "/login", "/password-reset"):
        assert "navigation.js" not in text(client.get(path)), path
    login(client, lawyer)
    for path in ("/menu", "/profile", "/profile/edit", "/profile/password"):
        html = text(client.get(path))
        assert 'src="/static/navigation.js"' in html, path
        assert f'data-report-url="{REPORT}"' in html and 'data-ended-url="/session/ended"' in html
        assert f'data-csrf-token="{tokens(html)["csrf_token"]}"' in html
    assert "navigation.js" not in text(client.get("/mailbox")), "the test-support pages are exempt"
    script = client.get("/static/navigation.js")
    assert script.status_code == 200 and "back_forward" in script.get_data(as_text=True)


def test_report_needs_the_csrf_token(client: Any, api: Api, lawyer: str) -> None:
    login(client, lawyer)
    for data in ({}, {"csrf_token": "x" * 43}):
        r = client.post(REPORT, data=data)
        assert r.status_code == 400 and "RASIM419E：" in text(r)
    assert client.get("/menu").status_code == 200, "a refused report ends nothing"
    assert api.audit("session.illegal_transition") == []


def test_report_ends_the_session(client: Any, api: Api, lawyer: str) -> None:
    login(client, lawyer)
    r = client.post(REPORT, data={"csrf_token": csrf_of(client, "/profile/edit")})
    assert r.status_code == 303 and r.headers["Location"].endswith("/session/ended")
    assert r.headers["Cache-Control"] == "no-store"
    assert api.audit("session.illegal_transition")

    shown = client.get("/session/ended")
    html = text(shown)
    assert shown.status_code == 409 and ENDED_LINE in html and 'href="/login"' in html
    assert "navigation.js" not in html and "userbar" not in html
    assert client.get("/session/ended").status_code == 302, "the message is shown once"

    after = client.get("/menu")
    assert after.status_code == 401 and "再度ログインしてください" in text(after)
    login(client, lawyer)   # and a new login works as usual
    assert client.get("/menu").status_code == 200
    assert client.get("/session/ended").status_code == 302, "nothing left over from the ended session"


def test_report_in_english(client: Any, lawyer: str) -> None:
    login(client, lawyer)
    client.get("/menu?lang=en")
    client.post(REPORT, data={"csrf_token": csrf_of(client)})
    shown = client.get("/session/ended")
    html = text(shown)
    assert shown.status_code == 409 and ENDED_LINE in html
    assert "RASIM409E: The session ended because of an illegal screen transition" in html


def test_report_of_an_already_ended_session_says_why(client: Any, api: Api, lawyer: str) -> None:
    api.set_clock("2024-04-01T10:00:00")
    login(client, lawyer)
    csrf = csrf_of(client)
    api.advance(minutes=31)
    r = client.post(REPORT, data={"csrf_token": csrf})
    assert r.status_code == 303
    shown = client.get("/session/ended")
    assert shown.status_code == 401 and "RASIM408E：" in text(shown)
    assert api.audit("session.illegal_transition") == []


def test_report_without_a_session_is_harmless(client: Any, api: Api) -> None:
    csrf = csrf_of(client, "/login")
    r = client.post(REPORT, data={"csrf_token": csrf})
    assert r.status_code == 303 and r.headers["Location"].endswith("/session/ended")
    shown = client.get("/session/ended")
    assert shown.status_code == 302 and shown.headers["Location"].endswith("/login")
    page = client.get("/login")
    assert page.status_code == 200 and "RASIM409E" not in text(page)
    assert api.audit("session.illegal_transition") == []


def test_stale_form_check_is_unchanged(client: Any, api: Api, lawyer: str) -> None:
    login(client, lawyer)
    old = tokens(text(client.get("/profile/edit")))
    client.get("/profile/password")
    r = client.post("/profile/edit", data={**old, "new_phone": "0398765432"})
    assert r.status_code == 409 and ENDED_LINE in text(r)
    assert client.get("/menu").status_code == 401


def test_script_carries_no_japanese_text() -> None:
    japanese = re.compile(r"[\u3000-\u30ff\u4e00-\u9fff\uff01-\uff60]")
    assert not japanese.search((STATIC / "navigation.js").read_text(encoding="utf-8"))
