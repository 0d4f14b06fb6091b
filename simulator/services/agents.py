"""Lawyers and administrative scriveners: the registry of 申請等取次者証明書 (the bureau's record), the
checks of an entered certificate number, the mails before it lapses, and their online registration
(FAQ Q2-13 – Q2-17)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from simulator import catalog
from simulator.adapters.db import Account, AgentCertificate
from simulator.domain.accounts import Status
from simulator.domain.certificate_number import InvalidCertificateNumber, entered_agent_certificate_number
from simulator.domain.errors import Problems
from simulator.domain.forms import validate_form
from simulator.domain.registration import RegistryEntry, certificate_refusal
from simulator.services.context import Ctx
from simulator.services.registration import after_initial_password, file_registration


def end_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time())


def find_certificate(ctx: Ctx, number: str) -> AgentCertificate | None:
    return ctx.db.get(AgentCertificate, number)


def certificate_problem(ctx: Ctx, raw: Any, birth_date: dt.date | None, field: str,
                        problems: Problems, own_account_id: int | None = None) -> AgentCertificate | None:
    """Check an entered 申請等取次者証明書番号 (12 digits; a printed 届出済証明書 form is the user's to
    convert, Q2-14) against the registry."""
    if not isinstance(raw, str) or not raw.strip():
        problems.add("WZBAM001E", field)
        return None
    try:
        number = entered_agent_certificate_number(raw)
    except InvalidCertificateNumber:
        text = raw.strip()
        if text.isascii() and text.isdigit():
            problems.add("WZBAM004E", field, 入力項目名=catalog.field(field).label_ja, 文字数="12")
        else:
            problems.add("WZBAM246E", field)
        return None
    cert = find_certificate(ctx, number)
    taken = ctx.db.scalars(select(Account).where(
        Account.agent_certificate_number == number, Account.status.notin_([Status.DELETED, Status.LAPSED]))).first()
    entry = RegistryEntry(cert.status, cert.valid_until, cert.birth_date) if cert is not None else None
    refusal = certificate_refusal(entry, ctx.now.date(), taken is not None and taken.id != own_account_id, birth_date)
    if refusal is not None:
        code, where = refusal
        problems.add(code, field if where == "agent_certificate_number" else where)
        return None
    return cert


def _is_agent_category(key: str) -> bool:
    return catalog.category(key).route == "agent_certificate"


def schedule_certificate_notices(ctx: Ctx, account: Account, cert: AgentCertificate) -> None:
    """Mails 30 and 7 days before the 届出済証明書 lapses (Q12-1 item 12)."""
    for days in ctx.ed.agent_certificate_notice_days:
        due = dt.datetime.combine(cert.valid_until - dt.timedelta(days=days), dt.time(9, 0))
        if due > ctx.now:
            ctx.schedule(due, "agent_certificate_notice", account.id, days=days,
                         valid_until=cert.valid_until.isoformat(), number=cert.number)


def register_agent(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    """The form agent_registration (catalog/forms/); the certificate number by its own rule."""
    from simulator.services.system import refuse_during_maintenance

    refuse_during_maintenance(ctx)
    problems = Problems()
    form = catalog.form("agent_registration")
    cleaned = validate_form(form, values, problems, only=[f.key for f in form.fields
                                                          if f.key != "agent_certificate_number"])
    if "email" in cleaned and "email_confirm" in cleaned and cleaned["email"] != cleaned["email_confirm"]:
        problems.add("WZBAM159E", "email_confirm")
    cert = None
    if not problems:
        cert = certificate_problem(ctx, values.get("agent_certificate_number"), cleaned.get("birth_date"),
                                   "agent_certificate_number", problems)
    elif not values.get("agent_certificate_number"):
        problems.add("WZBAM001E", "agent_certificate_number")
    if cleaned.get("category") and not _is_agent_category(cleaned["category"]):
        # only lawyers and scriveners register with a certificate number (Q2-2: staff file a usage request)
        problems.add("WZBAM005E", "category", 入力項目名=catalog.field("category").label_ja)
    elif cert is not None and cleaned.get("category") and cleaned["category"] != cert.kind:
        problems.add("WZBAM246E", "agent_certificate_number")
    problems.raise_if_any()
    assert cert is not None
    account = Account(category=cert.kind, status=Status.PENDING_PASSWORD, name=cleaned["name"],
                      sex=cleaned.get("sex"), birth_date=cleaned["birth_date"],
                      address_pref_city=cleaned["address_pref_city"], address_street=cleaned["address_street"],
                      phone=cleaned["phone"], email=cleaned["email"], agent_certificate_number=cert.number,
                      valid_until=end_of_day(cert.valid_until), created_at=ctx.now)
    file_registration(ctx, account, certificate=cert.number)
    return {"registration_id": account.id, "category": account.category, "status": account.status}


@after_initial_password("agent_certificate")
def _certificate_notices_once_active(ctx: Ctx, account: Account) -> None:
    cert = find_certificate(ctx, account.agent_certificate_number) if account.agent_certificate_number else None
    if cert is not None:
        schedule_certificate_notices(ctx, account, cert)
