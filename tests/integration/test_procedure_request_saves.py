"""入力中のデータを保存する／読み込む (003 §8.2) on the [申込] of 利用申出, 定期報告 (§3.3.2, §6.1) and 受領方法変更申出 (§7.3):
the panel at the bottom of [申込], the file with what is typed, [ファイル読み込] → [ファイル読込確認] → [読込む] →
[申込] with the values; saving submits nothing; a 利用申出's file is refused on 定期報告 (RASIM489E); an
edited file is not ours (RASIM488E); the PDFs are never in a file and stay; CSRF; edition 2024 has none."""
from __future__ import annotations

import io
import re
from typing import Any

from tests.integration.test_screens import login, text, tokens
from tests.integration import test_submissions_2026 as submissions
from tests.integration.test_submissions_2026 import PW, REPORT, USAGE
from tests.support.api import Api, use_edition
from tests.support.application_flow import pdf

staff = submissions.staff     # a 2026 organisation staff user (fixture)


def _apply(client: Any, slug: str) -> tuple[str, int]:
    page = text(client.get(f"/procedures/{slug}/apply"))
    rid = int(re.search(r"/procedure-requests/(\d+)/temporary-save", page).group(1))
    return page, rid


def _save(client: Any, rid: int, page: str, values: dict[str, str]) -> bytes:
    r = client.post(f"/procedure-requests/{rid}/temporary-save", data={**tokens(page), **values})
    assert r.status_code == 200, text(r)[:500]
    assert "attachment;" in r.headers["Content-Disposition"] and ".rasim" in r.headers["Content-Disposition"]
    return r.get_data()


def _load(client: Any, rid: int, data: bytes, name: str = "saved.rasim") -> Any:
    shown = client.get(f"/procedure-requests/{rid}/temporary-load")
    assert shown.status_code == 200, re.findall(r"(?:RASIM|WZBAM)\d{3}E[^<]*", text(shown))
    page = text(shown)
    return client.post(f"/procedure-requests/{rid}/temporary-load", content_type="multipart/form-data",
                       data={**tokens(page), "action": "confirm", "file": (io.BytesIO(data), name)})


def test_a_saved_usage_request_loads_back_into_apply(client: Any, api: Api, staff: str) -> None:
    login(client, api.staff_auth_id, PW)
    page, rid = _apply(client, "usage-request")
    assert page.index('id="procedure-request-form"') < page.index('id="temporary-save"'), "the panel at the bottom"
    assert "入力中のデータを一時保存・読み込み" in page and "では申込みの手続きが完了しておりませんのでご注意ください。" in page
    attached = client.post("/procedures/usage-request/apply", content_type="multipart/form-data",
                           data={**tokens(page), "action": "attach", "document": (io.BytesIO(pdf()), "在職証明.pdf")})
    data = _save(client, rid, text(attached), {**USAGE, "request_organisation_name": "株式会社保存中"})
    assert api.audit("procedure_request.temporarily_saved")
    unchanged = text(client.get(f"/procedure-requests/{rid}/correct"))
    assert "株式会社保存中" not in unchanged and 'value="0312345678"' not in unchanged, "saving stores nothing"
    assert api.mails("staff2026@example.jp", "procedure_password") == [], "… and submits nothing"

    confirm = _load(client, rid, data)
    assert confirm.status_code == 200 and "saved.rasim" in text(confirm), re.sub(r"<[^>]+>", " ", text(confirm))[-1500:]
    loaded = client.post(f"/procedure-requests/{rid}/temporary-load",
                         data={**tokens(text(confirm)), "action": "load",
                               "file_data": re.search(r'name="file_data" value="([^"]+)"', text(confirm)).group(1)})
    assert loaded.status_code == 200 and f'href="/procedure-requests/{rid}/correct"' in text(loaded)
    back = text(client.get(f"/procedure-requests/{rid}/correct"))
    assert 'value="株式会社保存中"' in back and 'value="0312345678"' in back
    assert "在職証明.pdf" in back, "the PDFs attached stay (they are never in the file)"
    assert api.audit("procedure_request.temporary_save_loaded")


def test_another_procedures_or_an_edited_file_is_refused(client: Any, api: Api, staff: str) -> None:
    login(client, api.staff_auth_id, PW)
    page, usage = _apply(client, "usage-request")
    data = _save(client, usage, page, USAGE)
    _page, report = _apply(client, "periodic-report")
    other = _load(client, report, data)
    assert other.status_code == 422
    assert ("この申込データは「利用申出(新たに在留諸申請の実施を希望する所属機関等の方)」の画面で一時保存されたもの"
            "です。") in text(other), "RASIM489E names the file's procedure"
    edited = _load(client, usage, data[:-3] + b"xyz")
    assert edited.status_code == 422 and "このシステムで一時保存した申込データではないか、破損している" in text(edited)
    assert "株式会社青葉商事" not in text(client.get(f"/procedure-requests/{report}/correct")), "nothing loaded"
    assert client.post(f"/procedure-requests/{usage}/temporary-save", data=USAGE).status_code == 400, "CSRF"


def test_a_periodic_report_saved_and_loaded(client: Any, api: Api, staff: str) -> None:
    login(client, api.staff_auth_id, PW)
    page, rid = _apply(client, "periodic-report")
    data = _save(client, rid, page, REPORT)
    confirm = text(_load(client, rid, data))
    client.post(f"/procedure-requests/{rid}/temporary-load", data={
        **tokens(confirm), "action": "load", "file_data": re.search(r'name="file_data" value="([^"]+)"', confirm).group(1)})
    assert 'value="アオバショウジ ﾄｳｷｮｳｼﾃﾝ"' in text(client.get(f"/procedure-requests/{rid}/correct"))


def test_2024_has_no_such_pages(app: Any, client: Any, api: Api, staff: str) -> None:
    login(client, api.staff_auth_id, PW)
    _page, rid = _apply(client, "usage-request")
    use_edition(app, "2024")
    assert client.get(f"/procedure-requests/{rid}/temporary-load").status_code == 404
    assert client.get("/procedures/receipt-method-change/temporary-load").status_code == 404


CHANGE = {"change_kind": "work_qualification_certificate", "residence_prefecture": "東京都",
          "applicant_name": "HOUMU,TAROU", "change_receipt_number": "T123456789012", "change_receipt_method": "post"}


def test_the_receipt_method_change_input_saves_and_loads(client: Any, api: Api, staff: str) -> None:
    """003 §7.3 points its [申込] to §8.2 too: the file of what is typed, read back into [申込]."""
    login(client, api.staff_auth_id, PW)
    page = text(client.get("/procedures/receipt-method-change/apply"))
    assert page.index('id="receipt-change-form"') < page.index('id="temporary-save"'), "the panel at the bottom"
    r = client.post("/procedures/receipt-method-change/temporary-save", data={**tokens(page), **CHANGE})
    assert r.status_code == 200 and "receipt_method_change_request_" in r.headers["Content-Disposition"]
    data = r.get_data()
    assert api.audit("receipt_change.temporarily_saved")
    assert api.mails("staff2026@example.jp", "procedure_password") == [], "saving applies nothing"
    fresh = text(client.get("/procedures/receipt-method-change/apply"))
    assert 'value="HOUMU,TAROU"' not in fresh

    choose = text(client.get("/procedures/receipt-method-change/temporary-load"))
    confirm = text(client.post("/procedures/receipt-method-change/temporary-load", content_type="multipart/form-data",
                               data={**tokens(choose), "action": "confirm", "file": (io.BytesIO(data), "c.rasim")}))
    assert "c.rasim" in confirm
    loaded = client.post("/procedures/receipt-method-change/temporary-load", data={
        **tokens(confirm), "action": "load", "file_data": re.search(r'name="file_data" value="([^"]+)"', confirm).group(1)})
    assert loaded.status_code == 200 and 'href="/procedures/receipt-method-change/apply?back=1"' in text(loaded)
    back = text(client.get("/procedures/receipt-method-change/apply?back=1"))
    assert 'value="HOUMU,TAROU"' in back and 'value="T123456789012"' in back

    _page, usage = _apply(client, "usage-request")
    other = _save(client, usage, _page, USAGE)
    choose = text(client.get("/procedures/receipt-method-change/temporary-load"))
    refused = client.post("/procedures/receipt-method-change/temporary-load", content_type="multipart/form-data",
                          data={**tokens(choose), "action": "confirm", "file": (io.BytesIO(other), "u.rasim")})
    assert refused.status_code == 422 and "の画面で一時保存されたものです。" in text(refused), "RASIM489E"
    assert client.post("/procedures/receipt-method-change/temporary-save", data=CHANGE).status_code == 400, "CSRF"
