"""What one scenario knows while it runs: the client, the people and organisations it created
(each with data unique to this scenario, so scenarios run in any order against a long-running
server), and the last reply. Helpers here make calls and check them; step modules stay short."""
from __future__ import annotations

import csv
import datetime as dt
import random
import re
import uuid
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from conformance.client import RasimClient, Reply

PASSWORD = "Abcd12345!"   # valid in both editions (2026: 10–20 characters, all four kinds)
NEW_PASSWORD = "Wxyz98765#"
BIRTH_DATE = "1980-01-02"
ORGANISATION_KINDS = {"所属機関": "host", "公益法人": "public_interest", "登録支援機関": "registered_support"}
AGENT_KINDS = {"弁護士": "lawyer", "行政書士": "scrivener"}
# office symbol -> office code of the 届出済証明書 conversion (seed 001); the category code of 弁 is 7, 行 is 2
PRINTED_OFFICES = {"東": "13", "阪": "17", "福": "22"}
PRINTED_CATEGORY = {"lawyer": ("弁", "7"), "scrivener": ("行", "2")}
RELATIVE_DAY = re.compile(r"^D(?:(?P<sign>[+-])(?P<days>\d+)日)?(?:[ T](?P<time>\d{2}:\d{2}(?::\d{2})?))?$")


@cache
def mail_kinds() -> dict[str, str]:
    """Japanese label of a mail (as written in the features) -> the outbox `kind`."""
    path = Path(__file__).resolve().parent.parent / "mail-kinds.csv"
    with open(path, encoding="utf-8", newline="") as f:
        return {row["label_ja"]: row["kind"] for row in csv.DictReader(f)}


def mail_kind(label: str) -> str:
    try:
        return mail_kinds()[label]
    except KeyError:
        raise AssertionError(f"unknown mail 「{label}」; known: {', '.join(mail_kinds())}") from None


def expect_ok(reply: Reply, what: str) -> Any:
    assert reply.ok, f"{what} failed: {reply.describe()}"
    return reply.json


@dataclass
class Person:
    alias: str
    role: str                      # lawyer | scrivener | host | public_interest | registered_support
    name: str
    email: str
    birth_date: str = BIRTH_DATE
    certificate_number: str | None = None
    printed_number: str | None = None
    password: str | None = None
    auth_id: str | None = None
    token: str | None = None
    organisation: str | None = None
    request_id: int | None = None
    approved_at: str | None = None
    # the My Number Card categories (foreign_national, legal_representative, relative)
    card: Any = None                         # conformance.card.Card
    cards: list[Any] = field(default_factory=list)   # every card this person held, oldest first
    residence_card_number: str | None = None
    residence_card_valid_until: str | None = None
    # an applicant (申請人, role "applicant", or a 外国人本人 applying themself): the residence record the
    # bureau keeps of them (the body of putResidenceRecord); `email` is their notification address (Q4-30)
    record: dict[str, Any] | None = None

    @property
    def is_agent(self) -> bool:
        return self.role in ("lawyer", "scrivener")


@dataclass
class World:
    client: RasimClient
    uid: str = field(default_factory=lambda: uuid.uuid4().hex[:10])
    people: dict[str, Person] = field(default_factory=dict)
    organisations: dict[str, int] = field(default_factory=dict)
    reports: dict[str, int] = field(default_factory=dict)
    last: Reply | None = None
    seen_mail_ids: dict[str, int] = field(default_factory=dict)
    pending_email: dict[str, str] = field(default_factory=dict)
    scratch: dict[str, Any] = field(default_factory=dict)
    base_day: dt.date | None = None          # 「D」 of the card scenarios (a day inside the card's validity)
    _counter: int = 0
    _card_driver: Any = None

    # -- days relative to 「D」 ----------------------------------------------------------------------
    def when(self, text: str) -> str:
        """An ISO date-time as written, or one relative to the base day: 「D」, 「D+30日」,
        「D+30日 08:59」, 「D-1日T09:00:00」 (the base day is set by the card scenarios' first step)."""
        m = RELATIVE_DAY.match(text.strip())
        if not m:
            return text
        assert self.base_day is not None, f"「{text}」: the base day 「D」 has not been set in this scenario"
        day = self.base_day + dt.timedelta(days=int(m.group("sign") + m.group("days")) if m.group("days") else 0)
        clock = m.group("time")
        return day.isoformat() + (f"T{clock}" if clock else "")

    # -- the My Number Card ----------------------------------------------------------------------------
    @property
    def card_driver(self) -> Any:
        """The card driver on the target's cards folder; the scenario fails when that folder is unknown."""
        if self._card_driver is None:
            from conformance.card import UNKNOWN_CARDS_DIR, CardDriver

            if not self.client.cards_dir:
                raise AssertionError(UNKNOWN_CARDS_DIR)
            self._card_driver = CardDriver(self.client.cards_dir)
        return self._card_driver

    def unique_residence_card_number(self) -> str:
        """Two letters, eight digits, two letters (e.g. AB12345678CD), random for each call."""
        n = uuid.uuid4().int
        letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        return (letters[n % 26] + letters[(n // 26) % 26] + f"{(n // 676) % 10**8:08d}"
                + letters[(n // 10**11) % 26] + letters[(n // 10**13) % 26])

    # -- unique data -----------------------------------------------------------------------------
    def unique_email(self, domain: str = "example.jp") -> str:
        self._counter += 1
        return f"u{self._counter}-{self.uid}@{domain}"

    def unique_certificate_number(self) -> str:
        """Twelve digits no other scenario uses (random, from this scenario's uuid)."""
        return f"{uuid.uuid4().int % 10**12:012d}"

    def unique_printed_number(self, role: str) -> tuple[str, str]:
        """A 届出済証明書 number 「(東) 弁YY第N号」 and its twelve-digit form."""
        rng = random.Random(uuid.uuid4().int)
        office = rng.choice(list(PRINTED_OFFICES))
        symbol, code = PRINTED_CATEGORY[role]
        year, serial = rng.randint(0, 99), rng.randint(1, 99999)
        return f"({office}) {symbol}{year:02d}第{serial}号", f"{PRINTED_OFFICES[office]}20{year:02d}{code}{serial:05d}"

    # -- lookups -----------------------------------------------------------------------------------
    def person(self, alias: str) -> Person:
        try:
            return self.people[alias]
        except KeyError:
            raise AssertionError(f"「{alias}」 has not been introduced in this scenario") from None

    def record(self, reply: Reply) -> Reply:
        self.last = reply
        return reply

    def last_reply(self) -> Reply:
        assert self.last is not None, "no call has been made yet"
        return self.last

    # -- agents (lawyers and scriveners) --------------------------------------------------------------
    def new_agent(self, alias: str, role: str, valid_until: str, status: str = "active",
                  printed: bool = False) -> Person:
        p = Person(alias=alias, role=role, name=f"法務{alias}", email=self.unique_email())
        if printed:
            p.printed_number, p.certificate_number = self.unique_printed_number(role)
        else:
            p.certificate_number = self.unique_certificate_number()
        expect_ok(self.client.put_agent_certificate(number=p.certificate_number, kind=role, name=p.name,
                                                    birth_date=p.birth_date, valid_until=valid_until,
                                                    status=status), "putAgentCertificate")
        self.people[alias] = p
        return p

    def registration_body(self, p: Person, **over: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "agent_certificate_number": p.certificate_number, "name": p.name,
            "birth_date": p.birth_date, "address_pref_city": "東京都千代田区", "address_street": "霞が関一丁目１番１号",
            "phone": "0312345678", "email": p.email, "email_confirm": p.email, "agree_terms": True}
        body.update(over)
        return {k: v for k, v in body.items() if v is not None}

    def register(self, p: Person, **over: Any) -> Reply:
        return self.record(self.client.register_agent(**self.registration_body(p, **over)))

    def set_password_from_mail(self, p: Person, kind: str) -> Reply:
        token = self.client.link_from_last_mail(p.email, kind)
        reply = self.record(self.client.set_initial_password(token, PASSWORD))
        if reply.ok:
            p.password = PASSWORD
            p.auth_id = reply.json.get("auth_id") or p.auth_id
        return reply

    def complete_registration(self, p: Person) -> None:
        expect_ok(self.register(p), "registerAgent")
        expect_ok(self.set_password_from_mail(p, "registration_received"), "setInitialPassword")
        assert p.auth_id, "no 認証ID was issued"

    # -- organisation staff ---------------------------------------------------------------------------
    def file_usage_request(self, alias: str, org_alias: str, org_word: str) -> Person:
        kind = ORGANISATION_KINDS[org_word]
        p = Person(alias=alias, role=kind, name=f"職員{alias}", email=self.unique_email(), organisation=org_alias)
        body: dict[str, Any] = {"name": p.name, "email": p.email, "phone": "0300000000", "birth_date": BIRTH_DATE}
        if org_alias in self.organisations:
            body["organisation_id"] = self.organisations[org_alias]
        else:
            body.update(organisation_name=f"{org_alias}（{self.uid}）", organisation_kind=kind,
                        organisation_address="東京都新宿区四谷一丁目６番１号")
        data = expect_ok(self.record(self.client.file_usage_request(**body)), "fileUsageRequest")
        self.organisations.setdefault(org_alias, data["organisation"]["id"])
        p.request_id = data["id"]
        self.people[alias] = p
        return p

    def decide_usage_request(self, p: Person, approve: bool) -> Reply:
        assert p.request_id is not None
        reply = self.record(self.client.decide_usage_request(p.request_id, approve))
        if reply.ok and approve:
            p.auth_id = reply.json.get("auth_id")
        return reply

    def approved_staff(self, alias: str, org_alias: str, org_word: str) -> Person:
        p = self.file_usage_request(alias, org_alias, org_word)
        expect_ok(self.decide_usage_request(p, True), "decideUsageRequest")
        expect_ok(self.set_password_from_mail(p, "usage_request_approved"), "setInitialPassword")
        return p

    # -- sessions ----------------------------------------------------------------------------------------
    def login(self, p: Person, password: str | None = None) -> Reply:
        assert p.auth_id, f"「{p.alias}」 has no 認証ID"
        reply = self.record(self.client.login(p.auth_id, password or p.password or PASSWORD))
        if reply.ok:
            p.token = reply.json["token"]
        return reply

    def logged_in(self, p: Person) -> str:
        if not p.token and p.card is not None:   # the card categories log in with the card (Q13-3)
            from conformance.steps.cards import card_session

            expect_ok(card_session(self, p), "loginWithCard")
        if not p.token:
            expect_ok(self.login(p), "login")
        assert p.token
        return p.token

    def account(self, p: Person) -> dict[str, Any]:
        assert p.auth_id, f"「{p.alias}」 has no 認証ID"
        return expect_ok(self.client.inspect_account(p.auth_id), "inspectAccount")

    def now(self) -> dt.datetime:
        return dt.datetime.fromisoformat(expect_ok(self.client.clock(), "getClock")["now"])


@pytest.fixture
def world(rasim: RasimClient) -> World:
    """A fresh World per scenario around the client fixture `rasim`."""
    return World(client=rasim)
