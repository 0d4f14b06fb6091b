"""The face photo and the PDFs of a residence application before 申込む, edition 2026: a bulk row's (003 §5.3.3,
§5.3.4) and one person's on [申込] (003 §4.2.2, §4.2.3) alike. A holder names whose they are — a bulk row
`{"bulk_input_id": …, "line": …}` or an input in progress `{"input_id": …}` — and the files are attachments with
those values. Together at most the edition's residence_files_max files and residence_files_max_bytes bytes, the
photo included (RASIM456E, 457E); the photo a JPEG (the individual flow's codes) of 縦4:横3 (RASIM455E), replaced
by the next one; a PDF with security settings or not ISO 32000-1 refused (RASIM458E) where the edition refuses
them. [削除] removes one. On 申込む the files go with the application the holder becomes."""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from sqlalchemy import select

from simulator.adapters import uploads
from simulator.adapters.db import Account
from simulator.adapters.db_applications import Attachment, StoredFile
from simulator.domain import attachments as limits
from simulator.domain.errors import RuleViolation
from simulator.services.attachments import checked_pdf, photo_code, refused_file
from simulator.services.context import Ctx

PHOTO, DOCUMENT = "photo", "document"
Holder = dict[str, int]


def files_of(ctx: Ctx, holder: Holder) -> list[tuple[Attachment, StoredFile]]:
    """The holder's files; a holder of fewer columns (a bulk file's `{"bulk_input_id": …}`) has all of its rows'."""
    q = select(Attachment, StoredFile).join(StoredFile, StoredFile.id == Attachment.stored_file_id)
    for column, value in holder.items():
        q = q.where(getattr(Attachment, column) == value)
    return [(a, f) for a, f in ctx.db.execute(q.order_by(Attachment.id)).all()]


def view(pairs: list[tuple[Attachment, StoredFile]]) -> dict[str, Any]:
    """What a row or [申込] shows of its files: the photo, the documents, how many and how large together."""
    def one(a: Attachment, f: StoredFile) -> dict[str, Any]:
        return {"file_id": a.id, "filename": f.filename, "size": f.size}

    photo = next((one(a, f) for a, f in pairs if f.kind == PHOTO), None)
    return {"photo": photo, "documents": [one(a, f) for a, f in pairs if f.kind == DOCUMENT],
            "files": len(pairs), "bytes": sum(f.size for _a, f in pairs)}


def _check_room(ctx: Ctx, pairs: list[tuple[Attachment, StoredFile]], size: int, replacing: StoredFile | None,
                field: str) -> None:
    kept = [f.size for _a, f in pairs if f is not replacing]
    code = limits.limit_problem(kept, size, ctx.ed.residence_files_max, ctx.ed.residence_files_max_bytes)
    if code:
        raise refused_file(code, field)


def _audit_target(holder: Holder) -> tuple[str, str, dict[str, int]]:
    """The audit trail's action prefix, target and details of a holder."""
    if "bulk_input_id" in holder:
        return "bulk_input.row_", f"bulk_input:{holder['bulk_input_id']}", {"line": holder.get("line", 0)}
    return "application_input.", f"application_input:{holder['input_id']}", {}


def attach_photo(ctx: Ctx, account: Account, holder: Holder, filename: str, data: bytes) -> dict[str, Any]:
    pairs = files_of(ctx, holder)
    old = next(((a, f) for a, f in pairs if f.kind == PHOTO), None)
    if len(data) > ctx.ed.residence_files_max_bytes:
        raise refused_file(limits.TOO_MANY_BYTES, "photo")
    code = photo_code(ctx, filename, data, ctx.ed.residence_files_max_bytes)   # the size: only the total's
    if code:
        raise refused_file(code, "photo")
    _check_room(ctx, pairs, len(data), old[1] if old else None, "photo")
    stored = StoredFile(account_id=account.id, kind=PHOTO, filename=filename[:255], size=len(data),
                        sha256=hashlib.sha256(data).hexdigest(), content=data, created_at=ctx.now)
    _link(ctx, holder, stored)
    if old is not None:
        ctx.db.delete(old[0])
        ctx.db.delete(old[1])
    prefix, target, detail = _audit_target(holder)
    ctx.audit(prefix + "photo", target, size=len(data), **detail)
    return view(files_of(ctx, holder))


def attach_document(ctx: Ctx, account: Account, holder: Holder, filename: str, received: uploads.Received,
                    files_dir: Path) -> dict[str, Any]:
    """[添付する]: one PDF (streamed to a temporary file beforehand); repeated for more."""
    try:
        if received.too_large:
            raise refused_file(limits.TOO_MANY_BYTES, "document")
        _check_room(ctx, files_of(ctx, holder), received.size, None, "document")
        found = checked_pdf(received, filename, refuse_error_files=ctx.ed.pdf_error_files == "refuse")
    except RuleViolation:
        uploads.discard(received)
        raise
    stem = "-".join(f"{k}{v}" for k, v in holder.items())
    dest = uploads.keep(received, files_dir / f"{account.id}" / f"{stem}-{received.sha256[:16]}.pdf")
    stored = StoredFile(account_id=account.id, kind=DOCUMENT, filename=filename[:255], size=received.size,
                        sha256=received.sha256, path=str(dest), created_at=ctx.now, error_file=found.error_file,
                        error_reasons=",".join(found.reasons))
    _link(ctx, holder, stored)
    prefix, target, detail = _audit_target(holder)
    ctx.audit(prefix + "document", target, size=received.size, **detail)
    return view(files_of(ctx, holder))


def _link(ctx: Ctx, holder: Holder, stored: StoredFile) -> None:
    ctx.db.add(stored)
    ctx.db.flush()
    ctx.db.add(Attachment(stored_file_id=stored.id, created_at=ctx.now, **holder))
    ctx.db.flush()


def remove(ctx: Ctx, holder: Holder, file_id: int) -> dict[str, Any]:
    """[削除] of a photo or a document (RASIM404E for another holder's or an unknown one)."""
    pair = next(((a, f) for a, f in files_of(ctx, holder) if a.id == file_id), None)
    if pair is None:
        raise RuleViolation.one("RASIM404E", "file_id")
    attachment, stored = pair
    if stored.path:
        Path(stored.path).unlink(missing_ok=True)
    ctx.db.delete(attachment)
    ctx.db.delete(stored)
    prefix, target, detail = _audit_target(holder)
    ctx.audit(prefix + "file_removed", target, kind=stored.kind, **detail)
    ctx.db.flush()
    return view(files_of(ctx, holder))


def discard_all(ctx: Ctx, holder: Holder) -> None:
    """An input erased or replaced: its files go too (from the disk as well)."""
    for attachment, stored in files_of(ctx, holder):
        if stored.path:
            Path(stored.path).unlink(missing_ok=True)
        ctx.db.delete(attachment)
        ctx.db.delete(stored)


def hand_over(ctx: Ctx, holder: Holder, application: Any) -> None:
    """申込む: the holder's files become the application's (the photo as its photo, the PDFs as its documents)."""
    pairs = files_of(ctx, holder)
    for attachment, stored in pairs:
        for column in holder:
            setattr(attachment, column, None)
        attachment.application_id = application.id
        if stored.kind == PHOTO:
            application.photo_file_id, application.photo_state = stored.id, "registered"
    documents = [f for _a, f in pairs if f.kind == DOCUMENT]
    if documents:
        application.document_file_id, application.document_state = documents[0].id, "registered"
