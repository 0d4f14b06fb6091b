"""Individual applications, the input (FAQ Q1-5, Q1-6, Q4): STEP1 → STEP3 in the plan the target answers to
STEP1, each form filled with values that agree with the applicant's record, a screen at a time or all at
once, 「戻る」, the input kept or erased, the messages of a refusal, and the input of a simultaneous
application. Shared words: applications_common.py; files: applications_files.py."""
from __future__ import annotations

from typing import Any

from pytest_bdd import given, parsers, step, then, when

from conformance.client import Reply
from conformance.steps.applications_common import (BUTTON, CONFIRM_TICKS, FIELD_WORDS, SCREEN, SCREENS, _application_id,
                                                   _as, _day, _input, _norm, _procedure, _row, _status)
from conformance.steps.applications_files import _attach_documents, _attach_photo, jpeg_of_size, pdf_of_size
from conformance.steps.common import is_refusal
from conformance.steps.world import World, expect_ok


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
                "has_relatives": "no", "applicant_email": a.email, **r.get("_receipt", {"card_receipt_method": "post"})}
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


@then("拒否され、申請情報の入力は開始されない")
def refused_no_input(world: World) -> None:
    reply = world.last_reply()
    assert is_refusal(reply.status) and reply.status != 401, f"expected a refusal, got {reply.describe()}"
    _no_input(world)
