"""Individual applications, the 申請情報一覧 (FAQ Q1-4, Q4, Q5): search, the rows and their 申請状態, a
simultaneous application's state, 入管庁に申請を行う, delete, the receipt numbers and their mails, and the
catalogue of forms and the published operations (what a user cannot do). Shared words: applications_common.py."""
from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from pytest_bdd import given, parsers, step, then, when

from conformance.steps.applications_common import (COLUMNS, NORMALISED_STATES, PROCEDURES, _application_id, _as, _day,
                                                   _norm, _procedure, _row, _state_key)
from conformance.steps.common import is_refusal
from conformance.steps.world import World, expect_ok


# -- simultaneous applications ----------------------------------------------------------------------------------

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


# -- submission, delete -----------------------------------------------------------------------------------------

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
