"""The application screens (S04–S10 input, S15 search, S16 list, S17–S20, S21–S25) through Flask's test
client, as a browser without JavaScript uses them: every POST carries the CSRF token and the screen token
of the page rendered last. A lawyer files a 就労資格証明書交付申請 and an 在留期間更新許可申請 (with its
STEP2-3 and a simultaneous re-entry permit) from STEP1 to 申請完了; the 「！」 marks and red lines, WZBAM138E
without a selection, the search errors, the list's columns, pages and sorting, photo and documents with D3
and the 413 page, the Back-button rule, the 30 minutes, D1 of the points table and the English pages."""
from __future__ import annotations

import re
from html import unescape
from io import BytesIO
from typing import Any

import pytest

from tests.integration.test_screens import login, tokens
from tests.support.api import Api
from tests.support.application_flow import (ENGINEER, PERSON, Flow, details_extension, identity, jpeg, jpeg_of_size, pdf,
                                            person)

CARD = PERSON["residence_card_number"]
REQUIRED_LINE = "WZBAM001E：「！」がついている項目を入力してください。"
MARK = '<span class="mark">'


# --- a browser without JavaScript --------------------------------------------------------------------------

class Browser:
    """Follows redirects and posts the tokens of the page it shows, as a browser would."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.html = ""
        self.status = 0
        self.path = ""

    def _keep(self, r: Any) -> str:
        self.html, self.status = r.get_data(as_text=True), r.status_code
        self.path = r.request.path
        return self.html

    def get(self, url: str, status: int | str = 200) -> str:
        self._keep(self.client.get(url, follow_redirects=True))
        self._expect(url, status)
        return self.html

    def post(self, url: str, data: dict[str, Any], status: int | str = 200, **kw: Any) -> str:
        self._keep(self.client.post(url, data={**tokens(self.html), **data}, follow_redirects=True, **kw))
        self._expect(url, status)
        return self.html

    def _expect(self, url: str, status: int | str) -> None:
        """`status`: the HTTP status, or a code: then a refusal (4xx; its status is the services') whose first
        red line has that code."""
        if isinstance(status, str):
            assert 400 <= self.status < 500 and self.errors() and self.errors()[0].startswith(status), (
                url, self.status, self.errors() or self.text()[:1500])
        else:
            assert self.status == status, (url, self.status, self.text()[:2500])

    def text(self) -> str:
        """The page's text without tags, entities resolved (what a reader sees)."""
        main = self.html.split("<main>", 1)[-1].split("</main>", 1)[0]
        return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", main)))

    def errors(self) -> list[str]:
        block = re.search(r'<div class="errors" role="alert">(.*?)</div>', self.html, re.S)
        return [unescape(p) for p in re.findall(r"<p>(.*?)</p>", block.group(1), re.S)] if block else []

    def marks(self) -> int:
        return self.html.count(MARK)

    def current_step(self) -> str:
        return unescape(re.search(r'<li class="current" aria-current="step"><strong>(.*?)</strong>', self.html).group(1))

    def rows(self) -> list[dict[str, str]]:
        """The rows of S16 by column."""
        out = []
        for tr in re.findall(r'<tr id="row-(\d+)">(.*?)</tr>', self.html, re.S):
            cells = dict(re.findall(r'<td class="col-(\w+)">(.*?)</td>', tr[1], re.S))
            out.append({"id": tr[0], **{k: unescape(re.sub(r"<[^>]+>", "", v)).strip() for k, v in cells.items()}})
        return out


@pytest.fixture
def b(client: Any) -> Browser:
    return Browser(client)


@pytest.fixture
def auth_id(api: Api) -> str:
    api.put_certificate(valid_until="2030-03-31")
    return api.register_agent()


@pytest.fixture
def lawyer(client: Any, auth_id: str) -> str:
    """The lawyer logged in on the screens."""
    login(client, auth_id)
    return auth_id


@pytest.fixture
def flow(api: Api, auth_id: str) -> Flow:
    """The same lawyer over the API, to prepare rows quickly; the screens' login that follows (`on_screens`)
    ends this session (one session per user: WZBAM099E)."""
    return Flow(api, api.login(auth_id))


def on_screens(b: Browser, auth_id: str) -> None:
    login(b.client, auth_id)


@pytest.fixture
def record(api: Api) -> dict:
    return person(api)


# --- what a browser posts on each step ---------------------------------------------------------------------

def date(name: str, iso: str) -> dict[str, str]:
    y, m, d = iso.split("-")
    return {f"{name}__y": y, f"{name}__m": str(int(m)), f"{name}__d": str(int(d))}


def identity_form(**over: str) -> dict[str, str]:
    form = {"nationality": "VNM", "applicant_name": "HOUMU,MIDDLE,TAROU", **date("birth_date_applicant", "1990-05-06"),
            "sex_applicant": "male", "marital_status": "no", "home_town": "ハノイ市", "residence_pref_city": "13101",
            "residence_pref_city__pref": "13", "residence_pref_city__q": "", "residence_street": "霞が関一丁目１番１号",
            "has_relatives": "no", "relatives__n": "1", "card_receipt_method": "post", "applicant_email": "houmu@example.jp"}
    return {**form, **over}


def stay_form(**over: str) -> dict[str, str]:
    form = {"current_status": ENGINEER, "current_period": "3y", **date("stay_expires_on", PERSON["stay_expires_on"]),
            "has_residence_card": "yes", "residence_card_number_applicant": CARD, "mobile_applicant": "09012345678",
            "agent_name": "法務太郎", "applicant_consent": "on"}
    return {**form, **over}


def wqc_form(**over: str) -> dict[str, str]:
    return stay_form(certified_activity="システム開発", use_purpose="転職先への提出",
                     **date("work_period_from", "2024-04-01"), **over)


def extension_form(**over: str) -> dict[str, str]:
    return stay_form(desired_period="3y", extension_reason="引き続き勤務するため", criminal_record="no", **over)


def place(name: str, code: str) -> dict[str, str]:
    return {name: code, f"{name}__pref": code[:2], f"{name}__q": ""}


def activity_n_form() -> dict[str, str]:
    return {"employer_name": "株式会社テスト", **place("employer_pref_city", "13101"), "employer_street": "霞が関一丁目１番１号",
            "education_location": "abroad", "education_level": "bachelor", "education_school_name": "ハノイ大学",
            **date("graduation_date", "2012-06-30"), "major_university": "economics", "it_qualification": "no",
            "career__n": "1", "career__0__career_employer": "株式会社テスト", "career__0__career_joined__y": "2015",
            "career__0__career_joined__m": "4", "org_name": "株式会社テスト", **place("org_pref_city", "13101"),
            "org_street": "霞が関一丁目１番１号", "contract_form": "employment", "work_term": "indefinite",
            **date("employment_start", "2015-04-01"), "salary": "4000000", "salary_basis": "annual", "occupation_code": "2",
            "activity_detail": "ソフトウェアの設計と開発", "employment_type": "full_time", "dispatch_name": "なし"}


CONFIRM = {"confirmed_with_representative": "on", "kept_copy": "on", "action": "complete"}


def start(b: Browser, procedure: str, status: str = ENGINEER) -> None:
    b.get("/menu")
    if 'id="application-input"' in b.html:    # the 2024 menu (S03)
        assert 'href="/applications/input"' in b.html and 'href="/applications/search"' in b.html
    else:                                       # the current system's home: the catalogue, 003 §2.2
        assert 'href="/procedures"' in b.html and 'href="/applications/status"' in b.html
    b.get("/applications/input")
    b.post("/applications/input", {"procedure": procedure, "status_of_residence": status, "action": "input"})
    assert b.path == "/applications/input/step2_1", b.text()[:800]


def to_step3(b: Browser, procedure: str = "work_qualification_certificate") -> None:
    start(b, procedure)
    b.post("/applications/input/step2_1", {**identity_form(), "action": "next"})
    b.post("/applications/input/step2_2", {**wqc_form(), "action": "next"})
    assert b.path == "/applications/input/step3"


def file_wqc(b: Browser) -> str:
    """A 就労資格証明書交付申請 in 入力完了(申請未了) through the screens: its row id on S16."""
    to_step3(b)
    b.post("/applications/input/step3", CONFIRM)
    b.get("/applications/list?all=1")
    return b.rows()[0]["id"]


def operate(b: Browser, operation: str, row: str | None, status: int | str = 200) -> str:
    data = {"operation": operation, **({"selected": row} if row else {})}
    return b.post("/applications/list", data, status)


# --- a 就労資格証明書交付申請 from STEP1 to 申請完了 ---------------------------------------------------------

def test_a_lawyer_files_a_work_qualification_certificate_through_the_screens(b: Browser, api: Api, lawyer: str,
                                                                              record: dict) -> None:
    b.get("/menu")
    assert "申請情報入力 (1件ずつ申請情報を入力)" in b.html and 'href="/applications/bulk"' in b.html
    b.get("/applications/input")
    for label in ("申請情報入力", "申請種別", "在留資格", "主たる活動内容", "申請種別を選択してください。",
                  "在留資格を選択してください。",
                  "研究職で外国からの転勤の場合には「研究(転勤)」を選択してください。", "必須", "入力", "戻る"):
        assert label in b.text(), label
    assert b.current_step() == "申請種別及び在留資格選択(STEP1)"
    assert "事前に地方出入国在留管理官署へ問い合わせました" not in b.html   # a lawyer has no conditional procedure
    b.post("/applications/input", {"procedure": "work_qualification_certificate", "status_of_residence": ENGINEER,
                                   "action": "input"})

    # S05 身分事項1: the step bar of the plan (no STEP2-3 for this procedure), 「検索」 for the address
    assert b.current_step() == "身分事項1(STEP2-1)"
    assert "申請情報入力(就労資格証明書交付申請)" in b.text()
    assert "活動に関する事項" not in b.text() and "申請情報入力完了(STEP4)" in b.text()
    for label in ("1 申請人の基本情報", "(1) 国籍・地域", "アフガニスタン Afghanistan",
                  "半角英字(大文字入力), 104文字以内, カンマ区切り",
                  "例)HOUMU,TARO", "検索ボタンを押下して検索してください。", "在日親族又は同居者 1", "郵送 Mail", "受領官署",
                  "在留カードの受領方法について、地方官署窓口を選択した場合、こちらの官署が受領場所になります。", "次へ"):
        assert label in b.text(), label
    form = identity_form(residence_pref_city="", residence_pref_city__q="千代田")
    b.post("/applications/input/step2_1", {**form, "action": "search:residence_pref_city"})
    assert 'value="pick:residence_pref_city:13101"' in b.html and "東京都千代田区" in b.text()
    assert not b.errors()
    b.post("/applications/input/step2_1", {**form, "action": "pick:residence_pref_city:13101"})
    assert 'name="residence_pref_city" value="13101"' in b.html and 'id="residence_pref_city-chosen">東京都千代田区' in b.html
    assert 'value="ハノイ市"' in b.html, "what was typed stays"

    # 追加 / 削除 of the relatives, 削除 only on the added entries
    form = identity_form(has_relatives="yes")
    b.post("/applications/input/step2_1", {**form, "action": "add:relatives"})
    assert "在日親族又は同居者 2" in b.text() and b.html.count('value="remove:relatives:') == 1
    assert 'value="remove:relatives:0"' not in b.html
    relative = {"relatives__n": "2", "relatives__0__relative_relationship": "spouse", "relatives__0__relative_name": "法務, 花子",
                **date("relatives__0__relative_birth_date", "1992-02-03"), "relatives__0__relative_nationality": "VNM",
                "relatives__0__relative_lives_together": "yes", "relatives__1__relative_name": "消す人"}
    b.post("/applications/input/step2_1", {**form, **relative, "action": "remove:relatives:1"})
    assert "在日親族又は同居者 2" not in b.text() and 'value="法務, 花子"' in b.html and "消す人" not in b.html
    b.post("/applications/input/step2_1", {**form, **relative, "relatives__n": "1", "action": "next"})

    # S06 身分事項2, its last step before STEP3: 「確認」
    assert b.current_step() == "身分事項2(STEP2-2)"
    for label in ("現に有する在留資格", "在留期間", "在留カード番号", "電話番号", "携帯電話番号", "例)09012345678",
                  "取次者等(オンラインシステム利用者)氏名", "例)法務太郎",
                  "申請に先立ち、申請者本人に申請の意思を確認してください。",
                  "申請人(代理人による申請の場合は当該代理人)に申請の意思を確認しました。", "同意", "確認"):
        assert label in b.text(), label
    b.post("/applications/input/step2_2", {**wqc_form(), "action": "next"})

    # S09 STEP3: every block read-only with its 修正; 修正 and back keep the values
    assert b.current_step() == "入力情報確認(STEP3)"
    for label in ("申請種別及び在留資格選択(STEP1)の入力内容", "身分事項1(STEP2-1)の入力内容", "身分事項2(STEP2-2)の入力内容",
                  "(1) 国籍・地域 ベトナム Viet Nam", "(2) 氏名 HOUMU,MIDDLE,TAROU", "1990/05/06", "東京都千代田区", "郵送 Mail",
                  "在日親族又は同居者 1", "法務, 花子", "配偶者", "就労資格証明書交付申請", "申請内容を控えました。",
                  "申請情報入力ボタンを押下すると、以降申請内容の確認・変更ができなくなります。"):
        assert label in b.text(), label
    assert b.html.count(">修正</button>") == 3 and "戻る</button>" not in b.html
    b.post("/applications/input/step3", {"action": "edit:step2_1"})
    assert b.path == "/applications/input/step2_1" and 'value="法務, 花子"' in b.html and 'value="13101"' in b.html
    b.post("/applications/input/step2_1", {**form, **relative, "relatives__n": "1", "action": "next"})
    b.post("/applications/input/step2_2", {**wqc_form(), "action": "next"})
    b.post("/applications/input/step3", {"action": "complete"}, status="WZBAM121E")
    assert b.errors() == ["WZBAM121E：" + api_message("WZBAM121E"), "WZBAM122E：" + api_message("WZBAM122E")]
    assert b.marks() == 2
    b.post("/applications/input/step3", CONFIRM)

    # S10 STEP4, D2, then the list
    assert b.path == "/applications/input/complete" and b.current_step() == "申請情報入力完了(STEP4)"
    assert "申請情報入力を完了しました。 申請情報一覧より、「申請」ボタンを押下して、申請してください。" in b.text()
    b.get("/applications/input/complete?notice=1")
    assert "注意(ちゅうい)！！ まだ、申請は完了していません。" in b.text() and "<dialog open" in b.html
    assert "次の画面で必要な「顔写真」や「資料」を添付してから「入管庁に申請を行う」ボタンを押して申請してください。" in b.text()
    b.get(re.search(r'id="d2-ok" href="([^"]+)"', b.html).group(1).replace("&amp;", "&"))
    [row] = b.rows()
    assert {k: row[k] for k in ("number", "receipt_number", "state", "photo_state", "document_state", "companion",
                                "receipt_method", "receiving_office", "procedure", "desired", "applied_at",
                                "residence_card_number")} == {
        "number": "1", "receipt_number": "東オンW", "state": "入力完了（申請未了）", "photo_state": "対象外",
        "document_state": "未登録", "companion": "なし", "receipt_method": "郵送", "receiving_office": "",
        "procedure": "就労資格証明書交付申請", "desired": "技術・人文知識・国際業務", "applied_at": "",
        "residence_card_number": CARD}
    assert "全件数1件 1-1件表示中" in b.text()

    # S19 資料添付 → D3 → 確認; then 申請 → S20 → 申請完了
    operate(b, "attach_documents", row["id"])
    assert b.path == f"/applications/{row['id']}/documents"
    b.post(b.path, {"action": "register", "document": (BytesIO(pdf()), "documents.pdf")})
    assert "登録した資料の変更・取消はできません。 登録してよろしいですか。" in b.text() and '<dialog open' in b.html
    b.post(b.path, {"action": "confirm"})
    assert b.path == "/applications/list" and b.rows()[0]["document_state"] == "登録済"
    operate(b, "submit", row["id"])
    assert b.path == "/applications/accepted"
    for label in ("申請情報登録", "申請受付完了",
                  "申請を受け付けました。 メールアドレス lawyer@example.jpへ受付完了通知が届きます。",
                  "メールがしばらくたっても届かない場合は", "【問合せ先】", "TEL：050-3786-3053"):
        assert label in b.text(), label
    b.get("/applications/list")
    done = b.rows()[0]
    assert done["state"] == "申請完了" and done["applied_at"] == "2024/04/01 09:00"
    assert api.mails(to="lawyer@example.jp", kind="application_received")


def api_message(code: str) -> str:
    from simulator import catalog

    return catalog.message(code).ja


# --- an 在留期間更新許可申請 with STEP2-3, a photo, the receipt method and a simultaneous re-entry permit ---

def test_an_extension_with_its_activity_photo_and_a_companion(b: Browser, api: Api, lawyer: str, record: dict) -> None:
    start(b, "extension_of_stay")
    assert "活動に関する事項(STEP2-3)" in b.text()
    b.post("/applications/input/step2_1", {**identity_form(), "action": "next"})
    b.post("/applications/input/step2_2", {**extension_form(), "action": "next"})
    assert b.current_step() == "活動に関する事項(STEP2-3)" and ">次へ</button>" not in b.html and ">確認</button>" in b.html
    assert "career__n" in b.html and "年" in b.text()
    b.post("/applications/input/step2_3", {**activity_n_form(), "action": "next"})
    assert b.path == "/applications/input/step3", b.errors()
    assert "活動に関する事項(STEP2-3)の入力内容" in b.text() and "2015/04" in b.text()
    b.post("/applications/input/step3", CONFIRM)
    b.get("/applications/list?all=1")
    [row] = b.rows()
    assert (row["receipt_number"], row["photo_state"], row["desired"]) == ("東オンEN", "未登録", "技術・人文知識・国際業務(3年)")

    # S17: a photo over 50 KB and a counter without office, both refused at once; then right
    operate(b, "attach_photo", row["id"])
    assert b.path == f"/applications/{row['id']}/photo"
    for label in ("顔写真添付・受領方法", "顔写真添付", "顔写真不要者用データ(JPG)", "在留カードの受領方法", "郵送 Mail",
                  "登録", "クリア"):
        assert label in b.text(), label
    assert 'href="/static/photo-exempt.jpg"' in b.html
    b.post(b.path, {"action": "register", "card_receipt_method": "counter", "receiving_office": "",
                    "photo": (BytesIO(jpeg_of_size(51201)), "face.jpg")}, status="WZBAM147E")
    assert [e.split("：")[0] for e in b.errors()] == ["WZBAM147E", "WZBAM140E"] and b.marks() == 2
    b.post(b.path, {"action": "register", "card_receipt_method": "counter", "receiving_office": "tokyo",
                    "photo": (BytesIO(jpeg()), "face.jpg")})
    moved = b.rows()[0]
    assert (moved["photo_state"], moved["receipt_method"]) == ("登録済", "窓口")
    assert moved["receiving_office"] == "東京出入国在留管理局"

    # S18: the photo registered, served by the screens
    operate(b, "check_photo", row["id"])
    assert "現在登録中の顔写真" in b.text()
    image = b.client.get(f"/applications/{row['id']}/photo.jpg")
    assert image.status_code == 200 and image.mimetype == "image/jpeg" and image.data[:2] == b"\xff\xd8"

    # S21–S25: a re-entry permit with it
    b.get("/applications/list")
    operate(b, "add_companion", row["id"])
    assert b.path == f"/applications/{row['id']}/companion" and b.current_step() == "申請種別選択(STEP1)"
    assert "同時申請情報入力" in b.text() and "再入国許可申請" in b.text()
    b.post(b.path, {"companion_procedure": "re_entry_permit", "action": "input"})
    assert "同時申請情報入力(再入国許可申請)" in b.text() and b.current_step() == "身分事項1(STEP2-1)"
    companion = {"nationality": "VNM", "applicant_name": "HOUMU,MIDDLE,TAROU", **date("birth_date_applicant", "1990-05-06"),
                 "sex_applicant": "male", **place("residence_pref_city", "13101"), "residence_street": "霞が関一丁目１番１号",
                 "mobile_applicant": "09012345678"}
    b.post("/applications/input/step2_1", {**companion, "action": "next"})
    assert ">確認</button>" in b.html
    trip = {"current_status": ENGINEER, "current_period": "3y", "travel_purpose": "観光", "destination_country": "VNM",
            **date("departure_date", "2024-08-01"), **date("reentry_date", "2024-08-20"), "reentry_kind": "single",
            "applicant_consent": "on"}
    b.post("/applications/input/step2_2", {**trip, "action": "next"})
    assert b.current_step() == "入力情報確認(STEP3)" and "一回限り" in b.text()
    b.post("/applications/input/step3", CONFIRM)
    assert "同時申請情報入力" in b.text() and b.current_step() == "申請情報入力完了(STEP4)"
    b.get(re.search(r'id="to-list" href="([^"]+)"', b.html).group(1).replace("&amp;", "&"))
    assert b.rows()[0]["companion"] == "あり"

    operate(b, "submit", row["id"])
    assert b.path == "/applications/accepted"
    b.get("/applications/list")
    assert b.rows()[0]["state"] == "申請完了"


# --- marks and red lines -----------------------------------------------------------------------------------

def test_a_wrong_step_shows_the_red_lines_and_marks(b: Browser, lawyer: str, record: dict) -> None:
    b.get("/applications/input")
    b.post("/applications/input", {"action": "input"}, status="WZBAM001E")
    assert b.errors() == [REQUIRED_LINE] and b.marks() == 2
    start(b, "work_qualification_certificate")
    b.post("/applications/input/step2_1", {**identity_form(applicant_name="HOUMU MIDDLE TAROU", home_town="",
                                                             applicant_email="no-at-sign"), "action": "next"}, status="WZBAM006E")
    codes = [e.split("：")[0] for e in b.errors()]
    assert set(codes) == {"WZBAM001E", "WZBAM006E", "WZBAM021E"} and b.marks() == 3
    assert 'value="HOUMU MIDDLE TAROU"' in b.html, "the page shows what was typed"
    b.post("/applications/input/step2_1", {**identity_form(has_relatives="yes"), "action": "next"}, status="WZBAM101E")
    assert [e.split("：")[0] for e in b.errors()] == ["WZBAM101E"]
    b.post("/applications/input/step2_1", {**identity_form(nationality="AFG"), "action": "next"})
    b.post("/applications/input/step2_2", {**wqc_form(), "action": "next"}, status="WZBAM236E")
    assert [e.split("：")[0] for e in b.errors()] == ["WZBAM236E"]
    assert b.marks() == 1, "of the six items only the card number is on 身分事項2"
    b.post("/applications/input/step2_2", {**wqc_form(), "action": "back"})
    assert b.current_step() == "身分事項1(STEP2-1)" and 'value="AFG" selected' in b.html
    b.post("/applications/input/step2_1", {**identity_form(), "action": "next"})
    b.post("/applications/input/step2_2", {**wqc_form(applicant_consent=""), "action": "next"}, status="WZBAM110E")
    assert [e.split("：")[0] for e in b.errors()] == ["WZBAM110E"] and b.marks() == 1


def test_thirty_minutes_without_a_screen_change_erase_the_input(b: Browser, api: Api, lawyer: str, record: dict) -> None:
    start(b, "work_qualification_certificate")
    api.advance(minutes=20)
    b.get("/applications/input/step2_1")   # a screen of the input restarts its 30 minutes
    api.advance(minutes=20)
    b.post("/applications/input/step2_1", {**identity_form(), "action": "next"})
    assert b.current_step() == "身分事項2(STEP2-2)"
    page = b.html
    api.advance(minutes=20)
    b.get("/menu")               # the login session is kept alive elsewhere; the input is not
    api.advance(minutes=11)
    b.html = page
    b.post("/applications/input/step2_2", {**wqc_form(), "action": "next"}, status="RASIM440E")
    assert b.current_step() == "申請種別及び在留資格選択(STEP1)"
    assert [e.split("：")[0] for e in b.errors()] == ["RASIM440E"]


def test_the_points_table_warns_with_d1(b: Browser, auth_id: str, flow: Flow, record: dict) -> None:
    flow.start("extension_of_stay", "hsp_business_management", hsp_activity="business_manager")
    flow.step("step2_1", identity())
    flow.step("step2_2", details_extension())
    flow.step("step2_3", {"institution_name": "株式会社テスト", "activity_detail": "会社の経営"})
    on_screens(b, auth_id)   # the input belongs to the user, whichever session made it
    b.get("/applications/input/step2_4")
    assert b.current_step() == "高度専門職ポイント計算表(STEP2-4)"
    low = {k: "none" for k in ("hsp_education", "hsp_career", "hsp_research", "hsp_license")}
    low |= {k: "no" for k in ("hsp_multiple_degrees", "hsp_sme_research", "hsp_foreign_qualification",
                              "hsp_japanese_university", "hsp_growth_field", "hsp_jica", "hsp_designated_university")}
    low |= {"hsp_income": "under_3m", "hsp_age": "40_or_over", "hsp_innovation": "no", "hsp_japanese": "none"}
    b.post("/applications/input/step2_4", {**low, "action": "next"})
    assert "<dialog open" in b.html and "入力情報確認" in b.text()
    for line in ("ポイント計算表の合計点数が70点未満ですが、このまま申請しますか？(70点未満の場合、許可の対象となりません。)",
                 "年収300万円未満の場合、許可の対象となりません。",
                 "申請情報の入力を続けるときは確認ボタンを押下してください。申請情報の入力を中止するときは取消ボタンを押下してください。"):
        assert line in b.text(), line   # the dialog's wording (004 §2.4.1 #6), not the catalogue's
    b.post("/applications/input/step2_4", {"action": "stay"})
    assert b.current_step() == "高度専門職ポイント計算表(STEP2-4)" and "<dialog open" not in b.html
    b.post("/applications/input/step2_4", {**low, "action": "next"})
    b.post("/applications/input/step2_4", {"action": "continue"})
    assert b.current_step() == "入力情報確認(STEP3)"


# --- the list ----------------------------------------------------------------------------------------------

OPERATION_LABELS = {"attach_documents": "資料を添付する", "attach_photo": "顔写真を添付する",
                    "add_companion": "再入国許可・資格外活動許可も同時に申請する",
                    "change_receipt_method": "在留カード・在留資格認定証明書の受取方法を変更する", "check_photo": "顔写真確認",
                    "show_bulk_errors": "一括申請エラー確認", "delete": "申請情報の削除", "submit": "入管庁に申請を行う"}


def test_the_list_buttons_columns_and_wzbam138e_without_a_row(b: Browser, auth_id: str, flow: Flow, record: dict) -> None:
    flow.wqc()
    on_screens(b, auth_id)
    b.get("/applications/list?all=1")
    positions = [b.html.index(f">{label}</button>") for label in OPERATION_LABELS.values()]
    assert positions == sorted(positions), "the buttons in the manual's order"
    headers = re.findall(r'<th class="col-\w+">(.*?)</th>', b.html, re.S)
    assert [re.sub(r"<[^>]+>|\s*[↑↓]", "", h).strip() for h in headers] == [
        "選択", "#", "受付番号", "申請状態", "顔写真", "添付資料", "同時申請", "受領方法", "受領希望官署", "申請種別",
        "希望在留資格期間", "申請日時", "申請時在留カード番号"]
    assert ("(申請情報一覧から対象となる記録を「選択」し、資料と顔写真を添付してから、申請してください) "
            "※「入管庁に申請を行う」ボタンを押さないと申請は完了しません。") in b.text()
    for operation, label in OPERATION_LABELS.items():
        operate(b, operation, None, status="WZBAM138E")
        assert b.errors() == [f"WZBAM138E：申請情報を選択してから{label}を押下してください。"], operation
    operate(b, "show_bulk_errors", b.rows()[0]["id"], status="WZBAM169E")
    assert [e.split("：")[0] for e in b.errors()] == ["WZBAM169E"]
    operate(b, "check_photo", b.rows()[0]["id"], status="WZBAM241E")
    assert [e.split("：")[0] for e in b.errors()] == ["WZBAM241E"]
    operate(b, "add_companion", b.rows()[0]["id"], status="WZBAM203E")
    assert [e.split("：")[0] for e in b.errors()] == ["WZBAM203E"], "no simultaneous application with this procedure"
    operate(b, "attach_photo", "999", status="RASIM404E")
    assert [e.split("：")[0] for e in b.errors()] == ["RASIM404E"]
    for url in ("/applications/999/photo", "/applications/999/documents", "/applications/999/receipt-method"):
        b.get(url, status="RASIM404E")
        assert "RASIM404E" in b.text(), url


def test_pages_of_ten_and_sorting(b: Browser, api: Api, auth_id: str, flow: Flow) -> None:
    for n in range(12):
        card = f"AB{n:08d}CD"
        person(api, residence_card_number=card)
        flow.wqc({"residence_card_number": card})
    on_screens(b, auth_id)
    b.get("/applications/list?all=1")
    assert "全件数12件 1-10件表示中" in b.text() and len(b.rows()) == 10
    assert '<strong aria-current="page">1</strong>' in b.html and 'href="/applications/list?page=2"' in b.html
    assert "申請日時" in b.text() and '<span class="sorted">↓</span>' in b.html
    b.get("/applications/list?page=2")
    assert "全件数12件 11-12件表示中" in b.text() and [r["number"] for r in b.rows()] == ["11", "12"]
    b.get("/applications/list?sort=residence_card_number&order=asc&page=1")
    cards = [r["residence_card_number"] for r in b.rows()]
    assert cards == sorted(cards) and cards[0] == "AB00000000CD"
    b.get("/applications/list?sort=residence_card_number&order=desc&page=1")
    assert b.rows()[0]["residence_card_number"] == "AB00000011CD"


def test_delete_at_once(b: Browser, auth_id: str, flow: Flow, record: dict) -> None:
    flow.wqc()
    on_screens(b, auth_id)
    b.get("/applications/list?all=1")
    operate(b, "delete", b.rows()[0]["id"])
    assert b.rows() == [] and "申請情報を削除しました。" in b.text()
    assert [e.split("：")[0] for e in b.errors()] == ["WZBAM136E"]


# --- S15 search ----------------------------------------------------------------------------------------------

def when(name: str, y: str = "", m: str = "", d: str = "", h: str = "", i: str = "") -> dict[str, str]:
    return {f"{name}__y": y, f"{name}__m": m, f"{name}__d": d, f"{name}__h": h, f"{name}__i": i}


def test_search_criteria_and_their_errors(b: Browser, auth_id: str, flow: Flow, record: dict) -> None:
    flow.wqc()
    on_screens(b, auth_id)
    b.get("/menu")
    b.get("/applications/search")
    for label in ("申請・同時申請・顔写真・資料等の添付・削除", "申請情報検索", "受付番号", "受理庁", "申請種別", "受付番号(自)",
                  "受付番号(至)", "例)123456", "申請状態", "申請日時(自)", "申請日時(至)", "検索", "クリア", "戻る"):
        assert label in b.text(), label
    b.post("/applications/search", {"receipt_from": "000200", "receipt_to": "000100", "action": "search"}, status="WZBAM130E")
    assert b.errors() == ["WZBAM130E：" + api_message("WZBAM130E")] and b.marks() == 1
    b.post("/applications/search", {**when("applied_from", "2024", "4", "1"), **when("applied_to", y="2024"),
                                    "action": "search"}, status="WZBAM131E")
    assert [e.split("：")[0] for e in b.errors()] == ["WZBAM131E", "WZBAM133E"] and b.marks() == 2
    assert 'name="applied_from__y"' in b.html and '<option value="2024" selected>' in b.html
    b.post("/applications/search", {**when("applied_from", "2024", "2", "31", "10", "0"), "action": "search"}, status="WZBAM132E")
    assert [e.split("：")[0] for e in b.errors()] == ["WZBAM132E"]
    b.post("/applications/search", {"action": "clear"})
    assert not b.errors() and 'selected' not in b.html.split('name="applied_from__y"')[1].split("</select>")[0]
    b.post("/applications/search", {"state": "submitted", "action": "search"}, status="WZBAM136E")
    assert [e.split("：")[0] for e in b.errors()] == ["WZBAM136E"]
    b.post("/applications/search", {"state": "input_complete", "procedure": "work_qualification_certificate",
                                    "office": "tokyo", "action": "search"})
    assert b.path == "/applications/list" and len(b.rows()) == 1
    b.get("/applications/search?keep=1")
    assert '<option value="input_complete" selected>' in b.html


# --- photo and documents ---------------------------------------------------------------------------------------

def test_photo_checks_and_the_dummy_image(b: Browser, auth_id: str, flow: Flow, record: dict) -> None:
    flow.start("extension_of_stay")
    row = extension_over_api(flow)
    on_screens(b, auth_id)
    b.get(f"/applications/{row}/photo")
    b.post(b.path, {"action": "register", "card_receipt_method": "post", "photo": (BytesIO(b"\x89PNG...."), "face.png")},
           status="WZBAM148E")
    assert [e.split("：")[0] for e in b.errors()] == ["WZBAM148E"]
    b.post(b.path, {"action": "register", "card_receipt_method": "post"}, status="WZBAM146E")
    assert [e.split("：")[0] for e in b.errors()] == ["WZBAM146E"]
    b.post(b.path, {"action": "clear"})
    assert "checked" not in b.html.split('name="card_receipt_method"')[1][:40]
    dummy = b.client.get("/static/photo-exempt.jpg").data
    b.post(b.path, {"action": "register", "card_receipt_method": "post", "photo": (BytesIO(dummy), "photo-exempt.jpg")})
    assert b.path == "/applications/list" and b.rows()[0]["photo_state"] == "登録済"
    operate(b, "change_receipt_method", str(row))
    assert b.path == f"/applications/{row}/receipt-method" and 'name="photo"' not in b.html
    b.post(b.path, {"action": "register", "card_receipt_method": "post", "receiving_office": "tokyo"}, status="WZBAM139E")
    assert [e.split("：")[0] for e in b.errors()] == ["WZBAM139E"]


def extension_over_api(flow: Flow) -> int:
    flow.step("step2_1", identity())
    flow.step("step2_2", details_extension())
    flow.step("step2_3", activity_n_values())
    return flow.complete().get_json()["id"]


def activity_n_values() -> dict[str, Any]:
    from werkzeug.datastructures import MultiDict

    from simulator import catalog
    from simulator.web.screens.forms import read_fields

    _shown, values, _ = read_fields(catalog.form("activity_n").screen_fields, MultiDict(activity_n_form()))
    return values


def test_documents_d3_cancel_confirm_and_once_only(b: Browser, app: Any, auth_id: str, flow: Flow, record: dict) -> None:
    row = flow.wqc()["id"]
    on_screens(b, auth_id)
    url = f"/applications/{row}/documents"
    b.get(url)
    assert "【登録ボタンをクリックする前に必ずご確認ください】" in b.text()
    assert "本システム上で資料の添付ができるのは一回限りです。" in b.text() and "最大ファイルサイズ：10MB" in b.text()
    assert b.html.count("<li>") >= 5 and "登録可能ファイル：PDF形式" in b.text()
    b.post(url, {"action": "register"}, status="WZBAM001E")
    assert b.errors() == [REQUIRED_LINE] and b.marks() == 1
    b.post(url, {"action": "register", "document": (BytesIO(pdf()), "documents.pdf")})
    assert 'id="d3"' in b.html
    assert len(list(files_dir(app).glob("incoming/*"))) == 1, "the PDF waits in a temporary file"
    b.post(url, {"action": "cancel"})
    assert 'id="d3"' not in b.html and not list(files_dir(app).glob("incoming/*"))
    b.post(url, {"action": "register", "document": (BytesIO(b"not a pdf"), "documents.pdf")})
    b.post(url, {"action": "confirm"}, status="WZBAM185E")
    assert [e.split("：")[0] for e in b.errors()] == ["WZBAM185E"]
    b.post(url, {"action": "register", "document": (BytesIO(pdf()), "documents.pdf")})
    b.post(url, {"action": "confirm"})
    assert b.rows()[0]["document_state"] == "登録済"
    b.get(url)
    b.post(url, {"action": "register", "document": (BytesIO(pdf()), "again.pdf")})
    b.post(url, {"action": "confirm"}, status="WZBAM117E")
    assert [e.split("：")[0] for e in b.errors()] == ["WZBAM117E"]


def files_dir(app: Any) -> Any:
    from pathlib import Path

    return Path(app.config.get("RASIM_FILES_DIR") or Path(app.config["RASIM_VAR_DIR"]) / "files")


def test_a_document_over_the_limit_is_server_maintenance(b: Browser, app: Any, auth_id: str, flow: Flow,
                                                          record: dict) -> None:
    from simulator import catalog

    row = flow.wqc()["id"]
    on_screens(b, auth_id)
    url = f"/applications/{row}/documents"
    b.get(url)
    limit = catalog.edition(app.config["RASIM_EDITION"]).document_max_bytes
    b.post(url, {"action": "register", "document": (BytesIO(b"%PDF-" + b"0" * (limit + 70000)), "big.pdf")}, status=413)
    assert "RASIM452E：サーバーメンテナンス中です" in b.text()
    b.get(url)
    b.post(url, {"action": "register", "document": (BytesIO(b"%PDF-" + b"0" * limit), "big.pdf")}, status="WZBAM184E")
    assert [e.split("：")[0] for e in b.errors()] == ["WZBAM184E"], "over 10 MB within the allowance: the service's 184E"
    assert not list(files_dir(app).glob("incoming/*"))
    big = pdf(padding=3 * 1024 * 1024)   # above the app-wide 2 MB of MAX_CONTENT_LENGTH, within the route's limit
    b.post(url, {"action": "register", "document": (BytesIO(big), "big.pdf")})
    b.post(url, {"action": "confirm"})
    assert b.path == "/applications/list" and b.rows()[0]["document_state"] == "登録済"


# --- the Back-button rule and English ------------------------------------------------------------------------------

def test_an_old_screen_token_ends_the_session(b: Browser, client: Any, lawyer: str, record: dict) -> None:
    start(b, "work_qualification_certificate")
    old = dict(tokens(b.html))
    b.post("/applications/input/step2_1", {**identity_form(), "action": "next"})
    r = client.post("/applications/input/step2_2", data={**old, **wqc_form(), "action": "next"})
    assert r.status_code == 409 and "RASIM409E" in r.get_data(as_text=True)
    assert client.get("/applications/input").status_code == 401


def test_every_new_page_in_english(b: Browser, auth_id: str, flow: Flow, record: dict) -> None:
    row = flow.wqc()["id"]
    on_screens(b, auth_id)
    b.get("/applications/input?lang=en")
    assert '<html lang="en">' in b.html and "Application input" in b.text() and "Application type" in b.text()
    assert "Please select the application type." in b.text() and "(STEP1)" in b.text()
    pages = {"/applications/search": "Search applications", "/applications/list?all=1": "Application list",
             f"/applications/{row}/photo": "Attach photo and receipt method",
             f"/applications/{row}/receipt-method": "Receipt method", f"/applications/{row}/documents": "Attach documents",
             f"/applications/{row}/companion": "Simultaneous application input", "/applications/accepted": "Application accepted",
             "/applications/input/complete?notice=1": "Caution!!"}
    for url, label in pages.items():
        b.get(url)
        assert label in b.text(), url
    b.get("/applications/list")
    assert "Input complete (not yet applied)" in b.text() and "Not applicable" in b.text() and "Apply to the agency" in b.text()
    operate(b, "submit", None, status="WZBAM138E")
    assert b.errors() == ["WZBAM138E: Select an application record before pressing Apply to the agency."]
    b.get("/applications/input?lang=en")
    b.post("/applications/input", {"procedure": "work_qualification_certificate", "status_of_residence": ENGINEER,
                                   "action": "input"})
    assert "Personal details 1 (STEP2-1)" in b.text() and "1 Basic information of the applicant" in b.text()
    b.get("/applications/input?lang=ja")
