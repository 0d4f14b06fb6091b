"""The electronic COE (FAQ Q8; 004 §2.14; 003 §7.4): issued when a COE application with e-mail receipt is
approved, numbered per bureau and year (004 §5.3, 札オン認(XP)I22-000082), a PDF with the paper COE's items
and no photo (Q8-2) attached to the mail with the URL of the 受領登録; its receipt registered once
(WZBAM271E after) — on the 2024 login page (S27/S28) or from the 2026 list — and, in 2026, the mail again
every 7 days until 3 months after issue while it is not registered."""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import select

from simulator import catalog
from simulator.adapters.db import Account, Mail, ScheduledEvent
from simulator.adapters.db_applications import Application
from simulator.adapters.db_decisions import ElectronicCoe
from simulator.domain import input_plan, receipt
from simulator.domain.person_checks import add_months
from simulator.domain.applications import refusal, state_labels
from simulator.domain.errors import RuleViolation
from simulator.services import lifecycle
from simulator.services.application_rows import bureau_name, rule_row
from simulator.services.context import Ctx
from simulator.services.events import handler

ITEMS = ("nationality", "applicant_name", "sex_applicant", "birth_date_applicant")


def issue(ctx: Ctx, account: Account, app: Application) -> ElectronicCoe:
    """The COE of an approved online application with e-mail receipt."""
    step = json.loads(app.values_json or "{}").get("step2_1", {})
    return issue_for(ctx, account, bureau=app.bureau, status=app.status_of_residence, applicant_name=app.applicant_name,
                     values=step, application=app)


def issue_for(ctx: Ctx, account: Account, bureau: str, status: str | None, applicant_name: str,
              values: dict[str, Any], application: Application | None) -> ElectronicCoe:
    """Number (per bureau and year), PDF, the reminders of the edition; the application when it was online."""
    from simulator.adapters.coe_pdf import render_coe
    from simulator.services.submission import _next_serial   # the bureau's counters of numbers

    prefix = next(r["receipt_prefix"] for r in catalog.table("bureaus.csv") if r["key"] == bureau)
    number = receipt.coe_number(prefix, input_plan.group_of(status), ctx.now.year,
                                _next_serial(ctx, bureau, catalog.receipt()["coe_counter_code"], ctx.now.year))
    items = _items(ctx, number, values, applicant_name, status, bureau, application.receipt_number if application else "")
    coe = ElectronicCoe(application_id=application.id if application else None, account_id=account.id,
                        number=number, issued_at=ctx.now,
                        pdf=render_coe(_word(ctx, "title"), items, _word(ctx, "footer")))
    ctx.db.add(coe)
    ctx.db.flush()
    if ctx.ed.coe_reminder_days:
        ctx.schedule(ctx.now + dt.timedelta(days=ctx.ed.coe_reminder_days), "coe_receipt_reminder", account.id,
                     coe_id=coe.id)
    ctx.audit("coe.issued", f"application:{application.id}" if application else f"account:{account.id}",
              coe_number=number)
    return coe


def _items(ctx: Ctx, number: str, step: dict[str, Any], applicant_name: str, status_key: str | None, bureau: str,
           receipt_number: str | None) -> list[tuple[str, str]]:
    valid = add_months(ctx.now.date(), catalog.receipt()["coe_valid_months"])
    items = [(_word(ctx, "number"), number), (_word(ctx, "issued_on"), f"{ctx.now:%Y年%m月%d日}"),
             (_word(ctx, "valid_until"), f"{valid:%Y年%m月%d日}")]
    for key in ITEMS:
        spec = catalog.field(key)
        value = str(step.get(key) or (applicant_name if key == "applicant_name" else ""))
        if spec.kind.startswith("list:") and value:
            try:
                value = catalog.list_label(spec.kind.split(":", 1)[1], value)
            except KeyError:
                pass
        items.append((spec.label_ja, value))
    status = next((r["label_ja"] for r in catalog.table("statuses_of_residence.csv") if r["key"] == status_key), "")
    items += [(_word(ctx, "status"), status), (_word(ctx, "bureau"), bureau_name(bureau)),
              (_word(ctx, "receipt_number"), receipt_number or "")]
    return items


def _word(ctx: Ctx, key: str) -> str:
    return catalog.labels(ctx.ed.name)["ja"][f"coe_pdf.{key}"]


def receipt_url(ctx: Ctx, coe: ElectronicCoe) -> str:
    return ctx.url(ctx.ed.coe_receipt_path.format(id=coe.id))


def attach(ctx: Ctx, mail: Mail, coe: ElectronicCoe) -> None:
    mail.attachment_name = f"{coe.id:08d}_COE.pdf"
    mail.attachment = coe.pdf


def view(ctx: Ctx, coe: ElectronicCoe) -> dict[str, Any]:
    return {"id": coe.id, "number": coe.number, "application_id": coe.application_id,
            "issued_at": coe.issued_at.isoformat(),
            "registered_at": coe.registered_at.isoformat() if coe.registered_at else None,
            "status_label": catalog.labels(ctx.ed.name)["ja"]["coe.registered" if coe.registered_at
                                                           else "coe.unregistered"],
            "reminders": coe.reminders}


def own_coe(ctx: Ctx, account: Account, coe_id: Any, lock: bool = False) -> ElectronicCoe:
    q = select(ElectronicCoe).where(ElectronicCoe.id == coe_id, ElectronicCoe.account_id == account.id)
    coe = ctx.db.scalars(q.with_for_update() if lock else q).first() if isinstance(coe_id, int) else None
    if coe is None:
        raise RuleViolation.one("RASIM404E", "coe_id")
    return coe


def list_coes(ctx: Ctx, account: Account) -> dict[str, Any]:
    """[受領登録] 受領登録一覧 (003 §7.4): the user's electronic COEs, newest first."""
    coes = ctx.db.scalars(select(ElectronicCoe).where(ElectronicCoe.account_id == account.id)
                          .order_by(ElectronicCoe.issued_at.desc(), ElectronicCoe.id.desc()))
    return {"coes": [view(ctx, c) for c in coes]}


def get_coe(ctx: Ctx, account: Account, coe_id: int) -> dict[str, Any]:
    return view(ctx, own_coe(ctx, account, coe_id))


def pdf_of(ctx: Ctx, account: Account, coe_id: int) -> tuple[bytes, str]:
    coe = own_coe(ctx, account, coe_id)
    return coe.pdf, f"{coe.number}.pdf"


def register(ctx: Ctx, account: Account, coe_id: Any) -> dict[str, Any]:
    """受領登録 (004 §2.14.1, 003 §7.4 [受領登録する]): once only, WZBAM271E after; the edition's state machine
    says whether the application moves with it (2026: 発行待ち → 完了)."""
    coe = own_coe(ctx, account, coe_id, lock=True)
    if coe.registered_at is not None:
        raise RuleViolation.one("WZBAM271E", status=409)
    app = ctx.db.get(Application, coe.application_id) if coe.application_id else None
    if app is not None:
        code = refusal(ctx.ed.applications_edition, "register_coe_receipt", rule_row(app))
        if code:
            raise RuleViolation.one(code, status=409)
        from simulator.domain.lifecycle import has_transition

        if has_transition(ctx.ed.applications_edition, app.state, "receipt_registered"):
            lifecycle.move(ctx, app, "receipt_registered")
    coe.registered_at = ctx.now
    ctx.audit("coe.receipt_registered", f"coe:{coe.id}", coe_number=coe.number)
    result = view(ctx, coe)
    if app is not None:
        result["application_state"] = app.state
        result["application_state_label"] = state_labels(ctx.ed.applications_edition)[app.state][0]
    return result


@handler("coe_receipt_reminder")
def _remind(ctx: Ctx, ev: ScheduledEvent, payload: dict) -> None:
    """003 §7.4: 7 days after the COE mail without 受領登録, the mail again, then every 7 days until 3 months
    after issue."""
    coe = ctx.db.get(ElectronicCoe, payload.get("coe_id"))
    if coe is None or coe.registered_at is not None:
        return
    if ctx.now.date() > add_months(coe.issued_at.date(), ctx.ed.coe_reminder_months):
        return
    account = ctx.db.get(Account, coe.account_id)
    if account is None:
        return
    coe.reminders += 1
    ctx.mail(account.email, "coe_receipt_reminder", account.id, name=account.name, coe_number=coe.number,
             url=receipt_url(ctx, coe))
    nxt = ctx.now + dt.timedelta(days=ctx.ed.coe_reminder_days)
    if nxt.date() <= add_months(coe.issued_at.date(), ctx.ed.coe_reminder_months):
        ctx.schedule(nxt, "coe_receipt_reminder", account.id, coe_id=coe.id)


def login_for_receipt(ctx: Ctx, auth_id: Any, password: Any, coe_id: Any) -> tuple[Account, ElectronicCoe]:
    """ログイン(受領登録) (S27): the login rules (WZBAM001E, WZBAM270E, the lock), then the user's own COE, not yet
    registered (WZBAM271E)."""
    from simulator.services import sessions

    account, _facts = sessions.checked_credentials(ctx, auth_id, password)
    coe = own_coe(ctx, account, coe_id, lock=True)
    if coe.registered_at is not None:
        raise RuleViolation.one("WZBAM271E", status=409)
    return account, coe


def register_by_login(ctx: Ctx, auth_id: Any, password: Any, coe_id: Any, confirmed: bool) -> dict[str, Any]:
    """S27 → D4 → S28: checked (confirmed False: what D4 shows), or checked and registered."""
    account, coe = login_for_receipt(ctx, auth_id, password, coe_id)
    if not confirmed:
        return view(ctx, coe) | {"name": account.name, "account_id": account.id}
    return register(ctx, account, coe.id) | {"name": account.name}


def register_confirmed(ctx: Ctx, account_id: Any, coe_id: Any) -> dict[str, Any]:
    """D4 「OK」 after ログイン(受領登録): the screen has checked the credentials a moment before (its signed
    session holds who); the registration itself, WZBAM271E if it happened meanwhile."""
    account = ctx.db.get(Account, account_id) if isinstance(account_id, int) else None
    if account is None:
        raise RuleViolation.one("WZBAM270E", "auth_id", status=401)
    return register(ctx, account, coe_id) | {"name": account.name}
