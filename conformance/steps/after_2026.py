"""After applying, edition 2026 (seed 003 §7): the 処理状況 an application goes through (§7.1), 返却中 and
「修正する」 (§7.2, the request mail again after 7 days), the 受領方法変更申出 — a procedure of its own, taken at
once with its 整理番号 and decided later by mail (§7.3) — and the 受領登録 of an electronic COE with its
reminders (§7.4). The bureau's actions are the steps of decisions.py (「入管が「タロウ」の申請を許可する」); the
mails, the clock and refusals those of common.py.

Words: an application is named by its applicant (「タロウ」の申請); a 受領方法変更申出 names that application by
its 申請受付番号 or 申請受付仮番号 and the applicant's name (英字, comma-separated, as typed on STEP2-1); the
last 受領方法変更申出 of the scenario is 「その受領方法変更申出」."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pytest_bdd import given, parsers, step, then, when

from conformance.steps.applications_common import (RECEIPT_METHODS, STATUSES, _application_id, _as, _input, _norm, _owner,
                                                   _procedure, _row, _state_key, _status)
from conformance.steps.applications_files import _attach_photo, jpeg_of_size
from conformance.steps.applications_input import _complete, _save, _values_for
from conformance.steps.decisions import bureau
from conformance.steps.world import Person, World, expect_ok

# -- §7.1: the 処理状況 an application is brought to by the bureau (after its 申請受付番号) ------------------------

# the bureau's actions (decisions.py ACTIONS) that bring a 申請完了 application to a 処理状況 (003 §7.1 table)
ROUTES = {"申請完了": (), "審査中": ("審査を開始する",), "返却中": ("審査を開始する", "資料の追加を依頼する"),
          "発行待ち": ("審査を開始する", "許可する"), "完了": ("審査を開始する", "許可する", "在留カード等を発行する"),
          "完了(不許可)": ("審査を開始する", "不許可とする")}


@given(parsers.re(r"入管が「(?P<applicant>[^」]+)」の申請を処理状況「(?P<label>[^」]+)」まで進めている"))
def bureau_brings_to(world: World, applicant: str, label: str) -> None:
    assert label in ROUTES, f"the suite brings an application to {', '.join(ROUTES)}, not 「{label}」"
    row = _row(world, applicant)
    assert row["state"] == _state_key("申請完了"), f"「{applicant}」の申請 is {row['state_label']}, not 申請完了"
    for action in ROUTES[label]:
        expect_ok(bureau(world, applicant, action), f"actOnApplication ({action})")
    row = _row(world, applicant)
    assert row["state"] == _state_key(label), f"the bureau brought the application to {row['state_label']}"


@then(parsers.parse("「{applicant}」の申請の処理状況の経過は「{states}」である"))
def state_path(world: World, applicant: str, states: str) -> None:
    """The 処理状況 since 申込, in the order of the application's history (getApplicationHistory)."""
    app_id = _application_id(world, applicant)
    reply = _as(world, _owner(world, applicant), lambda t: world.client.application_history(t, app_id))
    moves = expect_ok(reply, "getApplicationHistory")["transitions"]
    expected = [_state_key(s) for s in states.split("→")]
    got = [m["to_state"] for m in moves]
    assert got == expected[1:] and moves[0]["from_state"] == expected[0], \
        f"{[moves[0]['from_state']] + got if moves else []} ≠ {expected}"


# -- §7.2: 返却中 and 「修正する」 ----------------------------------------------------------------------------------

@when(parsers.parse("「{who}」が「{applicant}」の申請の申込詳細で「修正する」を押して申込む"))
def resubmit(world: World, who: str, applicant: str) -> None:
    app_id = _application_id(world, applicant)
    world.record(_as(world, who, lambda t: world.client.resubmit_application(t, app_id)))


@then("そのメールの本文に対象システムのURLが記載されている")
def mail_has_system_url(world: World) -> None:
    """003 §7.2 step 1 / §7.4 step 1: 「送付されたメールに記載されている URL をクリックします」."""
    mail = world.scratch["mail"]
    urls = re.findall(r"https?://[^\s　]+", mail["body"])
    assert urls, f"no URL in the body of 「{mail['subject']}」: {mail['body']}"
    if mail.get("url"):
        assert mail["url"] in urls, (mail["url"], urls)


# -- §7.3: 受領方法変更申出 ---------------------------------------------------------------------------------------

DOCUMENTS = {"在留カード": "residence_card", "就労資格証明書": "work_qualification_certificate"}
NUMBERS = {"申請受付番号": "change_receipt_number", "申請受付仮番号": "change_provisional_number"}
BLANKS = {"申請人の氏名(英字)": ("applicant_name",), "申請受付仮番号と申請受付番号": tuple(NUMBERS.values()),
          "受領方法": ("change_receipt_method",)}
RESULTS = {"変更完了": "changed", "変更不可": "not_changed", "結果待ち": None}
OFFICE = "tokyo"   # 東京出入国在留管理局, the bureau of the applicants' 千代田区 (a counter needs one)


def _name_of(world: World, applicant: str) -> str:
    """The applicant's name as typed on STEP2-1 (applications_input.py): the record's, comma-separated."""
    p = world.person(applicant)
    return ",".join(str((p.record or {}).get("name", p.name)).split())


def _change_body(world: World, applicant: str, number: str, document: str, method: str) -> dict[str, Any]:
    row = _row(world, applicant)
    value = row["receipt_number"] if number == "申請受付番号" else row["provisional_number"]
    assert value, f"「{applicant}」の申請 has no {number} yet"
    body: dict[str, Any] = {"change_kind": DOCUMENTS[document], "applicant_name": _name_of(world, applicant),
                            NUMBERS[number]: value, "change_receipt_method": RECEIPT_METHODS[method],
                            "residence_prefecture": "13"}
    if method == "窓口":
        body["receiving_office"] = OFFICE
    return body


def _request_change(world: World, who: str, body: dict[str, Any]) -> None:
    reply = world.record(_as(world, who, lambda t: world.client.request_receipt_method_change(t, **body)))
    if reply.ok:
        world.scratch["receipt_change"] = reply.json


CHANGE = (r"「(?P<who>[^」]+)」が「(?P<applicant>[^」]+)」の申請の(?P<number>申請受付番号|申請受付仮番号)で、"
          r"(?P<document>在留カード|就労資格証明書)の受領方法を「(?P<method>郵送|窓口)」とする受領方法変更申出を")


@when(parsers.re(CHANGE + r"行う"))
def request_change(world: World, who: str, applicant: str, number: str, document: str, method: str) -> None:
    _request_change(world, who, _change_body(world, applicant, number, document, method))


@when(parsers.re(CHANGE + r"、(?P<item>申請人の氏名\(英字\)|申請受付仮番号と申請受付番号|受領方法)を空欄にして行う"))
def request_change_blank(world: World, who: str, applicant: str, number: str, document: str, method: str,
                         item: str) -> None:
    body = _change_body(world, applicant, number, document, method)
    for key in BLANKS[item]:
        body.pop(key, None)
    _request_change(world, who, body)


@when(parsers.re(CHANGE + r"、申請人の氏名\(英字\)を「(?P<name>[^」]*)」として行う"))
def request_change_named(world: World, who: str, applicant: str, number: str, document: str, method: str,
                         name: str) -> None:
    _request_change(world, who, _change_body(world, applicant, number, document, method) | {"applicant_name": name})


@when(parsers.re(r"「(?P<who>[^」]+)」がどの申請のものでもない申請受付番号「(?P<number>[^」]+)」で、申請人「(?P<applicant>[^」]+)」の"
                 r"在留カードの受領方法を「(?P<method>郵送|窓口)」とする受領方法変更申出を行う"))
def request_change_unknown(world: World, who: str, number: str, applicant: str, method: str) -> None:
    body: dict[str, Any] = {"change_kind": "residence_card", "applicant_name": _name_of(world, applicant),
                            "change_receipt_number": number, "change_receipt_method": RECEIPT_METHODS[method]}
    if method == "窓口":
        body["receiving_office"] = OFFICE
    _request_change(world, who, body)


@then("受領方法変更申出の整理番号が示される")
def change_numbered(world: World) -> None:
    done = expect_ok(world.last_reply(), "requestReceiptMethodChange")
    assert done.get("reference_number"), f"no 整理番号 in {done}"
    assert done.get("result") is None, f"the result is known at once: {done}"


@then(parsers.re(r"(?P<who>「[^」]+」)には受領方法変更申出のパスワードも示され、整理番号とパスワードは別々のメールで届いている"))
def change_password_mailed(world: World, who: str) -> None:
    """003 §7.3 [申込完了] (the template of §3.3.4): the パスワード with the 整理番号, each in a mail of its own."""
    done = expect_ok(world.last_reply(), "requestReceiptMethodChange")
    number, password = done.get("reference_number"), done.get("password")
    assert number and password, f"no 整理番号 or パスワード in {done}"
    email = world.person(who.strip("「」")).email
    numbers = [m for m in world.client.mails(to=email, kind="receipt_method_change_accepted") if number in m["body"]]
    passwords = [m for m in world.client.mails(to=email, kind="procedure_password") if password in m["body"]]
    assert len(numbers) == 1 and len(passwords) == 1, f"{len(numbers)} 整理番号 mails, {len(passwords)} パスワード mails"
    assert password not in numbers[0]["body"], "the パスワード is in the 整理番号's mail"


@then("そのメールの本文にその受領方法変更申出の整理番号が記載されている")
def mail_shows_reference(world: World) -> None:
    number = world.scratch["receipt_change"]["reference_number"]
    assert number in world.scratch["mail"]["body"], world.scratch["mail"]["body"]


@then(parsers.re(r"「(?P<who>[^」]+)」の受領方法変更申出の一覧でその申出の結果は「(?P<label>変更完了|変更不可|結果待ち)」である"))
def change_result(world: World, who: str, label: str) -> None:
    number = world.scratch["receipt_change"]["reference_number"]
    listed = expect_ok(_as(world, who, lambda t: world.client.receipt_method_change_requests(t)),
                       "listReceiptMethodChangeRequests")["requests"]
    found = [r for r in listed if r["reference_number"] == number]
    assert found, f"the 受領方法変更申出 {number} is not listed: {[r['reference_number'] for r in listed]}"
    assert found[0]["result"] == RESULTS[label], found[0]


@then(parsers.parse("「{applicant}」の申請の受領方法は「{method}」のままである"))
def method_kept(world: World, applicant: str, method: str) -> None:
    row = _row(world, applicant)
    assert row["receipt_method"] == RECEIPT_METHODS[method], (row["receipt_method"], row["receipt_method_label"])


@then(parsers.parse("「{applicant}」の申請の受領方法は「{method}」に変わっている"))
def method_changed(world: World, applicant: str, method: str) -> None:
    row = _row(world, applicant)
    assert row["receipt_method"] == RECEIPT_METHODS[method], (row["receipt_method"], row["receipt_method_label"])
    assert _norm(method) in _norm(row["receipt_method_label"]), row["receipt_method_label"]
    if method == "窓口":
        assert row["receiving_office"] == OFFICE, row["receiving_office"]


# -- §7.4: the electronic COE and its 受領登録 --------------------------------------------------------------------

def _coe_applicant(world: World, who: str) -> Person:
    """An applicant abroad (no residence record): the COE goes to the user's mail (003 §7.4)."""
    p = Person(alias=who, role="applicant", name="HOUMU JIROU", email=world.unique_email(), birth_date="1995-02-03")
    p.record = {"name": p.name, "nationality": "VNM", "sex": "male", "birth_date": p.birth_date}
    world.people[who] = p
    return p


def _coe_values(world: World, form: str, p: Person) -> dict[str, Any]:
    inp = _input(world)
    if form == "identity_coe":
        return {"nationality": "VNM", "applicant_name": _name_of(world, p.alias), "birth_date_applicant": p.birth_date,
                "sex_applicant": "male", "birth_place": "ハノイ", "marital_status": "no", "home_town": "ハノイ市",
                "contact_pref_city": "13101", "contact_street": "霞が関一丁目１番１号", "has_relatives": "no",
                "coe_receipt_method": RECEIPT_METHODS["メール"], "applicant_email": p.email}
    if form == "details_coe":
        entry = (world.now().date() + dt.timedelta(days=90)).isoformat()
        return {"entry_date": entry, "port_of_entry": "narita", "stay_length": "3年", "has_companions": "no",
                "visa_place": "ハノイ", "past_entries": "no", "past_coe": "no", "criminal_record": "no",
                "deportation": "no", "mobile_applicant": "09012345678",
                "agent_name": world.person(inp["user"]).name[:26], "applicant_consent": True}
    return _values_for(world, form, inp)


@given(parsers.re(r"「(?P<who>[^」]+)」が海外にいる申請人「(?P<applicant>[^」]+)」の在留資格「(?P<status>[^」]+)」の"
                  r"「在留資格認定証明書交付申請」を、受領方法を「メール」として申請している"))
def coe_applied(world: World, who: str, applicant: str, status: str) -> None:
    assert status in STATUSES, f"unknown status of residence 「{status}」"
    p = _coe_applicant(world, applicant)
    values = {"procedure": _procedure("在留資格認定証明書交付申請"), "status_of_residence": _status(status)}
    reply = expect_ok(world.record(_as(world, who, lambda t: world.client.start_application_input(t, values))),
                      "startApplicationInput")
    world.scratch["input"] = {"user": who, "applicant": applicant, "procedure": values["procedure"],
                              "status": values["status_of_residence"], "sent": {}, "parent": None,
                              "steps": [(s["step"], s["form"]) for s in reply["steps"]]}
    for key, form in world.scratch["input"]["steps"]:
        if key == "step1":
            continue
        if key == "step3":
            expect_ok(_complete(world), "completeApplicationInput")
        else:
            expect_ok(_save(world, key, values=_coe_values(world, form, p)), f"saveApplicationStep {key}")
    app_id = _application_id(world, applicant)
    expect_ok(_attach_photo(world, who, applicant, "顔写真.jpg", jpeg_of_size(8000)), "attachPhoto")
    expect_ok(world.record(_as(world, who, lambda t: world.client.submit_application(t, app_id))), "submitApplication")


def _coes(world: World, who: str) -> list[dict[str, Any]]:
    return expect_ok(_as(world, who, lambda t: world.client.electronic_coes(t)), "listElectronicCoes")["coes"]


def _hour(text: str) -> str:
    """「2024-04-02T09:00」 as compared: to the hour, as the list shows it (「2025年7月23日15時」)."""
    return text[:13]


@then(parsers.re(r"「(?P<who>[^」]+)」の受領登録一覧には電子在留資格認定証明書が(?P<count>\d+)件あり、受領登録依頼日時は"
                 r"「(?P<asked>[^」]+)」、受領登録日時は(?:「(?P<done>[^」]+)」|空欄)、受領登録状況は「(?P<label>[^」]+)」である"))
def coe_listed(world: World, who: str, count: str, asked: str, done: str | None, label: str) -> None:
    coes = _coes(world, who)
    assert len(coes) == int(count), coes
    coe = coes[0]
    assert coe["number"], coe
    assert _hour(coe["issued_at"]) == _hour(world.when(asked)), f"受領登録依頼日時 {coe['issued_at']}"
    if done is None:
        assert not coe["registered_at"], f"受領登録日時 {coe['registered_at']}"
    else:
        assert coe["registered_at"] and _hour(coe["registered_at"]) == _hour(world.when(done)), coe["registered_at"]
    assert coe["status_label"] == label, coe


@then(parsers.parse("そのメールの本文に「{who}」の受領登録一覧の在留資格認定証明書番号が記載されている"))
def mail_shows_coe_number(world: World, who: str) -> None:
    number = _coes(world, who)[0]["number"]
    assert number in world.scratch["mail"]["body"], (number, world.scratch["mail"]["body"])


@step(parsers.parse("「{who}」が受領登録一覧から同じ電子在留資格認定証明書の受領をもう一度登録する"))
def register_again(world: World, who: str) -> None:
    coe = _coes(world, who)[0]
    assert coe["registered_at"], "the receipt has not been registered yet"
    world.record(_as(world, who, lambda t: world.client.register_coe_receipt(t, coe["id"])))
