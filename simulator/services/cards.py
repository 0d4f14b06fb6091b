"""Foreign nationals, legal representatives and relatives: registration (利用者情報登録) and login
with the My Number Card (seeds 001, 002; FAQ Q2-7–Q2-12, Q2-16, Q2-20, Q13-3).

The card signs a fresh server challenge; the server checks the signature, the chain to the JPKI
CA, the validity at the test clock's time and revocation. The My Number itself is never asked
for, read or stored (Q2-8): nothing here has a field for it."""
from __future__ import annotations

import base64
import datetime as dt
import re
import secrets
from typing import Any

from sqlalchemy import select

from simulator import catalog
from simulator.adapters.db import Account, CardChallenge
from simulator.adapters.jpki import CertificateCheck, JpkiUnavailable, basic_facts
from simulator.domain.accounts import Status
from simulator.domain.errors import Problems, RuleViolation
from simulator.domain.forms import validate_form
from simulator.domain.registration import card_disagreement
from simulator.services import registration, sessions
from simulator.services.registration import after_initial_password
from simulator.services.context import Ctx

CARD_CATEGORIES = tuple(c.key for c in catalog.categories() if c.card_holder)
RESIDENCE_CARD = re.compile(r"^[A-Z]{2}\d{8}[A-Z]{2}$")
SEX_FROM_ISO5218 = {"1": "male", "2": "female"}


def _jpki(ctx: Ctx):  # noqa: ANN202
    from simulator.services.system import flag

    if ctx.jpki is None or flag(ctx, "jpki") == "down":
        raise RuleViolation.one("WZBAM263E")
    return ctx.jpki


def new_challenge(ctx: Ctx, purpose: str) -> dict[str, Any]:
    if purpose not in ("registration", "login"):
        raise RuleViolation.one("RASIM400E", "purpose", 理由="purpose must be registration or login")
    _jpki(ctx)
    nonce = base64.b64encode(secrets.token_bytes(32)).decode()
    ch = CardChallenge(public_id=secrets.token_urlsafe(16), nonce=nonce, purpose=purpose, created_at=ctx.now,
                       expires_at=ctx.now + dt.timedelta(seconds=ctx.ed.card_challenge_valid_seconds))
    ctx.db.add(ch)
    ctx.db.flush()
    return {"challenge_id": ch.public_id, "challenge": nonce, "expires_at": ch.expires_at.isoformat(),
            "purpose": purpose}


def _take_challenge(ctx: Ctx, challenge_id: Any, purpose: str) -> bytes:
    """Use a challenge once: an unknown, foreign-purpose, expired or used one fails the card check."""
    ch = None
    if isinstance(challenge_id, str) and 0 < len(challenge_id) <= 64:
        ch = ctx.db.scalars(select(CardChallenge).where(CardChallenge.public_id == challenge_id)).first()
    if ch is None or ch.purpose != purpose or ch.used_at is not None or ch.expires_at <= ctx.now:
        ctx.audit("card.challenge_refused", None, purpose=purpose,
                  reason="unknown" if ch is None else ("used" if ch.used_at else "expired or foreign"))
        raise _card_failure(ctx, "challenge")
    ch.used_at = ctx.now
    return base64.b64decode(ch.nonce)


def _card_failure(ctx: Ctx, field: str | None = None, code: str = "WZBAM255E") -> RuleViolation:
    # 401 for every card failure, 157E and 167E too (they answer 403 at the ID login); the used challenge
    # and the audit entry stay
    return ctx.keep(RuleViolation.one(code, field, status=401))


def _checked(ctx: Ctx, cert_b64: Any, signature_b64: Any, data: bytes, kind: str, field: str) -> CertificateCheck:
    try:
        result = _jpki(ctx).check(cert_b64, ctx.now)
    except JpkiUnavailable:
        raise RuleViolation.one("WZBAM263E") from None
    if not result.ok or result.kind != kind or not _jpki(ctx).signature_ok(result, data, signature_b64):
        ctx.audit("card.refused", None, certificate=kind, status=result.status, reason=result.reason[:120])
        raise _card_failure(ctx, field)
    return result


def describe_certificate(cert_b64: Any) -> dict[str, str] | None:
    """Name, sex and date of birth from a signature certificate, for the form to show (Q2-11).
    Whether the certificate is genuine is decided by register_with_card when the form is sent."""
    four = basic_facts(cert_b64)
    if not four:
        return None
    return {"name": four["name"], "sex": SEX_FROM_ISO5218.get(four["sex"], ""),
            "birth_date": four["date_of_birth"] or ""}


# --- registration ------------------------------------------------------------------------------------

# the fields of the form card_registration checked here; the card's own fields by the card checks
PERSON_FIELDS = ["address_pref_city", "address_street", "email", "email_confirm", "agree_terms", "phone", "name",
                 "sex", "birth_date"]


def register_with_card(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    from simulator.services.system import refuse_during_maintenance

    refuse_during_maintenance(ctx)
    category = values.get("category")
    if category not in CARD_CATEGORIES:
        raise RuleViolation.one("WZBAM005E", "category", 入力項目名=catalog.field("category").label_ja)
    problems = Problems()
    cleaned = validate_form(catalog.form("card_registration"), values, problems, only=PERSON_FIELDS)
    if "email" in cleaned and "email_confirm" in cleaned and cleaned["email"] != cleaned["email_confirm"]:
        problems.add("WZBAM159E", "email_confirm")
    card_number, card_until = _residence_card(ctx, category, values, problems)
    problems.raise_if_any()
    # the card: both certificates valid (Q2-20), both keys proved over the same fresh challenge
    challenge = _take_challenge(ctx, values.get("challenge_id"), "registration")
    sign = _checked(ctx, values.get("signature_certificate"), values.get("signature"), challenge, "sign",
                    "signature_certificate")
    auth = _checked(ctx, values.get("authentication_certificate"), values.get("authentication_signature"),
                    challenge, "auth", "authentication_certificate")
    if sign.card is None or sign.card != auth.card:
        # both certificates must come from the same card (the CA links them, as J-LIS does)
        ctx.audit("card.refused", None, reason="signature and authentication certificates of different cards")
        raise _card_failure(ctx, "authentication_certificate")
    four = sign.basic_four or {}
    name, birth = four.get("name"), four.get("date_of_birth")
    sex = SEX_FROM_ISO5218.get(four.get("sex", ""))
    # Q2-11: name, sex and date of birth come from the card; typed values must agree with it
    typed = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in cleaned.items()}
    differs = card_disagreement(typed, {"name": name, "sex": sex, "birth_date": birth})
    if differs:
        raise RuleViolation.one("WZBAM112E", differs)
    name = name or cleaned.get("name")
    if not name:
        raise RuleViolation.one("WZBAM001E", "name")
    taken = ctx.db.scalars(select(Account).where(
        Account.card_key_id == sign.key_id, Account.category == category,
        Account.status.notin_([Status.DELETED, Status.LAPSED]), Account.valid_until > ctx.now)).first()
    if taken is not None:   # Q2-10: one registration per card and category
        ctx.audit("registration.refused", f"account:{taken.id}", code="WZBAM254E", category=category)
        raise RuleViolation.one("WZBAM254E", "category")
    valid_until = min(sign.not_after, auth.not_after) if sign.not_after and auth.not_after else sign.not_after
    account = Account(category=category, status=Status.PENDING_PASSWORD, name=name, sex=sex,
                      birth_date=dt.date.fromisoformat(birth) if birth else cleaned.get("birth_date"),
                      address_pref_city=cleaned["address_pref_city"], address_street=cleaned["address_street"],
                      phone=cleaned.get("phone", ""), email=cleaned["email"], card_key_id=sign.key_id,
                      card_auth_key_id=auth.key_id, card_cert_not_after=valid_until, valid_until=valid_until,
                      residence_card_number=card_number, residence_card_valid_until=card_until, created_at=ctx.now)
    registration.file_registration(ctx, account, via="my_number_card",
                               certificate_valid_until=valid_until.isoformat() if valid_until else None)
    return {"registration_id": account.id, "category": category, "status": account.status,
            "name": account.name, "sex": account.sex,
            "birth_date": account.birth_date.isoformat() if account.birth_date else None,
            "valid_until": valid_until.isoformat() if valid_until else None}


def _residence_card(ctx: Ctx, category: str, values: dict[str, Any],
                    problems: Problems) -> tuple[str | None, dt.date | None]:
    """Foreign nationals give their residence card (number and expiry: the 30/7-day mails, Q12-1)."""
    number, until = values.get("residence_card_number"), values.get("residence_card_valid_until")
    if not catalog.category(category).needs_residence_card and number in (None, "") and until in (None, ""):
        return None, None
    if not isinstance(number, str) or not number:
        problems.add("WZBAM001E", "residence_card_number")
        return None, None
    if not RESIDENCE_CARD.match(number):
        problems.add("WZBAM251E", "residence_card_number")
        return None, None
    try:
        day = dt.date.fromisoformat(until) if isinstance(until, str) else None
    except ValueError:
        day = None
    if day is None:
        problems.add("WZBAM001E" if not until else "WZBAM111E", "residence_card_valid_until")
        return None, None
    if day < ctx.now.date():
        problems.add("WZBAM253E", "residence_card_valid_until")
        return None, None
    other = ctx.db.scalars(select(Account).where(
        Account.residence_card_number == number, Account.category == category,
        Account.status.in_([Status.ACTIVE, Status.PENDING_PASSWORD, Status.SUSPENDED]),
        Account.valid_until > ctx.now)).first()   # an expired registration frees the number (Q2-16)
    if other is not None:
        problems.add("WZBAM252E", "residence_card_number")
        return None, None
    return number, day


@after_initial_password("card")
def schedule_residence_card_notices(ctx: Ctx, account: Account) -> None:
    if not account.residence_card_valid_until:
        return
    for days in ctx.ed.residence_card_notice_days:
        due = dt.datetime.combine(account.residence_card_valid_until - dt.timedelta(days=days), dt.time(9, 0))
        if due > ctx.now:
            ctx.schedule(due, "residence_card_notice", account.id, days=days,
                         valid_until=account.residence_card_valid_until.isoformat())


# --- login ------------------------------------------------------------------------------------------------

def login_with_card(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    """Card (authentication certificate, PIN on the card, signature over a challenge) plus ID and
    password, both (Q13-3)."""
    problems = Problems()
    for key in ("auth_id", "password"):
        if not isinstance(values.get(key), str) or not values.get(key):
            problems.add("WZBAM001E", key)
    problems.raise_if_any()
    challenge = _take_challenge(ctx, values.get("challenge_id"), "login")
    try:
        result = _jpki(ctx).check(values.get("authentication_certificate"), ctx.now)
    except JpkiUnavailable:
        raise RuleViolation.one("WZBAM263E") from None
    account = sessions.find_account(ctx, values["auth_id"].strip())
    if account is not None and catalog.category(account.category).route != "card":
        raise _card_failure(ctx, "auth_id", "WZBAM167E")   # the card route is for card-holding categories
    if account is not None and result.status == "expired" and account.card_auth_key_id == result.key_id:
        ctx.audit("login.refused", f"account:{account.id}", code="WZBAM157E", reason="certificate expired")
        raise _card_failure(ctx, "authentication_certificate", "WZBAM157E")
    signed = _jpki(ctx).signature_ok(result, challenge, values.get("signature"))
    if not result.ok or result.kind != "auth" or not signed:
        ctx.audit("card.refused", None, certificate="auth", status=result.status, reason=result.reason[:120])
        raise _card_failure(ctx, "authentication_certificate")
    if account is not None and account.card_auth_key_id and account.card_auth_key_id != result.key_id:
        # the card in the reader is not the one this ID was registered with
        ctx.audit("login.refused", f"account:{account.id}", code="WZBAM255E", reason="another card")
        raise _card_failure(ctx, "authentication_certificate")
    return sessions.login(ctx, values["auth_id"], values["password"], card_key_id=result.key_id)


def set_applications_in_progress(ctx: Ctx, auth_id: Any, count: Any) -> dict[str, Any]:
    """Test support until applications exist: how many applications of the account are in progress
    (seed 001: 申請中にMNCの有効期限が切れた場合、認証IDでログイン)."""
    account = sessions.find_account(ctx, auth_id) if isinstance(auth_id, str) else None
    if account is None:
        raise RuleViolation.one("RASIM404E", "auth_id")
    if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= 10_000:
        raise RuleViolation.one("RASIM400E", "count", 理由="count must be an integer 0–10000")
    account.applications_in_progress = count
    ctx.audit("account.applications_in_progress", f"account:{account.id}", count=count)
    return {"auth_id": account.auth_id, "applications_in_progress": count}
