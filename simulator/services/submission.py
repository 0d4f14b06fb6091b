"""「入管庁に申請を行う」 (S16 → S20; 004 §2.7.8) and the numbers that follow (FAQ Q4-14 – Q4-16): the photo,
the receipt method and the day rules are checked again; the application (with its simultaneous ones)
becomes 申請完了 with 受付日 = today; at once the 申請受付仮番号 mail to the user and to the applicant's
notification address; on the next day the 申請受付番号 with the prefix of the bureau whose jurisdiction
covers the address — or, when the test-support fault switch says so, エラー(申請受付番号取得エラー)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from simulator import catalog
from simulator.adapters.db import Account, ScheduledEvent
from simulator.adapters.db_applications import Application, ReceiptCounter, ResidenceRecord
from simulator.domain import person_checks as checks
from simulator.domain import input_plan, receipt
from simulator.domain.lifecycle import has_transition
from simulator.domain.errors import Problem, RuleViolation
from simulator.services import application_search, bureau_scripts, lifecycle, reference_numbers, residence_records, system
from simulator.services.application_input import pending_for
from simulator.services.application_rows import row_of
from simulator.services.applications import check_operation, own_application
from simulator.services.attachments import refuse_excluded_post
from simulator.services.context import Ctx
from simulator.services.events import handler

NUMBERING_FAULT = "fault.next_receipt_numbers_fail"   # SystemFlag: how many of the next numberings fail


def submit(ctx: Ctx, account: Account, application_id: int) -> dict[str, Any]:
    system.refuse_during_maintenance(ctx)
    app = own_application(ctx, account, application_id, lock=True)
    check_operation(ctx, app, "submit")
    today = ctx.now.date()
    problems: list[Problem] = []
    if app.photo_state in ("none",) and receipt.photo_required(app.procedure, app.applicant_birth_date, today):
        problems.append(Problem("WZBAM179E", "photo"))
    if not app.receipt_method:
        problems.append(Problem("WZBAM001E", receipt.method_field(app.procedure)))
    try:
        refuse_excluded_post(ctx, app, app.receipt_method)
    except RuleViolation as excluded:
        problems += excluded.problems
    record = ctx.db.get(ResidenceRecord, app.record_id) if app.record_id else None
    values = {"acquisition_event_date": _event_date(app)}
    problems += checks.date_problems(app.procedure, record and residence_records.facts(record), values, today)
    if record is not None and pending_for(ctx, record.id, other_than=app.id):
        problems.append(Problem("WZBAM118E"))
    if problems:
        raise RuleViolation(problems)
    companions = list(ctx.db.scalars(select(Application).where(Application.parent_id == app.id)))
    reference = _reference(ctx, account, app)
    mark_submitted(ctx, account, app, companions)
    return row_of(ctx, app, companions) | {"notified_to": [account.email, app.applicant_email]} | reference


def _reference(ctx: Ctx, account: Account, app: Application) -> dict[str, str]:
    """003 §1.7, §4.2.4: where the edition gives one (submission_reference), 申込む first mails the 整理番号 and
    the パスワード, then comes the 受付仮番号 mail. The パスワード is answered once; its hash is kept."""
    if not ctx.ed.submission_reference:
        return {}
    app.submitted_at = ctx.now   # the 整理番号 carries the year of 申込
    number = application_search.reference_number(app)
    password, app.password_hash = reference_numbers.issue(ctx, account, _procedure(app.procedure), number)
    return {"reference_number": number, "password": password}


def mark_submitted(ctx: Ctx, account: Account, app: Application, companions: list[Application]) -> None:
    """申請完了 with 受付日 = today and the 申請受付仮番号, its mail to the user and to the applicant's address,
    and the 申請受付番号 due the next day: the end of a submission, one application or each row of a bulk one."""
    today = ctx.now.date()
    for a in [app, *companions]:
        lifecycle.move(ctx, a, "submitted")
        a.submitted_at, a.received_on = ctx.now, today
        a.provisional_number = receipt.provisional_number(today.year, a.id)
    words = {"name": account.name, "provisional_number": app.provisional_number,
             "procedure": _procedure(app.procedure), "applied_at": f"{ctx.now:%Y/%m/%d %H:%M}",
             "received_on": f"{today:%Y/%m/%d}", "companions": "、".join(_procedure(c.procedure) for c in companions) or "なし"}
    ctx.mail(account.email, "application_received", account.id, **words)
    if app.applicant_email and app.applicant_email != account.email:
        ctx.mail(app.applicant_email, "application_received", None, **words)
    due = dt.datetime.combine(today + dt.timedelta(days=ctx.ed.receipt_number_delay_days), dt.time())
    ctx.schedule(due, "receipt_numbering", account.id, application_id=app.id)
    ctx.audit("application.submitted", f"application:{app.id}", provisional_number=app.provisional_number,
              companions=[c.id for c in companions])
    bureau_scripts.on_submitted(ctx, account, app)


def _procedure(key: str) -> str:
    return next(r["label_ja"] for r in catalog.table("procedures.csv") if r["key"] == key)


def _event_date(app: Application) -> Any:
    import json

    from simulator.domain.forms import validate_form
    from simulator.domain.errors import Problems

    step = json.loads(app.values_json or "{}").get("step2_2", {})
    if "acquisition_event_date" not in step:
        return None
    return validate_form(catalog.form("details_acquisition_of_status"), step, Problems(),
                         only=["acquisition_event_date"]).get("acquisition_event_date")


def _next_serial(ctx: Ctx, bureau: str, code: str, year: int) -> int:
    counter = ctx.db.scalars(select(ReceiptCounter).where(ReceiptCounter.bureau == bureau, ReceiptCounter.code == code,
                                                          ReceiptCounter.year == year).with_for_update()).first()
    if counter is None:
        counter = ReceiptCounter(bureau=bureau, code=code, year=year, last_serial=0)
        ctx.db.add(counter)
    counter.last_serial += 1
    ctx.db.flush()
    return counter.last_serial


def _take_fault(ctx: Ctx) -> bool:
    left = int(system.flag(ctx, NUMBERING_FAULT) or 0)
    if left > 0:
        system.set_flag(ctx, NUMBERING_FAULT, str(left - 1))
        return True
    return False


def set_numbering_fault(ctx: Ctx, body: dict[str, Any]) -> dict[str, Any]:
    """Test support: the next `count` receipt numberings fail (FAQ Q4-35); 0 switches it off."""
    count = body.get("count", 1)
    if not isinstance(count, int) or isinstance(count, bool) or not 0 <= count <= 1000:
        raise RuleViolation.one("RASIM400E", "count", 理由="count is an integer from 0 to 1000")
    system.set_flag(ctx, NUMBERING_FAULT, str(count))
    ctx.audit("fault.receipt_numbering", None, count=count)
    return {"next_receipt_numbers_fail": count}


@handler("receipt_numbering")
def _number(ctx: Ctx, ev: ScheduledEvent, payload: dict) -> None:
    app = ctx.db.get(Application, payload.get("application_id"))
    if app is None or app.receipt_number or not (has_transition(ctx.ed.applications_edition, app.state, "numbered")
                                                 or has_transition(ctx.ed.applications_edition, app.state,
                                                                   "numbering_failed")):
        return
    account = ctx.db.get(Account, app.account_id)
    if _take_fault(ctx) or bureau_scripts.numbering_fails(ctx, app):
        if not has_transition(ctx.ed.applications_edition, app.state, "numbering_failed"):
            # an edition without an error state for it (2026): tried again the next day (rasim)
            ctx.schedule(ctx.now + dt.timedelta(days=1), "receipt_numbering", app.account_id, application_id=app.id)
            ctx.audit("application.numbering_failed", f"application:{app.id}", retry=True)
            return
        lifecycle.move(ctx, app, "numbering_failed")
        if account is not None:
            ctx.mail(account.email, "receipt_number_error", account.id, name=account.name,
                     provisional_number=app.provisional_number or "", procedure=_procedure(app.procedure))
        ctx.audit("application.numbering_failed", f"application:{app.id}")
        return
    code = next(r["receipt_number_code"] for r in catalog.table("procedures.csv") if r["key"] == app.procedure)
    prefix = next(r["receipt_prefix"] for r in catalog.table("bureaus.csv") if r["key"] == app.bureau)
    year = (app.received_on or ctx.now.date()).year
    app.receipt_number = receipt.receipt_number(prefix, code, input_plan.group_of(app.status_of_residence), year,
                                                _next_serial(ctx, app.bureau, code, year))
    if has_transition(ctx.ed.applications_edition, app.state, "numbered"):
        lifecycle.move(ctx, app, "numbered")
    words = {"name": account.name if account else "", "receipt_number": app.receipt_number,
             "provisional_number": app.provisional_number or "", "procedure": _procedure(app.procedure),
             "received_on": f"{app.received_on:%Y/%m/%d}" if app.received_on else ""}
    if account is not None:
        ctx.mail(account.email, "receipt_number_issued", account.id, **words)
    if app.applicant_email and (account is None or app.applicant_email != account.email):
        ctx.mail(app.applicant_email, "receipt_number_issued", None, **words)
    ctx.audit("application.numbered", f"application:{app.id}", receipt_number=app.receipt_number)
