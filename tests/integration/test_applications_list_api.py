"""The 申請情報一覧 and what a user does to a row, over the API, one test per rule: search (WZBAM130E–137E)
and its pages and order, delete (172E), the photo (146E–149E, RASIM451E, 180E, 241E), the documents
(183E–185E, once only, flagged error files, FAQ Q4-2), submission (171E, 179E, its mails, the next day's
receipt number, the fault switch of FAQ Q4-35), simultaneous applications (203E) and the receipt method
(139E/140E/285E, FAQ Q5-1). Each refusal answers its exact code and HTTP status and stores nothing."""
from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import insert, select

from simulator.adapters.db import Account
from simulator.adapters.db_applications import Application, StoredFile
from simulator.adapters.photo import photo_exempt_image
from tests.support.api import Api
from tests.support.application_flow import (
    CARD_CLOCK,
    Flow,
    Unchanged,
    card_holder,
    details_coe,
    identity,
    identity_coe,
    jpeg,
    jpeg_of_size,
    lawyer,
    pdf,
    person,
    refused,
    rows,
    without_card,
)

DAY = "2024-03-20"   # the adult's loss of Japanese nationality, 12 days before the clock's 2024-04-01



@pytest.fixture
def f(api: Api) -> Flow:
    person(api)
    return Flow(api, lawyer(api))


@pytest.fixture
def adult(api: Api, f: Flow) -> dict[str, Any]:
    """An acquisition in 入力完了(申請未了) for an adult living in Yokohama (横浜市中区): a photo is needed."""
    return f.acquisition(without_card(api), DAY)


def codes(r: Any) -> list[str]:
    return [e["code"] for e in r.get_json()["errors"]]


def account_id(app: Any, email: str = "lawyer@example.jp") -> int:
    with app.extensions["rasim.sessions"]() as db:
        return db.scalars(select(Account.id).where(Account.email == email)).one()


def insert_rows(app: Any, n: int, email: str = "lawyer@example.jp", **over: Any) -> None:
    """`n` applications of the user straight into the table (a list to search, not a flow to test)."""
    owner = account_id(app, email)
    base = {"account_id": owner, "procedure": "extension_of_stay", "status_of_residence": "student",
            "state": "input_complete", "photo_state": "none", "document_state": "none", "bureau": "tokyo",
            "applicant_name": "BULK,PERSON", "applicant_email": "bulk@example.jp", "values_json": "{}",
            "input_completed_at": dt.datetime(2024, 3, 1, 9, 0)}
    with app.extensions["rasim.sessions"].begin() as db:
        db.execute(insert(Application), [base | {k: (v(i) if callable(v) else v) for k, v in over.items()}
                                         for i in range(n)])


# --- search (S15) and the list (S16) ------------------------------------------------------------------------

SEARCH_RULES = [
    ({"receipt_from": "000200", "receipt_to": "000100"}, "WZBAM130E", "receipt_from"),
    ({"applied_from": "2024-04-01"}, "WZBAM131E", "applied_from"),
    ({"applied_from": "2024-02-30T10:00"}, "WZBAM132E", "applied_from"),
    ({"applied_to": "2024-04-01T10"}, "WZBAM133E", "applied_to"),
    ({"applied_to": "2024-04-31T10:00"}, "WZBAM134E", "applied_to"),
    ({"applied_from": "2024-04-02T00:00", "applied_to": "2024-04-01T23:59"}, "WZBAM135E", "applied_from"),
    ({"receipt_from": "12a"}, "WZBAM005E", "receipt_from"),
    ({"office": "atlantis"}, "WZBAM005E", "office"),
    ({"procedure": "permanent_residence"}, "WZBAM005E", "procedure"),
    ({"state": "approved"}, "WZBAM005E", "state"),
    ({"sort": "password"}, "RASIM400E", "sort"),
]


@pytest.mark.parametrize(("query", "code", "field"), SEARCH_RULES, ids=[c + "-" + k for _, c, k in SEARCH_RULES])
def test_search_criteria(app, f: Flow, query: dict, code: str, field: str) -> None:  # noqa: ANN001
    insert_rows(app, 3)
    r = f.search(expect=None, **query)   # well-formed queries (the schema admits them): 422
    assert r.status_code == 422 and r.get_json()["errors"][0]["code"] == code, r.get_json()
    assert r.get_json()["errors"][0]["field"] == field


def test_no_hits(app, f: Flow) -> None:  # noqa: ANN001
    refused(f.search(expect=None), 404, "WZBAM136E")   # an empty list: no hits either
    insert_rows(app, 2)
    refused(f.search(expect=None, procedure="coe"), 404, "WZBAM136E")
    assert f.search(procedure="extension_of_stay").get_json()["total"] == 2


def test_more_hits_than_the_list_shows(app, f: Flow) -> None:  # noqa: ANN001
    insert_rows(app, 1000)
    assert f.search().get_json()["total"] == 1000   # the cap itself is listed
    insert_rows(app, 1)
    found = refused(f.search(expect=None), 422, "WZBAM137E")
    assert "1000件" in found[0]["message"]
    assert f.search(state="submitted", expect=None).status_code == 404   # narrowed down: listed again (none)


def test_ten_rows_a_page(app, f: Flow) -> None:  # noqa: ANN001
    insert_rows(app, 23, applicant_name=lambda i: f"ROW,N{chr(65 + i)}")
    first = f.search().get_json()
    assert (first["total"], first["pages"], first["page_size"], len(first["rows"])) == (23, 3, 10, 10)
    last = f.search(page=3).get_json()
    assert (last["first"], last["last"], len(last["rows"])) == (21, 23, 3)
    ids = [r["id"] for p in (1, 2, 3) for r in f.search(page=p).get_json()["rows"]]
    assert len(set(ids)) == 23, "every row once"
    assert f.search(page=4).get_json()["rows"] == []


def test_sorting(app, f: Flow) -> None:  # noqa: ANN001
    procedures = ["extension_of_stay", "coe", "change_of_status", "acquisition_of_status"]
    insert_rows(app, 8, procedure=lambda i: procedures[i % 4],
                submitted_at=lambda i: dt.datetime(2024, 3, 10 + i, 9, 0) if i % 2 else None,
                state=lambda i: "submitted" if i % 2 else "input_complete")
    up = [r["procedure"] for r in f.search(sort="procedure", order="asc").get_json()["rows"]]
    assert up == sorted(up) and len(set(up)) == 4
    down = [r["procedure"] for r in f.search(sort="procedure", order="desc").get_json()["rows"]]
    assert down == sorted(down, reverse=True)
    newest = [r["applied_at"] for r in f.search().get_json()["rows"]]   # default: 申請日時, newest first
    assert newest[:4] == [None] * 4 and newest[4:] == sorted(newest[4:], reverse=True)
    oldest = [r["applied_at"] for r in f.search(sort="applied_at", order="asc").get_json()["rows"]]
    assert oldest[:4] == sorted(oldest[:4]) and oldest[4:] == [None] * 4


def test_search_by_applied_time_and_receipt_number(app, f: Flow) -> None:  # noqa: ANN001
    insert_rows(app, 5, submitted_at=lambda i: dt.datetime(2024, 3, 10 + i, 9, 0), state="submitted",
                receipt_number=lambda i: f"東オンEN24{i + 1:06d}")
    hits = f.search(applied_from="2024-03-11T09:00", applied_to="2024-03-12T09:00").get_json()
    assert sorted(r["applied_at"] for r in hits["rows"]) == ["2024-03-11T09:00:00", "2024-03-12T09:00:00"]
    hits = f.search(receipt_from="2", receipt_to="000004").get_json()
    assert sorted(r["receipt_number"] for r in hits["rows"]) == ["東オンEN24000002", "東オンEN24000003",
                                                                 "東オンEN24000004"]


def test_the_list_shows_only_main_rows_with_their_companions(app, f: Flow, api: Api) -> None:  # noqa: ANN001
    main = f.acquisition(without_card(api), DAY)
    _companion(f, main["id"], "re_entry_permit")
    listed = f.search().get_json()
    assert listed["total"] == 1
    [row] = listed["rows"]
    assert row["companion"] is True and row["companion_label"] == "あり"
    assert [c["procedure"] for c in row["companions"]] == ["re_entry_permit"]
    assert row["receipt_prefix"] == "横オンA" and row["state_label"] == "入力完了（申請未了）"


# --- delete ----------------------------------------------------------------------------------------------------

def test_delete_an_input_complete_application(app, f: Flow, adult: dict) -> None:  # noqa: ANN001
    f.photo(adult["id"], jpeg(), expect=200)
    assert f.call("DELETE", f"/api/v1/applications/{adult['id']}", expect=200).get_json() == {"deleted": adult["id"]}
    assert rows(app, Application) == [] and rows(app, StoredFile) == []
    refused(f.call("GET", f"/api/v1/applications/{adult['id']}"), 404, "RASIM404E")


def test_a_submitted_application_cannot_be_deleted(app, f: Flow, adult: dict) -> None:  # noqa: ANN001
    f.photo(adult["id"], jpeg(), expect=200)
    f.submit(adult["id"])
    with Unchanged(app):
        refused(f.call("DELETE", f"/api/v1/applications/{adult['id']}"), 409, "WZBAM172E")


# --- the photo (S17, S18) --------------------------------------------------------------------------------------

PHOTO_RULES = [(b"", "face.jpg", "WZBAM146E", 422), (jpeg_of_size(51201), "face.jpg", "WZBAM147E", 413),
               (jpeg(), "face.png", "WZBAM148E", 422), (jpeg(), "face", "WZBAM148E", 422),
               (b"GIF89a" + jpeg()[2:], "face.jpg", "WZBAM149E", 422),
               (b"\xff\xd8" + b"\x00" * 2000, "face.jpg", "RASIM451E", 422),
               (jpeg()[:600], "face.jpeg", "RASIM451E", 422)]


@pytest.mark.parametrize(("data", "name", "code", "status"), PHOTO_RULES,
                         ids=["empty", "51201-bytes", "png-name", "no-extension", "gif-magic", "garbage", "truncated"])
def test_photo_rules(app, f: Flow, adult: dict, data: bytes, name: str, code: str, status: int) -> None:  # noqa: ANN001
    with Unchanged(app):
        refused(f.photo(adult["id"], data, name), status, code, "photo")
    assert f.row(adult["id"])["photo_state"] == "none"


def test_a_photo_of_exactly_50_kb_is_accepted(app, f: Flow, adult: dict) -> None:  # noqa: ANN001
    data = jpeg_of_size(51200)
    row = f.photo(adult["id"], data, "FACE.JPEG", expect=200).get_json()
    assert row["photo_state"] == "registered" and row["photo_label"] == "登録済"
    shown = f.call("GET", f"/api/v1/applications/{adult['id']}/photo", expect=200)
    assert shown.mimetype == "image/jpeg" and shown.get_data() == data


def test_a_second_photo_replaces_the_first(app, f: Flow, adult: dict) -> None:  # noqa: ANN001
    f.photo(adult["id"], jpeg(300, 400), expect=200)
    f.photo(adult["id"], jpeg(240, 320), expect=200)
    [stored] = rows(app, StoredFile)
    assert stored.content == jpeg(240, 320)


def test_no_photo_for_the_exempt(app, api: Api, f: Flow) -> None:  # noqa: ANN001
    wqc = f.wqc()   # a work-qualification certificate: no card is issued
    assert wqc["photo_state"] == "exempt"
    with Unchanged(app):
        refused(f.photo(wqc["id"], jpeg()), 422, "WZBAM180E", "photo")
        refused(f.photo(wqc["id"], photo_exempt_image()), 422, "WZBAM180E", "photo")


def test_checking_a_photo_that_is_not_there(app, f: Flow, adult: dict) -> None:  # noqa: ANN001
    refused(f.call("GET", f"/api/v1/applications/{adult['id']}/photo"), 404, "WZBAM241E")


def test_a_photo_of_another_media_type(app, f: Flow, adult: dict) -> None:  # noqa: ANN001
    with Unchanged(app):
        refused(f.photo(adult["id"], jpeg(), content_type="image/png"), 415, "RASIM416E")


# --- the documents (S19) -----------------------------------------------------------------------------------

def incoming(app: Any) -> list[Any]:
    from pathlib import Path

    folder = Path(app.config["RASIM_VAR_DIR"]) / "files"
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


DOCUMENT_RULES = [(b"", "documents.pdf", "WZBAM183E", 422), (pdf(), "documents.txt", "WZBAM185E", 422),
                  (b"PK\x03\x04 not a pdf", "documents.pdf", "WZBAM185E", 422)]


@pytest.mark.parametrize(("data", "name", "code", "status"), DOCUMENT_RULES, ids=["empty", "txt-name", "zip-in-pdf"])
def test_document_rules(app, f: Flow, adult: dict, data: bytes, name: str, code: str, status: int) -> None:  # noqa: ANN001
    with Unchanged(app):
        refused(f.documents(adult["id"], data, name), status, code, "document")
    assert incoming(app) == [] and f.row(adult["id"])["document_state"] == "none"


LIMIT = 10 * 1024 * 1024   # 10 MB, read as 10 × 1024 × 1024 bytes


def test_a_document_over_10_mb(app, f: Flow, adult: dict) -> None:  # noqa: ANN001
    with Unchanged(app):
        refused(f.documents(adult["id"], pdf() + b"\0" * (LIMIT + 1 - len(pdf()))), 413, "WZBAM184E", "document")
    assert incoming(app) == []


def test_a_document_of_1_mb_is_accepted(f: Flow, adult: dict) -> None:
    assert f.documents(adult["id"], pdf(padding=1024 * 1024), expect=200).get_json()["document_state"] == "registered"


def test_a_document_of_nearly_10_mb_is_accepted(f: Flow, adult: dict) -> None:
    big = pdf(padding=LIMIT - 2000)
    assert len(big) <= LIMIT
    assert f.documents(adult["id"], big, expect=200).get_json()["document_state"] == "registered"


def test_documents_are_attached_once(app, f: Flow, adult: dict) -> None:  # noqa: ANN001
    row = f.documents(adult["id"], pdf(), expect=200).get_json()
    assert row["document_state"] == "registered" and row["document_label"] == "登録済"
    with Unchanged(app):
        refused(f.documents(adult["id"], pdf(2)), 422, "WZBAM117E")
    assert len(incoming(app)) == 1


def test_an_encrypted_pdf_is_accepted_and_flagged(app, f: Flow, adult: dict) -> None:  # noqa: ANN001
    answer = f.documents(adult["id"], pdf(encrypt=True), expect=200).get_json()
    assert answer["document_state"] == "registered"
    assert "error" not in str(answer).lower(), "accepted without a word (FAQ Q4-2)"
    [stored] = rows(app, StoredFile, kind="document")
    assert stored.error_file is True and "encrypted" in stored.error_reasons.split(",")
    [entry] = f.api.audit("application.documents_attached")
    assert "error_file" in str(entry) and "encrypted" in str(entry)


def test_a_plain_pdf_is_not_flagged(app, f: Flow, adult: dict) -> None:  # noqa: ANN001
    f.documents(adult["id"], pdf(), expect=200)
    [stored] = rows(app, StoredFile, kind="document")
    assert stored.error_file is False and stored.error_reasons == ""


# --- submission (S20) and the numbers ------------------------------------------------------------------------

def test_submission_without_a_photo_for_an_adult(app, f: Flow, adult: dict) -> None:  # noqa: ANN001
    with Unchanged(app):
        refused(f.submit(adult["id"], expect=None), 422, "WZBAM179E", "photo")


def test_submission_mails_and_the_next_days_receipt_number(app, api: Api, f: Flow, adult: dict) -> None:  # noqa: ANN001
    f.photo(adult["id"], jpeg(), expect=200)
    done = f.submit(adult["id"]).get_json()
    assert done["state"] == "submitted" and done["state_label"] == "申請完了"
    assert done["applied_at"] == "2024-04-01T09:00:00" and done["received_on"] == "2024-04-01"
    assert done["provisional_number"] == f"962024{adult['id']:010d}"
    for to in ("lawyer@example.jp", "houmu@example.jp"):
        [mail] = api.mails(to=to, kind="application_received")
        assert done["provisional_number"] in mail["body"] and "在留資格取得許可申請" in mail["body"]
    assert done["receipt_number"] is None
    with Unchanged(app):
        refused(f.submit(adult["id"], expect=None), 409, "WZBAM171E")

    api.advance(days=1)   # the next day: the 申請受付番号 with the prefix of the address's bureau (横浜市中区)
    f.token = _login_again(app, api)
    row = f.row(adult["id"])
    assert row["receipt_number"] == "横オンA24000001"
    for to in ("lawyer@example.jp", "houmu@example.jp"):
        [mail] = api.mails(to=to, kind="receipt_number_issued")
        assert "横オンA24000001" in mail["body"]
    assert f.search().get_json()["rows"][0]["receipt_number"] == "横オンA24000001"


def _login_again(app: Any, api: Api, email: str = "lawyer@example.jp") -> str:
    with app.extensions["rasim.sessions"]() as db:
        auth_id = db.scalars(select(Account.auth_id).where(Account.email == email)).one()
    return api.login(auth_id)


def test_the_fault_switch_makes_the_numbering_fail(app, api: Api, f: Flow, adult: dict) -> None:  # noqa: ANN001
    f.photo(adult["id"], jpeg(), expect=200)
    f.submit(adult["id"])
    api.call("POST", "/test-support/faults/receipt-numbering", {"count": 1}, expect=200)
    api.advance(days=1)
    f.token = _login_again(app, api)
    row = f.row(adult["id"])
    assert row["state"] == "receipt_number_error" and row["state_label"] == "エラー(申請受付番号取得エラー)"
    assert row["receipt_number"] is None
    [mail] = api.mails(to="lawyer@example.jp", kind="receipt_number_error")
    assert row["provisional_number"] in mail["body"]
    assert api.mails(kind="receipt_number_issued") == []


def test_submission_checks_the_dates_again(app, api: Api, f: Flow) -> None:  # noqa: ANN001
    wqc = f.wqc()   # the default person's stay ends 2024-05-31
    person(api, stay_expires_on="2024-04-01")   # the bureau's record changed since the input
    with Unchanged(app):
        refused(f.submit(wqc["id"], expect=None), 422, "WZBAM204E")
    person(api, abroad=True, stay_expires_on="2024-05-31")
    with Unchanged(app):
        refused(f.submit(wqc["id"], expect=None), 422, "WZBAM289E")


# --- simultaneous applications (S21–S25) -------------------------------------------------------------------------

COMPANION_IDENTITY = {"nationality": "VNM", "applicant_name": "HOUMU,ADULT", "birth_date_applicant": "1990-01-01",
                      "sex_applicant": "female", "residence_pref_city": "14104", "residence_street": "山下町１番地",
                      "mobile_applicant": "09012345678"}
COMPANION_DETAILS = {
    "re_entry_permit": {"current_status": "long_term_resident", "current_period": "1y", "travel_purpose": "親族訪問",
                        "destination_country": "VNM", "departure_date": "2024-06-01", "reentry_date": "2024-06-30",
                        "reentry_kind": "single", "applicant_consent": True},
    "permission_outside_status": {"current_status": "long_term_resident", "current_period": "1y",
                                  "current_activity": "家事", "other_activity": "飲食店での接客",
                                  "employer_name_outside": "株式会社テスト", "weekly_hours": "20",
                                  "applicant_consent": True},
}


def _companion(f: Flow, main_id: int, procedure: str) -> dict[str, Any]:
    f.call("POST", f"/api/v1/applications/{main_id}/companions", {"values": {"companion_procedure": procedure}},
           expect=201)
    f.step("step2_1", COMPANION_IDENTITY)
    f.step("step2_2", COMPANION_DETAILS[procedure])
    return f.complete().get_json()


def test_one_companion_of_each_kind_submitted_with_the_main_one(app, api: Api, f: Flow, adult: dict) -> None:  # noqa: ANN001
    reentry = _companion(f, adult["id"], "re_entry_permit")
    outside = _companion(f, adult["id"], "permission_outside_status")
    assert reentry["parent_id"] == outside["parent_id"] == adult["id"]
    with Unchanged(app):
        refused(f.call("POST", f"/api/v1/applications/{adult['id']}/companions",
                          {"values": {"companion_procedure": "re_entry_permit"}}), 409, "WZBAM203E")
    f.photo(adult["id"], jpeg(), expect=200)
    done = f.submit(adult["id"]).get_json()
    assert sorted((c["procedure"], c["state"]) for c in done["companions"]) == [
        ("permission_outside_status", "submitted"), ("re_entry_permit", "submitted")]
    [mail] = api.mails(to="lawyer@example.jp", kind="application_received")
    assert "再入国許可申請" in mail["body"] and "資格外活動許可申請" in mail["body"]
    with Unchanged(app):   # no companion once the main one is submitted
        refused(f.call("POST", f"/api/v1/applications/{adult['id']}/companions",
                          {"values": {"companion_procedure": "re_entry_permit"}}), 409, "WZBAM203E")


def test_no_companion_for_a_work_qualification_certificate(app, f: Flow) -> None:  # noqa: ANN001
    wqc = f.wqc()
    with Unchanged(app):
        refused(f.call("POST", f"/api/v1/applications/{wqc['id']}/companions",
                          {"values": {"companion_procedure": "permission_outside_status"}}), 409, "WZBAM203E")


# --- a COE of a card holder (外国人本人): companions, receipt method ---------------------------------------------

@pytest.fixture
def coe(app, api: Api) -> tuple[Flow, dict]:  # noqa: ANN001
    """A 外国人本人 (card login) with a COE in 入力完了(申請未了)."""
    api.set_clock(CARD_CLOCK)
    himself = Flow(api, card_holder(app, api, "foreign_national", "foreign01"))
    himself.start("coe", bureau_contacted=True)
    himself.step("step2_1", identity_coe())
    himself.step("step2_2", details_coe(entry_date="2027-03-01"))
    return himself, himself.complete().get_json()


def test_no_companion_for_a_coe(app, coe) -> None:  # noqa: ANN001
    himself, row = coe
    with Unchanged(app):
        refused(himself.call("POST", f"/api/v1/applications/{row['id']}/companions",
                                      {"values": {"companion_procedure": "re_entry_permit"}}), 409, "WZBAM203E")


def test_a_coe_by_e_mail_takes_no_receiving_office(app, coe) -> None:  # noqa: ANN001
    himself, row = coe
    path = f"/api/v1/applications/{row['id']}/receipt-method"
    with Unchanged(app):
        refused(himself.call("PUT", path, {"coe_receipt_method": "mail", "receiving_office": "tokyo"}), 422,
                "WZBAM285E", "receiving_office")
        refused(himself.call("PUT", path, {"card_receipt_method": "counter"}), 422, "RASIM400E")
    assert himself.call("PUT", path, {"coe_receipt_method": "post"}, expect=200).get_json()["receipt_method"] == "post"


def test_a_coe_receipt_method_is_not_changed_after_submission(app, api: Api, coe) -> None:  # noqa: ANN001
    himself, row = coe
    himself.photo(row["id"], jpeg(), expect=200)
    himself.submit(row["id"])
    with Unchanged(app):
        refused(himself.call("PUT", f"/api/v1/applications/{row['id']}/receipt-method",
                                      {"coe_receipt_method": "post"}), 422, "WZBAM117E")
    assert api.mails(kind="receipt_method_changed") == []


# --- the receipt method (S17; FAQ Q5-1) -----------------------------------------------------------------------------

@pytest.mark.parametrize(("body", "code", "status"), [
    ({"card_receipt_method": "counter"}, "WZBAM140E", 422),
    ({"card_receipt_method": "post", "receiving_office": "yokohama"}, "WZBAM139E", 422),
    ({}, "WZBAM001E", 422),
    ({"card_receipt_method": "mail"}, "WZBAM005E", 400),   # not among the documented values: a 400
], ids=["counter-without-office", "post-with-office", "none", "mail-for-a-card"])
def test_receipt_method_rules(app, f: Flow, adult: dict, body: dict, code: str, status: int) -> None:  # noqa: ANN001
    with Unchanged(app):
        refused(f.call("PUT", f"/api/v1/applications/{adult['id']}/receipt-method", body), status, code)


def test_a_receipt_method_changed_after_submission_is_mailed(app, api: Api, f: Flow, adult: dict) -> None:  # noqa: ANN001
    path = f"/api/v1/applications/{adult['id']}/receipt-method"
    f.call("PUT", path, {"card_receipt_method": "counter", "receiving_office": "yokohama"}, expect=200)
    assert api.mails(kind="receipt_method_changed") == [], "before submission: part of the preparation, no mail"
    f.photo(adult["id"], jpeg(), expect=200)
    f.submit(adult["id"])
    row = f.call("PUT", path, {"card_receipt_method": "post"}, expect=200).get_json()
    assert row["receipt_method"] == "post" and row["receiving_office"] is None
    [mail] = api.mails(to="lawyer@example.jp", kind="receipt_method_changed")
    assert row["provisional_number"] in mail["body"] and "郵送" in mail["body"]


# the identity's own receipt method is what the row starts with
def test_the_row_starts_with_the_identitys_receipt_method(api: Api, f: Flow) -> None:
    row = f.acquisition(without_card(api), DAY, step2_1={"card_receipt_method": "counter",
                                                          "receiving_office": "yokohama"})
    assert (row["receipt_method"], row["receiving_office"], row["receiving_office_label"]) == (
        "counter", "yokohama", "東京出入国在留管理局横浜支局")
    assert identity()["card_receipt_method"] == "post"
