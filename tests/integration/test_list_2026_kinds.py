"""[申込一覧] lists every 申込 of the user (003 §7.1, §7.2, edition 2026), not residence applications only: a 定期報告
(and a 利用申出) with its 処理状況, its 定期報告受付番号 as 関連情報 and its own 手続き名, found by the same
[キーワードで探す]; a 受領方法変更申出 with the numbers and the name it was made for. [詳細 >] opens the [申込詳細] of its
kind; a 返却中 定期報告 shows what was asked for and 「修正する >」, which opens its [申込] again (the correction
mail's way: [申込一覧] → [詳細] → 「修正する」). Another user's detail is unknown (404)."""
from __future__ import annotations

import re
from typing import Any

from tests.integration.test_screens import login, text
from tests.integration.test_submissions_2026 import PW, REPORT, act, start, submit, staff  # noqa: F401 (fixture)
from tests.support.api import Api

CHANGE = {"change_kind": "residence_card", "applicant_name": "HOUMU,TARO", "residence_prefecture": "東京都",
          "change_receipt_number": "TK240000001", "change_receipt_method": "post"}


def listed(api: Api, token: str, **query: Any) -> dict[str, Any]:
    return api.call("GET", "/api/v1/submissions", token=token, query_string=query, expect=200).get_json()


def report(api: Api, token: str) -> dict[str, Any]:
    rid = start(api, token, "periodic-report")
    done = submit(api, token, rid, "periodic-report", REPORT)
    assert done.status_code == 200, done.get_json()
    return done.get_json()


def test_a_periodic_report_and_a_receipt_change_are_rows_of_the_list(api: Api, staff: str) -> None:  # noqa: F811
    api.set_clock("2024-04-01T10:00:00")
    staff = api.login(api.staff_auth_id, PW)
    done = report(api, staff)
    api.set_clock("2024-04-02T10:00:00")
    staff = api.login(api.staff_auth_id, PW)
    change = api.call("POST", "/api/v1/receipt-method-change-requests", CHANGE, token=staff, expect=201).get_json()
    every = listed(api, staff)
    rows = [(r["kind"], r["procedure_name"], r["state_label"]) for r in every["rows"]]
    assert rows == [("receipt_change", "受領方法変更申出", "処理待ち"), ("procedure_request", "定期報告", "処理待ち")]
    assert every["total"] == 2 and every["rows"][1]["receipt_number"] == done["receipt_number"]
    assert every["rows"][0]["receipt_number"] == CHANGE["change_receipt_number"]
    assert every["rows"][0]["applicant_name"] == "HOUMU,TARO"
    assert [r["kind"] for r in listed(api, staff, procedure_name="定期報告")["rows"]] == ["procedure_request"]
    assert [r["kind"] for r in listed(api, staff, procedure_name="受領方法 変更")["rows"]] == ["receipt_change"]
    assert listed(api, staff, procedure_name="定期報告 一括申請")["total"] == 0
    assert [r["id"] for r in listed(api, staff, related=done["receipt_number"])["rows"]] == [done["id"]]
    assert [r["kind"] for r in listed(api, staff, related="houmu")["rows"]] == ["receipt_change"]
    assert [r["kind"] for r in listed(api, staff, applied_from="20240402")["rows"]] == ["receipt_change"]
    assert [r["kind"] for r in listed(api, staff, sort="applied_at_asc")["rows"]] == ["procedure_request",
                                                                                        "receipt_change"]
    assert change["reference_number"]


def test_the_detail_of_a_returned_report_leads_to_its_correction(client: Any, api: Api, staff: str) -> None:  # noqa: F811
    done = report(api, staff)
    act(api, done["id"], "return", "機関所在地を確認してください。")
    assert listed(api, staff)["rows"][0]["state_label"] == "返却中"
    login(client, api.staff_auth_id, PW)
    page = text(client.get("/applications/status"))
    assert f'href="/procedure-requests/{done["id"]}/detail"' in page and "定期報告" in page and "返却中" in page
    detail = text(client.get(f"/procedure-requests/{done['id']}/detail"))
    assert '<td id="procedure">定期報告</td>' in detail and done["reference_number"] in detail
    assert '<td id="note">機関所在地を確認してください。</td>' in detail
    link = re.search(r'<a class="button primary" id="correct" href="([^"]+)">修正する &gt;</a>', detail)
    assert link and link.group(1) == f"/procedure-requests/{done['id']}/correct"
    again = text(client.get(link.group(1), headers={"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "navigate"}))
    assert "機関所在地を確認してください。" in again and "追加提出を求められた資料のみ添付してください。" in again
    assert submit(api, api.login(api.staff_auth_id, PW), done["id"], "periodic-report", REPORT).status_code == 200
    assert 'id="correct"' not in text(client.get(f"/procedure-requests/{done['id']}/detail"))   # 完了: nothing to fix


def test_another_user_s_detail_is_unknown(client: Any, api: Api, staff: str) -> None:  # noqa: F811
    done = report(api, staff)
    api.call("POST", "/api/v1/receipt-method-change-requests", CHANGE, token=staff, expect=201)
    change = next(r for r in listed(api, staff)["rows"] if r["kind"] == "receipt_change")
    mine = api.call("GET", f"/api/v1/submissions/receipt-method-changes/{change['id']}", token=staff,
                    expect=200).get_json()
    assert (mine["procedure_name"], mine["state_label"], mine["correctable"]) == ("受領方法変更申出", "処理待ち", False)
    assert mine["receipt_number"] == CHANGE["change_receipt_number"] and mine["reference_number"]
    login(client, api.staff_auth_id, PW)
    page = text(client.get(f"/receipt-method-changes/{change['id']}/detail"))
    assert '<td id="procedure">受領方法変更申出</td>' in page and mine["reference_number"] in page
    assert 'id="correct"' not in page and 'id="print"' not in page
    made = api.call("POST", "/test-support/staff-accounts", {"name": "佐藤花子", "email": "other2026@example.jp",
                                                             "password": PW}, expect=201).get_json()
    login(client, made["auth_id"], PW)
    assert client.get(f"/procedure-requests/{done['id']}/detail").status_code == 404
    assert client.get(f"/receipt-method-changes/{change['id']}/detail").status_code == 404
    assert listed(api, api.login(made["auth_id"], PW))["total"] == 0
