"""Online registration of lawyers and administrative scriveners (FAQ Q1-2, Q2-1 – Q2-17)."""
from __future__ import annotations

import datetime as dt

from pytest_bdd import given, parsers, step, then, when

from conformance.steps.world import AGENT_KINDS, World, expect_ok

REGISTRY_STATUS = {"取消": "cancelled", "停止": "suspended", "有効": "active"}
DEFAULT_VALID_UNTIL = "2030-03-31"


@given(parsers.re(r"有効期限「(?P<until>[^」]+)」の申請等取次者証明書を持つ(?P<word>弁護士|行政書士)「(?P<who>[^」]+)」がいる"))
def agent_with_certificate(world: World, until: str, word: str, who: str) -> None:
    world.new_agent(who, AGENT_KINDS[word], until)


@given(parsers.re(r"有効期限「(?P<until>[^」]+)」の届出済証明書を持つ(?P<word>弁護士|行政書士)「(?P<who>[^」]+)」がいる"))
def agent_with_printed_certificate(world: World, until: str, word: str, who: str) -> None:
    world.new_agent(who, AGENT_KINDS[word], until, printed=True)


@when(parsers.parse("「{who}」が届出済証明書の番号をそのまま入力して利用者情報登録を行う"))
def register_with_printed_form(world: World, who: str) -> None:
    p = world.person(who)
    assert p.printed_number, f"「{who}」 has no 届出済証明書 number"
    world.register(p, agent_certificate_number=p.printed_number)


@given(parsers.re(r"登録簿にない申請等取次者証明書番号を持つ(?P<word>弁護士|行政書士)「(?P<who>[^」]+)」がいる"))
def agent_unknown_to_registry(world: World, word: str, who: str) -> None:
    from conformance.steps.world import Person

    p = Person(alias=who, role=AGENT_KINDS[word], name=f"法務{who}", email=world.unique_email(),
               certificate_number=world.unique_certificate_number())
    world.people[who] = p


@given(parsers.parse("「{who}」の申請等取次者証明書は登録簿で「{status}」になっている"))
def certificate_status(world: World, who: str, status: str) -> None:
    p = world.person(who)
    expect_ok(world.client.put_agent_certificate(number=p.certificate_number, status=REGISTRY_STATUS[status]),
              "putAgentCertificate")


@given(parsers.re(r"(?P<word>弁護士|行政書士)「(?P<who>[^」]+)」が利用者情報登録を完了している"))
def agent_registered(world: World, word: str, who: str) -> None:
    p = world.new_agent(who, AGENT_KINDS[word], DEFAULT_VALID_UNTIL)
    world.complete_registration(p)


@given(parsers.re(r"有効期限「(?P<until>[^」]+)」の申請等取次者証明書で(?P<word>弁護士|行政書士)「(?P<who>[^」]+)」が"
                  r"利用者情報登録を完了している"))
def agent_registered_until(world: World, until: str, word: str, who: str) -> None:
    p = world.new_agent(who, AGENT_KINDS[word], until)
    world.complete_registration(p)


# -- the registration form ------------------------------------------------------------------------------

@step(parsers.parse("「{who}」が利用者情報登録を行う"))
def register(world: World, who: str) -> None:
    world.register(world.person(who))


@when(parsers.parse("「{who}」が生年月日「{birth}」と入力して利用者情報登録を行う"))
def register_with_birth(world: World, who: str, birth: str) -> None:
    world.register(world.person(who), birth_date=birth)


@when(parsers.parse("「{who}」が申請等取次者証明書番号に「{value}」と入力して利用者情報登録を行う"))
def register_with_number(world: World, who: str, value: str) -> None:
    world.register(world.person(who), agent_certificate_number=value)


@when(parsers.parse("「{who}」が利用規約に同意せずに利用者情報登録を行う"))
def register_without_terms(world: World, who: str) -> None:
    world.register(world.person(who), agree_terms=False)


@when(parsers.parse("「{who}」が住居地を入力せずに利用者情報登録を行う"))
def register_without_address(world: World, who: str) -> None:
    body = world.registration_body(world.person(who))
    body.pop("address_pref_city")
    body.pop("address_street")
    world.record(world.client.register_agent(**body))


@when(parsers.parse("「{who}」が所属機関「{org}」の依頼分として利用者情報登録を行う"))
def register_for_organisation(world: World, who: str, org: str) -> None:
    world.register(world.person(who), organisation_name=org)


@when(parsers.parse("「{who}」がメールアドレスのドメインを「{domain}」として利用者情報登録を行う"))
def register_with_domain(world: World, who: str, domain: str) -> None:
    p = world.person(who)
    p.email = world.unique_email(domain)
    world.register(p)


@when(parsers.parse("「{who}」が利用者区分「{label}」を指定して利用者情報登録を行う"))
def register_as_category(world: World, who: str, label: str) -> None:
    cats = expect_ok(world.client.registration_categories(), "listRegistrationCategories")["categories"]
    keys = [c["key"] for c in cats if c["label_ja"] == label]
    assert keys, f"no category 「{label}」 in {[c['label_ja'] for c in cats]}"
    world.register(world.person(who), category=keys[0])


@step(parsers.parse("「{who}」が登録メールのURLから初期パスワードを設定する"))
def set_password_from_registration_mail(world: World, who: str) -> None:
    world.set_password_from_mail(world.person(who), "registration_received")


@then("登録メールのURLは初期パスワード設定のためのものである")
def registration_link_purpose(world: World) -> None:
    mail = world.scratch["mail"]
    from conformance.client import token_from_url

    data = expect_ok(world.client.inspect_link(token_from_url(mail["url"])), "inspectLink")
    assert data["purpose"] == "registration", data


@then(parsers.parse("「{who}」には認証IDが発行される"))
def auth_id_issued(world: World, who: str) -> None:
    p = world.person(who)
    reply = world.last_reply()
    assert reply.ok, reply.describe()
    assert p.auth_id and isinstance(p.auth_id, str) and len(p.auth_id) >= 6, reply.describe()


@then(parsers.parse("「{who}」の申請等取次者証明書番号は12桁の番号で登録されている"))
def stored_as_twelve_digits(world: World, who: str) -> None:
    p = world.person(who)
    data = expect_ok(world.client.me(world.logged_in(p)), "getUserInformation")
    number = data.get("agent_certificate_number")
    assert number == p.certificate_number and len(number) == 12 and number.isdigit(), data


# -- the registry follows the certificate (Q2-17) ----------------------------------------------------------

@step(parsers.parse("登録簿で「{who}」の申請等取次者証明書の有効期限が「{until}」に更新される"))
def certificate_renewed(world: World, who: str, until: str) -> None:
    p = world.person(who)
    expect_ok(world.client.put_agent_certificate(number=p.certificate_number, valid_until=until),
              "putAgentCertificate")


@step(parsers.parse("登録簿で「{who}」の申請等取次者証明書が取り消される"))
def certificate_cancelled(world: World, who: str) -> None:
    p = world.person(who)
    expect_ok(world.client.put_agent_certificate(number=p.certificate_number, status="cancelled"),
              "putAgentCertificate")


@then(parsers.parse("「{who}」のアカウントは「{day}」まで有効である"))
def valid_through(world: World, who: str, day: str) -> None:
    day = world.when(day)
    data = world.account(world.person(who))
    until = dt.datetime.fromisoformat(data["valid_until"])
    last_day = (until - dt.timedelta(seconds=1)).date()
    assert last_day.isoformat() == day, f"valid until {data['valid_until']} (last day {last_day}), expected {day}"
