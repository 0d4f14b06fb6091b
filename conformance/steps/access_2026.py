"""Access of organisation staff in the current system (edition 2026, seed 003 §2.2–§2.5, §3.2): the e-mail-first
利用者登録 (メールアドレス → the mail's URL, valid 24 hours → [利用者登録] → [登録する] → the 利用者ID by mail), the
password rules of [利用者登録], 利用者IDを忘れた場合 (the ID mailed when e-mail address and 氏名(英字) match, the same
answer otherwise) and logging out. Login, the lock and the reset are the steps of sessions.py.

Words: 「利用者登録の案内」 is the mail with the URL of [利用者登録]; a registered person's 氏名(英字) is HOUMU plus
the person's alias in capitals of the scenario (rasim)."""
from __future__ import annotations

from typing import Any

from pytest_bdd import given, parsers, step, then, when

from conformance.client import token_from_url
from conformance.steps.world import PASSWORD, Person, World, expect_ok

WHO = r"「(?P<who>[^」]+)」"
NAMES_EN = {"山田": "YAMADA HANAKO", "佐藤": "SATOU TAROU", "鈴木": "SUZUKI JIROU"}
FIELDS = {"staff_category": "host_org_staff", "birth_date": "1980-01-02", "corporate_number": "1234567890123",
          "staff_organisation_name": "株式会社青葉商事", "postal_code": "1000013",
          "staff_organisation_address": "東京都千代田区霞が関１－１－１", "staff_phone": "0312345678"}


def _person(world: World, who: str, domain: str = "example.jp") -> Person:
    if who not in world.people:
        world.people[who] = Person(alias=who, role="host", name=NAMES_EN.get(who, "HOUMU TAROU"),
                                   email=world.unique_email(domain), password=PASSWORD)
    return world.people[who]


def _fields(p: Person, **over: str) -> dict[str, Any]:
    password = over.pop("password", p.password or PASSWORD)
    return {**FIELDS, "name_en": p.name, "password": password, "password_confirm": password, **over}


def _token(world: World, p: Person) -> str:
    mails = world.client.mails(to=p.email, kind="registration_email_link")
    assert mails, f"no 「利用者登録の案内」 mail to {p.email}"
    return token_from_url(mails[-1]["url"])


@step(parsers.re(WHO + r"が利用者登録のメールアドレスを入力する"))
def enter_email(world: World, who: str) -> None:
    p = _person(world, who)
    world.record(world.client.start_staff_registration(p.email))


@when(parsers.re(WHO + r"が利用者登録のメールアドレスと異なる確認用メールアドレスを入力する"))
def enter_email_mismatch(world: World, who: str) -> None:
    p = _person(world, who)
    world.record(world.client.start_staff_registration(p.email, world.unique_email()))


@when(parsers.re(WHO + r"が利用者登録の案内のURLを開く"))
def open_link(world: World, who: str) -> None:
    world.record(world.client.open_staff_registration(_token(world, world.person(who))))


@step(parsers.re(WHO + r"が利用者登録の案内のURLから利用者区分「所属機関等の職員」で利用者登録を行う"))
def register(world: World, who: str) -> None:
    p = world.person(who)
    token = _token(world, p)
    opened = expect_ok(world.record(world.client.open_staff_registration(token)), "openStaffRegistration")
    choice = [c["key"] for c in opened["choices"] if c["label_ja"] == "所属機関等の職員"]
    assert choice, f"no 利用者区分 [所属機関等の職員] among {opened['choices']}"
    reply = world.record(world.client.register_staff(token, _fields(p, staff_category=choice[0])))
    if reply.ok:
        p.auth_id = reply.json["auth_id"]


@when(parsers.re(WHO + r"が利用者登録の案内のURLから(?P<what>パスワード|電話番号)を「(?P<value>[^」]*)」として確認へ進む"))
def check_with(world: World, who: str, what: str, value: str) -> None:
    p = world.person(who)
    key = {"パスワード": "password", "電話番号": "staff_phone"}[what]
    world.record(world.client.check_staff_registration(_token(world, p), _fields(p, **{key: value})))


@given(parsers.re(WHO + r"は利用者登録を済ませて利用者IDを受け取っている"))
def registered(world: World, who: str) -> None:
    p = _person(world, who)
    expect_ok(world.record(world.client.start_staff_registration(p.email)), "startStaffRegistration")
    register(world, who)
    assert p.auth_id, world.last_reply().describe()


@then(parsers.re(WHO + r"には利用者IDが発行され、その利用者IDとパスワードでログインできる"))
def issued_and_logs_in(world: World, who: str) -> None:
    p = world.person(who)
    reply = world.last_reply()
    assert reply.ok and reply.json.get("auth_id"), reply.describe()
    assert p.auth_id == reply.json["auth_id"]
    login = world.login(p)
    assert login.ok and login.json.get("token"), login.describe()


@then(parsers.re(r"そのメールの本文に" + WHO + r"の利用者IDが記載されている"))
def mail_shows_id(world: World, who: str) -> None:
    p = world.person(who)
    assert p.auth_id and p.auth_id in world.scratch["mail"]["body"], world.scratch["mail"]["body"]


@when(parsers.re(WHO + r"が利用者IDの通知をメールアドレスと氏名\(英字\)「(?P<name>[^」]*)」で申し込む"))
def remind(world: World, who: str, name: str) -> None:
    p = world.person(who)
    reply = world.record(world.client.remind_auth_id(p.email, name))
    world.scratch.setdefault("reminders", []).append(reply)


@when(parsers.re(WHO + r"が利用者IDの通知を別のメールアドレスと自分の氏名\(英字\)で申し込む"))
def remind_other_email(world: World, who: str) -> None:
    p = world.person(who)
    reply = world.record(world.client.remind_auth_id(world.unique_email(), p.name))
    world.scratch.setdefault("reminders", []).append(reply)


@then("利用者IDの通知の応答はどれも同じで、アカウントの有無を明かさない")
def reminders_alike(world: World) -> None:
    replies = world.scratch.get("reminders", [])
    assert len(replies) >= 2, "fewer than two 利用者ID通知 were asked for"
    assert all(r.ok for r in replies), [r.describe() for r in replies]
    assert len({r.status for r in replies}) == 1, [r.status for r in replies]
    assert all(set(r.json) == {"sent_to"} for r in replies), [r.json for r in replies]


@then(parsers.re(WHO + r"がログアウトすると、そのセッションではもう操作できない"))
def logout_ends(world: World, who: str) -> None:
    p = world.person(who)
    token = world.logged_in(p)
    expect_ok(world.client.session(token), "getSession")
    expect_ok(world.record(world.client.logout(token)), "logout")
    after = world.client.session(token)
    assert after.status == 401, f"the session still answers after logout: {after.describe()}"
    p.token = None
