"""What follows submission on the screens: the bureau console's applications page (its buttons move the
application and show RASIM470E when the state does not allow them), the 2024 受領登録 from the mail's URL (S27
ログイン(受領登録) → D4 with the number → S28; WZBAM270E, WZBAM271E; Cancel stays on S27) and the 2026
[受領登録] list (003 §7.4)."""
from __future__ import annotations

import re
from typing import Any

import pytest

from tests.integration.test_screens import login, text, tokens
from tests.support.after_flow import act, coe_submitted, lawyer_flow, submitted_wqc
from tests.support.api import PASSWORD, Api, use_edition
from tests.support.application_flow import Flow



@pytest.fixture
def f(api: Api) -> Flow:
    return lawyer_flow(api)


def press(client: Any, page_url: str, action_url: str, **data: str) -> Any:
    page = client.get(page_url)
    assert page.status_code == 200, text(page)[:500]
    return client.post(action_url, data={**tokens(text(page)), **data}, follow_redirects=True)


def row_of(html: str, app_id: int) -> str:
    found = re.search(rf'<tr id="application-{app_id}">(.*?)</tr>', html, re.S)
    assert found, html[:2000]
    return found.group(1)


def test_the_console_moves_an_application_and_shows_refusals(client: Any, f: Flow, api: Api) -> None:
    app_id = submitted_wqc(f, api)
    page = client.get("/bureau/applications")
    assert "申請完了" in row_of(text(page), app_id)
    url = f"/bureau/applications/{app_id}/actions"
    refused = press(client, "/bureau/applications", url, action="approve")
    assert "RASIM470E" in text(refused) and "申請完了" in row_of(text(refused), app_id)
    press(client, "/bureau/applications", url, action="start_examination")
    done = press(client, "/bureau/applications", url, action="approve")
    assert '<td class="state">発行待ち</td>' in row_of(text(done), app_id)
    assert f.row(app_id)["state_label"] == "発行待ち"
    history = re.search(r"<details><summary>経過</summary><ol>(.*?)</ol>", row_of(text(done), app_id), re.S).group(1)
    assert "bureau: examination_started → 審査中" in history and "bureau: approved_post → 発行待ち" in history
    assert client.post(url, data={"action": "issue"}).status_code == 400   # without the CSRF token: refused


def test_receipt_registration_from_the_mail_on_the_2024_pages(client: Any, f: Flow, api: Api) -> None:
    app_id = coe_submitted(f, api)
    act(api, app_id, "start_examination")
    act(api, app_id, "approve")
    mail = api.mails(to="lawyer@example.jp", kind="examination_completed_mail")[-1]
    path = re.search(r"https?://[^/\s]+(/coe-receipt/\d+)", mail["body"]).group(1)
    page = client.get(path)
    assert "ログイン(受領登録)" in text(page) and "電子在留資格認定証明書受領登録" in text(page)
    auth_id = f.auth_id   # type: ignore[attr-defined]
    wrong = client.post(path, data={**tokens(text(page)), "auth_id": auth_id, "password": "Wrong12345!"})
    assert "WZBAM270E" in text(wrong)
    dialog = client.post(path, data={**tokens(text(page)), "auth_id": auth_id, "password": PASSWORD})
    number = f.call("GET", "/api/v1/electronic-coes", expect=200).get_json()["coes"][0]["number"]
    assert number in text(dialog) and "受領登録後に訂正することはできません" in text(dialog)
    cancel = client.post(f"{path}/confirm", data={**tokens(text(dialog)), "answer": "cancel"})
    assert cancel.status_code == 302 and cancel.headers["Location"].endswith(path)
    assert f.call("GET", "/api/v1/electronic-coes", expect=200).get_json()["coes"][0]["registered_at"] is None
    dialog = client.post(path, data={**tokens(text(client.get(path))), "auth_id": auth_id, "password": PASSWORD})
    done = client.post(f"{path}/confirm", data={**tokens(text(dialog)), "answer": "ok"})
    assert "受領登録完了" in text(done) and number in text(done)
    again = client.post(path, data={**tokens(text(client.get(path))), "auth_id": auth_id, "password": PASSWORD})
    assert "WZBAM271E" in text(again)


def test_the_2026_list_registers_the_receipt_and_completes_the_application(
        app: Any, client: Any, f: Flow, api: Api) -> None:
    use_edition(app, "2026")
    app_id = coe_submitted(f, api)
    act(api, app_id, "start_examination")
    assert act(api, app_id, "approve").get_json()["state_label"] == "発行待ち"
    coe_id = f.call("GET", "/api/v1/electronic-coes", expect=200).get_json()["coes"][0]["id"]
    login(client, f.auth_id)   # type: ignore[attr-defined]   (the API's session ends: one login at a time)
    page = client.get("/coe-receipts")
    assert "受領登録一覧" in text(page) and '<td class="state">未登録</td>' in text(page)
    done = client.post(f"/coe-receipts/{coe_id}", data=tokens(text(page)), follow_redirects=True)
    assert '<td class="state">受領登録済</td>' in text(done)
    assert [a["state_label"] for a in api.call("GET", "/test-support/bureau/applications", expect=200)
            .get_json()["applications"] if a["id"] == app_id] == ["完了"]


def test_a_returned_application_is_corrected_from_the_2026_list(app: Any, client: Any, f: Flow, api: Api) -> None:
    """003 §7.1–§7.2: 返却中 shows 「修正する」; without what was asked for it is refused (RASIM472E), then the
    application is under examination again. The 2024 list has no such button."""
    from tests.support.application_flow import pdf

    page = lambda: client.get("/applications/list?all=1")   # noqa: E731
    f.wqc()   # one row, so that the list shows its buttons
    login(client, f.auth_id)   # type: ignore[attr-defined]
    assert 'id="op-submit"' in text(page()) and 'id="op-resubmit"' not in text(page())
    f.token = api.login(f.auth_id)   # type: ignore[attr-defined]
    f.call("DELETE", f"/api/v1/applications/{f.search().get_json()['rows'][0]['id']}", expect=200)
    use_edition(app, "2026")
    f.token = api.login(f.auth_id)   # type: ignore[attr-defined]
    app_id = submitted_wqc(f, api)
    assert act(api, app_id, "start_examination").get_json()["state_label"] == "審査中"
    assert act(api, app_id, "request_documents").get_json()["state_label"] == "返却中"
    login(client, f.auth_id)   # type: ignore[attr-defined]
    listed = page()
    assert 'id="op-resubmit"' in text(listed) and "返却中" in text(listed)
    refused = client.post("/applications/list", data={**tokens(text(listed)), "operation": "resubmit",
                                                      "selected": str(app_id)})
    assert "RASIM472E" in text(refused)
    f.token = api.login(f.auth_id)   # type: ignore[attr-defined]
    f.documents(app_id, pdf(), expect=200)
    login(client, f.auth_id)   # type: ignore[attr-defined]
    listed = page()
    done = client.post("/applications/list", data={**tokens(text(listed)), "operation": "resubmit",
                                                   "selected": str(app_id)}, follow_redirects=True)
    assert "修正した申請を申し込みました。" in text(done) and "審査中" in text(done)
