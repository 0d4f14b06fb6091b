"""Steps every feature uses: the test clock, replies and their error codes, the mail outbox."""
from __future__ import annotations

import csv
import datetime as dt
import functools
import re
from pathlib import Path

from pytest_bdd import given, parsers, step, then

from conformance.steps.world import World, expect_ok, mail_kind

UNITS = {"日": "days", "時間": "hours", "分": "minutes", "秒": "seconds"}


# -- the test clock ------------------------------------------------------------------------------------

@given(parsers.parse("テスト時計を「{when}」に設定する"))
def set_clock(world: World, when: str) -> None:
    when = world.when(when)
    data = expect_ok(world.client.set_clock(when, freeze=True), "setClock")
    assert data["now"].startswith(when[:16]), f"the clock shows {data['now']}, not {when}"


@step(parsers.parse("テスト時計を「{when}」まで進める"))
def clock_forward_to(world: World, when: str) -> None:
    when = world.when(when)
    target = dt.datetime.fromisoformat(when)
    assert target >= world.now(), f"{when} is in the past of the test clock"
    data = expect_ok(world.client.set_clock(when, freeze=True), "setClock")
    assert data["now"].startswith(when[:16])


@step(parsers.re(r"(?P<spec>(?:\d+(?:日|時間|分|秒))+)が経過する"))
def time_passes(world: World, spec: str) -> None:
    delta: dict[str, float] = {}
    for amount, unit in re.findall(r"(\d+)(日|時間|分|秒)", spec):
        delta[UNITS[unit]] = delta.get(UNITS[unit], 0) + int(amount)
    before = world.now()
    data = expect_ok(world.client.advance_clock(**delta), "advanceClock")
    after = dt.datetime.fromisoformat(data["now"])
    assert after - before == dt.timedelta(**delta), f"the clock moved from {before} to {after}"


# -- replies -------------------------------------------------------------------------------------------

def is_refusal(status: int) -> bool:
    """A refusal is a 4xx, or 503 (maintenance); never a 500."""
    return 400 <= status < 500 or status == 503


@then("受け付けられる")
def accepted(world: World) -> None:
    reply = world.last_reply()
    assert reply.ok, f"expected success, got {reply.describe()}"


@then("拒否される")
def refused(world: World) -> None:
    reply = world.last_reply()
    assert is_refusal(reply.status) and reply.codes, f"expected a refusal with a code, got {reply.describe()}"


@then(parsers.parse("エラー「{code}」で拒否される"))
def refused_with(world: World, code: str) -> None:
    reply = world.last_reply()
    assert is_refusal(reply.status), f"expected a refusal with {code}, got {reply.describe()}"
    assert code in reply.codes, f"expected {code}, got {reply.codes}: {reply.describe()}"


@then(parsers.parse("エラー「{code}」が項目「{field}」について返される"))
def refused_for_field(world: World, code: str, field: str) -> None:
    reply = world.last_reply()
    assert 400 <= reply.status < 500, f"expected a refusal, got {reply.describe()}"
    pairs = [(e.get("code"), e.get("field")) for e in reply.errors]
    assert (code, field) in pairs, f"expected {code} on {field}, got {pairs}"


@then("エラーの文言はメッセージ一覧のとおりである")
def message_text_matches_catalogue(world: World) -> None:
    reply = world.last_reply()
    assert reply.errors, f"no errors in {reply.describe()}"
    for error in reply.errors:
        seed = seed_message(error["code"])
        if seed is not None:   # the system's own codes: the seed's text, carried by the suite itself
            assert seed.fullmatch(error["message"] or ""), (error["code"], error["message"], seed.pattern)
        else:                  # rasim's RASIM codes have no seed text: the target's catalogue must agree
            catalogue = expect_ok(world.client.message(error["code"]), f"getMessage {error['code']}")
            assert error["message"] == catalogue["message"], (error, catalogue)
        assert error.get("message_en"), f"no English text for {error['code']}"


@functools.lru_cache(maxsize=1)
def _seed_texts() -> dict[str, str]:
    path = Path(__file__).resolve().parent.parent / "seed" / "error-catalog.csv"
    with open(path, encoding="utf-8", newline="") as f:
        return {r["id"]: r["message_ja"] for r in csv.DictReader(f)}


def seed_message(code: str) -> re.Pattern[str] | None:
    """The seed's text of a WZBAM code (conformance/seed/error-catalog.csv), its 【…】 placeholders
    matching any filling; None for a code the seed does not list."""
    text = _seed_texts().get(code)
    if text is None:
        return None
    parts = re.split(r"【[^】]+】", text)
    return re.compile(".+?".join(re.escape(p) for p in parts), re.S)


# -- mail ---------------------------------------------------------------------------------------------------

def _mails_to(world: World, who: str, label: str) -> list[dict]:
    p = world.person(who)
    return world.client.mails(to=p.email, kind=mail_kind(label))


@then(parsers.parse("「{who}」に「{label}」のメールが届く"))
def mail_arrives(world: World, who: str, label: str) -> None:
    found = _mails_to(world, who, label)
    assert found, f"no 「{label}」 mail to {world.person(who).email}; outbox for this address: " \
                  f"{[m['kind'] for m in world.client.mails(to=world.person(who).email)]}"
    world.scratch["mail"] = found[-1]


@then(parsers.parse("「{who}」に「{label}」のメールが{count:d}通届いている"))
def mails_counted(world: World, who: str, label: str, count: int) -> None:
    found = _mails_to(world, who, label)
    assert len(found) == count, f"expected {count} 「{label}」 mails, found {len(found)}"
    if found:
        world.scratch["mail"] = found[-1]


@then(parsers.parse("「{who}」に「{label}」のメールは届いていない"))
def no_mail(world: World, who: str, label: str) -> None:
    found = _mails_to(world, who, label)
    assert not found, f"unexpected 「{label}」 mail(s): {[m['subject'] for m in found]}"


@then(parsers.parse("そのメールの本文に「{who}」の認証IDが記載されている"))
def mail_shows_auth_id(world: World, who: str) -> None:
    p = world.person(who)
    assert p.auth_id, f"「{who}」 has no 認証ID yet"
    assert p.auth_id in world.scratch["mail"]["body"], world.scratch["mail"]["body"]


@then(parsers.parse("そのメールの本文に「{text}」と記載されている"))
def mail_mentions(world: World, text: str) -> None:
    body = world.scratch["mail"]["subject"] + "\n" + world.scratch["mail"]["body"]
    assert text in body, body


@then("そのメールにはURLが記載されている")
def mail_has_url(world: World) -> None:
    mail = world.scratch["mail"]
    assert mail.get("url") and mail["url"].startswith(("http://", "https://")), mail
    assert "token=" in mail["url"]


@then(parsers.parse("そのメールは「{when}」に送信されている"))
def mail_sent_at(world: World, when: str) -> None:
    when = world.when(when)
    sent = world.scratch["mail"]["sent_at"]
    assert sent.startswith(when), f"sent at {sent}, expected {when}"


@then(parsers.parse("「{who}」宛てのメールの送信元はすべて「{domain}」のドメインである"))
def mail_sender_domain(world: World, who: str, domain: str) -> None:
    mails = world.client.mails(to=world.person(who).email)
    assert mails, "no mail at all"
    for m in mails:
        assert m["from"].lower().endswith("@" + domain), f"{m['kind']} came from {m['from']}"
