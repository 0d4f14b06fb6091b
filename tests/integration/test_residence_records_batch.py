"""putResidenceRecords (test support): up to 300 records in one request, all or none; each problem names
the record it belongs to."""
from __future__ import annotations

from typing import Any

from simulator.adapters.db_applications import ResidenceRecord
from tests.support.api import Api
from tests.support.application_flow import PERSON, Unchanged, rows

BATCH = "/test-support/residence-record-batches"


def person(i: int, **over: Any) -> dict[str, Any]:
    return PERSON | {"residence_card_number": f"AB{12345000 + i:08d}CD", "name": f"TEST PERSON {chr(65 + i % 26)}"} | over


def test_three_hundred_records_are_put_at_once_and_read_back(app: Any, api: Api) -> None:
    records = [person(i) for i in range(300)]
    r = api.call("POST", BATCH, {"records": records}, expect=200).get_json()
    assert len(r["records"]) == 300
    assert len(rows(app, ResidenceRecord)) == 300
    got = api.call("GET", f"/test-support/residence-records/{records[299]['residence_card_number']}",
                   expect=200).get_json()
    assert got["name"] == records[299]["name"] and got["birth_date"] == PERSON["birth_date"]
    # putting the same card again replaces its record (as putResidenceRecord does)
    api.call("POST", BATCH, {"records": [person(299, name="OTHER NAME")]}, expect=200)
    assert len(rows(app, ResidenceRecord)) == 300


def test_one_refused_record_stores_none_and_is_named(app: Any, api: Api) -> None:
    records = [person(0), person(1, birth_date="1990-02-30"), person(2, sex=7), person(3, colour="blue")]
    with Unchanged(app):
        r = api.call("POST", BATCH, {"records": records}, expect=422)
    fields = [(e["code"], e["field"]) for e in r.get_json()["errors"]]
    assert ("RASIM400E", "records[2].sex") in fields and ("RASIM400E", "records[3].colour") in fields
    assert any(f == "records[1].birth_date" and c.startswith("WZBAM") for c, f in fields), fields
    assert not any(f.startswith("records[0]") for _c, f in fields)


def test_more_than_300_or_none_is_refused(app: Any, api: Api) -> None:
    with Unchanged(app):
        assert api.call("POST", BATCH, {"records": [person(i) for i in range(301)]}, expect=400).status_code == 400
        api.call("POST", BATCH, {"records": []}, expect=400)
        api.call("POST", BATCH, {"records": ["x"]}, expect=422)
