"""Login and sessions: the login sequence (state, lock, password, validity, expiry), one session at a
time (WZBAM099E), the session bound to its channel, idle time-out, logout and the Back-button rule."""
from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from sqlalchemy import select

from simulator import catalog
from simulator.adapters.db import Account, LoginSession, Organisation
from simulator.domain import accounts as rules
from simulator.domain.accounts import LoginFacts
from simulator.domain.errors import Problems, RuleViolation
from simulator.services import credentials
from simulator.services.agents import find_certificate
from simulator.services.context import Ctx, token_hash


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
        raise RuleViolation.one("WZBAM270E", "auth_id")
    ctx.actor = account.auth_id or ctx.actor
    return credentials.lock_row(ctx, account)


def refuse_by_state(ctx: Ctx, account: Account) -> LoginFacts:
    """What is refused before the password is looked at (domain rule before_password_code): deleted,
    suspended, not yet active, then locked (156E over 153E)."""
    facts = login_facts(ctx, account)
    code = rules.before_password_code(facts, ctx.now)
    if code:
        ctx.audit("login.refused", f"account:{account.id}", code=code)
        raise ctx.keep(RuleViolation.one(code, "auth_id"))
    return facts


def checked_credentials(ctx: Ctx, auth_id: Any, password: Any) -> tuple[Account, LoginFacts]:
    """Both given (WZBAM001E), the ID known (WZBAM270E), the account's state, then the password with the lock
    rules: the account and its facts. Shared by the login and the ログイン(受領登録) of S27."""
    problems = Problems()
    if not isinstance(auth_id, str) or not auth_id.strip():
        problems.add("WZBAM001E", "auth_id")
    if not isinstance(password, str) or not password:
        problems.add("WZBAM001E", "password")
    problems.raise_if_any()
    account = account_for_password_check(ctx, auth_id, password)
    facts = refuse_by_state(ctx, account)
    credentials.check_password(ctx, account, password)
    return account, facts


def login(ctx: Ctx, auth_id: Any, password: Any, card_key_id: str | None = None) -> dict[str, Any]:
    """ID and password. Card categories come through services.cards.login_with_card, which passes
    the key of the card that signed; without it they may log in only as seed 001 allows.
    Order: state, lock, password (credentials.check_password), then validity and expiry."""
    account, facts = checked_credentials(ctx, auth_id, password)
    code = rules.admission_code(facts, ctx.now, card_key_id is not None, account.applications_in_progress)
    if code:
        ctx.audit("login.refused", f"account:{account.id}", code=code)
        violation = RuleViolation.one(code, "password" if code == "WZBAM158E" else "auth_id")
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


KEEPS_SESSION = frozenset({"RASIM430E"})   # refusals of a move after which the user is still logged in
_END_CODES = {"double_login": "WZBAM099E", "timeout": "RASIM408E", "illegal_transition": "RASIM409E"}


def authenticate(ctx: Ctx, token: Any) -> tuple[Account, LoginSession]:
    """The account behind a session token; ends the session on timeout or a changed account state.
    A token is good only on the channel that opened it: a screen login's token (kept in the
    session cookie) is no bearer token for the API, and an API token opens no screen."""
    if not isinstance(token, str) or not token or len(token) > 200:
        raise RuleViolation.one("RASIM401E")
    session = ctx.db.scalars(select(LoginSession).where(LoginSession.token_hash == token_hash(token))).first()
    if session is None or session.channel != ctx.channel:
        raise RuleViolation.one("RASIM401E")
    if session.ended_at is not None:
        raise RuleViolation.one(_END_CODES.get(session.end_reason or "", "RASIM401E"), status=401)   # ended: not logged in
    account = ctx.db.get(Account, session.account_id)
    assert account is not None
    ctx.actor = account.auth_id or ctx.actor
    if ctx.now - session.last_seen_at > dt.timedelta(minutes=ctx.ed.session_timeout_minutes):
        end_session(ctx, session, "timeout")
        raise ctx.keep(RuleViolation.one("RASIM408E"))
    code = rules.status_code(account.status)   # the state alone: no registry lookup on every request
    if code:
        end_session(ctx, session, "account_state")
        raise ctx.keep(RuleViolation.one(code))
    if ctx.now > session.last_seen_at:   # a burst within one clock second writes nothing
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
    """The Back button during input: the session ends (FAQ Q4-20, RASIM409E), or, where the edition keeps
    it (003 §1.3 「エラーになります」), the move is refused and audited (RASIM430E)."""
    account, session = authenticate(ctx, token)
    if not ctx.ed.back_navigation_ends_session:
        ctx.audit("session.illegal_transition_refused", f"account:{account.id}")
        raise ctx.keep(RuleViolation.one("RASIM430E", status=409))
    end_session(ctx, session, "illegal_transition")
    raise ctx.keep(RuleViolation.one("RASIM409E"))


def session_times(ctx: Ctx, session: LoginSession) -> dict[str, Any]:
    """When the session ends without activity, and when the edition warns of it (003 §2.6: 10 minutes
    before; None where the edition shows no warning)."""
    timeout_at = session.last_seen_at + dt.timedelta(minutes=ctx.ed.session_timeout_minutes)
    warning = ctx.ed.session_warning_minutes
    warning_at = timeout_at - dt.timedelta(minutes=warning) if warning else None
    # seconds from now (the test clock's) to the warning: what the page's timer counts down
    return {"timeout_at": timeout_at.isoformat(), "warning_at": warning_at.isoformat() if warning_at else None,
            "warning_in_seconds": max(0, int((warning_at - ctx.now).total_seconds())) if warning_at else None}


def times_of(ctx: Ctx, token: Any) -> dict[str, Any]:
    """session_times of the session behind a token (asking is activity, like any request)."""
    _account, session = authenticate(ctx, token)
    return session_times(ctx, session)


def extend(ctx: Ctx, token: Any) -> dict[str, Any]:
    """[OK] on the warning (003 §2.6): the time to the logout is 3 hours again, counted from now (rasim: the
    manual says 「3 時間延長されます」; the [OK] is itself activity). Audited."""
    account, session = authenticate(ctx, token)
    session.last_seen_at = ctx.now
    ctx.audit("session.extended", f"account:{account.id}")
    return session_times(ctx, session)
