"""利用申出 and 定期報告 online, edition 2026 (003 §3.3, §6, §7.2) over the API: [申込] with its form (the 12
digits of 申請等取次者証明書番号, the 必須 items, the kana of 機関名称（フリガナ）), PDFs (20 files / 20 MB, the PDF
refusals), [申込む] with the 整理番号 and パスワード in two mails (a 定期報告 then its 定期報告受付番号), the
bureau's return with the reminder after 7 days, the correction, and the approval that lets organisation staff
file residence applications (refused before). Edition 2024 does not offer them."""
from __future__ import annotations

from typing import Any

import pytest

from tests.support.api import PASSWORD, Api, use_edition
from tests.support.application_flow import pdf

STAFF = "staff2026@example.jp"
USAGE = {"usage_request_kind": "new", "request_organisation_name": "株式会社青葉商事", "request_phone": "0312345678",
         "request_birth_date_kind": "known", "request_birth_date": "1980-01-02"}
REPORT = {"report_organisation_name_kana": "アオバショウジ ﾄｳｷｮｳｼﾃﾝ", "report_organisation_name": "株式会社青葉商事",
          "report_organisation_address": "東京都千代田区霞が関１－１－１", "report_organisation_phone": "0312345678"}
STEP1 = {"procedure": "extension_of_stay", "status_of_residence": "engineer_specialist_humanities_international"}
PW = "Aa1!" + "x" * 8


@pytest.fixture
def staff(app: Any, api: Api) -> str:
    """A registered organisation staff user of edition 2026 without an approved usage request: the token."""
    use_edition(app, "2026")
    made = api.call("POST", "/test-support/staff-accounts", {"name": "山田太郎", "email": STAFF, "password": PW},
                    expect=201).get_json()
    api.staff_auth_id = made["auth_id"]
    return api.login(made["auth_id"], PW)


def start(api: Api, token: str, slug: str) -> int:
    return api.call("POST", f"/api/v1/procedures/{slug}/requests", token=token, expect=201).get_json()["id"]


def attach(api: Api, token: str, rid: int, data: bytes, name: str = "doc.pdf") -> Any:
    return api.call("POST", f"/api/v1/procedure-requests/{rid}/files?filename={name}", token=token, data=data,
                    headers={"Content-Type": "application/pdf"})


def submit(api: Api, token: str, rid: int, path: str, values: dict) -> Any:
    return api.call("POST", f"/api/v1/procedure-requests/{rid}/{path}", values, token=token)


def filed_usage_request(api: Api, token: str) -> dict:
    rid = start(api, token, "usage-request")
    assert attach(api, token, rid, pdf()).status_code == 201
    r = submit(api, token, rid, "usage-request", USAGE)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def act(api: Api, rid: int, action: str, note: str = "") -> Any:
    return api.call("POST", f"/test-support/bureau/procedure-requests/{rid}/actions", {"action": action, "note": note})


def test_usage_request_gives_two_mails_and_approval_enables_filing(api: Api, staff: str) -> None:
    assert api.refused("POST", "/api/v1/application-input", {"values": STEP1}, token=staff, status=403) == ["RASIM498E"]
    done = filed_usage_request(api, staff)
    assert done["state"] == "pending" and done["status_label"] == "処理待ち"
    assert done["reference_number"].startswith("S2024") and len(done["password"]) == 12
    numbers = api.mails(STAFF, "procedure_reference_number")
    passwords = api.mails(STAFF, "procedure_password")
    assert len(numbers) == 1 and len(passwords) == 1
    assert done["reference_number"] in numbers[0]["body"] and done["password"] not in numbers[0]["body"]
    assert done["password"] in passwords[0]["body"] and done["reference_number"] not in passwords[0]["body"]
    assert "利用申出(新たに在留諸申請の実施を希望する所属機関等の方)" in numbers[0]["body"]
    assert act(api, done["id"], "approve").status_code == 200
    assert len(api.mails(STAFF, "usage_request_online_approved")) == 1
    assert api.call("POST", "/api/v1/application-input", {"values": STEP1}, token=staff).status_code == 201
    listed = api.call("GET", "/api/v1/procedure-requests", token=staff, expect=200).get_json()["procedure_requests"]
    assert [(r["id"], r["status_label"]) for r in listed] == [(done["id"], "完了")]


def test_the_form_rules(api: Api, staff: str) -> None:
    rid = start(api, staff, "usage-request")
    assert api.refused("POST", f"/api/v1/procedure-requests/{rid}/usage-request", USAGE, token=staff) == ["WZBAM001E"]
    attach(api, staff, rid, pdf())
    for bad in ("12345678912", "1234567891234", "12345678912a", "１２３４５６７８９１２３"):
        codes = api.refused("POST", f"/api/v1/procedure-requests/{rid}/usage-request",
                            USAGE | {"request_agent_certificate_number": bad}, token=staff, status=422)
        assert codes in (["WZBAM004E"], ["WZBAM005E"]), (bad, codes)
    missing = {k: v for k, v in USAGE.items() if k != "usage_request_kind"}
    assert api.refused("POST", f"/api/v1/procedure-requests/{rid}/usage-request", missing, token=staff)
    additional = USAGE | {"usage_request_kind": "additional"}
    assert api.refused("POST", f"/api/v1/procedure-requests/{rid}/usage-request", additional, token=staff)
    assert api.mails(STAFF, "procedure_reference_number") == []   # nothing stored half-way
    ok = submit(api, staff, rid, "usage-request", additional | {"first_request_office": "オンライン申請",
                                                                 "request_agent_certificate_number": "123456789123"})
    assert ok.status_code == 200, ok.get_json()
    assert ok.get_json()["values"]["request_agent_certificate_number"] == "123456789123"


def test_files_limits_and_refused_pdfs(api: Api, staff: str) -> None:
    rid = start(api, staff, "usage-request")
    for _ in range(20):
        assert attach(api, staff, rid, pdf()).status_code == 201
    r = attach(api, staff, rid, pdf())
    assert r.status_code == 422 and api.codes(r) == ["RASIM496E"]
    assert "合計20ファイルまで" in r.get_json()["errors"][0]["message"]
    other = start(api, staff, "periodic-report")
    assert attach(api, staff, other, pdf(padding=15 * 1024 * 1024)).status_code == 201
    r = attach(api, staff, other, pdf(padding=6 * 1024 * 1024))
    assert r.status_code == 413 and api.codes(r) == ["RASIM497E"]
    r = attach(api, staff, other, pdf(encrypt=True))
    assert r.status_code == 422 and api.codes(r) == ["RASIM458E"]
    r = attach(api, staff, other, b"%PDF-1.4 not really")
    assert r.status_code == 422
    files = api.call("GET", f"/api/v1/procedure-requests/{other}", token=staff, expect=200).get_json()["files"]
    assert len(files) == 1
    api.call("DELETE", f"/api/v1/procedure-requests/{other}/files/{files[0]['file_id']}", token=staff, expect=200)
    assert attach(api, staff, other, pdf(padding=6 * 1024 * 1024)).status_code == 201


def test_periodic_report_number_mail_and_correction_reminder(api: Api, staff: str) -> None:
    rid = start(api, staff, "periodic-report")
    bad = api.refused("POST", f"/api/v1/procedure-requests/{rid}/periodic-report",
                      REPORT | {"report_organisation_name_kana": "青葉"}, token=staff, status=422)
    assert bad == ["WZBAM005E"]
    done = submit(api, staff, rid, "periodic-report", REPORT).get_json()
    kinds = [m["kind"] for m in api.mails(STAFF)]
    assert kinds == ["procedure_reference_number", "procedure_password", "periodic_report_receipt_number"]
    assert done["receipt_number"] and done["receipt_number"] in api.mails(STAFF, "periodic_report_receipt_number")[0]["body"]
    assert act(api, rid, "return", "在職証明書を追加してください。").get_json()["status_label"] == "返却中"
    assert len(api.mails(STAFF, "procedure_request_correction")) == 1
    api.advance(days=6, hours=23)
    assert len(api.mails(STAFF, "procedure_request_correction")) == 1
    api.advance(hours=2)
    staff = api.login(api.staff_auth_id, PW)   # the session ended in the 7 days
    again = api.mails(STAFF, "procedure_request_correction")
    assert len(again) == 2 and "(再送)" in again[1]["subject"] and "在職証明書を追加" in again[1]["body"]
    assert attach(api, staff, rid, pdf(padding=19 * 1024 * 1024)).status_code == 201
    r = attach(api, staff, rid, pdf(padding=2 * 1024 * 1024))
    assert r.status_code == 413 and api.codes(r) == ["RASIM497E"]   # the correction's own 20 MB
    resent = submit(api, staff, rid, "periodic-report", REPORT).get_json()
    assert resent["state"] == "pending" and resent["reference_number"] == done["reference_number"]
    assert [f["round"] for f in resent["files"]] == [1]
    api.advance(days=8)
    assert len(api.mails(STAFF, "procedure_request_correction")) == 2   # corrected: no more reminders
    assert act(api, rid, "return").status_code == 200 and act(api, rid, "approve").status_code == 409


def test_access_and_editions(app: Any, api: Api, staff: str) -> None:
    rid = start(api, staff, "periodic-report")
    other = api.call("POST", "/test-support/staff-accounts", {"name": "佐藤", "email": "o@example.jp", "password": PW},
                     expect=201).get_json()
    other_token = api.login(other["auth_id"], PW)
    assert api.refused("GET", f"/api/v1/procedure-requests/{rid}", token=other_token, status=404) == ["RASIM404E"]
    assert attach(api, other_token, rid, pdf()).status_code == 404
    assert api.refused("POST", "/api/v1/procedures/no-such/requests", token=staff, status=404) == ["RASIM499E"]
    assert api.refused("POST", f"/api/v1/procedure-requests/{rid}/usage-request", USAGE, token=staff,
                       status=404) == ["RASIM404E"]
    use_edition(app, "2024")
    assert api.refused("POST", "/api/v1/procedures/usage-request/requests", token=staff) == ["RASIM499E"]
    assert PASSWORD


def test_screens_usage_request_from_apply_to_done(client: Any, api: Api, staff: str) -> None:
    from tests.integration.test_screens import login, text, tokens

    login(client, api.staff_auth_id, PW)
    page = text(client.get("/procedures/usage-request/apply"))
    assert "選択中の手続き名： 利用申出(新たに在留諸申請の実施を希望する所属機関等の方)" in page
    assert "新規利用申出 New asking of usage" in page and "例) 123456789123" in page
    posted = client.post("/procedures/usage-request/apply", data={
        **tokens(page), "action": "attach", "document": (__import__("io").BytesIO(pdf()), "在職証明.pdf")},
        content_type="multipart/form-data")
    assert posted.status_code == 200 and "在職証明.pdf" in text(posted)
    bad = client.post("/procedures/usage-request/apply", data={
        **tokens(text(posted)), "action": "confirm", **(USAGE | {"request_phone": ""})})
    assert bad.status_code == 422 and "電話番号は入力必須項目です。" in text(bad) and "WZBAM" not in text(bad)
    confirm = client.post("/procedures/usage-request/apply", data={**tokens(text(bad)), "action": "confirm", **USAGE})
    assert "まだ申込みは完了していません。" in text(confirm) and "0312345678" in text(confirm)
    done = client.post("/procedures/usage-request/apply", data={**tokens(text(confirm)), "action": "submit"})
    assert done.status_code == 302
    shown = text(client.get(done.headers["Location"]))
    assert "利用申出(新たに在留諸申請の実施を希望する所属機関等の方)の手続きの申込を受付しました。" in shown
    password = api.mails(STAFF, "procedure_password")[0]["body"].split("パスワード: ")[1].split("\n")[0]
    assert password in shown and "なお、内容に不備がある場合には別途ご連絡を差し上げる事があります。" in shown


def test_a_huge_declared_length_is_refused_unread(app: Any, api: Api, staff: str) -> None:
    from simulator.adapters.db_applications import StoredFile
    from simulator.adapters.db_procedure_requests import ProcedureRequestFile

    rid = start(api, staff, "usage-request")
    for declared in (20 * 1024 * 1024 + 1, 2**40):
        r = api.client.open(f"/api/v1/procedure-requests/{rid}/files", method="POST", data=pdf(),
                            content_type="application/pdf", query_string={"filename": "a.pdf"},
                            headers={"Authorization": f"Bearer {staff}"},
                            environ_overrides={"CONTENT_LENGTH": str(declared)})
        assert r.status_code == 413 and api.codes(r) == ["RASIM497E"], (declared, r.get_json())
    with app.extensions["rasim.sessions"]() as db:
        assert db.query(ProcedureRequestFile).count() == 0 and db.query(StoredFile).count() == 0


def test_screens_periodic_report_and_its_correction(app: Any, client: Any, api: Api, staff: str) -> None:
    from tests.integration.test_screens import login, text, tokens

    login(client, api.staff_auth_id, PW)
    page = text(client.get("/procedures/periodic-report/apply"))
    assert "選択中の手続き名： 定期報告" in page and "1 外国人を受け入れる機関等について" in page
    assert "全角半角カナ・記号、256文字以内" in page and "例)〇〇カブシキガイシャ" in page
    confirm = client.post("/procedures/periodic-report/apply", data={**tokens(page), "action": "confirm", **REPORT})
    done = client.post("/procedures/periodic-report/apply", data={**tokens(text(confirm)), "action": "submit"})
    shown = text(client.get(done.headers["Location"]))
    assert "定期報告の手続きの申込を受付しました。" in shown and "なお、内容に不備がある" not in shown
    rid = int(done.headers["Location"].split("/")[-2])
    assert client.get(f"/procedure-requests/{rid}/correct").status_code == 409   # 処理待ち: nothing to correct
    act(api, rid, "return", "機関所在地を確認してください。")
    page = text(client.get(f"/procedure-requests/{rid}/correct"))
    assert "機関所在地を確認してください。" in page and "追加提出を求められた資料のみ添付してください。" in page
    confirm = client.post(f"/procedure-requests/{rid}/correct", data={**tokens(page), "action": "confirm", **REPORT})
    client.post(f"/procedure-requests/{rid}/correct", data={**tokens(text(confirm)), "action": "submit"})
    token = api.login(api.staff_auth_id, PW)
    assert api.call("GET", f"/api/v1/procedure-requests/{rid}", token=token).get_json()["status_label"] == "処理待ち"
    use_edition(app, "2024")
    assert client.get("/procedures/periodic-report/apply").status_code == 404


def test_bureau_console_returns_and_approves(client: Any, api: Api, staff: str) -> None:
    from tests.integration.test_screens import text, tokens

    done = filed_usage_request(api, staff)
    page = text(client.get("/bureau/procedure-requests"))
    assert done["reference_number"] in page and "処理待ち" in page
    url = f"/bureau/procedure-requests/{done['id']}/actions"
    back = client.post(url, data={**tokens(page), "action": "return", "note": "資料を追加してください。"})
    assert back.status_code == 302 and "返却中" in text(client.get("/bureau/procedure-requests"))
    assert "資料を追加してください。" in api.mails(STAFF, "procedure_request_correction")[0]["body"]
    client.post(url, data={**tokens(page), "action": "approve"})
    assert "返却中" in text(client.get("/bureau/procedure-requests"))   # RASIM470E: not from 返却中
    assert api.mails(STAFF, "usage_request_online_approved") == []
