"""The pure rules of applications: who may file what (seed 001, FAQ Q1-4/Q1-5), the person checks (FAQ
Q4-10 – Q4-12, Q4-17, Q4-21), receipt methods and numbers (Q5-1, 004 §5.1–§5.2), the operation matrix of
the list (004 §4.3) and the input steps (Q5-11, 004 §2.4.6)."""
from __future__ import annotations

import datetime as dt

import pytest

from simulator.domain import eligibility, input_plan, receipt
from simulator.domain import person_checks as checks
from simulator.domain.applications import IllegalTransition, Row, next_state, refusal

TODAY = dt.date(2026, 4, 1)


def codes(problems) -> list[str]:  # noqa: ANN001
    return [p.code for p in problems]


# --- eligibility -----------------------------------------------------------------------------------

@pytest.mark.parametrize("procedure", ["re_entry_permit", "permission_outside_status", "permanent_residence", ""])
def test_only_the_five_procedures_stand_alone(procedure: str) -> None:
    assert codes(eligibility.step1_problems("lawyer", procedure, "student", False)) == ["WZBAM117E"]


@pytest.mark.parametrize("status", ["diplomat", "temporary_visitor", "designated_activities_departure_preparation"])
def test_excluded_statuses_are_refused(status: str) -> None:
    found = eligibility.step1_problems("lawyer", "change_of_status", status, False)
    assert [(p.code, p.field) for p in found] == [("WZBAM117E", "status_of_residence")]
    assert status not in eligibility.offered_statuses("change_of_status")


def test_permanent_residence_only_as_acquisition() -> None:
    assert codes(eligibility.step1_problems("lawyer", "coe", "permanent_resident", False)) == ["WZBAM117E"]
    assert codes(eligibility.step1_problems("lawyer", "change_of_status", "permanent_resident", False)) == ["WZBAM117E"]
    assert eligibility.step1_problems("lawyer", "acquisition_of_status", "permanent_resident", False) == []


def test_a_foreign_national_contacts_a_bureau_before_a_coe_or_an_acquisition() -> None:
    for procedure in ("coe", "acquisition_of_status"):
        found = eligibility.step1_problems("foreign_national", procedure, "student", False)
        assert codes(found) == ["WZBAM289E"] and "処理内容" in found[0].params
        assert eligibility.step1_problems("foreign_national", procedure, "student", True) == []
    assert eligibility.step1_problems("foreign_national", "extension_of_stay", "student", False) == []


def test_relatives_matrix() -> None:
    assert codes(eligibility.step1_problems("relative", "work_qualification_certificate", "student", False)) == ["WZBAM117E"]
    assert eligibility.step1_problems("relative", "coe", "dependent", False) == []          # condition 2
    assert codes(eligibility.step1_problems("relative", "coe", "engineer_specialist_humanities_international", False)) \
        == ["WZBAM117E"]


def test_relatives_file_only_for_the_under_16_or_those_who_cannot() -> None:
    child, adult = dt.date(2011, 4, 2), dt.date(2010, 4, 1)   # 15 and 16 on TODAY
    assert eligibility.applicant_condition_problem("relative", "extension_of_stay", child, TODAY, False) is None
    problem = eligibility.applicant_condition_problem("relative", "extension_of_stay", adult, TODAY, False)
    assert problem is not None and problem.code == "WZBAM289E"
    assert eligibility.applicant_condition_problem("relative", "extension_of_stay", adult, TODAY, True) is None
    assert eligibility.applicant_condition_problem("lawyer", "extension_of_stay", adult, TODAY, False) is None


# --- person checks -----------------------------------------------------------------------------------

RECORD = checks.Record(name="HOUMU MIDDLE TAROU", nationality="VNM", sex="male", birth_date=dt.date(1990, 5, 6),
                       address_municipality="13101", residence_card_number="AB12345678CD", period_of_stay="3y",
                       stay_expires_on=dt.date(2026, 5, 31))
TYPED = {"nationality": "VNM", "applicant_name": "HOUMU,MIDDLE,TAROU", "sex_applicant": "male",
         "birth_date_applicant": dt.date(1990, 5, 6), "residence_pref_city": "13101",
         "residence_card_number_applicant": "AB12345678CD", "current_period": "3y", "stay_expires_on": dt.date(2026, 5, 31)}


def test_the_card_face_as_typed_matches() -> None:
    assert checks.name_as_typed("HOUMU MIDDLE TAROU") == "HOUMU,MIDDLE,TAROU"
    assert checks.card_face_problems(TYPED, RECORD) == []


@pytest.mark.parametrize("key,value", [("nationality", "CHN"), ("applicant_name", "HOUMU,TAROU"), ("sex_applicant", "female"),
                                       ("birth_date_applicant", dt.date(1990, 5, 7)), ("residence_pref_city", "13103")])
def test_any_single_mismatch_marks_every_item_and_names_none(key: str, value: object) -> None:
    found = checks.card_face_problems({**TYPED, key: value}, RECORD)
    assert {p.code for p in found} == {"WZBAM236E"}
    assert [p.field for p in found] == list(checks.CARD_FACE_FIELDS)


def test_unknown_card_and_stay_mismatch() -> None:
    assert codes(checks.card_face_problems(TYPED, None)) == ["WZBAM115E"]
    assert set(codes(checks.card_face_problems({**TYPED, "current_period": "90d"}, RECORD))) == {"WZBAM114E"}
    ed = {k: v for k, v in TYPED.items() if k != "residence_card_number_applicant"} | {"ed_number": "AB12345678"}
    assert set(codes(checks.card_face_problems(ed, None))) == {"WZBAM235E"}


def test_extension_window_from_three_months_before_until_the_day_before() -> None:
    expires = RECORD.stay_expires_on
    on = lambda day: codes(checks.date_problems("extension_of_stay", RECORD, {}, day))  # noqa: E731
    assert on(dt.date(2026, 2, 27)) == ["WZBAM113E"]
    assert on(dt.date(2026, 2, 28)) == []          # 3 months before 05-31 (no 02-31): the month's last day
    assert on(expires - dt.timedelta(days=1)) == []
    assert on(expires) == ["WZBAM204E"]            # not on the last day (Q4-10)
    assert on(expires + dt.timedelta(days=1)) == ["WZBAM204E"]   # nor after (Q4-11)
    assert codes(checks.date_problems("change_of_status", RECORD, {}, dt.date(2026, 1, 1))) == []


def test_moving_in_today_and_abroad_send_the_user_to_a_bureau() -> None:
    import dataclasses

    moved = dataclasses.replace(RECORD, moved_in_on=TODAY)
    assert codes(checks.date_problems("change_of_status", moved, {}, TODAY)) == ["WZBAM289E"]
    assert codes(checks.date_problems("change_of_status", moved, {}, TODAY + dt.timedelta(days=1))) == []
    assert codes(checks.date_problems("change_of_status", dataclasses.replace(RECORD, abroad=True), {}, TODAY)) \
        == ["WZBAM289E"]


def test_acquisition_within_thirty_days_of_birth() -> None:
    born = {"acquisition_event_date": dt.date(2026, 3, 2)}
    assert checks.date_problems("acquisition_of_status", None, born, dt.date(2026, 4, 1)) == []    # day 30
    assert codes(checks.date_problems("acquisition_of_status", None, born, dt.date(2026, 4, 2))) == ["WZBAM289E"]


# --- receipt --------------------------------------------------------------------------------------------

def test_receipt_methods_and_offices() -> None:
    assert receipt.methods("coe") == ("mail", "post")
    assert receipt.methods("extension_of_stay") == ("post", "counter")
    assert codes(receipt.receipt_problems("coe", "counter", None)) == ["WZBAM005E"]
    assert codes(receipt.receipt_problems("extension_of_stay", "counter", None)) == ["WZBAM140E"]
    assert codes(receipt.receipt_problems("extension_of_stay", "post", "tokyo")) == ["WZBAM139E"]
    assert codes(receipt.receipt_problems("coe", "mail", "tokyo")) == ["WZBAM285E"]
    assert receipt.receipt_problems("extension_of_stay", "counter", "tokyo") == []


def test_photo_requirement() -> None:
    assert receipt.photo_required("coe", dt.date(2020, 1, 1), TODAY)
    assert receipt.photo_required("extension_of_stay", dt.date(2010, 4, 1), TODAY)       # 16 today
    assert not receipt.photo_required("extension_of_stay", dt.date(2010, 4, 2), TODAY)   # 15
    assert not receipt.photo_required("work_qualification_certificate", dt.date(1990, 1, 1), TODAY)


def test_numbers() -> None:
    assert receipt.provisional_number(2026, 1324) == "9620260000001324"
    assert receipt.receipt_number("東オン", "E", "N", 2026, 1) == "東オンEN26000001"
    assert receipt.receipt_number("札オン", "W", "N", 2022, 0) == "札オンW22000000"   # 004 §2.7's example
    assert receipt.receipt_number("札オン", "認", "I", 2022, 31) == "札オン認I22000031"


# --- the operation matrix and the steps ----------------------------------------------------------------------

def row(state: str, photo: str = "none", document: str = "none", procedure: str = "extension_of_stay") -> Row:
    return Row(state, photo, document, procedure)


def test_operation_matrix_of_the_list() -> None:
    assert refusal("2024", "submit", row("input_complete")) is None
    assert refusal("2024", "submit", row("submitted")) == "WZBAM171E"
    assert refusal("2024", "delete", row("bulk_error")) is None
    assert refusal("2024", "delete", row("submitted")) == "WZBAM172E"
    assert refusal("2024", "attach_photo", row("awaiting_issuance", photo="awaiting_supplement")) is None
    assert refusal("2024", "attach_photo", row("completed")) == "WZBAM117E"
    assert refusal("2024", "attach_documents", row("awaiting_issuance", document="awaiting_supplement")) is None
    assert refusal("2024", "add_companion", row("input_complete", procedure="coe")) == "WZBAM203E"
    assert refusal("2024", "add_companion", row("submitted")) == "WZBAM203E"
    assert refusal("2024", "show_bulk_errors", row("input_complete")) == "WZBAM169E"
    assert refusal("2024", "change_receipt_method", row("awaiting_issuance")) == "WZBAM117E"


def test_transitions_are_data() -> None:
    assert next_state("2024", None, "input_completed") == "input_complete"
    assert next_state("2024", "input_complete", "submitted") == "submitted"
    assert next_state("2024", "submitted", "numbering_failed") == "receipt_number_error"
    with pytest.raises(IllegalTransition):
        next_state("2024", "submitted", "submitted")


def test_steps_per_procedure_and_category() -> None:
    keys = input_plan.plan("lawyer", "extension_of_stay", "engineer_specialist_humanities_international").keys
    assert keys == ["step1", "step2_1", "step2_2", "step2_3", "step3"]
    assert input_plan.plan("lawyer", "coe", "hsp_academic_research").keys[-2:] == ["step2_4", "step3"]
    assert input_plan.plan("lawyer", "acquisition_of_status", "dependent").keys == ["step1", "step2_1", "step2_2", "step3"]
    # FAQ Q5-11: a 外国人本人's own extension of 技術・人文知識・国際業務 ends at STEP2-2
    assert input_plan.plan("foreign_national", "extension_of_stay",
                           "engineer_specialist_humanities_international").keys == ["step1", "step2_1", "step2_2", "step3"]
    assert "step2_3" in input_plan.plan("foreign_national", "extension_of_stay", "spouse_or_child_of_japanese_national").keys
    assert input_plan.plan("lawyer", "extension_of_stay", "student").form_key("step2_3") == "activity_p"
