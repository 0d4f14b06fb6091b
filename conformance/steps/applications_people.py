"""Individual applications, the persons (FAQ Q4, Q5-11): the residence record of an applicant that the
bureau keeps (put through test support) and its changes, the 外国人 who files their own application with the
My Number Card, the fixed base day of the clock and logging out. Shared words: applications_common.py."""
from __future__ import annotations

import datetime as dt
from typing import Any

from pytest_bdd import given, parsers, step

from conformance.steps.applications_common import PERIODS, STATUSES, STREETS, _day, _letters, _place, _status
from conformance.steps.world import Person, World, expect_ok


# -- the person behind an application: the residence record ------------------------------------------------------

def _record_body(p: Person) -> dict[str, Any]:
    assert p.record is not None, f"「{p.alias}」 has no residence record"
    return {k: v for k, v in p.record.items() if not k.startswith("_") and v is not None}


def _put_record(world: World, p: Person) -> None:
    expect_ok(world.client.put_residence_record(**_record_body(p)), "putResidenceRecord")


def _default_expiry(world: World) -> str:
    base = world.base_day or world.now().date()
    return (base + dt.timedelta(days=60)).isoformat()


def new_applicant(world: World, who: str, expires: str | None = None, name: str | None = None) -> Person:
    """A card holder (change, extension, work certificate): 技術・人文知識・国際業務, 3年, in 千代田区."""
    p = Person(alias=who, role="applicant", name=name or "HOUMU MIDDLE TAROU", email=world.unique_email(),
               birth_date="1990-05-06", residence_card_number=world.unique_residence_card_number())
    p.record = {"residence_card_number": p.residence_card_number, "name": p.name, "nationality": "VNM",
                "sex": "male", "birth_date": p.birth_date, "address_municipality": "13101",
                "address_street": STREETS["13101"], "status_of_residence": STATUSES["技術・人文知識・国際業務"],
                "period_of_stay": "3y", "stay_expires_on": _day(world, expires) if expires else _default_expiry(world),
                "abroad": False}
    world.people[who] = p
    _put_record(world, p)
    return p


def new_cardless_applicant(world: World, who: str, event_day: str, reason: str) -> Person:
    """A person without a residence card yet (an acquisition): born in Japan on `event_day`, or an adult who
    left Japanese nationality that day. The system finds the record by name and facts, so the name is unique."""
    born = _day(world, event_day) if reason == "birth" else "1990-05-06"
    name = f"HOUMU {_letters()} {'BABY' if reason == 'birth' else 'HANAKO'}"
    p = Person(alias=who, role="applicant", name=name, email=world.unique_email(), birth_date=born)
    p.record = {"name": name, "nationality": "VNM", "sex": "female", "birth_date": born,
                "address_municipality": "13101", "address_street": STREETS["13101"], "abroad": False,
                "_event": _day(world, event_day), "_reason": reason,
                "_desired_status": STATUSES["家族滞在" if reason == "birth" else "定住者"]}
    world.people[who] = p
    _put_record(world, p)
    return p


@given(parsers.re(r"テスト時計を基準日「D」\((?P<day>\d{4}-\d{2}-\d{2})\)の「(?P<clock>[^」]+)」に設定する"))
def clock_at_fixed_base_day(world: World, day: str, clock: str) -> None:
    """「D」 as a fixed day of the calendar (the card scenarios take tomorrow instead)."""
    world.base_day = dt.date.fromisoformat(day)
    when = f"{day}T{clock}"
    data = expect_ok(world.client.set_clock(when, freeze=True), "setClock")
    assert data["now"].startswith(when[:16]), f"the clock shows {data['now']}, not {when}"


@given(parsers.re(r"(?:在留期限が「(?P<expires>[^」]+)」の)?申請人「(?P<who>[^」]+)」の在留記録が登録されている"))
def applicant_record(world: World, who: str, expires: str | None) -> None:
    new_applicant(world, who, expires)


@given(parsers.parse("在留カードの氏名が「{name}」の申請人「{who}」の在留記録が登録されている"))
def applicant_record_named(world: World, name: str, who: str) -> None:
    new_applicant(world, who, name=name)


@given(parsers.re(r"「(?P<day>[^」]+)」に(?P<event>日本で出生した|日本国籍を離脱した)申請人「(?P<who>[^」]+)」の"
                  r"在留記録が登録されている"))
def cardless_applicant_record(world: World, day: str, event: str, who: str) -> None:
    new_cardless_applicant(world, who, day, "birth" if event == "日本で出生した" else "loss_of_nationality")


@step(parsers.re(r"「(?P<who>[^」]+)」の在留記録の(?P<item>住居地|在留期限|在留期間|在留資格)は「(?P<value>[^」]+)」である"))
def record_changes(world: World, who: str, item: str, value: str) -> None:
    p = world.person(who)
    assert p.record is not None
    if item == "住居地":
        code = _place(value)
        p.record.update(address_municipality=code, address_street=STREETS[code])
    elif item == "在留期限":
        p.record["stay_expires_on"] = _day(world, value)
    elif item == "在留期間":
        p.record["period_of_stay"] = PERIODS[value]
    else:
        p.record["status_of_residence"] = _status(value)
    _put_record(world, p)


@step(parsers.parse("「{who}」は「{day}」に住居地の変更届出(転入届)を行っている"))
def moved_in(world: World, who: str, day: str) -> None:
    p = world.person(who)
    assert p.record is not None
    p.record["moved_in_on"] = _day(world, day)
    _put_record(world, p)


@step(parsers.parse("「{who}」は再入国許可を受けて出国中である"))
def abroad(world: World, who: str) -> None:
    p = world.person(who)
    assert p.record is not None
    p.record["abroad"] = True
    _put_record(world, p)


@given(parsers.parse("申請人「{who}」の希望する在留期間は「{period}」である"))
def desired_period(world: World, who: str, period: str) -> None:
    p = world.person(who)
    assert p.record is not None
    p.record["_desired_period"] = PERIODS[period]


@given(parsers.parse("申請人「{who}」の在留カードは東京出入国在留管理局の窓口で受け取る"))
def receipt_at_counter(world: World, who: str) -> None:
    """The input's 受領方法 窓口 with its 受領官署 (FAQ Q5-1: where no card is posted)."""
    p = world.person(who)
    assert p.record is not None
    p.record["_receipt"] = {"card_receipt_method": "counter", "receiving_office": "tokyo"}


@given(parsers.re(r"外国人「(?P<who>[^」]+)」が在留期限「(?P<expires>[^」]+)」の在留記録を持ち、"
                  r"マイナンバーカードで利用者情報登録を完了している"))
def foreign_national_with_record(world: World, who: str, expires: str) -> None:
    """A 外国人本人 who files their own application (Q5-11): the card and the residence record carry the
    same name; the residence card number of the registration is the record's."""
    from conformance.steps.cards import _complete, _new_holder

    p = _new_holder(world, who, "foreign_national", name=f"NGUYEN VAN {_letters()}", sex="男", birth="1995-04-15")
    p.record = {"residence_card_number": p.residence_card_number, "name": p.name, "nationality": "VNM",
                "sex": "male", "birth_date": "1995-04-15", "address_municipality": "13101",
                "address_street": STREETS["13101"], "status_of_residence": STATUSES["技術・人文知識・国際業務"],
                "period_of_stay": "3y", "stay_expires_on": _day(world, expires), "abroad": False}
    _put_record(world, p)
    _complete(world, p, p.role)


# -- logging out ------------------------------------------------------------------------------------------------

@step(parsers.parse("「{who}」がログアウトする"))
def logout(world: World, who: str) -> None:
    p = world.person(who)
    expect_ok(world.client.logout(p.token), "logout")
    p.token = None
