"""The one rule for every route that checks a password (login, card login, password change, change
of an expired password): a lock refuses before the password is looked at (WZBAM153E); a wrong
password counts, and the edition's n-th consecutive failure locks the account for its hours; a
right password resets the count. The account row is locked for the check (SELECT … FOR UPDATE on
PostgreSQL; SQLite serialises writers with BEGIN IMMEDIATE), so parallel attempts count exactly."""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

from sqlalchemy import select

from simulator.adapters.db import Account, LoginSession
from simulator.domain import accounts as rules
from simulator.domain.errors import RuleViolation
from simulator.services.context import Ctx
from simulator.services.passwords import hash_password, verify_password


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password("rasim-no-such-account")


def spend_equal_time(password: object) -> None:
    """An unknown ID costs as much as a known one: hash against a dummy (no timing oracle)."""
    verify_password(_dummy_hash(), password if isinstance(password, str) else "")


def lock_row(ctx: Ctx, account: Account) -> Account:
    """Reload the account under a row lock: the count and the lock read here are the latest."""
    ctx.db.refresh(account, with_for_update=True)
    return account


def refuse_if_locked(ctx: Ctx, account: Account) -> None:
    if lock_code_of(account, ctx.now):
        ctx.audit("login.refused", f"account:{account.id}", code="WZBAM153E")
        raise ctx.keep(RuleViolation.one("WZBAM153E", "auth_id"))


def check_password(ctx: Ctx, account: Account, password: object, field: str = "password",
                   wrong_code: str = "WZBAM270E", wrong_status: int = 401) -> None:
    """Raise the edition's refusal unless `password` is the account's password (see module doc).
    The caller has locked the row (lock_row)."""
    refuse_if_locked(ctx, account)
    if isinstance(password, str) and verify_password(account.password_hash, password):
        account.failed_logins = 0
        account.locked_until = None
        return
    account.failed_logins = (account.failed_logins or 0) + 1
    ctx.audit("login.failed", f"account:{account.id}", reason="wrong_password", failures=account.failed_logins,
              route=field)
    code, lock = rules.failure_outcome(account.failed_logins, ctx.ed, wrong_code)
    if lock:
        account.locked_until = ctx.now + dt.timedelta(hours=ctx.ed.lock_hours)
        ctx.schedule(account.locked_until, "unlock", account.id, locked_until=account.locked_until.isoformat())
        ctx.audit("account.locked", f"account:{account.id}", until=account.locked_until.isoformat())
        end_sessions(ctx, account, "locked")
        raise ctx.keep(RuleViolation.one(code, field))
    raise ctx.keep(RuleViolation.one(code, field, status=wrong_status))


def end_sessions(ctx: Ctx, account: Account, reason: str, keep: LoginSession | None = None) -> int:
    """End every open session of the account but `keep` (password changed or reset, account locked)."""
    q = select(LoginSession).where(LoginSession.account_id == account.id, LoginSession.ended_at.is_(None))
    ended = 0
    for s in ctx.db.scalars(q):
        if keep is not None and s.id == keep.id:
            continue
        s.ended_at, s.end_reason = ctx.now, reason
        ended += 1
    if ended:
        ctx.audit(f"session.{reason}", f"account:{account.id}", sessions=ended)
    return ended


def lock_code_of(account: Account, now: dt.datetime) -> str | None:
    return rules.lock_code(rules.LoginFacts(status=account.status, route="", valid_until=None,
                                            password_expires_at=None, locked_until=account.locked_until), now)
