"""Accounts: registration of lawyers and scriveners, initial password, login and sessions,
password change and reset, user information. Card categories register in services/cards.py."""
from __future__ import annotations

import datetime as dt
import json
import secrets
from typing import Any

from sqlalchemy import select

from simulator import catalog
from simulator.adapters.db import Account, AgentCertificate, Link, LoginSession, Organisation
from simulator.domain import accounts as rules
from simulator.domain.accounts import AgentCertificateStatus, LoginFacts, Status
from simulator.domain.certificate_number import InvalidCertificateNumber, normalize_agent_certificate_number
from simulator.domain.errors import Problems, RuleViolation
from simulator.domain.forms import validate_form
from simulator.domain.validation import check
from simulator.services import credentials
from simulator.services.context import Ctx, token_hash
from simulator.services.passwords import check_new_password, hash_password


def end_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time())


# --- the registry of agent certificates -------------------------------------------------------

def find_certificate(ctx: Ctx, number: str) -> AgentCertificate | None:
    return ctx.db.get(AgentCertificate, number)


def certificate_problem(ctx: Ctx, raw: Any, birth_date: dt.date | None, field: str,
                        problems: Problems, own_account_id: int | None = None) -> AgentCertificate | None:
    """Check an entered 申請等取次者証明書番号 (12 digits or the 届出済証明書 form) against the registry."""
    if not isinstance(raw, str) or not raw.strip():
        problems.add("WZBAM001E", field)
        return None
    try:
        number = normalize_agent_certificate_number(raw)
    except InvalidCertificateNumber:
        text = raw.strip()
        if text.isascii() and text.isdigit():
            problems.add("WZBAM004E", field, 入力項目名=catalog.field(field).label_ja, 文字数="12")
        else:
            problems.add("WZBAM246E", field)
        return None
    cert = find_certificate(ctx, number)
    if cert is None:
        problems.add("WZBAM246E", field)
        return None
    if cert.status == AgentCertificateStatus.CANCELLED:
        problems.add("WZBAM247E", field)
        return None
    if cert.status == AgentCertificateStatus.SUSPENDED:
        problems.add("WZBAM249E", field)
        return None
    if cert.valid_until < ctx.now.date():
        problems.add("WZBAM248E", field)
        return None
    taken = ctx.db.scalars(select(Account).where(
        Account.agent_certificate_number == number, Account.status.notin_([Status.DELETED, Status.LAPSED]))).first()
    if taken is not None and taken.id != own_account_id:
        problems.add("WZBAM261E", field)
        return None
    if birth_date is not None and cert.birth_date != birth_date:
        problems.add("WZBAM262E", "birth_date")
        return None
    return cert


def schedule_certificate_notices(ctx: Ctx, account: Account, cert: AgentCertificate) -> None:
    """Mails 30 and 7 days before the 届出済証明書 lapses (Q12-1 item 12)."""
    for days in ctx.ed.agent_certificate_notice_days:
        due = dt.datetime.combine(cert.valid_until - dt.timedelta(days=days), dt.time(9, 0))
        if due > ctx.now:
            ctx.schedule(due, "agent_certificate_notice", account.id, days=days,
                         valid_until=cert.valid_until.isoformat(), number=cert.number)


# --- registration of lawyers and scriveners (Q2-13 – Q2-17) ------------------------------------

def register_agent(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    """The form agent_registration (catalog/forms/); the certificate number by its own rule."""
    from simulator.services.system import refuse_during_maintenance

    refuse_during_maintenance(ctx)
    problems = Problems()
    form = catalog.form("agent_registration")
    cleaned = validate_form(form, values, problems, only=[f.key for f in form.fields
                                                          if f.key != "agent_certificate_number"])
    if "email" in cleaned and "email_confirm" in cleaned and cleaned["email"] != cleaned["email_confirm"]:
        problems.add("WZBAM159E", "email_confirm")
    cert = None
    if not problems:
        cert = certificate_problem(ctx, values.get("agent_certificate_number"), cleaned.get("birth_date"),
                                   "agent_certificate_number", problems)
    elif not values.get("agent_certificate_number"):
        problems.add("WZBAM001E", "agent_certificate_number")
    if cert is not None and cleaned.get("category") and cleaned["category"] != cert.kind:
        problems.add("WZBAM246E", "agent_certificate_number")
    problems.raise_if_any()
    assert cert is not None
    account = Account(category=cert.kind, status=Status.PENDING_PASSWORD, name=cleaned["name"],
                      sex=cleaned.get("sex"), birth_date=cleaned["birth_date"],
                      address_pref_city=cleaned["address_pref_city"], address_street=cleaned["address_street"],
                      phone=cleaned["phone"], email=cleaned["email"], agent_certificate_number=cert.number,
                      valid_until=end_of_day(cert.valid_until), created_at=ctx.now)
    file_registration(ctx, account, certificate=cert.number)
    return {"registration_id": account.id, "category": account.category, "status": account.status}


def file_registration(ctx: Ctx, account: Account, **audit_detail: object) -> None:
    """Store a new registration and mail the link for the initial password (Q2-5)."""
    ctx.db.add(account)
    ctx.db.flush()
    url, link = ctx.new_link("registration", account.id,
                             dt.timedelta(days=ctx.ed.registration_link_valid_days), "/registration/password")
    ctx.mail(account.email, "registration_received", account.id, name=account.name, url=url,
             expires=link.expires_at.strftime("%Y/%m/%d %H:%M"))
    ctx.audit("registration.filed", f"account:{account.id}", category=account.category, **audit_detail)


# --- links sent by mail -------------------------------------------------------------------------

def open_link(ctx: Ctx, token: Any, purposes: tuple[str, ...]) -> Link:
    if not isinstance(token, str) or not token:
        raise RuleViolation.one("WZBAM001E", "token")
    if len(token) > 200:   # longer than any link's token: malformed, not expired
        raise RuleViolation.one("RASIM400E", "token", 理由="token longer than 200 characters")
    link = ctx.db.scalars(select(Link).where(Link.token_hash == token_hash(token))).first()
    if link is None or link.purpose not in purposes or link.used_at is not None or link.expires_at <= ctx.now:
        if link is not None and link.purpose == "initial_password" and link.expires_at <= ctx.now:
            raise RuleViolation.one("RASIM422E", "token", status=410)
        raise RuleViolation.one("RASIM410E", "token", status=410)
    return link


def describe_link(ctx: Ctx, token: Any) -> dict[str, Any]:
    link = open_link(ctx, token, ("registration", "initial_password", "password_reset", "email_change"))
    account = ctx.db.get(Account, link.account_id)
    assert account is not None
    return {"purpose": link.purpose, "name": account.name, "auth_id": account.auth_id,
            "expires_at": link.expires_at.isoformat()}


def _start_password_life(ctx: Ctx, account: Account, password: str) -> None:
    account.password_hash = hash_password(password)
    account.password_set_at = ctx.now
    account.password_expires_at = ctx.now + dt.timedelta(days=ctx.ed.password_valid_days)
    notice = account.password_expires_at - dt.timedelta(days=ctx.ed.password_expiry_notice_days)
    ctx.schedule(notice, "password_expiry_notice", account.id,
                 expires=account.password_expires_at.isoformat())


def set_initial_password(ctx: Ctx, token: Any, password: Any, password_confirm: Any) -> dict[str, Any]:
    """The URL of the registration mail (Q2-5) or of the usage-request approval mail (Q3-7)."""
    problems = Problems()   # the form first: a malformed request is refused before the link is looked up
    check_new_password(ctx.ed, problems, password, password_confirm, "password", "password_confirm",
                       "WZBAM160E")
    problems.raise_if_any()
    link = open_link(ctx, token, ("registration", "initial_password"))
    account = ctx.db.get(Account, link.account_id)
    assert account is not None
    if account.status != Status.PENDING_PASSWORD:
        raise RuleViolation.one("RASIM410E", "token", status=410)
    link.used_at = ctx.now
    if not account.auth_id:
        account.auth_id = new_auth_id(ctx)
    _start_password_life(ctx, account, password)
    account.status = Status.ACTIVE
    if link.purpose == "registration":
        if account.residence_card_valid_until:
            from simulator.services.cards import schedule_residence_card_notices

            schedule_residence_card_notices(ctx, account)
        if account.agent_certificate_number:
            cert = find_certificate(ctx, account.agent_certificate_number)
            if cert is not None:
                schedule_certificate_notices(ctx, account, cert)
        ctx.mail(account.email, "registration_complete", account.id, name=account.name, auth_id=account.auth_id)
    else:
        from simulator.services.organisations import start_usage_validity

        start_usage_validity(ctx, account)
        ctx.mail(account.email, "password_set", account.id, name=account.name, action=catalog.mail_word("password_new"))
    ctx.actor = account.auth_id
    ctx.audit("password.initial_set", f"account:{account.id}", auth_id=account.auth_id)
    return {"auth_id": account.auth_id, "category": account.category,
            "valid_until": account.valid_until.isoformat() if account.valid_until else None}


def new_auth_id(ctx: Ctx) -> str:
    while True:
        candidate = rules.new_auth_id(ctx.ed)
        if ctx.db.scalars(select(Account.id).where(Account.auth_id == candidate)).first() is None:
            return candidate


# --- login and sessions ---------------------------------------------------------------------------

def login_facts(ctx: Ctx, account: Account) -> LoginFacts:
    cert_status = cert_until = None
    matches = True
    report = None
    if account.agent_certificate_number:
        cert = find_certificate(ctx, account.agent_certificate_number)
        if cert is None:
            matches = False
        else:
            cert_status, cert_until = cert.status, cert.valid_until
    if account.organisation_id:
        org = ctx.db.get(Organisation, account.organisation_id)
        report = org.report_status if org else None
    return LoginFacts(status=account.status, route=catalog.category(account.category).route,
                      valid_until=account.valid_until, password_expires_at=account.password_expires_at,
                      locked_until=account.locked_until, certificate_status=cert_status,
                      certificate_valid_until=cert_until, certificate_number_matches=matches,
                      report_status=report, application_grace=account.applications_in_progress > 0)


def find_account(ctx: Ctx, auth_id: str) -> Account | None:
    return ctx.db.scalars(select(Account).where(Account.auth_id == auth_id)).first()


def account_for_password_check(ctx: Ctx, auth_id: Any, password: Any) -> Account:
    """The account an ID names, its row locked for the password rule; an unknown ID costs the same
    time as a known one and answers WZBAM270E."""
    account = find_account(ctx, auth_id.strip()) if isinstance(auth_id, str) and len(auth_id.strip()) <= 40 else None
    if account is None:
        credentials.spend_equal_time(password)
        ctx.audit("login.failed", str(auth_id)[:40], reason="unknown_id")
        raise RuleViolation.one("WZBAM270E", "auth_id", status=401)
    ctx.actor = account.auth_id or ctx.actor
    return credentials.lock_row(ctx, account)


def refuse_by_state(ctx: Ctx, account: Account) -> LoginFacts:
    """Deleted, suspended, not yet active: refused before the lock and the password (156E over 153E)."""
    facts = login_facts(ctx, account)
    code = rules.state_code(facts)
    if code:
        ctx.audit("login.refused", f"account:{account.id}", code=code)
        raise ctx.keep(RuleViolation.one(code, "auth_id", status=403))
    return facts


def login(ctx: Ctx, auth_id: Any, password: Any, card_key_id: str | None = None) -> dict[str, Any]:
    """ID and password. Card categories come through services.cards.login_with_card, which passes
    the key of the card that signed; without it they may log in only as seed 001 allows.
    Order: state, lock, password (credentials.check_password), then validity and expiry."""
    problems = Problems()
    if not isinstance(auth_id, str) or not auth_id.strip():
        problems.add("WZBAM001E", "auth_id")
    if not isinstance(password, str) or not password:
        problems.add("WZBAM001E", "password")
    problems.raise_if_any()
    account = account_for_password_check(ctx, auth_id, password)
    facts = refuse_by_state(ctx, account)
    credentials.check_password(ctx, account, password)
    code = (rules.card_route_code(facts, ctx.now, card_key_id is not None, account.applications_in_progress)
            or rules.validity_code(facts, ctx.now) or rules.password_code(facts, ctx.now))
    if code:
        ctx.audit("login.refused", f"account:{account.id}", code=code)
        violation = RuleViolation.one(code, "password" if code == "WZBAM158E" else "auth_id", status=403)
        violation.extra = {"password_change_required": code == "WZBAM158E"}
        raise ctx.keep(violation)
    return open_session(ctx, account)


def open_session(ctx: Ctx, account: Account) -> dict[str, Any]:
    """A new login wins; any other open session of the account ends as a double login (WZBAM099E)."""
    others = ctx.db.scalars(select(LoginSession).where(
        LoginSession.account_id == account.id, LoginSession.ended_at.is_(None))).all()
    for s in others:
        s.ended_at, s.end_reason = ctx.now, "double_login"
    token = secrets.token_urlsafe(32)
    ctx.db.add(LoginSession(token_hash=token_hash(token), account_id=account.id, created_at=ctx.now,
                            last_seen_at=ctx.now, channel=ctx.channel))
    previous = account.last_login_at
    account.last_login_at = ctx.now
    ctx.actor = account.auth_id or ctx.actor
    ctx.audit("login", f"account:{account.id}", ended_other_sessions=len(others))
    return {"token": token, "auth_id": account.auth_id, "category": account.category, "name": account.name,
            "previous_login_at": previous.isoformat() if previous else None}


_END_CODES = {"double_login": "WZBAM099E", "timeout": "RASIM408E", "illegal_transition": "RASIM409E"}


def authenticate(ctx: Ctx, token: Any) -> tuple[Account, LoginSession]:
    """The account behind a session token; ends the session on timeout or a changed account state.
    A token is good only on the channel that opened it: a screen login's token (kept in the
    session cookie) is no bearer token for the API, and an API token opens no screen."""
    if not isinstance(token, str) or not token or len(token) > 200:
        raise RuleViolation.one("RASIM401E", status=401)
    session = ctx.db.scalars(select(LoginSession).where(LoginSession.token_hash == token_hash(token))).first()
    if session is None or session.channel != ctx.channel:
        raise RuleViolation.one("RASIM401E", status=401)
    if session.ended_at is not None:
        raise RuleViolation.one(_END_CODES.get(session.end_reason or "", "RASIM401E"), status=401)
    account = ctx.db.get(Account, session.account_id)
    assert account is not None
    ctx.actor = account.auth_id or ctx.actor
    if ctx.now - session.last_seen_at > dt.timedelta(minutes=ctx.ed.session_timeout_minutes):
        end_session(ctx, session, "timeout")
        raise ctx.keep(RuleViolation.one("RASIM408E", status=401))
    code = rules.state_code(login_facts(ctx, account))
    if code:
        end_session(ctx, session, "account_state")
        raise ctx.keep(RuleViolation.one(code, status=403))
    session.last_seen_at = ctx.now
    ctx.login_session = session
    return account, session




def end_session(ctx: Ctx, session: LoginSession, reason: str) -> None:
    session.ended_at, session.end_reason = ctx.now, reason
    ctx.audit(f"session.{reason}", f"account:{session.account_id}")


def logout(ctx: Ctx, token: Any) -> dict[str, Any]:
    account, session = authenticate(ctx, token)
    end_session(ctx, session, "logout")
    return {"logged_out": True}


def illegal_transition(ctx: Ctx, token: Any) -> None:
    """The Back button during input (Q4-20): the session ends."""
    account, session = authenticate(ctx, token)
    end_session(ctx, session, "illegal_transition")
    raise ctx.keep(RuleViolation.one("RASIM409E", status=409))


# --- passwords ----------------------------------------------------------------------------------------

def change_password(ctx: Ctx, account: Account, current: Any, new: Any, confirm: Any) -> dict[str, Any]:
    """利用者情報更新 (and the change of an expired password): the current password goes through the
    login rule (a wrong one counts towards the lock); the other sessions of the account end."""
    problems = Problems()
    if not isinstance(current, str) or not current:
        problems.add("WZBAM001E", "current_password")
    check_new_password(ctx.ed, problems, new, confirm, "new_password", "new_password_confirm", "WZBAM162E")
    problems.raise_if_any()
    credentials.lock_row(ctx, account)
    credentials.check_password(ctx, account, current, "current_password", "WZBAM154E", 400)
    return _replace_password(ctx, account, new)


def _replace_password(ctx: Ctx, account: Account, new: str) -> dict[str, Any]:
    _start_password_life(ctx, account, new)
    credentials.end_sessions(ctx, account, "password_changed", keep=ctx.login_session)
    ctx.mail(account.email, "password_set", account.id, name=account.name, action=catalog.mail_word("password_changed"))
    ctx.audit("password.changed", f"account:{account.id}")
    return {"changed": True, "password_expires_at": account.password_expires_at.isoformat()}


def change_expired_password(ctx: Ctx, auth_id: Any, current: Any, new: Any, confirm: Any) -> dict[str, Any]:
    """After WZBAM158E the user changes the password without a session: the login's own checks
    (state, lock, counted password, validity), and only while the password has in fact expired."""
    problems = Problems()
    if not isinstance(auth_id, str) or not auth_id.strip():
        problems.add("WZBAM001E", "auth_id")
    if not isinstance(current, str) or not current:
        problems.add("WZBAM001E", "current_password")
    check_new_password(ctx.ed, problems, new, confirm, "new_password", "new_password_confirm", "WZBAM162E")
    problems.raise_if_any()
    account = account_for_password_check(ctx, auth_id, current)
    facts = refuse_by_state(ctx, account)
    credentials.check_password(ctx, account, current, "current_password")
    code = rules.validity_code(facts, ctx.now)
    if code:
        ctx.audit("login.refused", f"account:{account.id}", code=code)
        raise ctx.keep(RuleViolation.one(code, "auth_id", status=403))
    if not rules.password_code(facts, ctx.now):
        ctx.audit("password.change_refused", f"account:{account.id}", reason="not_expired")
        raise ctx.keep(RuleViolation.one("RASIM412E", "current_password", status=409))
    return _replace_password(ctx, account, new)


def request_password_reset(ctx: Ctx, auth_id: Any, email: Any) -> dict[str, Any]:
    """パスワードを忘れた場合: a reset link by mail. A new link voids the older ones; at most the
    edition's number of reset mails an hour per account (RASIM429E)."""
    problems = Problems()
    check({"auth_id": auth_id, "email": email}, ["auth_id", "email"], [], problems)
    problems.raise_if_any()
    account = find_account(ctx, auth_id.strip())
    if account is None or account.email.lower() != email.strip().lower() or account.status != Status.ACTIVE:
        ctx.audit("password.reset_refused", str(auth_id)[:40])
        raise RuleViolation.one("WZBAM168E", "auth_id")
    credentials.lock_row(ctx, account)
    recent = ctx.db.scalars(select(Link).where(
        Link.account_id == account.id, Link.purpose == "password_reset",
        Link.created_at > ctx.now - dt.timedelta(hours=1))).all()
    if len(recent) >= ctx.ed.reset_mails_per_hour:
        ctx.audit("password.reset_throttled", f"account:{account.id}", within_hour=len(recent))
        raise ctx.keep(RuleViolation.one("RASIM429E", "auth_id", status=429))
    void_links(ctx, account, "password_reset")
    url, link = ctx.new_link("password_reset", account.id, dt.timedelta(hours=ctx.ed.reset_link_valid_hours),
                             "/password-reset/new")
    ctx.mail(account.email, "password_reset_link", account.id, name=account.name, url=url,
             expires=link.expires_at.strftime("%Y/%m/%d %H:%M"))
    ctx.audit("password.reset_requested", f"account:{account.id}")
    return {"sent_to": account.email}


def void_links(ctx: Ctx, account: Account, purpose: str) -> None:
    """Older unused links of one purpose stop working (marked used now)."""
    for old in ctx.db.scalars(select(Link).where(Link.account_id == account.id, Link.purpose == purpose,
                                                 Link.used_at.is_(None))):
        old.used_at = ctx.now


def reset_password(ctx: Ctx, token: Any, password: Any, confirm: Any) -> dict[str, Any]:
    """A new password from the reset link: every other reset link and every session of the account
    end, and the lock is lifted."""
    problems = Problems()
    check_new_password(ctx.ed, problems, password, confirm, "password", "password_confirm", "WZBAM160E")
    problems.raise_if_any()
    link = open_link(ctx, token, ("password_reset",))
    account = ctx.db.get(Account, link.account_id)
    assert account is not None
    credentials.lock_row(ctx, account)
    void_links(ctx, account, "password_reset")
    _start_password_life(ctx, account, password)
    account.failed_logins, account.locked_until = 0, None   # the reset lifts the lock (WZBAM153E)
    credentials.end_sessions(ctx, account, "password_reset")
    ctx.actor = account.auth_id or ctx.actor
    ctx.mail(account.email, "password_set", account.id, name=account.name, action=catalog.mail_word("password_reset"))
    ctx.audit("password.reset", f"account:{account.id}")
    return {"auth_id": account.auth_id}


# --- user information (Q10-1, Q10-2, Q12-2, Q12-3) -----------------------------------------------

def profile(ctx: Ctx, account: Account) -> dict[str, Any]:
    cat = catalog.category(account.category)
    out: dict[str, Any] = {
        "auth_id": account.auth_id, "name": account.name, "email": account.email,
        "category": account.category, "category_label": cat.label_ja,
        "sex": account.sex, "birth_date": account.birth_date.isoformat() if account.birth_date else None,
        "address_pref_city": account.address_pref_city, "address_street": account.address_street,
        "phone": account.phone,
        "agent_certificate_number": account.agent_certificate_number,
        "valid_until": account.valid_until.isoformat() if account.valid_until else None,
        "password_expires_at": account.password_expires_at.isoformat() if account.password_expires_at else None,
        "can_change_address": cat.can_change_address,
    }
    if account.organisation_id:
        org = ctx.db.get(Organisation, account.organisation_id)
        if org:
            out["organisation"] = {"id": org.id, "name": org.name, "kind": org.kind, "address": org.address}
    return out


CHANGE_FIELDS = [f.key for f in catalog.form("profile_change").fields if f.key != "auth_id"]


def change_profile(ctx: Ctx, account: Account, values: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(values) - set(CHANGE_FIELDS) - {"auth_id"})
    if "auth_id" in values:   # Q12-3: the 認証ID never changes
        raise RuleViolation.one("WZBAM173E", "auth_id", **catalog.refusal("id_change", id_label=ctx.ed.id_label_ja))
    if unknown:
        raise RuleViolation.one("RASIM400E", unknown[0], 理由=f"unknown field {unknown[0]}")
    present = {k: v for k, v in values.items() if v not in (None, "")}
    if not present:
        raise RuleViolation.one("WZBAM245E")
    cat = catalog.category(account.category)
    problems = Problems()
    wants_address = "new_address_pref_city" in present or "new_address_street" in present
    if wants_address and not cat.can_change_address:  # Q10-2, Q6-2: organisation staff change it on paper
        raise RuleViolation.one("WZBAM173E", "new_address_street", status=403, **catalog.refusal("staff_address"))
    if "new_agent_certificate_number" in present and cat.route != "agent_certificate":
        raise RuleViolation.one("RASIM403E", "new_agent_certificate_number", status=403)
    cleaned = check(present, [], [k for k in CHANGE_FIELDS if k in present and k != "new_agent_certificate_number"],
                    problems)
    if wants_address and not ("new_address_pref_city" in present and "new_address_street" in present):
        problems.add("WZBAM244E", "new_address_street")
    if ("new_email" in present) != ("new_email_confirm" in present):
        problems.add("WZBAM001E", "new_email_confirm" if "new_email" in present else "new_email")
    elif "new_email" in cleaned and cleaned.get("new_email_confirm") != cleaned["new_email"]:
        problems.add("WZBAM159E", "new_email_confirm")
    cert = None
    if "new_agent_certificate_number" in present and not problems:
        cert = certificate_problem(ctx, present["new_agent_certificate_number"], account.birth_date,
                                   "new_agent_certificate_number", problems, own_account_id=account.id)
    problems.raise_if_any()
    changed: list[str] = []
    if wants_address:
        account.address_pref_city = cleaned["new_address_pref_city"]
        account.address_street = cleaned["new_address_street"]
        changed.append("address")
    if "new_phone" in cleaned:
        account.phone = cleaned["new_phone"]
        changed.append("phone")
    if cert is not None:
        account.agent_certificate_number = cert.number
        account.valid_until = end_of_day(cert.valid_until)
        schedule_certificate_notices(ctx, account, cert)
        changed.append("agent_certificate_number")
    result: dict[str, Any] = {"changed": changed}
    if "new_email" in cleaned:
        url, link = ctx.new_link("email_change", account.id,
                                 dt.timedelta(hours=ctx.ed.email_change_link_valid_hours),
                                 "/profile/email/confirm", email=cleaned["new_email"])
        ctx.mail(cleaned["new_email"], "email_change_confirm", account.id, name=account.name, url=url,
                 expires=link.expires_at.strftime("%Y/%m/%d %H:%M"))
        result["email_confirmation_sent_to"] = cleaned["new_email"]
    ctx.audit("profile.changed", f"account:{account.id}", fields=changed,
              email_pending="new_email" in cleaned)
    return result


def confirm_email_change(ctx: Ctx, token: Any) -> dict[str, Any]:
    link = open_link(ctx, token, ("email_change",))
    account = ctx.db.get(Account, link.account_id)
    assert account is not None
    new_email = json.loads(link.payload)["email"]
    old_email = account.email
    account.email = new_email
    link.used_at = ctx.now
    ctx.actor = account.auth_id or ctx.actor
    ctx.mail(new_email, "email_changed", account.id, name=account.name, email=new_email)
    ctx.audit("profile.email_changed", f"account:{account.id}", old=old_email, new=new_email)
    return {"email": new_email}
