"""The face photo and the PDFs of a bulk row, edition 2026 (003 §5.3.3, §5.3.4): attached on [申込] of the
row before 申込む; together at most the edition's residence_files_max files and residence_files_max_bytes bytes, the
photo included (RASIM456E, 457E); the photo a JPEG (the individual flow's codes) of 縦4:横3 (RASIM455E),
replaced by the next one; a PDF with security settings or not ISO 32000-1 refused (RASIM458E) where the
edition refuses them. [削除] removes one. On 申込む the files go with the application the row becomes."""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from sqlalchemy import select

from simulator.adapters import uploads
from simulator.adapters.db import Account
from simulator.adapters.db_applications import Attachment, BulkInput, StoredFile
from simulator.domain import attachments as limits
from simulator.domain.errors import RuleViolation
from simulator.services.attachments import checked_pdf, photo_code, refused_file
from simulator.services.context import Ctx

PHOTO, DOCUMENT = "photo", "document"


def files_of(ctx: Ctx, bulk_id: int, line: int | None = None) -> list[tuple[Attachment, StoredFile]]:
    q = select(Attachment, StoredFile).join(StoredFile, StoredFile.id == Attachment.stored_file_id).where(
        Attachment.bulk_input_id == bulk_id)
    if line is not None:
        q = q.where(Attachment.line == line)
    return [(a, f) for a, f in ctx.db.execute(q.order_by(Attachment.id)).all()]


def view(pairs: list[tuple[Attachment, StoredFile]]) -> dict[str, Any]:
    """What a row shows of its files: the photo, the documents, how many and how large together."""
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


def attach_photo(ctx: Ctx, account: Account, bulk: BulkInput, line: int, filename: str, data: bytes) -> None:
    pairs = files_of(ctx, bulk.id, line)
    old = next(((a, f) for a, f in pairs if f.kind == PHOTO), None)
    if len(data) > ctx.ed.residence_files_max_bytes:
        raise refused_file(limits.TOO_MANY_BYTES, "photo")
    code = photo_code(ctx, filename, data, ctx.ed.residence_files_max_bytes)   # the size: only the total's
    if code:
        raise refused_file(code, "photo")
    _check_room(ctx, pairs, len(data), old[1] if old else None, "photo")
    stored = StoredFile(account_id=account.id, kind=PHOTO, filename=filename[:255], size=len(data),
                        sha256=hashlib.sha256(data).hexdigest(), content=data, created_at=ctx.now)
    _link(ctx, bulk, line, stored)
    if old is not None:
        ctx.db.delete(old[0])
        ctx.db.delete(old[1])
    ctx.audit("bulk_input.row_photo", f"bulk_input:{bulk.id}", line=line, size=len(data))


def attach_document(ctx: Ctx, account: Account, bulk: BulkInput, line: int, filename: str,
                    received: uploads.Received, files_dir: Path) -> None:
    """[添付する]: one PDF (streamed to a temporary file beforehand); repeated for more."""
    try:
        if received.too_large:
            raise refused_file(limits.TOO_MANY_BYTES, "document")
        _check_room(ctx, files_of(ctx, bulk.id, line), received.size, None, "document")
        found = checked_pdf(received, filename, refuse_error_files=ctx.ed.pdf_error_files == "refuse")
    except RuleViolation:
        uploads.discard(received)
        raise
    dest = uploads.keep(received, files_dir / f"{account.id}" / f"bulk{bulk.id}-{line}-{received.sha256[:16]}.pdf")
    stored = StoredFile(account_id=account.id, kind=DOCUMENT, filename=filename[:255], size=received.size,
                        sha256=received.sha256, path=str(dest), created_at=ctx.now, error_file=found.error_file,
                        error_reasons=",".join(found.reasons))
    _link(ctx, bulk, line, stored)
    ctx.audit("bulk_input.row_document", f"bulk_input:{bulk.id}", line=line, size=received.size)


def _link(ctx: Ctx, bulk: BulkInput, line: int, stored: StoredFile) -> None:
    ctx.db.add(stored)
    ctx.db.flush()
    ctx.db.add(Attachment(stored_file_id=stored.id, bulk_input_id=bulk.id, line=line, created_at=ctx.now))
    ctx.db.flush()


def remove(ctx: Ctx, bulk: BulkInput, line: int, file_id: int) -> None:
    """[削除] of a photo or a document of the row (RASIM404E for another row's or an unknown one)."""
    pair = next(((a, f) for a, f in files_of(ctx, bulk.id, line) if a.id == file_id), None)
    if pair is None:
        raise RuleViolation.one("RASIM404E", "file_id")
    attachment, stored = pair
    if stored.path:
        Path(stored.path).unlink(missing_ok=True)
    ctx.db.delete(attachment)
    ctx.db.delete(stored)
    ctx.audit("bulk_input.row_file_removed", f"bulk_input:{bulk.id}", line=line, kind=stored.kind)


def hand_over(ctx: Ctx, bulk: BulkInput, line: int, application: Any) -> None:
    """申込む: the row's files become the application's (the photo as its photo, the PDFs as its documents)."""
    pairs = files_of(ctx, bulk.id, line)
    for attachment, stored in pairs:
        attachment.application_id, attachment.bulk_input_id = application.id, None
        if stored.kind == PHOTO:
            application.photo_file_id, application.photo_state = stored.id, "registered"
    documents = [f for _a, f in pairs if f.kind == DOCUMENT]
    if documents:
        application.document_file_id, application.document_state = documents[0].id, "registered"
