"""Scripted outcomes — beyond the real system, for vendors' tests: what the bureau will do, and when, for one
application or for a user's next applications (e.g. ask for documents 2 days after receipt, approve after 5;
refuse; fail the receipt numbering), and an auto-bureau that decides every application N days after receipt.
Each step is a scheduled event on the test clock that calls the same bureau action as the console
(services.bureau.act); a step its state no longer allows is skipped and audited, never an error."""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import select

from simulator.adapters.db import Account, ScheduledEvent
from simulator.adapters.db_applications import Application
from simulator.adapters.db_decisions import BureauScript
from simulator.domain.errors import RuleViolation
from simulator.domain.lifecycle import bureau_actions
from simulator.services import system
from simulator.services.context import Ctx
from simulator.services.events import handler

AUTO = "bureau.auto"        # SystemFlag: {"days": N, "outcome": "approve" | "refuse"} or empty
FAIL_NUMBERING = "fail_numbering"
STEP_HOUR = 10              # a step runs at 10:00 of its day (rasim)
MAX_STEPS, MAX_DAYS, MAX_COUNT = 20, 365, 1000


def _bad(reason: str, field: str = "steps") -> RuleViolation:
    return RuleViolation.one("RASIM400E", field, 理由=reason)


def _steps(ctx: Ctx, steps: Any) -> list[dict[str, Any]]:
    allowed = [*bureau_actions(ctx.ed.applications_edition), FAIL_NUMBERING]
    if not isinstance(steps, list) or not 1 <= len(steps) <= MAX_STEPS:
        raise _bad(f"steps is a list of 1 to {MAX_STEPS} steps")
    out = []
    for i, step in enumerate(steps):
        if not isinstance(step, dict) or set(step) - {"after_days", "action"}:
            raise _bad("a step is {after_days, action}", f"steps[{i}]")
        days, action = step.get("after_days", 0), step.get("action")
        if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= MAX_DAYS:
            raise _bad(f"after_days is an integer from 0 to {MAX_DAYS}", f"steps[{i}].after_days")
        if action not in allowed:
            raise _bad("action is one of " + ", ".join(allowed), f"steps[{i}].action")
        out.append({"after_days": days, "action": action})
    return out


def set_script(ctx: Ctx, body: dict[str, Any]) -> dict[str, Any]:
    """For `application_id` (its steps from its day of receipt; one not yet submitted takes them when it is),
    or for the next `count` applications submitted by the user of `auth_id`."""
    steps = _steps(ctx, body.get("steps"))
    app_id, auth_id, count = body.get("application_id"), body.get("auth_id"), body.get("count", 1)
    if (app_id is None) == (auth_id is None):
        raise _bad("give application_id or auth_id", "application_id")
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_COUNT:
        raise _bad(f"count is an integer from 1 to {MAX_COUNT}", "count")
    if app_id is not None:
        app = ctx.db.get(Application, app_id) if isinstance(app_id, int) else None
        if app is None or app.parent_id is not None:
            raise RuleViolation.one("RASIM404E", "application_id")
        script = BureauScript(application_id=app.id, account_id=app.account_id, steps_json=json.dumps(steps),
                              remaining=0, created_at=ctx.now)
        ctx.db.add(script)
        ctx.db.flush()
        if app.received_on is not None:
            _schedule(ctx, app, steps)
    else:
        account = ctx.db.scalars(select(Account).where(Account.auth_id == auth_id)).first() \
            if isinstance(auth_id, str) else None
        if account is None:
            raise RuleViolation.one("RASIM404E", "auth_id")
        script = BureauScript(account_id=account.id, steps_json=json.dumps(steps), remaining=count, created_at=ctx.now)
        ctx.db.add(script)
        ctx.db.flush()
    ctx.audit("bureau.script", f"application:{app_id}" if app_id else f"account:{auth_id}", steps=steps, count=count)
    return {"id": script.id, "application_id": script.application_id, "remaining": script.remaining, "steps": steps}


def set_auto(ctx: Ctx, body: dict[str, Any]) -> dict[str, Any]:
    """Auto-bureau: every application without a script of its own is taken into examination the day after
    receipt and decided `days` after receipt (approve: and, for a card by post, issued the day after); days 0:
    off."""
    days, outcome = body.get("days", 0), body.get("outcome", "approve")
    if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= MAX_DAYS:
        raise _bad(f"days is an integer from 0 to {MAX_DAYS} (0: off)", "days")
    if outcome not in ("approve", "refuse"):
        raise _bad("outcome is approve or refuse", "outcome")
    system.set_flag(ctx, AUTO, json.dumps({"days": days, "outcome": outcome}) if days else "")
    ctx.audit("bureau.auto", None, days=days, outcome=outcome)
    return {"days": days, "outcome": outcome if days else None}


def auto_steps(ctx: Ctx) -> list[dict[str, Any]]:
    raw = system.flag(ctx, AUTO)
    if not raw:
        return []
    auto = json.loads(raw)
    days = max(1, auto["days"])
    steps = [{"after_days": 1, "action": "start_examination"}, {"after_days": days, "action": auto["outcome"]}]
    if auto["outcome"] == "approve":
        steps.append({"after_days": days + 1, "action": "issue"})
    return steps


def _bound(ctx: Ctx, app: Application) -> BureauScript | None:
    return ctx.db.scalars(select(BureauScript).where(BureauScript.application_id == app.id)
                          .order_by(BureauScript.id.desc())).first()


def on_submitted(ctx: Ctx, account: Account, app: Application) -> None:
    """At submission: the application's own script, else the user's next script, else the auto-bureau."""
    script = _bound(ctx, app)
    if script is None:
        script = ctx.db.scalars(select(BureauScript).where(BureauScript.account_id == account.id,
                                                           BureauScript.application_id.is_(None),
                                                           BureauScript.remaining > 0)
                                .order_by(BureauScript.id).with_for_update()).first()
        if script is not None:
            script.remaining -= 1
            script = BureauScript(application_id=app.id, account_id=account.id, steps_json=script.steps_json,
                                  remaining=0, created_at=ctx.now)
            ctx.db.add(script)
    steps = json.loads(script.steps_json) if script is not None else auto_steps(ctx)
    _schedule(ctx, app, steps)


def _schedule(ctx: Ctx, app: Application, steps: list[dict[str, Any]]) -> None:
    day = app.received_on or ctx.now.date()
    for step in steps:
        if step["action"] == FAIL_NUMBERING:
            continue
        due = max(ctx.now, dt.datetime.combine(day + dt.timedelta(days=step["after_days"]), dt.time(STEP_HOUR)))
        ctx.schedule(due, "bureau_step", app.account_id, application_id=app.id, action=step["action"])


def numbering_fails(ctx: Ctx, app: Application) -> bool:
    script = _bound(ctx, app)
    return script is not None and any(s["action"] == FAIL_NUMBERING for s in json.loads(script.steps_json))


@handler("bureau_step")
def _step(ctx: Ctx, ev: ScheduledEvent, payload: dict) -> None:
    from simulator.services import bureau

    saved = ctx.actor
    ctx.actor = "bureau-script"
    try:
        bureau.act(ctx, payload.get("application_id"), payload.get("action"))
    except RuleViolation as refused:
        ctx.audit("bureau.script_step_skipped", f"application:{payload.get('application_id')}",
                  action=payload.get("action"), codes=[p.code for p in refused.problems])
    finally:
        ctx.actor = saved
