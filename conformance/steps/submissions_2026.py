"""利用申出 and 定期報告 online, edition 2026 (seed 003 §3.3, §6, §7.2): [申込] with its form and PDFs (合計 20
ファイル、20MB; the PDF refusals), [申込む] with the 整理番号 and the パスワード each in a mail of its own, a
定期報告's 定期報告受付番号 mail, the bureau's approval (after which organisation staff may file residence
applications) or its return (返却中, the request mail again after 7 days), and the correction with additional PDFs.

Words: a procedure is named as in the catalogue, 「利用申出」 or 「定期報告」; 「その申込」 is the user's last 申込 of
that procedure. The staff user is registered as 利用者登録 leaves them (test support registerStaffAccount)."""
from __future__ import annotations

from typing import Any

from pytest_bdd import given, parsers, step, then, when

from conformance.client import Reply
from conformance.steps.applications_common import _as
from conformance.steps.applications_files import pdf_of_size, secured_pdf
from conformance.steps.world import Person, World, expect_ok

PROCEDURES = {"利用申出": "usage-request", "定期報告": "periodic-report"}
PROCEDURE = r"「(?P<procedure>利用申出|定期報告)」"
WHO = r"「(?P<who>[^」]+)」"
MB = 1024 * 1024
PASSWORD = "Aoba2026!x"
VALUES = {"usage-request": {"usage_request_kind": "new", "request_organisation_name": "株式会社青葉商事",
                            "request_phone": "0312345678", "request_birth_date_kind": "known",
                            "request_birth_date": "1980-01-02"},
          "periodic-report": {"report_organisation_name_kana": "アオバショウジ", "report_organisation_name": "株式会社青葉商事",
                              "report_organisation_address": "東京都千代田区霞が関１－１－１",
                              "report_organisation_phone": "0312345678"}}


def _requests(world: World) -> dict[tuple[str, str], dict[str, Any]]:
    return world.scratch.setdefault("procedure_requests", {})


def _mine(world: World, who: str, procedure: str) -> dict[str, Any]:
    found = _requests(world).get((who, PROCEDURES[procedure]))
    assert found, f"「{who}」 has not started a 「{procedure}」 申込"
    return found


def _start(world: World, who: str, procedure: str) -> dict[str, Any]:
    slug = PROCEDURES[procedure]
    reply = world.record(_as(world, who, lambda t: world.client.start_procedure_request(t, slug)))
    data = expect_ok(reply, "startProcedureRequest")
    _requests(world)[(who, slug)] = {"id": data["id"], "slug": slug, "submitted": None}
    return _requests(world)[(who, slug)]


def _attach(world: World, who: str, procedure: str, data: bytes) -> Reply:
    rid = _mine(world, who, procedure)["id"]
    return world.record(_as(world, who, lambda t: world.client.attach_procedure_request_file(t, rid, data)))


def _submit(world: World, who: str, procedure: str, **over: Any) -> Reply:
    mine = _mine(world, who, procedure)
    values = VALUES[mine["slug"]] | over
    reply = world.record(_as(world, who, lambda t: world.client.submit_procedure_request(t, mine["id"], mine["slug"],
                                                                                          values)))
    if reply.ok:
        mine["submitted"] = reply.json
    return reply


@given(parsers.re(WHO + r"は利用者登録を済ませた所属機関等の職員で、利用申出はまだ承認されていない"))
def registered_staff(world: World, who: str) -> None:
    p = Person(alias=who, role="host", name=f"職員{who}", email=world.unique_email(), password=PASSWORD)
    data = expect_ok(world.record(world.client.register_staff_account(p.name, p.email, PASSWORD)), "registerStaffAccount")
    p.auth_id = data["auth_id"]
    world.people[who] = p


@step(parsers.re(WHO + r"が" + PROCEDURE + r"の申込を始める"))
def start(world: World, who: str, procedure: str) -> None:
    _start(world, who, procedure)


@step(parsers.re(WHO + r"が" + PROCEDURE + r"の申込にPDFを(?P<count>\d+)ファイル添付する"))
def attach_many(world: World, who: str, procedure: str, count: str) -> None:
    for i in range(int(count)):
        reply = _attach(world, who, procedure, pdf_of_size(4000))
        if not reply.ok:
            assert i == int(count) - 1, f"file {i + 1} of {count} refused: {reply.describe()}"


@step(parsers.re(WHO + r"が" + PROCEDURE + r"の申込に(?P<mb>\d+)MBのPDFを添付する"))
def attach_large(world: World, who: str, procedure: str, mb: str) -> None:
    _attach(world, who, procedure, pdf_of_size(int(mb) * MB))


@step(parsers.re(WHO + r"が" + PROCEDURE + r"の申込に(?P<kind>パスワード付き|印刷禁止|コピー禁止|ISO 32000-1に準拠しない)"
                 r"のPDFを添付する"))
def attach_secured(world: World, who: str, procedure: str, kind: str) -> None:
    _attach(world, who, procedure, secured_pdf(kind))


@then(parsers.re(r"その申込の添付ファイルは(?P<count>\d+)件である"))
def files_counted(world: World, count: str) -> None:
    who, slug = list(_requests(world))[-1]
    rid = _requests(world)[(who, slug)]["id"]
    data = expect_ok(_as(world, who, lambda t: world.client.procedure_request(t, rid)), "getProcedureRequest")
    assert len(data["files"]) == int(count), [f["filename"] for f in data["files"]]


@step(parsers.re(WHO + r"が" + PROCEDURE + r"の申込で申請等取次者証明書番号を「(?P<number>[^」]*)」として申込む"))
def submit_with_number(world: World, who: str, procedure: str, number: str) -> None:
    _submit(world, who, procedure, request_agent_certificate_number=number)


@step(parsers.re(WHO + r"が" + PROCEDURE + r"の申込の機関名称\(フリガナ\)を「(?P<kana>[^」]*)」として申込む"))
def submit_with_kana(world: World, who: str, procedure: str, kana: str) -> None:
    _submit(world, who, procedure, report_organisation_name_kana=kana)


@step(parsers.re(WHO + r"が" + PROCEDURE + r"を申込む"))
def submit(world: World, who: str, procedure: str) -> None:
    _submit(world, who, procedure)


@given(parsers.re(WHO + r"が" + PROCEDURE + r"をPDFを添付して申し込んでいる"))
def filed(world: World, who: str, procedure: str) -> None:
    _start(world, who, procedure)
    expect_ok(_attach(world, who, procedure, pdf_of_size(4000)), "attachProcedureRequestFile")
    expect_ok(_submit(world, who, procedure), "submitProcedureRequest")


@then(parsers.re(r"申込完了に整理番号とパスワードが示される"))
def numbers_shown(world: World) -> None:
    reply = world.last_reply()
    data = expect_ok(reply, "申込む")
    assert data.get("reference_number") and data.get("password"), data


@then(parsers.re(WHO + r"の" + PROCEDURE + r"の整理番号とパスワードは別々のメールで届いている"))
def two_mails(world: World, who: str, procedure: str) -> None:
    done = _mine(world, who, procedure)["submitted"]
    assert done and done.get("password"), "the 申込 was not completed"
    email = world.person(who).email
    number, password = done["reference_number"], done["password"]
    numbers = [m for m in world.client.mails(to=email, kind="procedure_reference_number") if number in m["body"]]
    passwords = [m for m in world.client.mails(to=email, kind="procedure_password") if password in m["body"]]
    assert len(numbers) == 1 and len(passwords) == 1, f"{len(numbers)} 整理番号 mails, {len(passwords)} パスワード mails"
    assert password not in numbers[0]["body"] and number not in passwords[0]["body"], "both in one mail"


@then(parsers.re(r"そのメールの本文に" + WHO + r"の" + PROCEDURE + r"の(?P<number>定期報告受付番号|整理番号)が記載されている"))
def mail_has_number(world: World, who: str, procedure: str, number: str) -> None:
    done = _mine(world, who, procedure)["submitted"]
    key = {"定期報告受付番号": "receipt_number", "整理番号": "reference_number"}[number]
    assert done and done.get(key), f"the 申込 has no {number}: {done}"
    assert done[key] in world.scratch["mail"]["body"], world.scratch["mail"]["body"]


def _bureau(world: World, who: str, procedure: str, action: str, note: str = "") -> Reply:
    rid = _mine(world, who, procedure)["id"]
    return world.record(world.client.act_on_procedure_request(rid, action, note))


@step(parsers.re(r"入管が" + WHO + r"の" + PROCEDURE + r"を承認する"))
def approve(world: World, who: str, procedure: str) -> None:
    expect_ok(_bureau(world, who, procedure, "approve"), "actOnProcedureRequest")


@step(parsers.re(r"入管が" + WHO + r"の" + PROCEDURE + r"に「(?P<note>[^」]+)」と修正を依頼する"))
def ask_correction(world: World, who: str, procedure: str, note: str) -> None:
    expect_ok(_bureau(world, who, procedure, "return", note), "actOnProcedureRequest")


@then(parsers.re(WHO + r"の" + PROCEDURE + r"の処理状況は「(?P<label>[^」]+)」である"))
def status_is(world: World, who: str, procedure: str, label: str) -> None:
    rid = _mine(world, who, procedure)["id"]
    data = expect_ok(_as(world, who, lambda t: world.client.procedure_request(t, rid)), "getProcedureRequest")
    assert data["status_label"] == label, f"{data['status_label']} ≠ {label}"


@when(parsers.re(WHO + r"が" + PROCEDURE + r"の修正として(?P<mb>\d+)MBのPDFを添付して申込む"))
def correct(world: World, who: str, procedure: str, mb: str) -> None:
    expect_ok(_attach(world, who, procedure, pdf_of_size(int(mb) * MB)), "attachProcedureRequestFile")
    _submit(world, who, procedure)


@then(parsers.re(r"その申込には修正で添付した(?P<count>\d+)ファイルだけが追加されている"))
def correction_files(world: World, count: str) -> None:
    who, slug = list(_requests(world))[-1]
    rid = _requests(world)[(who, slug)]["id"]
    data = expect_ok(_as(world, who, lambda t: world.client.procedure_request(t, rid)), "getProcedureRequest")
    rounds = [f["round"] for f in data["files"]]
    assert rounds.count(0) == 1 and rounds.count(1) == int(count), rounds
