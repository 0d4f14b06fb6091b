"""JSON API of the temporary save of input in progress (入力中のデータを保存する／読み込む, 003 §8.2) — of the residence
application's input, of a 利用申出 / 定期報告 [申込] and of a 受領方法変更申出 [申込] — and the reuse of past input
(過去の申込から入力値を自動設定する, §8.3), under /api/v1 (edition 2026: the editions offering them). Each operation
calls the same service as the screens."""
from __future__ import annotations

import base64
import binascii
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, current_app, request

from simulator import catalog
from simulator.domain import temporary_save as rules
from simulator.domain.errors import RuleViolation
from simulator.services import input_reuse, procedure_request_saves, receipt_changes, temporary_save
from simulator.web.api_applications import as_user
from simulator.web.operations import operation

bp = Blueprint("api_input_reuse", __name__, url_prefix="/api/v1")
P = "/api/v1"
S, INT, OBJ = "string", "integer", "object"
PAST_SEARCH = {"related": S, "procedure_name": S, "applied_from": S, "applied_to": S, "sort": S,   # as [申込一覧]'s
               "per_page": {"type": INT, "minimum": 1, "maximum": 100},
               "page": {"type": INT, "minimum": 1, "maximum": 100000}}


def secret_key() -> str:
    return current_app.config["SECRET_KEY"]


def file_response(data: bytes, name: str) -> Response:
    return Response(data, mimetype="application/octet-stream",
                    headers={"Content-Disposition": f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}"})


def decoded_file(text: Any, limit: int) -> bytes:
    """The file of a base64 body, never more than `limit` bytes decoded (RASIM488E otherwise)."""
    if not isinstance(text, str) or len(text) > (limit // 3 + 1) * 4 + 4:
        raise RuleViolation.one(rules.NOT_OURS, "file")
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeError, ValueError):
        raise RuleViolation.one(rules.NOT_OURS, "file") from None


@operation(bp, P, "POST", "/application-input/temporary-save", "saveApplicationInputTemporarily",
           "[↓ 入力中のデータを保存する] (003 §8.2): the input in progress as a sealed file (application/octet-stream, "
           "`<procedure>_<YYYYMMDDHHMMSS>.rasim`; with `Accept: application/json`, {file_name, file: base64}); "
           "`values` (step → the step's values, as typed, unchecked) over what "
           "the steps keep. Attachments and the photo are not saved; nothing is submitted", "applications",
           body={"values": OBJ}, auth=True, edition_flag="temporary_save")
def save(body: dict, token: str) -> Any:
    typed = {k: v for k, v in (body.get("values") or {}).items() if isinstance(v, dict)}
    return saved_file(*as_user(token, temporary_save.save_input, secret_key(), typed))


def saved_file(data: bytes, name: str) -> Any:
    """The sealed file as a download, or as JSON {file_name, file: base64, bytes} when the client asks for JSON."""
    if request.accept_mimetypes.best_match(["application/octet-stream", "application/json"]) == "application/json":
        return {"file_name": name, "file": base64.b64encode(data).decode("ascii"), "bytes": len(data)}
    return file_response(data, name)


def _loaded(token: str, body: dict, load_file: Any) -> Any:
    """The file of the body handed to `load_file(ctx, account, secret, data)`, decoded once the user is known (401
    before RASIM488E), never more than the edition's temporary_save_max_bytes."""
    limit = catalog.edition(current_app.config["RASIM_EDITION"]).temporary_save_max_bytes
    key = secret_key()

    def use_case(ctx: Any, account: Any) -> Any:
        temporary_save.offered(ctx)
        return load_file(ctx, account, key, decoded_file(body.get("file"), limit))

    return as_user(token, use_case)


def _typed(body: dict) -> dict[str, Any]:
    values = body.get("values") or {}
    return {k: v for k, v in values.items() if isinstance(k, str)} if isinstance(values, dict) else {}


@operation(bp, P, "POST", "/application-input/temporary-load", "loadApplicationInputTemporarySave",
           "[保存データの読み込み] → [読込む] (003 §8.2): `file` (base64 of a file saved by "
           "saveApplicationInputTemporarily) sets its values in the input in progress of the same procedure; "
           "RASIM488E not such a file (damaged, edited, foreign, too large), RASIM489E another procedure's, "
           "RASIM490E saved before a modification (temporary_save_version)", "applications",
           body={"file": S}, required=["file"], auth=True, edition_flag="temporary_save")
def load(body: dict, token: str) -> Any:
    return _loaded(token, body, temporary_save.load_input)


@operation(bp, P, "POST", "/procedure-requests/<int:request_id>/temporary-save", "saveProcedureRequestTemporarily",
           "[↓ 入力中のデータを保存する] on the [申込] of a 利用申出 / 定期報告 (003 §3.3.2, §6.1, §8.2): the sealed file "
           "(as saveApplicationInputTemporarily) of the 申込's values with `values` (the form's items, as typed, "
           "unchecked) over them; its PDFs are not saved; nothing is stored. RASIM470E when not 入力中 or 返却中",
           "applications", body={"values": OBJ}, auth=True, edition_flag="temporary_save")
def save_request(request_id: int, body: dict, token: str) -> Any:
    return saved_file(*as_user(token, procedure_request_saves.save, secret_key(), request_id, _typed(body)))


@operation(bp, P, "POST", "/procedure-requests/<int:request_id>/temporary-load", "loadProcedureRequestTemporarySave",
           "[読込む] on the [申込] of a 利用申出 / 定期報告 (003 §8.2): `file` (base64 of a file saved by "
           "saveProcedureRequestTemporarily) replaces the 申込's values (unchecked until it is applied for; its PDFs "
           "stay); RASIM488E not such a file, RASIM489E another procedure's, RASIM490E saved before a modification",
           "applications", body={"file": S}, required=["file"], auth=True, edition_flag="temporary_save")
def load_request(request_id: int, body: dict, token: str) -> Any:
    return _loaded(token, body, lambda ctx, account, key, data: procedure_request_saves.load(ctx, account, key,
                                                                                              request_id, data))


@operation(bp, P, "POST", "/receipt-method-change-requests/temporary-save", "saveReceiptMethodChangeTemporarily",
           "[↓ 入力中のデータを保存する] on the [申込] of 受領方法変更申出 (003 §7.3, §8.2): the sealed file of `values` (the "
           "form's items, as typed, unchecked); nothing is stored or applied for", "receipt", body={"values": OBJ},
           auth=True, edition_flag="temporary_save")
def save_receipt_change(body: dict, token: str) -> Any:
    return saved_file(*as_user(token, receipt_changes.save_input, secret_key(), _typed(body)))


@operation(bp, P, "POST", "/receipt-method-change-requests/temporary-load", "openReceiptMethodChangeTemporarySave",
           "[読込む] on the [申込] of 受領方法変更申出 (003 §8.2): the values of `file` (base64 of a file saved by "
           "saveReceiptMethodChangeTemporarily) of the items the form still declares, to fill the [申込] with; "
           "nothing is stored. RASIM488E–RASIM490E as the other temporary loads", "receipt", body={"file": S},
           required=["file"], auth=True, edition_flag="temporary_save")
def open_receipt_change(body: dict, token: str) -> Any:
    return {"values": _loaded(token, body, receipt_changes.open_input)}


@operation(bp, P, "GET", "/application-input/reusable-applications", "listReusableApplications",
           "[過去申込一覧] (003 §8.3): the user's own submitted applications of the procedure of the input in progress, "
           "entered within input_reuse_years (2) years; 関連情報 `related`, 手続き名 `procedure_name` (words: all), "
           "申込日 `applied_from`/`applied_to` YYYYMMDD, `sort` applied_at_desc|applied_at_asc, `per_page` 10|20",
           "applications", query=PAST_SEARCH, auth=True, edition_flag="input_reuse_years")
def past(query: dict, token: str) -> Any:
    return as_user(token, input_reuse.search, query)


@operation(bp, P, "POST", "/application-input/reuse", "reusePastApplicationInput",
           "[選択 >] of [過去申込一覧] (003 §8.3): the values of `application_id` set in the input in progress, items "
           "the current forms no longer declare or accept left empty; RASIM491E another procedure or too old, "
           "RASIM404E not the user's", "applications", body={"application_id": INT}, required=["application_id"],
           auth=True, edition_flag="input_reuse_years")
def reuse(body: dict, token: str) -> Any:
    return as_user(token, input_reuse.apply, body.get("application_id"))
