"""After submission, edition 2024, over the API: the bureau's actions move an application through the state
machine of the catalogue (FAQ Q4-35) and send the mails of Q12-1 (#5 審査完了, #6 発行, #7 the COE, #8 受領方法
変更); postal receipt goes 発行待ち → 完了 with the documents and the fee (Q6-1, Q6-5, Q6-6), counter receipt is
完了 at once (Q7-2), the COE by e-mail is a PDF without a photo (Q8-2) whose receipt is registered once (004
§2.14, WZBAM271E); supplements (追完待ち → 登録済（再登録）); what the state does not allow is refused with
RASIM470E and stores nothing; every move is in the history with who and when; scripted outcomes and the
auto-bureau drive the same actions on the test clock."""
from __future__ import annotations


import pytest

from tests.support.after_flow import act, codes, coe_submitted, later, lawyer_flow, submitted_wqc
from tests.support.api import Api
from tests.support.application_flow import (
    Flow,
    newborn,
    pdf,
    person,
)



@pytest.fixture
def f(api: Api) -> Flow:
    return lawyer_flow(api)


def test_postal_receipt_goes_awaiting_issuance_then_completed_with_its_mails(f: Flow, api: Api) -> None:
    app_id = submitted_wqc(f, api)
    assert act(api, app_id, "start_examination").get_json()["state_label"] == "審査中"
    done = act(api, app_id, "approve").get_json()
    assert (done["state"], done["state_label"]) == ("awaiting_issuance", "発行待ち")
    mail = api.mails(to="lawyer@example.jp", kind="examination_completed_post")[-1]
    assert mail["from"].endswith("@ras-immi.moj.go.jp")
    body = mail["body"]
    assert f.row(app_id)["receipt_number"] in body
    assert "手数料: 1,200円" in body and "就労資格証明書送付用封筒" in body and "14日以内" in body
    assert "おだいば分室" in body and "マイナンバーカード及び旅券は送付しないでください" in body
    issued = act(api, app_id, "issue").get_json()
    assert issued["state_label"] == "完了"
    assert api.mails(to="lawyer@example.jp", kind="card_issued")
    history = f.call("GET", f"/api/v1/applications/{app_id}/history", expect=200).get_json()["transitions"]
    assert [(t["from_state"], t["to_state"]) for t in history] == [
        ("input_complete", "submitted"), ("submitted", "under_examination"),
        ("under_examination", "awaiting_issuance"), ("awaiting_issuance", "completed")]
    assert {t["actor"] for t in history[1:]} == {"bureau"} and history[0]["actor"] != "bureau"


def test_counter_receipt_is_completed_at_once_and_issue_is_refused(f: Flow, api: Api) -> None:
    app_id = submitted_wqc(f, api)
    act(api, app_id, "start_examination")
    changed = f.call("PUT", f"/api/v1/applications/{app_id}/receipt-method",
                     {"card_receipt_method": "counter", "receiving_office": "tokyo"}, expect=200).get_json()
    assert changed["receipt_method"] == "counter"
    assert api.mails(to="lawyer@example.jp", kind="receipt_method_changed")   # Q12-1 #8, while 審査中
    assert act(api, app_id, "approve").get_json()["state_label"] == "完了"
    body = api.mails(to="lawyer@example.jp", kind="examination_completed_counter")[-1]["body"]
    assert "窓口(東京出入国在留管理局)" in body and "このメール(画面表示又は写し)" in body
    refused = act(api, app_id, "issue", expect=409)
    assert codes(refused) == ["RASIM470E"]
    assert "完了" in refused.get_json()["errors"][0]["message"]
    r = f.call("PUT", f"/api/v1/applications/{app_id}/receipt-method", {"card_receipt_method": "post"}, expect=422)
    assert codes(r) == ["WZBAM117E"]   # Q5-1: not after the examination


def test_the_bureau_refuses_what_the_state_does_not_allow_and_stores_nothing(f: Flow, api: Api) -> None:
    unsent = f.wqc()["id"]
    assert codes(act(api, unsent, "start_examination", expect=409)) == ["RASIM470E"]
    f.call("DELETE", f"/api/v1/applications/{unsent}", expect=200)
    app_id = submitted_wqc(f, api)
    for action in ("approve", "refuse", "issue"):
        assert codes(act(api, app_id, action, expect=409)) == ["RASIM470E"]
    assert codes(act(api, app_id, "request_photo", expect=409)) == ["RASIM470E"]   # 対象外: no photo to ask for
    assert codes(act(api, app_id, "dance", expect=422)) == ["RASIM400E"]
    assert f.row(app_id)["state"] == "submitted"
    assert len(f.call("GET", f"/api/v1/applications/{app_id}/history", expect=200).get_json()["transitions"]) == 1


def test_a_document_supplement_is_attached_once_and_shows_re_registered(f: Flow, api: Api) -> None:
    app_id = submitted_wqc(f, api)
    row = act(api, app_id, "request_documents").get_json()
    assert (row["state_label"], row["document_label"]) == ("申請完了", "追完待ち")
    body = api.mails(to="lawyer@example.jp", kind="supplement_requested")[-1]["body"]
    assert "資料を添付する" in body
    assert act(api, app_id, "request_documents", expect=409).status_code == 409   # already waiting
    attached = f.documents(app_id, pdf(), expect=200).get_json()
    assert attached["document_label"] == "登録済（再登録）"
    assert codes(f.documents(app_id, pdf(), expect=422)) == ["WZBAM117E"]   # once only


def test_refusal_is_recorded_and_mailed(f: Flow, api: Api) -> None:
    app_id = submitted_wqc(f, api)
    act(api, app_id, "start_examination")
    row = act(api, app_id, "refuse").get_json()
    assert row["state_label"] == "完了"   # 2024 has no state of its own for a refusal (FAQ Q4-35)
    assert "許可されませんでした" in api.mails(to="lawyer@example.jp", kind="decision_refused")[-1]["body"]


def test_the_electronic_coe_is_mailed_as_a_pdf_and_its_receipt_registered_once(f: Flow, api: Api) -> None:
    app_id = coe_submitted(f, api)
    act(api, app_id, "start_examination")
    assert act(api, app_id, "approve").get_json()["state_label"] == "完了"   # Q4-35: issued and sent
    mail = api.mails(to="lawyer@example.jp", kind="examination_completed_mail")[-1]
    coe = f.call("GET", "/api/v1/electronic-coes", expect=200).get_json()["coes"][0]
    assert coe["number"] in mail["body"] and coe["status_label"] == "未登録"
    assert coe["number"].startswith("東オン認(XP)") and coe["number"][-7:-6] == "-"
    pdf_bytes = api.call("GET", mail["attachment"]["path"], expect=200).data
    from simulator.adapters.coe_pdf import text_of

    lines = text_of(pdf_bytes)
    assert any(coe["number"] in line for line in lines) and any("HOUMU,JIROU" in line for line in lines)
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(pdf_bytes)) as doc:   # Q8-2: no photo
        assert not any(str(x.get("/Subtype")) == "/Image" for x in doc.pages[0].get_images().values())
    login = f"/coe-receipt/{coe['id']}"
    assert login in mail["body"]
    auth_id = f.auth_id   # type: ignore[attr-defined]
    wrong = api.call("POST", "/api/v1/coe-receipt-logins", {"auth_id": auth_id, "password": "Wrong12345!",
                                                            "coe_id": coe["id"]}, expect=401)
    assert codes(wrong) == ["WZBAM270E"]
    from tests.support.api import PASSWORD

    done = api.call("POST", "/api/v1/coe-receipt-logins", {"auth_id": auth_id, "password": PASSWORD,
                                                           "coe_id": coe["id"]}, expect=200).get_json()
    assert done["status_label"] == "受領登録済" and done["registered_at"]
    again = api.call("POST", "/api/v1/coe-receipt-logins", {"auth_id": auth_id, "password": PASSWORD,
                                                            "coe_id": coe["id"]}, expect=409)
    assert codes(again) == ["WZBAM271E"]
    r = f.call("PUT", f"/api/v1/applications/{app_id}/receipt-method", {"coe_receipt_method": "post"}, expect=422)
    assert codes(r) == ["WZBAM117E"]   # Q8-4/Q8-5: never for a COE


def test_postal_receipt_is_refused_where_no_card_is_issued(f: Flow, api: Api) -> None:
    """FAQ Q5-1 (1): a period of 3 months or less gives a passport stamp, no card: no post (RASIM471E), at S17
    and again at submission; the counter is taken."""
    child = newborn(api, "2024-03-25")
    app_id = f.acquisition(child, step2_2={"desired_period": "3m"})["id"]
    r = f.call("PUT", f"/api/v1/applications/{app_id}/receipt-method", {"card_receipt_method": "post"}, expect=422)
    assert codes(r) == ["RASIM471E"] and "旅券への証印" in r.get_json()["errors"][0]["message"]
    assert "RASIM471E" in codes(f.submit(app_id, expect=None))
    f.call("PUT", f"/api/v1/applications/{app_id}/receipt-method",
           {"card_receipt_method": "counter", "receiving_office": "tokyo"}, expect=200)


def test_a_script_for_the_next_application_drives_it_on_the_clock(f: Flow, api: Api) -> None:
    auth_id = f.auth_id   # type: ignore[attr-defined]
    api.call("POST", "/test-support/bureau/scripts", {"auth_id": auth_id, "steps": [
        {"after_days": 1, "action": "start_examination"}, {"after_days": 2, "action": "request_documents"},
        {"after_days": 5, "action": "approve"}]}, expect=201)
    app_id = f.wqc()["id"]
    f.submit(app_id)
    later(f, days=2, hours=12)
    row = f.row(app_id)
    assert (row["state_label"], row["document_label"]) == ("審査中", "追完待ち")
    later(f, days=3)
    assert f.row(app_id)["state_label"] == "発行待ち"
    actors = {t["actor"] for t in f.call("GET", f"/api/v1/applications/{app_id}/history",
                                         expect=200).get_json()["transitions"][1:]}
    assert actors == {"bureau-script"}


def test_a_script_can_fail_the_numbering_and_the_auto_bureau_decides_the_rest(f: Flow, api: Api) -> None:
    first = f.wqc()["id"]
    api.call("POST", "/test-support/bureau/scripts", {"application_id": first,
                                                       "steps": [{"action": "fail_numbering"}]}, expect=201)
    f.submit(first)
    later(f, days=1)
    assert f.row(first)["state_label"] == "エラー(申請受付番号取得エラー)"
    assert api.mails(to="lawyer@example.jp", kind="receipt_number_error")
    api.call("PUT", "/test-support/bureau/auto", {"days": 3, "outcome": "approve"}, expect=200)
    person(api, residence_card_number="AB12345679CD", name="HOUMU MIDDLE JIROU")
    second = f.wqc({"residence_card_number": "AB12345679CD", "name": "HOUMU MIDDLE JIROU"})["id"]
    f.submit(second)
    later(f, days=3, hours=12)
    assert f.row(second)["state_label"] == "発行待ち"
    later(f, days=1)
    assert f.row(second)["state_label"] == "完了"
    assert api.call("PUT", "/test-support/bureau/auto", {"days": -1}, expect=422).status_code == 422


def test_a_counter_coe_registrant_only_receives_the_coe_by_e_mail(api: Api) -> None:
    """FAQ Q1-1 注1, Q8-1: registered by the bureau, the password from the mail's link; no online application
    (STEP1 refused); the counter application's COE arrives by mail with its PDF and is registered on S27."""
    from urllib.parse import parse_qs, urlsplit

    from tests.support.api import PASSWORD

    made = api.call("POST", "/test-support/bureau/coe-registrants", {"name": "KEN,SATO", "email": "ken@example.jp"},
                    expect=201).get_json()
    assert made["category"] == "coe_e_delivery"
    link = api.mails(to="ken@example.jp", kind="coe_registrant_registered")[-1]
    assert made["auth_id"] in link["body"] and "オンラインで申請することはできません" in link["body"]
    token = parse_qs(urlsplit(link["url"]).query)["token"][0]
    api.call("POST", "/api/v1/registrations/password", {"token": token, "password": PASSWORD,
                                                      "password_confirm": PASSWORD}, expect=200)
    ken = Flow(api, api.login(made["auth_id"]))
    refused = ken.start("coe", "professor", expect=None)
    assert refused.status_code == 422 and codes(refused) == ["WZBAM117E"]   # 入力された情報では利用できません, refused.get_json()
    body = {"auth_id": made["auth_id"], "applicant_name": "SATO,KEN", "status_of_residence": "professor",
            "bureau": "osaka", "nationality": "USA"}
    assert api.call("POST", "/test-support/bureau/counter-coes", body | {"auth_id": "nobody"},
                    expect=404).status_code == 404
    coe = api.call("POST", "/test-support/bureau/counter-coes", body, expect=201).get_json()
    assert coe["number"].startswith("阪オン認(XP)") and coe["application_id"] is None
    mail = api.mails(to="ken@example.jp", kind="examination_completed_mail")[-1]
    assert coe["number"] in mail["body"] and mail["attachment"]["name"].endswith(".pdf")
    done = api.call("POST", "/api/v1/coe-receipt-logins", {"auth_id": made["auth_id"], "password": PASSWORD,
                                                           "coe_id": coe["id"]}, expect=200).get_json()
    assert done["status_label"] == "受領登録済"
