"""The current system's session (003 §1.3, §2.6): 3 hours without activity end it, a warning comes 10
minutes before, and [OK] on the warning gives 3 hours again. The times come from getSession (timeout_at,
warning_at) and extendSession; the dialog itself is a page's (tests/browser/test_session_warning_chromium)."""
from __future__ import annotations

import datetime as dt
import re

from pytest_bdd import parsers, then, when

from conformance.steps.world import World, expect_ok

def span(text: str) -> dt.timedelta:
    parts = re.fullmatch(r"(?:(\d+)時間)?(?:(\d+)分)?", text)
    assert parts and text, f"not a span: {text!r}"
    return dt.timedelta(hours=int(parts[1] or 0), minutes=int(parts[2] or 0))


def server_now(world: World) -> dt.datetime:
    return dt.datetime.fromisoformat(expect_ok(world.client.clock(), "getClock")["now"])


@then(parsers.parse("「{who}」のセッションは{length}操作がなければ終わり、その{lead}前に延長を尋ねられる"))
def session_times(world: World, who: str, length: str, lead: str) -> None:
    times = expect_ok(world.client.session(world.person(who).token), "getSession")
    now = server_now(world)
    timeout_at = dt.datetime.fromisoformat(times["timeout_at"])
    assert timeout_at - now == span(length), f"the session ends at {timeout_at}, now is {now}"
    assert times.get("warning_at"), f"no warning announced: {times}"
    assert timeout_at - dt.datetime.fromisoformat(times["warning_at"]) == span(lead), times


@when(parsers.parse("「{who}」が延長を尋ねるメッセージで[OK]を押す"))
def press_ok(world: World, who: str) -> None:
    reply = world.record(world.client.call("POST", "/api/v1/session/extension", token=world.person(who).token))
    expect_ok(reply, "extendSession")


@then(parsers.parse("ログアウトまでの時間は[OK]を押した時から{length}になる"))
def extended_by(world: World, length: str) -> None:
    extension = expect_ok(world.last, "extendSession")
    timeout_at = dt.datetime.fromisoformat(extension["timeout_at"])
    assert timeout_at - server_now(world) == span(length), extension


@then(parsers.parse("「{who}」はまだログインしたまま操作できる"))
def still_logged_in(world: World, who: str) -> None:
    expect_ok(world.client.session(world.person(who).token), "getSession")


@then(parsers.parse("「{who}」は自動的にログアウトされており、エラー「{code}」が{length}の動作がなかったことを告げる"))
def timed_out(world: World, who: str, code: str, length: str) -> None:
    reply = world.client.session(world.person(who).token)
    assert reply.status == 401 and code in reply.codes, f"expected {code}: {reply.describe()}"
    message = next(e.get("message", "") for e in reply.json["errors"] if e.get("code") == code)
    assert f"({length}以上)" in message, message
