"""Running a use case from a request: one unit of work, the test clock's time, what fell due
fired first, the audit actor, and SMTP delivery after the commit."""
from __future__ import annotations

import random
import time
from typing import Any, Callable, TypeVar

from flask import current_app, request
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from simulator import catalog
from simulator.adapters import clock as clock_store
from simulator.adapters import mail as mail_adapter
from simulator.adapters.db import unit_of_work
from simulator.domain.errors import RuleViolation
from simulator.services.context import Ctx
from simulator.services.events import run_due

T = TypeVar("T")
DEFAULT_BASE_URL = "http://127.0.0.1:8080"   # `rasim serve` sets RASIM_BASE_URL from its --host/--port
RETRIES = 5


def base_url() -> str:
    """Where the links in mails point: RASIM_BASE_URL, never the request's Host header (a reset
    requested with `Host: evil.example` must not mail a link to evil.example)."""
    return current_app.config.get("RASIM_BASE_URL") or DEFAULT_BASE_URL


def channel() -> str:
    """Which kind of client a login session belongs to: the JSON API or the screens."""
    try:
        return "api" if request.path.startswith("/api/") else "screen"
    except RuntimeError:
        return "cli"


def run(use_case: Callable[..., T], *args: Any, actor: str = "anonymous", **kwargs: Any) -> T:
    """Run a use case in one unit of work. A write conflict with a parallel request (SQLite busy,
    a PostgreSQL deadlock or serialisation failure, a stale row version) rolls back and runs the
    use case again, a few times; one that persists becomes RASIM427E (409), never a 500."""
    for attempt in range(RETRIES):
        try:
            return _run_once(use_case, args, kwargs, actor)
        except (StaleDataError, OperationalError, DBAPIError) as exc:
            if not is_conflict(exc):
                raise
            current_app.logger.info("write conflict on attempt %d: %s", attempt + 1, type(exc).__name__)
            time.sleep(0.01 * (attempt + 1) + random.random() * 0.02)
    raise RuleViolation.one("RASIM427E", status=409)


def is_conflict(exc: BaseException) -> bool:
    if isinstance(exc, StaleDataError):
        return True
    text = str(getattr(exc, "orig", exc)).lower()
    return any(s in text for s in ("database is locked", "deadlock detected", "could not serialize",
                                   "lock not available", "database table is locked"))


def _run_once(use_case: Callable[..., T], args: tuple, kwargs: dict, actor: str) -> T:
    app = current_app
    factory = app.extensions["rasim.sessions"]
    ctx_holder: list[Ctx] = []
    committed = False
    try:
        with unit_of_work(factory) as db:
            now = clock_store.now(db)
            ctx = Ctx(db=db, ed=catalog.edition(app.config["RASIM_EDITION"]), now=now, base_url=base_url(),
                      actor=actor, remote_addr=_remote_addr(), jpki=app.extensions.get("rasim.jpki"),
                      channel=channel())
            ctx_holder.append(ctx)
            run_due(ctx, now)
            result = use_case(ctx, *args, **kwargs)
        committed = True
        return result
    except BaseException as exc:
        committed = bool(getattr(exc, "keep_changes", False))   # unit_of_work committed those too
        raise
    finally:
        if ctx_holder and committed:   # a rolled-back unit of work never mails anyone
            deliver(ctx_holder[0])


def deliver(ctx: Ctx) -> None:
    """Send the mails of a committed unit of work over SMTP when RASIM_SMTP_URL is set."""
    smtp_url = current_app.config.get("RASIM_SMTP_URL")
    if not smtp_url or not ctx.outgoing:
        return
    factory = current_app.extensions["rasim.sessions"]
    with unit_of_work(factory) as db:
        from simulator.adapters.db import Mail

        for m in ctx.outgoing:
            stored = db.get(Mail, m.id)
            if stored is None or stored.smtp_result is not None:
                continue
            stored.smtp_result = mail_adapter.send_smtp(smtp_url, stored)


def _remote_addr() -> str | None:
    try:
        return request.remote_addr
    except RuntimeError:
        return None
