"""Convenient features of [申込], edition 2026 (seed 003 §8.2, §8.3): the input in progress saved to a file and
loaded again — only on the same procedure's screen, never an edited or foreign file, attachments never in it,
nothing submitted by saving — and the values of a past application of the same procedure, the user's own,
entered within 2 years, set in the input ([過去申込一覧] → [選択 >]).

Words: 「保存したデータ」 is the file of the last 「入力中のデータを保存する」 of the scenario; the values a step
expects of a screen are those the suite types for the applicant of the input (applications_input._values_for)."""
from __future__ import annotations

import base64
import json
from typing import Any

from pytest_bdd import parsers, step, then, when

from conformance.steps.applications_common import SCREEN, SCREENS, _application_id, _as, _input
from conformance.steps.applications_input import _values_for
from conformance.steps.applications_files import jpeg_of_size
from conformance.steps.world import World, expect_ok

ATTACHMENT_KEYS = ("photo", "face_photo", "documents", "attachments")


def _saved(world: World) -> dict[str, Any]:
    saved = world.scratch.get("temporary_save")
    assert saved, "nothing has been saved with 「入力中のデータを保存する」 in this scenario"
    return saved


def _file(world: World) -> bytes:
    return base64.b64decode(_saved(world)["file"])


def _current_values(world: World) -> dict[str, Any]:
    inp = _input(world)
    return expect_ok(_as(world, inp["user"], lambda t: world.client.application_input(t)), "getApplicationInput")["values"]


def _expected(world: World, step_key: str) -> dict[str, Any]:
    inp = _input(world)
    forms = dict(inp["steps"])
    return inp["sent"].get(step_key) or _values_for(world, forms[step_key], inp)


# -- §8.2 saving ------------------------------------------------------------------------------------------------

def _save(world: World, who: str, values: dict[str, Any] | None = None) -> Any:
    reply = world.record(_as(world, who, lambda t: world.client.save_input_temporarily(t, values)))
    if reply.ok:
        assert isinstance(reply.json, dict) and reply.json.get("file"), f"no file in {reply.describe()}"
        world.scratch["temporary_save"] = reply.json
    return reply


@step(parsers.parse("「{who}」が入力中のデータを保存する"))
def save(world: World, who: str) -> None:
    expect_ok(_save(world, who), "saveApplicationInputTemporarily")


@when(parsers.parse("「{who}」が身分事項1(STEP2-1)に顔写真と資料を添えたまま入力中のデータを保存する"))
def save_with_attachments(world: World, who: str) -> None:
    """What a page would post with its files: the file must not carry them (「添付ファイルは一時保存されません」)."""
    photo = base64.b64encode(jpeg_of_size(8000)).decode()
    typed = {**_expected(world, "step2_1"), "photo": photo, "documents": photo}
    world.scratch["attachment_bytes"] = 8000
    expect_ok(_save(world, who, {"step2_1": typed}), "saveApplicationInputTemporarily")


@then("保存したデータはパソコンで読めず、申請人の氏名も読み取れない")
def file_is_opaque(world: World) -> None:
    data = _file(world)
    assert data, "the saved file is empty"
    inp = _input(world)
    name = str((world.person(inp["applicant"]).record or {}).get("name", "")).split()
    for word in name + ["ハノイ市"]:
        assert word.encode("utf-8") not in data, f"「{word}」 can be read in the saved file"
    try:
        json.loads(data)
    except ValueError:
        return
    raise AssertionError("the saved file is plain JSON, readable and editable on the PC")


@then("保存したデータには顔写真も資料も含まれていない")
def file_without_attachments(world: World) -> None:
    assert len(_file(world)) < world.scratch["attachment_bytes"], "the saved file is larger than the photo"


# -- §8.2 loading -----------------------------------------------------------------------------------------------

def _load(world: World, who: str, data: bytes) -> None:
    world.record(_as(world, who, lambda t: world.client.load_temporary_save(t, base64.b64encode(data).decode())))


@when(parsers.parse("「{who}」が保存したデータを読み込む"))
def load(world: World, who: str) -> None:
    _load(world, who, _file(world))


@when(parsers.parse("「{who}」が中身を書き換えた保存データを読み込む"))
def load_tampered(world: World, who: str) -> None:
    data = bytearray(_file(world))
    middle = len(data) // 2
    data[middle] = ord("A") if data[middle] != ord("A") else ord("B")
    _load(world, who, bytes(data))


@when(parsers.parse("「{who}」が保存データではないファイルを読み込む"))
def load_foreign(world: World, who: str) -> None:
    _load(world, who, jpeg_of_size(3000))


@then(parsers.re(r"入力中の" + SCREEN + r"には(?:保存したときの|「(?P<applicant>[^」]+)」の申請の)値が設定されている"))
def values_restored(world: World, screen: str, applicant: str | None) -> None:
    step_key = SCREENS[screen]
    got = _current_values(world).get(step_key) or {}
    expected = _expected(world, step_key)
    differ = {k: (v, got.get(k)) for k, v in expected.items() if got.get(k) != v}
    assert not differ, f"{screen}: expected → set {differ}"


@then(parsers.re(r"入力中の" + SCREEN + r"には値が設定されていない"))
def values_not_set(world: World, screen: str) -> None:
    got = _current_values(world).get(SCREENS[screen]) or {}
    assert not got, f"{screen} has values {got}"


@then("読み込んだ入力には顔写真も資料も含まれていない")
def loaded_without_attachments(world: World) -> None:
    for step_key, values in _current_values(world).items():
        found = [k for k in ATTACHMENT_KEYS if k in (values or {})]
        assert not found, f"{step_key} carries {found} after loading"


@then(parsers.parse("「{who}」の申込一覧に申請は1件もない"))
def nothing_applied(world: World, who: str) -> None:
    """Saving does not submit (「申込は完了しません」): no application exists, the input is still there."""
    reply = _as(world, who, lambda t: world.client.search_applications(t))
    rows = reply.json.get("rows", []) if reply.ok and isinstance(reply.json, dict) else []
    assert reply.ok or "WZBAM136E" in reply.codes, f"searchApplications: {reply.describe()}"
    assert rows == [], f"the list shows {len(rows)} application(s)"
    assert _current_values(world), "the input in progress is gone"


# -- §8.3 past input --------------------------------------------------------------------------------------------

@when(parsers.parse("「{who}」が過去申込一覧を開く"))
def open_past(world: World, who: str) -> None:
    reply = world.record(_as(world, who, lambda t: world.client.reusable_applications(t)))
    world.scratch["past"] = expect_ok(reply, "listReusableApplications")


@then(parsers.re(r"過去申込一覧に「(?P<applicant>[^」]+)」の申請が表示(?P<shown>される|されない)"))
def past_lists(world: World, applicant: str, shown: str) -> None:
    app_id = _application_id(world, applicant)
    listed = world.scratch.get("past")
    assert listed is not None, "the list of past applications has not been opened"
    ids = [r["id"] for r in listed["rows"]]
    assert (app_id in ids) == (shown == "される"), f"past applications {ids}; 「{applicant}」's is {app_id}"
    if app_id in ids:
        row = next(r for r in listed["rows"] if r["id"] == app_id)
        for key in ("procedure_label", "related", "applied_at", "state_label"):   # 手続き名 関連情報 申込日時 処理状況
            assert row.get(key), f"the row has no {key}: {row}"


@when(parsers.parse("「{who}」が過去申込一覧で「{applicant}」の申請を選択する"))
def choose_past(world: World, who: str, applicant: str) -> None:
    app_id = _application_id(world, applicant)
    world.record(_as(world, who, lambda t: world.client.reuse_past_application(t, app_id)))
