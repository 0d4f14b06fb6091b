"""The screens (S01–S03, S29–S34, registration, mail links, mailbox, bureau console) through
Flask's test client: labels of the manual, errors as the real screens print them, CSRF, the
Back-button rule, double login and the 30-minute session timeout."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from simulator import catalog
from simulator.web.app import create_app
from tests.support.api import LAWYER, PASSWORD, Api, use_edition

NEW_PASSWORD = "CD67890?"
EMAIL = "lawyer@example.jp"
TEMPLATES = Path(__file__).resolve().parents[2] / "simulator" / "web" / "templates"
REQUIRED_LINE = "WZBAM001E：「！」がついている項目を入力してください。"


# --- helpers --------------------------------------------------------------------------------------------

def text(r: Any) -> str:
    return r.get_data(as_text=True)


def tokens(html: str) -> dict[str, str]:
    """The hidden csrf_token and screen_token of a page (the last screen token rendered wins)."""
    return dict(re.findall(r'name="(csrf_token|screen_token)" value="([^"]+)"', html))


def open_form(client: Any, url: str) -> dict[str, str]:
    r = client.get(url)
    assert r.status_code == 200, (url, r.status_code, text(r)[:400])
    return tokens(text(r))


def submit(client: Any, url: str, data: dict[str, Any], form_url: str | None = None) -> Any:
    return client.post(url, data={**open_form(client, form_url or url), **data})


def marks(html: str) -> int:
    return html.count('<span class="mark">')


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def registration_form(**over: str) -> dict[str, str]:
    form = {"agent_certificate_number": LAWYER["number"], "name": LAWYER["name"], "birth_year": "1980",
            "birth_month": "1", "birth_day": "2", "sex": "male", "address_pref_city": "東京都千代田区",
            "address_street": "霞が関１－１－１", "phone": "0312345678", "email": EMAIL, "email_confirm": EMAIL,
            "agree_terms": "on"}
    form.update(over)
    return {k: v for k, v in form.items() if v is not None}


def register_on_screens(client: Any, api: Api, email: str = EMAIL, password: str = PASSWORD) -> str:
    """Registration form → mail link → initial password page; returns the 認証ID shown."""
    r = submit(client, "/registration/agent", registration_form(email=email, email_confirm=email))
    assert r.status_code == 200 and "利用者情報の登録を受け付けました。" in text(r), text(r)[:2000]
    [mail] = api.mails(to=email, kind="registration_received")
    link = path_of(mail["url"])
    assert link.startswith("/registration/password?token=")
    page = client.get(link)
    assert "パスワード登録" in text(page) and LAWYER["name"] in text(page)
    done = client.post("/registration/password", data={**tokens(text(page)), "token": link.split("token=")[1],
                                                        "password": password, "password_confirm": password})
    assert "パスワードの登録が完了しました。" in text(done), text(done)[:2000]
    auth_id = re.search(r'id="new-auth-id">(\w+)<', text(done)).group(1)
    return auth_id


def login(client: Any, auth_id: str, password: str = PASSWORD) -> Any:
    r = submit(client, "/login", {"auth_id": auth_id, "password": password})
    assert r.status_code == 302 and r.headers["Location"].endswith("/menu"), text(r)[:1500]
    return r


@pytest.fixture
def lawyer(client: Any, api: Api) -> str:
    api.put_certificate()
    return register_on_screens(client, api)


# --- S01 top page ---------------------------------------------------------------------------------------------

def test_top_page_in_japanese(client: Any) -> None:
    r = client.get("/")
    html = text(r)
    assert r.status_code == 200 and '<html lang="ja">' in html
    for label in ("トップページ", "【最初(さいしょ)の画面(がめん)】", "お知らせ", "ログイン", "新規利用者登録",
                  "外国人本人・その他", "法人、弁護士・行政書士", "弁護士・行政書士",
                  "[2019/07/25]", "2019年7月25日から「入国管理局在留申請オンラインシステム」の運用を開始します。",
                  "Copyright (C) Immigration Services Agency of Japan All Rights Reserved."):
        assert label in html, label
    assert 'href="/registration/agent"' in html and 'href="/login"' in html
    assert 'href="/registration/card"' in html
    assert "メンテナンス" not in html


def test_top_page_in_english_and_back(client: Any) -> None:
    html = text(client.get("/?lang=en"))
    assert '<html lang="en">' in html and "Top page" in html and "Notices" in html
    assert "Start of the Immigration Bureau" in html and "New user registration" in html
    assert "Login page" in text(client.get("/login")), "the language choice is remembered"
    assert "トップページ" in text(client.get("/?lang=ja"))


def test_maintenance_banner_and_registration_refused(client: Any, api: Api) -> None:
    api.call("POST", "/test-support/maintenance", {"active": True}, expect=200)
    banner = next(n for n in catalog.table("notices.csv") if n["key"] == "maintenance_now")
    assert banner["text_ja"] in text(client.get("/"))
    assert banner["text_en"] in text(client.get("/?lang=en"))
    client.get("/?lang=ja")
    api.put_certificate()
    r = submit(client, "/registration/agent", registration_form())
    assert "RASIM503E：" in text(r) and api.mails() == []
    api.call("POST", "/test-support/maintenance", {"active": False}, expect=200)
    assert banner["text_ja"] not in text(client.get("/"))


def test_agent_registration_end_to_end(client: Any, api: Api) -> None:
    api.put_certificate()
    form = text(client.get("/registration/agent"))
    for label in ("申請等取次者証明書番号", "氏名", "生年月日", "性別", "住居地(都道府県市区町村)",
                  "住居地(町名丁目番地号等)", "連絡先", "メールアドレス", "メールアドレス（確認）", "利用規約に同意する",
                  "所属事務所の所在地"):
        assert label in form, label
    auth_id = register_on_screens(client, api)
    assert re.fullmatch(r"[a-z]{5}\d{5}", auth_id)
    assert api.mails(kind="registration_complete")[0]["to"] == EMAIL

    login_page = text(client.get("/login"))
    for label in ("ログインページ", "【ログイン画面(がめん)】", "認証IDを入力してください。", "パスワードを入力してください。",
                  "パスワードを忘れた場合", "認証IDを忘れた場合、地方出入国在留管理官署に申出書を提出すれば再設定可能です。"):
        assert label in login_page, label
    assert "認証IDを忘れた場合</a>" not in login_page   # no "forgot ID" link (Q12-5)
    login(client, auth_id)

    menu = client.get("/menu")
    html = text(menu)
    assert menu.status_code == 200 and menu.headers["Cache-Control"] == "no-store"
    for label in ("メニュー", "在留申請", "申請情報入力 (1件ずつ申請情報を入力)", "申請情報入力 (一括)", "申請情報検索",
                  "利用者情報更新", "テンプレートファイル", "ログアウト", f"ユーザ名： {LAWYER['name']}",
                  "前回ログイン日時"):
        assert label in html, label
    for procedure in ("extension_of_stay", "change_of_status", "coe"):   # the templates (Q4-23)
        assert f'href="/templates/bulk/{procedure}"' in menu.get_data(as_text=True), procedure

    profile = text(client.get("/profile"))
    for label in ("利用者情報表示", "利用者情報変更", "パスワード変更", "氏名", "認証ID", "メールアドレス", "在留カード番号",
                  LAWYER["name"], auth_id, EMAIL, LAWYER["number"], "男 male", "1980-01-02"):
        assert label in profile, label


def test_registration_errors_are_listed_and_marked(client: Any, api: Api) -> None:
    api.put_certificate()
    r = submit(client, "/registration/agent", {"agree_terms": ""})
    html = text(r)
    assert r.status_code == 200 and '<div class="errors" role="alert">' in html
    assert html.count(REQUIRED_LINE) == 1, "one line per distinct message"
    assert "WZBAM256E：利用規約へ同意をしてください。" in html
    assert marks(html) >= 8
    r = submit(client, "/registration/agent", registration_form(email_confirm="other@example.jp"))
    assert "WZBAM159E：" in text(r) and marks(text(r)) == 1
    assert 'value="lawyer@example.jp"' in text(r), "entered values are kept"
    r = submit(client, "/registration/agent", registration_form(birth_day="3"))
    assert "WZBAM262E：" in text(r)
    assert api.mails() == []


def test_initial_password_link_errors(client: Any, api: Api) -> None:
    api.put_certificate()
    submit(client, "/registration/agent", registration_form())
    link = path_of(api.mails(kind="registration_received")[0]["url"])
    r = submit(client, "/registration/password", {"token": link.split("token=")[1], "password": PASSWORD,
                                                  "password_confirm": "XY12345!"}, form_url=link)
    assert "WZBAM160E：" in text(r)
    bad = client.get("/registration/password?token=nonsense")
    assert bad.status_code == 410 and "RASIM410E：" in text(bad)


def test_login_errors(client: Any, lawyer: str) -> None:
    r = submit(client, "/login", {"auth_id": "", "password": ""})
    assert REQUIRED_LINE in text(r) and marks(text(r)) == 2
    r = submit(client, "/login", {"auth_id": lawyer, "password": "Wrong123!"})
    assert "WZBAM270E：認証ID若しくはパスワードが誤っています。" in text(r)
    assert client.get("/menu").status_code == 401


def test_logout(client: Any, lawyer: str) -> None:
    login(client, lawyer)
    menu = text(client.get("/menu"))
    r = client.post("/logout", data={"csrf_token": tokens(menu)["csrf_token"]})
    assert r.status_code == 302
    after = client.get("/menu")
    assert after.status_code == 401 and "RASIM401E：" in text(after) and 'href="/login"' in text(after)


# --- S30, S31 user information, e-mail change --------------------------------------------------------------------

def test_email_change_at_once_in_2024(client: Any, api: Api, lawyer: str) -> None:
    login(client, lawyer)
    r = submit(client, "/profile/edit", {"new_email": "new@example.jp", "new_email_confirm": "new@example.jp"})
    assert "利用者情報の更新が完了しました。" in text(r)
    assert "new@example.jp" in text(client.get("/profile"))
    [mail] = api.mails(to="new@example.jp")
    assert mail["kind"] == "email_changed"


def test_email_change_with_confirmation_link(client: Any, api: Api, lawyer: str, app: Any) -> None:
    use_edition(app, "2026")   # 003: a confirmation link to the new address first
    login(client, lawyer)
    edit = text(client.get("/profile/edit"))
    for label in ("利用者情報入力", "新しい住居地(都道府県市区町村)", "新しい連絡先", "新しいメールアドレス",
                  "新しいメールアドレス(確認)", "新しい申請等取次者証明書番号", "変更", "戻る"):
        assert label in edit, label
    r = submit(client, "/profile/edit", {})
    assert "WZBAM245E：変更する情報を入力してください。" in text(r)
    r = submit(client, "/profile/edit", {"new_email": "new@example.jp", "new_email_confirm": "new@example.jp"})
    assert "利用者情報の更新が完了しました。" in text(r) and "new@example.jp" in text(r)
    [mail] = api.mails(to="new@example.jp", kind="email_change_confirm")
    link = path_of(mail["url"])
    assert link.startswith("/profile/email/confirm?token=")
    assert EMAIL in text(client.get("/profile")), "unchanged until confirmed"
    page = client.get(link)
    assert page.status_code == 200
    done = client.post("/profile/email/confirm", data={**tokens(text(page)), "token": link.split("token=")[1]})
    assert "メールアドレスの変更が完了しました。" in text(done)
    assert "new@example.jp" in text(client.get("/profile"))
    again = client.get(link)
    assert again.status_code == 410


def test_phone_change_sends_no_mail(client: Any, api: Api, lawyer: str) -> None:
    login(client, lawyer)
    before = len(api.mails())
    r = submit(client, "/profile/edit", {"new_phone": "0398765432"})
    assert "利用者情報の更新が完了しました。" in text(r) and "更新完了通知" not in text(r)
    assert len(api.mails()) == before
    assert "0398765432" in text(client.get("/profile"))


# --- S32 password change ------------------------------------------------------------------------------------------

def test_password_change_errors_and_success(client: Any, api: Api, lawyer: str) -> None:
    login(client, lawyer)
    page = text(client.get("/profile/password"))
    for label in ("パスワード入力", "現在のパスワード", "新しいパスワード", "新しいパスワード(確認)", "必須",
                  "入力可能な記号は $%&amp;=@_#+.?! です。", "例)AB12345!", "例)CD67890!"):
        assert label in page, label
    r = submit(client, "/profile/password", {})
    assert REQUIRED_LINE in text(r) and marks(text(r)) == 3
    r = submit(client, "/profile/password", {"current_password": "Wrong123!", "new_password": NEW_PASSWORD,
                                             "new_password_confirm": NEW_PASSWORD})
    assert "WZBAM154E：パスワードが一致しません。" in text(r)
    r = submit(client, "/profile/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                             "new_password_confirm": "EF24680!"})
    assert "WZBAM162E：パスワードとパスワード（確認）には同じ値を入力してください。" in text(r)
    r = submit(client, "/profile/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                             "new_password_confirm": NEW_PASSWORD})
    assert "利用者情報の更新が完了しました。" in text(r) and f"メールアドレス {EMAIL} へ更新完了通知が届きます。" in text(r)
    assert "利用者情報画面へ戻る" in text(r)
    other = create_client_like(client)
    login(other, lawyer, NEW_PASSWORD)


def create_client_like(client: Any) -> Any:
    return client.application.test_client()


def test_expired_password_is_changed_on_its_own_page(client: Any, api: Api) -> None:
    api.put_certificate(valid_until="2025-12-31")
    auth_id = register_on_screens(client, api)
    api.advance(days=181)
    r = submit(client, "/login", {"auth_id": auth_id, "password": PASSWORD})
    assert "WZBAM158E：パスワード有効期限が切れています。" in text(r)
    link = re.search(r'href="(/password/expired\?auth_id=\w+)"', text(r)).group(1)
    r = submit(client, "/password/expired", {"auth_id": auth_id, "current_password": PASSWORD,
                                             "new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD},
               form_url=link)
    assert "パスワードの再設定が完了しました。" in text(r), text(r)[:1500]
    login(client, auth_id, NEW_PASSWORD)


def test_form_errors_follow_the_language(client: Any) -> None:
    client.get("/?lang=en")
    r = submit(client, "/login", {"auth_id": "", "password": ""})
    assert "WZBAM001E: Please enter the items marked with &#39;!&#39;." in text(r)


# --- S33, S34 password reset --------------------------------------------------------------------------------------

def test_password_reset_from_the_page(client: Any, api: Api, lawyer: str) -> None:
    page = text(client.get("/password-reset"))
    for label in ("パスワード再設定", "利用者情報確認", "半角英数字記号, 6文字以上20文字以内", "送信"):
        assert label in page, label
    assert "ログアウト" not in page
    r = submit(client, "/password-reset", {"auth_id": lawyer, "email": "someone@example.jp"})
    assert "WZBAM168E：認証ID又はメールアドレスの入力内容に誤りがあります。再度入力してください。" in text(r)
    r = submit(client, "/password-reset", {"auth_id": lawyer, "email": EMAIL})
    html = text(r)
    assert "利用者情報確認完了" in html and f"メールアドレス {EMAIL} へパスワード再設定通知が届きます。" in html
    assert "ログインページへ戻る" in html and "ヘルプデスク" in html
    link = path_of(api.mails(kind="password_reset_link")[-1]["url"])
    assert link.startswith("/password-reset/new?token=")
    r = submit(client, "/password-reset/new", {"token": link.split("token=")[1], "password": NEW_PASSWORD,
                                               "password_confirm": NEW_PASSWORD}, form_url=link)
    assert "パスワードの再設定が完了しました。" in text(r)
    login(client, lawyer, NEW_PASSWORD)


# --- CSRF, Back button, double login, timeout ----------------------------------------------------------------------

def test_csrf_missing_or_wrong_changes_nothing(client: Any, app: Any, api: Api) -> None:
    api.put_certificate()
    form = registration_form()
    r = client.post("/registration/agent", data=form)
    assert r.status_code == 400 and "RASIM419E：" in text(r)
    got = open_form(client, "/registration/agent")
    r = client.post("/registration/agent", data={**form, "screen_token": got["screen_token"], "csrf_token": "x" * 43})
    assert r.status_code == 400 and "RASIM419E：" in text(r)
    assert api.mails() == []
    assert api.audit("registration.filed") == []


def test_csrf_on_logged_in_form(client: Any, api: Api, lawyer: str) -> None:
    login(client, lawyer)
    got = open_form(client, "/profile/edit")
    before = len(api.mails())
    r = client.post("/profile/edit", data={"screen_token": got["screen_token"], "new_email": "evil@example.jp",
                                           "new_email_confirm": "evil@example.jp"})
    assert r.status_code == 400 and "RASIM419E：" in text(r)
    assert len(api.mails()) == before
    assert client.get("/menu").status_code == 200, "a CSRF failure does not end the session"


def test_back_button_rule_ends_the_session(client: Any, api: Api, lawyer: str) -> None:
    login(client, lawyer)
    old = open_form(client, "/profile/edit")
    open_form(client, "/profile/password")          # a newer input page: the old screen is stale now
    r = client.post("/profile/edit", data={**old, "new_phone": "0398765432"})
    assert r.status_code == 409
    assert "RASIM409E：ブラウザの戻るボタン等による不正な画面遷移が行われたため、ログアウトしました。" in text(r)
    assert 'href="/login"' in text(r)
    assert api.audit("session.illegal_transition")
    after = client.get("/menu")
    assert after.status_code == 401 and "再度ログインしてください" in text(after)
    assert "0398765432" not in str(api.account(lawyer))


def test_double_login_ends_the_first_session(app: Any, client: Any, lawyer: str) -> None:
    first, second = app.test_client(), app.test_client()
    login(first, lawyer)
    assert first.get("/menu").status_code == 200
    login(second, lawyer)
    r = first.get("/menu")
    assert r.status_code == 401 and "WZBAM099E：二重ログインエラーです。" in text(r)
    assert second.get("/menu").status_code == 200


def test_session_times_out_after_30_minutes(client: Any, api: Api, lawyer: str) -> None:
    api.set_clock("2024-04-01T10:00:00")
    login(client, lawyer)
    api.advance(minutes=29)
    assert client.get("/menu").status_code == 200
    api.advance(minutes=31)
    r = client.get("/profile")
    assert r.status_code == 401 and "RASIM408E：一定時間(30分以上)画面の移動などの動作がなかったため" in text(r)
    assert client.get("/menu").status_code == 401


def test_protected_pages_ask_for_login(client: Any) -> None:
    for path in ("/menu", "/profile", "/profile/edit", "/profile/password"):
        r = client.get(path)
        assert r.status_code == 401 and "RASIM401E：" in text(r) and r.headers["Cache-Control"] == "no-store"


def test_http_errors_are_friendly_pages(client: Any) -> None:
    r = client.get("/no-such-page")
    assert r.status_code == 404 and "RASIM404E：指定された対象が見つかりません。" in text(r)
    r = client.put("/")
    assert r.status_code == 405 and "RASIM405E：このメソッドは利用できません。" in text(r)
    assert r.headers["Allow"]
    assert "Traceback" not in text(r)


def test_unexpected_exception_is_a_friendly_page(app: Any, client: Any, monkeypatch: Any) -> None:
    from simulator.services import system

    def boom(ctx: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(system, "status", boom)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    r = client.get("/")
    assert r.status_code == 500 and "WZBAM098E：" in text(r) and "boom" not in text(r)


# --- mailbox and bureau console --------------------------------------------------------------------------------

def test_mailbox_lists_and_shows_mails_with_clickable_links(client: Any, api: Api) -> None:
    api.put_certificate()
    submit(client, "/registration/agent", registration_form())
    box = text(client.get("/mailbox"))
    [mail] = api.mails()
    assert mail["subject"] in box and EMAIL in box and "2024/04/01 09:00" in box
    one = text(client.get(f"/mailbox/{mail['id']}"))
    assert mail["subject"] in one and 'id="mail-body"' in one
    assert re.search(r'<a href="http://127.0.0.1:8080/registration/password\?token=[\w-]+">', one)
    assert client.get("/mailbox/9999").status_code == 404
    assert "Mailbox" in text(client.get("/mailbox?to=nobody@example.jp&lang=en"))


def test_bureau_approves_a_usage_request_then_password_from_the_mail(client: Any, api: Api) -> None:
    bureau = text(client.get("/bureau"))
    for label in ("官署コンソール", "利用申出", "定期報告", "利用者の状態", "申請等取次者証明書（登録簿）"):
        assert label in bureau, label
    csrf = tokens(bureau)["csrf_token"]
    r = client.post("/bureau/usage-requests", data={"csrf_token": csrf, "name": "所属太郎", "email": "staff@example.jp",
                                                    "organisation_name": "株式会社テスト商事",
                                                    "organisation_kind": "host"})
    assert r.status_code == 302
    [req] = api.call("GET", "/test-support/usage-requests", expect=200).get_json()["usage_requests"]
    assert req["status"] == "pending"
    page = text(client.get("/bureau"))
    assert "処理しました。" in page and "所属太郎" in page and "承認" in page
    client.post(f"/bureau/usage-requests/{req['id']}/decision", data={"csrf_token": csrf, "decision": "approve"})
    [mail] = api.mails(to="staff@example.jp", kind="usage_request_approved")
    link = path_of(mail["url"])
    page = client.get(link)
    auth_id = api.call("GET", "/test-support/usage-requests", expect=200).get_json()["usage_requests"][0]["auth_id"]
    assert auth_id in text(page)
    done = client.post("/registration/password", data={**tokens(text(page)), "token": link.split("token=")[1],
                                                        "password": PASSWORD, "password_confirm": PASSWORD})
    assert auth_id in text(done)
    login(client, auth_id)
    profile = text(client.get("/profile"))
    assert "株式会社テスト商事" in profile
    assert "新しい住居地" not in text(client.get("/profile/edit")), "organisation staff change the address on paper"

    org_id = req["organisation"]["id"]
    csrf = tokens(text(client.get("/bureau")))["csrf_token"]   # a login starts with a new CSRF token
    client.post(f"/bureau/organisations/{org_id}/periodic-reports", data={"csrf_token": csrf})
    report_page = text(client.get("/bureau"))
    assert "処理しました。" in report_page, re.findall(r'<div class="errors".*?</div>', report_page, re.DOTALL)
    report_id = int(re.search(r"/bureau/periodic-reports/(\d+)/decision", report_page).group(1))
    client.post(f"/bureau/periodic-reports/{report_id}/decision", data={"csrf_token": csrf, "decision": "approve"})
    assert api.mails(to="staff@example.jp", kind="periodic_report_result")

    client.post("/bureau/accounts", data={"csrf_token": csrf, "auth_id": auth_id, "action": "suspend"})
    assert api.account(auth_id)["status"] == "suspended"
    r = client.get("/menu")
    assert r.status_code == 403 and "WZBAM155E：" in text(r)


def test_bureau_refusals_and_registry(client: Any, api: Api) -> None:
    csrf = tokens(text(client.get("/bureau")))["csrf_token"]
    client.post("/bureau/accounts", data={"csrf_token": csrf, "auth_id": "nobody", "action": "suspend"})
    assert "RASIM404E：" in text(client.get("/bureau"))
    client.post("/bureau/registry", data={"csrf_token": csrf, "number": "132010700050", "kind": "lawyer",
                                          "name": "法務太郎", "birth_date": "1980-01-02", "valid_until": "2024-06-30",
                                          "status": "active"})
    page = text(client.get("/bureau"))
    assert "132010700050" in page and "法務太郎" in page
    client.post("/bureau/registry", data={"csrf_token": csrf, "number": "132010700050", "status": "cancelled",
                                          "valid_until": "2024-06-30"})
    [cert] = api.call("GET", "/test-support/registry/agent-certificates", expect=200).get_json()["certificates"]
    assert cert["status"] == "cancelled"
    client.post("/bureau/registry", data={"csrf_token": csrf, "number": "132010700050", "valid_until": "2025-06-30"})
    [cert] = api.call("GET", "/test-support/registry/agent-certificates", expect=200).get_json()["certificates"]
    assert cert["valid_until"] == "2025-06-30"
    r = client.post("/bureau/maintenance", data={"csrf_token": csrf, "active": "on"})
    assert r.status_code == 302 and "メンテナンス中" in text(client.get("/bureau"))
    r = client.post("/bureau/clock/advance", data={"csrf_token": csrf, "minutes": "30"})
    assert api.now().startswith("2024-04-01T09:30")
    assert client.post("/bureau/maintenance", data={"active": "on"}).status_code == 400


def test_support_pages_are_off_without_test_support(db_url: str, tmp_path: Path) -> None:
    app = create_app({"RASIM_DATABASE_URL": db_url, "RASIM_VAR_DIR": str(tmp_path / "var"), "SECRET_KEY": "t",
                      "RASIM_TEST_SUPPORT": False})
    try:
        c = app.test_client()
        for path in ("/mailbox", "/bureau"):
            r = c.get(path)
            assert r.status_code == 404 and "RASIM404E：" in text(r)
        assert "メールボックス" not in text(c.get("/"))
    finally:
        app.extensions["rasim.engine"].dispose()


HOSTILE = ["", " ", "x" * 5000, "\x00\x07", "<script>alert(1)</script>", "𠮷野家", "1" * 40, "-1", "99999999999999999999"]


def test_hostile_values_never_give_a_server_error(client: Any, api: Api, lawyer: str) -> None:
    forms = {"/registration/agent": list(registration_form()) + ["birth_year"],
             "/password-reset": ["auth_id", "email"], "/login": ["auth_id", "password"],
             "/registration/password": ["token", "password", "password_confirm"],
             "/password-reset/new": ["token", "password", "password_confirm"],
             "/password/expired": ["auth_id", "current_password", "new_password", "new_password_confirm"]}
    for url, names in forms.items():
        for value in HOSTILE:
            got = tokens(text(client.get("/login")))
            r = client.post(url, data={**got, **{n: value for n in names}})
            assert r.status_code < 500 and "Traceback" not in text(r), (url, value[:20], r.status_code)
            assert "<script>alert" not in text(r)
    csrf = tokens(text(client.get("/bureau")))["csrf_token"]
    for path in ("/bureau/usage-requests", "/bureau/accounts", "/bureau/registry", "/bureau/clock/advance",
                 "/bureau/usage-requests/99999999999999999999/decision", "/bureau/usage-requests/1/decision",
                 "/bureau/periodic-reports/7/decision", "/bureau/organisations/5/periodic-reports"):
        for value in HOSTILE:
            fields = ("name", "email", "organisation_id", "organisation_kind", "auth_id", "action", "number",
                      "birth_date", "valid_until", "status", "kind", "days", "minutes", "decision")
            r = client.post(path, data={"csrf_token": csrf, **{f: value for f in fields}})
            assert r.status_code < 500, (path, value[:20], r.status_code)
    r = client.post("/bureau/usage-requests", data={"csrf_token": csrf, "name": "a", "email": "a@example.jp",
                                                    "organisation_id": "99999999999999999999"})
    assert r.status_code == 302 and "RASIM404E" in text(client.get("/bureau"))
    for path in ("/mailbox/99999999999999999999", "/profile/email/confirm?token=" + "x" * 5000,
                 "/registration/password?token=%00", "/mailbox?to=" + "x" * 5000):
        r = client.get(path)
        assert r.status_code < 500, (path[:40], r.status_code)
    assert "<script>alert" not in text(client.get("/bureau"))


# --- labels -----------------------------------------------------------------------------------------------------------

def test_every_label_used_exists_in_both_languages() -> None:
    labels = catalog.labels()
    used: set[str] = set()
    sources = list(TEMPLATES.glob("*.html")) + list((TEMPLATES.parent / "screens").glob("*.py"))
    for path in sources:
        used |= set(re.findall(r"""\bt\(\s*['"]([a-z_]+\.[a-z0-9_]+)['"]""", path.read_text(encoding="utf-8")))
    assert len(used) > 100
    missing = sorted(k for k in used if not k.endswith("_") and (k not in labels["ja"] or k not in labels["en"]))
    assert not missing, missing


def test_templates_carry_no_japanese_text() -> None:
    japanese = re.compile(r"[\u3000-\u30ff\u4e00-\u9fff\uff01-\uff60]")
    offenders = [p.name for p in TEMPLATES.glob("*.html") if japanese.search(p.read_text(encoding="utf-8"))]
    assert not offenders, offenders
