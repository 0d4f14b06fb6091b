"""Individual applications (FAQ Q1-4–Q1-6, Q4, Q5-11): the person behind an application (a residence
record of the bureau, through test support), the input of STEP1 → STEP3, the 申請情報一覧 and what a user
does to a row (photo, documents, receipt method, simultaneous application, delete, 入管庁に申請を行う), the
mails and numbers that follow.

People: a user (弁護士「田中」, 外国人「ミン」) enters the application of an applicant (申請人「タロウ」). The
applicant is a Person of role "applicant" whose `record` is the residence record the bureau keeps and whose
`email` is the notification address typed on STEP2-1 (Q4-30), so the mail steps of common.py reach them.
Applications are named by their applicant: 「タロウ」の申請 (and 「タロウ」の同時申請).

The input follows the plan the target answers to STEP1 (its list of steps and forms), filling each form
with values that agree with the applicant's record; a step may change one item (「…の氏名を「…」として」)
or leave it empty. Photos and PDFs are made here, of any exact size: a JPEG padded with a comment
segment, a hand-written PDF padded with a stream (pikepdf only for the encrypted and restricted ones).
Every residence card number and notification address is unique to the scenario; a record without a card
(an acquisition) carries a unique given name, since the system finds it by its facts."""
from __future__ import annotations

import datetime as dt
import io
import json
import re
import unicodedata
import uuid
from typing import Any, Callable

import pytest
from pytest_bdd import given, parsers, step, then, when

from conformance.client import Reply
from conformance.steps.common import is_refusal
from conformance.steps.world import Person, World, expect_ok

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
# the seven values of 「申請状態」 as FAQ Q4-35 writes them (compared after NFKC and without spaces)
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
                "住民税の納税額(直近年度)": ("resident_tax", lambda w, v: v),
                "雇用形態": ("employment_type", lambda w, v: {"常勤": "full_time", "非常勤": "part_time"}.get(v, v))},
}
CONFIRM_TICKS = {"confirmed_with_representative": True, "kept_copy": True}
PHOTO_EXEMPT_PATH = "/static/photo-exempt.jpg"   # rasim's stand-in for the agency's 「顔写真不要者用データ(JPG)」


def _norm(label: str) -> str:
    """A label as compared: NFKC (full-width brackets become ASCII) and without spaces (「審 査 中」)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", label or ""))


NORMALISED_STATES = {_norm(k): v for k, v in STATES.items()}


def _state_key(label: str) -> str:
    key = NORMALISED_STATES.get(_norm(label))
    assert key, f"「{label}」 is not one of the values of 申請状態 (FAQ Q4-35): {', '.join(STATES)}"
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


# -- the person behind an application: the residence record ------------------------------------------------------

def _record_body(p: Person) -> dict[str, Any]:
    assert p.record is not None, f"「{p.alias}」 has no residence record"
    return {k: v for k, v in p.record.items() if not k.startswith("_") and v is not None}


def _put_record(world: World, p: Person) -> None:
    expect_ok(world.client.put_residence_record(**_record_body(p)), "putResidenceRecord")


def _day(world: World, text: str) -> str:
    return world.when(text)[:10]


def _default_expiry(world: World) -> str:
    base = world.base_day or world.now().date()
    return (base + dt.timedelta(days=60)).isoformat()


def new_applicant(world: World, who: str, expires: str | None = None, name: str | None = None) -> Person:
    """A card holder (change, extension, work certificate): 技術・人文知識・国際業務, 3年, in 千代田区."""
    p = Person(alias=who, role="applicant", name=name or "HOUMU MIDDLE TAROU", email=world.unique_email(),
               birth_date="1990-05-06", residence_card_number=world.unique_residence_card_number())
    p.record = {"residence_card_number": p.residence_card_number, "name": p.name, "nationality": "VNM",
                "sex": "male", "birth_date": p.birth_date, "address_municipality": "13101",
                "address_street": STREETS["13101"], "status_of_residence": STATUSES["技術・人文知識・国際業務"],
                "period_of_stay": "3y", "stay_expires_on": _day(world, expires) if expires else _default_expiry(world),
                "abroad": False}
    world.people[who] = p
    _put_record(world, p)
    return p


def new_cardless_applicant(world: World, who: str, event_day: str, reason: str) -> Person:
    """A person without a residence card yet (an acquisition): born in Japan on `event_day`, or an adult who
    left Japanese nationality that day. The system finds the record by name and facts, so the name is unique."""
    born = _day(world, event_day) if reason == "birth" else "1990-05-06"
    name = f"HOUMU {_letters()} {'BABY' if reason == 'birth' else 'HANAKO'}"
    p = Person(alias=who, role="applicant", name=name, email=world.unique_email(), birth_date=born)
    p.record = {"name": name, "nationality": "VNM", "sex": "female", "birth_date": born,
                "address_municipality": "13101", "address_street": STREETS["13101"], "abroad": False,
                "_event": _day(world, event_day), "_reason": reason,
                "_desired_status": STATUSES["家族滞在" if reason == "birth" else "定住者"]}
    world.people[who] = p
    _put_record(world, p)
    return p


@given(parsers.re(r"テスト時計を基準日「D」\((?P<day>\d{4}-\d{2}-\d{2})\)の「(?P<clock>[^」]+)」に設定する"))
def clock_at_fixed_base_day(world: World, day: str, clock: str) -> None:
    """「D」 as a fixed day of the calendar (the card scenarios take tomorrow instead)."""
    world.base_day = dt.date.fromisoformat(day)
    when = f"{day}T{clock}"
    data = expect_ok(world.client.set_clock(when, freeze=True), "setClock")
    assert data["now"].startswith(when[:16]), f"the clock shows {data['now']}, not {when}"


@given(parsers.re(r"(?:在留期限が「(?P<expires>[^」]+)」の)?申請人「(?P<who>[^」]+)」の在留記録が登録されている"))
def applicant_record(world: World, who: str, expires: str | None) -> None:
    new_applicant(world, who, expires)


@given(parsers.parse("在留カードの氏名が「{name}」の申請人「{who}」の在留記録が登録されている"))
def applicant_record_named(world: World, name: str, who: str) -> None:
    new_applicant(world, who, name=name)


@given(parsers.re(r"「(?P<day>[^」]+)」に(?P<event>日本で出生した|日本国籍を離脱した)申請人「(?P<who>[^」]+)」の"
                  r"在留記録が登録されている"))
def cardless_applicant_record(world: World, day: str, event: str, who: str) -> None:
    new_cardless_applicant(world, who, day, "birth" if event == "日本で出生した" else "loss_of_nationality")


@step(parsers.re(r"「(?P<who>[^」]+)」の在留記録の(?P<item>住居地|在留期限|在留期間|在留資格)は「(?P<value>[^」]+)」である"))
def record_changes(world: World, who: str, item: str, value: str) -> None:
    p = world.person(who)
    assert p.record is not None
    if item == "住居地":
        code = _place(value)
        p.record.update(address_municipality=code, address_street=STREETS[code])
    elif item == "在留期限":
        p.record["stay_expires_on"] = _day(world, value)
    elif item == "在留期間":
        p.record["period_of_stay"] = PERIODS[value]
    else:
        p.record["status_of_residence"] = _status(value)
    _put_record(world, p)


@step(parsers.parse("「{who}」は「{day}」に住居地の変更届出(転入届)を行っている"))
def moved_in(world: World, who: str, day: str) -> None:
    p = world.person(who)
    assert p.record is not None
    p.record["moved_in_on"] = _day(world, day)
    _put_record(world, p)


@step(parsers.parse("「{who}」は再入国許可を受けて出国中である"))
def abroad(world: World, who: str) -> None:
    p = world.person(who)
    assert p.record is not None
    p.record["abroad"] = True
    _put_record(world, p)


@given(parsers.parse("申請人「{who}」の希望する在留期間は「{period}」である"))
def desired_period(world: World, who: str, period: str) -> None:
    p = world.person(who)
    assert p.record is not None
    p.record["_desired_period"] = PERIODS[period]


@given(parsers.re(r"外国人「(?P<who>[^」]+)」が在留期限「(?P<expires>[^」]+)」の在留記録を持ち、"
                  r"マイナンバーカードで利用者情報登録を完了している"))
def foreign_national_with_record(world: World, who: str, expires: str) -> None:
    """A 外国人本人 who files their own application (Q5-11): the card and the residence record carry the
    same name; the residence card number of the registration is the record's."""
    from conformance.steps.cards import _complete, _new_holder

    p = _new_holder(world, who, "foreign_national", name=f"NGUYEN VAN {_letters()}", sex="男", birth="1995-04-15")
    p.record = {"residence_card_number": p.residence_card_number, "name": p.name, "nationality": "VNM",
                "sex": "male", "birth_date": "1995-04-15", "address_municipality": "13101",
                "address_street": STREETS["13101"], "status_of_residence": STATUSES["技術・人文知識・国際業務"],
                "period_of_stay": "3y", "stay_expires_on": _day(world, expires), "abroad": False}
    _put_record(world, p)
    _complete(world, p, p.role)


# -- the values of each form, agreeing with the record --------------------------------------------------------

def _user_name(world: World, user: str) -> str:
    return world.person(user).name[:26]


def _values_for(world: World, form: str, inp: dict[str, Any]) -> dict[str, Any]:
    a = world.person(inp["applicant"])
    r = a.record or {}
    name = ",".join(str(r.get("name", a.name)).split())
    contact = {"mobile_applicant": "09012345678", "agent_name": _user_name(world, inp["user"]),
               "applicant_consent": True}
    desired = r.get("_desired_period", "3y")
    stay = {"current_status": r.get("status_of_residence"), "current_period": r.get("period_of_stay"),
            "stay_expires_on": r.get("stay_expires_on")}
    card = {"has_residence_card": "yes", "residence_card_number_applicant": r.get("residence_card_number")}
    if form == "identity":
        return {"nationality": r["nationality"], "applicant_name": name, "birth_date_applicant": r["birth_date"],
                "sex_applicant": r["sex"], "marital_status": "no", "home_town": "ハノイ市",
                "residence_pref_city": r["address_municipality"], "residence_street": r["address_street"],
                "has_relatives": "no", "card_receipt_method": "post", "applicant_email": a.email}
    if form == "details_extension_of_stay":
        return {**stay, **card, "desired_period": desired, "extension_reason": "引き続き同じ会社で勤務するため",
                "criminal_record": "no", **contact}
    if form == "details_change_of_status":
        return {**stay, **card, "desired_period": desired, "change_reason": "就職するため", "criminal_record": "no",
                **contact}
    if form == "details_work_qualification_certificate":
        return {**stay, **card, "certified_activity": "システム開発", "work_period_from": _day(world, "D"),
                "use_purpose": "転職先への提出", **contact}
    if form == "details_acquisition_of_status":
        return {"acquisition_reason": r.get("_reason", "birth"), "acquisition_event_date": r.get("_event"),
                "stay_reason": "引き続き日本で生活するため", "desired_period": desired, "criminal_record": "no", **contact}
    if form == "activity_n":
        return {"employer_name": "霞が関商事株式会社", "employer_pref_city": "13101", "employer_street": "霞が関一丁目２番２号",
                "education_location": "abroad", "education_level": "bachelor", "education_school_name": "ハノイ工科大学",
                "graduation_date": "2012-06-30", "major_university": "engineering", "it_qualification": "no",
                "career": [{"career_employer": "霞が関商事株式会社", "career_joined": "2021-04"}],
                "org_name": "霞が関商事株式会社", "org_pref_city": "13101", "org_street": "霞が関一丁目２番２号",
                "contract_form": "employment", "work_term": "indefinite", "employment_start": "2021-04-01",
                "salary": "4000000", "salary_basis": "annual", "occupation_code": "2",
                "activity_detail": "社内システムの設計と開発", "employment_type": "full_time", "dispatch_name": "なし"}
    if form == "companion_identity":
        return {"nationality": r["nationality"], "applicant_name": name, "birth_date_applicant": r["birth_date"],
                "sex_applicant": r["sex"], "residence_pref_city": r["address_municipality"],
                "residence_street": r["address_street"], "mobile_applicant": "09012345678"}
    current = {"current_status": r.get("status_of_residence") or inp["status"],
               "current_period": r.get("period_of_stay") or "3y"}
    if form == "companion_re_entry_permit":
        return {**current, "travel_purpose": "親族訪問", "destination_country": "VNM", "departure_date": _day(world, "D+30日"),
                "reentry_date": _day(world, "D+45日"), "reentry_kind": "single", "applicant_consent": True}
    if form == "companion_permission_outside_status":
        return {**current, "current_activity": "システム開発", "other_activity": "週末の翻訳", "employer_name_outside": "翻訳舎",
                "weekly_hours": "10", "applicant_consent": True}
    raise AssertionError(f"the suite has no sample values for the form {form}")


def _steps_of(reply: Reply) -> list[tuple[str, str]]:
    return [(s["step"], s["form"]) for s in reply.json["steps"]]


def _start(world: World, user: str, procedure: str, status: str | None, applicant: str | None) -> Reply:
    values: dict[str, Any] = {"procedure": procedure}
    if status:
        values["status_of_residence"] = status
    reply = world.record(_as(world, user, lambda t: world.client.start_application_input(t, values)))
    world.scratch["input"] = {"user": user, "applicant": applicant, "procedure": procedure, "status": status,
                              "steps": _steps_of(reply) if reply.ok else [], "sent": {}, "parent": None}
    return reply


def _start_for(world: World, user: str, applicant: str, procedure_words: str, status_words: str | None) -> Reply:
    a = world.person(applicant)
    r = a.record or {}
    status = _status(status_words) if status_words else (r.get("status_of_residence") or r.get("_desired_status"))
    return _start(world, user, _procedure(procedure_words), status, applicant)


def _save(world: World, step_key: str, change: dict[str, Any] | None = None, blank: str | None = None,
          values: dict[str, Any] | None = None) -> Reply:
    inp = _input(world)
    forms = dict(inp["steps"])
    assert step_key in forms, f"the input of this procedure has no {step_key}: {inp['steps']}"
    if values is None:
        values = _values_for(world, forms[step_key], inp)
    values = dict(values)
    values.update(change or {})
    if blank:
        values.pop(blank, None)
    reply = world.record(_as(world, inp["user"], lambda t: world.client.save_application_step(t, step_key, values)))
    if reply.ok:
        inp["sent"][step_key] = values
    return reply


def _complete(world: World) -> Reply:
    inp = _input(world)
    reply = world.record(_as(world, inp["user"], lambda t: world.client.complete_application_input(t, CONFIRM_TICKS)))
    if reply.ok:
        key = f"{inp['applicant']}:companion" if inp.get("parent") else inp["applicant"]
        world.scratch.setdefault("applications", {})[key] = {"id": reply.json["id"], "user": inp["user"]}
    return reply


def _run_input(world: World, upto: str | None = None) -> Reply:
    """Every screen after STEP1 in the target's order, up to `upto` (a step key) or through STEP3; stops at
    the first refusal, which is then the last reply."""
    inp = _input(world)
    reply = world.last_reply()
    for key, _form in inp["steps"]:
        if key == "step1":
            continue
        reply = _complete(world) if key == "step3" else _save(world, key)
        if not reply.ok or key == upto:
            break
    return reply


def input_completed(world: World, user: str, applicant: str, procedure: str, status: str | None = None) -> int:
    expect_ok(_start_for(world, user, applicant, procedure, status), "startApplicationInput")
    expect_ok(_run_input(world), "the input of STEP2 → STEP3")
    return _application_id(world, applicant)


APPLICATION = (r"「(?P<who>[^」]+)」が申請人「(?P<applicant>[^」]+)」の(?:在留資格「(?P<status>[^」]+)」の)?"
               r"「(?P<procedure>[^」]+)」")


@given(parsers.re(APPLICATION + r"の申請情報を入力完了している"))
def given_input_completed(world: World, who: str, applicant: str, procedure: str, status: str | None) -> None:
    input_completed(world, who, applicant, procedure, status)


@when(parsers.re(APPLICATION + r"の申請情報を入力する"))
def when_input(world: World, who: str, applicant: str, procedure: str, status: str | None) -> None:
    if _start_for(world, who, applicant, procedure, status).ok:
        _run_input(world)


@when(parsers.re(APPLICATION + r"の申請情報を" + SCREEN + r"まで入力する"))
def when_input_upto(world: World, who: str, applicant: str, procedure: str, status: str | None, screen: str) -> None:
    if _start_for(world, who, applicant, procedure, status).ok:
        _run_input(world, upto=SCREENS[screen])


@step(parsers.re(APPLICATION + r"の申請情報の入力を始める"))
def start_for_applicant(world: World, who: str, applicant: str, procedure: str, status: str | None) -> None:
    _start_for(world, who, applicant, procedure, status)


@when(parsers.re(r"「(?P<who>[^」]+)」が(?:在留資格「(?P<status>[^」]+)」の)?「(?P<procedure>[^」]+)」の申請情報の入力を始める"))
def start_without_applicant(world: World, who: str, procedure: str, status: str | None) -> None:
    _start(world, who, _procedure(procedure), _status(status or "技術・人文知識・国際業務"), None)


@given(parsers.re(APPLICATION + r"の申請情報を入力完了し、顔写真と資料を添付している"))
def given_prepared(world: World, who: str, applicant: str, procedure: str, status: str | None) -> None:
    app_id = input_completed(world, who, applicant, procedure, status)
    _prepare(world, who, applicant, app_id)


@given(parsers.re(APPLICATION + r"を申請している"))
def given_submitted(world: World, who: str, applicant: str, procedure: str, status: str | None) -> None:
    app_id = input_completed(world, who, applicant, procedure, status)
    _prepare(world, who, applicant, app_id)
    expect_ok(world.record(_as(world, who, lambda t: world.client.submit_application(t, app_id))), "submitApplication")


def _prepare(world: World, who: str, applicant: str, app_id: int) -> None:
    row = _row(world, applicant)
    if row["photo_state"] == "none":
        expect_ok(_attach_photo(world, who, applicant, "顔写真.jpg", jpeg_of_size(8000)), "attachPhoto")
    expect_ok(_attach_documents(world, who, applicant, "資料.pdf", pdf_of_size(4000)), "attachDocuments")


# -- the screens one by one ------------------------------------------------------------------------------------

@step(parsers.re(r"「(?P<who>[^」]+)」が" + SCREEN + r"を入力して" + BUTTON + r"を押す"))
def save_screen(world: World, who: str, screen: str) -> None:
    _save(world, SCREENS[screen])


@step(parsers.re(r"「(?P<who>[^」]+)」が" + SCREEN + r"の(?P<item>[^「」]+?)を「(?P<value>[^」]*)」として" + BUTTON + r"を押す"))
def save_screen_with(world: World, who: str, screen: str, item: str, value: str) -> None:
    key = SCREENS[screen]
    words = FIELD_WORDS[key]
    assert item in words, f"unknown item 「{item}」 of {screen}; known: {', '.join(words)}"
    field, convert = words[item]
    _save(world, key, change={field: convert(world, value)})


@step(parsers.re(r"「(?P<who>[^」]+)」が" + SCREEN + r"の(?P<item>[^「」]+?)を空欄にして" + BUTTON + r"を押す"))
def save_screen_blank(world: World, who: str, screen: str, item: str) -> None:
    key = SCREENS[screen]
    words = FIELD_WORDS[key]
    assert item in words, f"unknown item 「{item}」 of {screen}; known: {', '.join(words)}"
    _save(world, key, blank=words[item][0])


@step(parsers.parse("「{who}」が「戻る」を押して前の画面に戻る"))
def back(world: World, who: str) -> None:
    """The in-application 「戻る」 (not the browser's, Q4-20): the previous screen is shown again, with what the
    system kept of it."""
    reply = world.record(_as(world, who, lambda t: world.client.application_input(t)))
    world.scratch["shown_input"] = reply.json if reply.ok else None


@step(parsers.re(r"「(?P<who>[^」]+)」が" + SCREEN + r"の入力内容を変えずに" + BUTTON + r"を押す"))
def next_unchanged(world: World, who: str, screen: str) -> None:
    """「次へ」 again on a screen shown by 「戻る」: what the screen shows is what the system kept."""
    key = SCREENS[screen]
    shown = world.scratch.get("shown_input")
    assert shown, "the screen was not shown again (「戻る」 gave no input in progress)"
    kept = (shown.get("values") or {}).get(key)
    assert kept, f"the input in progress keeps nothing of {screen}: {shown.get('values')}"
    _save(world, key, values=kept)


@step(parsers.parse("「{who}」が入力情報確認(STEP3)で「申請情報入力」を押す"))
def confirm(world: World, who: str) -> None:
    _complete(world)


@step(parsers.parse("「{who}」がログアウトする"))
def logout(world: World, who: str) -> None:
    p = world.person(who)
    expect_ok(world.client.logout(p.token), "logout")
    p.token = None


@then(parsers.re(r"入力途中の申請情報は" + SCREEN + r"の入力内容を保っている"))
def input_keeps(world: World, screen: str) -> None:
    inp = _input(world)
    data = expect_ok(_as(world, inp["user"], lambda t: world.client.application_input(t)), "getApplicationInput")
    key = SCREENS[screen]
    assert key in inp["sent"], f"{screen} was never saved in this scenario"
    assert (data.get("values") or {}).get(key) == inp["sent"][key], \
        f"{screen} kept {data.get('values', {}).get(key)}, entered {inp['sent'][key]}"


def _no_input(world: World) -> None:
    inp = _input(world)
    reply = _as(world, inp["user"], lambda t: world.client.application_input(t))
    assert is_refusal(reply.status) and reply.status != 401, f"an input is still in progress: {reply.describe()}"


@then("入力は受け付けられず、入力途中の申請情報は消去されている")
def input_erased(world: World) -> None:
    reply = world.last_reply()
    assert is_refusal(reply.status) and reply.status != 401, \
        f"expected the step to be refused because the input is gone, got {reply.describe()}"
    _no_input(world)


@then("入力途中の申請情報はもう残っていない")
def input_gone(world: World) -> None:
    _no_input(world)


@then(parsers.re(r"入力情報確認\(STEP3\)に身分事項1\(STEP2-1\)から"
                 r"(?P<last>身分事項2\(STEP2-2\)|活動に関する事項\(STEP2-3\))までの入力内容がすべて表示される"))
def confirmation_shows_all(world: World, last: str) -> None:
    inp = _input(world)
    data = expect_ok(_as(world, inp["user"], lambda t: world.client.application_input(t)), "getApplicationInput")
    keys = [k for k, _ in inp["steps"] if k.startswith("step2")]
    keys = keys[:keys.index(SCREENS[last]) + 1]
    for key in keys:
        assert key in inp["sent"], f"{key} was not entered"
        assert (data.get("values") or {}).get(key) == inp["sent"][key], (key, data.get("values", {}).get(key))


@then(parsers.parse("「{who}」の申請情報の入力画面は身分事項2(STEP2-2)で終わり、次は入力情報確認(STEP3)である"))
def plan_stops_at_step2_2(world: World, who: str) -> None:
    inp = _input(world)
    assert inp["user"] == who
    keys = [k for k, _ in inp["steps"]]
    assert keys == ["step1", "step2_1", "step2_2", "step3"], f"the input screens are {inp['steps']}"


@then(parsers.parse("「{who}」の申請情報の入力画面には身分事項2(STEP2-2)の次に活動に関する事項(STEP2-3)がある"))
def plan_has_step2_3(world: World, who: str) -> None:
    inp = _input(world)
    assert inp["user"] == who
    keys = [k for k, _ in inp["steps"]]
    assert "step2_2" in keys and keys[keys.index("step2_2") + 1] == "step2_3", f"the input screens are {inp['steps']}"


@then(parsers.parse("エラーの文言は「{text}」である"))
def error_text(world: World, text: str) -> None:
    reply = world.last_reply()
    messages = [e.get("message") for e in reply.errors]
    assert any(_norm(m or "") == _norm(text) for m in messages), f"messages: {messages}"


@then("誤りは身分事項の照合する項目すべてに示され、どの項目が誤りかは示されない")
def all_card_items_marked(world: World) -> None:
    """FAQ Q4-21: the user cannot tell which item is wrong; every item the card is checked by is marked."""
    reply = world.last_reply()
    fields = {e.get("field") for e in reply.errors}
    items = {"nationality", "applicant_name", "sex_applicant", "birth_date_applicant", "residence_pref_city",
             "residence_card_number_applicant"}
    assert items <= fields, f"only {sorted(f for f in fields if f)} are marked, not every item of {sorted(items)}"
    assert len({e.get("code") for e in reply.errors}) == 1 and len({e.get("message") for e in reply.errors}) == 1, \
        reply.errors


# -- simultaneous applications ------------------------------------------------------------------------------------

@step(parsers.parse("「{who}」が「{applicant}」の申請に「{procedure}」の同時申請の入力を始める"))
def start_companion(world: World, who: str, applicant: str, procedure: str) -> None:
    app_id = _application_id(world, applicant)
    values = {"companion_procedure": _procedure(procedure)}
    reply = world.record(_as(world, who, lambda t: world.client.start_companion_input(t, app_id, values)))
    status = (world.person(applicant).record or {}).get("status_of_residence")
    world.scratch["input"] = {"user": who, "applicant": applicant, "procedure": values["companion_procedure"],
                              "status": status, "steps": _steps_of(reply) if reply.ok else [], "sent": {},
                              "parent": app_id}


@given(parsers.parse("「{who}」が「{applicant}」の申請に「{procedure}」を同時申請として入力完了している"))
def given_companion(world: World, who: str, applicant: str, procedure: str) -> None:
    start_companion(world, who, applicant, procedure)
    expect_ok(world.last_reply(), "startCompanionInput")
    expect_ok(_run_input(world), "the input of the simultaneous application")


@then(parsers.parse("「{applicant}」の申請の同時申請は「{procedure}」で、申請状態は「{label}」である"))
def companion_state(world: World, applicant: str, procedure: str, label: str) -> None:
    row = _row(world, applicant)
    found = [c for c in row["companions"] if c["procedure"] == _procedure(procedure)]
    assert found, f"no simultaneous {procedure}: {row['companions']}"
    assert found[0]["state"] == _state_key(label), found[0]


# -- the list ------------------------------------------------------------------------------------------------------

@when(parsers.parse("「{who}」が条件を指定せずに申請情報を検索する"))
def search_all(world: World, who: str) -> None:
    world.record(_as(world, who, lambda t: world.client.search_applications(t)))


@when(parsers.parse("「{who}」が申請状態「{label}」で申請情報を検索する"))
def search_state(world: World, who: str, label: str) -> None:
    state = _state_key(label)
    world.record(_as(world, who, lambda t: world.client.search_applications(t, state=state)))


def _listed(world: World) -> list[dict[str, Any]]:
    return expect_ok(world.last_reply(), "searchApplications")["rows"]


@then(parsers.parse("申請情報一覧に「{applicant}」の申請が申請状態「{label}」で表示される"))
def listed_with_state(world: World, applicant: str, label: str) -> None:
    app_id = _application_id(world, applicant)
    rows = [r for r in _listed(world) if r["id"] == app_id]
    assert rows, f"「{applicant}」's application {app_id} is not listed: {[r['id'] for r in _listed(world)]}"
    assert _norm(rows[0]["state_label"]) == _norm(label), f"申請状態 is 「{rows[0]['state_label']}」"


@then(parsers.parse("申請情報一覧に「{applicant}」の申請は表示されない"))
def not_listed(world: World, applicant: str) -> None:
    app_id = _application_id(world, applicant)
    reply = world.last_reply()
    if reply.ok:
        assert app_id not in [r["id"] for r in reply.json["rows"]], reply.json["rows"]
    else:
        assert reply.codes == ["WZBAM136E"], reply.describe()   # 入力条件に合致するデータが存在しません


@then("申請情報一覧のどの行の申請状態もFAQ Q4-35の7つの値のいずれかである")
def every_state_known(world: World) -> None:
    rows = _listed(world)
    assert rows, "the list is empty"
    for r in rows:
        assert _norm(r.get("state_label", "")) in NORMALISED_STATES, f"申請状態 「{r.get('state_label')}」 of row {r['id']}"


@then(parsers.parse("申請情報一覧には{count:d}件の申請が表示される"))
def listed_count(world: World, count: int) -> None:
    rows = _listed(world)
    assert len(rows) == count, [r["id"] for r in rows]


@then(parsers.parse("「{applicant}」の申請の申請状態は「{label}」である"))
def application_state(world: World, applicant: str, label: str) -> None:
    row = _row(world, applicant)
    assert _norm(row["state_label"]) == _norm(label), f"申請状態 is 「{row['state_label']}」 ({row['state']})"
    assert row["state"] == _state_key(label), row["state"]


@then(parsers.re(r"「(?P<applicant>[^」]+)」の申請の(?P<column>顔写真|添付資料|同時申請|受領方法|申請種別)は「(?P<label>[^」]+)」である"))
def application_column(world: World, applicant: str, column: str, label: str) -> None:
    row = _row(world, applicant)
    assert _norm(row[COLUMNS[column]]) == _norm(label), f"{column} is 「{row[COLUMNS[column]]}」"


@then(parsers.parse("「{applicant}」の申請の受付日は「{day}」である"))
def received_on(world: World, applicant: str, day: str) -> None:
    row = _row(world, applicant)
    assert row["received_on"] == _day(world, day), f"受付日 {row['received_on']}"


@then(parsers.parse("「{applicant}」の申請の申請日時は「{when}」である"))
def applied_at(world: World, applicant: str, when: str) -> None:
    row = _row(world, applicant)
    assert (row["applied_at"] or "").startswith(world.when(when)), f"申請日時 {row['applied_at']}"


@then(parsers.parse("「{applicant}」の申請の申請受付番号は「{prefix}」で始まる"))
def receipt_number_prefix(world: World, applicant: str, prefix: str) -> None:
    row = _row(world, applicant)
    assert row["receipt_number"], f"no 申請受付番号 yet: {row}"
    assert row["receipt_number"].startswith(prefix), f"申請受付番号 {row['receipt_number']}"


@then(parsers.parse("「{applicant}」の申請にはまだ申請受付番号がない"))
def no_receipt_number(world: World, applicant: str) -> None:
    row = _row(world, applicant)
    assert not row["receipt_number"], f"申請受付番号 {row['receipt_number']}"


@then(parsers.parse("「{applicant}」の申請の一覧の行に入力した内容は含まれない"))
def row_hides_content(world: World, applicant: str) -> None:
    """FAQ Q4-28: the detailed content cannot be viewed in the system once the input is complete."""
    row = json.dumps(_row(world, applicant), ensure_ascii=False)
    typed = ["ハノイ市", "引き続き同じ会社で勤務するため", "社内システムの設計と開発", "霞が関商事株式会社", "ハノイ工科大学",
             "09012345678", world.person(applicant).email]
    shown = [t for t in typed if t in row]
    assert not shown, f"the row shows typed content {shown}: {row}"


# -- the photo ---------------------------------------------------------------------------------------------------

def jpeg_bytes() -> bytes:
    """A small JPEG photo (grey, 240 × 320), a different one each call."""
    from PIL import Image

    shade = uuid.uuid4().int % 60
    buf = io.BytesIO()
    Image.new("RGB", (240, 320), (150 + shade, 160, 170)).save(buf, "JPEG", quality=85)
    return buf.getvalue()


def pad_jpeg(base: bytes, size: int) -> bytes:
    """`base` grown to exactly `size` bytes with comment segments (FF FE) after SOI."""
    pad = size - len(base)
    assert pad == 0 or pad >= 4, f"cannot make a JPEG of {size} bytes from one of {len(base)}"
    out = bytearray(base[:2])
    while pad > 0:
        chunk = min(pad - 4, 65533)
        if 0 < pad - 4 - chunk < 4:
            chunk -= 4
        out += b"\xff\xfe" + (chunk + 2).to_bytes(2, "big") + b" " * chunk
        pad -= chunk + 4
    return bytes(out + base[2:])


def jpeg_of_size(size: int) -> bytes:
    return pad_jpeg(jpeg_bytes(), size)


def png_bytes() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (240, 320), (180, 170, 160)).save(buf, "PNG")
    return buf.getvalue()


def _attach_photo(world: World, who: str, applicant: str, filename: str, data: bytes) -> Reply:
    app_id = _application_id(world, applicant)
    reply = world.record(_as(world, who, lambda t: world.client.attach_photo(t, app_id, filename, data)))
    if reply.ok:
        world.scratch["photo"] = data
    return reply


def _size(text: str) -> int:
    return int(text.replace(",", ""))


@step(parsers.parse("「{who}」が「{applicant}」の申請に顔写真を添付する"))
def attach_photo(world: World, who: str, applicant: str) -> None:
    _attach_photo(world, who, applicant, "顔写真.jpg", jpeg_of_size(8000))


@step(parsers.re(r"「(?P<who>[^」]+)」が「(?P<applicant>[^」]+)」の申請に(?P<size>[\d,]+)バイトの顔写真「(?P<filename>[^」]+)」を添付する"))
def attach_photo_sized(world: World, who: str, applicant: str, size: str, filename: str) -> None:
    _attach_photo(world, who, applicant, filename, jpeg_of_size(_size(size)))


@step(parsers.parse("「{who}」が「{applicant}」の申請にPNG形式の画像を顔写真「{filename}」として添付する"))
def attach_png(world: World, who: str, applicant: str, filename: str) -> None:
    _attach_photo(world, who, applicant, filename, png_bytes())


@step(parsers.parse("「{who}」が対象システムの公開する顔写真不要者用データを「{applicant}」の申請に添付する"))
def attach_photo_exempt_image(world: World, who: str, applicant: str) -> None:
    """FAQ Q4-7: the dummy image of the ISA website; each system publishes its own (rasim: /static/photo-exempt.jpg)."""
    got = world.client.download(PHOTO_EXEMPT_PATH)
    assert got.ok and got.content[:2] == b"\xff\xd8", f"{PHOTO_EXEMPT_PATH}: HTTP {got.status} {got.content_type}"
    _attach_photo(world, who, applicant, "photo-exempt.jpg", got.content)


@then(parsers.parse("「{applicant}」の申請の顔写真確認で添付した顔写真が表示される"))
def photo_shown(world: World, applicant: str) -> None:
    app_id = _application_id(world, applicant)
    got = _as(world, _owner(world, applicant), lambda t: world.client.photo(t, app_id))
    assert got.ok, f"getPhoto: HTTP {got.status}"
    assert got.content == world.scratch.get("photo"), "the photo shown is not the one attached"


# -- the documents -----------------------------------------------------------------------------------------------

def _pdf(filler: int, objects_at: int = 0) -> bytes:
    """A one-page PDF (ISO 32000-1) whose filler stream is `filler` bytes; `objects_at` shifts the offsets of
    the cross-reference table (a file that needs repair: not ISO 32000-1)."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> >>",
            b"<< /Length %d >>\nstream\n" % filler + b"%" * filler + b"\nendstream"]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % (off + objects_at)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref + objects_at)
    return bytes(out)


def pdf_of_size(size: int) -> bytes:
    filler = max(0, size - len(_pdf(0)))
    for _ in range(5):
        data = _pdf(filler)
        if len(data) == size:
            return data
        filler += size - len(data)
    raise AssertionError(f"cannot make a PDF of {size} bytes")


def secured_pdf(kind: str) -> bytes:
    """A PDF that the agency cannot view (FAQ Q4-2): password, print or copy restriction, or not ISO 32000-1."""
    if kind == "ISO 32000-1に準拠しない":
        return _pdf(3000, objects_at=7)
    import pikepdf

    allow = {"パスワード付き": pikepdf.Permissions(), "印刷禁止": pikepdf.Permissions(print_lowres=False, print_highres=False),
             "コピー禁止": pikepdf.Permissions(extract=False, accessibility=False)}[kind]
    user = "secret" if kind == "パスワード付き" else ""
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(pdf_of_size(4000))) as pdf:
        pdf.save(out, encryption=pikepdf.Encryption(owner="owner-" + uuid.uuid4().hex[:8], user=user, allow=allow))
    return out.getvalue()


def _attach_documents(world: World, who: str, applicant: str, filename: str, data: bytes) -> Reply:
    app_id = _application_id(world, applicant)
    return world.record(_as(world, who, lambda t: world.client.attach_documents(t, app_id, filename, data)))


@step(parsers.parse("「{who}」が「{applicant}」の申請に資料(PDF)を添付する"))
def attach_documents(world: World, who: str, applicant: str) -> None:
    _attach_documents(world, who, applicant, "資料.pdf", pdf_of_size(4000))


@step(parsers.re(r"「(?P<who>[^」]+)」が「(?P<applicant>[^」]+)」の申請に(?P<size>[\d,]+)バイトのPDFファイルを資料として添付する"))
def attach_documents_sized(world: World, who: str, applicant: str, size: str) -> None:
    _attach_documents(world, who, applicant, "資料.pdf", pdf_of_size(_size(size)))


@step(parsers.parse("「{who}」が「{applicant}」の申請にPDFの資料をファイル名「{filename}」で添付する"))
def attach_documents_named(world: World, who: str, applicant: str, filename: str) -> None:
    _attach_documents(world, who, applicant, filename, pdf_of_size(4000))


@step(parsers.re(r"「(?P<who>[^」]+)」が「(?P<applicant>[^」]+)」の申請に(?P<kind>パスワード付き|印刷禁止|コピー禁止|"
                 r"ISO 32000-1に準拠しない)のPDFファイルを資料として添付する"))
def attach_secured(world: World, who: str, applicant: str, kind: str) -> None:
    _attach_documents(world, who, applicant, "資料.pdf", secured_pdf(kind))


@then(parsers.parse("証跡には「{applicant}」の申請の資料が当庁で確認できないエラーファイルとして記録されている"))
def error_file_recorded(world: World, applicant: str) -> None:
    app_id = _application_id(world, applicant)
    entries = expect_ok(world.client.audit_entries(action="application.documents_attached",
                                                   target=f"application:{app_id}"), "listAuditEntries")["entries"]
    assert entries, f"no audit entry of the documents of application {app_id}"
    assert entries[0]["detail"].get("error_file") is True, entries[0]


# -- receipt method, submission, delete -----------------------------------------------------------------------

@step(parsers.parse("「{who}」が「{applicant}」の申請の受領方法に「{method}」を選ぶ"))
def choose_receipt_method(world: World, who: str, applicant: str, method: str) -> None:
    app_id = _application_id(world, applicant)
    world.record(_as(world, who, lambda t: world.client.set_receipt_method(
        t, app_id, card_receipt_method=RECEIPT_METHODS[method])))


@step(parsers.parse("「{who}」が「{applicant}」の申請について「入管庁に申請を行う」を押す"))
def submit(world: World, who: str, applicant: str) -> None:
    app_id = _application_id(world, applicant)
    world.record(_as(world, who, lambda t: world.client.submit_application(t, app_id)))


@step(parsers.re(r"「(?P<who>[^」]+)」が「(?P<applicant>[^」]+)」の(?P<which>申請|同時申請)を削除する"))
def delete(world: World, who: str, applicant: str, which: str) -> None:
    app_id = _application_id(world, applicant, companion=which == "同時申請")
    world.record(_as(world, who, lambda t: world.client.delete_application(t, app_id)))


@then(parsers.parse("拒否され、「{applicant}」の申請の申請状態は「{label}」のままである"))
def refused_state_unchanged(world: World, applicant: str, label: str) -> None:
    reply = world.last_reply()
    assert is_refusal(reply.status), f"expected a refusal, got {reply.describe()}"
    application_state(world, applicant, label)


@then("拒否され、申請情報の入力は開始されない")
def refused_no_input(world: World) -> None:
    reply = world.last_reply()
    assert is_refusal(reply.status) and reply.status != 401, f"expected a refusal, got {reply.describe()}"
    _no_input(world)


# -- receipt numbering -------------------------------------------------------------------------------------------

@given("申請受付番号の取得に失敗する障害が起きている")
def numbering_fault(world: World, request: pytest.FixtureRequest) -> None:
    """Every numbering fails until the scenario ends (pending ones of earlier scenarios on a long-running server
    too: which one would come first is not this scenario's to know); switched off again whatever happens."""
    client = world.client
    request.addfinalizer(lambda: client.set_receipt_numbering_fault(0))
    expect_ok(client.set_receipt_numbering_fault(1000), "setReceiptNumberingFault")


@then(parsers.re(r"そのメールの本文に「(?P<applicant>[^」]+)」の申請の(?P<which>申請受付仮番号|申請受付番号)が記載されている"))
def mail_shows_number(world: World, applicant: str, which: str) -> None:
    row = _row(world, applicant)
    number = row["provisional_number" if which == "申請受付仮番号" else "receipt_number"]
    assert number, f"the application has no {which}: {row}"
    mail = world.scratch["mail"]
    assert number in mail["subject"] + mail["body"], f"{which} {number} not in: {mail['body']}"


@then(parsers.parse("そのメールの本文に受付日「{day}」が記載されている"))
def mail_shows_receipt_day(world: World, day: str) -> None:
    d = dt.date.fromisoformat(_day(world, day))
    body = world.scratch["mail"]["body"]
    assert any(f in body for f in (f"{d:%Y/%m/%d}", d.isoformat(), f"{d.year}年{d.month}月{d.day}日")), body


# -- the catalogue of forms and the published operations ---------------------------------------------------------

def _options(world: World, form: str, field: str) -> list[str]:
    data = expect_ok(world.client.application_form(form), f"getApplicationForm {form}")
    for s in data["steps"]:
        for section in s["sections"]:
            for f in section["fields"]:
                if f["key"] == field:
                    return [o["value"] for o in f.get("options", [])]
    raise AssertionError(f"the form {form} has no field {field}")


def _labels(text: str) -> list[str]:
    return re.findall(r"「([^」]+)」", text)


@then(parsers.re(r"申請情報入力\(STEP1\)の申請種別の選択肢は(?P<labels>(?:「[^」]+」)+)である"))
def step1_procedures(world: World, labels: str) -> None:
    got = _options(world, "application_step1", "procedure")
    expected = [_procedure(w) for w in _labels(labels)]
    assert sorted(got) == sorted(expected), f"申請種別 offers {got}"


@then(parsers.re(r"同時申請の申請種別選択\(STEP1\)の選択肢は(?P<labels>(?:「[^」]+」)+)である"))
def companion_procedures(world: World, labels: str) -> None:
    got = _options(world, "companion_step1", "companion_procedure")
    expected = [_procedure(w) for w in _labels(labels)]
    assert sorted(got) == sorted(expected), f"申請種別 of a simultaneous application offers {got}"


@then(parsers.re(r"申請種別の選択肢に(?P<labels>(?:「[^」]+」)+)はない"))
def procedures_absent(world: World, labels: str) -> None:
    """Every procedure offered (STEP1 and the simultaneous STEP1) is one of the seven of FAQ Q1-4, and none of
    the named ones."""
    offered = set(_options(world, "application_step1", "procedure")) | \
        set(_options(world, "companion_step1", "companion_procedure"))
    unknown = offered - set(PROCEDURES.values())
    assert not unknown, f"procedures offered beyond those of FAQ Q1-4: {sorted(unknown)}"
    named = {PROCEDURES[w] for w in _labels(labels) if w in PROCEDURES}
    assert not named & offered, f"offered: {sorted(named & offered)}"


def _user_operations(world: World) -> list[dict]:
    from conformance.steps.system import _user_operations as ops

    return ops(world)


@then("利用者向けの操作に申請を取り下げるものはない")
def no_withdrawal(world: World) -> None:
    from conformance.steps.system import _matching

    found = _matching(_user_operations(world), r"withdraw|cancel|revoke|retract|取下|取り下",
                      r"取下|取り下|withdraw|cancel the application")
    assert not found, f"operations that withdraw an application: {found}"


@then("利用者向けの操作に申請情報の内容を変更するものはない")
def no_edit(world: World) -> None:
    """FAQ Q4-29: the content cannot be changed online. The only writes on a row are the photo, the documents,
    the receipt method, a simultaneous application and 入管庁に申請を行う — none changes what was typed."""
    rows = [o for o in _user_operations(world) if re.fullmatch(r"/api/v1/applications/\{[^}/]+\}", o["path"])]
    assert rows, "the OpenAPI document has no operation on one application"
    writes = [f"{o['method']} {o['path']}" for o in rows if o["method"] in ("PUT", "PATCH", "POST")]
    assert not writes, f"operations that change an application: {writes}"


@then("利用者向けの操作に入力途中の申請情報を一時保存するものはない")
def no_draft(world: World) -> None:
    from conformance.steps.system import _matching

    found = _matching(_user_operations(world), r"draft|temporar|一時保存|save.?for.?later|bookmark")
    assert not found, f"operations that keep an input as a draft: {found}"
