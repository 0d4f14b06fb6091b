"""What an outside probe found (issue "Security and concurrency"), one test per finding, each of which
failed before its fix: the password rule on every route, mail links and the Host header, reset links
and sessions, cookies, input on screens, test support, the language link. Runs on SQLite and again
on PostgreSQL (the second pass of `make test`)."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from flask.sessions import SecureCookieSessionInterface

from simulator.services import credentials
from simulator.web.app import create_app
from tests.integration.test_screens import login as screen_login
from tests.integration.test_screens import open_form, submit, text
from tests.support.api import PASSWORD, Api

WRONG = "Wrong123!"
NEW = "CD67890?"
LOCKED = "WZBAM153E"


def codes(r: Any) -> list[str]:
    return [e["code"] for e in r.get_json()["errors"]]


def expired_change(api: Api, auth_id: str, current: str, new: str = NEW) -> Any:
    return api.call("POST", "/api/v1/password/expired", {"auth_id": auth_id, "current_password": current,
                                                          "new_password": new, "new_password_confirm": new})


@pytest.fixture
def lawyer(api: Api) -> str:
    api.put_certificate(valid_until="2030-03-31")
    return api.register_agent()


# --- 1. every route that verifies a password goes through the one login rule ------------------------------

def test_expired_password_route_counts_wrong_guesses_and_locks(api: Api, lawyer: str):
    api.advance(days=181)   # the password has expired (180 days)
    answers = [codes(expired_change(api, lawyer, WRONG)) for _ in range(5)]
    assert answers == [["WZBAM270E"]] * 4 + [[LOCKED]]
    r = expired_change(api, lawyer, PASSWORD)   # the right password does not get past the lock
    assert r.status_code == 423 and codes(r) == [LOCKED]
    assert codes(api.call("POST", "/api/v1/session", {"auth_id": lawyer, "password": PASSWORD})) == [LOCKED]
    assert len(api.audit("account.locked")) == 1
    assert api.mails(kind="password_set") == []   # nothing was changed


def test_expired_password_route_refuses_a_password_that_has_not_expired(api: Api, lawyer: str):
    r = expired_change(api, lawyer, PASSWORD)
    assert r.status_code == 409 and codes(r) == ["RASIM412E"]
    api.login(lawyer)   # the old password still works
    api.advance(days=181)
    assert expired_change(api, lawyer, PASSWORD).status_code == 200
    api.login(lawyer, NEW)


def test_unknown_id_on_the_expired_route_is_270E_and_costs_a_hash(api: Api, lawyer: str, monkeypatch):
    calls: list[str] = []
    real = credentials.verify_password
    monkeypatch.setattr(credentials, "verify_password", lambda stored, pw: calls.append(pw) or real(stored, pw))
    assert codes(expired_change(api, "nosuchid99", PASSWORD)) == ["WZBAM270E"]
    assert codes(api.call("POST", "/api/v1/session", {"auth_id": "nosuchid99", "password": PASSWORD})) \
        == ["WZBAM270E"]
    assert calls == [PASSWORD, PASSWORD]   # compared against a dummy hash: no timing oracle for IDs


def test_expired_password_screen_counts_too(client: Any, api: Api, lawyer: str):
    api.advance(days=181)
    for _ in range(5):
        r = submit(client, f"/password/expired?auth_id={lawyer}",
                   {"auth_id": lawyer, "current_password": WRONG, "new_password": NEW, "new_password_confirm": NEW})
    assert f"{LOCKED}：" in text(r)
    r = submit(client, f"/password/expired?auth_id={lawyer}",
               {"auth_id": lawyer, "current_password": PASSWORD, "new_password": NEW, "new_password_confirm": NEW})
    assert f"{LOCKED}：" in text(r)
    assert api.mails(kind="password_set") == []


def test_wrong_current_password_in_a_session_counts_and_the_lock_ends_the_session(api: Api, lawyer: str):
    token = api.login(lawyer)
    body = {"current_password": WRONG, "new_password": NEW, "new_password_confirm": NEW}
    answers = [codes(api.call("POST", "/api/v1/password/change", body, token=token)) for _ in range(5)]
    assert answers == [["WZBAM154E"]] * 4 + [[LOCKED]]
    assert api.call("GET", "/api/v1/me", token=token).status_code == 401
    assert codes(api.call("POST", "/api/v1/session", {"auth_id": lawyer, "password": PASSWORD})) == [LOCKED]


def test_a_right_password_resets_the_count(api: Api, lawyer: str):
    for _ in range(4):
        api.call("POST", "/api/v1/session", {"auth_id": lawyer, "password": WRONG}, expect=401)
    api.login(lawyer)
    for _ in range(4):
        api.call("POST", "/api/v1/session", {"auth_id": lawyer, "password": WRONG}, expect=401)
    api.login(lawyer)


def test_state_comes_before_lock_and_lock_before_password(api: Api, lawyer: str):
    for _ in range(5):
        api.call("POST", "/api/v1/session", {"auth_id": lawyer, "password": WRONG})
    assert codes(api.call("POST", "/api/v1/session", {"auth_id": lawyer, "password": PASSWORD})) == [LOCKED]
    api.call("POST", f"/test-support/accounts/{lawyer}/state", {"action": "delete"}, expect=200)
    assert codes(api.call("POST", "/api/v1/session", {"auth_id": lawyer, "password": PASSWORD})) == ["WZBAM156E"]


# --- 3. mail links come from the configured base URL, never from the Host header ------------------------------

def test_reset_link_ignores_the_host_header(api: Api, lawyer: str, client: Any):
    client.post("/api/v1/password-reset", json={"auth_id": lawyer, "email": "lawyer@example.jp"},
                headers={"Host": "evil.example"})
    [mail] = api.mails(kind="password_reset_link")
    assert mail["url"].startswith("http://127.0.0.1:8080/password-reset/new?token=")
    assert "evil.example" not in mail["body"]


def test_the_configured_base_url_is_used(db_url: str, tmp_path):
    app = create_app({"RASIM_DATABASE_URL": db_url, "RASIM_VAR_DIR": str(tmp_path / "v"), "SECRET_KEY": "t",
                      "RASIM_BASE_URL": "https://rasim.test.example"})
    api = Api(app.test_client())
    api.set_clock("2024-04-01T09:00:00")
    api.put_certificate(valid_until="2030-03-31")
    api.call("POST", "/api/v1/registrations/agent",
             {"agent_certificate_number": "132010700050", "name": "法務太郎", "birth_date": "1980-01-02",
              "address_pref_city": "東京都千代田区", "address_street": "霞が関１－１－１", "phone": "0312345678",
              "email": "b@example.jp", "email_confirm": "b@example.jp", "agree_terms": True},
             headers={"Host": "evil.example"}, expect=201)
    assert api.mails()[-1]["url"].startswith("https://rasim.test.example/registration/password?token=")
    app.extensions["rasim.engine"].dispose()


# --- 4. reset links and sessions ------------------------------------------------------------------------------

def reset(api: Api, token: str, password: str = NEW) -> Any:
    return api.call("POST", "/api/v1/password-reset/complete",
                    {"token": token, "password": password, "password_confirm": password})


def request_reset(api: Api, auth_id: str) -> Any:
    return api.call("POST", "/api/v1/password-reset", {"auth_id": auth_id, "email": "lawyer@example.jp"})


def test_a_new_reset_link_voids_the_older_ones(api: Api, lawyer: str):
    tokens = []
    for _ in range(3):
        request_reset(api, lawyer)
        tokens.append(api.link_token("lawyer@example.jp", "password_reset_link"))
    for old in tokens[:-1]:
        assert codes(reset(api, old)) == ["RASIM410E"]
    assert reset(api, tokens[-1]).status_code == 200
    assert codes(reset(api, tokens[-1], "EF12345!")) == ["RASIM410E"]   # used once only


def test_a_reset_ends_every_session_and_a_change_keeps_its_own(api: Api, lawyer: str):
    api_session = api.login(lawyer)
    request_reset(api, lawyer)
    assert reset(api, api.link_token("lawyer@example.jp", "password_reset_link")).status_code == 200
    assert api.call("GET", "/api/v1/me", token=api_session).status_code == 401
    first = api.login(lawyer, NEW)
    # any other session ended at this login already (double login, WZBAM099E); the change keeps its own
    api.call("POST", "/api/v1/password/change",
             {"current_password": NEW, "new_password": PASSWORD, "new_password_confirm": PASSWORD},
             token=first, expect=200)
    assert api.call("GET", "/api/v1/me", token=first).status_code == 200   # the session that changed it stays
    assert any(e["action"] == "session.password_reset" for e in api.audit())


def test_reset_mails_are_limited_per_hour(api: Api, lawyer: str):
    answers = [request_reset(api, lawyer).status_code for _ in range(6)]
    assert answers == [200] * 5 + [429]
    assert codes(request_reset(api, lawyer)) == ["RASIM429E"]
    assert len(api.mails(kind="password_reset_link")) == 5
    api.advance(hours=1, seconds=1)
    assert request_reset(api, lawyer).status_code == 200


# --- 5. cookies and headers --------------------------------------------------------------------------------------

def session_cookie(app, client: Any) -> dict:
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    return serializer.loads(cookie.value)


def test_session_cookie_is_samesite_lax_and_httponly(client: Any, api: Api, lawyer: str):
    r = submit(client, "/login", {"auth_id": lawyer, "password": PASSWORD})
    cookie = r.headers["Set-Cookie"]
    assert "SameSite=Lax" in cookie and "HttpOnly" in cookie


def test_the_screen_session_is_no_api_bearer_token(app, client: Any, api: Api, lawyer: str):
    screen_login(client, lawyer)
    token = session_cookie(app, client)["api_token"]
    r = api.call("GET", "/api/v1/me", token=token)
    assert r.status_code == 401 and codes(r) == ["RASIM401E"]
    assert client.get("/profile").status_code == 200   # still good on the screens
    api_token = api.login(lawyer)
    with client.session_transaction() as s:    # and an API token opens no screen
        s["api_token"] = api_token
    assert client.get("/profile").status_code == 401


RESPONSE_CLASSES = [
    ("GET", "/api/v1/system/status", None, 200),
    ("GET", "/api/v1/me", None, 401),
    ("GET", "/api/v1/no-such-thing", None, 404),
    ("PUT", "/api/v1/session", None, 405),
    ("POST", "/api/v1/session", {"auth_id": "x", "password": "y"}, 401),
    ("GET", "/api/openapi.json", None, 200),
    ("GET", "/test-support/clock", None, 200),
    ("GET", "/", None, 200),
    ("GET", "/login", None, 200),
    ("GET", "/menu", None, 401),
    ("GET", "/no-such-page", None, 404),
    ("PUT", "/", None, 405),
    ("GET", "/static/rasim.css", None, 200),
]


@pytest.mark.parametrize("method, path, body, status", RESPONSE_CLASSES, ids=[f"{m} {p}" for m, p, *_ in RESPONSE_CLASSES])
def test_security_headers_on_every_response_class(client: Any, method: str, path: str, body: Any, status: int):
    r = client.open(path, method=method, json=body)
    assert r.status_code == status
    h = r.headers
    assert h["X-Content-Type-Options"] == "nosniff" and h["Referrer-Policy"] == "no-referrer"
    assert h["X-Frame-Options"] == "DENY"
    if r.mimetype in ("application/json", "text/html"):
        assert h["Cache-Control"] == "no-store"
    if r.mimetype == "text/html":
        csp = h["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    if status == 405:
        assert set(h["Allow"].split(", ")) >= {"GET"} or "POST" in h["Allow"]
    assert "Werkzeug" not in h.get("Server", "") and "Python" not in h.get("Server", "")


def test_login_token_answer_is_not_cached(api: Api, lawyer: str):
    r = api.call("POST", "/api/v1/session", {"auth_id": lawyer, "password": PASSWORD}, expect=201)
    assert r.headers["Cache-Control"] == "no-store" and r.headers["X-Content-Type-Options"] == "nosniff"


# --- 6. one input boundary: NUL bytes on the screens --------------------------------------------------------------

@pytest.mark.parametrize("path, fields", [
    ("/login", {"auth_id": "a\x00b", "password": "x"}),
    ("/login", {"auth_id": "abc", "password": "p\x00"}),
    ("/password/expired", {"auth_id": "a\x00", "current_password": "x", "new_password": "y",
                           "new_password_confirm": "y"}),
    ("/login/card", {"auth_id": "a\x00", "password": "x"}),
    ("/password-reset", {"auth_id": "x", "email": "a\x00@example.jp"}),
])
def test_nul_in_a_screen_form_is_a_400_page(client: Any, api: Api, path: str, fields: dict):
    before = len(api.audit())
    r = client.post(path, data={**open_form(client, path), **fields})
    assert r.status_code == 400 and "RASIM400E：" in text(r) and "Traceback" not in text(r)
    assert len(api.audit()) == before


def test_nul_in_the_bureau_console_is_a_400_page(client: Any, api: Api):
    r = client.post("/bureau/accounts", data={**open_form(client, "/bureau"), "auth_id": "x\x00", "action": "suspend"})
    assert r.status_code == 400 and "RASIM400E：" in text(r)


def test_nul_in_a_query_parameter(client: Any):
    assert client.get("/login?auth_id=%00").status_code == 400
    r = client.get("/api/v1/system/status?x=%00")
    assert r.status_code == 400 and codes(r) == ["RASIM400E"]


# --- 7. test support: fails closed, unlisted when off, no cross-site form posts ------------------------------

@pytest.mark.parametrize("value, on", [("0", False), ("off", False), ("False", False), ("NO", False),
                                       ("1", True), ("on", True), ("True", True), ("yes", True)])
def test_test_support_switch_values(db_url: str, tmp_path, monkeypatch, value: str, on: bool):
    monkeypatch.setenv("RASIM_TEST_SUPPORT", value)
    app = create_app({"RASIM_DATABASE_URL": db_url, "RASIM_VAR_DIR": str(tmp_path / "v"), "SECRET_KEY": "t"})
    c = app.test_client()
    assert (c.get("/test-support/clock").status_code == 200) is on
    paths = c.get("/api/openapi.json").get_json()["paths"]
    assert any(p.startswith("/test-support") for p in paths) is on
    assert (c.get("/mailbox").status_code == 200) is on
    app.extensions["rasim.engine"].dispose()


@pytest.mark.parametrize("value", ["maybe", "Flase", "", "2"])
def test_an_unknown_test_support_switch_refuses_to_start(db_url: str, tmp_path, monkeypatch, value: str):
    monkeypatch.setenv("RASIM_TEST_SUPPORT", value)
    with pytest.raises(ValueError, match="RASIM_TEST_SUPPORT"):
        create_app({"RASIM_DATABASE_URL": db_url, "RASIM_VAR_DIR": str(tmp_path / "v"), "SECRET_KEY": "t"})


@pytest.mark.parametrize("content_type, data", [
    ("application/x-www-form-urlencoded", "a=1"), ("application/x-www-form-urlencoded", ""),
    ("text/plain", "{}"), ("multipart/form-data; boundary=x", "--x--"), (None, None)])
def test_cross_site_form_posts_reach_no_test_support_operation(client: Any, api: Api, content_type, data):
    before = api.now()
    kw = {"data": data, "content_type": content_type} if content_type else {}
    for path in ("/test-support/clock/freeze", "/test-support/clock/resume",
                 "/test-support/organisations/1/periodic-reports"):
        r = client.post(path, **kw)
        assert r.status_code in (400, 415), (path, r.status_code)
    api.advance(minutes=1)
    assert api.now() > before   # still running: the freeze did not happen


# --- 8. the language link of an error page cannot lead to another host ------------------------------------------

def test_language_link_is_a_query_reference(client: Any):
    r = client.get("/%5Cevil.example/x")
    assert r.status_code == 404
    links = re.findall(r'href="([^"]*lang=(?:ja|en)[^"]*)"', text(r))
    assert links and all(link.startswith("?") for link in links), links
    assert "evil.example" not in "".join(links)


def test_unlock_event_fires_after_24_hours(api: Api, lawyer: str):
    for _ in range(5):
        api.call("POST", "/api/v1/session", {"auth_id": lawyer, "password": WRONG})
    api.advance(hours=23, minutes=59)
    assert codes(api.call("POST", "/api/v1/session", {"auth_id": lawyer, "password": PASSWORD})) == [LOCKED]
    api.advance(minutes=1)
    api.login(lawyer)
    assert dt.datetime.fromisoformat(api.now()) == dt.datetime(2024, 4, 2, 9, 0)


def test_a_suspended_account_loses_its_open_session_at_once(api: Api, lawyer: str):
    token = api.login(lawyer)
    api.call("POST", f"/test-support/accounts/{lawyer}/state", {"action": "suspend"}, expect=200)
    r = api.call("GET", "/api/v1/me", token=token)
    assert r.status_code == 403 and codes(r) == ["WZBAM155E"]
    api.call("POST", f"/test-support/accounts/{lawyer}/state", {"action": "resume"}, expect=200)
    assert api.call("GET", "/api/v1/me", token=token).status_code == 401   # ended, not paused
