"""入力中のデータを保存する／読み込む (003 §8.2) on the [申込] of 利用申出 and 定期報告 (003 §3.3.2, §6.1: 「入力して
いる途中の情報を一時的に保存したい場合は…」): the sealed file of the application input's temporary save
(services.temporary_save), its 手続き the request's form, so a 利用申出's file is refused on 定期報告 (RASIM489E).
Saving changes nothing but the audit trail; loading replaces the values of the 申込 in progress (unchecked, as
typed: 「確認へ進む」 checks them) and never its PDFs — attachments are not in a file (「添付ファイルは一時保存
できません」)."""
from __future__ import annotations

import json
from typing import Any

from simulator import catalog
from simulator.adapters.db import Account
from simulator.adapters.db_procedure_requests import ProcedureRequest
from simulator.domain import temporary_save as rules
from simulator.services import procedure_requests as requests_
from simulator.services import temporary_save
from simulator.services.context import Ctx

STEP = "form"   # the one form of a 申込 of this kind, as the file's values key it


def _key(req: ProcedureRequest) -> str:
    return f"procedure_request:{req.form}"


def _editable(ctx: Ctx, account: Account, request_id: Any) -> ProcedureRequest:
    temporary_save.offered(ctx)
    req = requests_.own(ctx, account, request_id)
    requests_.editable(req, "submit")
    return req


def save(ctx: Ctx, account: Account, secret_key: str, request_id: Any,
         typed: dict[str, Any] | None = None) -> tuple[bytes, str]:
    """[↓ 入力中のデータを保存する]: the values kept, with what is typed on [申込] over them (`typed`, unchecked)."""
    req = _editable(ctx, account, request_id)
    merged = {**json.loads(req.values_json or "{}"), **(typed or {})}
    values = {STEP: rules.kept_values(catalog.form(req.form, ctx.ed), merged)}
    data, name = temporary_save.seal_values(ctx, secret_key, _key(req), values, requests_.label(req.form), req.form)
    ctx.audit("procedure_request.temporarily_saved", f"procedure_request:{req.id}", bytes=len(data))
    return data, name


def check_file(ctx: Ctx, account: Account, secret_key: str, request_id: Any, data: bytes) -> dict[str, Any]:
    """[確認へ進む] of [ファイル読み込]: a file this [申込] can read (nothing is changed yet)."""
    req = _editable(ctx, account, request_id)
    temporary_save.open_values(ctx, secret_key, _key(req), data)
    return {"procedure": req.form, "procedure_name": requests_.label(req.form)}


def load(ctx: Ctx, account: Account, secret_key: str, request_id: Any, data: bytes) -> dict[str, Any]:
    """[読込む]: the file's values of the items the form still declares replace those of the 申込 (its PDFs stay)."""
    req = _editable(ctx, account, request_id)
    saved = temporary_save.open_values(ctx, secret_key, _key(req), data).get(STEP)
    values = rules.kept_values(catalog.form(req.form, ctx.ed), saved if isinstance(saved, dict) else {})
    req.values_json = json.dumps(values, ensure_ascii=False, default=str)
    ctx.audit("procedure_request.temporary_save_loaded", f"procedure_request:{req.id}", items=sorted(values))
    return requests_.view(ctx, req)
