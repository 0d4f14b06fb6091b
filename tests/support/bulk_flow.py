"""Helpers of the bulk tests: a row's values as the screens would send them (the individual tests'
values, so a row is what a sound individual input is), the file the template's export writes, and the
upload → STEP3 → worker path over the API."""
from __future__ import annotations

from typing import Any

from simulator.domain import bulk_format
from tests.support.api import Api
from tests.support.application_flow import PERSON, details_extension, identity

PROFESSOR = "professor"
STEP1 = {"procedure": "extension_of_stay", "status_of_residence": PROFESSOR}
ACTIVITY = {"institution_name": "法務大学", "activity_detail": "法学の研究及び教育"}
CONFIRM = {"bulk_confirmed": True, "kept_copy": True}


def professor(api: Api, card: str, name: str, **over: Any) -> dict[str, Any]:
    """A professor in the registry (card `card`, name `name`), stay ending 2024-05-31."""
    body = PERSON | {"residence_card_number": card, "name": name, "status_of_residence": PROFESSOR} | over
    return api.call("PUT", "/test-support/residence-records", body, expect=200).get_json()


def row_values(record: dict[str, Any], step2_1: dict | None = None, step2_2: dict | None = None,
               step2_3: dict | None = None, step1: dict | None = None) -> dict[str, dict[str, Any]]:
    return {"step1": STEP1 | (step1 or {}), "step2_1": identity(record, **(step2_1 or {})),
            "step2_2": details_extension(record, **(step2_2 or {})), "step2_3": ACTIVITY | (step2_3 or {})}


def layout(category: str = "lawyer", step1: dict | None = None, edition: str | None = None) -> bulk_format.Layout:
    s = STEP1 | (step1 or {})
    return bulk_format.layout(category, s["procedure"], s["status_of_residence"], edition)


def csv_of(rows: list[dict[str, dict[str, Any]]], lay: bulk_format.Layout | None = None, **kw: Any) -> bytes:
    lay = lay or layout()
    return bulk_format.write_rows(lay, [bulk_format.row_cells(lay, r) for r in rows], **kw)


class Bulk:
    def __init__(self, api: Api, token: str) -> None:
        self.api, self.token = api, token

    def upload(self, data: bytes, filename: str = "教授.csv", expect: int | None = 201,
               content_type: str = "text/csv", **step1: Any) -> Any:
        query = (STEP1 | step1) | {"filename": filename}
        return self.api.call("POST", "/api/v1/bulk-inputs", None, token=self.token, data=data,
                             content_type=content_type, query_string={k: v for k, v in query.items() if v},
                             expect=expect)

    def confirm(self, bulk_id: int, values: dict | None = None, expect: int | None = 202) -> Any:
        return self.api.call("POST", f"/api/v1/bulk-inputs/{bulk_id}/completion",
                             CONFIRM if values is None else values, token=self.token, expect=expect)

    def show(self, bulk_id: int) -> dict[str, Any]:
        return self.api.call("GET", f"/api/v1/bulk-inputs/{bulk_id}", token=self.token, expect=200).get_json()

    def file(self, data: bytes, **step1: Any) -> dict[str, Any]:
        """Upload, tick both boxes, and let the worker run (the next request fires the due event)."""
        bulk = self.upload(data, **step1).get_json()
        self.confirm(bulk["id"])
        done = self.show(bulk["id"])
        assert done["state"] == "processed", done
        return done

    def errors(self, application_id: int, expect: int | None = 200) -> Any:
        return self.api.call("GET", f"/api/v1/applications/{application_id}/bulk-errors", token=self.token,
                             expect=expect)
