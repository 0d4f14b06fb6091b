"""Registration and the links sent by mail: filing a registration, opening a link, the initial
password that activates an account (Q2-5, Q3-7) and issues its ID. What else a route needs once the
password is set (notices, the usage validity) is a hook its own module registers
(`after_initial_password`), so this module knows no category."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from simulator import catalog
from simulator.adapters.db import Account, Link
from simulator.domain import accounts as rules
from simulator.domain.accounts import Status
from simulator.domain.errors import Problems, RuleViolation
from simulator.services.context import Ctx, token_hash
from simulator.services.passwords import check_new_password, hash_password

AFTER_INITIAL_PASSWORD: dict[str, Callable[[Ctx, Account], None]] = {}


def after_initial_password(route: str) -> Callable[[Callable[[Ctx, Account], None]], Callable[[Ctx, Account], None]]:
    """Register what a route (categories.csv `route`) does once an account's initial password is set."""
    def register(hook: Callable[[Ctx, Account], None]) -> Callable[[Ctx, Account], None]:
        AFTER_INITIAL_PASSWORD[route] = hook
        return hook
    return register


def file_registration(ctx: Ctx, account: Account, **audit_detail: object) -> None:
    """Store a new registration and mail the link for the initial password (Q2-5)."""
    ctx.db.add(account)
    ctx.db.flush()
    url, link = ctx.new_link("registration", account.id,
                             dt.timedelta(days=ctx.ed.registration_link_valid_days), "/registration/password")
    ctx.mail(account.email, "registration_received", account.id, name=account.name, url=url,
             expires=link.expires_at.strftime("%Y/%m/%d %H:%M"))
    ctx.audit("registration.filed", f"account:{account.id}", category=account.category, **audit_detail)


def open_link(ctx: Ctx, token: Any, purposes: tuple[str, ...]) -> Link:
    if not isinstance(token, str) or not token:
        raise RuleViolation.one("WZBAM001E", "token")
    if len(token) > 200:   # longer than any link's token: malformed, not expired
        raise RuleViolation.one("RASIM400E", "token", 理由="token longer than 200 characters")
    link = ctx.db.scalars(select(Link).where(Link.token_hash == token_hash(token))).first()
    if link is None or link.purpose not in purposes or link.used_at is not None or link.expires_at <= ctx.now:
        if link is not None and link.purpose == "initial_password" and link.expires_at <= ctx.now:
            raise RuleViolation.one("RASIM422E", "token")
        raise RuleViolation.one("RASIM410E", "token")
    return link


def describe_link(ctx: Ctx, token: Any) -> dict[str, Any]:
    link = open_link(ctx, token, ("registration", "initial_password", "password_reset", "email_change"))
    account = ctx.db.get(Account, link.account_id)
    assert account is not None
    return {"purpose": link.purpose, "name": account.name, "auth_id": account.auth_id,
            "expires_at": link.expires_at.isoformat()}


def start_password_life(ctx: Ctx, account: Account, password: str) -> None:
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
        raise RuleViolation.one("RASIM410E", "token")
    link.used_at = ctx.now
    if not account.auth_id:
        account.auth_id = new_auth_id(ctx)
    start_password_life(ctx, account, password)
    account.status = Status.ACTIVE
    hook = AFTER_INITIAL_PASSWORD.get(catalog.category(account.category).route)
    if hook is not None:
        hook(ctx, account)
    if link.purpose == "registration":
        ctx.mail(account.email, "registration_complete", account.id, name=account.name, auth_id=account.auth_id)
    else:   # the usage-request approval mail's link
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


def void_links(ctx: Ctx, account: Account, purpose: str) -> None:
    """Older unused links of one purpose stop working (marked used now)."""
    for old in ctx.db.scalars(select(Link).where(Link.account_id == account.id, Link.purpose == purpose,
                                                 Link.used_at.is_(None))):
        old.used_at = ctx.now
