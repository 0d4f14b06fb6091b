"""Organisation staff (categories 5–7): the usage request (利用申出) the bureau decides, the
one-year validity, the periodic report (定期報告), retirement, suspension (Q3, Q9, Q10-3/4)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from simulator import catalog
from simulator.adapters.db import Account, Organisation, PeriodicReport, UsageRequest
from simulator.domain.accounts import ReportStatus, Status, add_months, add_years
from simulator.domain.errors import Problems, RuleViolation
from simulator.domain.forms import validate_form
from simulator.domain.validation import check
from simulator.services.registration import after_initial_password, new_auth_id
from simulator.services.sessions import find_account
from simulator.services.context import Ctx


def _small_id(value: Any) -> bool:
    """A database id: a positive integer that fits every backend's integer column."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31


def _org(ctx: Ctx, org_id: Any) -> Organisation:
    org = ctx.db.get(Organisation, org_id) if _small_id(org_id) else None
    if org is None:
        raise RuleViolation.one("RASIM404E", "organisation_id")
    return org


def create_organisation(ctx: Ctx, values: dict[str, Any]) -> Organisation:
    problems = Problems()
    cleaned = check(values, ["organisation_name", "organisation_kind"], ["organisation_address"], problems)
    problems.raise_if_any()
    org = Organisation(name=cleaned["organisation_name"], kind=cleaned["organisation_kind"],
                       address=cleaned.get("organisation_address", ""), created_at=ctx.now)
    ctx.db.add(org)
    ctx.db.flush()
    ctx.audit("organisation.created", f"organisation:{org.id}", name=org.name, kind=org.kind)
    return org


def file_usage_request(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    """A usage request handed in at a bureau counter or by post (recorded by the bureau)."""
    problems = Problems()   # the form usage_request; an organisation on record is looked up by its id
    form = catalog.form("usage_request")
    cleaned = validate_form(form, values, problems, only=[f.key for f in form.fields if f.key != "organisation_id"])
    problems.raise_if_any()
    if values.get("organisation_id") is not None:
        org = _org(ctx, values["organisation_id"])
        _refuse_additional_request_without_users(ctx, org)
    else:
        org = create_organisation(ctx, values)
    req = UsageRequest(organisation_id=org.id, name=cleaned["name"], email=cleaned["email"],
                       phone=cleaned.get("phone", ""), birth_date=cleaned.get("birth_date"), filed_at=ctx.now)
    ctx.db.add(req)
    ctx.db.flush()
    ctx.audit("usage_request.filed", f"usage_request:{req.id}", organisation=org.id)
    return usage_request_view(ctx, req)


def _refuse_additional_request_without_users(ctx: Ctx, org: Organisation) -> None:
    """Q10-3: once the last approved user of an organisation is deleted, its approval is gone;
    adding a user needs a new usage request, not an additional one (追加利用申出)."""
    accounts = list(ctx.db.scalars(select(Account).where(Account.organisation_id == org.id)))
    alive = [a for a in accounts if a.status in (Status.ACTIVE, Status.SUSPENDED, Status.PENDING_PASSWORD)]
    if accounts and not alive:
        raise RuleViolation.one("WZBAM173E", "organisation_id",
                                **catalog.refusal("additional_request_without_users"))


def usage_request_view(ctx: Ctx, req: UsageRequest) -> dict[str, Any]:
    org = ctx.db.get(Organisation, req.organisation_id)
    account = ctx.db.get(Account, req.account_id) if req.account_id else None
    return {"id": req.id, "status": req.status, "name": req.name, "email": req.email,
            "organisation": {"id": org.id, "name": org.name, "kind": org.kind} if org else None,
            "filed_at": req.filed_at.isoformat(), "decided_at": req.decided_at.isoformat() if req.decided_at else None,
            "auth_id": account.auth_id if account else None}


def list_usage_requests(ctx: Ctx, status: str | None = None) -> list[dict[str, Any]]:
    q = select(UsageRequest).order_by(UsageRequest.id)
    if status:
        q = q.where(UsageRequest.status == status)
    return [usage_request_view(ctx, r) for r in ctx.db.scalars(q)]


def decide_usage_request(ctx: Ctx, request_id: Any, approve: Any) -> dict[str, Any]:
    req = ctx.db.get(UsageRequest, request_id) if _small_id(request_id) else None
    if req is None:
        raise RuleViolation.one("RASIM404E", "id")
    if not isinstance(approve, bool):
        raise RuleViolation.one("RASIM400E", "approve", 理由="approve must be true or false")
    if req.status != "pending":
        raise RuleViolation.one("WZBAM173E", "id", **catalog.refusal("usage_request_decided"))
    org = ctx.db.get(Organisation, req.organisation_id)
    assert org is not None
    req.decided_at = ctx.now
    if not approve:
        req.status = "refused"
        ctx.mail(req.email, "usage_request_refused", None, name=req.name)
        ctx.audit("usage_request.refused", f"usage_request:{req.id}")
        return usage_request_view(ctx, req)
    req.status = "approved"
    cat = catalog.category_for_organisation(org.kind)
    account = Account(auth_id=new_auth_id(ctx), category=cat.key, status=Status.PENDING_PASSWORD,
                      name=req.name, birth_date=req.birth_date, phone=req.phone, email=req.email,
                      address_pref_city="", address_street="", organisation_id=org.id, created_at=ctx.now)
    ctx.db.add(account)
    ctx.db.flush()
    req.account_id = account.id
    url, _ = ctx.new_link("initial_password", account.id,
                          dt.timedelta(days=ctx.ed.initial_password_deadline_days), "/registration/password")
    ctx.mail(req.email, "usage_request_approved", account.id, name=req.name, auth_id=account.auth_id, url=url)
    ctx.audit("usage_request.approved", f"usage_request:{req.id}", account=account.id, auth_id=account.auth_id)
    return usage_request_view(ctx, req)


@after_initial_password("usage_request")
def start_usage_validity(ctx: Ctx, account: Account) -> None:
    """Valid one year from setting the password (Q3-7); the periodic-report notice 2 months before."""
    account.valid_until = add_years(ctx.now, ctx.ed.usage_valid_years)
    schedule_validity_events(ctx, account)


def schedule_validity_events(ctx: Ctx, account: Account) -> None:
    assert account.valid_until is not None
    notice = add_months(account.valid_until, -ctx.ed.periodic_report_notice_months)
    if notice > ctx.now:
        ctx.schedule(notice, "periodic_report_notice", account.id, valid_until=account.valid_until.isoformat())
    ctx.schedule(account.valid_until, "account_expiry", account.id, valid_until=account.valid_until.isoformat())


def members(ctx: Ctx, org: Organisation) -> list[Account]:
    return list(ctx.db.scalars(select(Account).where(Account.organisation_id == org.id,
                                                     Account.status.in_([Status.ACTIVE, Status.SUSPENDED]))))


def file_periodic_report(ctx: Ctx, organisation_id: Any) -> dict[str, Any]:
    org = _org(ctx, organisation_id)
    people = [a for a in members(ctx, org) if a.valid_until]
    if not people:
        raise RuleViolation.one("WZBAM173E", "organisation_id", **catalog.refusal("report_without_users"))
    earliest = min(a.valid_until for a in people if a.valid_until)
    due = add_months(earliest, -ctx.ed.periodic_report_due_months)
    report = PeriodicReport(organisation_id=org.id, filed_at=ctx.now, late=ctx.now > due)
    ctx.db.add(report)
    org.report_status = ReportStatus.PENDING
    ctx.db.flush()
    ctx.audit("periodic_report.filed", f"organisation:{org.id}", report=report.id, late=report.late)
    return report_view(report, due)


def report_view(report: PeriodicReport, due: dt.datetime | None = None) -> dict[str, Any]:
    out = {"id": report.id, "organisation_id": report.organisation_id, "status": report.status,
           "filed_at": report.filed_at.isoformat(), "late": report.late,
           "decided_at": report.decided_at.isoformat() if report.decided_at else None}
    if due:
        out["due_by"] = due.isoformat()
    return out


def decide_periodic_report(ctx: Ctx, report_id: Any, approve: Any) -> dict[str, Any]:
    """Approval: every user's validity becomes previous expiry + 1 year (Q9-4); all are told (Q9-3)."""
    report = ctx.db.get(PeriodicReport, report_id) if _small_id(report_id) else None
    if report is None:
        raise RuleViolation.one("RASIM404E", "id")
    if not isinstance(approve, bool):
        raise RuleViolation.one("RASIM400E", "approve", 理由="approve must be true or false")
    if report.status != "pending":
        raise RuleViolation.one("WZBAM173E", "id", **catalog.refusal("report_decided"))
    org = ctx.db.get(Organisation, report.organisation_id)
    assert org is not None
    report.status = "approved" if approve else "refused"
    report.decided_at = ctx.now
    org.report_status = ReportStatus.APPROVED if approve else ReportStatus.REFUSED
    for account in members(ctx, org):
        if approve and account.valid_until:
            account.valid_until = add_years(account.valid_until, 1)
            schedule_validity_events(ctx, account)
        ctx.mail(account.email, "periodic_report_result", account.id, name=account.name, organisation=org.name,
                 result=catalog.mail_word("report_approved" if approve else "report_refused"),
                 detail=(catalog.mail_word("report_approved_detail", date=f"{account.valid_until:%Y/%m/%d}")
                         if approve and account.valid_until else catalog.mail_word("report_refused_detail")))
    ctx.audit("periodic_report.decided", f"organisation:{org.id}", report=report.id, approved=approve)
    return report_view(report)


def _account_by_id(ctx: Ctx, auth_id: Any) -> Account:
    account = find_account(ctx, auth_id) if isinstance(auth_id, str) else None
    if account is None:
        raise RuleViolation.one("RASIM404E", "auth_id")
    return account


def set_account_state(ctx: Ctx, auth_id: Any, action: str) -> dict[str, Any]:
    """Bureau actions: suspend (利用停止), resume (再開), delete (抹消, e.g. on a retirement report), and
    unlock (the ID and password re-notified at a counter lift a lock at once, WZBAM153E)."""
    account = _account_by_id(ctx, auth_id)
    if action == "unlock":
        account.failed_logins, account.locked_until = 0, None
        ctx.audit("account.unlocked", f"account:{account.id}", by="bureau")
        return {"auth_id": account.auth_id, "status": account.status, "locked": False}
    transitions = {"suspend": ({Status.ACTIVE}, Status.SUSPENDED, catalog.mail_word("suspend")),
                   "resume": ({Status.SUSPENDED}, Status.ACTIVE, catalog.mail_word("resume")),
                   "delete": ({Status.ACTIVE, Status.SUSPENDED, Status.PENDING_PASSWORD, Status.LAPSED},
                              Status.DELETED, catalog.mail_word("delete"))}
    if action not in transitions:
        raise RuleViolation.one("RASIM400E", "action", 理由="action must be suspend, resume, delete or unlock")
    allowed, new_status, label = transitions[action]
    if account.status not in allowed:
        raise RuleViolation.one("WZBAM173E", "auth_id",
                                **catalog.refusal("account_state", status=account.status, action=label))
    account.status = new_status
    ctx.mail(account.email, "account_status", account.id, name=account.name, auth_id=account.auth_id, action=label)
    ctx.audit(f"account.{action}", f"account:{account.id}", auth_id=account.auth_id)
    return {"auth_id": account.auth_id, "status": account.status}


def inspect_account(ctx: Ctx, auth_id: str) -> dict[str, Any]:
    """An account as the bureau sees it."""
    return account_view(_account_by_id(ctx, auth_id))


def account_view(a: Account) -> dict[str, Any]:
    iso = lambda v: v.isoformat() if v else None  # noqa: E731
    return {"id": a.id, "auth_id": a.auth_id, "category": a.category, "status": a.status, "name": a.name,
            "email": a.email, "valid_until": iso(a.valid_until), "locked_until": iso(a.locked_until),
            "failed_logins": a.failed_logins, "password_expires_at": iso(a.password_expires_at),
            "organisation_id": a.organisation_id, "agent_certificate_number": a.agent_certificate_number,
            "has_password": bool(a.password_hash)}


def list_periodic_reports(ctx: Ctx) -> list[dict[str, Any]]:
    rows = ctx.db.scalars(select(PeriodicReport).order_by(PeriodicReport.id.desc()).limit(200))
    return [report_view(r) for r in rows]


def list_organisations(ctx: Ctx) -> list[dict[str, Any]]:
    rows = ctx.db.scalars(select(Organisation).order_by(Organisation.id).limit(500))
    return [{"id": o.id, "name": o.name, "kind": o.kind, "report_status": o.report_status} for o in rows]
