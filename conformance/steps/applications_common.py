"""Individual applications (FAQ Q1-4–Q1-6, Q4, Q5-11): the person behind an application (a residence
record of the bureau, through test support), the input of STEP1 → STEP3, the 申請情報一覧 and what a user
does to a row (photo, documents, receipt method, simultaneous application, delete, 入管庁に申請を行う), the
mails and numbers that follow. The steps live in applications_people.py (residence records, the persons,
logout), applications_input.py (STEP1 → STEP3 and the checks of the input), applications_files.py (photo,
documents, receipt method) and applications_list.py (the list, states, submission, delete, numbers, mails,
the catalogue of forms); this module holds what they share: the words of the features and the calls.

People: a user (弁護士「田中」, 外国人「ミン」) enters the application of an applicant (申請人「タロウ」). The
applicant is a Person of role "applicant" whose `record` is the residence record the bureau keeps and whose
`email` is the notification address typed on STEP2-1 (Q4-30), so the mail steps of common.py reach them.
Applications are named by their applicant: 「タロウ」の申請 (and 「タロウ」の同時申請).

The input follows the plan the target answers to STEP1 (its list of steps and forms), filling each form
with values that agree with the applicant's record; a step may change one item (「…の氏名を「…」として」)
or leave it empty. Photos and PDFs are made in applications_files.py, of any exact size. Every residence
card number and notification address is unique to the scenario; a record without a card (an acquisition)
carries a unique given name, since the system finds it by its facts."""
from __future__ import annotations

import re
import unicodedata
import uuid
from typing import Any, Callable

from conformance.steps.world import World, expect_ok


# -- words of the features → what the API takes ---------------------------------------------------------------

PROCEDURES = {"在留資格認定証明書交付申請": "coe", "在留資格変更許可申請": "change_of_status",
              "在留期間更新許可申請": "extension_of_stay", "在留資格取得許可申請": "acquisition_of_status",
              "就労資格証明書交付申請": "work_qualification_certificate", "再入国許可申請": "re_entry_permit",
              "資格外活動許可申請": "permission_outside_status"}
STATUSES = {"技術・人文知識・国際業務": "engineer_specialist_humanities_international", "技能": "skilled_labor",
            "留学": "student", "家族滞在": "dependent", "教授": "professor", "定住者": "long_term_resident",
            "日本人の配偶者等": "spouse_or_child_of_japanese_national", "永住者": "permanent_resident",
            "外交": "diplomat", "公用": "official", "短期滞在": "temporary_visitor", "特定活動": "designated_activities",
            "特定活動(出国準備期間)": "designated_activities_departure_preparation"}
# the seven values of 「申請状態」 as FAQ Q4-35 writes them (compared after NFKC and without spaces); the suite of
# the current system reads 「処理状況」 as 003 §7.1 writes them (with the row before 申込 while the 2024 screens
# serve 2026)
STATES_2026 = {"入力完了(申請未了)": "input_complete", "処理待ち": "pending", "申請完了": "submitted",
               "審査中": "under_examination", "発行待ち": "awaiting_issuance", "返却中": "returned", "完了": "completed",
               "完了(不許可)": "refused"}
STATES = {"入力完了(申請未了)": "input_complete", "申請完了": "submitted", "審査中": "under_examination",
          "発行待ち": "awaiting_issuance", "完了": "completed", "エラー(一括登録)": "bulk_error",
          "エラー(申請受付番号取得エラー)": "receipt_number_error"}
PLACES = {"北海道札幌市中央区": "01101", "宮城県仙台市青葉区": "04101", "東京都千代田区": "13101",
          "神奈川県横浜市中区": "14104", "愛知県名古屋市中区": "23106", "大阪府大阪市中央区": "27128",
          "兵庫県神戸市中央区": "28110", "広島県広島市中区": "34101", "香川県高松市": "37201",
          "福岡県福岡市博多区": "40132", "沖縄県那覇市": "47201"}
STREETS = {"01101": "北一条西二丁目", "04101": "国分町三丁目７番１号", "13101": "霞が関一丁目１番１号",
           "14104": "山下町３７番地９", "23106": "三の丸四丁目３番１号", "27128": "大手前四丁目１番６７号",
           "28110": "海岸通り２９番地", "34101": "上八丁堀２番３１号", "37201": "丸の内１番１号",
           "40132": "博多駅東二丁目１１番１号", "47201": "樋川一丁目１５番１５号"}
PERIODS = {"5年": "5y", "3年": "3y", "1年": "1y", "6月": "6m", "4月": "4m", "3月": "3m", "90日": "90d",
           "30日": "30d", "15日": "15d"}
NATIONALITIES = {"ベトナム": "VNM", "フィリピン": "PHL", "中国": "CHN", "ネパール": "NPL", "米国": "USA"}
SEXES = {"男": "male", "女": "female"}
RECEIPT_METHODS = {"郵送": "post", "窓口": "counter", "メール": "mail"}
COLUMNS = {"顔写真": "photo_label", "添付資料": "document_label", "同時申請": "companion_label",
           "受領方法": "receipt_method_label", "申請種別": "procedure_label"}

# the screens of the input (004 §2.4): the step key of the API and the button that leaves the screen
SCREENS = {"身分事項1(STEP2-1)": "step2_1", "身分事項2(STEP2-2)": "step2_2", "活動に関する事項(STEP2-3)": "step2_3",
           "高度専門職ポイント計算表(STEP2-4)": "step2_4", "入力情報確認(STEP3)": "step3"}
SCREEN = r"(?P<screen>身分事項1\(STEP2-1\)|身分事項2\(STEP2-2\)|活動に関する事項\(STEP2-3\))"
BUTTON = r"「(?:次へ|確認)」"
# the items a step may name, per screen: the field, and how the words become a value
FIELD_WORDS: dict[str, dict[str, tuple[str, Callable[[World, str], Any]]]] = {
    "step2_1": {"国籍・地域": ("nationality", lambda w, v: NATIONALITIES.get(v, v)),
                "氏名": ("applicant_name", lambda w, v: v),
                "生年月日": ("birth_date_applicant", lambda w, v: w.when(v)),
                "性別": ("sex_applicant", lambda w, v: SEXES.get(v, v)),
                "住居地(都道府県市区町村)": ("residence_pref_city", lambda w, v: _place(v)),
                "申請人である外国人本人の通知送信用メールアドレス": ("applicant_email", lambda w, v: v)},
    "step2_2": {"在留期間": ("current_period", lambda w, v: PERIODS.get(v, v)),
                "在留期間の満了日": ("stay_expires_on", lambda w, v: w.when(v)),
                "在留カード番号": ("residence_card_number_applicant", lambda w, v: v),
                "希望する在留期間": ("desired_period", lambda w, v: PERIODS.get(v, v))},
    "step2_3": {"派遣先の名称": ("dispatch_name", lambda w, v: v),
                "月額給与・月額報酬(税引き前の支払額)": ("salary", lambda w, v: v),   # 003 §4.2.1 (2026's label)
                "住民税の納税額(直近年度)": ("resident_tax", lambda w, v: v),
                "雇用形態": ("employment_type", lambda w, v: {"常勤": "full_time", "非常勤": "part_time"}.get(v, v))},
}
CONFIRM_TICKS = {"confirmed_with_representative": True, "kept_copy": True}
PHOTO_EXEMPT_PATH = "/static/photo-exempt.jpg"   # rasim's stand-in for the agency's 「顔写真不要者用データ(JPG)」


def _norm(label: str) -> str:
    """A label as compared: NFKC (full-width brackets become ASCII) and without spaces (「審 査 中」)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", label or ""))


NORMALISED_STATES = {_norm(k): v for k, v in STATES.items()}


def suite_states() -> dict[str, str]:
    """The state words of the suite being run (FAQ Q4-35 for 2024, 003 §7.1 for 2026)."""
    from conformance.bdd import suite_edition

    return STATES_2026 if suite_edition() == "2026" else STATES


def _state_key(label: str) -> str:
    states = suite_states()
    key = {_norm(k): v for k, v in states.items()}.get(_norm(label))
    assert key, f"「{label}」 is not one of the values of 申請状態 of the suite's source: {', '.join(states)}"
    return key


def _place(words: str) -> str:
    assert words in PLACES, f"unknown municipality 「{words}」; known: {', '.join(PLACES)}"
    return PLACES[words]


def _procedure(words: str) -> str:
    assert words in PROCEDURES, f"unknown procedure 「{words}」; known: {', '.join(PROCEDURES)}"
    return PROCEDURES[words]


def _status(words: str) -> str:
    assert words in STATUSES, f"unknown status of residence 「{words}」; known: {', '.join(STATUSES)}"
    return STATUSES[words]


def _letters(n: int = 6) -> str:
    """Capital letters no other scenario uses (a name must be upper-case Latin: Q4-21)."""
    value = uuid.uuid4().int
    out = ""
    for _ in range(n):
        value, r = divmod(value, 26)
        out += chr(ord("A") + r)
    return out


# -- calls as a logged-in user (a session that timed out overnight is opened again) ----------------------------

def _as(world: World, who: str, call: Callable[[str], Any]) -> Any:
    p = world.person(who)
    reply = call(world.logged_in(p))
    if getattr(reply, "status", None) == 401:
        p.token = None
        reply = call(world.logged_in(p))
    return reply


def _input(world: World) -> dict[str, Any]:
    inp = world.scratch.get("input")
    assert inp, "no application input has been started in this scenario"
    return inp


def _application_id(world: World, applicant: str, companion: bool = False) -> int:
    key = f"{applicant}:companion" if companion else applicant
    found = world.scratch.get("applications", {}).get(key)
    assert found, f"「{applicant}」 has no {'simultaneous ' if companion else ''}application in this scenario"
    return found["id"]


def _owner(world: World, applicant: str, companion: bool = False) -> str:
    key = f"{applicant}:companion" if companion else applicant
    return world.scratch["applications"][key]["user"]


def _row(world: World, applicant: str, companion: bool = False) -> dict[str, Any]:
    app_id = _application_id(world, applicant, companion)
    return expect_ok(_as(world, _owner(world, applicant, companion),
                         lambda t: world.client.application(t, app_id)), "getApplication")


def _day(world: World, text: str) -> str:
    return world.when(text)[:10]
