"""[申込] and [申込確認] of an individual residence application in edition 2026 (seed 003 §1.6, §2.1, §4.2): an
item left empty is named — its heading yellow, a red ⚠, 「<項目名>は入力必須項目です。」 under it — and no message
code is on the page, while the API still answers the code; 「必須」 icons, 「選択中の手続き名：」, the confirm page's
texts and popup, CSRF; the [Language] menu of 8 languages (on [申込] only 日本語 and English), another language
elsewhere showing the pages in Japanese; 配色変更 as a cookie; the photo of 縦4:横3 (the bulk rows' rule)."""
from __future__ import annotations

import io
import re
from typing import Any

import pytest

from tests.integration.test_application_screens import (CONFIRM, Browser, activity_n_form, extension_form,
                                                      extension_over_api, identity_form, start, to_step3,
                                                      wqc_form)
from tests.integration.test_screens import login
from tests.support.api import Api, use_edition
from tests.support.application_flow import Flow, identity, jpeg, pdf, person

CODE = re.compile(r"(WZBAM|RASIM)\d{3}[A-Z]")
LANGUAGES = ["日本語", "English", "中文(简体字)", "中文(繁体字)", "한국어", "Español", "Tiếng Việt", "Tagalog"]


@pytest.fixture
def auth_id(api: Api) -> str:
    api.put_certificate(valid_until="2030-03-31")
    return api.register_agent()        # registered under the 2024 rules, then the 2026 system


@pytest.fixture
def b(app: Any, client: Any, api: Api, auth_id: str) -> Browser:
    person(api)
    use_edition(app, "2026")
    login(client, auth_id)
    return Browser(client)


def heading_of(html: str, field: str) -> str:
    found = re.search(r'<div class="item-heading[^"]*" id="heading-' + re.escape(field)
                      + r'">.*?</div>(.*?)(?=<div class="control)', html, re.S)
    assert found, f"no heading for {field}"
    return found.group(0)


def menu(html: str) -> dict[str, str]:
    """The [Language] menu: label → enabled / disabled."""
    items = re.findall(r'<li>(?:<a [^>]*data-language="[^"]+">([^<]+)</a>|<span class="disabled"[^>]*>([^<]+)</span>)</li>', html)
    return {a or d: ("enabled" if a else "disabled") for a, d in items}


def test_an_empty_item_is_named_under_its_heading_without_a_code(b: Browser) -> None:
    start(b, "work_qualification_certificate")
    assert '<span class="required-icon">必須</span>' in b.html
    assert "選択中の手続き名：就労資格証明書交付申請" in b.text()
    form = identity_form()
    for part in ("__y", "__m", "__d"):
        form["birth_date_applicant" + part] = ""
    b.post("/applications/input/step2_1", {**form, "action": "next"}, status=400)
    block = heading_of(b.html, "birth_date_applicant")
    assert 'class="item-heading item-error"' in block, "the item's name turns yellow"
    assert '<span class="warning-mark" aria-hidden="true">⚠</span> 生年月日は入力必須項目です。' in block
    assert not CODE.search(b.text()), f"a message code on the page: {CODE.search(b.text())}"
    assert 'class="item-heading" id="heading-nationality"' in b.html, "an item without an error stays as it is"


def test_the_api_still_answers_the_code(app: Any, api: Api, auth_id: str) -> None:
    person(api)
    use_edition(app, "2026")
    f = Flow(api, api.login(auth_id))
    f.start("work_qualification_certificate")
    r = f.step("step2_1", {**identity(), "birth_date_applicant": None}, expect=422)
    assert ("birth_date_applicant", "WZBAM001E") in {(e["field"], e["code"]) for e in r.get_json()["errors"]}


def test_the_confirm_page_and_its_popup(b: Browser) -> None:
    start(b, "work_qualification_certificate")
    b.post("/applications/input/step2_1", {**identity_form(), "action": "next"})
    assert 'id="next">確認へ進む &gt;</button>' in b.html
    b.post("/applications/input/step2_2", {**wqc_form(), "action": "next"})
    assert b.path == "/applications/input/step3"
    page = b.text()
    assert "まだ申込みは完了していません。" in page and "注意事項" in page
    assert "※下記内容でよろしければ「申込む」ボタンを、修正する場合は「入力へ戻る」ボタンを押してください。" in page
    assert re.search(r'<p class="not-yet" id="not-yet">', b.html)
    assert 'id="back-to-input">入力へ戻る</button>' in b.html and 'id="complete">申込む</button>' in b.html
    assert 'data-confirm="整理番号・パスワードをメモなどにお控えいただくか、' in b.html and "apply-2026.js" in b.html
    b.post("/applications/input/step3", {**CONFIRM, "kept_copy": ""}, status=400)
    block = heading_of(b.html, "kept_copy")
    assert 'class="item-heading item-error"' in block and "⚠</span> 申請内容を控えてください。" in block, \
        "a problem other than an empty item: the catalogue's text under the heading, without its code"
    assert 'class="item-heading" id="heading-confirmed_with_representative"' in b.html
    assert not CODE.search(b.text())
    # without the CSRF token nothing is stored
    r = b.client.post("/applications/input/step3", data=CONFIRM)
    assert r.status_code in (400, 403)
    assert b.client.get("/applications/input/step3").status_code == 200, "the input is still there"


def test_the_language_menu_and_its_restriction_on_the_application_pages(b: Browser) -> None:
    b.get("/menu")
    assert list(menu(b.html)) == LANGUAGES and set(menu(b.html).values()) == {"enabled"}
    b.get("/menu?lang=ko")
    assert '<span class="current-language">한국어</span>' in b.html
    assert '<html lang="ja">' in b.html, "rasim has no Korean texts: the page is Japanese"
    start(b, "work_qualification_certificate")
    shown = menu(b.html)
    assert list(shown) == LANGUAGES
    assert shown["日本語"] == shown["English"] == "enabled"
    assert {v for k, v in shown.items() if k not in ("日本語", "English")} == {"disabled"}
    assert '<span class="current-language">日本語</span>' in b.html
    b.get("/applications/input/step2_1?lang=vi")     # chosen there by URL: Japanese, no error
    assert b.status == 200 and '<html lang="ja">' in b.html and '<span class="current-language">日本語</span>' in b.html
    b.get("/applications/input/step2_1?lang=en")
    assert '<html lang="en">' in b.html and '<span class="current-language">English</span>' in b.html


def test_the_colour_scheme_is_a_cookie(b: Browser) -> None:
    b.get("/menu")
    assert 'class="' in b.html and "colour-standard" in b.html
    assert [m for m in re.findall(r'data-colour="(\w+)">([^<]+)</a>', b.html)] == [
        ("standard", "標準"), ("blue", "青"), ("yellow", "黄"), ("black", "黒")]
    r = b.client.get("/colour/blue?next=/menu")
    assert r.status_code == 302 and r.headers["Location"].endswith("/menu")
    assert "rasim_colour=blue" in r.headers["Set-Cookie"]
    b.get("/menu")
    assert re.search(r'<body class="[^"]*colour-blue"', b.html)
    r = b.client.get("/colour/purple?next=//evil.example/x")
    assert "Set-Cookie" not in r.headers and "evil.example" not in r.headers["Location"]


def test_the_header_links_only_pages_that_exist(b: Browser, app: Any) -> None:
    b.get("/menu")
    for endpoint, anchor in (("screens.procedure_list", "header-procedures"), ("screens.status_list", "header-status"),
                             ("screens.mypage", "header-mypage")):
        assert (f'id="{anchor}"' in b.html) == (endpoint in app.view_functions), anchor
    assert 'id="header-logout"' in b.html and "前回ログイン日時" in b.html


def test_the_photo_of_four_to_three(app: Any, api: Api, auth_id: str) -> None:
    """The individual photo takes the bulk rows' rule (services.attachments.photo_code): 縦4:横3 in 2026 only."""
    person(api)
    use_edition(app, "2026")
    f = Flow(api, api.login(auth_id))
    f.start("extension_of_stay")
    app_id = extension_over_api(f)
    assert f.refused(f.photo(app_id, jpeg(300, 300), expect=None), 422) == ["RASIM455E"]
    assert f.refused(f.photo(app_id, jpeg(400, 300), expect=None), 422) == ["RASIM455E"], "縦3:横4 is not 縦4:横3"
    assert f.row(app_id)["photo_state"] == "none"
    f.photo(app_id, jpeg(300, 400))
    assert f.row(app_id)["photo_state"] == "registered"
    use_edition(app, "2024")
    f.photo(app_id, jpeg(300, 300)), "2024 has no ratio rule (004 §3.1)"


def _upload(b: Browser, field: str, data: bytes, filename: str, status: int | str = 200) -> str:
    return b.post("/applications/input/files", {field: (io.BytesIO(data), filename), "action": field}, status,
                  content_type="multipart/form-data")


def test_files_on_the_input_then_apply_files_it_with_its_reference_number(b: Browser, api: Api) -> None:
    """003 §4.2.2 – §4.2.4 in the browser: [添付ファイル] from [申込], the photo registered, PDFs attached one by one
    and one deleted, 「入力へ戻る」; [申込確認] lists them, 「申込む」 files the application and [申込完了] shows the
    整理番号 and the パスワード once, the same as in the two mails."""
    to_step3(b)
    assert 'id="to-files"' in b.html, "[申込確認] leads to the file-attach page"
    b.get("/applications/input/files")
    assert "顔写真を含めて合計 20 ファイルまで、合計 25MB までの資料を添付できます。" in b.text()
    _upload(b, "photo", jpeg(300, 400), "顔写真.jpg")
    assert 'id="photo-name">顔写真.jpg' in b.html
    _upload(b, "photo", jpeg(300, 300), "正方形.jpg", status=422)
    assert 'class="item-heading item-error" id="heading-photo-file"' in b.html and not CODE.search(b.text())
    assert "⚠ 顔写真の縦横の比率が縦4:横3ではないため、登録できません。" in b.text(), "RASIM455E's text, without its code"
    assert 'id="photo-name">顔写真.jpg' in b.html, "the refused photo replaced nothing"
    for name in ("資料1.pdf", "資料2.pdf", "資料3.pdf"):
        _upload(b, "document", pdf(padding=len(name)), name)
    ids = re.findall(r'value="delete:(\d+)" id="delete-\d+">', b.html)
    assert len(ids) == 3
    b.post("/applications/input/files", {"action": f"delete:{ids[1]}"})
    assert "資料2.pdf" not in b.text() and "資料1.pdf" in b.text() and "資料3.pdf" in b.text()
    b.post("/applications/input/files", {"action": "back"})
    assert b.path == "/applications/input/step3"
    assert re.search(r'id="confirm-photo">顔写真.jpg<', b.html)
    assert re.search(r'id="confirm-documents">資料1.pdf、資料3.pdf<', b.html)
    assert 'name="action" value="apply" class="primary" id="complete">申込む</button>' in b.html
    b.post("/applications/input/step3", {**CONFIRM, "action": "apply"})
    assert b.path == "/applications/input/complete"
    page = b.text()
    assert "就労資格証明書交付申請の手続きの申込を受付しました。" in page and "申込みが完了しました。" in page
    number = re.search(r'id="reference-number">([^<]+)<', b.html).group(1)
    password = re.search(r'id="password">([^<]+)<', b.html).group(1)
    mails = api.mails()
    assert any(m["kind"] == "procedure_reference_number" and number in m["body"] for m in mails)
    assert any(m["kind"] == "procedure_password" and password in m["body"] for m in mails)
    b.get("/applications/input/complete")
    assert number in b.text() and password not in b.text(), "the パスワード is shown once"


def test_apply_without_the_photo_is_refused_and_keeps_the_input(b: Browser) -> None:
    """A refusal of 「申込む」 (here the photo an extension needs, WZBAM179E) shows the confirm page again, without
    the code, and leaves the input and its files as they were."""
    start(b, "extension_of_stay")
    b.post("/applications/input/step2_1", {**identity_form(), "action": "next"})
    b.post("/applications/input/step2_2", {**extension_form(), "action": "next"})
    b.post("/applications/input/step2_3", {**activity_n_form(), "action": "next"})
    assert b.path == "/applications/input/step3", b.text()[:400]
    b.get("/applications/input/files")
    _upload(b, "document", pdf(), "資料.pdf")
    b.get("/applications/input/step3")
    b.post("/applications/input/step3", {**CONFIRM, "action": "apply"}, status=400)
    assert b.path == "/applications/input/step3" and not CODE.search(b.text())
    assert "顔写真を添付しなければ申請できません。" in b.text(), "WZBAM179E's text, without its code"
    assert "資料.pdf" in b.text(), "the PDF is still attached to the input"


def test_the_file_page_is_not_offered_by_2024(app: Any, client: Any, api: Api, auth_id: str) -> None:
    person(api)
    login(client, auth_id)
    b = Browser(client)
    to_step3(b)
    b.get("/applications/input/files", status=404)
    assert "RASIM473E" in b.text(), b.text()[:400]
    assert 'id="to-files"' not in b.get("/applications/input/step3")
