"""Demo data for `rasim seed --demo`: one ready account per category that can exist so far,
with the registry entries behind them, and the residence records of the people the demo users file
for. Idempotent: running it again resets the demo passwords and moves the records' expiry dates
back inside the extension window of the (test) clock.

The demo cards themselves are issued by the caller (the CLI, from the virtual card); this use case
gets their certificates and links an account to each."""
from __future__ import annotations

import datetime as dt
from typing import Any

from simulator import catalog
from simulator.adapters.db import Account, AgentCertificate, Organisation
from simulator.adapters.jpki import JST, basic_four_from_certificate, key_id, load_certificate
from simulator.domain.accounts import Status, add_years
from simulator.services.agents import end_of_day
from simulator.services.sessions import find_account
from simulator.services.cards import SEX_FROM_ISO5218
from simulator.services.context import Ctx
from simulator.services.organisations import schedule_validity_events
from simulator.services.passwords import hash_password

DEMO_PASSWORD = "Demo12345!"   # fits the policy of both editions

AGENTS = [
    ("lawyer", "demolawyer01", "132010700050", "法務太郎", dt.date(1980, 1, 2), "東京都千代田区", "霞が関１－１－１"),
    ("scrivener", "demoscrivener01", "172015200123", "行政花子", dt.date(1985, 5, 6), "大阪府大阪市中央区",
     "大手前１－１"),
]
STAFF = [
    ("host", "demohost01", "株式会社デモ商事", "所属太郎"),
    ("public_interest", "demopublic01", "公益財団法人デモ協会", "公益次郎"),
    ("registered_support", "demosupport01", "デモ登録支援機関", "支援三郎"),
]


CARD_ACCOUNTS = {   # demo card id -> (category, auth id)
    "demo-foreign-national": ("foreign_national", "demoforeign01"),
    "demo-legal-representative": ("legal_representative", "demolegalrep01"),
    "demo-relative": ("relative", "demorelative01"),
}


def _card_accounts(ctx: Ctx, cards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Accounts of the card-holding categories, linked to the demo cards. Each card:
    ``{"id", "name", "auth_pin", "sign_pin", "auth_certificate", "sign_certificate" (DER)}``."""
    out: list[dict[str, Any]] = []
    for card in cards:
        category, auth_id = CARD_ACCOUNTS[card["id"]]
        sign = load_certificate(card["sign_certificate"])
        auth = load_certificate(card["auth_certificate"])
        four = basic_four_from_certificate(sign) or {}
        until = sign.not_valid_after_utc.astimezone(JST).replace(tzinfo=None)
        account = find_account(ctx, auth_id)
        if account is None:
            birth = four.get("date_of_birth")
            account = Account(auth_id=auth_id, category=category, status=Status.ACTIVE,
                              name=four.get("name", card["name"]), sex=SEX_FROM_ISO5218.get(four.get("sex", "")),
                              birth_date=dt.date.fromisoformat(birth) if birth else None,
                              address_pref_city="東京都新宿区", address_street="西新宿２－８－１",
                              email=f"{auth_id}@example.jp", created_at=ctx.now)
            ctx.db.add(account)
        account.card_key_id, account.card_auth_key_id = key_id(sign), key_id(auth)
        account.card_cert_not_after = account.valid_until = until
        _ready(ctx, account)
        out.append({"category": category, "user_id": auth_id, "password": DEMO_PASSWORD, "card": card["id"],
                    "auth_pin": card["auth_pin"], "sign_pin": card["sign_pin"], "email": account.email})
    return out


def _ready(ctx: Ctx, account: Account) -> None:
    account.password_hash = hash_password(DEMO_PASSWORD)
    account.password_set_at = ctx.now
    account.password_expires_at = ctx.now + dt.timedelta(days=ctx.ed.password_valid_days)
    account.status, account.failed_logins, account.locked_until = Status.ACTIVE, 0, None


def seed_demo(ctx: Ctx, cards: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The demo accounts; with ``cards`` (the demo cards, see _card_accounts) also one per card."""
    out: list[dict[str, Any]] = []
    until = (ctx.now + dt.timedelta(days=3 * 365)).date()
    for kind, auth_id, number, name, birth, pref, street in AGENTS:
        cert = ctx.db.get(AgentCertificate, number)
        if cert is None:
            ctx.db.add(AgentCertificate(number=number, kind=kind, name=name, birth_date=birth, status="active",
                                        valid_until=until, bureau="tokyo"))
        account = find_account(ctx, auth_id)
        if account is None:
            account = Account(auth_id=auth_id, category=kind, status=Status.ACTIVE, name=name, birth_date=birth,
                              address_pref_city=pref, address_street=street, phone="0312345678",
                              email=f"{auth_id}@example.jp", agent_certificate_number=number,
                              valid_until=end_of_day(until), created_at=ctx.now)
            ctx.db.add(account)
        _ready(ctx, account)
        out.append({"category": kind, "user_id": auth_id, "password": DEMO_PASSWORD,
                    "agent_certificate_number": number, "email": account.email})
    for org_kind, auth_id, org_name, name in STAFF:
        account = find_account(ctx, auth_id)
        if account is None:
            org = Organisation(name=org_name, kind=org_kind, address="東京都新宿区四谷１－６－１", created_at=ctx.now)
            ctx.db.add(org)
            ctx.db.flush()
            account = Account(auth_id=auth_id, category=catalog.category_for_organisation(org_kind).key,
                              status=Status.ACTIVE, name=name, email=f"{auth_id}@example.jp", organisation_id=org.id,
                              valid_until=add_years(ctx.now, 1), created_at=ctx.now)
            ctx.db.add(account)
            ctx.db.flush()
            schedule_validity_events(ctx, account)
        _ready(ctx, account)
        out.append({"category": account.category, "user_id": auth_id, "password": DEMO_PASSWORD,
                    "organisation_id": account.organisation_id, "email": account.email})
    out += _card_accounts(ctx, cards or [])
    ctx.db.flush()
    ctx.audit("demo.seeded", None, accounts=[a["user_id"] for a in out])
    return out


# The people behind the demo applications (the test-support registry of residence records): who files
# for them, card number, name as on the card, nationality, sex, birth date (None: 10 years before today),
# municipality, street, status, period, and the days from today to the expiry of the stay — inside the
# three months from which an extension may be filed (WZBAM113E), so that each can be filed today.
RESIDENCE_RECORDS: list[tuple[str, str, str, str, str, dt.date | None, str, str, str, str, int]] = [
    ("demoforeign01", "AB10000001CD", "NGUYEN VAN AN", "VNM", "male", dt.date(1995, 4, 15), "13104",
     "西新宿二丁目８番１号", "engineer_specialist_humanities_international", "3y", 60),   # the demo card holder
    ("demolawyer01", "AB10000002CD", "TRAN THI MAI", "VNM", "female", dt.date(1996, 7, 21), "13101",
     "霞が関一丁目１番１号", "engineer_specialist_humanities_international", "1y", 45),
    ("demolawyer01", "AB10000003CD", "LI WEI", "CHN", "male", dt.date(1992, 11, 3), "14104", "山下町１番地",
     "skilled_labor", "3y", 75),   # Yokohama: receipt numbers 横オン…
    ("demohost01", "AB10000004CD", "SANTOS MARIA", "PHL", "female", dt.date(1994, 3, 12), "27128",
     "本町一丁目１番１号", "specified_skilled_worker", "1y", 50),
    ("demorelative01", "AB10000005CD", "LI XIAOMING", "CHN", "male", None, "27127", "中之島一丁目３番２０号",
     "dependent", "1y", 40),   # under 16: the demo relative may file for him
]


def seed_demo_records(ctx: Ctx) -> list[dict[str, Any]]:
    """The residence records of the demo people (run after seed_demo: the demo card holder's account
    gets the number and expiry of his residence card, as a registration would have given them)."""
    from simulator.services import residence_records

    today = ctx.now.date()
    out: list[dict[str, Any]] = []
    for (user, number, name, nationality, sex, birth, municipality, street, status, period,
         days) in RESIDENCE_RECORDS:
        born = birth or today.replace(year=today.year - 10, day=min(today.day, 28))
        expires = today + dt.timedelta(days=days)
        record = residence_records.put(ctx, {
            "residence_card_number": number, "name": name, "nationality": nationality, "sex": sex,
            "birth_date": born.isoformat(), "address_municipality": municipality, "address_street": street,
            "status_of_residence": status, "period_of_stay": period, "stay_expires_on": expires.isoformat(),
            "card_valid_until": expires.isoformat()})
        account = find_account(ctx, user)
        if account is not None and account.category == "foreign_national":
            account.residence_card_number, account.residence_card_valid_until = number, expires
        out.append({"for": user, **record})
    ctx.db.flush()
    return out
