"""Guards found by the FAQ suite: maintenance stops application input and submission (FAQ Q4-9, Q2-3),
a simultaneous application is of the main application's applicant (WZBAM112E)."""
from __future__ import annotations

from typing import Any

from tests.integration.test_applications_list_api import (  # noqa: F401 - the fixtures of those tests
    COMPANION_DETAILS,
    COMPANION_IDENTITY,
    adult,
    f,
)
from tests.support.api import Api
from tests.support.application_flow import ENGINEER, Flow, Unchanged, jpeg, refused


def maintenance(api: Api, active: bool) -> None:
    api.call("POST", "/test-support/maintenance", {"active": active}, expect=200)


def test_maintenance_stops_input_and_submission(app, api: Api, f: Flow, adult: dict[str, Any]) -> None:  # noqa: ANN001, F811
    f.photo(adult["id"], jpeg(), expect=200)
    maintenance(api, True)
    with Unchanged(app):
        refused(f.start("work_qualification_certificate", ENGINEER, expect=None), 503, "RASIM503E")
        refused(f.submit(adult["id"], expect=None), 503, "RASIM503E")
    maintenance(api, False)
    assert f.submit(adult["id"]).get_json()["state"] == "submitted"


def test_a_companion_is_of_the_main_applicant(app, f: Flow, adult: dict[str, Any]) -> None:  # noqa: ANN001, F811
    f.call("POST", f"/api/v1/applications/{adult['id']}/companions",
           {"values": {"companion_procedure": "re_entry_permit"}}, expect=201)
    r = f.step("step2_1", COMPANION_IDENTITY | {"applicant_name": "SOMEONE,ELSE"}, expect=None)
    assert r.status_code == 422
    assert [(e["code"], e["field"]) for e in r.get_json()["errors"]] == [
        ("WZBAM112E", "nationality"), ("WZBAM112E", "applicant_name"), ("WZBAM112E", "birth_date_applicant")]
    f.step("step2_1", COMPANION_IDENTITY)
    f.step("step2_2", COMPANION_DETAILS["re_entry_permit"])
    assert f.complete().get_json()["parent_id"] == adult["id"]


def test_the_points_table_warns_and_does_not_refuse(app, f: Flow) -> None:  # noqa: ANN001, F811
    """STEP2-4 (004 §2.4.6): under 70 points the answer carries the dialog's lines; the input goes on."""
    from tests.support.application_flow import details_coe, identity_coe
    from tests.unit.test_activity_forms import VALID, hsp

    f.start("coe", "hsp_academic_research", hsp_activity="professor")
    f.step("step2_1", identity_coe())
    f.step("step2_2", details_coe())
    assert f.step("step2_3", VALID["activity_n"]).get_json()["next_step"] == "step2_4"
    low = hsp(hsp_education="master", hsp_career="5y", hsp_income="6m", hsp_age="under_30")   # 65 points
    answer = f.step("step2_4", low).get_json()
    assert answer["warnings"] == ["WZAAS003M0011", "WZAAS003M0031"] and answer["next_step"] == "step3"
    high = {**low, "hsp_education": "doctorate"}   # 75 points
    assert f.step("step2_4", high).get_json()["warnings"] == []
    assert f.complete().get_json()["procedure"] == "coe"
