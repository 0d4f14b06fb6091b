"""The system as a whole: user categories, the top page and maintenance, the published list of
operations, the audit trail (FAQ Q1-1, Q2-2, Q2-3, Q2-4, Q3-6, Q3-8, Q12-5, Q13-1, Q13-2)."""
from __future__ import annotations

import re

import pytest
from pytest_bdd import parsers, step, then, when

from conformance.steps.world import World, expect_ok

AUDIT_ACTIONS = {"ログイン": "login", "ログイン失敗": "login.failed", "アカウントロック": "account.locked",
                 "パスワード変更": "password.changed", "初期パスワード設定": "password.initial_set",
                 "利用者情報変更": "profile.changed"}


# -- user categories (Q1-1, Q2-2) ---------------------------------------------------------------------------------

@when("利用者区分の一覧を取得する")
def list_categories(world: World) -> None:
    world.record(world.client.registration_categories())


def _categories(world: World) -> list[dict]:
    return expect_ok(world.last_reply(), "listRegistrationCategories")["categories"]


@then(parsers.parse("区分番号{first:d}から{last:d}までの利用者区分がすべて示される"))
def all_numbers(world: World, first: int, last: int) -> None:
    numbers = {int(c["number"]) for c in _categories(world)}
    assert set(range(first, last + 1)) <= numbers, numbers


@then(parsers.parse("区分番号{number:d}は「{label}」である"))
def number_label(world: World, number: int, label: str) -> None:
    labels = {c["label_ja"] for c in _categories(world) if int(c["number"]) == number}
    assert labels, f"no category number {number}"
    assert label in labels or label == "・".join(sorted(labels, reverse=True)) or \
        set(label.split("・")) == labels, f"number {number}: {labels}"


@then(parsers.re(r"利用者区分「(?P<label>[^」]+)」は(?P<how>オンラインで利用者情報登録ができる|オンラインでは登録できず利用申出による)"))
def category_route(world: World, label: str, how: str) -> None:
    cats = [c for c in _categories(world) if c["label_ja"] == label]
    assert cats, f"no category 「{label}」"
    online = how.startswith("オンラインで利用者")
    assert cats[0]["registers_online"] is online, cats[0]
    if not online:
        assert cats[0]["route"] == "usage_request", cats[0]


# -- the top page and maintenance (Q2-3) -------------------------------------------------------------------------------

@step("システムがメンテナンス中になる")
def maintenance_on(world: World, request: pytest.FixtureRequest) -> None:
    client = world.client
    request.addfinalizer(lambda: client.set_maintenance(False))   # never leave the switch on
    expect_ok(client.set_maintenance(True), "setMaintenance")


@step("メンテナンスが終了する")
def maintenance_off(world: World) -> None:
    expect_ok(world.client.set_maintenance(False), "setMaintenance")


@then("トップ画面にメンテナンス中のお知らせが表示される")
def maintenance_notice_shown(world: World) -> None:
    data = expect_ok(world.client.system_status(), "getSystemStatus")
    assert data.get("maintenance") is True, data
    message = data.get("maintenance_message")
    assert message and (message.get("text_ja") if isinstance(message, dict) else message), \
        f"maintenance is on but the top page carries no maintenance notice: {data.get('maintenance_message')!r}"


@then("トップ画面にメンテナンス中のお知らせは表示されない")
def maintenance_notice_gone(world: World) -> None:
    data = expect_ok(world.client.system_status(), "getSystemStatus")
    assert data.get("maintenance") is False and not data.get("maintenance_message"), data


# -- the published operations (OpenAPI) -------------------------------------------------------------------------------

def _operations(world: World) -> list[dict]:
    spec = expect_ok(world.client.openapi(), "openapi.json")
    ops = []
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            ops.append({"path": path, "method": method.upper(), **op})
    assert ops, "the OpenAPI document lists no operations"
    return ops


def _user_operations(world: World) -> list[dict]:
    """Operations offered to users (the JSON API), not the test-support back office."""
    return [o for o in _operations(world) if o["path"].startswith("/api/v1/")]


def _matching(ops: list[dict], pattern: str, summary_pattern: str | None = None) -> list[str]:
    """Operations whose path or operationId match `pattern`, or whose summary matches
    `summary_pattern` (default: `pattern`)."""
    rx = re.compile(pattern, re.IGNORECASE)
    srx = re.compile(summary_pattern or pattern, re.IGNORECASE)
    return [f"{o['method']} {o['path']} ({o.get('operationId')})" for o in ops
            if rx.search(o["path"] + " " + o.get("operationId", "")) or srx.search(o.get("summary", ""))]


@then("利用者向けの操作に利用申出の進捗を照会するものはない")
def no_usage_request_progress(world: World) -> None:
    found = _matching(_user_operations(world), r"usage.?request|progress",
                      r"利用申出の(進捗|状況|審査|結果)|usage request (status|progress)")
    assert not found, f"user operations about usage requests: {found}"


@then("利用者向けの操作に認証IDを忘れた場合の照会や再発行を行うものはない")
def no_forgotten_id(world: World) -> None:
    ops = _user_operations(world)
    assert _matching(ops, r"password-reset"), "the password reset itself is missing"
    found = _matching(ops, r"forgot|recover|remind|lookup|(auth_?id|login_?id|user_?id).*(reissue|resend|find)"
                           r"|認証IDを忘れ|認証IDの(照会|再発行|確認)")
    assert not found, f"operations that recover a forgotten 認証ID: {found}"


@then("利用者向けの操作に認証IDを他の人へ移すものはない")
def no_id_transfer(world: World) -> None:
    found = _matching(_user_operations(world), r"transfer|reassign|hand.?over|譲渡|引継|移管")
    assert not found, f"operations that move an ID to another person: {found}"


@then("利用者向けの操作に認証IDを統合するものはない")
def no_id_merge(world: World) -> None:
    found = _matching(_user_operations(world), r"merge|combine|統合|一本化")
    assert not found, f"operations that merge IDs: {found}"


@then("利用者向けの操作に手数料の支払いを求めるものはない")
def no_payment(world: World) -> None:
    ops = _user_operations(world)
    found = _matching(ops, r"pay|(^|\W|_)fees?($|\W|_)|charge", r"手数料|支払|決済|payment|(^|\W)fees?(\W|$)")
    assert not found, f"operations about payments: {found}"
    for o in ops:
        props = (o.get("requestBody", {}).get("content", {}).get("application/json", {})
                 .get("schema", {}).get("properties", {}))
        assert not [k for k in props if re.search(r"(^|_)(pay|payment|fee|fees|amount|price|charge)(_|$)", k)], \
            (o["path"], list(props))


# -- the audit trail (Q13-1, Q13-2) ---------------------------------------------------------------------------------------

@then(parsers.parse("証跡に「{who}」の「{action}」が記録されている"))
def audited(world: World, who: str, action: str) -> None:
    p = world.person(who)
    entries = expect_ok(world.client.audit_entries(actor=p.auth_id, action=AUDIT_ACTIONS[action]),
                        "listAuditEntries")["entries"]
    assert entries, f"no 「{action}」 ({AUDIT_ACTIONS[action]}) entry with actor {p.auth_id}"
    for e in entries:
        assert e["at"] and e["actor"] == p.auth_id, e
