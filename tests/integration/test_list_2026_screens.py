"""The current system's screens after applying (003 §7.1, §7.3; edition 2026): [申込一覧] with [キーワードで探す]
(関連情報, 手続き名 AND, 申込日 YYYYMMDD), 並び替え, 表示数変更 and paging; the same search over the API (GET
/api/v1/submissions, 400 with RASIM484E–486E); [申込詳細] with 「修正する >」 only when 返却中 and another user's
404; [申込内容印刷]; the 受領方法変更申出 [申込] → [申込確認] → [申込完了] with its errors under the item (no code)
and its CSRF; and the 2024 申請情報一覧 unchanged."""
from __future__ import annotations

import re
from typing import Any

import pytest

from tests.integration.test_screens import login, text, tokens
from tests.support.after_flow import act, lawyer_flow, later
from tests.support.api import Api, use_edition
from tests.support.application_flow import PERSON, Flow, person

NAMES = ("HOUMU MIDDLE TAROU", "SATO ANNA", "KIM MINJUN")
CARDS = ("AB12345678CD", "AB22345678CD", "AB32345678CD")


@pytest.fixture
def three(app: Any, api: Api) -> tuple[Flow, list[int]]:
    """Three 就労資格証明書交付申請 of three persons, applied on 2024-04-01, 04-02 and 04-03 at 10:00, numbered."""
    api.set_clock("2024-04-01T10:00:00")
    f = lawyer_flow(api)              # registered under the 2024 password rules, then the 2026 system
    f.other = api.staff(email="other@example.jp")[0]   # type: ignore[attr-defined]
    use_edition(app, "2026")
    f.token = api.login(f.auth_id)   # type: ignore[attr-defined]
    ids = []
    for name, card in zip(NAMES, CARDS, strict=True):
        record = {"residence_card_number": card, "name": name}
        person(api, **record)
        app_id = f.wqc(PERSON | record)["id"]
        f.submit(app_id)
        ids.append(app_id)
        later(f, days=1)
    return f, ids


def listed(f: Flow, expect: int = 200, **query: Any) -> Any:
    return f.call("GET", "/api/v1/submissions", query_string=query, expect=expect).get_json()


def names(found: dict) -> list[str]:
    return [r["applicant_name"].replace(",", " ") for r in found["rows"]]


def test_the_api_searches_by_related_name_and_dates(three: tuple[Flow, list[int]]) -> None:
    f, ids = three
    every = listed(f)
    assert names(every) == list(reversed(NAMES)) and every["total"] == 3 and every["per_page"] == 10
    assert every["rows"][0]["procedure_name"] == "就労資格証明書交付申請" and every["rows"][0]["state_label"] == "申請完了"
    assert names(listed(f, related="anna")) == ["SATO ANNA"]                     # a part, either case
    assert names(listed(f, related="sato anna")) == names(listed(f, related="SATO,ANNA")) == ["SATO ANNA"]
    number = every["rows"][1]["receipt_number"]
    assert number and names(listed(f, related=number[-6:])) == ["SATO ANNA"]
    assert names(listed(f, related=every["rows"][2]["provisional_number"])) == ["HOUMU MIDDLE TAROU"]
    assert listed(f, procedure_name="就労資格 証明書")["total"] == 3              # both words: AND
    assert listed(f, procedure_name="就労資格 在留期間")["total"] == 0
    assert listed(f, procedure_name="一括申請")["total"] == 0                       # no bulk row here
    assert names(listed(f, applied_from="20240402", applied_to="20240402")) == ["SATO ANNA"]
    assert names(listed(f, applied_from="20240402")) == ["KIM MINJUN", "SATO ANNA"]
    assert names(listed(f, sort="applied_at_asc")) == list(NAMES)


def test_the_api_pages_and_refuses_bad_parameters_with_the_codes(three: tuple[Flow, list[int]]) -> None:
    f, _ = three
    for query, code in (({"applied_from": "2024-04-01"}, "RASIM484E"), ({"applied_to": "20240230"}, "RASIM484E"),
                        ({"applied_from": "20240403", "applied_to": "20240401"}, "RASIM485E"),
                        ({"sort": "name"}, "RASIM486E"), ({"per_page": "15"}, "RASIM486E")):
        body = listed(f, 400, **query)
        assert [e["code"] for e in body["errors"]] == [code], (query, body)
    assert listed(f, per_page="20")["per_page"] == 20
    assert listed(f, applied_from="00010101", applied_to="99991231")["total"] == 3   # the ends of the calendar
    assert listed(f, applied_from="00000101", expect=400)["errors"][0]["code"] == "RASIM484E"


def test_the_list_screen_searches_sorts_and_pages(client: Any, three: tuple[Flow, list[int]]) -> None:
    f, ids = three
    login(client, f.auth_id)   # type: ignore[attr-defined]
    page = text(client.get("/applications/status"))
    for word in ("申込一覧", "キーワードで探す", "関連情報", "手続き名", "申込日", "入力例) 2000年1月23日は20000123と入力",
                 "検索 &gt;", "申込日時 降順", "申込日時 昇順", "10件ずつ表示", "20件ずつ表示", "最初へ", "前へ", "次へ",
                 "最後へ", "処理状況", "操作", "詳細 &gt;", "受付仮番号:", "受付番号:", "氏名:"):
        assert word in page, word
    assert "2024年04月04日 10時00分 現在" in page
    rows = re.findall(r'<tr id="submission-(\d+)">', page)
    assert rows == [str(i) for i in reversed(ids)]
    assert "2024年4月3日10時" in page and '<strong class="current" aria-current="page">1</strong>' in page
    found = text(client.get("/applications/status", query_string={"related": "kim"}))
    assert re.findall(r'<tr id="submission-(\d+)">', found) == [str(ids[2])]
    bad = client.get("/applications/status", query_string={"applied_from": "2024/04/01"})
    assert bad.status_code == 400
    html = text(bad)
    assert "申込日(開始)は年月日を8桁の半角数字で入力してください。" in html and "RASIM484E" not in html
    assert re.search(r'class="item has-error">\s*<div class="item-name" id="item-applied_from"><span class="warn"', html)
    asc = text(client.get("/applications/status", query_string={"sort": "applied_at_asc"}))
    assert re.findall(r'<tr id="submission-(\d+)">', asc) == [str(i) for i in ids]


def test_the_detail_offers_correction_only_when_returned_and_hides_others(
        app: Any, client: Any, api: Api, three: tuple[Flow, list[int]]) -> None:
    f, ids = three
    login(client, f.auth_id)   # type: ignore[attr-defined]
    detail = text(client.get(f"/applications/{ids[0]}/detail"))
    for word in ("申込詳細", "※添付ファイルは一度パソコンに保存してから開くようにしてください。", "整理番号", "フリー欄",
                 "顔写真", "資料添付", "※確認後、必ずブラウザを閉じてください。", "&lt; 一覧へ戻る", "申込内容印刷",
                 "就労資格証明書交付申請", "HOUMU,MIDDLE,TAROU"):
        assert word in detail, word
    assert "修正する &gt;" not in detail
    assert "申込内容" in text(client.get(f"/applications/{ids[0]}/print"))
    act(api, ids[0], "start_examination")
    act(api, ids[0], "request_documents")
    returned = text(client.get(f"/applications/{ids[0]}/detail"))
    assert "返却中" in returned and "修正する &gt;" in returned
    refused = client.post(f"/applications/{ids[0]}/correction", data=tokens(returned))
    assert refused.status_code == 409 and "修正を依頼された資料が添付されていません。" in text(refused)
    assert client.post(f"/applications/{ids[0]}/correction", data={}).status_code == 400   # no CSRF token
    login(client, f.other)   # type: ignore[attr-defined]
    assert client.get(f"/applications/{ids[0]}/detail").status_code == 404
    assert client.get(f"/applications/{ids[0]}/print").status_code == 404


def _change_form(client: Any) -> tuple[str, dict[str, str]]:
    page = client.get("/procedures/receipt-method-change/apply")
    assert page.status_code == 200, text(page)[:300]
    return text(page), tokens(text(page))


def test_the_receipt_method_change_screens_confirm_and_take_the_request(
        client: Any, api: Api, three: tuple[Flow, list[int]]) -> None:
    f, ids = three
    number = listed(f)["rows"][2]["receipt_number"]
    login(client, f.auth_id)   # type: ignore[attr-defined]
    html, hidden = _change_form(client)
    for word in ("選択中の手続き名：受領方法変更申出", "変更種別", "必須", "申請対象者の住居地を選択してください。",
                 "選択してください", "東京都", "申請人の氏名(英字)",
                 "半角英字(大文字入力)、104文字以内、カンマ区切り 例) HOUMU,TARO",
                 "申請受付仮番号", "申請受付番号", "受領方法", "確認へ進む &gt;"):
        assert word in html, word
    values = {"change_kind": "work_qualification_certificate", "residence_prefecture": "東京都",
              "change_receipt_number": number, "change_receipt_method": "post"}
    blank = client.post("/procedures/receipt-method-change/apply", data={**hidden, **values})
    assert blank.status_code == 400
    shown = text(blank)
    assert "⚠ 申請人の氏名(英字)は入力必須項目です。" in shown and "WZBAM" not in shown
    assert re.search(r'<div class="item has-error" id="field-applicant_name">\s*<div class="item-name" '
                     r'id="item-applicant_name"><span class="warn"', shown)
    confirm = client.post("/procedures/receipt-method-change/apply",
                          data={**tokens(shown), **values, "applicant_name": "HOUMU,MIDDLE,TAROU"})
    page = text(confirm)
    for word in ("申込確認", "まだ申込みは完了していません。",
                 "※下記内容でよろしければ「申込み」ボタンを、修正する場合は「入力へ戻る」ボタンを押してください。",
                 "申請人の氏名（英字）", "就労資格証明書", number, "郵送", "&lt; 入力へ戻る", "申込み &gt;"):
        assert word in page, word
    back = client.post("/procedures/receipt-method-change/confirm", data={**tokens(page), "action": "back"},
                       follow_redirects=True)
    assert 'value="HOUMU,MIDDLE,TAROU"' in text(back)
    confirm = client.post("/procedures/receipt-method-change/apply",
                          data={**tokens(text(back)), **values, "applicant_name": "HOUMU,MIDDLE,TAROU"})
    assert client.post("/procedures/receipt-method-change/confirm", data={"action": "apply"}).status_code in (400, 409)
    done = client.post("/procedures/receipt-method-change/confirm", data={**tokens(text(confirm)), "action": "apply"},
                       follow_redirects=True)
    finished = text(done)
    assert "申込完了" in finished and "受領方法変更申出の手続きの申込を受付しました。" in finished
    assert 'id="back" href="/procedures"' in finished                 # 「< 一覧へ戻る」 → [オンライン申請手続き]
    reference = re.search(r'<td id="reference-number">(\w+)</td>', finished).group(1)
    password = re.search(r'<td id="password">(\w+)</td>', finished).group(1)   # 003 §7.3: shown once, and mailed
    assert any(password in m["body"] for m in api.mails(kind="procedure_password"))
    assert password not in text(client.get("/procedures/receipt-method-change/done", follow_redirects=True))
    requests = api.call("GET", "/api/v1/receipt-method-change-requests", token=api.login(f.auth_id),  # type: ignore[attr-defined]
                        expect=200).get_json()["requests"]
    assert [r["reference_number"] for r in requests] == [reference]   # one: the post without CSRF stored nothing


def test_the_2024_list_and_edition_keep_their_own_pages(client: Any, app: Any, api: Api) -> None:
    f = lawyer_flow(api)
    app_id = f.wqc()["id"]
    assert f.call("GET", "/api/v1/submissions", expect=404).get_json()["errors"][0]["code"] == "RASIM487E"
    login(client, f.auth_id)   # type: ignore[attr-defined]
    old = text(client.get("/applications/list?all=1"))
    assert "申請情報一覧" in old and f'id="select-{app_id}"' in old and "キーワードで探す" not in old
    assert client.get("/applications/status").status_code == 404
    assert client.get("/procedures/receipt-method-change/apply").status_code == 404


def test_a_bulk_row_is_listed_as_a_bulk_application(app: Any, api: Api) -> None:
    from tests.integration.test_bulk_2026 import CARDS, NAMES, photo, submit
    from tests.support.application_flow import jpeg, lawyer
    from tests.support.bulk_flow import Bulk, csv_of, professor, row_values

    b = Bulk(api, lawyer(api))
    use_edition(app, "2026")
    people = [professor(api, c, n) for c, n in zip(CARDS, NAMES, strict=True)]
    read = b.upload(csv_of([row_values(p) for p in people])).get_json()
    for line in (2, 3):
        photo(b, read, line, jpeg(300, 400))
    submit(b, read)
    found = api.call("GET", "/api/v1/submissions", token=b.token, expect=200).get_json()
    names = {r["procedure_name"] for r in found["rows"]}
    assert len(names) == 1 and next(iter(names)).endswith(" 一括申請") and found["total"] == 2, names
    by_word = api.call("GET", "/api/v1/submissions", token=b.token, query_string={"procedure_name": "一括申請"},
                       expect=200).get_json()
    assert by_word["total"] == 2
