"""Steps of the FAQ scenarios of what follows submission, edition 2024 (Q4-28–Q8-6): an applicant abroad and
the 在留資格認定証明書交付申請 entered for them, an application entered with a chosen 受領方法 (the input of
applications_input.py knows the card procedures with the N activity form only: here also the COE's forms and
the generic activity form, e.g. of 公用), the 受領方法 changed on a row (with its 受領官署), the applicant's 16th
birthday, the options of 受領方法, the address a card is posted to, and what the electronic COE (PDF) carries.
The bureau's actions and the COE's 受領登録 are decisions.py's."""
from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

from pytest_bdd import given, parsers, step, then

from conformance.client import Reply
from conformance.steps.applications_common import (PLACES, RECEIPT_METHODS, STREETS, _application_id, _as, _day,
                                                   _input, _owner, _row)
from conformance.steps.applications_input import APPLICATION, _complete, _prepare, _save, _start_for
from conformance.steps.applications_people import _put_record
from conformance.steps.world import Person, World, expect_ok

OFFICE = "tokyo"   # 受領官署 of 「窓口」: 東京出入国在留管理局 (as in applications_people.py)
METHOD = r"「(?P<method>郵送|窓口|メール)」"


# -- the values the input of applications_input.py has none for --------------------------------------------------

def _extra_values(world: World, form: str, inp: dict[str, Any]) -> dict[str, Any] | None:
    """身分事項1・2 of a COE (the applicant abroad: no residence card, a contact in Japan) and the generic
    活動に関する事項 (公用 and the statuses without a form of their own); None: applications_input.py's values."""
    a = world.person(inp["applicant"])
    if form == "identity_coe":
        return {"nationality": "VNM", "applicant_name": ",".join(a.name.split()), "birth_date_applicant": a.birth_date,
                "sex_applicant": "male", "birth_place": "ハノイ", "marital_status": "no", "home_town": "ハノイ市",
                "contact_pref_city": "13101", "contact_street": "霞が関一丁目１番１号", "has_relatives": "no",
                "coe_receipt_method": (a.record or {}).get("_coe_method", "mail"), "applicant_email": a.email}
    if form == "details_coe":
        return {"entry_date": _day(world, "D+90日"), "port_of_entry": "narita", "stay_length": "3年",
                "has_companions": "no", "visa_place": "ハノイ", "past_entries": "no", "past_coe": "no",
                "criminal_record": "no", "deportation": "no", "mobile_applicant": "09012345678",
                "agent_name": world.person(inp["user"]).name[:26], "applicant_consent": True}
    if form == "activity_generic":
        return {"institution_name": "法務大学", "activity_detail": "法学の研究及び教育"}
    return None


def _run(world: World) -> Reply:
    """Every screen after STEP1 through STEP3; stops at the first refusal (then the last reply)."""
    inp = _input(world)
    reply = world.last_reply()
    for key, form in inp["steps"]:
        if key == "step1":
            continue
        reply = _complete(world) if key == "step3" else _save(world, key, values=_extra_values(world, form, inp))
        if not reply.ok:
            break
    return reply


def _with_method(world: World, applicant: str, method: str) -> None:
    p = world.person(applicant)
    p.record = p.record if p.record is not None else {}
    if method == "メール" or p.record.get("_abroad"):
        p.record["_coe_method"] = RECEIPT_METHODS[method]
    elif method == "窓口":
        p.record["_receipt"] = {"card_receipt_method": "counter", "receiving_office": OFFICE}
    else:
        p.record["_receipt"] = {"card_receipt_method": "post"}


def _entered(world: World, who: str, applicant: str, procedure: str, status: str | None, method: str) -> int:
    _with_method(world, applicant, method)
    expect_ok(_start_for(world, who, applicant, procedure, status), "startApplicationInput")
    expect_ok(_run(world), "the input of STEP2 → STEP3")
    app_id = _application_id(world, applicant)
    _prepare(world, who, applicant, app_id)
    return app_id


@given(parsers.parse("海外に住む申請人「{who}」がいる"))
def applicant_abroad(world: World, who: str) -> None:
    """The applicant of a COE: abroad, no residence card and no residence record; the notification address of
    STEP2-1 is theirs (Q4-30)."""
    world.people[who] = Person(alias=who, role="applicant", name="HOUMU JIROU", email=world.unique_email(),
                               birth_date="1995-02-03", record={"_abroad": True})


@given(parsers.re(APPLICATION + r"の申請情報を受領方法" + METHOD + r"で入力完了し、顔写真と資料を添付している"))
def given_prepared_with(world: World, who: str, applicant: str, procedure: str, status: str | None,
                        method: str) -> None:
    _entered(world, who, applicant, procedure, status, method)


@given(parsers.re(APPLICATION + r"を受領方法" + METHOD + r"で申請している"))
def given_submitted_with(world: World, who: str, applicant: str, procedure: str, status: str | None,
                         method: str) -> None:
    app_id = _entered(world, who, applicant, procedure, status, method)
    expect_ok(world.record(_as(world, who, lambda t: world.client.submit_application(t, app_id))), "submitApplication")


@given(parsers.re(r"申請人「(?P<who>[^」]+)」は「(?P<day>\d{4}-\d{2}-\d{2})」に16歳になる"))
def sixteenth_birthday(world: World, who: str, day: str) -> None:
    p = world.person(who)
    assert p.record is not None
    sixteen = dt.date.fromisoformat(day)
    p.birth_date = sixteen.replace(year=sixteen.year - 16).isoformat()
    p.record["birth_date"] = p.birth_date
    _put_record(world, p)


# -- the 受領方法 on a row ---------------------------------------------------------------------------------------

@step(parsers.re(r"「(?P<who>[^」]+)」が「(?P<applicant>[^」]+)」の申請の受領方法を" + METHOD + r"に変更する"))
def change_method(world: World, who: str, applicant: str, method: str) -> None:
    """受領方法 of S17 on the row: a COE's field for a COE, a card's otherwise; 「窓口」 with its 受領官署."""
    app_id = _application_id(world, applicant)
    row = _row(world, applicant)
    field = "coe_receipt_method" if row["procedure"] == "coe" else "card_receipt_method"
    body: dict[str, Any] = {field: RECEIPT_METHODS[method]}
    if method == "窓口":
        body["receiving_office"] = OFFICE
    world.record(_as(world, who, lambda t: world.client.set_receipt_method(t, app_id, **body)))


def _labels(text: str) -> list[str]:
    return re.findall(r"「([^」]+)」", text)


@then(parsers.re(r"身分事項1\(STEP2-1\)の受領方法の選択肢は(?P<labels>(?:「[^」]+」)+)である"))
def method_options(world: World, labels: str) -> None:
    """The options of the 受領方法 on STEP2-1 of the input started (its form as the plan names it)."""
    inp = _input(world)
    form = dict(inp["steps"]).get("step2_1")
    assert form, f"the input has no STEP2-1: {inp['steps']}"
    data = expect_ok(world.client.application_form(form), f"getApplicationForm {form}")
    fields = [f for s in data["steps"] for section in s["sections"] for f in section["fields"]
              if f["key"] in ("card_receipt_method", "coe_receipt_method")]
    assert len(fields) == 1, f"STEP2-1 ({form}) has {len(fields)} 受領方法 fields: {[f['key'] for f in fields]}"
    got = [o.get("label_ja") for o in fields[0].get("options") or []]
    assert sorted(got) == sorted(_labels(labels)), f"受領方法 offers {got}"


@then("受領方法の入力に在留カード等の送付先を指定する項目はない")
def no_destination_field(world: World) -> None:
    """FAQ Q6-2: the destination is the user's registered address; neither the 受領方法 operation nor STEP2-1
    takes an address to send the card to."""
    from conformance.steps.system import _user_operations

    ops = [o for o in _user_operations(world) if o["path"].endswith("/receipt-method")]
    assert ops, "the OpenAPI document has no operation on the 受領方法 of an application"
    address = re.compile(r"address|destination|deliver|send_?to|送付先|住所|street|pref", re.IGNORECASE)
    for o in ops:
        props = (o.get("requestBody", {}).get("content", {}).get("application/json", {})
                 .get("schema", {}).get("properties", {}))
        assert props, f"{o['method']} {o['path']} declares no body"
        assert not [k for k in props if address.search(k)], (o["path"], list(props))
    inp = _input(world)
    form = dict(inp["steps"])["step2_1"]
    data = expect_ok(world.client.application_form(form), f"getApplicationForm {form}")
    receipt = [f["key"] for s in data["steps"] for section in s["sections"] if section.get("key") == "receipt"
               for f in section["fields"]]
    assert receipt and not [k for k in receipt if address.search(k)], receipt


# -- the mails -----------------------------------------------------------------------------------------------

def _address_of(world: World, who: str) -> str:
    data = expect_ok(_as(world, who, lambda t: world.client.me(t)), "getUserInformation")
    return f"{data['address_pref_city']}{data['address_street']}"


@then(parsers.parse("そのメールの本文に在留カード等の送付先として「{user}」の登録した住所が記載され、"
                    "「{applicant}」の住居地は記載されていない"))
def mail_destination(world: World, user: str, applicant: str) -> None:
    body = world.scratch["mail"]["body"]
    mine = _address_of(world, user)
    assert re.search(r"送付先[:：]\s*" + re.escape(mine), body), f"the destination {mine} is not in: {body}"
    r = world.person(applicant).record or {}
    place = {v: k for k, v in PLACES.items()}.get(r.get("address_municipality", ""), "")
    street = r.get("address_street") or STREETS.get(r.get("address_municipality", ""), "")
    assert street and street not in mine, "the applicant lives at the user's address: the scenario proves nothing"
    assert street not in body and (not place or place not in body), f"the applicant's address is in: {body}"


@then(parsers.parse("そのメールの本文に「{text}」と記載されていない"))
def mail_omits(world: World, text: str) -> None:
    mail = world.scratch["mail"]
    assert mail["body"], f"the mail {mail['kind']} has no body"
    assert text not in mail["subject"] + "\n" + mail["body"], mail["body"]


@then(parsers.parse("そのメールの本文に「{applicant}」の申請の申請受付番号と申請人の氏名が記載されている"))
def mail_number_and_name(world: World, applicant: str) -> None:
    row = _row(world, applicant)
    body = world.scratch["mail"]["body"]
    assert row["receipt_number"] and row["receipt_number"] in body, (row["receipt_number"], body)
    name = world.person(applicant).name
    assert any(n in body for n in (name, ",".join(name.split()))), f"{name} not in: {body}"


# -- the electronic COE -----------------------------------------------------------------------------------------

def _pdf_lines(data: bytes) -> list[str]:
    """The text drawn on the pages: each Tj / TJ string, decoded as the COE's font encodes it (UTF-16BE)."""
    import pikepdf

    found: list[str] = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            for operands, operator in pikepdf.parse_content_stream(page, "Tj TJ"):
                parts = [operands[0]] if str(operator) == "Tj" else \
                    [p for p in operands[0] if isinstance(p, pikepdf.String)]
                raw = b"".join(bytes(p) for p in parts)
                found.append(raw.decode("utf-16-be", errors="replace") if raw[:1] == b"\x00" or len(raw) % 2 == 0
                             else raw.decode("latin-1"))
    return found


@then("そのメールには受領登録のURLが記載され、そのページを開ける")
def mail_has_receipt_url(world: World) -> None:
    """004 §2.14: the 「ログイン(受領登録)」 is reached from the URL of the COE mail."""
    from urllib.parse import urlsplit

    mail = world.scratch["mail"]
    url = mail.get("url") or ""
    assert url.startswith(("http://", "https://")) and url in mail["body"], f"no URL in the mail: {mail['body']}"
    parts = urlsplit(url)
    got = world.client.download(parts.path + (f"?{parts.query}" if parts.query else ""))
    assert got.ok, f"{url}: HTTP {got.status}"


@then(parsers.parse("電子在留資格認定証明書(PDF)には在留資格認定証明書番号、「{applicant}」の氏名と生年月日、"
                    "在留資格「{status}」が記載されている"))
def coe_pdf_items(world: World, applicant: str, status: str) -> None:
    """FAQ Q8-2: the items of the paper COE (its number, the person, the status); the photo is checked absent by
    「そのメールには電子在留資格認定証明書(PDF)が添付され、顔写真は含まれていない」 (decisions.py)."""
    data = world.scratch.get("coe_pdf")
    assert data, "the PDF of the mail has not been read (「そのメールには電子在留資格認定証明書(PDF)が添付され…」 first)"
    text = "\n".join(_pdf_lines(data))
    owner = _owner(world, applicant)
    coes = expect_ok(_as(world, owner, lambda t: world.client.electronic_coes(t)), "listElectronicCoes")["coes"]
    assert coes, "the user has no electronic COE"
    a = world.person(applicant)
    birth = dt.date.fromisoformat(a.birth_date)
    checks = {"在留資格認定証明書番号": [coes[0]["number"]], "氏名": [a.name, ",".join(a.name.split())],
              "生年月日": [a.birth_date, f"{birth:%Y/%m/%d}", f"{birth.year}年{birth.month:02d}月{birth.day:02d}日",
                       f"{birth.year}年{birth.month}月{birth.day}日"], "在留資格": [status]}
    missing = [item for item, forms in checks.items() if not any(f in text for f in forms)]
    assert not missing, f"the electronic COE does not show {missing}: {text}"


# -- the 「(窓口申請)在留資格認定証明書電子交付希望者」 (FAQ Q1-1 注1, Q8-1) ------------------------------------------

@given(parsers.parse("(窓口申請)在留資格認定証明書電子交付希望者「{who}」が登録され、初期パスワードを設定している"))
def coe_registrant(world: World, who: str) -> None:
    p = Person(alias=who, role="coe_e_delivery", name="SATO,KEN", email=world.unique_email())
    world.people[who] = p
    made = expect_ok(world.record(world.client.register_coe_registrant(p.name, p.email)), "registerCoeRegistrant")
    p.auth_id = made["auth_id"]
    expect_ok(world.set_password_from_mail(p, "coe_registrant_registered"), "setInitialPassword")


@step(parsers.parse("入管が「{who}」の窓口での在留資格認定証明書交付申請を許可し、証明書をメールで交付する"))
def counter_coe_granted(world: World, who: str) -> None:
    p = world.person(who)
    world.record(world.client.issue_counter_coe(auth_id=p.auth_id, applicant_name="SATO,KEN",
                                                status_of_residence="professor", bureau="tokyo", nationality="USA"))
