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


def set_maintenance(ctx: Ctx, active: Any) -> dict[str, Any]:
    if not isinstance(active, bool):
        raise RuleViolation.one("RASIM400E", "active", 理由="active must be true or false")
    row = ctx.db.get(SystemFlag, "maintenance") or SystemFlag(key="maintenance")
    row.value = "on" if active else "off"
    ctx.db.add(row)
    ctx.audit("system.maintenance", None, active=active)
    return status(ctx)


def set_jpki_available(ctx: Ctx, available: Any) -> dict[str, Any]:
    """Test support: make the public certification service unreachable (WZBAM263E) or back."""
    if not isinstance(available, bool):
        raise RuleViolation.one("RASIM400E", "available", 理由="available must be true or false")
    row = ctx.db.get(SystemFlag, "jpki") or SystemFlag(key="jpki")
    row.value = "up" if available else "down"
    ctx.db.add(row)
    ctx.audit("system.jpki", None, available=available)
    return {"jpki_available": available}


def refuse_during_maintenance(ctx: Ctx) -> None:
    """Registration cannot be done while maintenance is announced (Q2-3)."""
    if flag(ctx, "maintenance") == "on":
        raise RuleViolation.one("RASIM503E", status=503)
