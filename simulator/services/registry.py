"""The bureau's registry of 申請等取次者証明書 (seeded through test support and `rasim seed`).
A renewal moves the validity of the linked account with it (Q2-17)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from simulator.adapters.db import Account, AgentCertificate
from simulator.domain.accounts import AgentCertificateStatus, Status
from simulator.domain.certificate_number import InvalidCertificateNumber, normalize_agent_certificate_number
from simulator.domain.errors import Problems, RuleViolation
from simulator.domain.validation import check
from simulator.services.agents import end_of_day, schedule_certificate_notices
from simulator.services.context import Ctx

STATUSES = (AgentCertificateStatus.ACTIVE, AgentCertificateStatus.CANCELLED, AgentCertificateStatus.SUSPENDED)


def certificate_view(cert: AgentCertificate) -> dict[str, Any]:
    return {"number": cert.number, "kind": cert.kind, "name": cert.name, "birth_date": cert.birth_date.isoformat(),
            "status": cert.status, "valid_until": cert.valid_until.isoformat(), "bureau": cert.bureau}


def put_certificate(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    """Create or update a registry entry: renewal (new valid_until), cancellation, suspension."""
    raw = values.get("number")
    try:
        number = normalize_agent_certificate_number(raw) if isinstance(raw, str) else None
    except InvalidCertificateNumber:
        number = None
    if number is None:
        raise RuleViolation.one("WZBAM246E", "number")
    cert = ctx.db.get(AgentCertificate, number)
    problems = Problems()
    required = [] if cert else ["name", "birth_date"]
    cleaned = check(values, required, [] if cert else [], problems)
    kind = values.get("kind", cert.kind if cert else None)
    if kind not in ("lawyer", "scrivener"):
        problems.add("RASIM400E", "kind", 理由="kind must be lawyer or scrivener")
    status = values.get("status", cert.status if cert else AgentCertificateStatus.ACTIVE)
    if status not in STATUSES:
        problems.add("RASIM400E", "status", 理由="status must be active, cancelled or suspended")
    valid_until = values.get("valid_until")
    try:
        until = dt.date.fromisoformat(valid_until) if isinstance(valid_until, str) else (
            cert.valid_until if cert else None)
    except ValueError:
        until = None
    if until is None:
        problems.add("RASIM400E", "valid_until", 理由="valid_until must be an ISO date")
    problems.raise_if_any()
    assert until is not None
    if cert is None:
        cert = AgentCertificate(number=number, kind=kind, name=cleaned["name"], birth_date=cleaned["birth_date"],
                                status=status, valid_until=until, bureau=str(values.get("bureau", ""))[:30])
        ctx.db.add(cert)
        ctx.audit("registry.created", f"certificate:{number}")
    else:
        renewed = until != cert.valid_until
        cert.kind, cert.status, cert.valid_until = kind, status, until
        ctx.audit("registry.updated", f"certificate:{number}", status=status, valid_until=until.isoformat())
        if renewed:
            for account in ctx.db.scalars(select(Account).where(Account.agent_certificate_number == number,
                                                               Account.status == Status.ACTIVE)):
                account.valid_until = end_of_day(until)
                schedule_certificate_notices(ctx, account, cert)
                ctx.audit("account.validity_followed_certificate", f"account:{account.id}",
                          valid_until=until.isoformat())
    ctx.db.flush()
    return certificate_view(cert)


def list_certificates(ctx: Ctx) -> list[dict[str, Any]]:
    return [certificate_view(c) for c in ctx.db.scalars(select(AgentCertificate).order_by(AgentCertificate.number))]
