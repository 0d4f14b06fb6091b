"""Login, lock-out, password change and reset (FAQ Q1-2, Q12-4, Q12-6, Q12-7)."""
from __future__ import annotations

import uuid

from pytest_bdd import parsers, step, then, when

from conformance.steps.world import NEW_PASSWORD, PASSWORD, World, expect_ok

WRONG_PASSWORD = "Wrong999!"


@step(parsers.parse("「{who}」が正しいパスワードでログインする"))
def login(world: World, who: str) -> None:
    world.login(world.person(who))


@step(parsers.parse("「{who}」が誤ったパスワードで{times:d}回ログインする"))
def wrong_logins(world: World, who: str, times: int) -> None:
    p = world.person(who)
    for attempt in range(1, times + 1):
        reply = world.login(p, WRONG_PASSWORD)
        assert 400 <= reply.status < 500, f"attempt {attempt} with a wrong password: {reply.describe()}"


@then(parsers.parse("「{who}」は正しいパスワードでログインできる"))
def can_log_in(world: World, who: str) -> None:
    p = world.person(who)
    reply = world.login(p)
    assert reply.ok and reply.json.get("token"), f"login refused: {reply.describe()}"
    session = expect_ok(world.client.session(p.token), "getSession")
    assert session["auth_id"] == p.auth_id, session


@then(parsers.parse("「{who}」はパスワードの有効期限切れを告げられ、パスワードを変更してログインできる"))
def expired_password_then_login(world: World, who: str) -> None:
    """WZBAM158E comes only after the account itself passed its checks (validity, state)."""
    p = world.person(who)
    reply = world.login(p)
    assert "WZBAM158E" in reply.codes, f"expected WZBAM158E (password expired), got {reply.describe()}"
    assert reply.json.get("password_change_required") is True, reply.describe()
    expect_ok(world.record(world.client.change_expired_password(p.auth_id or "", p.password or PASSWORD,
                                                                NEW_PASSWORD)), "changeExpiredPassword")
    p.password = NEW_PASSWORD
    reply = world.login(p)
    assert reply.ok and reply.json.get("token"), f"login after the change refused: {reply.describe()}"


@then(parsers.parse("「{who}」は正しいパスワードでもログインできず、エラー「{code}」が返る"))
def cannot_log_in(world: World, who: str, code: str) -> None:
    reply = world.login(world.person(who))
    assert 400 <= reply.status < 500, f"login should be refused with {code}: {reply.describe()}"
    assert code in reply.codes, f"expected {code}, got {reply.codes}"


@then(parsers.parse("「{who}」は新しいパスワードでもログインできず、エラー「{code}」が返る"))
def cannot_log_in_new(world: World, who: str, code: str) -> None:
    reply = world.login(world.person(who), NEW_PASSWORD)
    assert 400 <= reply.status < 500 and code in reply.codes, f"expected {code}: {reply.describe()}"


@then(parsers.parse("「{who}」は新しいパスワードでログインできる"))
def can_log_in_new(world: World, who: str) -> None:
    p = world.person(who)
    reply = world.login(p, NEW_PASSWORD)
    assert reply.ok, f"login with the new password refused: {reply.describe()}"


@then(parsers.parse("「{who}」は元のパスワードではログインできない"))
def old_password_refused(world: World, who: str) -> None:
    reply = world.login(world.person(who), PASSWORD)
    assert reply.status in (401, 403) and "WZBAM270E" in reply.codes, reply.describe()


@when("登録されていない認証IDでログインする")
def unknown_login(world: World) -> None:
    world.record(world.client.login(f"zz{uuid.uuid4().hex[:8]}", PASSWORD))


@then("セッションは発行されない")
def no_session(world: World) -> None:
    reply = world.last_reply()
    assert not reply.ok and not (isinstance(reply.json, dict) and reply.json.get("token")), reply.describe()


# -- password change (Q12-6) ---------------------------------------------------------------------------------

@step(parsers.parse("「{who}」がパスワードを変更する"))
def change_password(world: World, who: str) -> None:
    p = world.person(who)
    reply = world.record(world.client.change_password(world.logged_in(p), p.password or PASSWORD, NEW_PASSWORD))
    if reply.ok:
        p.password = NEW_PASSWORD


@when(parsers.parse("「{who}」がパスワードを「{new}」に変更する"))
def change_password_to(world: World, who: str, new: str) -> None:
    p = world.person(who)
    world.record(world.client.change_password(world.logged_in(p), p.password or PASSWORD, new))


@when(parsers.parse("「{who}」が現在のパスワードを誤ってパスワードを変更する"))
def change_password_wrong_current(world: World, who: str) -> None:
    p = world.person(who)
    world.record(world.client.change_password(world.logged_in(p), WRONG_PASSWORD, NEW_PASSWORD))


@when(parsers.parse("「{who}」が確認用に異なる値を入力してパスワードを変更する"))
def change_password_mismatch(world: World, who: str) -> None:
    p = world.person(who)
    world.record(world.client.change_password(world.logged_in(p), p.password or PASSWORD, NEW_PASSWORD,
                                              NEW_PASSWORD + "x"))


# -- password reset (Q12-4) --------------------------------------------------------------------------------------

@step(parsers.parse("「{who}」がパスワードの再設定を申し込む"))
def request_reset(world: World, who: str) -> None:
    p = world.person(who)
    world.record(world.client.request_password_reset(p.auth_id or "", p.email))


@when(parsers.parse("「{who}」が誤ったメールアドレスでパスワードの再設定を申し込む"))
def request_reset_wrong_mail(world: World, who: str) -> None:
    p = world.person(who)
    world.record(world.client.request_password_reset(p.auth_id or "", world.unique_email()))


@when("認証IDを入力せずにパスワードの再設定を申し込む")
def request_reset_without_id(world: World) -> None:
    world.record(world.client.call("POST", "/api/v1/password-reset", {"email": world.unique_email()}))


@step(parsers.parse("「{who}」が再設定メールのURLから新しいパスワードを設定する"))
def reset_from_mail(world: World, who: str) -> None:
    p = world.person(who)
    token = world.client.link_from_last_mail(p.email, "password_reset_link")
    reply = world.record(world.client.reset_password(token, NEW_PASSWORD))
    if reply.ok:
        p.password = NEW_PASSWORD
