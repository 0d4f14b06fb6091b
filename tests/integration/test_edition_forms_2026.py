"""The form declarations of edition 2026 (catalog/forms/2026/, seed 003 §4.2.1) on the screens and the API:
月額給与・月額報酬(税引き前の支払額) is 半角数字8文字以内 — 9 digits are refused with WZBAM003E naming the item,
under its 2026 label and with maxlength 8 on [申込] — while the 2024 system, with the official form's 10 digits,
takes the same value; the re-entry permit's 「1.6 旅券を取得することができない場合は、その理由」 is a 2026 item."""
from __future__ import annotations

from typing import Any

import pytest

from tests.integration.test_application_screens import (Browser, activity_n_form, extension_form, identity_form,
                                                      start)
from tests.integration.test_apply_2026_screens import heading_of
from tests.integration.test_screens import login
from tests.support.api import Api, use_edition
from tests.support.application_flow import Flow, details_extension, identity, person

NINE = "123456789"
ACTIVITY_N = {"employer_name": "霞が関商事株式会社", "employer_pref_city": "13101", "employer_street": "霞が関一丁目２番２号",
              "education_location": "abroad", "education_level": "bachelor", "education_school_name": "ハノイ工科大学",
              "graduation_date": "2012-06-30", "major_university": "engineering", "it_qualification": "no",
              "career": [{"career_employer": "霞が関商事株式会社", "career_joined": "2021-04"}],
              "org_name": "霞が関商事株式会社", "org_pref_city": "13101", "org_street": "霞が関一丁目２番２号",
              "contract_form": "employment", "work_term": "indefinite", "employment_start": "2021-04-01",
              "salary": "4000000", "salary_basis": "annual", "occupation_code": "2",
              "activity_detail": "社内システムの設計と開発", "employment_type": "full_time", "dispatch_name": "なし"}


@pytest.fixture
def auth_id(api: Api) -> str:
    api.put_certificate(valid_until="2030-03-31")
    return api.register_agent()


def to_activity(flow: Flow) -> None:
    flow.start("extension_of_stay")
    flow.step("step2_1", identity())
    flow.step("step2_2", details_extension())


@pytest.mark.parametrize(("edition", "refused"), [("2026", True), ("2024", False)])
def test_nine_digits_of_salary_over_the_api(app: Any, api: Api, auth_id: str, edition: str, refused: bool) -> None:
    person(api)
    use_edition(app, edition)
    flow = Flow(api, api.login(auth_id))
    to_activity(flow)
    r = flow.step("step2_3", {**ACTIVITY_N, "salary": NINE}, expect=422 if refused else 200)
    if refused:
        errors = r.get_json()["errors"]
        assert [(e["code"], e["field"]) for e in errors] == [("WZBAM003E", "salary")]
        assert errors[0]["message"] == "月額給与・月額報酬(税引き前の支払額)は8以内で入力してください。"
    flow.step("step2_3", {**ACTIVITY_N, "salary": "12345678"})     # 8 digits: both editions


def test_the_2026_screen_shows_the_item_and_names_it(app: Any, client: Any, api: Api, auth_id: str) -> None:
    person(api)
    use_edition(app, "2026")
    login(client, auth_id)
    b = Browser(client)
    start(b, "extension_of_stay")
    b.post("/applications/input/step2_1", {**identity_form(), "action": "next"})
    b.post("/applications/input/step2_2", {**extension_form(), "action": "next"})
    assert b.path == "/applications/input/step2_3"
    assert "月額給与・月額報酬(税引き前の支払額)" in heading_of(b.html, "salary")
    assert 'name="salary"' in b.html and 'maxlength="8"' in b.html.split('name="salary"', 1)[1].split(">", 1)[0]
    b.post("/applications/input/step2_3", {**activity_n_form(), "salary": NINE, "action": "next"}, status=400)
    assert "月額給与・月額報酬(税引き前の支払額)は8以内で入力してください。" in heading_of(b.html, "salary")


def test_the_re_entry_permit_item_1_6_is_2026_s(app: Any, api: Api) -> None:
    forms = {}
    for edition in ("2024", "2026"):
        use_edition(app, edition)
        body = api.call("GET", "/api/v1/application-forms/companion_re_entry_permit", expect=200).get_json()
        forms[edition] = {f["key"]: f for s in body["steps"] for sec in s["sections"] for f in sec["fields"]}
    assert "passport_unobtainable_reason" not in forms["2024"]
    reason = forms["2026"]["passport_unobtainable_reason"]
    assert reason["label_ja"] == "旅券を取得することができない場合は、その理由" and reason["max_length"] == 40


def test_the_600_character_item_has_its_counter_under_2026_only(app: Any, client: Any, api: Api, auth_id: str) -> None:
    """003 §4.2.1: 「9 証明を希望する活動の内容」 600文字以内 with 「入力文字数： 0 / 600」 (catalog/forms/2026/
    details_work_qualification_certificate.toml: a text area); the count drawn is that of what is shown."""
    from tests.integration.test_application_screens import wqc_form

    person(api)
    login(client, auth_id)
    b = Browser(client)
    start(b, "work_qualification_certificate")
    b.post("/applications/input/step2_1", {**identity_form(), "action": "next"})
    assert '<input id="certified_activity"' in b.html and "入力文字数" not in b.html     # 2024: a line, no counter
    b.post("/logout", {})
    use_edition(app, "2026")
    login(client, auth_id)
    start(b, "work_qualification_certificate")
    b.post("/applications/input/step2_1", {**identity_form(), "action": "next"})
    assert '<textarea id="certified_activity" name="certified_activity" rows="4" maxlength="600">' in b.html
    assert '入力文字数： <span data-count-of="certified_activity">0</span> / 600' in b.html
    b.post("/applications/input/step2_2", {**wqc_form(), "certified_activity": "あ" * 601, "action": "next"}, status=400)
    assert '入力文字数： <span data-count-of="certified_activity">601</span> / 600' in b.html
    assert "char-count-2026.js" in b.html
