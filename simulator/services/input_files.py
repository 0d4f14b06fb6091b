"""The face photo and the PDFs of one person's [申込], edition 2026 (003 §4.2.2, §4.2.3): attached to the input in
progress before [確認へ進む] — the photo registered at once, each PDF by [添付する], [削除] for either — within the
edition's residence_files_max / _bytes with the photo (the rules of services.residence_files, shared with the bulk
rows); and [申込確認] 「申込む」 (003 §4.2.4): the input completed and filed in one unit of work, so a refusal keeps
the input and its files as they were. An edition without files on [申込] (2024: the list's S17 – S19) refuses
these with RASIM473E."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from simulator.adapters import uploads
from simulator.adapters.db import Account
from simulator.adapters.db_applications import ApplicationInput
from simulator.domain.errors import RuleViolation
from simulator.services import application_input, residence_files, submission
from simulator.services.context import Ctx


def _holder(inp: ApplicationInput) -> residence_files.Holder:
    return {"input_id": inp.id}


def _offered(ctx: Ctx) -> None:
    if not ctx.ed.residence_files_max:
        raise RuleViolation.one("RASIM473E", status=404)


def _input(ctx: Ctx, account: Account) -> ApplicationInput:
    _offered(ctx)
    inp = application_input.current(ctx, account)
    if inp.parent_id is not None:   # a simultaneous application has no photo or documents of its own
        raise RuleViolation.one("RASIM473E", status=404)
    return inp


def files(ctx: Ctx, account: Account) -> dict[str, Any]:
    return residence_files.view(residence_files.files_of(ctx, _holder(_input(ctx, account))))


def attach_photo(ctx: Ctx, account: Account, filename: str, data: bytes) -> dict[str, Any]:
    return residence_files.attach_photo(ctx, account, _holder(_input(ctx, account)), filename, data)


def attach_document(ctx: Ctx, account: Account, filename: str, received: uploads.Received,
                    files_dir: Path) -> dict[str, Any]:
    try:
        inp = _input(ctx, account)
    except RuleViolation:
        uploads.discard(received)
        raise
    return residence_files.attach_document(ctx, account, _holder(inp), filename, received, files_dir)


def remove(ctx: Ctx, account: Account, file_id: int) -> dict[str, Any]:
    return residence_files.remove(ctx, _holder(_input(ctx, account)), file_id)


def apply(ctx: Ctx, account: Account, values: dict[str, Any]) -> dict[str, Any]:
    """「申込む」: STEP3's ticks and checks (application_input.complete), the files handed to the application, then
    the filing of services.submission (photo, receipt method, dates; the 整理番号 and パスワード mails, the 受付仮番号).
    Any refusal leaves nothing done: the unit of work is rolled back."""
    _input(ctx, account)
    row = application_input.complete(ctx, account, values)
    return submission.submit(ctx, account, row["id"])
