"""Choosing a procedure and My Page in edition 2026 (003 §4.1, §6, §8.1, §9): [オンライン申請手続き] with the keyword
search, sort, page size and pages; [手続き説明] with the 利用規約 and [同意する] into the procedure's input; the
favourites on the screens and over the API (per user, CSRF); [マイページ] and [利用者詳細]."""
from __future__ import annotations

import re
from typing import Any

import pytest

from tests.integration.test_screens import login, text, tokens
from tests.support.api import Api, use_edition

PASSWORD = "Abcd12345!"   # valid in edition 2026 (10–20 characters, four kinds)


@pytest.fixture
def staff(app: Any, api: Api) -> tuple[str, str]:
    """A host organisation's staff member of edition 2026: (auth_id, API token)."""
    use_edition(app, "2026")
    auth_id, _ = api.staff(email="yamada@example.jp", password=PASSWORD)
    return auth_id, api.login(auth_id, PASSWORD)


@pytest.fixture
def screens(client: Any, staff: tuple[str, str]) -> Any:
    login(client, staff[0], PASSWORD)
    return client


def names(html: str) -> list[str]:
    return re.findall(r'<li id="(?:procedure|favourite)-[a-z_]+"><a href="[^"]+">([^<]+)</a>', html)


def test_the_list_shows_the_ten_of_the_sample_page_newest_first(screens: Any) -> None:
    page = text(screens.get("/procedures"))
    assert "キーワードで探す" in page and "類義語検索を行う" in page and "受付開始日時 降順" in page
    assert "10件ずつ表示" in page and "2024年04月01日 09時00分 現在" in page
    assert names(page) == ["在留資格認定証明書交付申請", "在留資格取得許可申請", "在留資格変更許可申請", "在留期間更新許可申請",
                           "就労資格証明書交付申請", "一括申請（在留資格認定証明書交付申請）", "一括申請（在留資格変更許可申請）",
                           "一括申請（在留期間更新許可申請）", "受領方法変更申出", "定期報告"]
    assert "受付開始：2025年10月20日 00時00分" in page and "受付終了： 随時" in page
    assert "検索結果" not in page   # only after a keyword search
    second = names(text(screens.get("/procedures?page=2")))
    assert second[0] == "利用申出(新たに在留諸申請の実施を希望する所属機関等の方)" and len(second) == 2
    assert len(names(text(screens.get("/procedures?per_page=20")))) == 12
    oldest = names(text(screens.get("/procedures?sort=asc&per_page=20")))
    assert oldest[-1] == "在留資格認定証明書交付申請" and oldest[0] == "受領方法変更申出"


def test_keyword_search_and_synonyms(screens: Any) -> None:
    found = text(screens.get("/procedures", query_string={"keywords": "受領"}))
    assert "検索結果 1 件" in found and names(found) == ["受領方法変更申出"]
    both = text(screens.get("/procedures", query_string={"keywords": "一括　在留期間"}))   # a full-width space: AND
    assert "検索結果 1 件" in both and names(both) == ["一括申請（在留期間更新許可申請）"]
    assert "検索結果 0 件" in text(screens.get("/procedures", query_string={"keywords": "受取"}))
    synonym = text(screens.get("/procedures", query_string={"keywords": "受取", "synonyms": "1"}))
    assert "検索結果 1 件" in synonym and names(synonym) == ["受領方法変更申出"]


def test_description_terms_and_agreement_lead_to_the_input(screens: Any, api: Api, staff: tuple[str, str]) -> None:
    page = text(screens.get("/procedures/work_qualification_certificate"))
    for part in ("手続き説明", "外国人在留総合インフォメーションセンター", "0570-013904", "ダウンロードファイル1",
                 "利用可能な申請種別及び在留資格（対象範囲）.pdf", "2025年9月30日0時00分 ～", "★ お気に入り登録",
                 "ご利用前に必ずお読みください。", "電子証明書の検", "&lt; 一覧へ戻る", "同意する &gt;"):
        assert part in page, part
    agreed = screens.post("/procedures/change_of_status/agreement", data=tokens(page))
    assert agreed.status_code == 302 and agreed.headers["Location"].endswith("/applications/input?procedure=change_of_status")
    step1 = text(screens.get(agreed.headers["Location"]))
    assert re.search(r'<option value="change_of_status"[^>]*selected', step1), step1[:3000]
    entries = api.audit("procedure.terms_accepted")
    assert [(e["target"], e["detail"]["procedure"]) for e in entries] == [(staff[0], "change_of_status")]
    bulk = screens.post("/procedures/bulk_extension_of_stay/agreement", data=tokens(page))
    assert bulk.status_code == 302 and bulk.headers["Location"].endswith("/applications/bulk")
    assert 'value="extension_of_stay" selected' in text(screens.get("/applications/bulk"))


def test_the_notification_system_entry_refuses_agreement(screens: Any) -> None:
    page = text(screens.get("/procedures/notification_usage_request"))
    assert "電子届出システム" in page
    refused = screens.post("/procedures/notification_usage_request/agreement", data=tokens(page))
    assert refused.status_code == 422 and "RASIM480E" in text(refused)
    assert screens.post("/procedures/change_of_status/agreement").status_code == 400   # without the CSRF token


def test_favourites_on_the_screens(screens: Any) -> None:
    panel = text(screens.get("/procedures/change_of_status?panel=favourite"))
    assert "お気に入り登録することで、次回手続き検索を行わずに、マイページから簡単に手続き申込が行えます。" in panel
    assert screens.post("/procedures/change_of_status/favourite").status_code == 400   # no CSRF token: nothing stored
    assert "お気に入り登録済" not in text(screens.get("/procedures/change_of_status"))
    done = screens.post("/procedures/change_of_status/favourite", data=tokens(panel), follow_redirects=True)
    assert "★ お気に入り登録済" in text(done)
    listed = text(screens.get("/mypage/favourites"))
    assert names(listed) == ["在留資格変更許可申請"] and "⊗ お気に入りから削除" in listed and "マイページへ戻る" in listed
    confirm = text(screens.get("/procedures/change_of_status/favourite/delete?back=favourites"))
    assert "削除する" in confirm
    gone = screens.post("/procedures/change_of_status/favourite/delete", data={**tokens(confirm), "back": "favourites"})
    assert gone.status_code == 302 and gone.headers["Location"].endswith("/mypage/favourites")
    assert names(text(screens.get("/mypage/favourites"))) == []


def test_mypage_and_user_detail(screens: Any, staff: tuple[str, str]) -> None:
    hub = text(screens.get("/mypage"))
    for item in ("申請内容の確認", "お気に入り手続き", "利用者情報の確認"):
        assert item in hub
    assert 'href="/procedures"' in hub and 'href="/mypage"' in hub   # the header's 手続き検索 and マイページ
    assert '<a id="mypage-applications" href="/applications/status">' in hub   # [申込一覧] of edition 2026
    detail = text(screens.get("/mypage/user"))
    rows = re.findall(r'<tr id="row-\w+"><th>([^<]+)</th><td>([^<]*)</td>', detail)
    assert [r[0] for r in rows] == ["利用者区分", "利用者ID", "氏名 (英字)", "生年月日", "機関所在地", "電話番号",
                                    "メールアドレス"]
    assert dict(rows)["利用者ID"] == staff[0] and dict(rows)["メールアドレス"] == "yamada@example.jp"
    for button in ("メールアドレスを変更する &gt;", "パスワードを変更する &gt;", "その他情報を変更する &gt;"):
        assert button in detail
    assert 'href="/profile/password"' in detail


def test_the_api_per_user_and_refusals(api: Api, staff: tuple[str, str]) -> None:
    _, token = staff
    other_id, _ = api.staff(email="sato@example.jp", password=PASSWORD, organisation_name="株式会社別商事")
    other = api.login(other_id, PASSWORD)
    r = api.call("GET", "/api/v1/procedures", token=token, query_string={"keywords": "受領"}, expect=200).get_json()
    assert r["total"] == 1 and r["procedures"][0]["key"] == "receipt_method_change"
    assert api.refused("GET", "/api/v1/procedures?per_page=15", token=token, status=400) == ["RASIM400E"]
    assert api.refused("GET", "/api/v1/procedures?synonyms=null", token=token, status=400) == ["RASIM400E"]
    assert api.refused("GET", "/api/v1/procedures?sort=random", token=token, status=400) == ["RASIM400E"]
    assert api.refused("GET", "/api/v1/procedures", status=401) == ["RASIM401E"]
    api.call("PUT", "/api/v1/favourite-procedures/coe", token=token, expect=200)
    assert api.refused("PUT", "/api/v1/favourite-procedures/coe", token=token, status=409) == ["RASIM482E"]
    assert api.refused("PUT", "/api/v1/favourite-procedures/nothing", token=token, status=404) == ["RASIM404E"]
    mine = api.call("GET", "/api/v1/favourite-procedures", token=token, expect=200).get_json()["procedures"]
    assert [p["key"] for p in mine] == ["coe"]
    assert api.call("GET", "/api/v1/favourite-procedures", token=other, expect=200).get_json()["procedures"] == []
    assert api.refused("DELETE", "/api/v1/favourite-procedures/coe", token=other, status=404) == ["RASIM483E"]
    assert api.call("GET", "/api/v1/procedures/coe", token=token, expect=200).get_json()["favourite"] is True
    assert api.call("GET", "/api/v1/procedures/coe", token=other, expect=200).get_json()["favourite"] is False
    api.call("DELETE", "/api/v1/favourite-procedures/coe", token=token, expect=200)
    assert api.call("GET", "/api/v1/favourite-procedures", token=token, expect=200).get_json()["procedures"] == []
    agreed = api.call("POST", "/api/v1/procedures/bulk_coe/agreement", token=token, expect=200).get_json()
    assert agreed["kind"] == "bulk" and agreed["files"] == "coe" and agreed["url"] == "/applications/bulk"
    for key in ("usage_request", "periodic_report"):   # the screens other parts serve, named by the catalogue rows
        out = api.call("POST", f"/api/v1/procedures/{key}/agreement", token=token, expect=200).get_json()
        assert out["kind"] == key and out["url"] and out["url"].startswith("/procedures/"), out
    assert api.refused("POST", "/api/v1/procedures/notification_usage_request/agreement", token=token,
                       status=422) == ["RASIM480E"]


def test_the_2024_edition_has_no_catalogue(app: Any, api: Api, client: Any, staff: tuple[str, str]) -> None:
    use_edition(app, "2024")
    r = api.call("GET", "/api/v1/procedures", token=staff[1], expect=200).get_json()
    assert r["total"] == 0
    assert client.get("/procedures").status_code == 404


def test_the_list_and_the_description_before_login(app: Any, client: Any) -> None:
    """003 §1.5: the logged-out header has 手続き検索 too; [同意する] and the favourites need the login."""
    use_edition(app, "2026")
    listed = client.get("/procedures", query_string={"keywords": "受領"})
    assert listed.status_code == 200 and names(text(listed)) == ["受領方法変更申出"]
    page = text(client.get("/procedures/coe"))
    assert "ご利用前に必ずお読みください。" in page and "お気に入り登録" not in page
    agreed = client.post("/procedures/coe/agreement", data=tokens(page))
    assert agreed.status_code == 401 and "RASIM401E" in text(agreed)
    assert client.post("/procedures/coe/favourite", data=tokens(page)).status_code == 401
