"""Steps of what follows submission, shared by both suites: the bureau's actions (test support
actOnApplication), scripted outcomes and the auto-bureau, an application's history, and the electronic COE
with its 受領登録. The bureau is 「入管」 in the features; its refusals are checked with 「拒否される」 /
「エラー「RASIM470E」で拒否される」 of common.py (the last reply)."""
from __future__ import annotations

import io
from typing import Any

from pytest_bdd import given, parsers, step, then

from conformance.steps.applications_common import _application_id, _as, _owner, _row
from conformance.steps.world import PASSWORD, World, expect_ok

# the bureau's actions as the features name them (catalog/bureau_actions.csv of the simulator)
ACTIONS = {"審査を開始する": "start_examination", "許可する": "approve", "不許可とする": "refuse",
           "在留カード等を発行する": "issue", "顔写真の追完を求める": "request_photo",
           "資料の追完を求める": "request_documents", "顔写真の修正を依頼する": "request_photo",
           "資料の追加を依頼する": "request_documents"}
ACTION = "(?P<action>" + "|".join(ACTIONS) + ")"


def bureau(world: World, applicant: str, action: str) -> Any:
    app_id = _application_id(world, applicant)
    return world.record(world.client.bureau_act(app_id, ACTIONS[action]))


@step(parsers.re(r"入管が「(?P<applicant>[^」]+)」の申請(?:について|を|の|に)" + ACTION))
def bureau_acts(world: World, applicant: str, action: str) -> None:
    bureau(world, applicant, action)


@given(parsers.re(r"入管が「(?P<applicant>[^」]+)」の申請の審査を開始している"))
def bureau_examining(world: World, applicant: str) -> None:
    expect_ok(bureau(world, applicant, "審査を開始する"), "actOnApplication start_examination")


@given(parsers.re(r"入管が「(?P<applicant>[^」]+)」の申請を許可している"))
def bureau_approved(world: World, applicant: str) -> None:
    if _row(world, applicant)["state"] in ("submitted",):
        expect_ok(bureau(world, applicant, "審査を開始する"), "actOnApplication start_examination")
    expect_ok(bureau(world, applicant, "許可する"), "actOnApplication approve")


@step(parsers.re(r"入管は「(?P<who>[^」]+)」の次の申請を、受付の(?P<start>\d+)日後に審査を開始し、(?P<decide>\d+)日後に"
                 r"(?P<outcome>許可|不許可と)する"))
def script_next(world: World, who: str, start: str, decide: str, outcome: str) -> None:
    p = world.person(who)
    steps = [{"after_days": int(start), "action": "start_examination"},
             {"after_days": int(decide), "action": "approve" if outcome == "許可" else "refuse"}]
    expect_ok(world.record(world.client.bureau_script(steps, auth_id=p.auth_id)), "setBureauScript")


@step(parsers.re(r"入管は受付の(?P<days>\d+)日後にすべての申請を(?P<outcome>許可|不許可と)する"))
def auto_bureau(world: World, days: str, outcome: str) -> None:
    expect_ok(world.record(world.client.auto_bureau(int(days), "approve" if outcome == "許可" else "refuse")),
              "setAutoBureau")


@then(parsers.re(r"「(?P<applicant>[^」]+)」の申請の経過には(?P<count>\d+)件の遷移が、操作した者と日時とともに記録されている"))
def history_recorded(world: World, applicant: str, count: str) -> None:
    app_id = _application_id(world, applicant)
    reply = _as(world, _owner(world, applicant), lambda t: world.client.application_history(t, app_id))
    moves = expect_ok(reply, "getApplicationHistory")["transitions"]
    assert len(moves) == int(count), [(m["from_state"], m["to_state"]) for m in moves]
    for m in moves:
        assert m["actor"] and m["at"], m


# -- the electronic COE ------------------------------------------------------------------------------------------

def _coes(world: World, who: str) -> list[dict[str, Any]]:
    return expect_ok(_as(world, who, lambda t: world.client.electronic_coes(t)), "listElectronicCoes")["coes"]


@then(parsers.parse("そのメールには電子在留資格認定証明書(PDF)が添付され、顔写真は含まれていない"))
def coe_attached(world: World) -> None:
    import pikepdf

    mail = world.scratch["mail"]
    assert mail.get("attachment"), f"the mail carries no file: {mail['kind']}"
    got = world.client.mail_attachment(mail["attachment"]["path"])
    assert got.status == 200 and got.content.startswith(b"%PDF-"), got.status
    with pikepdf.open(io.BytesIO(got.content)) as doc:
        images = [img for page in doc.pages for img in page.get_images().values()]
        text = b"".join(page.Contents.read_bytes() if "/Contents" in page else b"" for page in doc.pages)
    assert not images, "the electronic COE shows a photo (FAQ Q8-2: none)"
    world.scratch["coe_pdf"] = got.content
    assert text, "the PDF draws nothing"


@then(parsers.parse("そのメールには在留資格認定証明書番号が「{shape}」の形式で記載されている"))
def coe_number_in_mail(world: World, shape: str) -> None:
    import re

    body = world.scratch["mail"]["body"]
    pattern = {"札オン認(XP)I22-000082": r"[^\s:：]{1,3}オン認\(XP\)[A-Z]\d{2}-\d{6}"}[shape]
    assert re.search(pattern, body), body


@step(parsers.parse("「{who}」が「ログイン(受領登録)」で電子在留資格認定証明書の受領を登録する"))
def register_by_login(world: World, who: str) -> None:
    p = world.person(who)
    coe = _coes(world, who)[0]
    world.record(world.client.register_coe_receipt_by_login(p.auth_id or "", p.password or PASSWORD, coe["id"]))


@step(parsers.parse("「{who}」が誤ったパスワードで「ログイン(受領登録)」を行う"))
def register_by_wrong_login(world: World, who: str) -> None:
    p = world.person(who)
    coe = _coes(world, who)[0]
    world.record(world.client.register_coe_receipt_by_login(p.auth_id or "", "Wrong98765!x", coe["id"]))


@step(parsers.parse("「{who}」が受領登録一覧から電子在留資格認定証明書の受領を登録する"))
def register_from_list(world: World, who: str) -> None:
    coe = _coes(world, who)[0]
    world.record(_as(world, who, lambda t: world.client.register_coe_receipt(t, coe["id"])))


@then(parsers.parse("「{who}」の電子在留資格認定証明書の受領登録状況は「{label}」である"))
def coe_status(world: World, who: str, label: str) -> None:
    coe = _coes(world, who)[0]
    assert coe["status_label"] == label, coe
