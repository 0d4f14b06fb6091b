"""The account rules of edition 2024 through the JSON API (FAQ Q2, Q3, Q9, Q10, Q12, Q13)."""
from __future__ import annotations

import re

import pytest

from tests.support.api import LAWYER, PASSWORD, PRINTED, Api, registration_body, use_edition

NEW_PASSWORD = "CD67890?"


def count_accounts(app) -> int:  # noqa: ANN001
    from sqlalchemy import func, select

    from simulator.adapters.db import Account

    with app.extensions["rasim.sessions"]() as db:
        return db.scalar(select(func.count()).select_from(Account))


# --- lawyers and scriveners: registration (Q2-13 – Q2-17) ------------------------------------------

def test_the_printed_certificate_form_is_the_users_to_convert(api: Api):
    """Q2-14: the system takes the twelve digits; 「(東) 弁10第50号」 as printed is refused."""
    api.put_certificate()
    r = api.call("POST", "/api/v1/registrations/agent", registration_body(PRINTED), expect=422)
    assert [(e["code"], e["field"]) for e in r.get_json()["errors"]] == [("WZBAM246E", "agent_certificate_number")]
    r = api.call("POST", "/api/v1/registrations/agent", registration_body(LAWYER["number"]), expect=201)
    assert r.get_json()["category"] == "lawyer" and r.get_json()["status"] == "pending_password"
    [received] = api.mails(to="lawyer@example.jp")
    assert received["kind"] == "registration_received" and "/registration/password?token=" in received["url"]
    assert received["from"].endswith("@ras-immi.moj.go.jp")
    token = api.link_token("lawyer@example.jp", "registration_received")
    assert api.call("POST", "/api/v1/links/inspect", {"token": token}, expect=200).get_json()["purpose"] == \
        "registration"
    done = api.call("POST", "/api/v1/registrations/password",
                    {"token": token, "password": PASSWORD, "password_confirm": PASSWORD}, expect=200).get_json()
    auth_id = done["auth_id"]
    assert re.fullmatch(r"[a-z]{5}\d{5}", auth_id)
    assert done["valid_until"] == "2024-07-01T00:00:00"   # the account lives as long as the certificate
    [complete] = api.mails(kind="registration_complete")
    assert auth_id in complete["body"] and complete["to"] == "lawyer@example.jp"
    assert api.account(auth_id)["agent_certificate_number"] == LAWYER["number"]
    assert api.login(auth_id)


def test_twelve_digit_number_and_scrivener(api: Api):
    api.put_certificate(number="172015200123", kind="scrivener", name="行政花子", birth_date="1985-05-06")
    auth_id = api.register_agent(email="s@example.jp", agent_certificate_number="1720 1520 0123",
                                 name="行政花子", birth_date="1985-05-06")
    assert api.account(auth_id)["category"] == "scrivener"


@pytest.mark.parametrize("registry, typed, code", [
    ({}, "132010700051", "WZBAM246E"),                               # not in the registry
    ({}, "(東) 弁10第51号", "WZBAM246E"),
    ({"status": "cancelled"}, LAWYER["number"], "WZBAM247E"),
    ({"valid_until": "2024-03-31"}, LAWYER["number"], "WZBAM248E"),          # expired yesterday
    ({"status": "suspended"}, LAWYER["number"], "WZBAM249E"),
])
def test_registry_refusals(api: Api, app, registry, typed, code):  # noqa: ANN001
    api.put_certificate(**registry)
    before = count_accounts(app)
    assert api.refused("POST", "/api/v1/registrations/agent", registration_body(typed)) == [code]
    assert count_accounts(app) == before and api.mails() == []


def test_one_account_per_person_261e(api: Api, app):  # noqa: ANN001
    api.put_certificate()
    api.register_agent()
    before = count_accounts(app)
    assert api.refused("POST", "/api/v1/registrations/agent",
                       registration_body(LAWYER["number"], email="other@example.jp")) == ["WZBAM261E"]
    assert count_accounts(app) == before and api.mails(to="other@example.jp") == []


def test_birth_date_must_match_262e(api: Api, app):  # noqa: ANN001
    api.put_certificate()
    r = api.call("POST", "/api/v1/registrations/agent", registration_body(birth_date="1980-01-03"), expect=422)
    assert [(e["code"], e["field"]) for e in r.get_json()["errors"]] == [("WZBAM262E", "birth_date")]
    assert count_accounts(app) == 0


def test_the_certificate_validity_day_itself_is_still_valid(api: Api):
    api.put_certificate(valid_until="2024-04-01")
    api.call("POST", "/api/v1/registrations/agent", registration_body(), expect=201)


@pytest.mark.parametrize("over, code, field, status", [
    # 422: well-formed under the OpenAPI schema, refused by the system's rules; 400: the schema refuses it too
    ({"email_confirm": "other@example.jp"}, "WZBAM159E", "email_confirm", 422),
    ({"email": "not-a-mail", "email_confirm": "not-a-mail"}, "WZBAM021E", "email", 422),
    ({"agree_terms": False}, "WZBAM256E", "agree_terms", 422),
    ({"name": ""}, "WZBAM001E", "name", 400),
    ({"name": ...}, "WZBAM001E", "name", 400),
    ({"name": "法" * 105}, "WZBAM003E", "name", 400),
    ({"agent_certificate_number": "12345"}, "WZBAM004E", "agent_certificate_number", 422),
    ({"agent_certificate_number": ""}, "WZBAM001E", "agent_certificate_number", 400),
])
def test_form_refusals(api: Api, app, over, code, field, status):  # noqa: ANN001
    api.put_certificate()
    r = api.call("POST", "/api/v1/registrations/agent", registration_body(**over), expect=status)
    assert (code, field) in [(e["code"], e["field"]) for e in r.get_json()["errors"]]
    assert all(e["message"] and e["message_en"] for e in r.get_json()["errors"])
    assert count_accounts(app) == 0


def test_initial_password_rules(api: Api):
    api.put_certificate()
    api.call("POST", "/api/v1/registrations/agent", registration_body(), expect=201)
    token = api.link_token("lawyer@example.jp", "registration_received")
    url = "/api/v1/registrations/password"
    assert api.refused("POST", url, {"token": token, "password": PASSWORD, "password_confirm": "AB12345?"}) == \
        ["WZBAM160E"]
    assert api.refused("POST", url, {"token": token, "password": "abcdefgh", "password_confirm": "abcdefgh"}) == \
        ["WZBAM005E"]
    assert api.refused("POST", url, {"token": token, "password": "", "password_confirm": ""}) == \
        ["WZBAM001E", "WZBAM001E"]
    # the refusals kept the link usable
    api.call("POST", url, {"token": token, "password": PASSWORD, "password_confirm": PASSWORD}, expect=200)
    assert api.refused("POST", url, {"token": token, "password": PASSWORD, "password_confirm": PASSWORD},
                       status=410) == ["RASIM410E"]


def test_registration_link_expires(api: Api):
    api.put_certificate(valid_until="2030-03-31")
    api.call("POST", "/api/v1/registrations/agent", registration_body(), expect=201)
    token = api.link_token("lawyer@example.jp", "registration_received")
    api.advance(days=30)
    assert api.refused("POST", "/api/v1/registrations/password",
                       {"token": token, "password": PASSWORD, "password_confirm": PASSWORD}, status=410)


def test_a_lapsed_registration_frees_the_certificate_number(api: Api):
    """A registration whose link expired unused does not block the person for ever (261E)."""
    api.put_certificate(valid_until="2030-03-31")
    api.call("POST", "/api/v1/registrations/agent", registration_body(), expect=201)
    assert api.refused("POST", "/api/v1/registrations/agent", registration_body()) == ["WZBAM261E"]
    api.advance(days=30)
    api.call("POST", "/api/v1/registrations/agent", registration_body(), expect=201)
    token = api.link_token("lawyer@example.jp", "registration_received")
    api.call("POST", "/api/v1/registrations/password",
             {"token": token, "password": PASSWORD, "password_confirm": PASSWORD}, expect=200)


# --- login, lock, reset (Q12-4, Q12-7) ----------------------------------------------------------------

@pytest.fixture
def lawyer(api: Api) -> str:
    api.put_certificate(valid_until="2030-03-31")
    return api.register_agent()


def lock(api: Api, auth_id: str) -> None:
    codes = [api.refused("POST", "/api/v1/session", {"auth_id": auth_id, "password": "Wrong123!"})[0]
             for _ in range(5)]
    assert codes == ["WZBAM270E"] * 4 + ["WZBAM153E"]


def test_five_wrong_passwords_lock_for_24_hours(api: Api, lawyer: str):
    lock(api, lawyer)
    assert api.refused("POST", "/api/v1/session", {"auth_id": lawyer, "password": PASSWORD}, status=423) == \
        ["WZBAM153E"]
    assert api.account(lawyer)["locked_until"] == "2024-04-02T09:00:00"
    assert api.advance(hours=23, minutes=59) == []
    assert api.refused("POST", "/api/v1/session", {"auth_id": lawyer, "password": PASSWORD}) == ["WZBAM153E"]
    fired = api.advance(minutes=1)
    assert [(f["kind"], f["due_at"]) for f in fired] == [("unlock", "2024-04-02T09:00:00")]
    assert api.login(lawyer)
    assert api.account(lawyer)["failed_logins"] == 0


def test_a_good_login_resets_the_failure_count(api: Api, lawyer: str):
    for _ in range(4):
        api.refused("POST", "/api/v1/session", {"auth_id": lawyer, "password": "Wrong123!"})
    api.login(lawyer)
    assert api.refused("POST", "/api/v1/session", {"auth_id": lawyer, "password": "Wrong123!"}) == ["WZBAM270E"]


def test_reset_sets_the_password_but_in_2024_leaves_the_lock(api: Api, lawyer: str):
    """2024 (FAQ Q12-7, WZBAM153E): only time or the bureau's re-notification lifts a lock."""
    lock(api, lawyer)
    assert api.refused("POST", "/api/v1/password-reset", {"auth_id": lawyer, "email": "wrong@example.jp"}) == \
        ["WZBAM168E"]
    api.call("POST", "/api/v1/password-reset", {"auth_id": lawyer, "email": "LAWYER@example.jp"}, expect=200)
    token = api.link_token("lawyer@example.jp", "password_reset_link")
    api.call("POST", "/api/v1/password-reset/complete",
             {"token": token, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}, expect=200)
    assert api.mails(kind="password_set")[-1]["subject"].endswith("パスワード再設定完了のお知らせ")
    assert api.refused("POST", "/api/v1/session", {"auth_id": lawyer, "password": NEW_PASSWORD}) == ["WZBAM153E"]
    api.call("POST", f"/test-support/accounts/{lawyer}/state", {"action": "unlock"}, expect=200)
    assert api.login(lawyer, NEW_PASSWORD)


def test_password_change(api: Api, lawyer: str):
    token = api.login(lawyer)
    url = "/api/v1/password/change"
    assert api.refused("POST", url, {"current_password": "Wrong123!", "new_password": NEW_PASSWORD,
                                     "new_password_confirm": NEW_PASSWORD}, token) == ["WZBAM154E"]
    assert api.refused("POST", url, {"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                     "new_password_confirm": "CD67890!"}, token) == ["WZBAM162E"]
    assert api.refused("POST", url, {"current_password": PASSWORD, "new_password": "short",
                                     "new_password_confirm": "short"}, token) == ["WZBAM005E"]
    r = api.call("POST", url, {"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                               "new_password_confirm": NEW_PASSWORD}, token, expect=200)
    assert r.get_json()["changed"] is True
    mail = api.mails(kind="password_set")[-1]
    assert mail["to"] == "lawyer@example.jp" and "変更" in mail["subject"]
    assert api.refused("POST", "/api/v1/session", {"auth_id": lawyer, "password": PASSWORD}) == ["WZBAM270E"]
    assert api.login(lawyer, NEW_PASSWORD)


def test_expired_password(api: Api, lawyer: str):
    api.advance(days=180)
    r = api.call("POST", "/api/v1/session", {"auth_id": lawyer, "password": PASSWORD}, expect=403)
    assert api.codes(r) == ["WZBAM158E"] and r.get_json()["password_change_required"] is True
    assert api.refused("POST", "/api/v1/password/expired",
                       {"auth_id": lawyer, "current_password": "Wrong123!", "new_password": NEW_PASSWORD,
                        "new_password_confirm": NEW_PASSWORD}) == ["WZBAM270E"]
    api.call("POST", "/api/v1/password/expired",
             {"auth_id": lawyer, "current_password": PASSWORD, "new_password": NEW_PASSWORD,
              "new_password_confirm": NEW_PASSWORD}, expect=200)
    assert api.login(lawyer, NEW_PASSWORD)


def test_password_expiry_notice_mail(api: Api, lawyer: str):
    api.advance(days=170)
    [notice] = api.mails(kind="password_expiry")
    assert notice["sent_at"] == "2024-09-14T09:00:00"   # 14 days before 2024-09-28 09:00


def test_a_second_login_ends_the_first_session(api: Api, lawyer: str):
    first = api.login(lawyer)
    second = api.login(lawyer)
    assert api.refused("GET", "/api/v1/me", token=first, status=401) == ["WZBAM099E"]
    api.call("GET", "/api/v1/me", token=second, expect=200)
    assert api.audit("login", target=api.audit("login")[0]["target"])[0]["detail"]["ended_other_sessions"] == 1


def test_thirty_minutes_idle_end_the_session(api: Api, lawyer: str):
    token = api.login(lawyer)
    api.advance(minutes=29, seconds=59)
    api.call("GET", "/api/v1/me", token=token, expect=200)   # activity: the 30 minutes start again
    api.advance(minutes=30)
    api.call("GET", "/api/v1/session", token=token, expect=200)
    api.advance(minutes=30, seconds=1)
    assert api.refused("GET", "/api/v1/me", token=token, status=401) == ["RASIM408E"]
    assert api.refused("GET", "/api/v1/me", token=token, status=401) == ["RASIM408E"]


def test_logout(api: Api, lawyer: str):
    token = api.login(lawyer)
    api.call("DELETE", "/api/v1/session", token=token, expect=200)
    assert api.refused("GET", "/api/v1/me", token=token, status=401) == ["RASIM401E"]


# --- user information (Q10-1, Q10-2, Q12-2, Q12-3) --------------------------------------------------

def test_profile_view(api: Api, lawyer: str):
    me = api.call("GET", "/api/v1/me", token=api.login(lawyer), expect=200).get_json()
    assert (me["auth_id"], me["name"], me["email"]) == (lawyer, "法務太郎", "lawyer@example.jp")
    assert me["category_label"] == "弁護士" and me["can_change_address"] is True


def test_email_change_takes_effect_at_once_in_2024(api: Api, lawyer: str):
    """004 §2.15.1, §2.15.4: the new address replaces the old one at once; the notice goes to it."""
    token = api.login(lawyer)
    r = api.call("PATCH", "/api/v1/me", {"new_email": "new@example.jp", "new_email_confirm": "new@example.jp"},
                 token, expect=200)
    assert r.get_json()["email"] == "new@example.jp" and "email_confirmation_sent_to" not in r.get_json()
    assert api.call("GET", "/api/v1/me", token=token).get_json()["email"] == "new@example.jp"
    [done] = api.mails(kind="email_changed")
    assert done["to"] == "new@example.jp" and api.mails(kind="email_change_confirm") == []


def test_email_change_with_confirmation_in_2026(api: Api, lawyer: str, app):  # noqa: ANN001
    use_edition(app, "2026")
    token = api.login(lawyer)
    assert api.refused("PATCH", "/api/v1/me", {"new_email": "new@example.jp",
                                               "new_email_confirm": "neu@example.jp"}, token) == ["WZBAM159E"]
    r = api.call("PATCH", "/api/v1/me", {"new_email": "new@example.jp", "new_email_confirm": "new@example.jp"},
                 token, expect=200)
    assert r.get_json()["email_confirmation_sent_to"] == "new@example.jp"
    assert api.call("GET", "/api/v1/me", token=token).get_json()["email"] == "lawyer@example.jp"
    link = api.link_token("new@example.jp", "email_change_confirm")
    api.call("POST", "/api/v1/me/email/confirm", {"token": link}, expect=200)
    assert api.call("GET", "/api/v1/me", token=token).get_json()["email"] == "new@example.jp"
    [done] = api.mails(kind="email_changed")
    assert done["to"] == "new@example.jp"
    assert api.refused("POST", "/api/v1/me/email/confirm", {"token": link}, status=410) == ["RASIM410E"]


def test_lawyer_changes_address(api: Api, lawyer: str):
    token = api.login(lawyer)
    api.call("PATCH", "/api/v1/me", {"new_address_pref_city": "大阪府大阪市", "new_address_street": "大手前１－１"},
             token, expect=200)
    me = api.call("GET", "/api/v1/me", token=token).get_json()
    assert (me["address_pref_city"], me["address_street"]) == ("大阪府大阪市", "大手前１－１")
    assert api.refused("PATCH", "/api/v1/me", {}, token) == ["WZBAM245E"]


def test_the_id_never_changes(api: Api, lawyer: str):
    token = api.login(lawyer)
    assert api.refused("PATCH", "/api/v1/me", {"auth_id": "newid12345"}, token) == ["WZBAM173E"]
    assert api.call("GET", "/api/v1/me", token=token).get_json()["auth_id"] == lawyer
    api.call("GET", "/test-support/accounts/newid12345", expect=404)


# --- the certificate's life (Q2-17, Q12-1) ----------------------------------------------------------

def test_certificate_renewal_moves_validity_and_the_notices(api: Api):
    api.put_certificate(valid_until="2024-06-30")
    auth_id = api.register_agent()
    api.put_certificate(valid_until="2025-06-30")                      # renewal
    assert api.account(auth_id)["valid_until"] == "2025-07-01T00:00:00"
    api.set_clock("2025-05-31T08:59:00")
    assert api.mails(kind="agent_certificate_expiry") == []            # the old date's notices stayed quiet
    api.advance(minutes=1)
    api.set_clock("2025-07-01T00:00:00")
    mails = api.mails(kind="agent_certificate_expiry")
    assert [m["sent_at"] for m in mails] == ["2025-05-31T09:00:00", "2025-06-23T09:00:00"]
    assert all("2025/06/30" in m["body"] and m["to"] == "lawyer@example.jp" for m in mails)
    assert api.refused("POST", "/api/v1/session", {"auth_id": auth_id, "password": PASSWORD}, status=403) == \
        ["WZBAM258E"]


def test_notices_of_an_unrenewed_certificate(api: Api):
    api.put_certificate(valid_until="2024-06-30")
    auth_id = api.register_agent()
    api.advance(days=90)   # to 2024-06-30 09:00: the last valid day
    assert [m["sent_at"] for m in api.mails(kind="agent_certificate_expiry")] == \
        ["2024-05-31T09:00:00", "2024-06-23T09:00:00"]
    assert api.login(auth_id)
    api.advance(hours=15)
    assert api.refused("POST", "/api/v1/session", {"auth_id": auth_id, "password": PASSWORD}) == ["WZBAM258E"]


@pytest.mark.parametrize("status, code", [("cancelled", "WZBAM257E"), ("suspended", "WZBAM259E")])
def test_certificate_cancelled_or_suspended_after_registration(api: Api, lawyer: str, status, code):
    api.put_certificate(status=status)
    assert api.refused("POST", "/api/v1/session", {"auth_id": lawyer, "password": PASSWORD}) == [code]


# --- organisation staff (Q3, Q9, Q10-3, Q10-4) ------------------------------------------------------

def test_usage_request_approval_and_one_year(api: Api):
    req = api.file_usage_request()
    assert req["status"] == "pending" and req["auth_id"] is None
    decided = api.approve_usage_request(req["id"])
    auth_id = decided["auth_id"]
    [mail] = api.mails(kind="usage_request_approved")
    assert auth_id in mail["body"] and mail["url"] and mail["url"] in mail["body"]
    assert api.account(auth_id)["status"] == "pending_password"
    api.advance(days=29)
    token = api.link_token("staff@example.jp", "usage_request_approved")
    r = api.call("POST", "/api/v1/registrations/password",
                 {"token": token, "password": PASSWORD, "password_confirm": PASSWORD}, expect=200).get_json()
    assert r["auth_id"] == auth_id                                     # the ID of the approval mail stays
    assert r["valid_until"] == "2025-04-30T09:00:00"                   # one year from setting the password
    assert api.login(auth_id)
    assert api.refused("POST", f"/test-support/usage-requests/{req['id']}/decision", {"approve": True},
                       status=409) == ["WZBAM173E"]


def test_usage_request_refused(api: Api):
    req = api.file_usage_request()
    assert api.approve_usage_request(req["id"], approve=False)["status"] == "refused"
    assert [m["kind"] for m in api.mails()] == ["usage_request_refused"]


def test_password_not_set_within_30_days(api: Api):
    req = api.file_usage_request()
    auth_id = api.approve_usage_request(req["id"])["auth_id"]
    token = api.link_token("staff@example.jp", "usage_request_approved")
    fired = api.advance(days=30)
    assert "link_expiry" in [f["kind"] for f in fired]
    assert api.account(auth_id)["status"] == "lapsed"
    assert api.refused("POST", "/api/v1/registrations/password",
                       {"token": token, "password": PASSWORD, "password_confirm": PASSWORD}, status=410)
    assert api.account(auth_id)["has_password"] is False


def test_staff_cannot_change_address_online(api: Api):
    auth_id, _ = api.staff()
    token = api.login(auth_id)
    assert api.call("GET", "/api/v1/me", token=token).get_json()["can_change_address"] is False
    assert api.refused("PATCH", "/api/v1/me", {"new_address_pref_city": "大阪府大阪市",
                                               "new_address_street": "大手前１－１"}, token) == ["WZBAM173E"]
    api.call("PATCH", "/api/v1/me", {"new_phone": "0398765432"}, token, expect=200)


@pytest.fixture
def organisation(api: Api) -> tuple[list[str], int]:
    first, org = api.staff(email="one@example.jp")
    second, _ = api.staff(email="two@example.jp", name="所属次郎", organisation_id=org)
    return [first, second], org


def test_periodic_report_notice_two_months_before_to_everyone(api: Api, organisation):  # noqa: ANN001
    api.set_clock("2025-01-31T23:59:00")
    assert api.mails(kind="periodic_report_notice") == []
    api.advance(days=1)
    mails = api.mails(kind="periodic_report_notice")
    assert sorted(m["to"] for m in mails) == ["one@example.jp", "two@example.jp"]
    assert {m["sent_at"] for m in mails} == {"2025-02-01T09:00:00"}


def test_periodic_report_approved_extends_by_one_year(api: Api, organisation):  # noqa: ANN001
    users, org = organisation
    api.set_clock("2025-02-15T10:00:00")
    report = api.call("POST", f"/test-support/organisations/{org}/periodic-reports", expect=201).get_json()
    assert report["late"] is False and report["due_by"] == "2025-03-01T09:00:00"
    api.call("POST", f"/test-support/periodic-reports/{report['id']}/decision", {"approve": True}, expect=200)
    assert [api.account(u)["valid_until"] for u in users] == ["2026-04-01T09:00:00"] * 2
    results = api.mails(kind="periodic_report_result")
    assert sorted(m["to"] for m in results) == ["one@example.jp", "two@example.jp"]
    assert all("承認" in m["body"] and "2026/04/01" in m["body"] for m in results)
    api.set_clock("2025-04-02T09:00:00")
    # past the first year the account is still valid: only the 180-day password has expired
    assert api.refused("POST", "/api/v1/session", {"auth_id": users[0], "password": PASSWORD}) == ["WZBAM158E"]


def test_periodic_report_refused_152e(api: Api, organisation):  # noqa: ANN001
    users, org = organisation
    report = api.call("POST", f"/test-support/organisations/{org}/periodic-reports", expect=201).get_json()
    api.call("POST", f"/test-support/periodic-reports/{report['id']}/decision", {"approve": False}, expect=200)
    assert all("不承認" in m["body"] for m in api.mails(kind="periodic_report_result"))
    for u in users:
        assert api.refused("POST", "/api/v1/session", {"auth_id": u, "password": PASSWORD}) == ["WZBAM152E"]


def test_lapsed_without_report_151e(api: Api, organisation):  # noqa: ANN001
    users, _ = organisation
    api.set_clock("2025-04-01T08:59:59")
    # the account is still valid (only the 180-day password has expired) ...
    assert api.refused("POST", "/api/v1/session", {"auth_id": users[0], "password": PASSWORD}) == ["WZBAM158E"]
    api.advance(seconds=1)
    assert api.refused("POST", "/api/v1/session", {"auth_id": users[0], "password": PASSWORD}) == ["WZBAM151E"]


def test_retirement_deletes_the_id_156e(api: Api):
    auth_id, _ = api.staff()
    token = api.login(auth_id)
    api.call("POST", f"/test-support/accounts/{auth_id}/state", {"action": "delete"}, expect=200)
    [mail] = api.mails(kind="account_status")
    assert "抹消" in mail["subject"] and auth_id in mail["body"]
    assert api.refused("GET", "/api/v1/me", token=token) == ["WZBAM156E"]
    assert api.refused("POST", "/api/v1/session", {"auth_id": auth_id, "password": PASSWORD}) == ["WZBAM156E"]
    assert api.refused("POST", f"/test-support/accounts/{auth_id}/state", {"action": "resume"}) == ["WZBAM173E"]


def test_suspend_and_resume(api: Api):
    auth_id, _ = api.staff()
    api.call("POST", f"/test-support/accounts/{auth_id}/state", {"action": "suspend"}, expect=200)
    assert api.refused("POST", "/api/v1/session", {"auth_id": auth_id, "password": PASSWORD}) == ["WZBAM155E"]
    api.call("POST", f"/test-support/accounts/{auth_id}/state", {"action": "resume"}, expect=200)
    assert api.login(auth_id)
    assert [("停止" in m["subject"], "再開" in m["subject"]) for m in api.mails(kind="account_status")] == \
        [(True, False), (False, True)]


# --- the audit trail (Q13-1) --------------------------------------------------------------------------

def test_audit_trail(api: Api, lawyer: str):
    lock(api, lawyer)
    api.advance(hours=24)
    token = api.login(lawyer)
    api.call("POST", "/api/v1/password/change", {"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                                 "new_password_confirm": NEW_PASSWORD}, token, expect=200)
    staff, _ = api.staff()
    actions = [e["action"] for e in api.audit(limit=2000)]
    for action in ("login", "login.failed", "account.locked", "account.unlocked", "password.changed",
                   "password.initial_set", "registration.filed", "usage_request.approved", "mail.sent"):
        assert action in actions, action
    failed = api.audit("login.failed")
    assert len(failed) == 5 and all(e["actor"] == lawyer for e in failed)
    assert api.audit("usage_request.approved")[0]["actor"] == "bureau"
    assert api.audit("login")[0]["remote_addr"]


def test_an_organisation_without_approved_users_needs_a_new_usage_request(api: Api):
    """Q3-8 / Q10-3: an additional usage request needs an organisation that still has an approved user."""
    auth_id, org = api.staff()
    api.file_usage_request(email="second@example.jp", organisation_id=org)      # additional: fine
    api.call("POST", f"/test-support/accounts/{auth_id}/state", {"action": "delete"}, expect=200)
    assert api.refused("POST", "/test-support/usage-requests",
                       {"name": "所属三郎", "email": "third@example.jp", "organisation_id": org},
                       status=409) == ["WZBAM173E"]
    api.file_usage_request(email="third@example.jp")                              # a new request: fine
