"""Access of organisation staff in the current system (edition 2026, 003 §2.2–§2.5, §3.2; current-manual
§1.5, §4.1–§4.4): the e-mail-first 利用者登録 and its 24-hour link, login with the lock and the reset that
lifts it, 利用者IDを忘れた場合, and the 2024 account that logs in unchanged under 2026. Edition 2024 keeps
its paper route (RASIM494E)."""
from __future__ import annotations

from typing import Any

import pytest

from tests.support.api import Api, use_edition

GOOD = "Ab12345!xY"
STAFF = {"staff_category": "host_org_staff", "name_en": "HOUMU TAROU", "birth_date": "1980-01-02",
         "corporate_number": "1234567890123", "staff_organisation_name": "株式会社テスト商事",
         "postal_code": "1000013", "staff_organisation_address": "東京都千代田区霞が関１－１－１",
         "staff_phone": "0312345678", "password": GOOD, "password_confirm": GOOD}


@pytest.fixture
def api26(app: Any, api: Api) -> Api:
    use_edition(app, "2026")
    api.set_clock("2026-02-02T09:00:00")
    return api


def start(api: Api, email: str = "staff26@example.jp") -> str:
    api.call("POST", "/api/v1/registrations/email", {"email": email, "email_confirm": email}, expect=202)
    return api.link_token(email, "registration_email_link")


def register(api: Api, email: str = "staff26@example.jp", **over: Any) -> dict:
    token = start(api, email)
    return api.call("POST", "/api/v1/registrations/staff", {"token": token, **STAFF, **over}, expect=201).get_json()


def codes(r: Any) -> list[str]:
    return [e["code"] for e in r.get_json()["errors"]]


def test_registration_issues_the_id_by_mail_and_it_logs_in(api26: Api):
    done = register(api26)
    assert done["category"] == "host_org_staff" and done["auth_id"]
    mail = api26.mails(to="staff26@example.jp", kind="registration_complete")[-1]
    assert done["auth_id"] in mail["body"] and "利用者ID" in mail["body"]
    assert mail["from"].endswith("@rasens-immi.moj.go.jp")
    assert api26.login(done["auth_id"], GOOD)


def test_the_link_is_valid_24_hours_then_back_to_the_email_entry(api26: Api):
    token = start(api26)
    api26.advance(hours=23, minutes=59)
    assert api26.call("POST", "/api/v1/registrations/staff/link", {"token": token}, expect=200)
    api26.advance(minutes=1)
    r = api26.call("POST", "/api/v1/registrations/staff", {"token": token, **STAFF}, expect=410)
    assert codes(r) == ["RASIM492E"]
    assert not api26.mails(to="staff26@example.jp", kind="registration_complete")


@pytest.mark.parametrize("password, ok", [
    ("Ab12345!xY", True), ("Ab1!" + "x" * 16, True),          # 10 and 20 characters, four kinds
    ("Ab12345!x", False), ("Ab1!" + "x" * 17, False),         # 9 and 21
    ("ab12345!xy", False), ("AB12345!XY", False), ("Abcdefg!xy", False), ("Ab12345678", False),   # a kind missing
    ("Ab12345.xY", False),                                     # "." is not one of $%&=@_#*+-?!
    ("Ab1234*+-?", True)])                                     # the symbols 2026 adds to 2024's
def test_password_rules(api26: Api, password: str, ok: bool):
    token = start(api26)
    r = api26.call("POST", "/api/v1/registrations/staff/check",
                   {"token": token, **STAFF, "password": password, "password_confirm": password})
    if ok:
        assert r.status_code == 200, r.get_json()
    else:
        assert 400 <= r.status_code < 500 and codes(r) in (["WZBAM005E"], ["WZBAM003E"]), r.get_json()


def test_phone_without_hyphens_and_nothing_stored_on_refusal(api26: Api):
    token = start(api26)
    for phone in ("03-1234-567", "03-1234-5678"):
        r = api26.call("POST", "/api/v1/registrations/staff", {"token": token, **STAFF, "staff_phone": phone})
        assert 400 <= r.status_code < 500 and [e["field"] for e in r.get_json()["errors"]] == ["staff_phone"]
    assert api26.call("POST", "/api/v1/registrations/staff/link", {"token": token}, expect=200)   # still usable
    assert api26.call("POST", "/api/v1/registrations/staff", {"token": token, **STAFF}, expect=201)


def test_email_confirmation_must_match(api26: Api):
    r = api26.call("POST", "/api/v1/registrations/email", {"email": "a@example.jp", "email_confirm": "b@example.jp"},
                   expect=422)
    assert codes(r) == ["WZBAM159E"] and not api26.mails(to="a@example.jp")


def test_lock_after_five_failures_lifted_by_the_reset_at_once(api26: Api):
    auth_id = register(api26)["auth_id"]
    for _ in range(4):
        api26.call("POST", "/api/v1/session", {"auth_id": auth_id, "password": "Wrong1!wrong"}, expect=401)
    api26.call("POST", "/api/v1/session", {"auth_id": auth_id, "password": "Wrong1!wrong"}, expect=423)
    r = api26.call("POST", "/api/v1/session", {"auth_id": auth_id, "password": GOOD}, expect=423)
    assert codes(r) == ["WZBAM153E"]                          # locked: even the right password
    api26.call("POST", "/api/v1/password-reset", {"auth_id": auth_id, "email": "staff26@example.jp"}, expect=200)
    token = api26.link_token("staff26@example.jp", "password_reset_link")
    new = "Cd98765?zW"
    api26.call("POST", "/api/v1/password-reset/complete", {"token": token, "password": new, "password_confirm": new},
               expect=200)
    assert api26.login(auth_id, new)


def test_forgotten_id_mailed_only_when_email_and_english_name_match(api26: Api):
    auth_id = register(api26)["auth_id"]
    for body in ({"email": "staff26@example.jp", "name_en": "HOUMU JIROU"},
                 {"email": "other@example.jp", "name_en": "HOUMU TAROU"}):
        r = api26.call("POST", "/api/v1/auth-id-reminders", body, expect=202)
        assert r.get_json() == {"sent_to": body["email"]}                  # the same neutral answer
    assert not api26.mails(kind="auth_id_notice")
    api26.call("POST", "/api/v1/auth-id-reminders", {"email": "staff26@example.jp", "name_en": "HOUMU TAROU"},
               expect=202)
    assert auth_id in api26.mails(to="staff26@example.jp", kind="auth_id_notice")[-1]["body"]
    bad = api26.call("POST", "/api/v1/auth-id-reminders", {"email": "staff26@example.jp", "name_en": "houmu tarou"},
                     expect=422)
    assert [e["field"] for e in bad.get_json()["errors"]] == ["name_en"]


def test_a_2024_staff_account_logs_in_unchanged_under_2026(app: Any, api: Api):
    auth_id, _ = api.staff(email="old@example.jp")            # registered under 2024 (利用申出 on paper)
    use_edition(app, "2026")
    assert api.login(auth_id)                                  # same ID, same password (003 §1.5)
    r = api.call("POST", "/api/v1/auth-id-reminders", {"email": "old@example.jp", "name_en": "SHOZOKU TAROU"},
                 expect=202)
    assert r.get_json()["sent_to"] == "old@example.jp" and not api.mails(kind="auth_id_notice")   # no 氏名(英字)


def test_edition_2024_has_neither_flow(api: Api):
    r = api.call("POST", "/api/v1/registrations/email", {"email": "a@example.jp", "email_confirm": "a@example.jp"},
                 expect=404)
    assert codes(r) == ["RASIM494E"]
    r = api.call("POST", "/api/v1/auth-id-reminders", {"email": "a@example.jp", "name_en": "A B"}, expect=404)
    assert codes(r) == ["RASIM494E"]


# -- screens --------------------------------------------------------------------------------------------------

def _text(r: Any) -> str:
    return r.get_data(as_text=True)


def test_screens_login_wording_and_links(api26: Api, client: Any):
    page = _text(client.get("/login"))
    for words in ("利用者ログイン", "利用者情報登録で払い出されたID、登録したパスワードをご入力ください。",
                  "利用者IDを忘れた場合はこちら", "パスワードを忘れた場合はこちら", "ログイン &gt;", "新規登録"):
        assert words in page, words


def test_screens_registration_from_explain_to_done(api26: Api, client: Any):
    from tests.integration.test_screens import submit

    explain = _text(client.get("/registration/staff/explain"))
    assert "利用者登録説明" in explain and "同意する &gt;" in explain and "利用規約" in explain
    r = submit(client, "/registration/staff/email", {"email": "s@example.jp", "email_confirm": "s@example.jp"})
    assert r.status_code == 200 and "メール送信完了" in _text(r)
    token = api26.link_token("s@example.jp", "registration_email_link")
    url = f"/registration/staff?token={token}"
    form = _text(client.get(url))
    assert "所属機関等の職員" in form and "パスワードは10～20文字、4種類以上の文字で入力してください。" in form
    assert "ハイフンなしで入力してください。" in form
    r = submit(client, url, {**STAFF, "action": "confirm"})
    confirm = _text(r)
    assert "以下の内容で登録してよろしいですか？" in confirm and "HOUMU TAROU" in confirm and "所属機関等の職員" in confirm
    assert not api26.mails(kind="registration_complete")               # nothing registered yet
    r = submit(client, url, {**STAFF, "action": "register"})
    done = _text(r)
    assert "利用者登録完了" in done
    auth_id = api26.mails(to="s@example.jp", kind="registration_complete")[-1]["body"].split("利用者ID: ")[1].split()[0]
    assert auth_id in done


def test_screens_expired_link_leads_back_to_the_email_entry(api26: Api, client: Any):
    token = start(api26)
    api26.advance(hours=24)
    r = client.get(f"/registration/staff?token={token}")
    assert r.status_code == 410
    page = _text(r)
    assert "24時間を過ぎたため" in page and 'href="/registration/staff/email"' in page


def test_screens_forgotten_id_and_logout_confirmation(api26: Api, client: Any):
    from tests.integration.test_screens import submit

    auth_id = register(api26)["auth_id"]
    page = _text(client.get("/auth-id-reminder"))
    assert "登録しているメールアドレス、氏名(英字)を入力してください。" in page and "完了する &gt;" in page
    r = submit(client, "/auth-id-reminder", {"email": "staff26@example.jp", "name_en": "HOUMU TAROU"})
    assert r.status_code == 200 and auth_id in api26.mails(kind="auth_id_notice")[-1]["body"]
    r = submit(client, "/login", {"auth_id": auth_id, "password": GOOD})
    assert r.status_code == 302
    page = _text(client.get("/logout/confirm"))
    assert "利用者ログアウト確認" in page and "ログアウトしますか？" in page and "キャンセル" in page and "ログアウトする" in page


def test_screens_2024_keeps_its_login_and_has_no_staff_registration(client: Any, api: Api):
    assert "利用者ログイン" not in _text(client.get("/login"))
    assert client.get("/registration/staff/explain").status_code == 404


def test_openapi_lists_the_flows_only_in_the_edition_that_has_them(app: Any, api: Api):
    ids = {o.get("operationId") for p in api.call("GET", "/api/openapi.json", expect=200).get_json()["paths"].values()
           for o in p.values() if isinstance(o, dict)}
    assert not ids & {"remindAuthId", "startStaffRegistration", "registerStaff"}
    use_edition(app, "2026")
    ids = {o.get("operationId") for p in api.call("GET", "/api/openapi.json", expect=200).get_json()["paths"].values()
           for o in p.values() if isinstance(o, dict)}
    assert {"remindAuthId", "startStaffRegistration", "openStaffRegistration", "checkStaffRegistration",
            "registerStaff"} <= ids
