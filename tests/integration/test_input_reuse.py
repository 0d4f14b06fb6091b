"""Temporary save / load of input in progress (003 §8.2) and the reuse of past input (§8.3), edition 2026, over
the API and on the screens (Flask's test client): the file restores the input of the same procedure only; an
edited or foreign file, another procedure's or an older version's is refused with its code, never a 500;
saving submits nothing; past input of the same procedure, the user's own, within 2 years fills the input."""
from __future__ import annotations

import base64
import dataclasses
import html
import re
from typing import Any

import pytest

from simulator import catalog
from tests.integration.test_screens import login, text, tokens
from tests.support.after_flow import lawyer_flow, submitted_wqc
from tests.support.api import PASSWORD, Api, use_edition
from tests.support.application_flow import Flow, details_wqc, identity

SAVE, LOAD = "/api/v1/application-input/temporary-save", "/api/v1/application-input/temporary-load"
PAST, REUSE = "/api/v1/application-input/reusable-applications", "/api/v1/application-input/reuse"


@pytest.fixture
def f(app: Any, api: Api) -> Flow:
    flow = lawyer_flow(api)
    use_edition(app, "2026")
    flow.token = api.login(flow.auth_id)   # type: ignore[attr-defined]
    return flow


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def wqc_in_progress(f: Flow, **step2_1: Any) -> None:
    f.start("work_qualification_certificate", "engineer_specialist_humanities_international")
    f.step("step2_1", identity(**step2_1))


def saved_file(f: Flow, values: dict | None = None) -> Any:
    r = f.call("POST", SAVE, {"values": values} if values else {}, expect=200)
    assert r.mimetype == "application/octet-stream"
    assert re.search(r'filename="work_qualification_certificate_\d{14}\.rasim"', r.headers["Content-Disposition"])
    return r.get_data()


def test_a_saved_input_loads_on_the_same_procedure_and_restores_the_input(f: Flow) -> None:
    wqc_in_progress(f)
    data = saved_file(f, {"step2_2": {"use_purpose": "転職先への提出"}})   # typed on STEP2-2, not yet 次へ
    assert b"HOUMU" not in data and "ハノイ".encode() not in data   # not readable on the PC
    wqc_in_progress(f, applicant_email="other@example.jp")            # a new input of the same procedure
    loaded = f.call("POST", LOAD, {"file": b64(data)}, expect=200).get_json()
    assert loaded["values"]["step2_1"] == identity()
    assert loaded["values"]["step2_2"] == {"use_purpose": "転職先への提出"}
    assert [s["step"] for s in loaded["steps"] if s["done"]] == ["step1"] and loaded["next_step"] == "step2_1"
    # the user goes on from there and may change what was loaded
    f.step("step2_1", identity(home_town="ホーチミン市"))
    f.step("step2_2", details_wqc())
    assert f.complete().status_code == 201


def test_saving_does_not_submit_and_changes_nothing(f: Flow, api: Api) -> None:
    wqc_in_progress(f)
    before = f.call("GET", "/api/v1/application-input", expect=200).get_json()
    saved_file(f)
    assert f.search(expect=None).get_json().get("rows", []) == []
    after = f.call("GET", "/api/v1/application-input", expect=200).get_json()
    assert after["values"] == before["values"] and after["steps"] == before["steps"]
    assert api.audit("application_input.temporarily_saved")


def test_another_procedures_file_is_refused(f: Flow) -> None:
    wqc_in_progress(f)
    data = saved_file(f)
    f.start("extension_of_stay", "engineer_specialist_humanities_international")
    r = f.call("POST", LOAD, {"file": b64(data)})
    assert f.refused(r, 422) == ["RASIM489E"]
    assert "就労資格証明書交付申請" in r.get_json()["errors"][0]["message"]
    assert f.call("GET", "/api/v1/application-input", expect=200).get_json()["values"].keys() == {"step1"}


@pytest.mark.parametrize("damage", ["flip", "foreign", "not_base64", "too_large"])
def test_an_edited_or_foreign_file_is_refused(f: Flow, app: Any, damage: str) -> None:
    wqc_in_progress(f)
    data = bytearray(saved_file(f))
    body: Any
    if damage == "flip":
        data[40] ^= 1
        body = b64(bytes(data))
    elif damage == "foreign":
        body = b64(b"%PDF-1.4 a document, not a saved input")
    elif damage == "not_base64":
        body = "@@@not base64@@@"
    else:
        body = b64(bytes(data) + b"x" * catalog.edition("2026").temporary_save_max_bytes)
    r = f.call("POST", LOAD, {"file": body})
    assert r.status_code in (413, 422), r.status_code
    assert f.refused(r)[0] in ("RASIM488E", "RASIM413E")


def test_a_file_of_an_older_version_is_refused(f: Flow, app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    wqc_in_progress(f)
    data = saved_file(f)
    real = catalog.edition

    def modified(name: str | None = None) -> Any:   # the system modified: temporary_save_version bumped
        ed = real(name)
        return dataclasses.replace(ed, temporary_save_version=ed.temporary_save_version + 1)

    monkeypatch.setattr(catalog, "edition", modified)
    app.extensions.pop("rasim.uow", None)
    assert f.refused(f.call("POST", LOAD, {"file": b64(data)}), 422) == ["RASIM490E"]


def test_the_2024_edition_has_neither(app: Any, api: Api, client: Any) -> None:
    f = lawyer_flow(api)
    f.start("work_qualification_certificate", "engineer_specialist_humanities_international")
    assert f.refused(f.call("POST", SAVE, {}), 404) == ["RASIM404E"]
    assert f.refused(f.call("GET", PAST), 404) == ["RASIM404E"]
    assert f.refused(f.call("POST", LOAD, {"file": "@@"}), 404) == ["RASIM404E"]
    login(client, f.auth_id)   # type: ignore[attr-defined]
    shown = text(client.get("/applications/input/step2_1"))
    assert "入力中のデータを一時保存" not in shown and "過去の申込から" not in shown
    assert client.get("/applications/input/step2_1/temporary-load").status_code == 404


# --- §8.3 past input ------------------------------------------------------------------------------------

def test_past_input_of_the_same_procedure_is_offered_and_fills_the_input(f: Flow, api: Api) -> None:
    app_id = submitted_wqc(f, api)
    f.start("extension_of_stay", "engineer_specialist_humanities_international")
    assert f.call("GET", PAST, expect=200).get_json()["rows"] == []      # another procedure: not offered
    assert f.refused(f.call("POST", REUSE, {"application_id": app_id}), 422) == ["RASIM491E"]
    f.start("work_qualification_certificate", "engineer_specialist_humanities_international")
    listed = f.call("GET", PAST, expect=200).get_json()
    assert [r["id"] for r in listed["rows"]] == [app_id] and listed["rows"][0]["procedure_label"] == "就労資格証明書交付申請"
    assert f.call("GET", PAST, query_string={"procedure_name": "就労資格 交付"}, expect=200).get_json()["total"] == 1
    assert f.call("GET", PAST, query_string={"procedure_name": "在留期間"}, expect=200).get_json()["total"] == 0
    assert f.call("GET", PAST, query_string={"related": "HOUMU MIDDLE", "sort": "applied_at_asc", "per_page": 20},
                  expect=200).get_json()["total"] == 1
    assert f.call("GET", PAST, query_string={"applied_to": "20000101"}, expect=200).get_json()["total"] == 0
    assert set(f.refused(f.call("GET", PAST, query_string={"per_page": 15, "applied_from": "2024-1-1"}), 400)) \
        == {"RASIM484E", "RASIM486E"}   # the criteria and codes of [申込一覧]
    filled = f.call("POST", REUSE, {"application_id": app_id}, expect=200).get_json()
    assert filled["values"]["step2_1"] == identity()
    assert filled["values"]["step2_2"]["use_purpose"] == "転職先への提出"
    assert api.audit("application_input.past_input_reused")


def test_past_input_older_than_two_years_is_not_offered(f: Flow, api: Api) -> None:
    app_id = submitted_wqc(f, api)
    api.advance(days=2 * 366)
    new = "Abcd12345!x"   # the password expired meanwhile (180 days): changed, then a new login
    api.call("POST", "/api/v1/password/expired", {"auth_id": f.auth_id, "current_password": PASSWORD,  # type: ignore[attr-defined]
                                                  "new_password": new, "new_password_confirm": new}, expect=200)
    f.token = api.login(f.auth_id, new)   # type: ignore[attr-defined]
    f.start("work_qualification_certificate", "engineer_specialist_humanities_international")
    assert f.call("GET", PAST, expect=200).get_json()["rows"] == []
    assert f.refused(f.call("POST", REUSE, {"application_id": app_id}), 422) == ["RASIM491E"]


def test_another_users_past_input_is_never_offered(app: Any, api: Api) -> None:
    f = lawyer_flow(api)
    api.put_certificate(number="172015200123", kind="scrivener", name="行政花子", birth_date="1985-05-06",
                        valid_until="2030-03-31")
    other_id = api.register_agent(email="scrivener@example.jp", agent_certificate_number="172015200123",
                                  name="行政花子", birth_date="1985-05-06")   # registered under 2024's rules
    use_edition(app, "2026")
    f.token = api.login(f.auth_id)   # type: ignore[attr-defined]
    app_id = submitted_wqc(f, api)
    other = Flow(api, api.login(other_id))
    other.start("work_qualification_certificate", "engineer_specialist_humanities_international")
    assert other.call("GET", PAST, expect=200).get_json()["rows"] == []
    assert other.refused(other.call("POST", REUSE, {"application_id": app_id}), 404) == ["RASIM404E"]


# --- the screens ------------------------------------------------------------------------------------------

PANEL = ["入力中のデータを一時保存・読み込み", "【申込データ一時保存、再読み込み時の注意事項】",
         "・添付ファイルは一時保存されません。再読み込み後は、必要に応じて、ファイルを添付し直してください。",
         "・パソコンに一時保存した申込データはパソコンで閲覧・加筆・修正することはできません。",
         "・システムに読み込む場合は一時保存した手続きの画面でしか読み込めませんので、ご注意ください",
         "・入力中の申込データをパソコンに一時保存しますので、保存した申込データの取扱いは、申請者の責任において管理をお願いします。",
         "「入力中のデータを保存する」では申込みの手続きが完了しておりませんのでご注意ください。",
         "※入力中の申込データをパソコンに一時保存します。", "※一時保存した申込データを再度読み込みます。",
         "↓ 入力中のデータを保存する", "↑ 保存データの読み込み"]
STEP = "/applications/input/step2_1"


def test_the_screens_save_and_load_the_input(client: Any, f: Flow) -> None:
    import io

    wqc_in_progress(f)
    login(client, f.auth_id)   # type: ignore[attr-defined]
    shown = text(client.get(STEP))
    assert all(line in shown for line in PANEL) and "過去の申込から入力値を自動設定する" in shown
    assert 'form="application-form"' in shown
    # the save button of the step's form: what is typed on the page is saved (home_town changed, not yet 次へ)
    saved = client.post(f"{STEP}/temporary-save", data={**tokens(shown), "home_town": "ダナン市"})
    assert saved.status_code == 200 and saved.mimetype == "application/octet-stream"
    assert ".rasim" in saved.headers["Content-Disposition"]
    data = saved.get_data()
    choose = text(client.get(f"{STEP}/temporary-load"))
    for words in ("ファイル読み込", "就労資格証明書交付申請", "ファイルを添付してください", "必須", "< 入力へ戻る",
                  "確認へ進む >"):
        assert words in html.unescape(choose), words
    missing = client.post(f"{STEP}/temporary-load", data={**tokens(choose), "action": "confirm"})
    assert missing.status_code in (400, 422) and "WZBAM001E" in text(missing)
    edited = bytearray(data)
    edited[50] ^= 1
    choose = text(missing)
    refused = client.post(f"{STEP}/temporary-load", content_type="multipart/form-data",
                          data={**tokens(choose), "action": "confirm", "file": (io.BytesIO(bytes(edited)), "x.rasim")})
    assert refused.status_code == 422 and "RASIM488E" in text(refused)
    confirm = client.post(f"{STEP}/temporary-load", content_type="multipart/form-data",
                          data={**tokens(text(refused)), "action": "confirm", "file": (io.BytesIO(data), "mine.rasim")})
    page = text(confirm)
    assert "ファイル読込確認" in page and "mine.rasim" in page and "読込む" in page
    file_data = re.search(r'name="file_data" value="([^"]+)"', page).group(1)
    done = client.post(f"{STEP}/temporary-load", data={**tokens(page), "action": "load", "file_data": file_data})
    assert done.status_code == 200 and "< 入力へ戻る" in html.unescape(text(done))
    again = text(client.get(STEP))
    assert 'value="ダナン市"' in again


def test_the_screens_refuse_without_csrf_and_another_procedures_file(client: Any, f: Flow) -> None:
    import io

    wqc_in_progress(f)
    data = saved_file(f)
    f.start("extension_of_stay", "engineer_specialist_humanities_international")
    login(client, f.auth_id)   # type: ignore[attr-defined]
    assert "RASIM419E" in text(client.post(f"{STEP}/temporary-save", data={}))
    choose = text(client.get(f"{STEP}/temporary-load"))
    refused = client.post(f"{STEP}/temporary-load", content_type="multipart/form-data",
                          data={**tokens(choose), "action": "confirm", "file": (io.BytesIO(data), "a.rasim")})
    assert refused.status_code == 422 and "RASIM489E" in text(refused) and "就労資格証明書交付申請" in text(refused)
    cap = catalog.edition("2026").temporary_save_max_bytes
    too_large = client.post(f"{STEP}/temporary-load", content_type="multipart/form-data",
                            data={**tokens(text(refused)), "action": "confirm",
                                  "file": (io.BytesIO(data + b"x" * cap), "big.rasim")})
    assert too_large.status_code == 422 and "RASIM488E" in text(too_large)


def test_the_past_applications_list_fills_the_input(client: Any, f: Flow, api: Api) -> None:
    app_id = submitted_wqc(f, api)
    f.start("work_qualification_certificate", "engineer_specialist_humanities_international")
    login(client, f.auth_id)   # type: ignore[attr-defined]
    listed = text(client.get(f"{STEP}/past"))
    for words in ("過去申込一覧", "キーワードで探す", "関連情報", "手続き名", "申込日", "入力例) 2000年1月23日は20000123と入力",
                  "検索 >", "申込日時 降順", "10件ずつ表示", "処理状況", "操作", "選択 >"):
        assert words in html.unescape(listed), words
    assert f'id="past-{app_id}"' in listed
    assert f'id="past-{app_id}"' not in text(client.get(f"{STEP}/past?applied_to=20000101"))
    assert "RASIM484E" in text(client.get(f"{STEP}/past?applied_from=2024-01-01"))
    assert client.post(f"{STEP}/past/{app_id}", data={}).status_code == 400   # CSRF
    chosen = client.post(f"{STEP}/past/{app_id}", data=tokens(listed))
    assert chosen.status_code == 302 and chosen.headers["Location"].endswith(STEP)
    assert 'value="ハノイ市"' in text(client.get(STEP))
    assert client.post(f"{STEP}/past/999999", data=tokens(listed)).status_code == 404
