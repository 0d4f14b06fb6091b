"""The 「(窓口申請)在留資格認定証明書電子交付希望者」 of FAQ Q1-1 (注1) and Q8-1: a person who applies for a COE at a
counter and receives it by e-mail. How such a person registers is not described in the seeds: here the bureau
registers them (test support), they set their password from the mail's link, and they can only receive —
permissions.csv gives the category no procedure, so an online application is refused at STEP1. When the
bureau grants the counter application, the COE is issued and mailed as for an online one (services.electronic_coe)
and its receipt is registered on the same pages."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from simulator import catalog
from simulator.adapters.db import Account
from simulator.domain.accounts import Status
from simulator.domain.errors import Problems, RuleViolation
from simulator.domain.forms import validate_form
from simulator.services import electronic_coe
from simulator.services.registration import new_auth_id
from simulator.services.context import Ctx

CATEGORY = "coe_e_delivery"


def register(ctx: Ctx, body: dict[str, Any]) -> dict[str, Any]:
    """The registrant's account, waiting for its initial password (the mail's link, as after an approved
    利用申出: Q3-7's 30 days)."""
    problems = Problems()
    clean = validate_form(catalog.form("coe_registrant"), body, problems)
    problems.raise_if_any(status=422)
    account = Account(auth_id=new_auth_id(ctx), category=CATEGORY, status=Status.PENDING_PASSWORD,
                      name=clean["name"], email=clean["email"], address_pref_city="", address_street="",
                      created_at=ctx.now)
    ctx.db.add(account)
    ctx.db.flush()
    url, _ = ctx.new_link("initial_password", account.id,
                          dt.timedelta(days=ctx.ed.initial_password_deadline_days), "/registration/password")
    ctx.mail(account.email, "coe_registrant_registered", account.id, name=account.name, auth_id=account.auth_id,
             url=url)
    ctx.audit("coe_registrant.registered", f"account:{account.id}", auth_id=account.auth_id)
    return {"auth_id": account.auth_id, "category": CATEGORY, "status": account.status}


def issue(ctx: Ctx, body: dict[str, Any]) -> dict[str, Any]:
    """The bureau grants a counter COE application of the registrant `auth_id`: the COE by e-mail (Q8-1)."""
    account = ctx.db.scalars(select(Account).where(Account.auth_id == body.get("auth_id"))).first() \
        if isinstance(body.get("auth_id"), str) else None
    if account is None or account.category != CATEGORY:
        raise RuleViolation.one("RASIM404E", "auth_id")
    problems = Problems()
    clean = validate_form(catalog.form("counter_coe"), body, problems)
    if body.get("bureau") not in {r["key"] for r in catalog.table("bureaus.csv")}:
        problems.add("RASIM400E", "bureau", 理由="bureau is one of " + ", ".join(r["key"] for r in catalog.table("bureaus.csv")))
    if not isinstance(body.get("receipt_number", ""), str) or len(body.get("receipt_number") or "") > 30:
        problems.add("RASIM400E", "receipt_number", 理由="receipt_number is a text of at most 30 characters")
    problems.raise_if_any(status=422)
    items = {k: clean.get(k) or "" for k in ("nationality", "sex_applicant", "birth_date_applicant")}
    coe = electronic_coe.issue_for(ctx, account, bureau=body["bureau"], status=clean["status_of_residence"],
                                   applicant_name=clean["applicant_name"], values=items, application=None)
    mail = ctx.mail(account.email, "examination_completed_mail", account.id, name=account.name,
                    receipt_number=body.get("receipt_number") or "", coe_number=coe.number,
                    applicant_name=clean["applicant_name"], url=electronic_coe.receipt_url(ctx, coe))
    electronic_coe.attach(ctx, mail, coe)
    return electronic_coe.view(ctx, coe) | {"auth_id": account.auth_id}
