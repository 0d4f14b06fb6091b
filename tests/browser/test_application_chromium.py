"""One application in Debian's Chromium, against a real server on a free port, by clicking the buttons:
menu → STEP1 → 身分事項1 (the address chosen through 「検索」 and its result list) → 身分事項2 → STEP3 → STEP4
and D2 → 申請情報一覧 → 資料添付 with D3 → 入管庁に申請を行う → 申請受付完了 → the row in 申請完了. The pages
run without inline script; the CSP stays on. Screenshots go to artifacts/screenshots/."""
from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.test_screens_chromium import CERT, PASSWORD, free_port, shot
from tests.support.application_flow import ENGINEER, PERSON, pdf
from tests.support.chromium import launch_chromium

pytestmark = pytest.mark.browser

EMAIL = "lawyer@example.jp"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    import threading

    from werkzeug.serving import make_server

    from simulator.adapters.migrate import upgrade
    from simulator.web.app import create_app

    url = f"sqlite:///{tmp_path}/rasim.sqlite3"
    upgrade(url)
    port = free_port()
    app = create_app({"RASIM_DATABASE_URL": url, "RASIM_VAR_DIR": str(tmp_path / "var"), "SECRET_KEY": "browser",
                      "RASIM_TEST_SUPPORT": True, "RASIM_BASE_URL": f"http://127.0.0.1:{port}"})
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


def lawyer(base: str) -> str:
    """A registered lawyer with a password (over the JSON API): the 認証ID."""
    call(base, "PUT", "/test-support/registry/agent-certificates", {**CERT, "valid_until": "2030-03-31"})
    call(base, "POST", "/api/v1/registrations/agent", {
        "agent_certificate_number": CERT["number"], "name": CERT["name"], "birth_date": CERT["birth_date"],
        "address_pref_city": "東京都千代田区", "address_street": "霞が関１－１－１", "phone": "0312345678", "email": EMAIL,
        "email_confirm": EMAIL, "agree_terms": True})
    query = urllib.parse.urlencode({"to": EMAIL, "kind": "registration_received"})
    [mail] = call(base, "GET", f"/test-support/mails?{query}")["mails"]
    token = re.search(r"token=([\w-]+)", mail["url"]).group(1)
    done = call(base, "POST", "/api/v1/registrations/password",
                {"token": token, "password": PASSWORD, "password_confirm": PASSWORD})
    return done["auth_id"]


@pytest.fixture
def browser() -> Iterator[Any]:
    with launch_chromium() as chromium:
        yield chromium


def test_one_application_from_step1_to_submission(server: str, browser: Any, tmp_path: Path) -> None:
    call(server, "POST", "/test-support/clock/set", {"now": "2024-04-01T09:00:00"})
    auth_id = lawyer(server)
    call(server, "PUT", "/test-support/residence-records", PERSON)
    context = browser.new_context(locale="ja-JP", viewport={"width": 1200, "height": 1000})
    page = context.new_page()
    script_errors: list[str] = []
    page.on("console", lambda m: script_errors.append(m.text) if "Content Security Policy" in m.text else None)

    page.goto(server + "/login")
    page.fill("#auth_id", auth_id)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(server + "/menu")

    # S04 STEP1: nothing chosen first, then the procedure and the status
    page.click("#application-input")
    assert page.locator(".step-bar li.current").inner_text() == "申請種別及び在留資格選択(STEP1)"
    page.click("#next")
    assert "WZBAM001E：「！」がついている項目を入力してください。" in page.locator(".errors").inner_text()
    assert page.locator(".mark").count() == 2
    page.select_option("#procedure", "work_qualification_certificate")
    page.select_option("#status_of_residence", ENGINEER)
    shot(page, "application-step1")
    page.click("#next")

    # S05 身分事項1, the address through 「検索」
    page.wait_for_url(server + "/applications/input/step2_1")
    assert page.locator(".step-bar li.current").inner_text() == "身分事項1(STEP2-1)"
    page.select_option("#nationality", "VNM")
    page.fill("#applicant_name", "HOUMU,MIDDLE,TAROU")
    page.select_option("select[name=birth_date_applicant__y]", "1990")
    page.select_option("select[name=birth_date_applicant__m]", "5")
    page.select_option("select[name=birth_date_applicant__d]", "6")
    page.check("input[name=sex_applicant][value=male]")
    page.check("input[name=marital_status][value=no]")
    page.fill("#home_town", "ハノイ市")
    page.select_option("#residence_pref_city__pref", "13")
    page.fill("input[name=residence_pref_city__q]", "千代田")
    page.click("button[value='search:residence_pref_city']")
    results = page.locator("dialog.place-results")
    assert results.is_visible() and "東京都千代田区" in results.inner_text()
    shot(page, "application-place-search")
    results.locator("button", has_text="東京都千代田区").click()
    assert page.locator("#residence_pref_city-chosen").inner_text() == "東京都千代田区"
    assert page.input_value("#home_town") == "ハノイ市", "what was typed before the search stays"
    page.fill("#residence_street", "霞が関一丁目１番１号")
    page.check("input[name=has_relatives][value=no]")
    page.check("input[name=card_receipt_method][value=post]")
    page.fill("#applicant_email", "houmu@example.jp")
    shot(page, "application-step2-1")
    page.click("#next")

    # S06 身分事項2, then 確認 (the last step before STEP3)
    page.wait_for_url(server + "/applications/input/step2_2")
    page.select_option("#current_status", ENGINEER)
    page.select_option("#current_period", "3y")
    y, m, d = PERSON["stay_expires_on"].split("-")
    page.select_option("select[name=stay_expires_on__y]", y)
    page.select_option("select[name=stay_expires_on__m]", str(int(m)))
    page.select_option("select[name=stay_expires_on__d]", str(int(d)))
    page.check("input[name=has_residence_card][value=yes]")
    page.fill("#residence_card_number_applicant", PERSON["residence_card_number"])
    page.fill("#certified_activity", "システム開発")
    page.select_option("select[name=work_period_from__y]", "2024")
    page.select_option("select[name=work_period_from__m]", "4")
    page.select_option("select[name=work_period_from__d]", "1")
    page.fill("#use_purpose", "転職先への提出")
    page.fill("#mobile_applicant", "09012345678")
    page.fill("#agent_name", "法務太郎")
    page.check("#applicant_consent")
    assert page.locator("#next").inner_text() == "確認"
    page.click("#next")

    # S09 STEP3: read-only blocks, both ticks
    page.wait_for_url(server + "/applications/input/step3")
    assert "東京都千代田区" in page.locator("#block-step2_1").inner_text()
    page.check("#confirmed_with_representative")
    page.check("#kept_copy")
    shot(page, "application-step3")
    page.click("#complete")

    # S10 STEP4 → D2 → OK → S16
    page.wait_for_url(server + "/applications/input/complete")
    page.click("#to-list")
    d2 = page.locator("dialog#d2")
    page.wait_for_selector("dialog#d2", state="visible")   # after the form's navigation, not before
    assert d2.is_visible() and "まだ、申請は完了していません。" in d2.inner_text()
    shot(page, "application-d2")
    page.click("#d2-ok")
    page.wait_for_url(re.compile(r".*/applications/list.*"))
    row = page.locator("table.applications tbody tr").first
    assert "入力完了（申請未了）" in row.inner_text() and "東オンW" in row.inner_text()
    page.click("#op-attach_documents")
    assert "WZBAM138E：申請情報を選択してから資料を添付するを押下してください。" in page.locator(".errors").inner_text()

    # S19 資料添付 → D3 確認
    page.locator("table.applications tbody tr input[name=selected]").first.check()
    page.click("#op-attach_documents")
    page.wait_for_url(re.compile(r".*/documents$"))
    document = tmp_path / "documents.pdf"
    document.write_bytes(pdf())
    page.set_input_files("#document", str(document))
    page.click("#register")
    d3 = page.locator("dialog#d3")
    page.wait_for_selector("dialog#d3", state="visible")   # after the form's navigation, not before
    assert d3.is_visible() and "登録した資料の変更・取消はできません。 登録してよろしいですか。" in d3.inner_text()
    shot(page, "application-d3")
    page.click("#d3-confirm")
    page.wait_for_url(re.compile(r".*/applications/list$"))
    assert "登録済" in page.locator("table.applications tbody tr").first.inner_text()

    # 入管庁に申請を行う → S20 → the row in 申請完了
    page.locator("table.applications tbody tr input[name=selected]").first.check()
    page.click("#op-submit")
    page.wait_for_url(server + "/applications/accepted")
    assert f"メールアドレス {EMAIL}へ受付完了通知が届きます。" in page.locator("main").inner_text()
    shot(page, "application-accepted")
    page.click("#to-list")
    assert "申請完了" in page.locator("table.applications tbody tr").first.inner_text()
    assert "2024/04/01 09:00" in page.locator("table.applications tbody tr").first.inner_text()
    shot(page, "application-list")
    assert not script_errors, script_errors
    context.close()
