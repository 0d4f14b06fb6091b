"""The bulk input on the screens (S11–S14, S16's 一括申請エラー確認, S26) through Flask's test client, as a
browser without JavaScript: menu → STEP1 → the file → the ticks → STEP4 → the list with the sound rows in
入力完了(申請未了) and one エラー(一括登録) row whose 登録エラー内容 shows each message once, without codes;
the file's own refusals in the red block with the 「！」 on the file chooser."""
from __future__ import annotations

import re
from io import BytesIO
from typing import Any

import pytest

from tests.integration.test_application_screens import Browser, on_screens
from tests.support.api import Api
from tests.support.bulk_flow import csv_of, professor, row_values


@pytest.fixture
def b(client: Any) -> Browser:
    return Browser(client)


@pytest.fixture
def auth_id(api: Api) -> str:
    api.put_certificate(valid_until="2030-03-31")
    return api.register_agent()


def to_upload(b: Browser) -> None:
    b.get("/menu")
    assert 'id="bulk-input"' in b.html or 'href="/procedures"' in b.html   # the 2024 menu, or 2026's catalogue
    b.get("/applications/bulk")
    assert b.current_step() == "申請種別及び在留資格選択(STEP1)"
    b.post("/applications/bulk", {"procedure": "extension_of_stay", "status_of_residence": "professor",
                                  "action": "input"})
    assert b.path == "/applications/bulk/file" and b.current_step() == "一括申請ファイルアップロード(STEP2)"
    assert "申請情報一括入力(在留期間更新許可申請)" in b.text()


def upload(b: Browser, data: bytes, name: str = "教授.csv", status: int | str = 200) -> None:
    b.post("/applications/bulk/file", {"action": "next", "bulk_file": (BytesIO(data), name)}, status=status,
           content_type="multipart/form-data")


def test_a_bulk_file_from_the_menu_to_the_list_and_its_errors(api: Api, b: Browser, auth_id: str) -> None:
    good = professor(api, "AB12345678CD", "HOUMU MIDDLE TAROU")
    bad = professor(api, "AB12345679CD", "SATO HANAKO")
    on_screens(b, auth_id)
    to_upload(b)
    upload(b, csv_of([row_values(good), row_values(bad | {"name": "SOMEONE ELSE"}, step2_1={"home_town": "Hanoi"})]))
    assert b.current_step() == "入力情報確認(STEP3)"
    assert "教授.csv" in b.text() and "申請人数: 2人" in b.text() and "在留期間更新許可申請" in b.text()
    b.post(b.path, {"action": "complete"}, status="WZBAM110E")
    assert b.errors()[1].startswith("WZBAM122E") and b.marks() == 2
    b.post(b.path, {"action": "complete", "bulk_confirmed": "on", "kept_copy": "on"})
    assert b.current_step() == "申請情報入力完了(STEP4)"
    assert "申請一覧に申請情報が反映されるまで時間がかかる場合があります。" in b.text()
    b.get("/applications/list")
    states = sorted(r["state"] for r in b.rows())
    assert states == ["エラー(一括登録)", "入力完了（申請未了）"], b.rows()
    error_row = next(r for r in b.rows() if r["state"] == "エラー(一括登録)")
    b.get(f"/applications/{error_row['id']}/bulk-errors")
    text = b.text()
    assert "登録エラー内容" in text and "-00" not in text and "-01" in text
    # Q4-26: a field's input-rule error is the generic 「！」 message — and no 「！」 to find in the Excel file …
    assert "「！」がついている項目に誤りがあります。入力内容および形式を確認し、再度入力してください。" in text
    assert "本国における居住地は全角で入力してください。" not in text   # … (the API and `rasim bulk validate` name it)
    assert "WZBAM" not in text
    assert text.count("身分事項1(STEP2-1)の国籍・地域") == 0   # the field rules stop the row before the person check


def test_the_person_check_shows_one_line_for_its_six_items(api: Api, b: Browser, auth_id: str) -> None:
    good = professor(api, "AB12345678CD", "HOUMU MIDDLE TAROU")
    on_screens(b, auth_id)
    to_upload(b)
    upload(b, csv_of([row_values(good | {"name": "SOMEONE ELSE"})]))
    b.post(b.path, {"action": "complete", "bulk_confirmed": "on", "kept_copy": "on"})
    b.get("/applications/list")
    row = b.rows()[0]
    assert row["state"] == "エラー(一括登録)"
    b.get(f"/applications/{row['id']}/bulk-errors")
    assert b.text().count("身分事項1(STEP2-1)の国籍・地域") == 1 and "-00" in b.text()


@pytest.mark.parametrize(("data", "name", "code"), [
    (b"a,b\r\n1,2\r\n", "x.txt", "WZBAM145E"),
    (b"a,b\r\n1,2\r\n", "x.csv", "WZBAM141E"),
])
def test_the_file_is_refused_on_step2_with_its_code(api: Api, b: Browser, auth_id: str, data: bytes, name: str,
                                                    code: str) -> None:
    on_screens(b, auth_id)
    to_upload(b)
    upload(b, data, name, status=code)
    assert b.marks() == 1 and b.current_step() == "一括申請ファイルアップロード(STEP2)"


def test_no_file_chosen_is_001E(api: Api, b: Browser, auth_id: str) -> None:
    on_screens(b, auth_id)
    to_upload(b)
    b.post("/applications/bulk/file", {"action": "next"}, status="WZBAM001E", content_type="multipart/form-data")


def test_169E_for_a_sound_row(api: Api, b: Browser, auth_id: str) -> None:
    good = professor(api, "AB12345678CD", "HOUMU MIDDLE TAROU")
    on_screens(b, auth_id)
    to_upload(b)
    upload(b, csv_of([row_values(good)]))
    b.post(b.path, {"action": "complete", "bulk_confirmed": "on", "kept_copy": "on"})
    b.get("/applications/list")
    row = b.rows()[0]
    b.get(f"/applications/{row['id']}/bulk-errors", status=409)
    assert "WZBAM169E" in b.text()


def test_the_menu_links_the_three_templates_and_one_downloads(api: Api, b: Browser, auth_id: str) -> None:
    on_screens(b, auth_id)
    b.get("/menu")
    for procedure in ("extension_of_stay", "change_of_status", "coe"):
        assert f'href="/templates/bulk/{procedure}"' in b.html
    b.get("/templates/bulk/extension_of_stay")
    assert "在留資格を選択して、テンプレートをダウンロードしてください。" in b.text()
    got = b.client.get("/templates/bulk/extension_of_stay/template.xlsx?status=professor")
    assert got.status_code == 200 and got.data.startswith(b"PK")   # the lawyer's layout, an .xlsx


# --- edition 2026: [一括申請読込結果], [申込詳細], 申込む, [一括申請完了] (003 §5.2–§5.3.5) ---------------------

def test_2026_read_fix_photo_apply_and_resume_on_the_screens(app: Any, api: Api, b: Browser, auth_id: str) -> None:
    from tests.support.api import use_edition
    from tests.support.application_flow import jpeg, pdf

    good = professor(api, "AB12345678CD", "HOUMU MIDDLE TAROU")
    bad = professor(api, "AB12345679CD", "SATO HANAKO")
    use_edition(app, "2026")
    on_screens(b, auth_id)
    to_upload(b)
    assert "前回保存された一括申請からの再開" not in b.text()
    upload(b, csv_of([row_values(good), row_values(bad, step2_1={"home_town": "Hanoi"})]))
    assert "/read" in b.path and "一括申請読込結果" in b.text()
    assert "ファイル行数 氏名 生年月日 ステータス 操作" in b.text()
    assert re.findall(r'<td class="status">(.*?)</td>', b.html) == ["要確認", "要確認"]
    read_url = b.path
    b.post(read_url, {"action": "apply"}, status="RASIM459E")   # 申込む while a row is 要確認
    # row 3: the ▲ item (本国における居住地, half-width) re-entered, then its photo and a PDF
    b.get(read_url.replace("/read", "/rows/3"))
    assert "申込詳細" in b.text() and "▲" in b.html and "WZBAM" not in b.text()
    cell = re.search(r'name="(cell:\d+)" value="Hanoi"', b.html).group(1)
    b.post(b.path, {"action": "fix", cell: "Hanoi2"})   # still wrong: 申込詳細 again, with what was typed
    assert b.path.endswith("/rows/3") and "▲" in b.html and f'name="{cell}" value="Hanoi2"' in b.html
    b.post(b.path, {"action": "fix", cell: "ハノイ市"})
    assert b.path == read_url
    for line in (2, 3):
        b.get(read_url.replace("/read", f"/rows/{line}"))
        b.post(b.path, {"action": "photo", "photo": (BytesIO(jpeg(300, 400)), "face.jpg")},
               content_type="multipart/form-data")
        assert "face.jpg" in b.text() and 'id="row-status">正常' in b.html
    b.post(b.path, {"action": "document", "document": (BytesIO(pdf()), "資料.pdf")}, content_type="multipart/form-data")
    assert "資料.pdf" in b.text() and "合計20ファイル、顔写真含め25MBまで添付できます。" in b.text()
    b.post(b.path, {"action": "document", "document": (BytesIO(b"GIF89a"), "資料.pdf")},
           content_type="multipart/form-data", status="WZBAM185E")
    # the saved upload is offered again on the upload screen
    to_upload(b)
    assert "前回保存された一括申請からの再開" in b.text()
    b.get(re.search(r'id="resume-button" href="([^"]+)"', b.html).group(1))
    assert b.path == read_url
    assert re.findall(r'<td class="status">(.*?)</td>', b.html) == ["正常", "正常"]
    b.post(read_url, {"action": "apply"})
    assert "一括申請完了" in b.text() and "一括申請が完了しました。" in b.text()
    number = re.search(r'id="bulk-number">(\w+)<', b.html).group(1)
    assert number.startswith("B") and re.search(r'id="bulk-count">2<', b.html)
    assert len(api.mails(kind="application_completed")) == 2
