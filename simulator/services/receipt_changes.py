"""受領方法変更申出 (003 §7.3, edition 2026): a procedure of its own, taken at once with its 整理番号 and decided
later — the method is changed while the application is 処理待ち, 申請完了 or 審査中 (the operation matrix,
catalog/application_operations.csv), for a residence card or a 就労資格証明書 only; otherwise a mail says it
could not be changed. Also 修正する (003 §7.2): a 返却中 application applied again once what was asked for is
attached."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import or_, select

from simulator import catalog
from simulator.adapters.db import Account, ScheduledEvent
from simulator.adapters.db_applications import Application
from simulator.adapters.db_decisions import ReceiptMethodChange
from simulator.domain import receipt
from simulator.domain import temporary_save as saved_input
from simulator.domain.applications import operations, refusal
from simulator.domain.errors import Problems, RuleViolation
from simulator.domain.forms import validate_form
from simulator.services import lifecycle, reference_numbers, temporary_save
from simulator.services.application_rows import bureau_name, row_of, rule_row
from simulator.services.applications import check_operation, own_application
from simulator.services.context import Ctx
from simulator.services.events import handler

OPERATION = "request_receipt_method_change"
def kind_procedures(kind: str) -> tuple[str, ...]:
    """The procedures a 変更種別 is about: a residence card's (catalog/receipt.toml) or the 就労資格証明書."""
    if kind == "residence_card":
        return tuple(catalog.receipt()["card_procedures"])
    return ("work_qualification_certificate",) if kind == "work_qualification_certificate" else ()


def request_change(ctx: Ctx, account: Account, values: dict[str, Any]) -> dict[str, Any]:
    if OPERATION not in operations(ctx.ed.applications_edition):
        raise RuleViolation.one("RASIM473E", status=404)
    problems = Problems()
    clean = validate_form(catalog.form("receipt_method_change_request", ctx.ed), values, problems)
    if not problems and not (clean.get("change_provisional_number") or clean.get("change_receipt_number")):
        problems.add("WZBAM001E", "change_receipt_number", 入力項目名=catalog.field("change_receipt_number").label_ja)
    if not problems:
        for p in receipt.receipt_problems("extension_of_stay", clean["change_receipt_method"],
                                          clean.get("receiving_office")):
            problems.add(p.code, "change_receipt_method" if p.field == "card_receipt_method" else p.field,
                         **(p.params or {}))
    problems.raise_if_any(status=422)
    change = ReceiptMethodChange(account_id=account.id, reference_number="", applicant_name=clean["applicant_name"],
                                 provisional_number=clean.get("change_provisional_number") or "",
                                 receipt_number=clean.get("change_receipt_number") or "",
                                 receipt_method=clean["change_receipt_method"],
                                 receiving_office=clean.get("receiving_office"), requested_at=ctx.now)
    ctx.db.add(change)
    ctx.db.flush()
    change.reference_number = f"R{ctx.now.year:04d}{change.id:010d}"   # 整理番号 (rasim format)
    procedure = catalog.labels(ctx.ed.name)["ja"]["receipt_change.heading"]
    password, change.password_hash = reference_numbers.issue(ctx, account, procedure, change.reference_number,
                                                             "receipt_method_change_accepted")
    ctx.schedule(ctx.now + dt.timedelta(minutes=ctx.ed.receipt_change_result_minutes), "receipt_method_change",
                 account.id, change_id=change.id, change_kind=clean["change_kind"])
    ctx.audit("receipt_method_change.requested", f"receipt_method_change:{change.id}")
    return {"reference_number": change.reference_number, "password": password, "requested_at": ctx.now.isoformat(),
            "result": None}


def _not_changed(ctx: Ctx, account: Account, change: ReceiptMethodChange, reason: str) -> None:
    change.result = "not_changed"
    ctx.mail(account.email, "receipt_method_change_failed", account.id, name=account.name,
             reference_number=change.reference_number, reason=reason)
    ctx.audit("receipt_method_change.refused", f"receipt_method_change:{change.id}", reason=reason)


@handler("receipt_method_change")
def _decide(ctx: Ctx, ev: ScheduledEvent, payload: dict) -> None:
    change = ctx.db.get(ReceiptMethodChange, payload.get("change_id"))
    if change is None or change.result is not None:
        return
    account = ctx.db.get(Account, change.account_id)
    if account is None:
        return
    words = catalog.labels(ctx.ed.name)["ja"]
    numbers = [n for n in (change.provisional_number, change.receipt_number) if n]
    app = ctx.db.scalars(select(Application).where(
        Application.account_id == account.id, Application.parent_id.is_(None),
        or_(Application.provisional_number.in_(numbers), Application.receipt_number.in_(numbers)))).first()
    if app is None or app.applicant_name != change.applicant_name:
        return _not_changed(ctx, account, change, words["receipt_change.not_found"])
    change.application_id = app.id
    if app.procedure not in kind_procedures(payload.get("change_kind", "")):
        return _not_changed(ctx, account, change, words["receipt_change.kind"])
    if refusal(ctx.ed.applications_edition, OPERATION, rule_row(app)):
        return _not_changed(ctx, account, change, words["receipt_change.too_late"])
    app.receipt_method, app.receiving_office = change.receipt_method, change.receiving_office
    change.result = "changed"
    method = catalog.list_label("card_receipt_methods", change.receipt_method) + (
        f"({bureau_name(change.receiving_office)})" if change.receiving_office else "")
    ctx.mail(account.email, "receipt_method_change_done", account.id, name=account.name, method=method,
             reference_number=change.reference_number, receipt_number=app.receipt_number or app.provisional_number)
    ctx.audit("application.receipt_method", f"application:{app.id}", method=change.receipt_method,
              office=change.receiving_office, via=change.reference_number)


def list_changes(ctx: Ctx, account: Account) -> dict[str, Any]:
    rows = ctx.db.scalars(select(ReceiptMethodChange).where(ReceiptMethodChange.account_id == account.id)
                          .order_by(ReceiptMethodChange.id.desc()))
    return {"requests": [{"reference_number": c.reference_number, "requested_at": c.requested_at.isoformat(),
                          "receipt_method": c.receipt_method, "receiving_office": c.receiving_office,
                          "result": c.result, "application_id": c.application_id} for c in rows]}


def resubmit(ctx: Ctx, account: Account, application_id: int) -> dict[str, Any]:
    """修正する → 申込 (003 §7.2 step 5): only 返却中 (RASIM470E), with what the mail asked for (RASIM472E)."""
    app = own_application(ctx, account, application_id, lock=True)
    try:
        check_operation(ctx, app, "resubmit")
    except RuleViolation:
        label = catalog.labels(ctx.ed.name)["ja"]
        raise RuleViolation.one("RASIM470E", status=409, 状態=row_of(ctx, app)["state_label"],
                                操作=label["receipt_change.resubmit"]) from None
    from simulator.services.bureau import word

    missing = [word(ctx, w) for state, w in ((app.photo_state, "photo_item"), (app.document_state, "documents_item"))
               if state == "awaiting_supplement"]
    if missing:
        raise RuleViolation.one("RASIM472E", status=409, 項目=word(ctx, "joiner").join(missing))
    lifecycle.move(ctx, app, "corrected")
    ctx.audit("application.corrected", f"application:{app.id}")
    return row_of(ctx, app) | {"history": lifecycle.history(ctx, app.id)}


# --- 入力中のデータを保存する／読み込む (003 §7.3 → §8.2) on its [申込] ------------------------------------------

FORM = "receipt_method_change_request"
SAVED = "form"    # the values' key in the file (one form)


def save_input(ctx: Ctx, account: Account, secret_key: str, typed: dict[str, Any]) -> tuple[bytes, str]:
    """[↓ 入力中のデータを保存する]: the file of what is typed on [申込] (unchecked; nothing is stored or applied)."""
    temporary_save.offered(ctx)
    values = {SAVED: saved_input.kept_values(catalog.form(FORM, ctx.ed), typed)}
    data, name = temporary_save.seal_values(ctx, secret_key, FORM, values,
                                            catalog.labels()["ja"]["receipt_change.heading"], FORM)
    ctx.audit("receipt_change.temporarily_saved", f"account:{account.id}", bytes=len(data))
    return data, name


def open_input(ctx: Ctx, account: Account, secret_key: str, data: bytes) -> dict[str, Any]:
    """The values of a file saved on this [申込] (RASIM488E–RASIM490E otherwise), of the items it still declares."""
    values = temporary_save.open_values(ctx, secret_key, FORM, data).get(SAVED)
    return saved_input.kept_values(catalog.form(FORM, ctx.ed), values if isinstance(values, dict) else {})
