"""The test clock as use cases: read, freeze, set, advance (firing what fell due), resume."""
from __future__ import annotations

import datetime as dt
from typing import Any

from simulator.adapters import clock as clock_store
from simulator.domain.errors import RuleViolation
from simulator.services.context import Ctx
from simulator.services.events import run_due

MAX_ADVANCE = dt.timedelta(days=366 * 20)


def get_clock(ctx: Ctx) -> dict[str, Any]:
    return clock_store.describe(ctx.db)


def parse_duration(values: dict[str, Any]) -> dt.timedelta:
    total = dt.timedelta()
    units = {"days": "days", "hours": "hours", "minutes": "minutes", "seconds": "seconds"}
    seen = False
    for key, unit in units.items():
        v = values.get(key)
        if v is None:
            continue
        if isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0 or v > 10**7:
            raise RuleViolation.one("RASIM400E", key, 理由=f"{key} must be a number ≥ 0")
        total += dt.timedelta(**{unit: v})
        seen = True
    if not seen:
        raise RuleViolation.one("RASIM400E", "days", 理由="give days, hours, minutes or seconds")
    if total > MAX_ADVANCE:
        raise RuleViolation.one("RASIM400E", "days", 理由="at most 20 years at once")
    return total


def advance_clock(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    delta = parse_duration(values)
    clock_store.lock(ctx.db)
    target = clock_store.now(ctx.db) + delta
    if target > dt.datetime(2100, 1, 1):
        raise RuleViolation.one("RASIM400E", "days", 理由="the clock stays before 2100")
    fired = run_due(ctx, target)
    clock_store.set_time(ctx.db, target)
    ctx.now = target
    ctx.audit("clock.advanced", None, seconds=delta.total_seconds(), fired=len(fired))
    return {**clock_store.describe(ctx.db), "fired": fired}


def set_clock(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    raw = values.get("now")
    if not isinstance(raw, str):
        raise RuleViolation.one("RASIM400E", "now", 理由="now must be an ISO date-time, e.g. 2024-04-01T09:00:00")
    try:
        target = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise RuleViolation.one("RASIM400E", "now", 理由="now must be an ISO date-time") from None
    if target.tzinfo is not None:
        target = target.astimezone(clock_store.JST).replace(tzinfo=None)
    if not (dt.datetime(2000, 1, 1) <= target <= dt.datetime(2100, 1, 1)):
        raise RuleViolation.one("RASIM400E", "now", 理由="between 2000 and 2100")
    freeze = values.get("freeze")
    if freeze is not None and not isinstance(freeze, bool):
        raise RuleViolation.one("RASIM400E", "freeze", 理由="freeze must be true or false")
    current = clock_store.now(ctx.db)
    fired = run_due(ctx, target) if target > current else []
    clock_store.set_time(ctx.db, target, freeze=True if freeze is None else freeze)
    ctx.now = target
    ctx.audit("clock.set", None, to=target.isoformat(), fired=len(fired))
    return {**clock_store.describe(ctx.db), "fired": fired}


def freeze_clock(ctx: Ctx) -> dict[str, Any]:
    clock_store.freeze(ctx.db)
    ctx.audit("clock.frozen", None)
    return clock_store.describe(ctx.db)


def resume_clock(ctx: Ctx, values: dict[str, Any] | None = None) -> dict[str, Any]:
    if values and values.get("real") is True:
        clock_store.reset(ctx.db)
    else:
        clock_store.resume(ctx.db)
    ctx.audit("clock.resumed", None)
    return clock_store.describe(ctx.db)
