"""Changing a password: with a session (利用者情報更新, Q12-6), after it expired (WZBAM158E), and the
reset by mail when it is forgotten (Q12-4). Every current password goes through the login rule
(services/credentials.py)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from simulator import catalog
from simulator.adapters.db import Account, Link
from simulator.domain import accounts as rules
from simulator.domain.accounts import Status
from simulator.domain.errors import Problems, RuleViolation
from simulator.domain.validation import check
from simulator.services import credentials
from simulator.services.context import Ctx
from simulator.services.passwords import check_new_password
from simulator.services.registration import open_link, start_password_life, void_links
from simulator.services.sessions import account_for_password_check, find_account, refuse_by_state


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
    start_password_life(ctx, account, new)
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
        raise ctx.keep(RuleViolation.one(code, "auth_id"))
    if not rules.password_code(facts, ctx.now):
        ctx.audit("password.change_refused", f"account:{account.id}", reason="not_expired")
        raise ctx.keep(RuleViolation.one("RASIM412E", "current_password"))
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
        raise ctx.keep(RuleViolation.one("RASIM429E", "auth_id"))
    void_links(ctx, account, "password_reset")
    url, link = ctx.new_link("password_reset", account.id, dt.timedelta(hours=ctx.ed.reset_link_valid_hours),
                             "/password-reset/new")
    ctx.mail(account.email, "password_reset_link", account.id, name=account.name, url=url,
             expires=link.expires_at.strftime("%Y/%m/%d %H:%M"))
    ctx.audit("password.reset_requested", f"account:{account.id}")
    return {"sent_to": account.email}


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
    start_password_life(ctx, account, password)
    if ctx.ed.reset_lifts_lock:   # 2026 (003); in 2024 only time or the bureau lifts it (Q12-7, WZBAM153E)
        account.failed_logins, account.locked_until = 0, None
    credentials.end_sessions(ctx, account, "password_reset")
    ctx.actor = account.auth_id or ctx.actor
    ctx.mail(account.email, "password_set", account.id, name=account.name, action=catalog.mail_word("password_reset"))
    ctx.audit("password.reset", f"account:{account.id}")
    return {"auth_id": account.auth_id}
