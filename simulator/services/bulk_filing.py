"""申請情報入力(一括), edition 2024 (004 §2.5, §2.11; FAQ Q4-23–Q4-26): STEP1 → upload (STEP2, the file
checked as a whole) → the two ticks (STEP3) → queued; the worker (the event queue: due at once, fired
by the next unit of work or by the ticker of `rasim serve`) checks every row as the screens would and,
in one transaction, turns each sound row into an application in 入力完了(申請未了) and the others into
one エラー(一括登録) item whose 登録エラー内容 (S26) lists their messages per 受付仮番号-枝番; the error
mail follows a few minutes later. A crash before the commit leaves the upload queued: it is processed
again from the start, so a batch is stored whole or not at all."""
from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

from sqlalchemy import select

from simulator import catalog
from simulator.adapters.db import Account, ScheduledEvent
from simulator.adapters.db_applications import Application, BulkInput
from simulator.catalog import places
from simulator.domain import bulk_format, receipt
from simulator.domain.applications import next_state, refusal
from simulator.domain.errors import Problems, RuleViolation
from simulator.domain.forms import validate_form
from simulator.services import bulk_reading, bulk_rows, residence_files, system
from simulator.services.application_rows import rule_row
from simulator.services.context import Ctx
from simulator.services.events import handler
from simulator.services.system import refuse_during_maintenance

REGISTRATION_EVENT, ERROR_MAIL_EVENT = "bulk_registration", "bulk_error_mail"
ROW_DELAY = "bulk_row_delay_ms"   # test support: the worker's pace, to stop a server in the middle of a batch


def describe(ctx: Ctx, bulk: BulkInput) -> dict[str, Any]:
    made = list(ctx.db.scalars(select(Application).where(Application.bulk_input_id == bulk.id)
                               .order_by(Application.id)))
    error = next((a.id for a in made if a.state == "bulk_error"), None)
    return {"id": bulk.id, "procedure": bulk.procedure, "status_of_residence": bulk.status_of_residence,
            "hsp_activity": bulk.hsp_activity, "filename": bulk.filename, "rows": bulk.rows, "state": bulk.state,
            "accepted": bulk.accepted, "defective": bulk.defective,
            "application_ids": [a.id for a in made if a.state != "bulk_error"], "error_application_id": error,
            "created_at": bulk.created_at.isoformat(),
            "processed_at": bulk.processed_at.isoformat() if bulk.processed_at else None,
            **({"read_result": bulk_reading.read_result(ctx, bulk)} if bulk.state == bulk_reading.READ else {}),
            **({"bulk_number": bulk.bulk_number, "count": bulk.accepted} if bulk.bulk_number else {})}


def check_upload_step1(ctx: Ctx, account: Account, values: dict[str, Any]) -> dict[str, Any]:
    from simulator.services.procedure_requests import refuse_until_approved

    refuse_until_approved(ctx, account)   # organisation staff: only once a usage request is approved (003 §3.3)
    return step1_for_file(account.category, values)


def step1_for_file(category: str, values: dict[str, Any]) -> dict[str, Any]:
    """S11: the same STEP1 as an individual input (WZBAM001E, 117E, 289E, …), for a procedure with a template;
    the screens, the API, `rasim bulk generate/template/export` and the template page all ask this."""
    from simulator.services.application_input import step1_of

    cleaned = step1_of(category, values)
    if cleaned["procedure"] not in bulk_format.settings()["procedures"]:
        raise RuleViolation.one("RASIM400E", "procedure", 理由="no bulk template for this 申請種別 (004 §2.5.1)")
    return {k: cleaned.get(k) for k in bulk_format.settings()["step1"]["fields"]}


def upload(ctx: Ctx, account: Account, values: dict[str, Any], filename: str, data: bytes) -> dict[str, Any]:
    """S11 「入力」 and S12 「次へ」: the file is checked as a whole and kept until STEP3 (an upload not yet
    confirmed replaces the previous one of the user)."""
    refuse_during_maintenance(ctx)
    step1 = check_upload_step1(ctx, account, values)
    if not data:
        raise RuleViolation.one("WZBAM001E", "bulk_file")
    _lay, rows = bulk_rows.check_shape(ctx, account.category, step1, filename or "", data)
    for old in ctx.db.scalars(select(BulkInput).where(BulkInput.account_id == account.id,
                                                      BulkInput.state == "uploaded")):
        ctx.db.delete(old)
    bulk = BulkInput(account_id=account.id, procedure=step1["procedure"], status_of_residence=step1["status_of_residence"],
                     hsp_activity=step1.get("hsp_activity"), filename=(filename or "")[:255], content=data,
                     rows=len(rows), state="uploaded", accepted=0, defective=0, defects_json="[]", created_at=ctx.now)
    ctx.db.add(bulk)
    ctx.db.flush()
    ctx.audit("bulk_input.uploaded", f"bulk_input:{bulk.id}", rows=len(rows), procedure=bulk.procedure)
    if ctx.ed.bulk_reading == READ_AT_UPLOAD:
        bulk_reading.read_at_upload(ctx, account, bulk, step1)
    return describe(ctx, bulk)


READ_AT_UPLOAD = "at_upload"


def saved(ctx: Ctx, account: Account) -> dict[str, Any]:
    return describe(ctx, bulk_reading.saved(ctx, account))


def fix_row(ctx: Ctx, account: Account, bulk_id: int, line: int, values: dict[str, Any]) -> dict[str, Any]:
    return describe(ctx, bulk_reading.fix_row(ctx, account, bulk_id, line, values))


def attach_row_photo(ctx: Ctx, account: Account, bulk_id: int, line: int, filename: str, data: bytes) -> dict[str, Any]:
    bulk = bulk_reading.read_bulk(ctx, account, bulk_id, line)
    residence_files.attach_photo(ctx, account, _row(bulk, line), filename, data)
    return describe(ctx, bulk_reading.refresh(ctx, bulk))


def attach_row_document(ctx: Ctx, account: Account, bulk_id: int, line: int, filename: str, received: Any,
                        files_dir: Any) -> dict[str, Any]:
    try:
        bulk = bulk_reading.read_bulk(ctx, account, bulk_id, line)
    except RuleViolation:
        from simulator.adapters import uploads

        uploads.discard(received)
        raise
    residence_files.attach_document(ctx, account, _row(bulk, line), filename, received, files_dir)
    return describe(ctx, bulk_reading.refresh(ctx, bulk))


def remove_row_file(ctx: Ctx, account: Account, bulk_id: int, line: int, file_id: int) -> dict[str, Any]:
    bulk = bulk_reading.read_bulk(ctx, account, bulk_id, line)
    residence_files.remove(ctx, _row(bulk, line), file_id)
    return describe(ctx, bulk_reading.refresh(ctx, bulk))


def _row(bulk: Any, line: int) -> residence_files.Holder:
    return {"bulk_input_id": bulk.id, "line": line}


def submit_read(ctx: Ctx, account: Account, bulk_id: int) -> dict[str, Any]:
    return describe(ctx, bulk_reading.submit(ctx, account, bulk_id))


def layout_for(ctx: Ctx, account: Account, bulk_id: int) -> bulk_format.Layout:
    """The columns of one of the user's uploads (the cells [申込詳細] shows and reads back)."""
    bulk = own_bulk(ctx, account, bulk_id)
    return bulk_format.layout(account.category, bulk.procedure, bulk.status_of_residence, ctx.ed.name)


def own_bulk(ctx: Ctx, account: Account, bulk_id: Any) -> BulkInput:
    bulk = ctx.db.get(BulkInput, bulk_id) if isinstance(bulk_id, int) else None
    if bulk is None or bulk.account_id != account.id:
        raise RuleViolation.one("RASIM404E", "bulk_input_id")
    return bulk


def show(ctx: Ctx, account: Account, bulk_id: int) -> dict[str, Any]:
    return describe(ctx, own_bulk(ctx, account, bulk_id))


def confirm(ctx: Ctx, account: Account, bulk_id: int, values: dict[str, Any]) -> dict[str, Any]:
    """S13 「申請情報入力」: both ticks (WZBAM110E, WZBAM122E), then queued for the worker (S14)."""
    refuse_during_maintenance(ctx)
    bulk = own_bulk(ctx, account, bulk_id)
    if bulk.state != "uploaded":
        raise RuleViolation.one("RASIM454E", "bulk_input_id")
    problems = Problems()
    validate_form(catalog.form("bulk_confirm", ctx.ed), values, problems)
    problems.raise_if_any()
    bulk.state, bulk.queued_at = "queued", ctx.now
    ctx.schedule(ctx.now, REGISTRATION_EVENT, account.id, bulk_input_id=bulk.id)
    ctx.audit("bulk_input.queued", f"bulk_input:{bulk.id}", rows=bulk.rows)
    return describe(ctx, bulk)


def _bureau(account: Account, results: list[bulk_rows.RowResult]) -> str:
    """Whose office the error item is filed with: the first applicant's address, else the user's (rasim)."""
    for r in results:
        for step in r.values.values():
            code = step.get("residence_pref_city") or step.get("contact_pref_city")
            if isinstance(code, str) and places.municipality(code):
                return places.bureau_for(code)
    found = places.municipality_named(account.address_pref_city or "")
    return places.bureau_for(found.code) if found else catalog.table("bureaus.csv")[0]["key"]


def register(ctx: Ctx, bulk: BulkInput) -> None:
    """The worker: every row checked again now, the sound ones made applications, the rest one error item."""
    from simulator.services.application_input import make_application

    account = ctx.db.get(Account, bulk.account_id)
    step1 = {"procedure": bulk.procedure, "status_of_residence": bulk.status_of_residence,
             "hsp_activity": bulk.hsp_activity}
    try:
        checked = bulk_rows.check_file(ctx, account, step1, bulk.filename, bulk.content)
        results = checked.rows
    except RuleViolation as v:   # the catalogue changed since the upload: the whole file is one defect
        p = v.problems[0]
        results = [bulk_rows.RowResult(1, [], {}, defects=[bulk_rows.Defect(1, "", p.code, bulk_rows.message_of(p))])]
    accepted = 0
    delay = int(system.flag(ctx, ROW_DELAY) or 0) / 1000
    for r in results:
        if delay:
            time.sleep(delay)
        if r.defects:
            continue
        merged = {k: v for k, v in r.merged.items() if k != "_record_id"}
        inp = bulk_rows.transient_input(account, step1, r.values)
        app = make_application(ctx, account, inp, merged, r.merged.get("_record_id"))
        app.values_json, app.bulk_input_id = inp.values_json, bulk.id
        accepted += 1
    bad = [r for r in results if r.defects]
    if bad:
        _error_item(ctx, account, bulk, results, bad)
    bulk.state, bulk.processed_at, bulk.accepted, bulk.defective = "processed", ctx.now, accepted, len(bad)
    ctx.audit("bulk_input.processed", f"bulk_input:{bulk.id}", accepted=accepted, defective=len(bad))


def _error_item(ctx: Ctx, account: Account, bulk: BulkInput, results: list[bulk_rows.RowResult],
                bad: list[bulk_rows.RowResult]) -> None:
    app = Application(account_id=account.id, procedure=bulk.procedure, status_of_residence=bulk.status_of_residence,
                      hsp_activity=bulk.hsp_activity, state=next_state(ctx.ed.applications_edition, None,
                                                                       "bulk_rows_failed"),
                      photo_state="blank", document_state="blank", bureau=_bureau(account, results),
                      applicant_name="", applicant_email="", input_completed_at=ctx.now, bulk_input_id=bulk.id)
    ctx.db.add(app)
    ctx.db.flush()
    app.provisional_number = receipt.provisional_number(ctx.now.year, app.id)
    entries = []
    for r in bad:   # 枝番: the row's place among the file's applicants, from 00 (004 §2.11.1 「…-00」; rasim)
        index = results.index(r)
        entries.append({"branch": f"{app.provisional_number}-{index:02d}", "line": r.line,
                        "applicant_name": r.applicant_name, "birth_date": r.birth_date,
                        "errors": [d.as_dict() for d in r.defects]})
    bulk.defects_json = json.dumps(entries, ensure_ascii=False)
    ctx.schedule(ctx.now + dt.timedelta(minutes=ctx.ed.bulk_error_mail_minutes), ERROR_MAIL_EVENT, account.id,
                 bulk_input_id=bulk.id)


@handler(REGISTRATION_EVENT)
def _registration(ctx: Ctx, ev: ScheduledEvent, payload: dict) -> None:
    bulk = ctx.db.get(BulkInput, payload.get("bulk_input_id"))
    if bulk is not None and bulk.state == "queued":
        register(ctx, bulk)


@handler(ERROR_MAIL_EVENT)
def _error_mail(ctx: Ctx, ev: ScheduledEvent, payload: dict) -> None:
    bulk = ctx.db.get(BulkInput, payload.get("bulk_input_id"))
    account = ctx.db.get(Account, ev.account_id) if ev.account_id else None
    if bulk is None or account is None or not bulk.defective:
        return
    ctx.mail(account.email, "bulk_registration_error", account.id, name=account.name, filename=bulk.filename,
             rows=str(bulk.rows), accepted=str(bulk.accepted), defective=str(bulk.defective),
             uploaded_at=f"{bulk.created_at:%Y/%m/%d %H:%M}")


def errors(ctx: Ctx, account: Account, application_id: int) -> dict[str, Any]:
    """一括申請エラー確認 → S26 登録エラー内容 (WZBAM169E for a row not in エラー(一括登録))."""
    from simulator.services.applications import own_application

    app = own_application(ctx, account, application_id)
    code = refusal(ctx.ed.applications_edition, "show_bulk_errors", rule_row(app))
    if code:
        raise RuleViolation.one(code)
    bulk = ctx.db.get(BulkInput, app.bulk_input_id) if app.bulk_input_id else None
    entries = json.loads(bulk.defects_json) if bulk is not None else []
    for entry in entries:   # what S26 shows for the row (FAQ Q4-26), besides each error's own code and message
        entry["screen_messages"] = bulk_format.screen_messages(entry["errors"])
    return {"application_id": app.id, "provisional_number": app.provisional_number,
            "bulk_input_id": app.bulk_input_id, "filename": bulk.filename if bulk else "", "entries": entries}


def set_row_delay(ctx: Ctx, body: dict[str, Any]) -> dict[str, Any]:
    """Test support: the worker waits this long before each row (0: off), so that a test can kill a server in
    the middle of a batch."""
    delay = body.get("row_delay_ms")
    if isinstance(delay, bool) or not isinstance(delay, int) or not 0 <= delay <= 1000:
        raise RuleViolation.one("RASIM400E", "row_delay_ms", 理由="row_delay_ms from 0 to 1000")
    system.set_flag(ctx, ROW_DELAY, str(delay))
    ctx.audit("system.bulk_row_delay", None, row_delay_ms=delay)
    return {"row_delay_ms": delay}


def layout_of(ctx: Ctx, account: Account, values: dict[str, Any]) -> dict[str, Any]:
    """The columns of the bulk file for a STEP1 choice of this user, as data (beyond the real system, whose
    template is the only description): per sheet, each column's header, the step and field its cells land
    in, and the words of its pull-down by value — what the template's export and the upload read."""
    step1 = check_upload_step1(ctx, account, values)
    lay = bulk_format.layout(account.category, step1["procedure"], step1["status_of_residence"], ctx.ed.name)

    def column(c: bulk_format.Column) -> dict[str, Any]:
        words = {value: w[0] for value, w in bulk_format.choices_of(c.spec)}
        return {"header": c.header, "step": c.step, "field": c.field, "part": c.part, "index": c.index,
                "kind": c.spec.kind.split(":", 1)[0], **({"words": words} if words else {})}

    from simulator.domain import input_plan

    steps = input_plan.plan(account.category, step1["procedure"], step1["status_of_residence"]).steps
    return {"procedure": lay.procedure, "status_of_residence": lay.status,
            "steps": [{"step": step, "form": form} for step, form in steps],
            "encoding": bulk_format.settings()["encoding"], "rules_row": bulk_format.settings()["rules_row"],
            "max_rows": ctx.ed.bulk_max_rows, "max_bytes": ctx.ed.bulk_max_bytes,
            "sheets": [{"name": s.name, "columns": [column(c) for c in s.columns]} for s in lay.sheets]}
