"""What falls due in time: run in due order, each at its own moment of the test clock, so mails
carry the time they would have been sent. Every handler checks the state again, so an event
made stale by a later change (a renewed certificate, a new password) does nothing."""
from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Callable

from sqlalchemy import select

from simulator.adapters.db import Account, AgentCertificate, Link, ScheduledEvent
from simulator.domain.accounts import Status
from simulator.services.context import Ctx

Handler = Callable[[Ctx, ScheduledEvent, dict], None]
HANDLERS: dict[str, Handler] = {}
log = logging.getLogger("rasim.events")


def handler(kind: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[kind] = fn
        return fn
    return register


HANDLER_MODULES = ("simulator.services.submission", "simulator.services.bulk_filing", "simulator.services.bureau",
                   "simulator.services.bureau_scripts", "simulator.services.electronic_coe",
                   "simulator.services.receipt_changes", "simulator.services.procedure_requests")   # their @handler events


def _load_handlers() -> None:
    """The handlers declared by other services, whoever runs the queue (a request, the CLI, the ticker)."""
    import importlib

    for name in HANDLER_MODULES:
        importlib.import_module(name)


def run_due(ctx: Ctx, until: dt.datetime, limit: int = 10_000) -> list[dict]:
    """Fire every event due at or before `until`, oldest first. Returns what fired."""
    _load_handlers()
    fired: list[dict] = []
    failed: set[int] = set()
    saved_now, saved_actor = ctx.now, ctx.actor
    try:
        while len(fired) < limit:
            batch = list(ctx.db.scalars(
                select(ScheduledEvent).where(ScheduledEvent.fired_at.is_(None), ScheduledEvent.due_at <= until)
                .order_by(ScheduledEvent.due_at, ScheduledEvent.id).limit(100)
                .with_for_update(skip_locked=True)))
            if not batch:
                break
            failed_now = 0
            for ev in batch:
                if ev.id in failed:
                    continue
                ctx.now, ctx.actor = ev.due_at, "system"
                if not _fire(ctx, ev):
                    failed.add(ev.id)
                    failed_now += 1
                    continue
                ev.fired_at = ev.due_at
                fired.append({"kind": ev.kind, "due_at": ev.due_at.isoformat(), "account_id": ev.account_id})
            ctx.db.flush()
            if failed_now == len(batch):
                break
    finally:
        ctx.now, ctx.actor = saved_now, saved_actor
    return fired


def _fire(ctx: Ctx, ev: ScheduledEvent) -> bool:
    """One event in a savepoint of its own: a handler that fails (a bug, a crash of what it calls) is undone
    whole and stays due — tried again by the next unit of work — and never takes down the request that
    happened to run the queue."""
    fn = HANDLERS.get(ev.kind)
    if fn is None:
        return True
    outgoing = len(ctx.outgoing)
    try:
        with ctx.db.begin_nested():
            fn(ctx, ev, json.loads(ev.payload or "{}"))
    except Exception:  # noqa: BLE001 - any failure of a handler; logged with its traceback
        del ctx.outgoing[outgoing:]
        log.exception("event %s (%s) failed; it stays due", ev.id, ev.kind)
        return False
    return True


def _account(ctx: Ctx, ev: ScheduledEvent) -> Account | None:
    return ctx.db.get(Account, ev.account_id) if ev.account_id else None


@handler("unlock")
def _unlock(ctx: Ctx, ev: ScheduledEvent, payload: dict) -> None:
    account = _account(ctx, ev)
    if account and account.locked_until and account.locked_until <= ctx.now:
        account.locked_until, account.failed_logins = None, 0
        ctx.audit("account.unlocked", f"account:{account.id}", after_hours=ctx.ed.lock_hours)


@handler("link_expiry")
def _link_expiry(ctx: Ctx, ev: ScheduledEvent, payload: dict) -> None:
    link = ctx.db.get(Link, payload.get("link_id"))
    if link is None or link.used_at is not None:
        return
    ctx.audit("link.expired", f"account:{link.account_id}", purpose=link.purpose)
    account = _account(ctx, ev)
    if account and link.purpose in ("initial_password", "registration") and account.status == Status.PENDING_PASSWORD:
        # Q3-7: the password was not set within 30 days; a registration whose link lapsed frees its
        # certificate number, card and residence card for a new registration
        account.status = Status.LAPSED
        ctx.audit("account.lapsed", f"account:{account.id}", reason="initial password not set in time")


@handler("agent_certificate_notice")
def _agent_notice(ctx: Ctx, ev: ScheduledEvent, payload: dict) -> None:
    account = _account(ctx, ev)
    if not account or account.status != Status.ACTIVE or account.agent_certificate_number != payload.get("number"):
        return
    cert = ctx.db.get(AgentCertificate, account.agent_certificate_number)
    if cert is None or cert.valid_until.isoformat() != payload.get("valid_until"):
        return   # renewed or replaced since the event was scheduled
    ctx.mail(account.email, "agent_certificate_expiry", account.id, name=account.name,
             certificate_number=cert.number, valid_until=f"{cert.valid_until:%Y/%m/%d}", days=payload["days"])


@handler("residence_card_notice")
def _card_notice(ctx: Ctx, ev: ScheduledEvent, payload: dict) -> None:
    account = _account(ctx, ev)
    if not account or account.status != Status.ACTIVE or not account.residence_card_valid_until:
        return
    if account.residence_card_valid_until.isoformat() != payload.get("valid_until"):
        return
    ctx.mail(account.email, "residence_card_expiry", account.id, name=account.name,
             valid_until=f"{account.residence_card_valid_until:%Y/%m/%d}", days=payload["days"])


@handler("periodic_report_notice")
def _report_notice(ctx: Ctx, ev: ScheduledEvent, payload: dict) -> None:
    from simulator.adapters.db import Organisation

    account = _account(ctx, ev)
    if not account or account.status not in (Status.ACTIVE, Status.SUSPENDED) or not account.valid_until:
        return
    if account.valid_until.isoformat() != payload.get("valid_until"):
        return
    org = ctx.db.get(Organisation, account.organisation_id) if account.organisation_id else None
    ctx.mail(account.email, "periodic_report_notice", account.id, name=account.name,
             organisation=org.name if org else "", valid_until=f"{account.valid_until:%Y/%m/%d}")


@handler("account_expiry")
def _expiry(ctx: Ctx, ev: ScheduledEvent, payload: dict) -> None:
    account = _account(ctx, ev)
    if account and account.valid_until and account.valid_until.isoformat() == payload.get("valid_until"):
        ctx.audit("account.expired", f"account:{account.id}", valid_until=payload.get("valid_until"))


@handler("password_expiry_notice")
def _password_notice(ctx: Ctx, ev: ScheduledEvent, payload: dict) -> None:
    account = _account(ctx, ev)
    if not account or account.status != Status.ACTIVE or not account.password_expires_at:
        return
    if account.password_expires_at.isoformat() != payload.get("expires"):
        return
    ctx.mail(account.email, "password_expiry", account.id, name=account.name,
             expires=f"{account.password_expires_at:%Y/%m/%d %H:%M}")
