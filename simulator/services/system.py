"""System state shared by every worker: the maintenance switch and the top-page notices."""
from __future__ import annotations

from typing import Any

from simulator import catalog
from simulator.adapters.db import SystemFlag
from simulator.domain.errors import RuleViolation
from simulator.services.context import Ctx


def flag(ctx: Ctx, key: str) -> str:
    row = ctx.db.get(SystemFlag, key)
    return row.value if row else ""


def status(ctx: Ctx) -> dict[str, Any]:
    rows = catalog.table("notices.csv")
    notices = [n for n in rows if n.get("kind") == "notice"]
    active = flag(ctx, "maintenance") == "on"
    banner = next((n for n in rows if n.get("key") == "maintenance_now"), None)
    return {"maintenance": active, "maintenance_message": banner if active else None,
            "notices": notices, "edition": ctx.ed.name, "now": ctx.now.isoformat()}


def _switch(ctx: Ctx, key: str, field: str, value: Any, on: str, off: str) -> None:
    """Set a shared switch from a boolean, with its audit entry."""
    if not isinstance(value, bool):
        raise RuleViolation.one("RASIM400E", field, 理由=f"{field} must be true or false")
    row = ctx.db.get(SystemFlag, key) or SystemFlag(key=key)
    row.value = on if value else off
    ctx.db.add(row)
    ctx.audit(f"system.{key}", None, **{field: value})


def set_maintenance(ctx: Ctx, active: Any) -> dict[str, Any]:
    _switch(ctx, "maintenance", "active", active, "on", "off")
    return status(ctx)


def set_jpki_available(ctx: Ctx, available: Any) -> dict[str, Any]:
    """Test support: make the public certification service unreachable (WZBAM263E) or back."""
    _switch(ctx, "jpki", "available", available, "up", "down")
    return {"jpki_available": available}


def refuse_during_maintenance(ctx: Ctx) -> None:
    """Registration, application input and submission cannot be done while maintenance is on (Q2-3, Q4-9)."""
    if flag(ctx, "maintenance") == "on":
        raise RuleViolation.one("RASIM503E")


def set_flag(ctx: Ctx, key: str, value: str) -> None:
    """A shared value of another service (a fault switch of test support)."""
    row = ctx.db.get(SystemFlag, key) or SystemFlag(key=key)
    row.value = value
    ctx.db.add(row)
