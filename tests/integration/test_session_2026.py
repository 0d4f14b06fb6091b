"""The current system's session (003 §1.3, §2.6; current-manual.md §0 rules 2–4): 3 hours without activity end
it (RASIM408E says so in the edition's words), a warning comes 10 minutes before (static/session.js, a browser
confirm dialog with the seed's text) and [OK] runs the 3 hours again; the browser's Back button is an error
that keeps the user logged in (RASIM430E). Edition 2024 keeps its 30 minutes, no warning, and Back logs out."""
from __future__ import annotations

from typing import Any

import pytest

from tests.integration.test_screens import register_on_screens, submit, text, tokens
from tests.support.api import Api, use_edition


@pytest.fixture
def lawyer(app: Any, client: Any, api: Api) -> str:
    api.put_certificate()
    auth_id = register_on_screens(client, api)    # a 2024 account logs in to 2026 unchanged (003 §1.5)
    use_edition(app, "2026")
    api.set_clock("2024-05-01T09:00:00")
    return auth_id


def screen_login(client: Any, auth_id: str) -> None:
    r = submit(client, "/login", {"auth_id": auth_id, "password": "AB12345!"})
    assert r.status_code == 302, text(r)[:800]


def test_the_api_says_when_the_session_ends_and_when_it_warns(api: Api, lawyer: str) -> None:
    token = api.login(lawyer)
    times = api.call("GET", "/api/v1/session", token=token, expect=200).get_json()
    assert times["timeout_at"] == "2024-05-01T12:00:00" and times["warning_at"] == "2024-05-01T11:50:00"
    assert times["warning_in_seconds"] == 170 * 60
    api.advance(hours=2, minutes=55)
    extended = api.call("POST", "/api/v1/session/extension", token=token, expect=200).get_json()
    assert extended["timeout_at"] == "2024-05-01T14:55:00", "[OK] gives 3 hours from now"
    api.advance(hours=2, minutes=59)
    api.call("GET", "/api/v1/session", token=token, expect=200)
    api.advance(hours=3, minutes=1)
    r = api.call("GET", "/api/v1/session", token=token, expect=401)
    assert r.get_json()["errors"][0]["code"] == "RASIM408E"
    assert "一定時間(3時間以上)画面の移動などの動作がなかったため" in r.get_json()["errors"][0]["message"]
    assert api.audit("session.extended")


def test_2024_has_30_minutes_and_no_warning(app: Any, api: Api, client: Any) -> None:
    api.put_certificate()
    token = api.login(register_on_screens(client, api))
    times = api.call("GET", "/api/v1/session", token=token, expect=200).get_json()
    assert times["warning_at"] is None
    api.advance(minutes=31)
    message = api.call("GET", "/api/v1/session", token=token, expect=401).get_json()["errors"][0]["message"]
    assert "一定時間(30分以上)" in message


def test_pages_carry_the_warning_with_the_seeds_text(client: Any, api: Api, lawyer: str) -> None:
    screen_login(client, lawyer)
    html = text(client.get("/profile"))
    assert 'src="/static/session.js"' in html and 'data-warning-in-seconds="10200"' in html
    assert ("タイムアウトまで10分を切りました。\n延長を行いますか？\nタイムアウト日時： 2024年05月01日 12時00分"
            in html.replace("&#10;", "\n"))
    script = client.get("/static/session.js").get_data(as_text=True)
    assert "window.confirm(text)" in script
    api.advance(hours=2, minutes=51)
    r = client.post("/session/extension", data={"csrf_token": tokens(html)["csrf_token"]})
    assert r.status_code == 200 and r.get_json()["timeout_at"] == "2024-05-01T14:51:00"
    assert "14時51分" in r.get_json()["text"]
    assert client.post("/session/extension", data={}).status_code == 400, "CSRF"


def test_back_is_an_error_and_the_user_stays_logged_in(client: Any, api: Api, lawyer: str) -> None:
    screen_login(client, lawyer)
    csrf = tokens(text(client.get("/profile")))["csrf_token"]
    r = client.post("/session/illegal-transition", data={"csrf_token": csrf})
    assert r.status_code == 303
    shown = text(client.get(r.headers["Location"]))
    assert "ブラウザの「←」(戻る)などで前の画面に戻ることはできません。" in shown
    assert client.get("/profile").status_code == 200, "still logged in (003 §1.3: an error, not a logout)"
    assert api.audit("session.illegal_transition_refused") and not api.audit("session.illegal_transition")


def test_no_warning_for_the_2024_pages(client: Any, api: Api) -> None:
    api.put_certificate()
    from tests.integration.test_screens import login
    login(client, register_on_screens(client, api))
    assert "session.js" not in text(client.get("/menu"))


FLOW_SCREENS = ["/applications/input", "/applications/input/complete", "/applications/input/files",
                "/applications/bulk/done", "/procedures/usage-request/apply", "/procedures/periodic-report/apply",
                "/procedures/receipt-method-change/apply", "/procedures/receipt-method-change/done"]
BOOKMARK = {"Sec-Fetch-Site": "none", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-User": "?1"}
IN_SITE = {"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-User": "?1"}


@pytest.mark.parametrize("path", FLOW_SCREENS)
def test_a_bookmark_of_apply_and_later_screens_is_refused(client: Any, api: Api, lawyer: str, path: str) -> None:
    """003 §1.3: 「[申込]画面以降の画面…ブラウザのブックマークから呼び出すことはできません」 — a navigation the
    browser started from outside the site's pages (Sec-Fetch-Site none: a bookmark or a typed address)."""
    screen_login(client, lawyer)
    for outside in (BOOKMARK, {**BOOKMARK, "Sec-Fetch-Site": "cross-site"}):
        r = client.get(path, headers=outside)
        assert r.status_code == 403, (path, r.status_code)
        assert "[申込]画面以降の画面は、ブラウザのブックマークから呼び出すことはできません。" in text(r)
    assert client.get("/profile").status_code == 200, "still logged in"
    served = client.get(path, headers=IN_SITE)
    assert served.status_code != 403 and "RASIM431E" not in text(served) and "ブックマーク" not in text(served)


def test_in_site_navigation_and_clients_without_fetch_metadata_reach_apply(client: Any, api: Api, lawyer: str) -> None:
    screen_login(client, lawyer)
    for headers in (IN_SITE, {}):
        r = client.get("/applications/input", headers=headers)
        assert r.status_code == 200 and 'name="screen_token"' in text(r), headers
    r = client.get("/mypage", headers=BOOKMARK)
    assert r.status_code == 200, "マイページ is before [申込]: a bookmark of it opens"


def test_2024_opens_bookmarks(client: Any, api: Api) -> None:
    api.put_certificate()
    from tests.integration.test_screens import login
    login(client, register_on_screens(client, api))
    r = client.get("/applications/input", headers=BOOKMARK)
    assert r.status_code == 200 and "ブックマーク" not in text(r)
