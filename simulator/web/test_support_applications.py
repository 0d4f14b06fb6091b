"""Test support for applications: the registry of residence records (the person behind an application),
the fault switch of receipt numbering (FAQ Q4-35) and the bulk worker's pace. Part of /test-support (off
with RASIM_TEST_SUPPORT=0)."""
from __future__ import annotations

from typing import Any

from simulator.catalog import edition
from simulator.services import bulk_filing, residence_records, submission
from simulator.web.operations import operation
from simulator.web.schemas import NO_NUL
from simulator.web.runtime import run
from simulator.web.test_support import P, bp

S, B = "string", "boolean"
RECORD = {"residence_card_number": S, "ed_number": S, "name": S, "nationality": S, "sex": S, "birth_date": S,
          "address_municipality": S, "address_street": S, "moved_in_on": S, "status_of_residence": S,
          "period_of_stay": S, "stay_expires_on": S, "card_valid_until": S, "abroad": B, "kanji_name": S}

MAX_RECORDS = edition().bulk_max_rows   # a bulk file's persons (the service checks the serving edition's)
RECORD_REQUIRED = ["name", "nationality", "sex", "birth_date", "address_municipality"]
RECORD_SCHEMA = {k: {"type": v} | ({"maxLength": 200, "pattern": NO_NUL} if v == S else {}) for k, v in RECORD.items()}


@operation(bp, P, "PUT", "/residence-records", "putResidenceRecord",
           "Create or replace the residence record of a card number (or ED number, or a newborn without either): "
           "name as on the card (HOUMU MIDDLE TAROU), nationality, sex, birth date, address (municipality code), "
           "move-in day, status, period, expiry, abroad", "residence-records", body=RECORD,
           required=RECORD_REQUIRED)
def put_record(body: dict) -> Any:
    return run(residence_records.put, body, actor="test-support")


@operation(bp, P, "POST", "/residence-record-batches", "putResidenceRecords",
           "putResidenceRecord for up to 300 records at once (a bulk file's persons): all or none — a refused "
           "record stores none, and each problem's field names it (records[3].birth_date)", "residence-records",
           body={"records": {"type": "array", "minItems": 1, "maxItems": MAX_RECORDS,
                             "items": {"type": "object", "properties": RECORD_SCHEMA, "additionalProperties": False,
                                       "required": RECORD_REQUIRED}}},
           required=["records"])
def put_records(body: dict) -> Any:
    return run(residence_records.put_many, body, actor="test-support")


@operation(bp, P, "GET", "/residence-records/<number>", "getResidenceRecord", "The residence record of a card number",
           "residence-records")
def get_record(number: str) -> Any:
    return run(residence_records.get, number[:12])


@operation(bp, P, "POST", "/faults/receipt-numbering", "setReceiptNumberingFault",
           "The next `count` receipt numberings fail: エラー(申請受付番号取得エラー) and its mail (0: off)", "faults",
           body={"count": "integer"})
def set_fault(body: dict) -> Any:
    return run(submission.set_numbering_fault, body, actor="test-support")


@operation(bp, P, "POST", "/faults/bulk-registration-pace", "setBulkRegistrationPace",
           "The bulk worker waits `row_delay_ms` before each row (0: off): time to kill a server mid-batch", "faults",
           body={"row_delay_ms": "integer"}, required=["row_delay_ms"])
def set_bulk_pace(body: dict) -> Any:
    return run(bulk_filing.set_row_delay, body, actor="test-support")
