"""An edition is data: the same screens and account flows under RASIM_EDITION (2024 in the first pass
of `make test`, 2026 in its own pass) show that edition's ID label, password rule and session length,
and mail from its sender domain. The expected values are the seeds' own, written here (not read
from the catalogue), so a wrong edition file fails these tests."""
from __future__ import annotations

import os
from typing import Any

import pytest

from tests.integration.test_screens import open_form, submit, text
from tests.support.api import Api

EDITION = os.environ.get("RASIM_EDITION", "2024")
EXPECTED = {
    # 2024: FAQ Q2-6 / Q12-8 (domain), 004 §2.2 (認証ID), §2.15.7 (8–32, three kinds), §1.3 (30 minutes)
    "2024": {"id_label": "認証ID", "hint": "8文字以上32文字以内", "domain": "@ras-immi.moj.go.jp",
             "password": "AB12345!", "too_weak": "abcdefgh12", "session_minutes": 30},
    # 2026: manual 003 §1.3 / §3.2 / §9.3.1 (domain), §2 (利用者ID), §3.2 (10–20, four kinds), §1.3 (3 hours)
    "2026": {"id_label": "利用者ID", "hint": "パスワードは10～20文字、4種類以上の文字で入力してください。",
             "domain": "@rasens-immi.moj.go.jp", "password": "Ab12345!xY", "too_weak": "AB12345!",
             "session_minutes": 180},
}[EDITION]


@pytest.fixture
def lawyer(api: Api) -> str:
    api.put_certificate(valid_until="2030-03-31")
    return api.register_agent(password=EXPECTED["password"])


def test_the_app_runs_the_edition_of_the_pass(app):  # noqa: ANN001
    assert app.config["RASIM_EDITION"] == EDITION


def test_login_page_names_the_editions_id(client: Any):
    page = text(client.get("/login"))
    assert EXPECTED["id_label"] in page
    other = {"2024": "利用者ID", "2026": "認証ID"}[EDITION]
    assert other not in page


def test_password_hint_is_the_editions(client: Any, api: Api, lawyer: str):
    submit(client, "/login", {"auth_id": lawyer, "password": EXPECTED["password"]})
    assert EXPECTED["hint"] in text(client.get("/profile/password"))


def test_password_policy_is_the_editions(api: Api):
    api.put_certificate(valid_until="2030-03-31")
    api.call("POST", "/api/v1/registrations/agent", {
        "agent_certificate_number": "132010700050", "name": "法務太郎", "birth_date": "1980-01-02",
        "address_pref_city": "東京都千代田区", "address_street": "霞が関１－１－１", "phone": "0312345678",
        "email": "p@example.jp", "email_confirm": "p@example.jp", "agree_terms": True}, expect=201)
    token = api.link_token("p@example.jp", "registration_received")
    weak = EXPECTED["too_weak"]
    r = api.call("POST", "/api/v1/registrations/password", {"token": token, "password": weak, "password_confirm": weak})
    assert r.status_code == 422 and [e["code"] for e in r.get_json()["errors"]] == ["WZBAM005E"]
    good = EXPECTED["password"]
    api.call("POST", "/api/v1/registrations/password", {"token": token, "password": good, "password_confirm": good},
             expect=200)


def test_mails_come_from_the_editions_domain(api: Api, lawyer: str):
    mails = api.mails()
    assert mails and all(m["from"].endswith(EXPECTED["domain"]) for m in mails), [m["from"] for m in mails]


def test_the_session_lasts_the_editions_time(api: Api, lawyer: str):
    token = api.login(lawyer, EXPECTED["password"])
    api.advance(minutes=EXPECTED["session_minutes"] - 1)
    api.call("GET", "/api/v1/me", token=token, expect=200)
    api.advance(minutes=EXPECTED["session_minutes"] + 1)
    r = api.call("GET", "/api/v1/me", token=token)
    assert r.status_code == 401 and r.get_json()["errors"][0]["code"] == "RASIM408E"


def test_the_registration_form_names_the_editions_id_nowhere_wrongly(client: Any):
    html = text(client.get("/password-reset"))
    assert EXPECTED["id_label"] in html
    assert open_form(client, "/password-reset")
