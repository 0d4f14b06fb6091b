"""外国人本人・その他 in Debian's Chromium: registration and login with the virtual My Number Card
served on the real pcscd + vpcd stack, through `rasim card bridge` (FAQ Q2-7–Q2-12, Q2-18–Q2-20,
Q13-3; seed 002 Step1–3).

A real server (werkzeug, migrated SQLite) trusts the test JPKI CA of the cards folder that the
card server serves from. The pages talk to the bridge subprocess from the browser. Screenshots go
to artifacts/screenshots/card-*.png; the time of a card login (login page to menu) is printed and
kept in artifacts/card-login-time.json. When pcscd, the card server, the bridge or Chromium
cannot start, the tests FAIL with the reason — never skip."""
from __future__ import annotations

import json
import re
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from simulator.adapters.migrate import upgrade
from simulator.web.app import create_app
from tests.support.chromium import launch_chromium
from tests.support.card_bridge import BridgeProcess, card_in_reader_with_bridge, free_port, http
from virtual_card.issuing import issue_card
from virtual_card.model import BasicFour
from virtual_card.store import CardStore
from virtual_card.testing import TEST_AUTH_PIN, TEST_HOLDER, TEST_SIGN_PIN, ServedCard

pytestmark = [pytest.mark.browser, pytest.mark.card]

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
SHOTS = ARTIFACTS / "screenshots"
PASSWORD = "AB12345!"
MSG_460 = "RASIM460E：ICカードリーダライタをパソコンに接続し、マイナンバーカードをセットして読み取りを行ってください。・・・"
MSG_461 = "RASIM461E：マイナンバーカードの暗証番号が誤っています。"
MSG_462 = "RASIM462E：マイナンバーカードの暗証番号がロックされています。"
MSG_254 = "WZBAM254E：ご使用のマイナンバーカードは、選択された利用者の区分ではすでに登録されています。"
MSG_255 = "WZBAM255E：マイナンバーカードの認証に失敗しました。"
MSG_112 = "WZBAM112E：身分事項の入力内容を確認してください。"
MSG_263 = "WZBAM263E：マイナンバーカードの認証が行えませんでした。"
OTHER_HOLDER = BasicFour("TRAN THI BINH", "大阪府大阪市北区中之島一丁目3番20号", date(1990, 2, 3), "2")
CARD_IDS = ("fn-card", "pin-card", "blocked-card", "expired-card", "revoked-card", "other-card", "foreign-ca-card")


@dataclass
class Stack:
    base: str
    cards: CardStore
    served: ServedCard
    bridge: BridgeProcess
    accounts: dict[str, str] = field(default_factory=dict)   # what the tests registered: key → 認証ID

    def insert(self, card_id: str) -> None:
        if self.served.card_id != card_id:
            self.served.insert(card_id)

    def remove(self) -> None:
        if self.served.card_id is not None:
            self.served.remove()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    root = tmp_path_factory.mktemp("card-browser")
    cards = CardStore(root / "cards")
    issue_card(cards, TEST_HOLDER, auth_pin=TEST_AUTH_PIN, sign_pin=TEST_SIGN_PIN, card_id="fn-card")
    issue_card(cards, TEST_HOLDER, auth_pin=TEST_AUTH_PIN, sign_pin=TEST_SIGN_PIN, card_id="pin-card")
    issue_card(cards, TEST_HOLDER, auth_pin=TEST_AUTH_PIN, sign_pin=TEST_SIGN_PIN, card_id="blocked-card",
               blocked=True)
    issue_card(cards, TEST_HOLDER, auth_pin=TEST_AUTH_PIN, sign_pin=TEST_SIGN_PIN, card_id="expired-card",
               expired=True)
    issue_card(cards, TEST_HOLDER, auth_pin=TEST_AUTH_PIN, sign_pin=TEST_SIGN_PIN, card_id="revoked-card",
               revoked=True)
    issue_card(cards, OTHER_HOLDER, auth_pin=TEST_AUTH_PIN, sign_pin=TEST_SIGN_PIN, card_id="other-card")
    # a card whose certificates come from another CA (not the JPKI CA the server trusts)
    elsewhere = CardStore(root / "elsewhere")
    issue_card(elsewhere, TEST_HOLDER, auth_pin=TEST_AUTH_PIN, sign_pin=TEST_SIGN_PIN, card_id="foreign-ca-card")
    shutil.copytree(elsewhere.root / "foreign-ca-card", cards.root / "foreign-ca-card")

    url = f"sqlite:///{root}/rasim.sqlite3"
    upgrade(url)
    port, bridge_port = free_port(), free_port()
    base = f"http://127.0.0.1:{port}"
    app = create_app({"RASIM_DATABASE_URL": url, "RASIM_VAR_DIR": str(root / "var"), "SECRET_KEY": "card-browser",
                      "RASIM_TEST_SUPPORT": True, "RASIM_CARDS_DIR": str(cards.root),
                      "RASIM_CARD_BRIDGE_URL": f"http://127.0.0.1:{bridge_port}", "RASIM_BASE_URL": base})
    httpd = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        with card_in_reader_with_bridge(cards.root, "fn-card", origins=(base,), port=bridge_port) as (served, bridge):
            yield Stack(base, cards, served, bridge)
    finally:
        httpd.shutdown()
        thread.join(timeout=10)
        app.extensions["rasim.engine"].dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launch_chromium() as chromium:
        yield chromium


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="ja-JP", viewport={"width": 1100, "height": 900})
    context.set_default_timeout(20_000)
    pg = context.new_page()
    try:
        yield pg
    finally:
        context.close()


# --- helpers ----------------------------------------------------------------------------------------------

def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"card-{name}.png"), full_page=True)


def card_state(page: Any) -> str:
    """Wait until card.js has asked the bridge; 'ready' or 'not-ready'."""
    page.wait_for_selector("#card-panel[data-state=ready], #card-panel[data-state=not-ready]")
    return page.get_attribute("#card-panel", "data-state")


def errors_text(page: Any) -> str:
    return "\n".join(page.locator(".errors:visible").all_inner_texts())


def mails(stack: Stack, to: str) -> list[dict[str, Any]]:
    status, _, body = http("GET", f"{stack.base}/test-support/mails?to={to}")
    assert status == 200, body
    return body["mails"]


def open_registration(page: Any, stack: Stack, category_label: str) -> None:
    """Top page → 新規利用者登録「外国人本人・その他」 → the category → the card page."""
    page.goto(stack.base + "/")
    page.click("section.registration-entry a[href='/registration/card']")
    page.get_by_label(category_label, exact=True).check()
    page.click("#card-category-next")


def read_for_registration(page: Any, sign_pin: str = TEST_SIGN_PIN, auth_pin: str = TEST_AUTH_PIN) -> None:
    assert card_state(page) == "ready", errors_text(page)
    page.fill("#sign_pin", sign_pin)
    page.fill("#auth_pin", auth_pin)
    page.click("#card-read")


def fill_registration(page: Any, email: str, residence_card: str | None) -> None:
    page.fill("#address_pref_city", "東京都新宿区")
    page.fill("#address_street", "西新宿２－８－１")
    page.fill("#phone", "0312345678")
    page.fill("#email", email)
    page.fill("#email_confirm", email)
    if residence_card:
        page.fill("#residence_card_number", residence_card)
        page.fill("#residence_card_valid_until", "2030-12-31")
    page.check("#agree_terms")


def set_password_from_mail(page: Any, stack: Stack, email: str) -> str:
    received = [m for m in mails(stack, email) if m["kind"] == "registration_received"]
    assert received, mails(stack, email)
    page.goto(received[-1]["url"])
    assert "/registration/password" in page.url
    page.fill("#password", PASSWORD)
    page.fill("#password_confirm", PASSWORD)
    page.click("button[type=submit].primary")
    auth_id = page.locator("#new-auth-id").inner_text()
    assert re.fullmatch(r"[a-z]{5}\d{5}", auth_id), auth_id
    complete = [m for m in mails(stack, email) if m["kind"] == "registration_complete"]
    assert complete and auth_id in complete[-1]["body"], "the completion mail carries the 認証ID"
    return auth_id


def register(page: Any, stack: Stack, category_label: str, email: str, residence_card: str | None,
             shots: bool = False) -> str:
    open_registration(page, stack, category_label)
    if shots:
        shot(page, "read-registration")
    read_for_registration(page)
    page.wait_for_selector("#card-registration")
    fill_registration(page, email, residence_card)
    if shots:
        shot(page, "registration-form")
    page.click("#card-registration button[type=submit].primary")
    assert "利用者情報の登録を受け付けました。" in page.content(), errors_text(page)
    if shots:
        shot(page, "registration-received")
    return set_password_from_mail(page, stack, email)


def read_for_login(page: Any, stack: Stack, auth_pin: str = TEST_AUTH_PIN) -> None:
    page.goto(stack.base + "/login/card")
    assert card_state(page) == "ready", errors_text(page)
    page.fill("#auth_pin", auth_pin)
    page.click("#card-read")


def login(page: Any, stack: Stack, auth_id: str, password: str = PASSWORD) -> None:
    read_for_login(page, stack)
    page.wait_for_selector("#card-login-form:visible")
    page.fill("#auth_id", auth_id)
    page.fill("#password", password)
    page.click("#card-login-submit")


# --- the path that works -------------------------------------------------------------------------------------

def test_foreign_national_registers_and_logs_in_with_the_card(stack: Stack, page: Any) -> None:
    stack.insert("fn-card")
    page.goto(stack.base + "/")
    page.click("section.registration-entry a[href='/registration/card']")
    shot(page, "category")
    page.get_by_label("外国人本人", exact=True).check()
    page.click("#card-category-next")
    assert card_state(page) == "ready", errors_text(page)
    assert page.is_visible("#sign_pin") and page.is_visible("#auth_pin")   # both passwords (002 Step1 ②)
    shot(page, "read-registration")
    read_for_registration(page)
    page.wait_for_selector("#card-registration")
    # Q2-11: name, sex and date of birth come from the card, read-only
    assert page.input_value("#name") == TEST_HOLDER.name
    assert page.input_value("#sex") == "男"
    assert page.input_value("#birth_date") == "1995/04/15"
    for selector in ("#name", "#sex", "#birth_date"):
        assert page.get_attribute(selector, "readonly") is not None
    assert page.input_value("#address_pref_city") == ""   # the address is typed from the residence card
    email = "nguyen@example.jp"
    fill_registration(page, email, "AB12345678CD")
    shot(page, "registration-form")
    page.click("#card-registration button[type=submit].primary")
    assert "利用者情報の登録を受け付けました。" in page.content(), errors_text(page)
    shot(page, "registration-received")
    auth_id = set_password_from_mail(page, stack, email)
    shot(page, "password-set")
    stack.accounts["foreign_national"] = auth_id

    # login: card → authentication PIN → 認証ID and password → menu (002 Step2/3 ②, Q13-3)
    started = time.perf_counter()
    page.goto(stack.base + "/login/card")
    assert card_state(page) == "ready", errors_text(page)
    assert page.is_visible("#auth_pin") and not page.is_visible("#sign_pin")
    assert not page.is_visible("#card-login-form")   # no ID/password before the card is read
    page.fill("#auth_pin", TEST_AUTH_PIN)
    page.click("#card-read")
    page.wait_for_selector("#card-login-form:visible")
    page.fill("#auth_id", auth_id)
    page.fill("#password", PASSWORD)
    page.click("#card-login-submit")
    page.wait_for_url("**/menu")
    elapsed_ms = (time.perf_counter() - started) * 1000
    assert page.locator("h1").inner_text().startswith("メニュー")
    assert TEST_HOLDER.name in page.locator(".userbar").inner_text()
    shot(page, "menu")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "card-login-time.json").write_text(json.dumps({"card_login_ms": round(elapsed_ms, 1)}))
    print(f"\ncard login end to end (login page → menu, Chromium + bridge + pcscd): {elapsed_ms:.0f} ms")

    # the login page shot with the card read (for the artifacts)
    page.click(".userbar form.logout button")
    read_for_login(page, stack)
    page.wait_for_selector("#card-login-form:visible")
    shot(page, "login-credentials")


def test_same_card_registers_as_legal_representative_but_not_twice(stack: Stack, page: Any) -> None:
    """Q2-10: another category with the same card works; the same category twice is refused."""
    stack.insert("fn-card")
    auth_id = register(page, stack, "法定代理人", "parent@example.jp", None)
    stack.accounts["legal_representative"] = auth_id
    login(page, stack, auth_id)
    page.wait_for_url("**/menu")
    page.click(".userbar form.logout button")

    open_registration(page, stack, "法定代理人")
    read_for_registration(page)
    page.wait_for_selector("#card-registration")
    fill_registration(page, "parent2@example.jp", None)
    page.click("#card-registration button[type=submit].primary")
    assert MSG_254 in errors_text(page)
    assert "利用者情報の登録を受け付けました。" not in page.content()
    shot(page, "duplicate-category")
    assert not [m for m in mails(stack, "parent2@example.jp")]


# --- the card cannot be used: RASIM460E and the page stays ------------------------------------------------------

def test_no_bridge_shows_the_reader_message(stack: Stack, page: Any) -> None:
    stack.bridge.stop()
    try:
        page.goto(stack.base + "/login/card")
        assert card_state(page) == "not-ready"
        assert MSG_460 in errors_text(page)
        assert "rasim card bridge" in page.locator("#card-remedy").inner_text()
        assert not page.is_visible("#auth_pin") and not page.is_visible("#card-login-form")
        shot(page, "no-bridge")
        open_registration(page, stack, "外国人本人")
        assert card_state(page) == "not-ready" and MSG_460 in errors_text(page)
        assert not page.is_visible("#sign_pin")
    finally:
        stack.bridge.start()
    page.click("#card-retry")   # with the bridge back, the same page moves on
    assert card_state(page) == "ready"


def test_no_card_shows_the_reader_message(stack: Stack, page: Any) -> None:
    stack.remove()
    try:
        page.goto(stack.base + "/login/card")
        assert card_state(page) == "not-ready"
        assert MSG_460 in errors_text(page)
        assert "マイナンバーカードがセットされていません" in page.locator("#card-remedy").inner_text()
        assert not page.is_visible("#auth_pin")
        shot(page, "no-card")
        # the card is taken out after the page found it: reading shows the message too
        stack.insert("pin-card")
        page.click("#card-retry")
        assert card_state(page) == "ready"
        stack.remove()
        page.fill("#auth_pin", TEST_AUTH_PIN)
        page.click("#card-read")
        page.wait_for_selector("#card-panel[data-state=not-ready]")
        assert MSG_460 in errors_text(page) and not page.is_visible("#card-login-form")
    finally:
        stack.insert("fn-card")


def test_expired_certificate_shows_the_reader_message(stack: Stack, page: Any) -> None:
    """Q2-20 (4): both certificates must be there and not expired."""
    stack.insert("expired-card")
    page.goto(stack.base + "/login/card")
    assert card_state(page) == "not-ready"
    assert MSG_460 in errors_text(page)
    assert "有効期限が切れています" in page.locator("#card-remedy").inner_text()
    shot(page, "expired-certificate")
    open_registration(page, stack, "外国人本人")
    assert card_state(page) == "not-ready" and not page.is_visible("#sign_pin")


# --- PINs ---------------------------------------------------------------------------------------------------------

def test_wrong_pins_show_the_tries_left(stack: Stack, page: Any) -> None:
    stack.insert("pin-card")
    read_for_login(page, stack, auth_pin="9999")
    page.wait_for_selector("#card-errors:visible")
    assert MSG_461 in errors_text(page)
    assert "利用者証明用電子証明書のパスワードの残り回数：2回" in page.locator("#card-remedy").inner_text()
    assert not page.is_visible("#card-login-form") and "/login/card" in page.url
    shot(page, "wrong-pin")
    # a PIN of the wrong form never reaches the card (no try lost)
    page.fill("#auth_pin", "12")
    page.click("#card-read")
    assert "数字4桁" in errors_text(page)
    assert stack.cards.tries_left("pin-card")["jpki.auth"] == 2

    open_registration(page, stack, "外国人本人")
    read_for_registration(page, sign_pin="WRONG99")
    page.wait_for_selector("#card-errors:visible")
    assert MSG_461 in errors_text(page)
    assert "署名用電子証明書のパスワードの残り回数：4回" in page.locator("#card-remedy").inner_text()
    assert not page.locator("#card-registration").count()


def test_blocked_pin_shows_the_blocked_message(stack: Stack, page: Any) -> None:
    stack.insert("blocked-card")
    read_for_login(page, stack)
    page.wait_for_selector("#card-errors:visible")
    assert MSG_462 in errors_text(page)
    assert not page.is_visible("#card-login-form")
    shot(page, "blocked-pin")


# --- refused by the server ------------------------------------------------------------------------------------------

def test_revoked_certificate_is_refused(stack: Stack, page: Any) -> None:
    stack.insert("revoked-card")
    open_registration(page, stack, "外国人本人")
    read_for_registration(page)
    page.wait_for_selector("#card-registration")
    fill_registration(page, "revoked@example.jp", "CD12345678EF")
    page.click("#card-registration button[type=submit].primary")
    assert MSG_255 in errors_text(page)
    assert "利用者情報の登録を受け付けました。" not in page.content()
    assert page.locator("#card-panel").count() == 1   # back to reading the card
    shot(page, "revoked-certificate")
    assert not mails(stack, "revoked@example.jp")

    # the same at login: the card check fails whatever the ID
    login(page, stack, stack.accounts.get("foreign_national", "abcde12345"))
    assert MSG_255 in errors_text(page) and "/menu" not in page.url


def test_certificate_of_another_ca_is_refused(stack: Stack, page: Any) -> None:
    stack.insert("foreign-ca-card")
    open_registration(page, stack, "親族")
    read_for_registration(page)
    page.wait_for_selector("#card-registration")
    fill_registration(page, "otherca@example.jp", None)
    page.click("#card-registration button[type=submit].primary")
    assert MSG_255 in errors_text(page)
    assert not mails(stack, "otherca@example.jp")


def test_another_persons_card_cannot_log_in(stack: Stack, page: Any) -> None:
    """Q13-3: the 認証ID and password of one person with the card of another are refused."""
    auth_id = stack.accounts.get("foreign_national")
    assert auth_id, "runs after the registration test"
    stack.insert("other-card")
    login(page, stack, auth_id)
    assert MSG_255 in errors_text(page) and "/menu" not in page.url
    shot(page, "another-card")


def test_tampered_and_replayed_forms_are_refused(stack: Stack, page: Any) -> None:
    auth_id = stack.accounts.get("foreign_national")
    assert auth_id, "runs after the registration test"
    stack.insert("fn-card")

    # the name shown from the card is changed in the page before sending (Q2-11)
    open_registration(page, stack, "親族")
    read_for_registration(page)
    page.wait_for_selector("#card-registration")
    fill_registration(page, "tampered@example.jp", None)
    page.evaluate("document.querySelector('#name').value = 'SOMEONE ELSE'")
    page.click("#card-registration button[type=submit].primary")
    assert MSG_112 in errors_text(page)
    assert not mails(stack, "tampered@example.jp")

    # a login whose card answer (challenge + signature) was already used once
    read_for_login(page, stack)
    page.wait_for_selector("#card-login-form:visible")
    used = page.evaluate("""() => Object.fromEntries(['challenge_id', 'authentication_certificate', 'signature']
        .map(n => [n, document.querySelector('#card-login-form input[name=' + n + ']').value]))""")
    page.fill("#auth_id", auth_id)
    page.fill("#password", PASSWORD)
    page.click("#card-login-submit")
    page.wait_for_url("**/menu")
    page.click(".userbar form.logout button")
    read_for_login(page, stack)
    page.wait_for_selector("#card-login-form:visible")
    page.evaluate("""(used) => { for (const [n, v] of Object.entries(used))
        document.querySelector('#card-login-form input[name=' + n + ']').value = v; }""", used)
    page.fill("#auth_id", auth_id)
    page.fill("#password", PASSWORD)
    page.click("#card-login-submit")
    assert MSG_255 in errors_text(page) and "/menu" not in page.url

    # a challenge made for registration, used to log in (a foreign challenge)
    status, _, made = http("POST", f"{stack.base}/api/v1/card/challenges", {"purpose": "registration"})
    assert status == 201, made
    read_for_login(page, stack)
    page.wait_for_selector("#card-login-form:visible")
    page.evaluate("(id) => { document.querySelector('#card-login-form input[name=challenge_id]').value = id; }",
                  made["challenge_id"])
    page.fill("#auth_id", auth_id)
    page.fill("#password", PASSWORD)
    page.click("#card-login-submit")
    assert MSG_255 in errors_text(page) and "/menu" not in page.url

    # the right card and a wrong password: refused, no menu
    login(page, stack, auth_id, "WRONG-pass1")
    assert "/menu" not in page.url and errors_text(page)


def test_certification_service_down_shows_wzbam263e(stack: Stack, page: Any) -> None:
    stack.insert("fn-card")
    status, _, body = http("POST", f"{stack.base}/test-support/jpki", {"available": False})
    assert status in (200, 201), body
    try:
        read_for_login(page, stack)
        page.wait_for_selector("#card-errors:visible")
        assert MSG_263 in errors_text(page) and not page.is_visible("#card-login-form")
        shot(page, "service-down")
    finally:
        http("POST", f"{stack.base}/test-support/jpki", {"available": True})


def test_the_my_number_was_never_read(stack: Stack) -> None:
    """Q2-8: after every page above, no card's My Number read log has an entry."""
    assert stack.accounts, "runs after the other tests"
    for card_id in CARD_IDS:
        assert stack.cards.my_number_reads(card_id) == [], card_id
