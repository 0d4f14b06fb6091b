"""The input of an individual application over the API (STEP1 → STEP4), one test per rule: who may
file what (seed 001, FAQ Q1-4/Q1-5), every field rule of 身分事項1/2 with its code, the card-face
cross-checks (FAQ Q4-21), the date rules (Q4-10 – Q4-12, Q4-17), one application at a time per person
(Q4-8), STEP3's ticks and the 30 minutes without a screen change (Q4-27). Each refusal answers its exact
code and HTTP status and stores nothing. The list, the files and submission: test_applications_list_api.py."""
from __future__ import annotations

from typing import Any

import pytest

from simulator.adapters.db_applications import Application, ApplicationInput
from simulator.domain.person_checks import CARD_FACE_FIELDS, ED_FIELDS
from tests.support.api import Api
from tests.support.application_flow import (
    CARD,
    CARD_CLOCK,
    ENGINEER,
    PERSON,
    Flow,
    card_holder,
    details_acquisition,
    details_coe,
    details_extension,
    details_wqc,
    identity,
    identity_coe,
    lawyer,
    newborn,
    person,
    rows,
    scrivener,
    Unchanged,
    refused,
)




@pytest.fixture
def f(api: Api) -> Flow:
    """A lawyer logged in, the default person in the registry (card AB12345678CD, expiry 2024-05-31)."""
    person(api)
    return Flow(api, lawyer(api))


def errors(r: Any) -> list[tuple[str, str | None]]:
    return [(e["code"], e["field"]) for e in r.get_json()["errors"]]


def at_step2_1(f: Flow, procedure: str = "work_qualification_certificate", status: str = ENGINEER) -> None:
    f.start(procedure, status)


def at_step2_2(f: Flow, procedure: str = "work_qualification_certificate", record: dict | None = None) -> None:
    f.start(procedure, (PERSON | (record or {}))["status_of_residence"])
    f.step("step2_1", identity(record))


# --- STEP1: who may file what --------------------------------------------------------------------------------

@pytest.mark.parametrize("procedure", ["re_entry_permit", "permission_outside_status"])
def test_a_companion_procedure_alone_is_refused(app, f: Flow, procedure: str) -> None:  # noqa: ANN001
    with Unchanged(app):
        refused(f.start(procedure, expect=None), 422, "WZBAM117E", "procedure")
    assert f.refused(f.call("GET", "/api/v1/application-input"), 404) == ["RASIM442E"]


@pytest.mark.parametrize("status", ["temporary_visitor", "diplomat", "designated_activities_departure_preparation",
                                    "permanent_resident"])
def test_statuses_a_coe_cannot_be_filed_for(app, f: Flow, status: str) -> None:  # noqa: ANN001
    with Unchanged(app):
        refused(f.start("coe", status, expect=None), 422, "WZBAM117E", "status_of_residence")
    assert rows(app, ApplicationInput) == []


def test_permanent_resident_is_offered_as_acquisition_only(f: Flow) -> None:
    f.start("acquisition_of_status", "permanent_resident")


def test_a_relative_may_not_file_a_work_qualification_certificate(app, api: Api) -> None:  # noqa: ANN001
    api.set_clock(CARD_CLOCK)
    relative = Flow(api, card_holder(app, api, "relative", "relative01"))
    with Unchanged(app):
        refused(relative.start("work_qualification_certificate", expect=None), 422, "WZBAM117E",
                "procedure")
    relative.start("extension_of_stay")   # what the matrix allows (its age condition comes with the birth date)


def test_a_foreign_national_files_a_coe_only_after_contacting_a_bureau(app, api: Api) -> None:  # noqa: ANN001
    api.set_clock(CARD_CLOCK)
    himself = Flow(api, card_holder(app, api, "foreign_national", "foreign01"))
    with Unchanged(app):
        found = refused(himself.start("coe", expect=None), 422, "WZBAM289E", "bureau_contacted")
    assert "在留資格認定証明書交付申請" in found[0]["message"] and "最寄りの官署" in found[0]["message"]
    himself.start("coe", bureau_contacted=True)
    # FAQ Q5-11: for these statuses a 外国人本人's input stops at STEP2-2
    himself.step("step2_1", identity_coe())
    assert himself.step("step2_2", details_coe(entry_date="2027-03-01")).get_json()["next_step"] == "step3"


def test_a_relative_files_an_extension_only_for_the_under_16(app, api: Api) -> None:  # noqa: ANN001
    api.set_clock(CARD_CLOCK)
    relative = Flow(api, card_holder(app, api, "relative", "relative01"))
    relative.start("extension_of_stay")
    with Unchanged(app):
        refused(relative.step("step2_1", identity(), expect=None), 422, "WZBAM289E",
                "applicant_cannot_apply")
    relative.step("step2_1", identity(birth_date_applicant="2015-01-01", applicant_name="HOUMU,KO"))


# --- field rules of STEP2-1 ------------------------------------------------------------------------------------

FIELD_RULES = [
    ("applicant_name", None, "WZBAM001E"),
    ("applicant_name", "HOUMU MIDDLE TAROU", "WZBAM006E"),
    ("applicant_name", "houmu,middle,tarou", "WZBAM005E"),
    ("applicant_name", "A" * 105, "WZBAM003E"),
    ("home_town", "Hanoi", "WZBAM008E"),
    ("home_town", "𠮷野町", "WZBAM011E"),
    ("residence_street", "髙橋町１番", "WZBAM011E"),   # 髙: an IBM extension of cp932, outside JIS X 0208
    ("applicant_email", "houmu@", "WZBAM021E"),
    ("applicant_email", "a" * 50 + "@example.jp", "WZBAM003E"),
    ("birth_date_applicant", "1990-02-30", "WZBAM111E"),
    ("residence_pref_city", "13999", "WZBAM103E"),
    ("card_receipt_method", None, "WZBAM001E"),
]


@pytest.mark.parametrize(("field", "value", "code"), FIELD_RULES, ids=[f"{c}-{k}" for k, _, c in FIELD_RULES])
def test_field_rules_of_identity(app, f: Flow, field: str, value: Any, code: str) -> None:  # noqa: ANN001
    at_step2_1(f)
    values = identity(**{field: value}) if value is not None else {k: v for k, v in identity().items() if k != field}
    with Unchanged(app):
        refused(f.step("step2_1", values, expect=None), 422, code, field)
    assert f.call("GET", "/api/v1/application-input").get_json()["next_step"] == "step2_1"


def test_an_empty_value_is_as_missing(app, f: Flow) -> None:  # noqa: ANN001
    at_step2_1(f)
    with Unchanged(app):
        r = f.step("step2_1", identity(nationality="", home_town="　"), expect=None)
    assert sorted(errors(r)) == [("WZBAM001E", "home_town"), ("WZBAM001E", "nationality")]


def test_a_seventh_relative_is_one_too_many(app, f: Flow) -> None:  # noqa: ANN001
    relative = {"relative_relationship": "sibling", "relative_name": "法務, 花子", "relative_birth_date": "1992-01-01",
                "relative_nationality": "VNM", "relative_lives_together": "no"}
    at_step2_1(f)
    with Unchanged(app):
        refused(f.step("step2_1", identity(has_relatives="yes", relatives=[relative] * 7), expect=None), 422,
                "WZBAM024E", "relatives")
    f.step("step2_1", identity(has_relatives="yes", relatives=[relative] * 6))


def test_relatives_are_required_when_there_are_some(app, f: Flow) -> None:  # noqa: ANN001
    at_step2_1(f)
    with Unchanged(app):
        refused(f.step("step2_1", identity(has_relatives="yes"), expect=None), 422, "WZBAM101E", "relatives")


def test_unknown_fields_of_a_step_are_refused(app, f: Flow) -> None:  # noqa: ANN001
    at_step2_1(f)
    with Unchanged(app):
        refused(f.step("step2_1", identity() | {"is_admin": True}, expect=None), 422, "RASIM400E", "is_admin")


@pytest.mark.parametrize(("method", "office", "code"), [("counter", None, "WZBAM140E"),
                                                        ("post", "tokyo", "WZBAM139E")])
def test_receiving_office_rules_of_identity(app, f: Flow, method: str, office: str | None, code: str) -> None:  # noqa: ANN001
    at_step2_1(f)
    with Unchanged(app):
        refused(f.step("step2_1", identity(card_receipt_method=method, receiving_office=office), expect=None),
                422, code, "receiving_office")
    f.step("step2_1", identity(card_receipt_method="counter", receiving_office="tokyo"))


# --- field rules of STEP2-2 --------------------------------------------------------------------------------------

def test_one_of_the_two_phones_is_required(app, f: Flow) -> None:  # noqa: ANN001
    at_step2_2(f)
    with Unchanged(app):
        r = f.step("step2_2", details_wqc(mobile_applicant=None), expect=None)
    assert r.status_code == 422 and errors(r) == [("WZBAM105E", "phone_applicant"), ("WZBAM105E", "mobile_applicant")]
    assert "電話番号" in r.get_json()["errors"][0]["message"] and "携帯電話番号" in r.get_json()["errors"][0]["message"]
    f.step("step2_2", details_wqc(mobile_applicant=None, phone_applicant="0312345678"))


def test_a_phone_has_at_most_twelve_digits(app, f: Flow) -> None:  # noqa: ANN001
    at_step2_2(f)
    with Unchanged(app):
        refused(f.step("step2_2", details_wqc(mobile_applicant="0901234567890"), expect=None), 422, "WZBAM003E",
                "mobile_applicant")
        refused(f.step("step2_2", details_wqc(mobile_applicant="090-1234-567"), expect=None), 422, "WZBAM005E",
                "mobile_applicant")


def test_a_card_holder_gives_the_card_number(app, f: Flow) -> None:  # noqa: ANN001
    at_step2_2(f)
    with Unchanged(app):
        refused(f.step("step2_2", details_wqc(residence_card_number_applicant=None), expect=None), 422,
                "WZBAM240E", "residence_card_number_applicant")
        refused(f.step("step2_2", details_wqc(residence_card_number_applicant="AB1234567CD"), expect=None), 422,
                "WZBAM004E", "residence_card_number_applicant")


def test_a_criminal_record_needs_its_detail(app, f: Flow) -> None:  # noqa: ANN001
    at_step2_2(f, "extension_of_stay")
    with Unchanged(app):
        found = refused(f.step("step2_2", details_extension(criminal_record="yes"), expect=None), 422,
                        "WZBAM101E", "criminal_record_detail")
    assert "犯罪を理由とする処分を受けたことの有無" in found[0]["message"]
    f.step("step2_2", details_extension(criminal_record="yes", criminal_record_detail="罰金５万円"))


def test_a_step_cannot_be_skipped(app, f: Flow) -> None:  # noqa: ANN001
    at_step2_1(f)
    with Unchanged(app):
        refused(f.step("step2_2", details_wqc(), expect=None), 409, "RASIM441E")
        refused(f.complete(expect=None), 409, "RASIM441E")


# --- the card face (FAQ Q4-21) ---------------------------------------------------------------------------------

def test_an_unknown_card_number(app, f: Flow) -> None:  # noqa: ANN001
    at_step2_2(f)
    with Unchanged(app):
        refused(f.step("step2_2", details_wqc(residence_card_number_applicant="ZZ99999999ZZ"), expect=None), 422,
                "WZBAM115E", "residence_card_number_applicant")


MISMATCHES = [("nationality", "CHN"), ("applicant_name", "HOUMU,TAROU"), ("sex_applicant", "female"),
              ("birth_date_applicant", "1990-05-07"), ("residence_pref_city", "13102"),
              ("residence_card_number_applicant", "EF12345678GH")]


@pytest.mark.parametrize(("key", "value"), MISMATCHES, ids=[k for k, _ in MISMATCHES])
def test_one_mismatch_marks_all_six_items_and_names_none(app, api: Api, f: Flow, key: str, value: str) -> None:  # noqa: ANN001
    person(api, residence_card_number="EF12345678GH", name="OTHER PERSON")   # a card of somebody else
    f.start("work_qualification_certificate")
    f.step("step2_1", identity(**{key: value}) if key != "residence_card_number_applicant" else identity())
    details = details_wqc(**({key: value} if key == "residence_card_number_applicant" else {}))
    with Unchanged(app):
        r = f.step("step2_2", details, expect=None)
    assert r.status_code == 422
    found = r.get_json()["errors"]
    assert [(e["code"], e["field"]) for e in found] == [("WZBAM236E", k) for k in CARD_FACE_FIELDS]
    assert len({(e["message"], e["message_en"]) for e in found}) == 1, "the same words on every item"
    assert set(found[0]) == {"code", "field", "message", "message_en"}


def test_the_period_of_stay_as_on_the_card(app, f: Flow) -> None:  # noqa: ANN001
    at_step2_2(f)
    with Unchanged(app):
        stay = [("WZBAM114E", "current_status"), ("WZBAM114E", "current_period"), ("WZBAM114E", "stay_expires_on")]
        r = f.step("step2_2", details_wqc(current_period="1y"), expect=None)
        assert r.status_code == 422 and errors(r) == stay
        r = f.step("step2_2", details_wqc(stay_expires_on="2024-05-30"), expect=None)
        assert r.status_code == 422 and errors(r) == stay
        r = f.step("step2_2", details_wqc(current_status="skilled_labor"), expect=None)   # the card's status
        assert r.status_code == 422 and errors(r) == stay
        r = f.step("step2_2", details_wqc(current_status="temporary_visitor"), expect=None)   # not online (Q1-4)
        assert r.status_code == 422 and errors(r) == [("WZBAM117E", "current_status")]


def test_an_ed_number_checked_with_the_identity(app, api: Api, f: Flow) -> None:  # noqa: ANN001
    record = {"residence_card_number": None, "ed_number": "AB12345678", "name": "HOUMU EDO"}
    person(api, **record)
    at_step2_2(f, record=record)
    no_card = {"has_residence_card": "no", "residence_card_number_applicant": None}
    with Unchanged(app):
        r = f.step("step2_2", details_wqc(record | {"residence_card_number": None}, ed_number="AB12345679", **no_card),
                   expect=None)
    assert r.status_code == 422 and errors(r) == [("WZBAM235E", k) for k in ED_FIELDS]
    with Unchanged(app):
        r = f.step("step2_2", details_wqc(ed_number=None, **no_card), expect=None)
    assert errors(r) == [("WZBAM240E", "ed_number")]
    f.step("step2_2", details_wqc(record | {"residence_card_number": None}, ed_number="AB12345678", **no_card))


# --- the date rules (FAQ Q4-10 – Q4-12, Q4-17) ----------------------------------------------------------------

@pytest.mark.parametrize(("expires", "accepted"), [("2024-07-02", False), ("2024-07-01", True)])
def test_an_extension_from_three_months_before_expiry(app, api: Api, f: Flow, expires: str, accepted: bool) -> None:  # noqa: ANN001
    record = {"stay_expires_on": expires}   # today 2024-04-01: 2024-07-01 is exactly three months away
    person(api, **record)
    at_step2_2(f, "extension_of_stay", record)
    if accepted:
        assert f.step("step2_2", details_extension(record)).get_json()["next_step"] == "step2_3"
        return
    with Unchanged(app):
        refused(f.step("step2_2", details_extension(record), expect=None), 422, "WZBAM113E", "stay_expires_on")


@pytest.mark.parametrize("expires", ["2024-04-01", "2024-03-31"])
def test_not_on_the_expiry_day_nor_after(app, api: Api, f: Flow, expires: str) -> None:  # noqa: ANN001
    record = {"stay_expires_on": expires}
    person(api, **record)
    at_step2_2(f, record=record)
    with Unchanged(app):
        refused(f.step("step2_2", details_wqc(record), expect=None), 422, "WZBAM204E", "stay_expires_on")


def test_the_day_before_expiry_is_accepted(api: Api, f: Flow) -> None:
    record = {"stay_expires_on": "2024-04-02"}
    person(api, **record)
    at_step2_2(f, "extension_of_stay", record)
    assert f.step("step2_2", details_extension(record)).get_json()["next_step"] == "step2_3"


@pytest.mark.parametrize(("over", "words"), [({"moved_in_on": "2024-04-01"}, "転入"), ({"abroad": True}, "出国")])
def test_not_on_the_day_of_moving_in_nor_while_abroad(app, api: Api, f: Flow, over: dict, words: str) -> None:  # noqa: ANN001
    person(api, **over)
    at_step2_2(f)
    with Unchanged(app):
        found = refused(f.step("step2_2", details_wqc(), expect=None), 422, "WZBAM289E")
    assert words in found[0]["message"] and "最寄りの官署" in found[0]["message"]


def test_moved_in_the_day_before_is_accepted(api: Api, f: Flow) -> None:
    person(api, moved_in_on="2024-03-31")
    at_step2_2(f)
    f.step("step2_2", details_wqc())


def test_an_acquisition_within_thirty_days_of_birth(app, api: Api, f: Flow) -> None:  # noqa: ANN001
    late = newborn(api, "2024-03-01", name="HOUMU LATE")    # 31 days before 2024-04-01
    f.start("acquisition_of_status", "long_term_resident")
    f.step("step2_1", identity(late))
    with Unchanged(app):
        found = refused(f.step("step2_2", details_acquisition("2024-03-01"), expect=None), 422, "WZBAM289E")
    assert "30日" in found[0]["message"]
    on_time = newborn(api, "2024-03-02", name="HOUMU ONTIME")   # day 30
    f.start("acquisition_of_status", "long_term_resident")
    f.step("step2_1", identity(on_time))
    assert f.step("step2_2", details_acquisition("2024-03-02")).get_json()["next_step"] == "step3"


def test_an_acquisition_needs_a_known_person(app, f: Flow) -> None:  # noqa: ANN001
    f.start("acquisition_of_status", "long_term_resident")
    f.step("step2_1", identity({"name": "NOBODY KNOWN", "birth_date": "2024-03-20"}))
    with Unchanged(app):
        refused(f.step("step2_2", details_acquisition("2024-03-20"), expect=None), 422, "WZBAM112E")


# --- one application at a time per person (FAQ Q4-8) -----------------------------------------------------------

def test_a_second_application_for_the_same_person_waits_for_the_first(app, api: Api, f: Flow) -> None:  # noqa: ANN001
    first = f.wqc()
    assert first["state"] == "input_complete"
    at_step2_2(f)
    with Unchanged(app):
        found = refused(f.step("step2_2", details_wqc(), expect=None), 409, "WZBAM118E", None)
    assert found[0]["message"] == "前回の申請が処理中のため新たな申請を行えません。"
    other = Flow(api, scrivener(api))   # in another user's list, the person is the same
    at_step2_2(other)
    with Unchanged(app):
        refused(other.step("step2_2", details_wqc(agent_name="行政花子"), expect=None), 409, "WZBAM118E")
    f.call("DELETE", f"/api/v1/applications/{first['id']}", expect=200)
    other.step("step2_2", details_wqc(agent_name="行政花子"))   # the first one gone: the person may apply


def test_another_person_is_not_held_up(api: Api, f: Flow) -> None:
    f.wqc()
    record = {"residence_card_number": "EF12345678GH", "name": "OTHER PERSON"}
    person(api, **record)
    assert f.wqc(record)["state"] == "input_complete"


# --- STEP3 and STEP4 -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("tick", "code"), [("confirmed_with_representative", "WZBAM121E"), ("kept_copy", "WZBAM122E")])
def test_both_ticks_of_step3(app, f: Flow, tick: str, code: str) -> None:  # noqa: ANN001
    at_step2_2(f)
    f.step("step2_2", details_wqc())
    values = {"confirmed_with_representative": True, "kept_copy": True}
    with Unchanged(app):
        refused(f.complete({k: v for k, v in values.items() if k != tick}, expect=None), 422, code, tick)
        refused(f.complete(values | {tick: False}, expect=None), 422, code, tick)
    row = f.complete(values).get_json()
    assert row["state"] == "input_complete" and row["state_label"] == "入力完了（申請未了）"
    assert rows(app, ApplicationInput) == [], "the input is gone once the application exists"
    [stored] = rows(app, Application)
    assert stored.residence_card_number == CARD and stored.applicant_name == "HOUMU,MIDDLE,TAROU"


# --- 30 minutes without a screen change (FAQ Q4-27) ----------------------------------------------------------

def test_the_input_is_erased_after_thirty_minutes_without_a_screen_change(app, api: Api, f: Flow) -> None:  # noqa: ANN001
    at_step2_2(f)
    api.advance(minutes=29, seconds=59)
    shown = f.call("GET", "/api/v1/application-input", expect=200).get_json()   # kept, and the 30 minutes restart
    assert shown["next_step"] == "step2_2" and shown["expires_at"] == "2024-04-01T09:59:59"
    api.advance(minutes=29, seconds=59)
    f.step("step2_2", details_wqc())                                          # still there: the GET restarted it
    api.advance(minutes=30)
    refused(f.call("GET", "/api/v1/application-input"), 410, "RASIM440E")
    assert rows(app, ApplicationInput) == []
    assert api.audit("application_input.erased")
    refused(f.complete(expect=None), 404, "RASIM442E")
