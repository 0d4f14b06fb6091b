"""Bulk filing (申請情報入力(一括), FAQ Q4-23–Q4-26; 004 §2.5, §2.11): the file is made from the target's own
description of its columns (getBulkLayout: each header's step and field, the pull-down words), filled per
applicant with the values the individual input sends (applications_input._values_for), written in CP932; the
upload, STEP3's two ticks, the worker's result, the エラー(一括登録) item, its 登録エラー内容 and the menu's
templates. A row may change one item (「申請人「ハナコ」の一括申請ファイルの行は「本国における居住地」を「Hanoi」とする」).
The applications the worker makes are named by their applicants, so the list steps of applications_list.py
apply to them."""
from __future__ import annotations

import csv
import io
import re
import time
from typing import Any

from pytest_bdd import given, parsers, step, then, when

from conformance.steps.applications_common import PROCEDURES, _as, _norm, _procedure
from conformance.steps.applications_input import _values_for
from conformance.steps.applications_people import new_applicant
from conformance.steps.world import World, expect_ok

TICKS = {"bulk_confirmed": True, "kept_copy": True}
WAIT_SECONDS = 60
# the items a row may change: (step, field, how the words become the value the screens send)
ITEMS = {"本国における居住地": ("step2_1", "home_town", lambda v: v),
         "氏名": ("step2_1", "applicant_name", lambda v: v),
         "申請種別": ("step1", "procedure", lambda v: PROCEDURES.get(v, v))}


def _bulk(world: World) -> dict[str, Any]:
    found = world.scratch.get("bulk")
    assert found, "no bulk file has been uploaded in this scenario"
    return found


def _cell(column: dict[str, Any], value: Any) -> str:
    """A value as the template writes it: dates YYYYMMDD, year-months YYYYMM, a tick 1, a pull-down's word."""
    if value is None or value == "" or isinstance(value, list):
        return ""
    if value is True:
        return "1"
    if column["kind"] in ("date", "year_month") and isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", value):
        return value.replace("-", "")
    words = column.get("words") or {}
    return words.get(str(value), str(value))


def _row(world: World, layout: dict[str, Any], user: str, applicant: str, procedure: str) -> list[str]:
    record = world.person(applicant).record or {}
    inp = {"user": user, "applicant": applicant, "procedure": procedure, "status": record.get("status_of_residence")}
    values: dict[str, dict[str, Any]] = {"step1": {"procedure": procedure, "status_of_residence": inp["status"]}}
    for s in layout["steps"]:
        if s["step"] not in ("step1", "step3"):
            values[s["step"]] = _values_for(world, s["form"], inp)
    for item, value in world.scratch.get("bulk_changes", {}).get(applicant, {}).items():
        step_key, field, convert = ITEMS[item]
        values.setdefault(step_key, {})[field] = convert(value)
    cells = []
    for sheet in layout["sheets"]:
        for col in sheet["columns"]:
            v = values.get(col["step"], {}).get(col["field"])
            if col["part"] is not None:
                items = v if isinstance(v, list) else []
                v = items[col["index"]].get(col["part"]) if col["index"] < len(items) else None
            cells.append(_cell(col, v))
    return cells


def _file(layout: dict[str, Any], rows: list[list[str]]) -> bytes:
    buf = io.StringIO(newline="")
    out = csv.writer(buf, lineterminator="\r\n")
    out.writerow([c["header"] for s in layout["sheets"] for c in s["columns"]])
    out.writerows(rows)
    return buf.getvalue().encode(layout.get("encoding") or "cp932")


def upload(world: World, user: str, applicants: list[str], procedure_words: str) -> None:
    procedure = _procedure(procedure_words)
    status = (world.person(applicants[0]).record or {}).get("status_of_residence")
    step1 = {"procedure": procedure, "status_of_residence": status}
    layout = expect_ok(_as(world, user, lambda t: world.client.bulk_layout(t, step1)), "getBulkLayout")
    data = _file(layout, [_row(world, layout, user, a, procedure) for a in applicants])
    reply = world.record(_as(world, user, lambda t: world.client.upload_bulk_input(t, step1, "申請情報一括.csv", data)))
    world.scratch["bulk"] = {"user": user, "applicants": applicants, "id": reply.json.get("id") if reply.ok else None,
                             "layout": layout}
    world.scratch.setdefault("bulk_ids", []).append(world.scratch["bulk"]["id"])


def _names(text: str) -> list[str]:
    return re.findall(r"「([^」]+)」", text)


@given(parsers.re(r"申請人「(?P<who>[^」]+)」の一括申請ファイルの行は「(?P<item>[^」]+)」を「(?P<value>[^」]*)」とする"))
def row_change(world: World, who: str, item: str, value: str) -> None:
    assert item in ITEMS, f"the suite cannot change 「{item}」 in a bulk row; known: {', '.join(ITEMS)}"
    world.scratch.setdefault("bulk_changes", {}).setdefault(who, {})[item] = value


@step(parsers.re(r"「(?P<user>[^」]+)」が申請人(?P<applicants>(?:「[^」]+」)+)の「(?P<procedure>[^」]+)」の"
                 r"一括申請ファイルをアップロードする"))
def upload_named(world: World, user: str, applicants: str, procedure: str) -> None:
    upload(world, user, _names(applicants), procedure)


@when(parsers.re(r"「(?P<user>[^」]+)」が在留記録のある(?P<count>\d+)人の申請人の「(?P<procedure>[^」]+)」の"
                 r"一括申請ファイルをアップロードする"))
def upload_many(world: World, user: str, count: str, procedure: str) -> None:
    names = [f"申請人{n + 1}" for n in range(int(count))]
    for name in names:
        new_applicant(world, name)
    upload(world, user, names, procedure)


@step(parsers.parse("「{user}」が一括申請の入力情報確認(STEP3)で2つの確認にチェックを入れて申請情報入力を押す"))
def confirm(world: World, user: str) -> None:
    bulk = _bulk(world)
    assert bulk["id"], "the upload was refused"
    world.record(_as(world, user, lambda t: world.client.complete_bulk_input(t, bulk["id"], TICKS)))


@when(parsers.parse("「{user}」が一括申請の入力情報確認(STEP3)でチェックを入れずに申請情報入力を押す"))
def confirm_unticked(world: World, user: str) -> None:
    bulk = _bulk(world)
    world.record(_as(world, user, lambda t: world.client.complete_bulk_input(t, bulk["id"], {})))


@step(parsers.parse("「{user}」が申請人「{applicants}」の「{procedure}」の一括申請を登録し終えている"))
def filed(world: World, user: str, applicants: str, procedure: str) -> None:
    upload(world, user, [a for a in re.split(r"」「", applicants)], procedure)
    expect_ok(world.last_reply(), "uploadBulkInput")
    confirm(world, user)
    expect_ok(world.last_reply(), "completeBulkInput")
    registered(world)


@then("一括申請の登録が終わる")
def registered(world: World) -> None:
    """The worker has run (the target may take a while: polled); each accepted row is named by its applicant."""
    bulk = _bulk(world)
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        state = expect_ok(_as(world, bulk["user"], lambda t: world.client.bulk_input(t, bulk["id"])), "getBulkInput")
        if state["state"] == "processed" or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert state["state"] == "processed", f"the upload is still {state['state']} after {WAIT_SECONDS} s"
    bulk["result"] = state
    errors = _errors(world) if state["error_application_id"] else []
    failed = {e["line"] for e in errors}
    sound = [a for n, a in enumerate(bulk["applicants"]) if n + 2 not in failed]
    assert len(sound) == len(state["application_ids"]), (sound, state)
    apps = world.scratch.setdefault("applications", {})
    for applicant, app_id in zip(sound, state["application_ids"], strict=True):
        apps[applicant] = {"id": app_id, "user": bulk["user"]}


def _errors(world: World) -> list[dict[str, Any]]:
    bulk = _bulk(world)
    item = bulk["result"]["error_application_id"]
    assert item, "the upload has no エラー(一括登録) item"
    return expect_ok(_as(world, bulk["user"], lambda t: world.client.bulk_errors(t, item)), "getBulkErrors")["entries"]


def _entry(world: World, applicant: str) -> dict[str, Any]:
    line = _bulk(world)["applicants"].index(applicant) + 2
    found = [e for e in _errors(world) if e["line"] == line]
    assert found, f"the 登録エラー内容 has no entry for 「{applicant}」 (line {line}): {_errors(world)}"
    return found[0]


@then(parsers.parse("一括申請の登録結果は入力完了{accepted:d}人、エラー{defective:d}人である"))
def result_counts(world: World, accepted: int, defective: int) -> None:
    result = _bulk(world)["result"]
    assert (result["accepted"], result["defective"]) == (accepted, defective), result


@then(parsers.parse("申請情報一覧に申請状態「エラー(一括登録)」の申請が{count:d}件表示される"))
def error_items(world: World, count: int) -> None:
    bulk = _bulk(world)
    rows = expect_ok(_as(world, bulk["user"], lambda t: world.client.search_applications(t, state="bulk_error")),
                     "searchApplications") if count else None
    if count:
        assert len(rows["rows"]) == count and all(_norm(r["state_label"]) == _norm("エラー(一括登録)")
                                                  for r in rows["rows"]), rows["rows"]
    else:
        reply = _as(world, bulk["user"], lambda t: world.client.search_applications(t, state="bulk_error"))
        assert reply.codes == ["WZBAM136E"] or (reply.ok and not reply.json["rows"]), reply.describe()


@then(parsers.parse("登録エラー内容には「{applicant}」の行だけが示される"))
def only_row(world: World, applicant: str) -> None:
    lines = [e["line"] for e in _errors(world)]
    assert lines == [_bulk(world)["applicants"].index(applicant) + 2], lines


@then(parsers.parse("登録エラー内容の「{applicant}」の行には「{text}」と表示される"))
def entry_shows(world: World, applicant: str, text: str) -> None:
    entry = _entry(world, applicant)
    assert text in entry["screen_messages"], entry["screen_messages"]


@then(parsers.parse("登録エラー内容の「{applicant}」の行には「{text}」とは表示されない"))
def entry_hides(world: World, applicant: str, text: str) -> None:
    assert text not in _entry(world, applicant)["screen_messages"]


@then(parsers.parse("登録エラー内容の「{applicant}」の行のエラーは「{code}」である"))
def entry_code(world: World, applicant: str, code: str) -> None:
    assert code in [e["code"] for e in _entry(world, applicant)["errors"]], _entry(world, applicant)


@when(parsers.parse("「{user}」がエラー(一括登録)の申請を削除する"))
def delete_error_item(world: World, user: str) -> None:
    item = _bulk(world)["result"]["error_application_id"]
    world.record(_as(world, user, lambda t: world.client.delete_application(t, item)))


@then(parsers.re(r"メニューから「(?P<procedure>[^」]+)」の一括入力用テンプレートファイルを在留資格「(?P<status>[^」]+)」で"
                 r"ダウンロードできる"))
def template_download(world: World, procedure: str, status: str) -> None:
    from conformance.steps.applications_common import _status

    page = world.client.bulk_template_page(_procedure(procedure))
    assert page.ok and "text/html" in page.content_type, page.status
    got = world.client.bulk_template(_procedure(procedure), _status(status))
    assert got.ok and got.content.startswith(b"PK") and "spreadsheetml" in got.content_type, (got.status, got.content_type)
