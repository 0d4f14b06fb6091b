"""Running a use case from a request: one unit of work, the test clock's time, what fell due
fired first, the audit actor, and SMTP delivery after the commit."""
from __future__ import annotations

from typing import Any, Callable, TypeVar

from flask import current_app, request

from simulator import catalog
from simulator.adapters import clock as clock_store
from simulator.adapters import mail as mail_adapter
from simulator.adapters.db import unit_of_work
from simulator.services.context import Ctx
from simulator.services.events import run_due

T = TypeVar("T")


def base_url() -> str:
    configured = current_app.config.get("RASIM_BASE_URL")
    if configured:
        return configured
    try:
        return request.host_url.rstrip("/")
    except RuntimeError:
        return "http://127.0.0.1:8080"


def run(use_case: Callable[..., T], *args: Any, actor: str = "anonymous", **kwargs: Any) -> T:
    app = current_app
    factory = app.extensions["rasim.sessions"]
    ctx_holder: list[Ctx] = []
    committed = False
    try:
        with unit_of_work(factory) as db:
            now = clock_store.now(db)
            ctx = Ctx(db=db, ed=catalog.edition(app.config["RASIM_EDITION"]), now=now, base_url=base_url(),
                      actor=actor, remote_addr=_remote_addr(), jpki=app.extensions.get("rasim.jpki"))
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
