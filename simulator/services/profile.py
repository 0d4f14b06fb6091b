"""User information (利用者情報, Q10-1, Q10-2, Q12-2, Q12-3): what the user sees, what may change, the
confirmation of a new e-mail address. The ID never changes."""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

from simulator import catalog
from simulator.adapters.db import Account, Organisation
from simulator.domain.errors import Problems, RuleViolation
from simulator.domain.validation import check
from simulator.services.agents import certificate_problem, end_of_day, schedule_certificate_notices
from simulator.services.context import Ctx
from simulator.services.registration import open_link


def profile(ctx: Ctx, account: Account) -> dict[str, Any]:
    cat = catalog.category(account.category)
    out: dict[str, Any] = {
        "auth_id": account.auth_id, "name": account.name, "email": account.email,
        "category": account.category, "category_label": cat.label_ja,
        "sex": account.sex, "birth_date": account.birth_date.isoformat() if account.birth_date else None,
        "address_pref_city": account.address_pref_city, "address_street": account.address_street,
        "phone": account.phone,
        "agent_certificate_number": account.agent_certificate_number,
        "valid_until": account.valid_until.isoformat() if account.valid_until else None,
        "password_expires_at": account.password_expires_at.isoformat() if account.password_expires_at else None,
        "can_change_address": cat.can_change_address,
    }
    if account.organisation_id:
        org = ctx.db.get(Organisation, account.organisation_id)
        if org:
            out["organisation"] = {"id": org.id, "name": org.name, "kind": org.kind, "address": org.address}
    return out


CHANGE_FIELDS = [f.key for f in catalog.form("profile_change").fields if f.key != "auth_id"]


def change_profile(ctx: Ctx, account: Account, values: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(values) - set(CHANGE_FIELDS) - {"auth_id"})
    if "auth_id" in values:   # Q12-3: the 認証ID never changes
        raise RuleViolation.one("WZBAM173E", "auth_id", **catalog.refusal("id_change", id_label=ctx.ed.id_label_ja))
    if unknown:
        raise RuleViolation.one("RASIM400E", unknown[0], 理由=f"unknown field {unknown[0]}")
    present = {k: v for k, v in values.items() if v not in (None, "")}
    if not present:
        raise RuleViolation.one("WZBAM245E")
    cat = catalog.category(account.category)
    problems = Problems()
    wants_address = "new_address_pref_city" in present or "new_address_street" in present
    if wants_address and not cat.can_change_address:  # Q10-2, Q6-2: organisation staff change it on paper
        raise RuleViolation.one("WZBAM173E", "new_address_street", status=403, **catalog.refusal("staff_address"))
    if "new_agent_certificate_number" in present and cat.route != "agent_certificate":
        raise RuleViolation.one("RASIM403E", "new_agent_certificate_number")
    cleaned = check(present, [], [k for k in CHANGE_FIELDS if k in present and k != "new_agent_certificate_number"],
                    problems)
    if wants_address and not ("new_address_pref_city" in present and "new_address_street" in present):
        problems.add("WZBAM244E", "new_address_street")
    if ("new_email" in present) != ("new_email_confirm" in present):
        problems.add("WZBAM001E", "new_email_confirm" if "new_email" in present else "new_email")
    elif "new_email" in cleaned and cleaned.get("new_email_confirm") != cleaned["new_email"]:
        problems.add("WZBAM159E", "new_email_confirm")
    cert = None
    if "new_agent_certificate_number" in present and not problems:
        cert = certificate_problem(ctx, present["new_agent_certificate_number"], account.birth_date,
                                   "new_agent_certificate_number", problems, own_account_id=account.id)
    problems.raise_if_any()
    changed: list[str] = []
    if wants_address:
        account.address_pref_city = cleaned["new_address_pref_city"]
        account.address_street = cleaned["new_address_street"]
        changed.append("address")
    if "new_phone" in cleaned:
        account.phone = cleaned["new_phone"]
        changed.append("phone")
    if cert is not None:
        account.agent_certificate_number = cert.number
        account.valid_until = end_of_day(cert.valid_until)
        schedule_certificate_notices(ctx, account, cert)
        changed.append("agent_certificate_number")
    result: dict[str, Any] = {"changed": changed}
    if "new_email" in cleaned and not ctx.ed.email_change_confirmation:
        # 2024 (004 §2.15.4): the new address takes effect at once; the notice goes to it
        old_email, account.email = account.email, cleaned["new_email"]
        ctx.mail(account.email, "email_changed", account.id, name=account.name, email=account.email)
        ctx.audit("profile.email_changed", f"account:{account.id}", old=old_email, new=account.email)
        result["email"] = account.email
        changed.append("email")
    elif "new_email" in cleaned:
        url, link = ctx.new_link("email_change", account.id,
                                 dt.timedelta(hours=ctx.ed.email_change_link_valid_hours),
                                 "/profile/email/confirm", email=cleaned["new_email"])
        ctx.mail(cleaned["new_email"], "email_change_confirm", account.id, name=account.name, url=url,
                 expires=link.expires_at.strftime("%Y/%m/%d %H:%M"))
        result["email_confirmation_sent_to"] = cleaned["new_email"]
    ctx.audit("profile.changed", f"account:{account.id}", fields=changed,
              email_pending="email_confirmation_sent_to" in result)
    return result


def confirm_email_change(ctx: Ctx, token: Any) -> dict[str, Any]:
    link = open_link(ctx, token, ("email_change",))
    account = ctx.db.get(Account, link.account_id)
    assert account is not None
    new_email = json.loads(link.payload)["email"]
    old_email = account.email
    account.email = new_email
    link.used_at = ctx.now
    ctx.actor = account.auth_id or ctx.actor
    ctx.mail(new_email, "email_changed", account.id, name=account.name, email=new_email)
    ctx.audit("profile.email_changed", f"account:{account.id}", old=old_email, new=new_email)
    return {"email": new_email}
