"""User information: view and change it, the e-mail change, the ID that never changes
(FAQ Q10-1, Q10-2, Q12-2, Q12-3, Q12-8, Q13-1)."""
from __future__ import annotations

from pytest_bdd import parsers, step, then, when

from conformance.steps.world import World, expect_ok


@step(parsers.parse("「{who}」が利用者情報を表示する"))
def show_profile(world: World, who: str) -> None:
    p = world.person(who)
    world.record(world.client.me(world.logged_in(p)))


@then(parsers.parse("「{who}」の利用者氏名・認証ID・メールアドレスが表示される"))
def profile_shows_basics(world: World, who: str) -> None:
    p = world.person(who)
    data = expect_ok(world.last_reply(), "getUserInformation")
    assert data.get("name") == p.name, data
    assert data.get("auth_id") == p.auth_id, data
    assert data.get("email") == p.email, data


@when(parsers.parse("「{who}」が住居地を「{pref}」「{street}」に変更する"))
def change_address(world: World, who: str, pref: str, street: str) -> None:
    p = world.person(who)
    world.record(world.client.change_me(world.logged_in(p), new_address_pref_city=pref, new_address_street=street))


@then(parsers.parse("「{who}」の利用者情報の住居地は「{pref}」「{street}」である"))
def address_is(world: World, who: str, pref: str, street: str) -> None:
    data = expect_ok(world.client.me(world.logged_in(world.person(who))), "getUserInformation")
    assert (data.get("address_pref_city"), data.get("address_street")) == (pref, street), data


@when(parsers.parse("「{who}」が氏名を変更しようとする"))
def change_name(world: World, who: str) -> None:
    p = world.person(who)
    world.record(world.client.change_me(world.logged_in(p), new_name="別名花子"))


@then(parsers.parse("「{who}」の氏名は変わっていない"))
def name_unchanged(world: World, who: str) -> None:
    p = world.person(who)
    data = expect_ok(world.client.me(world.logged_in(p)), "getUserInformation")
    assert data.get("name") == p.name, data


# -- e-mail address (Q12-2, Q12-8) ------------------------------------------------------------------------------

@step(parsers.parse("「{who}」がメールアドレスの変更を申し込む"))
def request_email_change(world: World, who: str) -> None:
    _request_email_change(world, who, "example.jp")


@step(parsers.parse("「{who}」がドメイン「{domain}」の新しいメールアドレスへの変更を申し込む"))
def request_email_change_domain(world: World, who: str, domain: str) -> None:
    _request_email_change(world, who, domain)


def _request_email_change(world: World, who: str, domain: str) -> None:
    p = world.person(who)
    new = world.unique_email(domain)
    world.pending_email[who] = new
    reply = world.record(world.client.change_me(world.logged_in(p), new_email=new, new_email_confirm=new))
    if reply.ok:   # edition 2024: the new address takes effect at once (004 §2.15.4)
        p.email = new


@then(parsers.parse("「{who}」の新しいメールアドレスに「{label}」のメールが届く"))
def mail_to_new_address(world: World, who: str, label: str) -> None:
    from conformance.steps.world import mail_kind

    new = world.pending_email[who]
    found = world.client.mails(to=new, kind=mail_kind(label))
    assert found, f"no 「{label}」 mail to {new}"
    world.scratch["mail"] = found[-1]


@then(parsers.parse("「{who}」の新しいメールアドレスに「{label}」のメールは届いていない"))
def no_mail_to_new_address(world: World, who: str, label: str) -> None:
    from conformance.steps.world import mail_kind

    new = world.pending_email[who]
    assert not world.client.mails(to=new, kind=mail_kind(label)), f"unexpected 「{label}」 mail to {new}"


@step(parsers.parse("「{who}」が確認メールのURLからメールアドレスの変更を完了する"))
def confirm_email(world: World, who: str) -> None:
    p = world.person(who)
    new = world.pending_email[who]
    token = world.client.link_from_last_mail(new, "email_change_confirm")
    reply = world.record(world.client.confirm_email_change(token))
    if reply.ok:
        p.email = new


@then(parsers.parse("「{who}」の利用者情報のメールアドレスは新しいアドレスである"))
def email_is_new(world: World, who: str) -> None:
    p = world.person(who)
    data = expect_ok(world.client.me(world.logged_in(p)), "getUserInformation")
    assert data.get("email") == world.pending_email[who] == p.email, data


# -- the ID never changes (Q12-3) -------------------------------------------------------------------------------------

@when(parsers.parse("「{who}」が認証IDを別の値に変更しようとする"))
def change_auth_id(world: World, who: str) -> None:
    p = world.person(who)
    world.scratch["old_auth_id"] = p.auth_id
    world.record(world.client.change_me(world.logged_in(p), auth_id="newid12345"))


@then(parsers.parse("「{who}」の認証IDは変わっていない"))
def auth_id_unchanged(world: World, who: str) -> None:
    p = world.person(who)
    data = expect_ok(world.client.me(world.logged_in(p)), "getUserInformation")
    assert data.get("auth_id") == p.auth_id == world.scratch.get("old_auth_id", p.auth_id), data


# -- access control (Q13-1) ------------------------------------------------------------------------------------------

@when("ログインせずに利用者情報を表示しようとする")
def profile_without_login(world: World) -> None:
    world.record(world.client.me(None))


@when("無効なセッションで利用者情報を表示しようとする")
def profile_with_bad_token(world: World) -> None:
    world.record(world.client.me("not-a-session-token"))


@then(parsers.parse("「{a}」自身の情報だけが返され、「{b}」の情報は含まれない"))
def only_own_data(world: World, a: str, b: str) -> None:
    pa, pb = world.person(a), world.person(b)
    reply = world.last_reply()
    data = expect_ok(reply, "getUserInformation")
    assert data.get("auth_id") == pa.auth_id, data
    text = repr(reply.json)
    for secret in (pb.auth_id, pb.email, pb.name):
        assert secret and secret not in text, f"{b}'s {secret!r} appears in {a}'s reply"
