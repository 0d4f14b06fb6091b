"""One unit of work around every use case, whoever calls it (screens, API, test support, CLI, later
the bulk workers): one database transaction at the test clock's time, what fell due fired first,
an explicit commit, SMTP delivery of the committed mails only, and a retry when a parallel request
won a write conflict (a persisting conflict becomes RASIM427E, never a 500).

A use case that refuses but must keep what it did (a failure count, an ended session, an audit
entry) commits explicitly before raising: `raise ctx.keep(RuleViolation…)`."""
from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from simulator import catalog
from simulator.adapters import clock as clock_store
from simulator.adapters import mail as mail_adapter
from simulator.adapters.db import Mail
from simulator.domain.errors import RuleViolation
from simulator.services.context import Ctx
from simulator.services.events import run_due

T = TypeVar("T")
RETRIES = 5
DEFAULT_BASE_URL = "http://127.0.0.1:8080"


@dataclass(frozen=True)
class Caller:
    """Who runs the use case, as the adapter at the edge knows it."""

    actor: str = "anonymous"
    remote_addr: str | None = None
    channel: str = "cli"          # api | screen | cli (login sessions are bound to their channel)
    base_url: str = DEFAULT_BASE_URL
    reads_mostly: bool = False    # a GET: on SQLite it need not queue for the write lock up front


@dataclass(frozen=True)
class Settings:
    """What every unit of work of one installation shares."""

    sessions: sessionmaker[Session]
    edition: str
    smtp_url: str | None = None
    jpki: Any = None


def run(settings: Settings, caller: Caller, use_case: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    for attempt in range(RETRIES):
        try:
            return _run_once(settings, caller, use_case, args, kwargs)
        except (StaleDataError, OperationalError, DBAPIError) as exc:
            if not is_conflict(exc):
                raise
            time.sleep(0.01 * (attempt + 1) + random.random() * 0.02)
    raise RuleViolation.one("RASIM427E")


def is_conflict(exc: BaseException) -> bool:
    if isinstance(exc, StaleDataError):
        return True
    text = str(getattr(exc, "orig", exc)).lower()
    return any(s in text for s in ("database is locked", "deadlock detected", "could not serialize",
                                   "lock not available", "database table is locked"))


def _run_once(settings: Settings, caller: Caller, use_case: Callable[..., T], args: tuple, kwargs: dict) -> T:
    db = settings.sessions()
    ctx: Ctx | None = None
    try:
        if caller.reads_mostly:   # SQLite: a plain BEGIN; a rare write that loses a race is retried (run)
            db.connection(execution_options={"sqlite_begin": "DEFERRED"})
        now, next_due = clock_store.now_and_next_due(db)
        ctx = Ctx(db=db, ed=catalog.edition(settings.edition), now=now, base_url=caller.base_url,
                  actor=caller.actor, remote_addr=caller.remote_addr, jpki=settings.jpki, channel=caller.channel)
        if next_due is not None and next_due <= now:
            run_due(ctx, now)
        result = use_case(ctx, *args, **kwargs)
        ctx.commit()
        return result
    except BaseException:
        db.rollback()
        raise
    finally:
        db.close()
        if ctx is not None and ctx.committed_mails:
            deliver(settings, ctx.committed_mails)


def deliver(settings: Settings, mails: list[Mail]) -> None:
    """Send committed mails over SMTP when RASIM_SMTP_URL is set (the outbox has them anyway)."""
    if not settings.smtp_url:
        return
    db = settings.sessions()
    try:
        for m in mails:
            stored = db.get(Mail, m.id)
            if stored is not None and stored.smtp_result is None:
                stored.smtp_result = mail_adapter.send_smtp(settings.smtp_url, stored)
        db.commit()
    finally:
        db.close()
