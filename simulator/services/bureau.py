"""The bureau's side of an application (test support and the bureau console): take it into examination,
ask for a photo or documents again (2024: 追完待ち, 004 §2.12–§2.13; 2026: 返却中, 003 §7.2, the mail again
after 7 days), approve — the next state and the mail follow the receipt method (FAQ Q6-1 post: 発行待ち and
the documents to send; Q7-2 counter; Q8-1 e-mail: the electronic COE) — refuse, and issue. Which action a
state allows, where it leads and which mail it sends is data (domain.lifecycle)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from simulator import catalog
from simulator.adapters.db import Account, Organisation, ScheduledEvent
from simulator.adapters.db_applications import Application
from simulator.domain.errors import RuleViolation
from simulator.domain.lifecycle import ActionRefused, bureau_actions, decide
from simulator.services import electronic_coe, lifecycle
from simulator.services.application_rows import bureau_name, row_of, rule_row
from simulator.services.context import Ctx
from simulator.services.events import handler

ITEMS = {"request_photo": "photo", "request_documents": "documents"}   # their words: labels [bureau_words]


def word(ctx: Ctx, key: str) -> str:
    return catalog.labels(ctx.ed.name)["ja"][f"bureau_words.{key}"]


def procedure_label(key: str) -> str:
    return next(r["label_ja"] for r in catalog.table("procedures.csv") if r["key"] == key)


def actions(ctx: Ctx) -> list[dict[str, str]]:
    return [{"action": a.action, "label_ja": a.label_ja} for a in bureau_actions(ctx.ed.applications_edition).values()]


def act(ctx: Ctx, application_id: Any, action: Any) -> dict[str, Any]:
    """One action of the bureau on an application; RASIM470E when its state does not allow it."""
    if not isinstance(action, str) or action not in bureau_actions(ctx.ed.applications_edition):
        raise RuleViolation.one("RASIM400E", "action", 理由="action is one of " +
                                ", ".join(bureau_actions(ctx.ed.applications_edition)))
    app = ctx.db.get(Application, application_id, with_for_update=True) if isinstance(application_id, int) else None
    if app is None or app.parent_id is not None:
        raise RuleViolation.one("RASIM404E", "application_id")
    account = ctx.db.get(Account, app.account_id)
    assert account is not None
    try:
        if not app.receipt_number:   # the bureau works on numbered applications (rasim)
            raise ActionRefused("RASIM470E", 状態=word(ctx, "not_numbered"), 操作=bureau_actions(
                ctx.ed.applications_edition)[action].label_ja)
        outcome = decide(ctx.ed.applications_edition, action, rule_row(app), app.receipt_method)
    except ActionRefused as refused:
        raise RuleViolation.one(refused.code, status=409, **refused.words) from None
    before = app.state
    app.state, app.photo_state, app.document_state = outcome.state, outcome.photo_state, outcome.document_state
    lifecycle.record(ctx, app, outcome.event or action, before)
    if action in ("approve", "refuse"):
        app.decision, app.decided_at = ("approved" if action == "approve" else "refused"), ctx.now
    words = _words(ctx, account, app)
    if action in ITEMS:
        what = ITEMS[action]
        item = word(ctx, f"{what}_item")
        words |= {"item": item, "column": word(ctx, f"{what}_column"), "button": word(ctx, f"{what}_button"),
                  "again": "", "url": ctx.url("/login")}
        if ctx.ed.correction_reminder_days:
            ctx.schedule(ctx.now + dt.timedelta(days=ctx.ed.correction_reminder_days), "correction_reminder",
                         account.id, application_id=app.id, item=item, since=ctx.now.isoformat())
    if outcome.mail == "examination_completed_mail":
        coe = electronic_coe.issue(ctx, account, app)
        words |= {"coe_number": coe.number, "url": electronic_coe.receipt_url(ctx, coe)}
    if outcome.mail:
        m = ctx.mail(account.email, outcome.mail, account.id, **words)
        if outcome.mail == "examination_completed_mail":
            electronic_coe.attach(ctx, m, coe)
    ctx.audit(f"bureau.{action}", f"application:{app.id}", state=app.state, photo=app.photo_state,
              document=app.document_state)
    return row_of(ctx, app) | {"history": lifecycle.history(ctx, app.id)}


def _words(ctx: Ctx, account: Account, app: Application) -> dict[str, Any]:
    data = catalog.receipt()
    kind = "card" if app.procedure not in ("work_qualification_certificate", "coe") else app.procedure
    method = app.receipt_method or ""
    docs = list(data["documents"].get(method, {}).get(kind, []))
    if method == "post" and kind == "card" and any(
            (app.status_of_residence or "").startswith(p) for p in data["documents"]["post"]["designation_statuses"]):
        docs.append(data["documents"]["post"]["card_designation"])
    fee = data["fees"].get(app.procedure) or data["fees"]["unstated"]
    destination = user_address(ctx, account)
    office = bureau_name(app.receiving_office)
    delivery = data["delivery"].get(method, "").format(destination=destination, office=office)
    return {"name": account.name, "receipt_number": app.receipt_number or app.provisional_number or "",
            "procedure": procedure_label(app.procedure), "applicant_name": app.applicant_name,
            "documents": "\n".join(f"・{d}" for d in docs), "fee": fee, "send_to": data["send_to"],
            "days": ctx.ed.postal_receipt_documents_days, "destination": destination, "office": office,
            "delivery": delivery}


def user_address(ctx: Ctx, account: Account) -> str:
    """Where a card by post goes (FAQ Q6-2): the organisation's location for its staff, else the user's own
    registered address (an office's for a lawyer or scrivener)."""
    if account.organisation_id:
        org = ctx.db.get(Organisation, account.organisation_id)
        if org is not None and org.address:
            return org.address
    return f"{account.address_pref_city}{account.address_street}"


@handler("correction_reminder")
def _remind(ctx: Ctx, ev: ScheduledEvent, payload: dict) -> None:
    """003 §7.2 参考: 7 days after the request without a correction, the mail again (once: rasim)."""
    app = ctx.db.get(Application, payload.get("application_id"))
    if app is None or app.state != "returned":
        return
    since = dt.datetime.fromisoformat(payload.get("since", ""))
    later = ctx.db.scalars(select(ScheduledEvent).where(ScheduledEvent.kind == "correction_reminder",
                                                        ScheduledEvent.id > ev.id,
                                                        ScheduledEvent.account_id == app.account_id)).all()
    if any(f'"application_id": {app.id},' in e.payload for e in later):
        return   # a newer request has its own reminder
    account = ctx.db.get(Account, app.account_id)
    if account is None:
        return
    item = payload.get("item", "")
    ctx.mail(account.email, "correction_requested", account.id, **(_words(ctx, account, app) | {
        "item": item, "again": word(ctx, "again"), "url": ctx.url("/login")}))
    ctx.audit("bureau.correction_reminded", f"application:{app.id}", since=since.isoformat())


def list_applications(ctx: Ctx, query: dict[str, Any]) -> dict[str, Any]:
    """The bureau's list: every submitted main application, newest first."""
    q = select(Application).where(Application.parent_id.is_(None), Application.submitted_at.is_not(None))
    if query.get("state"):
        q = q.where(Application.state == query["state"])
    apps = list(ctx.db.scalars(q.order_by(Application.submitted_at.desc(), Application.id.desc())
                               .limit(query.get("limit") or 100)))
    names = {a.id: a.auth_id for a in ctx.db.scalars(select(Account).where(
        Account.id.in_({a.account_id for a in apps})))} if apps else {}
    return {"applications": [row_of(ctx, a) | {"auth_id": names.get(a.account_id), "applicant_name": a.applicant_name,
                                               "decision": a.decision}
                             for a in apps], "actions": actions(ctx)}
