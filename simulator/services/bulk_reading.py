"""一括申請, edition 2026 (003 §5.2–§5.3.5): the upload read at once into [一括申請読込結果], 正常 or 要確認 per
row with the same checks as the worker's (bulk_rows); the last upload saved (「再開する」); a row fixed on
[申込詳細] (「修正する」), its photo and PDFs attached (residence_files); one [申込む] when every row is 正常 →
each row an application in 申請完了 with its 受付仮番号, one 一括申請番号 and 一括申請件数 for the lot, and
the mails per applicant (申込完了 to the user; 受付仮番号 and, the next day, 申請受付番号 to the user and to
the applicant). A row is 要確認 while its values have a defect, or while it lacks the photo its applicant
must have (WZBAM179E, rasim: 003 does not say whether a missing photo makes a row 要確認)."""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import select

from simulator import catalog
from simulator.adapters.db import Account
from simulator.adapters.db_applications import BulkInput
from simulator.domain import bulk_format, receipt
from simulator.domain.errors import Problem, RuleViolation
from simulator.services import bulk_rows, residence_files
from simulator.services.context import Ctx
from simulator.services.system import refuse_during_maintenance

READ, SUBMITTED = "read", "submitted"
ROW_OK, ROW_NEEDS_CHECK = "ok", "needs_check"
PHOTO_MISSING = "WZBAM179E"


def read_at_upload(ctx: Ctx, account: Account, bulk: BulkInput, step1: dict[str, Any]) -> None:
    """003 §5.3.1 [一括申請読込結果]: every row read now; the upload replaces the one saved before (§5.2: only
    the last is kept, with its files)."""
    for old in ctx.db.scalars(select(BulkInput).where(BulkInput.account_id == account.id, BulkInput.state == READ,
                                                      BulkInput.id != bulk.id)):
        ctx.db.delete(old)
    checked = bulk_rows.check_file(ctx, account, step1, bulk.filename, bulk.content)
    bulk.state = READ
    _store(ctx, bulk, [_read_row(ctx, bulk.procedure, r) for r in checked.rows])


def _read_row(ctx: Ctx, procedure: str, r: bulk_rows.RowResult) -> dict[str, Any]:
    birth = r.merged.get("birth_date_applicant")
    return {"line": r.line, "applicant_name": r.applicant_name, "birth_date": r.birth_date,
            "errors": [d.as_dict() for d in r.defects], "values": r.values,
            "photo_required": receipt.photo_required(procedure, birth if isinstance(birth, dt.date) else None,
                                                     ctx.now.date())}


def _store(ctx: Ctx, bulk: BulkInput, rows: list[dict[str, Any]]) -> None:
    bulk.defects_json = json.dumps(rows, ensure_ascii=False, default=str)
    shown = read_result(ctx, bulk)
    bulk.defective = sum(1 for r in shown if r["status"] == ROW_NEEDS_CHECK)
    bulk.accepted = len(shown) - bulk.defective


def refresh(ctx: Ctx, bulk: BulkInput) -> BulkInput:
    """The counts again after a file of a row changed."""
    _store(ctx, bulk, json.loads(bulk.defects_json))
    return bulk


def read_result(ctx: Ctx, bulk: BulkInput) -> list[dict[str, Any]]:
    """Each row as [一括申請読込結果] and [申込詳細] show it: its values' defects (`errors`, the function of
    the worker and the offline validator), the files' (`file_errors`), its files, 正常 or 要確認."""
    words = catalog.labels()["ja"]
    label = {ROW_OK: words["bulk.row_ok"], ROW_NEEDS_CHECK: words["bulk.row_needs_check"]}
    files: dict[int, list] = {}
    for attachment, stored in residence_files.files_of(ctx, {"bulk_input_id": bulk.id}):
        files.setdefault(attachment.line or 0, []).append((attachment, stored))
    shown = []
    for row in json.loads(bulk.defects_json):
        got = residence_files.view(files.get(row["line"], []))
        missing = [] if got["photo"] or not row.get("photo_required") else [
            {"line": row["line"], "column": words["bulk.photo"], "code": PHOTO_MISSING,
             "message": bulk_rows.message_of(Problem(PHOTO_MISSING))}]
        status = ROW_NEEDS_CHECK if row["errors"] or missing else ROW_OK
        shown.append({k: v for k, v in row.items() if k != "photo_required"} | got | {
            "file_errors": missing, "status": status, "status_label": label[status]})
    return shown


def saved(ctx: Ctx, account: Account) -> BulkInput:
    """「前回保存された一括申請からの再開」 [再開する] (003 §5.2): the last upload, not yet applied for."""
    bulk = ctx.db.scalars(select(BulkInput).where(BulkInput.account_id == account.id, BulkInput.state == READ)
                          .order_by(BulkInput.id.desc())).first()
    if bulk is None:
        raise RuleViolation.one("RASIM404E", "bulk_input_id")
    return bulk


def read_bulk(ctx: Ctx, account: Account, bulk_id: Any, line: int | None = None) -> BulkInput:
    """The user's upload in [一括申請読込結果] (and the row `line` of it): RASIM404E otherwise."""
    from simulator.services.bulk_filing import own_bulk

    bulk = own_bulk(ctx, account, bulk_id)
    if bulk.state != READ:
        raise RuleViolation.one("RASIM404E", "bulk_input_id")
    if line is not None and not any(r["line"] == line for r in json.loads(bulk.defects_json)):
        raise RuleViolation.one("RASIM404E", "line")
    return bulk


def fix_row(ctx: Ctx, account: Account, bulk_id: int, line: int, values: dict[str, Any]) -> BulkInput:
    """[申込詳細] 「修正する」 (003 §5.3.2): the row's values as corrected, checked again; 正常 when clean."""
    refuse_during_maintenance(ctx)
    bulk = read_bulk(ctx, account, bulk_id, line)
    if not isinstance(values, dict) or not all(isinstance(v, dict) for v in values.values()):
        raise RuleViolation.one("RASIM400E", "values", 理由="values by step: {\"step2_1\": {...}, ...}")
    rows = json.loads(bulk.defects_json)
    at = next(i for i, r in enumerate(rows) if r["line"] == line)
    checked = _check_row(ctx, account, bulk, line, values)
    rows[at] = _read_row(ctx, bulk.procedure, checked)
    _store(ctx, bulk, rows)
    ctx.audit("bulk_input.row_fixed", f"bulk_input:{bulk.id}", line=line,
              status=ROW_NEEDS_CHECK if checked.defects else ROW_OK)
    return bulk


def _step1(bulk: BulkInput) -> dict[str, Any]:
    return {"procedure": bulk.procedure, "status_of_residence": bulk.status_of_residence,
            "hsp_activity": bulk.hsp_activity}


def _check_row(ctx: Ctx, account: Account, bulk: BulkInput, line: int, values: dict[str, Any]) -> bulk_rows.RowResult:
    lay = bulk_format.layout(account.category, bulk.procedure, bulk.status_of_residence, ctx.ed.name)
    return bulk_rows.check_values(ctx, account, _step1(bulk), lay, bulk_rows.RowResult(line, [], values))


def submit(ctx: Ctx, account: Account, bulk_id: int) -> BulkInput:
    """[申込む] (003 §5.3.5): RASIM459E while a row is 要確認 (its defects listed); each row checked again
    now, as one application would be, and made an application in 申請完了 with its files; the lot gets
    its 一括申請番号. A row that fails now (its person filed meanwhile: WZBAM118E) refuses the whole."""
    from simulator.services.application_input import make_application
    from simulator.services.submission import mark_submitted

    refuse_during_maintenance(ctx)
    bulk = read_bulk(ctx, account, bulk_id)
    shown = read_result(ctx, bulk)
    waiting = [r for r in shown if r["status"] == ROW_NEEDS_CHECK]
    if waiting:
        raise RuleViolation([Problem("RASIM459E", "bulk_input_id")] + [
            Problem(e["code"], f"line:{r['line']}") for r in waiting for e in r["errors"] + r["file_errors"]])
    made = []
    for row in shown:
        checked = _check_row(ctx, account, bulk, row["line"], row["values"])
        if checked.defects:
            raise RuleViolation([Problem("RASIM459E", "bulk_input_id")] + [
                Problem(d.code, f"line:{row['line']}") for d in checked.defects])
        merged = {k: v for k, v in checked.merged.items() if k != "_record_id"}
        inp = bulk_rows.transient_input(account, _step1(bulk), checked.values)
        app = make_application(ctx, account, inp, merged, checked.merged.get("_record_id"))
        app.values_json, app.bulk_input_id = inp.values_json, bulk.id
        residence_files.hand_over(ctx, {"bulk_input_id": bulk.id, "line": row["line"]}, app)
        made.append(app)
    bulk.state, bulk.processed_at = SUBMITTED, ctx.now
    bulk.bulk_number = receipt.bulk_number(ctx.now.year, bulk.id)
    bulk.accepted, bulk.defective = len(made), 0
    for app in made:
        _completion_mail(ctx, account, bulk, app)
        mark_submitted(ctx, account, app, [])
    ctx.audit("bulk_input.submitted", f"bulk_input:{bulk.id}", bulk_number=bulk.bulk_number, count=len(made))
    return bulk


def _completion_mail(ctx: Ctx, account: Account, bulk: BulkInput, app: Any) -> None:
    procedure = next(r["label_ja"] for r in catalog.table("procedures.csv") if r["key"] == app.procedure)
    ctx.mail(account.email, "application_completed", account.id, name=account.name, procedure=procedure,
             applicant_name=app.applicant_name, bulk_number=bulk.bulk_number or "",
             applied_at=f"{ctx.now:%Y/%m/%d %H:%M}")
