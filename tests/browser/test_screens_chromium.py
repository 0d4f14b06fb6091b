"""The screens in Debian's Chromium, driven by Playwright against a real server on a free port:
a lawyer registers, sets the initial password from the mail, logs in and reads the profile.
Screenshots go to artifacts/screenshots/. If Chromium cannot start, the test fails with the reason."""
from __future__ import annotations

import json
import re
import socket
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from simulator.adapters.migrate import upgrade
from simulator.web.app import create_app
from tests.support.chromium import launch_chromium

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
PASSWORD = "AB12345!"
EMAIL = "lawyer@example.jp"
CERT = {"number": "132010700050", "kind": "lawyer", "name": "法務太郎", "birth_date": "1980-01-02",
        "valid_until": "2024-06-30"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    yield from serve(tmp_path)


def serve(tmp_path: Path, **config: Any) -> Iterator[str]:
    """The app on a real server on a free port (config: more settings, e.g. RASIM_EDITION)."""
    url = f"sqlite:///{tmp_path}/rasim.sqlite3"
    upgrade(url)
    port = free_port()
    app = create_app({"RASIM_DATABASE_URL": url, "RASIM_VAR_DIR": str(tmp_path / "var"), "SECRET_KEY": "browser",
                      "RASIM_TEST_SUPPORT": True, "RASIM_BASE_URL": f"http://127.0.0.1:{port}", **config})
    httpd = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        httpd.shutdown()
        thread.join(timeout=10)
        app.extensions["rasim.engine"].dispose()


def call(base: str, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Content-Type": "application/json", "Accept": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


@pytest.fixture
def browser() -> Iterator[Any]:
    with launch_chromium() as chromium:
        yield chromium


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_lawyer_registers_logs_in_and_reads_the_profile(server: str, browser: Any) -> None:
    call(server, "POST", "/test-support/clock/set", {"now": "2024-04-01T09:00:00"})
    call(server, "PUT", "/test-support/registry/agent-certificates", CERT)
    context = browser.new_context(locale="ja-JP", viewport={"width": 1100, "height": 900})
    page = context.new_page()

    # S01 in Japanese and English
    page.goto(server + "/")
    assert page.locator("h1").inner_text().startswith("トップページ")
    shot(page, "top-ja")
    page.click("text=English")
    assert page.locator("h1").inner_text().startswith("Top page")
    shot(page, "top-en")
    page.click("text=日本語")

    # registration of a lawyer: errors first, then the form filled in
    page.click("#register-agent")
    page.click("button[type=submit].primary")
    assert "WZBAM001E：「！」がついている項目を入力してください。" in page.locator(".errors").inner_text()
    shot(page, "registration-errors")
    page.fill("#agent_certificate_number", CERT["number"])
    page.fill("#name", CERT["name"])
    page.select_option("select[name=birth_year]", "1980")
    page.select_option("select[name=birth_month]", "1")
    page.select_option("select[name=birth_day]", "2")
    page.check("input[name=sex][value=male]")
    page.fill("#address_pref_city", "東京都千代田区")
    page.fill("#address_street", "霞が関１－１－１")
    page.fill("#phone", "0312345678")
    page.fill("#email", EMAIL)
    page.fill("#email_confirm", EMAIL)
    page.check("#agree_terms")
    shot(page, "registration")
    page.click("button[type=submit].primary")
    assert "利用者情報の登録を受け付けました。" in page.content()

    # the mailbox, the mail, and its link to the initial password page
    page.goto(server + "/mailbox")
    shot(page, "mailbox")
    page.click("text=利用者情報登録受付のお知らせ")
    shot(page, "mail")
    page.click("#mail-body a")
    assert "パスワード登録" in page.locator("h1").inner_text()
    page.fill("#password", PASSWORD)
    page.fill("#password_confirm", PASSWORD)
    page.click("button[type=submit].primary")
    auth_id = page.locator("#new-auth-id").inner_text()
    assert re.fullmatch(r"[a-z]{5}\d{5}", auth_id)

    # S02 login → S03 menu → S29 profile
    page.click("text=ログインページへ戻る")
    shot(page, "login")
    page.fill("#auth_id", auth_id)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(server + "/menu")
    assert "ユーザ名： 法務太郎" in page.locator(".userbar").inner_text()
    shot(page, "menu")
    page.click("#user-info")
    assert page.locator("#p-name").inner_text() == CERT["name"]
    assert page.locator("#p-auth-id").inner_text() == auth_id
    assert page.locator("#p-email").inner_text() == EMAIL
    shot(page, "profile")
    page.click("#change-password")
    page.click("button[type=submit].primary")
    assert page.locator(".mark").count() == 3
    shot(page, "password-change-errors")

    # the bureau console with a usage request on it
    bureau = context.new_page()
    bureau.goto(server + "/bureau")
    bureau.fill("#usage-requests input[name=name]", "所属太郎")
    bureau.fill("#usage-requests input[name=email]", "staff@example.jp")
    bureau.fill("#usage-requests input[name=organisation_name]", "株式会社テスト商事")
    bureau.click("#usage-requests button[type=submit].primary")
    assert "所属太郎" in bureau.content()
    shot(bureau, "bureau")
    bureau.close()

    # a second window's newer input page makes the first window's form stale (Q4-20): logged out
    other = context.new_page()
    page.goto(server + "/profile/edit")
    other.goto(server + "/profile/password")
    page.fill("#new_phone", "0398765432")
    page.click("button[type=submit].primary")
    assert "RASIM409E" in page.locator(".errors").inner_text()
    shot(page, "illegal-transition")
    other.goto(server + "/menu")
    assert "RASIM401E" in other.locator(".errors").inner_text()
    context.close()
