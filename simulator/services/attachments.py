"""顔写真添付・受領方法 (S17), 顔写真確認 (S18) and 資料添付 (S19) of a row of the list: one JPEG of at most
50 KB (WZBAM146E–149E; a damaged one RASIM451E), the receipt method and office (WZBAM139E/140E/285E),
one PDF of at most 10 MB attached once (WZBAM183E–185E; an encrypted, restricted or non-conforming PDF
accepted without a word and flagged for the bureau as an error file, FAQ Q4-2), and the supplements the
bureau asks for (追完待ち → 登録済 / 登録済（再登録）)."""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from sqlalchemy import select

from simulator import catalog
from simulator.adapters import photo as photo_check
from simulator.adapters import uploads
from simulator.adapters.db import Account
from simulator.adapters.db_applications import Application, Attachment, StoredFile
from simulator.adapters.pdf import inspect_pdf
from simulator.domain import attachments as limits
from simulator.domain import receipt
from simulator.domain.errors import RuleViolation
from simulator.services.application_rows import bureau_name, row_of
from simulator.services.applications import check_operation, own_application
from simulator.services.context import Ctx

PDF_EXTENSIONS = (".pdf",)


def checked_pdf(received: uploads.Received, filename: str, refuse_error_files: bool) -> Any:
    """The checks every attached PDF gets, whatever it is attached to: not empty (WZBAM183E), named .pdf and
    a PDF (WZBAM185E), and, where the procedure refuses them, no security settings and ISO 32000-1
    (RASIM458E; 003 §3.3.3, §4.2.3, §5.3.4, §6.2). The facts of the PDF (adapters.pdf) are returned."""
    if received.size == 0 or received.path is None:
        raise refused_file("WZBAM183E", "document")
    if not filename.lower().endswith(PDF_EXTENSIONS):
        raise refused_file("WZBAM185E", "document")
    found = inspect_pdf(received.path)
    if not found.is_pdf:
        raise refused_file("WZBAM185E", "document")
    if refuse_error_files and found.error_file:
        raise refused_file("RASIM458E", "document")
    return found


def refused_file(code: str, field: str) -> RuleViolation:
    """A file the system's rules refuse. Any bytes are a well-formed upload body (the OpenAPI document
    says binary), so the refusal is 422, as for a well-formed JSON body (web.operations.refusal_status),
    unless the catalogue gives the code a status of its own (413 for a file too large)."""
    violation = RuleViolation.one(code, field)
    if violation.status == 400:
        violation.status = 422
    return violation


def photo_code(ctx: Ctx, filename: str, data: bytes, max_bytes: int) -> str | None:
    """The photo rule of an individual application and of a bulk row alike: a JPEG (.jpg / .jpeg) of at
    most `max_bytes`, of the edition's height : width (photo_aspect; 2026 縦4:横3, 003 §4.2.2, §5.3.3)."""
    code = photo_check.photo_problem(filename, data, max_bytes)
    if code is None:
        frame = photo_check.read_frame(data)
        code = limits.aspect_problem(frame.width if frame else 0, frame.height if frame else 0, ctx.ed.photo_aspect,
                                     ctx.ed.photo_aspect_tolerance)
    return code


def photo_limit(ed: Any) -> int:
    """The most bytes a photo upload may have: the edition's total for a residence application's files where it
    has one (2026: 25 MB with the PDFs, 003 §4.2.3), else the photo's own (2024: 50 KB, WZBAM147E)."""
    return ed.residence_files_max_bytes or ed.photo_max_bytes


def document_limit(ed: Any) -> int:
    """The same for a PDF: the total (2026) or the document's own 10 MB (2024, WZBAM184E)."""
    return ed.residence_files_max_bytes or ed.document_max_bytes


def application_files(ctx: Ctx, app: Application) -> list[StoredFile]:
    """An application's files, each once: its photo and its documents (the first PDF and the ones after it)."""
    files = [ctx.db.get(StoredFile, i) for i in (app.photo_file_id, app.document_file_id) if i]
    files += list(ctx.db.scalars(select(StoredFile).join(Attachment, Attachment.stored_file_id == StoredFile.id)
                                 .where(Attachment.application_id == app.id).order_by(Attachment.id)))
    return list({f.id: f for f in files if f is not None}.values())


def _check_room(ctx: Ctx, app: Application, size: int, field: str, replacing: int | None = None) -> None:
    """003 §4.2.3: the photo and the PDFs together within the edition's files and bytes (RASIM456E, RASIM457E);
    an edition without that total (2024) has the per-file rules instead."""
    if not ctx.ed.residence_files_max:
        return
    kept = [f.size for f in application_files(ctx, app) if f.id != replacing]
    code = limits.limit_problem(kept, size, ctx.ed.residence_files_max, ctx.ed.residence_files_max_bytes)
    if code:
        raise refused_file(code, field)


def attach_photo(ctx: Ctx, account: Account, application_id: int, filename: str, data: bytes) -> dict[str, Any]:
    app = own_application(ctx, account, application_id, lock=True)
    check_operation(ctx, app, "attach_photo")
    if app.photo_state == "exempt":
        raise refused_file("WZBAM180E", "photo")
    code = photo_code(ctx, filename, data, photo_limit(ctx.ed))
    if code:
        raise refused_file(code, "photo")
    _check_room(ctx, app, len(data), "photo", replacing=app.photo_file_id)
    old = ctx.db.get(StoredFile, app.photo_file_id) if app.photo_file_id else None
    stored = StoredFile(account_id=account.id, kind="photo", filename=filename[:255], size=len(data),
                        sha256=hashlib.sha256(data).hexdigest(), content=data, created_at=ctx.now,
                        photo_exempt_dummy=photo_check.is_photo_exempt_image(data))
    ctx.db.add(stored)
    ctx.db.flush()
    app.photo_file_id = stored.id
    supplement = app.photo_state == "awaiting_supplement"
    app.photo_state = "registered"
    if old is not None:
        ctx.db.delete(old)
    ctx.audit("application.photo_attached", f"application:{app.id}", size=len(data), supplement=supplement,
              dummy=stored.photo_exempt_dummy)
    return row_of(ctx, app)


def photo(ctx: Ctx, account: Account, application_id: int) -> tuple[bytes, str]:
    """顔写真確認: the registered photo (WZBAM241E without one)."""
    app = own_application(ctx, account, application_id)
    check_operation(ctx, app, "check_photo")
    stored = ctx.db.get(StoredFile, app.photo_file_id) if app.photo_file_id else None
    if stored is None or stored.content is None:
        raise RuleViolation.one("WZBAM241E")
    return stored.content, stored.filename


def set_receipt_method(ctx: Ctx, account: Account, application_id: int, values: dict[str, Any]) -> dict[str, Any]:
    """受領方法 of S17: while 入力完了(申請未了) as part of preparing it; after submission the change of
    FAQ Q5-1 (申請完了 or 審査中, never a COE's: Q8-4) with its mail."""
    app = own_application(ctx, account, application_id, lock=True)
    check_operation(ctx, app, "change_receipt_method")
    if app.procedure == "coe" and app.state != "input_complete":
        raise RuleViolation.one("WZBAM117E")
    field = receipt.method_field(app.procedure)
    other = "card_receipt_method" if field == "coe_receipt_method" else "coe_receipt_method"
    if values.get(other) not in (None, ""):
        raise RuleViolation.one("RASIM400E", other, 理由=f"{other} is not a receipt method of this procedure")
    method, office = values.get(field) or None, values.get("receiving_office") or None
    problems = receipt.receipt_problems(app.procedure, method, office)
    if problems:
        raise RuleViolation(problems)
    refuse_excluded_post(ctx, app, method)
    before = (app.receipt_method, app.receiving_office)
    app.receipt_method, app.receiving_office = method, office
    if app.state != "input_complete" and before != (method, office):
        words = catalog.list_label("card_receipt_methods", method) + (f"({bureau_name(office)})" if office else "")
        ctx.mail(account.email, "receipt_method_changed", account.id, name=account.name,
                 receipt_number=app.receipt_number or app.provisional_number or "", method=words)
    ctx.audit("application.receipt_method", f"application:{app.id}", method=method, office=office)
    return row_of(ctx, app)


def refuse_excluded_post(ctx: Ctx, app: Application, method: str | None) -> None:
    """FAQ Q5-1 (1), (3) and Q6-7: no card by post when none is issued or its validity is renewed (RASIM471E)."""
    if method != "post" or app.procedure not in catalog.receipt()["card_procedures"]:
        return
    reason = receipt.postal_exclusion(catalog.receipt()["postal_exclusions"], app.status_of_residence,
                                      app.desired_period, app.applicant_birth_date, ctx.now.date())
    if reason:
        raise RuleViolation.one("RASIM471E", receipt.method_field(app.procedure), 理由=reason)


def attach_documents(ctx: Ctx, account: Account, application_id: int, filename: str, received: uploads.Received,
                     files_dir: Path) -> dict[str, Any]:
    """資料添付: the PDF streamed to a temporary file beforehand (never whole in memory); kept or discarded."""
    try:
        app = own_application(ctx, account, application_id, lock=True)
        check_operation(ctx, app, "attach_documents")
        together = bool(ctx.ed.residence_files_max)   # 2026: PDFs added one by one within the total (003 §4.2.3)
        if not together and app.document_state in ("registered", "re_registered", "linked"):
            raise RuleViolation.one("WZBAM117E")   # once only (004 §2.7.7): no replacing, no adding
        if received.too_large:
            raise refused_file(limits.TOO_MANY_BYTES if together else "WZBAM184E", "document")
        _check_room(ctx, app, received.size, "document")
        found = checked_pdf(received, filename, refuse_error_files=ctx.ed.pdf_error_files == "refuse")
    except RuleViolation:
        uploads.discard(received)
        raise
    dest = uploads.keep(received, files_dir / f"{account.id}" / f"{app.id}-{received.sha256[:16]}.pdf")
    stored = StoredFile(account_id=account.id, kind="document", filename=filename[:255], size=received.size,
                        sha256=received.sha256, path=str(dest), created_at=ctx.now, error_file=found.error_file,
                        error_reasons=",".join(found.reasons))
    ctx.db.add(stored)
    ctx.db.flush()
    supplement = app.document_state == "awaiting_supplement"
    if app.document_file_id is None or not together:
        app.document_file_id = stored.id
    else:
        ctx.db.add(Attachment(stored_file_id=stored.id, application_id=app.id, created_at=ctx.now))
    app.document_state = "re_registered" if supplement else "registered"
    ctx.audit("application.documents_attached", f"application:{app.id}", size=received.size,
              error_file=found.error_file, reasons=list(found.reasons), supplement=supplement)
    return row_of(ctx, app)


def remove_files(ctx: Ctx, app: Application) -> list[int]:
    """The ids of an application's files, to delete once the row is gone (their documents leave the disk)."""
    files = application_files(ctx, app)
    for stored in files:
        if stored.path:
            Path(stored.path).unlink(missing_ok=True)
    return [f.id for f in files]


def delete_files(ctx: Ctx, ids: list[int]) -> None:
    for i in ids:
        stored = ctx.db.get(StoredFile, i)
        if stored is not None:
            ctx.db.delete(stored)
