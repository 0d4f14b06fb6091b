"""Foreign nationals, legal representatives and relatives with the My Number Card: registration,
login, validity, impersonation and the card-side facts (FAQ Q1-2, Q2-7–Q2-12, Q2-16, Q2-20,
Q11-3, Q12-1 item 11, Q13-3; seeds 001 and 002).

The card is a virtual card issued into the target's cards folder (conformance/card.py) and used
through the card client, as the JPKI client software would: read the certificates, verify the
PIN on the card, sign the server's challenge. The steps send to the system only what the real
pages send: certificates, signatures, the challenge id and the typed form fields."""
from __future__ import annotations

import base64
import datetime as dt
import json
import re
import secrets
from typing import Any

import pytest
from pytest_bdd import given, parsers, step, then, when

from conformance.card import JST, Card
from conformance.client import Reply
from conformance.steps.world import PASSWORD, Person, World, expect_ok

CARD_ROLES = {"外国人": "foreign_national", "法定代理人": "legal_representative", "親族": "relative"}
ROLE_WORDS = "|".join(CARD_ROLES)
SEX_WORDS = {"男": "male", "女": "female"}
FIELD_WORDS = {"氏名": "name", "性別": "sex", "生年月日": "birth_date"}
CARD_ADDRESS = "大阪府大阪市中央区大手前一丁目１番１号"   # the card's address: not the one typed (Q2-11)
TYPED_PREF_CITY, TYPED_STREET = "東京都新宿区", "西新宿二丁目８番１号"
WRONG_PASSWORD = "Wrong999!"
CHALLENGE_LIFETIME_PLUS = dt.timedelta(minutes=6)   # rasim's challenges live 5 minutes
MY_NUMBER_KEYS = re.compile(r"my_?number|individual_?number|kojin|マイナンバー|個人番号", re.IGNORECASE)


# -- helpers ---------------------------------------------------------------------------------------------------

def _category_key(world: World, label: str) -> str:
    cats = expect_ok(world.client.registration_categories(), "listRegistrationCategories")["categories"]
    keys = [c["key"] for c in cats if c["label_ja"] == label]
    assert keys, f"no category 「{label}」 in {[c['label_ja'] for c in cats]}"
    return keys[0]


def _new_holder(world: World, who: str, role: str, name: str | None = None, sex: str = "男",
                birth: str = "1995-04-15", **faults: Any) -> Person:
    card = world.card_driver.issue(name or f"{who} VAN AN {world.uid[:4].upper()}", CARD_ADDRESS, birth, sex,
                                   **faults)
    p = Person(alias=who, role=role, name=card.holder.name, email=world.unique_email(), birth_date=birth,
               card=card, cards=[card])
    if role == "foreign_national":
        p.residence_card_number = world.unique_residence_card_number()
        p.residence_card_valid_until = (world.now().date() + dt.timedelta(days=3 * 365)).isoformat()
    world.people[who] = p
    return p


def _not_after(world: World, day: str) -> dt.datetime:
    """The end of a day 「D+n日」 in Japan time: the certificates' not_after."""
    d = dt.date.fromisoformat(world.when(day)[:10])
    return dt.datetime.combine(d, dt.time(23, 59, 59), tzinfo=JST)


class ChallengeRefused(Exception):
    """The system gave no challenge (e.g. WZBAM263E: the certification service is down)."""

    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.describe())
        self.reply = reply


def _challenge(world: World, purpose: str) -> tuple[str, bytes]:
    reply = world.client.card_challenge(purpose)
    if not reply.ok:
        raise ChallengeRefused(reply)
    return reply.json["challenge_id"], base64.b64decode(reply.json["challenge"])


def _registration_body(world: World, p: Person, category: str, card: Card | None = None,
                       challenge: tuple[str, bytes] | None = None, **over: Any) -> dict[str, Any]:
    """What the registration page sends after the card signed the challenge with both keys."""
    card = card or p.card
    challenge_id, nonce = challenge or _challenge(world, "registration")
    body: dict[str, Any] = {
        "category": category, "challenge_id": challenge_id,
        "signature_certificate": card.certificate("sign"), "signature": card.sign(nonce, "sign"),
        "authentication_certificate": card.certificate("auth"),
        "authentication_signature": card.sign(nonce, "auth"),
        "address_pref_city": TYPED_PREF_CITY, "address_street": TYPED_STREET, "phone": "0312345678",
        "email": p.email, "email_confirm": p.email, "agree_terms": True}
    if category == "foreign_national":
        body["residence_card_number"] = p.residence_card_number or world.unique_residence_card_number()
        body["residence_card_valid_until"] = p.residence_card_valid_until or \
            (world.now().date() + dt.timedelta(days=3 * 365)).isoformat()
    body.update(over)
    return {k: v for k, v in body.items() if v is not None}


def _register(world: World, p: Person, category: str, **over: Any) -> Reply:
    try:
        body = _registration_body(world, p, category, **over)
    except ChallengeRefused as exc:   # the page cannot even start: that refusal is the answer
        return world.record(exc.reply)
    reply = world.record(world.client.register_with_card(**body))
    if reply.ok:
        world.scratch.setdefault("registration_replies", []).append(reply.json)
    return reply


def _complete(world: World, p: Person, category: str) -> None:
    expect_ok(_register(world, p, category), "registerWithCard")
    expect_ok(world.set_password_from_mail(p, "registration_received"), "setInitialPassword")
    assert p.auth_id, "no 認証ID was issued"


def _card_login(world: World, p: Person, card: Card | None = None, auth_id: str | None = None,
                password: str | None = None, challenge: tuple[str, bytes] | None = None) -> Reply:
    """What the login page sends: the authentication certificate, its signature over a login
    challenge (4-digit PIN verified on the card), the 認証ID and the password."""
    card = card or p.card
    try:
        challenge_id, nonce = challenge or _challenge(world, "login")
    except ChallengeRefused as exc:
        return world.record(exc.reply)
    body = {"challenge_id": challenge_id, "authentication_certificate": card.certificate("auth"),
            "signature": card.sign(nonce, "auth"), "auth_id": auth_id or p.auth_id or "",
            "password": password or p.password or PASSWORD}
    world.scratch["last_card_login"] = body
    reply = world.record(world.client.login_with_card(**body))
    if reply.ok:
        p.token = reply.json["token"]
    return reply


# -- the clock of the card scenarios ------------------------------------------------------------------------------

@given(parsers.parse("テスト時計をカードの有効期間内の基準日「D」の「{clock}」に設定する"))
def clock_at_base_day(world: World, clock: str) -> None:
    """The cards' certificates start now (real time) and run five years: 「D」 is tomorrow in Japan."""
    world.base_day = dt.datetime.now(JST).date() + dt.timedelta(days=1)
    when = f"{world.base_day.isoformat()}T{clock}"
    data = expect_ok(world.client.set_clock(when, freeze=True), "setClock")
    assert data["now"].startswith(when[:16]), f"the clock shows {data['now']}, not {when}"


# -- people and their cards -------------------------------------------------------------------------------------

@given(parsers.re(rf"(?P<word>{ROLE_WORDS})「(?P<who>[^」]+)」がマイナンバーカードを持っている"))
def holder(world: World, word: str, who: str) -> None:
    _new_holder(world, who, CARD_ROLES[word])


@given(parsers.re(rf"(?P<word>{ROLE_WORDS})「(?P<who>[^」]+)」が氏名「(?P<name>[^」]+)」、性別「(?P<sex>男|女)」、"
                  r"生年月日「(?P<birth>[^」]+)」のマイナンバーカードを持っている"))
def holder_with_facts(world: World, word: str, who: str, name: str, sex: str, birth: str) -> None:
    _new_holder(world, who, CARD_ROLES[word], name=name, sex=sex, birth=birth)


@given(parsers.re(rf"(?P<word>{ROLE_WORDS})「(?P<who>[^」]+)」が(?P<state>電子証明書の有効期限が切れた|電子証明書が失効した|"
                  r"別の認証局が発行した電子証明書の)マイナンバーカードを持っている"))
def holder_with_bad_card(world: World, word: str, who: str, state: str) -> None:
    faults = {"電子証明書の有効期限が切れた": {"expired": True}, "電子証明書が失効した": {"revoked": True},
              "別の認証局が発行した電子証明書の": {"foreign_ca": True}}[state]
    _new_holder(world, who, CARD_ROLES[word], **faults)


@given(parsers.re(rf"(?P<word>{ROLE_WORDS})「(?P<who>[^」]+)」がマイナンバーカードで利用者情報登録を完了している"))
def holder_registered(world: World, word: str, who: str) -> None:
    p = _new_holder(world, who, CARD_ROLES[word])
    _complete(world, p, p.role)


@given(parsers.re(rf"(?P<word>{ROLE_WORDS})「(?P<who>[^」]+)」が電子証明書の有効期限「(?P<day>[^」]+)」の"
                  r"マイナンバーカードで利用者情報登録を完了している"))
def holder_registered_until(world: World, word: str, who: str, day: str) -> None:
    p = _new_holder(world, who, CARD_ROLES[word], not_after=_not_after(world, day))
    _complete(world, p, p.role)


@given(parsers.re(r"外国人「(?P<who>[^」]+)」が在留カードの有効期限「(?P<day>[^」]+)」で"
                  r"マイナンバーカードによる利用者情報登録を完了している"))
def foreigner_registered_residence_until(world: World, who: str, day: str) -> None:
    p = _new_holder(world, who, "foreign_national")
    p.residence_card_valid_until = world.when(day)[:10]
    _complete(world, p, p.role)


@step(parsers.parse("「{who}」が電子証明書を更新したマイナンバーカードを受け取る"))
def renewed_card(world: World, who: str) -> None:
    p = world.person(who)
    old = p.card
    card = world.card_driver.issue(old.holder.name, old.holder.address, old.holder.date_of_birth,
                                   old.holder.sex)
    p.card = card
    p.cards.append(card)


@step(parsers.parse("「{who}」のマイナンバーカードの電子証明書が失効する"))
def card_revoked(world: World, who: str) -> None:
    world.card_driver.revoke(world.person(who).card)


# -- registration ---------------------------------------------------------------------------------------------

@step(parsers.parse("「{who}」が区分「{label}」でマイナンバーカードによる利用者情報登録を行う"))
def register_with_card(world: World, who: str, label: str) -> None:
    _register(world, world.person(who), _category_key(world, label))


@when(parsers.parse("「{who}」が有効期限「{day}」の在留カードで区分「{label}」のマイナンバーカードによる利用者情報登録を行う"))
def register_with_residence_card_until(world: World, who: str, day: str, label: str) -> None:
    p = world.person(who)
    p.residence_card_valid_until = world.when(day)[:10]
    _register(world, p, _category_key(world, label))


@when(parsers.parse("「{who}」が同じマイナンバーカードと別の在留カード番号で区分「{label}」の利用者情報登録をもう一度行う"))
def register_again_same_card(world: World, who: str, label: str) -> None:
    """The card rule alone (Q2-10): another residence card number, so only the card is the same."""
    p = world.person(who)
    _register(world, p, _category_key(world, label), residence_card_number=world.unique_residence_card_number())


@when(parsers.parse("「{who}」が同じマイナンバーカードで区分「{label}」の利用者情報登録を行う"))
def register_same_card_other_category(world: World, who: str, label: str) -> None:
    _register(world, world.person(who), _category_key(world, label))


@when(parsers.re(r"「(?P<who>[^」]+)」が(?P<field>氏名|性別|生年月日)に「(?P<value>[^」]+)」と入力して"
                 r"区分「(?P<label>[^」]+)」でマイナンバーカードによる利用者情報登録を行う"))
def register_typing(world: World, who: str, field: str, value: str, label: str) -> None:
    key = FIELD_WORDS[field]
    _register(world, world.person(who), _category_key(world, label), **{key: SEX_WORDS.get(value, value)})


DEFECTS = ("マイナンバーカードを読み取らせずに", "別のデータへの署名を付けて", "改ざんした署名を付けて",
           "利用者証明用電子証明書とその署名を付けずに", "署名用電子証明書とその署名を付けずに",
           "署名用電子証明書の代わりに利用者証明用電子証明書を付けて", "期限切れのチャレンジへの署名で",
           "ログイン用のチャレンジへの署名で", "システムが発行していないチャレンジへの署名で",
           "他人のカードの利用者証明用電子証明書と署名を組み合わせて")


@when(parsers.re(r"「(?P<who>[^」]+)」が(?P<defect>" + "|".join(DEFECTS) + r")区分「(?P<label>[^」]+)」の"
                 r"利用者情報登録を行う"))
def register_with_defect(world: World, who: str, defect: str, label: str) -> None:
    p = world.person(who)
    category = _category_key(world, label)
    over: dict[str, Any] = {}
    if defect == "期限切れのチャレンジへの署名で":
        challenge = _challenge(world, "registration")
        expect_ok(world.client.advance_clock(minutes=CHALLENGE_LIFETIME_PLUS.seconds // 60), "advanceClock")
        over["challenge"] = challenge
    elif defect == "ログイン用のチャレンジへの署名で":
        over["challenge"] = _challenge(world, "login")
    elif defect == "システムが発行していないチャレンジへの署名で":
        over["challenge"] = (secrets.token_urlsafe(16), secrets.token_bytes(32))
    body = _registration_body(world, p, category, **over)
    if defect == "マイナンバーカードを読み取らせずに":
        for key in ("signature_certificate", "signature", "authentication_certificate", "authentication_signature"):
            body.pop(key)
    elif defect == "別のデータへの署名を付けて":
        other = secrets.token_bytes(32)
        body["signature"], body["authentication_signature"] = p.card.sign(other, "sign"), p.card.sign(other, "auth")
    elif defect == "改ざんした署名を付けて":
        for key in ("signature", "authentication_signature"):
            raw = bytearray(base64.b64decode(body[key]))
            raw[len(raw) // 2] ^= 0x01
            body[key] = base64.b64encode(bytes(raw)).decode()
    elif defect == "利用者証明用電子証明書とその署名を付けずに":
        body.pop("authentication_certificate")
        body.pop("authentication_signature")
    elif defect == "署名用電子証明書とその署名を付けずに":
        body.pop("signature_certificate")
        body.pop("signature")
    elif defect == "署名用電子証明書の代わりに利用者証明用電子証明書を付けて":
        body["signature_certificate"], body["signature"] = body["authentication_certificate"], \
            body["authentication_signature"]
    elif defect == "他人のカードの利用者証明用電子証明書と署名を組み合わせて":
        # the signature certificate (the person's facts) of this card, the authentication key of another
        # person's card: whoever holds the other card would log in as this person
        other = world.card_driver.issue(f"OTHER {world.uid[:4].upper()}", CARD_ADDRESS, "1990-01-01", "2")
        challenge_id, nonce = _challenge(world, "registration")
        body["challenge_id"] = challenge_id
        body["signature"] = p.card.sign(nonce, "sign")
        body["authentication_certificate"] = other.certificate("auth")
        body["authentication_signature"] = other.sign(nonce, "auth")
    world.record(world.client.register_with_card(**body))


@then("登録の応答の氏名・性別・生年月日はマイナンバーカードのとおりである")
def reply_facts_from_card(world: World) -> None:
    data = expect_ok(world.last_reply(), "registerWithCard")
    _facts_match(world, data, None)


def _facts_match(world: World, data: dict, alias: str | None) -> None:
    p = world.person(alias) if alias else [p for p in world.people.values() if p.card][-1]
    h = p.card.holder
    expected = {"name": h.name, "sex": {"1": "male", "2": "female"}[h.sex], "birth_date": h.date_of_birth.isoformat()}
    got = {k: data.get(k) for k in expected}
    assert got == expected, f"expected the card's facts {expected}, got {got}: {data}"


@then(parsers.parse("「{who}」の利用者情報の氏名・性別・生年月日はマイナンバーカードのとおりである"))
def profile_facts_from_card(world: World, who: str) -> None:
    data = expect_ok(world.client.me(world.logged_in(world.person(who))), "getUserInformation")
    _facts_match(world, data, who)


# -- login --------------------------------------------------------------------------------------------------------

@step(parsers.parse("「{who}」がマイナンバーカードと認証ID・パスワードでログインする"))
def card_login(world: World, who: str) -> None:
    _card_login(world, world.person(who))


@then(parsers.parse("「{who}」はマイナンバーカードと認証ID・パスワードでログインできる"))
def can_card_login(world: World, who: str) -> None:
    p = world.person(who)
    reply = _card_login(world, p)
    assert reply.ok and reply.json.get("token"), f"card login refused: {reply.describe()}"
    session = expect_ok(world.client.session(p.token), "getSession")
    assert session["auth_id"] == p.auth_id, session


@when(parsers.parse("「{who}」がマイナンバーカードと誤ったパスワードでログインする"))
def card_login_wrong_password(world: World, who: str) -> None:
    _card_login(world, world.person(who), password=WRONG_PASSWORD)


@when(parsers.parse("「{who}」がマイナンバーカードと登録されていない認証IDでログインする"))
def card_login_unknown_id(world: World, who: str) -> None:
    _card_login(world, world.person(who), auth_id="zz" + secrets.token_hex(4), password=PASSWORD)


@when(parsers.parse("「{who}」が「{other}」のマイナンバーカードと自分の認証ID・パスワードでログインする"))
def card_login_other_card(world: World, who: str, other: str) -> None:
    _card_login(world, world.person(who), card=world.person(other).card)


@when(parsers.parse("「{who}」が以前のマイナンバーカードと認証ID・パスワードでログインする"))
def card_login_old_card(world: World, who: str) -> None:
    p = world.person(who)
    assert len(p.cards) >= 2, f"「{who}」 has had only one card"
    _card_login(world, p, card=p.cards[-2])


@when(parsers.re(r"「(?P<who>[^」]+)」が(?P<which>期限切れのチャレンジ|利用者情報登録用のチャレンジ|システムが発行していないチャレンジ)"
                 r"への署名でログインする"))
def card_login_bad_challenge(world: World, who: str, which: str) -> None:
    p = world.person(who)
    if which == "期限切れのチャレンジ":
        challenge = _challenge(world, "login")
        expect_ok(world.client.advance_clock(minutes=CHALLENGE_LIFETIME_PLUS.seconds // 60), "advanceClock")
    elif which == "利用者情報登録用のチャレンジ":
        challenge = _challenge(world, "registration")
    else:
        challenge = (secrets.token_urlsafe(16), secrets.token_bytes(32))
    _card_login(world, p, challenge=challenge)


@when("同じログイン要求がもう一度送られる")
def replay_login(world: World) -> None:
    body = world.scratch.get("last_card_login")
    assert body, "no card login has been sent in this scenario"
    world.record(world.client.login_with_card(**body))


# -- applications in progress (seed 001) ----------------------------------------------------------------------------

@given(parsers.parse("「{who}」の申請が{count:d}件処理中である"))
def applications_in_progress(world: World, who: str, count: int) -> None:
    p = world.person(who)
    expect_ok(world.client.set_applications_in_progress(p.auth_id or "", count), "setApplicationsInProgress")


# -- the certification service (Q2-20) -------------------------------------------------------------------------------

@step("公的個人認証サービスが利用できなくなる")
def jpki_down(world: World, request: pytest.FixtureRequest) -> None:
    client = world.client
    request.addfinalizer(lambda: client.set_jpki_available(True))   # never leave it down
    expect_ok(client.set_jpki_available(False), "setJpkiAvailability")


@step("公的個人認証サービスが復旧する")
def jpki_up(world: World) -> None:
    expect_ok(world.client.set_jpki_available(True), "setJpkiAvailability")


# -- the PINs stay on the card (Q2-9) ------------------------------------------------------------------------------

PIN_WORDS = {"署名用": "sign", "利用者証明用": "auth"}


@when(parsers.re(r"「(?P<who>[^」]+)」が(?P<which>署名用|利用者証明用)電子証明書の暗証番号を誤って入力する"))
def wrong_pin(world: World, who: str, which: str) -> None:
    from virtual_card.transport import WrongPin

    card = world.person(who).card
    key = PIN_WORDS[which]
    wrong = "0000" if key == "auth" and card.auth_pin != "0000" else ("1111" if key == "auth" else "WRONG999")
    try:
        card.verify_pin(key, wrong)
    except WrongPin as exc:
        world.scratch["pin_refused"] = exc.tries_left
    else:
        raise AssertionError(f"the card accepted a wrong {which} PIN")


@then(parsers.re(r"カードが暗証番号を拒否し、「(?P<who>[^」]+)」の(?P<which>署名用|利用者証明用)電子証明書の暗証番号の"
                 r"残り回数は(?P<left>\d+)回になる"))
def pin_tries_left(world: World, who: str, which: str, left: str) -> None:
    assert world.scratch.get("pin_refused") == int(left), f"the card said {world.scratch.get('pin_refused')} tries left"
    assert world.person(who).card.tries_left(PIN_WORDS[which]) == int(left)


@then(parsers.re(r"「(?P<who>[^」]+)」の(?P<which>署名用|利用者証明用)電子証明書の暗証番号の残り回数は(?P<left>\d+)回である"))
def pin_tries_now(world: World, who: str, which: str, left: str) -> None:
    got = world.person(who).card.tries_left(PIN_WORDS[which])
    assert got == int(left), f"{got} tries left"


def _request_schema(world: World, path: str) -> dict:
    spec = expect_ok(world.client.openapi(), "openapi.json")
    op = spec["paths"].get(path, {}).get("post")
    assert op, f"the OpenAPI document has no POST {path}"
    schema = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
    assert schema.get("properties"), f"POST {path} publishes no request fields"
    return schema


@then("利用者情報登録とログインの様式に暗証番号の項目はない")
def no_pin_fields(world: World) -> None:
    for path in ("/api/v1/registrations/card", "/api/v1/session/card"):
        fields = list(_request_schema(world, path)["properties"])
        assert not [f for f in fields if re.search(r"pin|暗証", f, re.IGNORECASE)], f"{path}: {fields}"


# -- the My Number is never read or kept (Q2-8) ----------------------------------------------------------------------

@then(parsers.parse("「{who}」のマイナンバーカードからマイナンバーは一度も読み取られていない"))
def my_number_never_read(world: World, who: str) -> None:
    for card in world.person(who).cards:
        reads = card.my_number_reads()
        assert reads == [], f"the card {card.card_id} logged My Number reads: {reads}"


@then("利用者情報登録の様式にマイナンバーの項目はない")
def no_my_number_field(world: World) -> None:
    for path in ("/api/v1/registrations/card", "/api/v1/session/card"):
        fields = list(_request_schema(world, path)["properties"])
        assert not [f for f in fields if MY_NUMBER_KEYS.search(f)], f"{path}: {fields}"


@then(parsers.parse("「{who}」の登録の応答・利用者情報・メールにマイナンバーは含まれない"))
def my_number_nowhere(world: World, who: str) -> None:
    p = world.person(who)
    number = p.card.my_number()
    me = expect_ok(world.client.me(world.logged_in(p)), "getUserInformation")
    seen = {"registration": world.scratch.get("registration_replies", []), "me": me,
            "mails": world.client.mails(to=p.email)}
    for what, data in seen.items():
        text = json.dumps(data, ensure_ascii=False)
        assert number not in text, f"the My Number appears in {what}"
        keys = _keys(data)
        assert not [k for k in keys if MY_NUMBER_KEYS.search(k)], f"{what} has a My Number field: {keys}"
    assert seen["mails"], f"no mail to {p.email} to look at"


def _keys(data: Any) -> set[str]:
    if isinstance(data, dict):
        return set(data) | {k for v in data.values() for k in _keys(v)}
    if isinstance(data, list):
        return {k for v in data for k in _keys(v)}
    return set()


def card_session(world: World, p: Person) -> Reply:
    """Log a card-category person in with the card (used by World.logged_in)."""
    return _card_login(world, p)
