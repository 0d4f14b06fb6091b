"""入力中のデータを保存する／読み込む (003 §8.2) of a 利用申出 / 定期報告 [申込] and of a 受領方法変更申出 [申込] over the
API, as the screens do it (tests/integration/test_procedure_request_saves.py): the sealed file (a download, or JSON
with `Accept: application/json`) of the 申込's values with what is typed over them, loaded back into the 申込 (its
PDFs stay); another procedure's file is RASIM489E, an edited one RASIM488E, and nothing is stored by a refusal;
edition 2024 has none of them."""
from __future__ import annotations

import base64
from typing import Any

from tests.integration import test_submissions_2026 as submissions
from tests.integration.test_submissions_2026 import REPORT, attach, start
from tests.support.api import Api, use_edition
from tests.support.application_flow import pdf

staff = submissions.staff     # a 2026 organisation staff user (fixture)
JSON = {"Accept": "application/json"}
CHANGE = {"change_kind": "residence_card", "applicant_name": "HOUMU,TARO", "change_receipt_method": "post"}


def saved(api: Api, token: str, path: str, values: dict[str, Any]) -> str:
    body = api.call("POST", path, {"values": values}, token=token, headers=JSON, expect=200).get_json()
    assert body["file_name"].endswith(".rasim") and body["bytes"] == len(base64.b64decode(body["file"]))
    return body["file"]


def request_of(api: Api, token: str, rid: int) -> dict[str, Any]:
    return api.call("GET", f"/api/v1/procedure-requests/{rid}", token=token, expect=200).get_json()


def test_a_periodic_report_saved_and_loaded_over_the_api(api: Api, staff: str) -> None:
    rid = start(api, staff, "periodic-report")
    assert attach(api, staff, rid, pdf()).status_code == 201
    file = saved(api, staff, f"/api/v1/procedure-requests/{rid}/temporary-save", REPORT)
    assert request_of(api, staff, rid)["values"] == {}               # saving stores nothing
    download = api.call("POST", f"/api/v1/procedure-requests/{rid}/temporary-save", {"values": REPORT}, token=staff,
                        expect=200)
    assert "attachment;" in download.headers["Content-Disposition"]
    loaded = api.call("POST", f"/api/v1/procedure-requests/{rid}/temporary-load", {"file": file}, token=staff,
                      expect=200).get_json()
    assert {k: loaded["values"].get(k) for k in REPORT} == REPORT
    assert [f["filename"] for f in request_of(api, staff, rid)["files"]] == ["doc.pdf"]   # the PDF stays


def test_another_procedure_s_or_an_edited_file_is_refused(api: Api, staff: str) -> None:
    usage = start(api, staff, "usage-request")
    file = saved(api, staff, f"/api/v1/procedure-requests/{usage}/temporary-save", {"request_phone": "0312345678"})
    report = start(api, staff, "periodic-report")
    assert api.refused("POST", f"/api/v1/procedure-requests/{report}/temporary-load", {"file": file},
                       token=staff) == ["RASIM489E"]
    raw = bytearray(base64.b64decode(file))
    raw[-3] ^= 1
    edited = base64.b64encode(bytes(raw)).decode("ascii")
    assert api.refused("POST", f"/api/v1/procedure-requests/{usage}/temporary-load", {"file": edited},
                       token=staff) == ["RASIM488E"]
    assert request_of(api, staff, usage)["values"] == {} and request_of(api, staff, report)["values"] == {}


def test_the_receipt_method_change_input_over_the_api(api: Api, staff: str) -> None:
    file = saved(api, staff, "/api/v1/receipt-method-change-requests/temporary-save", CHANGE)
    opened = api.call("POST", "/api/v1/receipt-method-change-requests/temporary-load", {"file": file}, token=staff,
                      expect=200).get_json()
    assert opened["values"] == CHANGE
    assert api.call("GET", "/api/v1/receipt-method-change-requests", token=staff, expect=200).get_json()["requests"] == []
    report = start(api, staff, "periodic-report")
    foreign = saved(api, staff, f"/api/v1/procedure-requests/{report}/temporary-save", REPORT)
    assert api.refused("POST", "/api/v1/receipt-method-change-requests/temporary-load", {"file": foreign},
                       token=staff) == ["RASIM489E"]


def test_2024_has_none_of_them(app: Any, api: Api, staff: str) -> None:
    rid = start(api, staff, "periodic-report")
    use_edition(app, "2024")
    token = api.login(api.staff_auth_id, submissions.PW)
    for path in (f"/api/v1/procedure-requests/{rid}/temporary-save", "/api/v1/receipt-method-change-requests/temporary-save"):
        r = api.call("POST", path, {"values": {}}, token=token)
        assert 400 <= r.status_code < 500 and r.status_code != 401, (path, r.status_code)
