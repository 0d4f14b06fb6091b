"""JSON API of the bulk input (申請情報入力(一括), 004 §2.5, §2.11), under /api/v1: the file itself as the
body of the upload (STEP1 in the query), STEP3's ticks, the upload's progress, and the 登録エラー内容 of
an エラー(一括登録) item. The same services as the screens."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, request

from simulator.services import bulk_filing
from simulator.web.api_applications import PDF_TYPES, PHOTO_TYPES, as_user, files_dir, receive_capped
from simulator.web.operations import operation

bp = Blueprint("api_bulk", __name__, url_prefix="/api/v1")
P = "/api/v1"
S, OBJ = "string", "object"
CSV_TYPES = ("text/csv", "application/octet-stream")
STEP1 = {"procedure": S, "status_of_residence": S, "hsp_activity": S, "filename": S}


def read_capped(limit: int) -> bytes:
    """The body, never more than `limit` + 1 bytes read (more is WZBAM144E without reading it)."""
    if request.content_length is not None and request.content_length > limit:
        return b"\0" * (limit + 1)
    return request.stream.read(limit + 1)


@operation(bp, P, "POST", "/bulk-inputs", "uploadBulkInput",
           "STEP1 + STEP2 一括申請ファイルアップロード: the CSV as the body; STEP1 in the query (procedure, "
           "status_of_residence, hsp_activity) and its file name (filename). WZBAM141E–145E, 143E when STEP1 differs "
           "from the file", "bulk", query=STEP1, auth=True, faq="Q4-23 Q4-24", status=201, upload=CSV_TYPES)
def upload(query: dict, token: str) -> Any:
    from simulator.catalog import edition

    limit = edition(current_app.config["RASIM_EDITION"]).bulk_max_bytes
    data = read_capped(limit)
    step1 = {k: query[k] for k in ("procedure", "status_of_residence", "hsp_activity") if query.get(k)}
    return as_user(token, bulk_filing.upload, step1, query.get("filename", ""), data)


@operation(bp, P, "GET", "/bulk-layouts", "getBulkLayout",
           "The columns of the bulk file for a STEP1 choice (procedure, status_of_residence, hsp_activity) and the "
           "user's category: per sheet each header, the step and field of its cells and its pull-down's words "
           "(rasim: the real system describes the file only by its template)", "bulk",
           query={k: S for k in ("procedure", "status_of_residence", "hsp_activity")}, auth=True, faq="Q4-23")
def layout(query: dict, token: str) -> Any:
    from simulator.domain.errors import RuleViolation

    step1 = {k: query[k] for k in ("procedure", "status_of_residence", "hsp_activity") if query.get(k)}
    try:
        return as_user(token, bulk_filing.layout_of, step1)
    except RuleViolation as refused:   # a STEP1 choice S11 refuses, in a well-formed query: 422 as the upload's
        if refused.status == 400:
            refused.status = 422
        raise


@operation(bp, P, "GET", "/bulk-inputs/<int:bulk_input_id>", "getBulkInput",
           "An upload: uploaded → queued → processed, with the applications it made and its error item",
           "bulk", auth=True, faq="Q4-25")
def show(bulk_input_id: int, token: str) -> Any:
    return as_user(token, bulk_filing.show, bulk_input_id)


@operation(bp, P, "POST", "/bulk-inputs/<int:bulk_input_id>/completion", "completeBulkInput",
           "STEP3 入力情報確認 → STEP4: both ticks (WZBAM110E, WZBAM122E); the rows are registered in the "
           "background (入力完了(申請未了), or one エラー(一括登録) item and a mail a few minutes later)", "bulk",
           form="bulk_confirm", auth=True, faq="Q4-25", status=202)
def complete(bulk_input_id: int, body: dict, token: str) -> Any:
    return as_user(token, bulk_filing.confirm, bulk_input_id, body)


@operation(bp, P, "GET", "/applications/<int:application_id>/bulk-errors", "getBulkErrors",
           "一括申請エラー確認 → 登録エラー内容 (S26): per 受付仮番号-枝番, each message as the screen shows it, "
           "with its code and column (WZBAM169E for a row not in エラー(一括登録))", "bulk", auth=True,
           faq="Q4-25 Q4-26")
def bulk_errors(application_id: int, token: str) -> Any:
    return as_user(token, bulk_filing.errors, application_id)


@operation(bp, P, "GET", "/bulk-inputs/saved", "getSavedBulkInput",
           "Edition 2026: 「前回保存された一括申請からの再開」 [再開する] — the last upload's 一括申請読込結果 (003 §5.2)",
           "bulk", auth=True)
def saved(token: str) -> Any:
    return as_user(token, bulk_filing.saved)


@operation(bp, P, "PUT", "/bulk-inputs/<int:bulk_input_id>/rows/<int:line>", "fixBulkInputRow",
           "Edition 2026: [申込詳細] 「修正する」 (003 §5.3.2) — the row's values by step "
           "({\"step2_1\": {...}, \"step2_2\": {...}}), checked again: 正常 when clean, else 要確認 with its defects",
           "bulk", body={"values": OBJ}, required=["values"], auth=True)
def fix_row(bulk_input_id: int, line: int, body: dict, token: str) -> Any:
    return as_user(token, bulk_filing.fix_row, bulk_input_id, line, body.get("values") or {})


@operation(bp, P, "POST", "/bulk-inputs/<int:bulk_input_id>/submission", "submitBulkInput",
           "Edition 2026: 一括申請を申込む (003 §5.3.5) — every row 正常 (else RASIM459E with each row's defects): each "
           "row an application in 申請完了 with its 受付仮番号, the 一括申請番号 and 一括申請件数 (count); mails per "
           "applicant", "bulk", body={}, auth=True, status=201)
def submit(bulk_input_id: int, token: str) -> Any:
    return as_user(token, bulk_filing.submit_read, bulk_input_id)


@operation(bp, P, "PUT", "/bulk-inputs/<int:bulk_input_id>/rows/<int:line>/photo", "attachBulkRowPhoto",
           "Edition 2026: 顔写真を登録する for a row (003 §5.3.3): a JPEG of 縦4:横3 as the body (?filename=), replacing "
           "the row's photo; counts toward the row's 20 files and 25 MB (RASIM455E–457E)", "bulk",
           query={"filename": S}, auth=True, upload=PHOTO_TYPES)
def attach_photo(bulk_input_id: int, line: int, query: dict, token: str) -> Any:
    data = read_capped(_edition().residence_files_max_bytes)
    return as_user(token, bulk_filing.attach_row_photo, bulk_input_id, line, query.get("filename", ""), data)


@operation(bp, P, "POST", "/bulk-inputs/<int:bulk_input_id>/rows/<int:line>/documents", "attachBulkRowDocument",
           "Edition 2026: 資料を添付する for a row (003 §5.3.4): one PDF as the body (?filename=), repeated for more; the "
           "photo included at most 20 files and 25 MB (RASIM456E, 457E); a PDF with security settings or not ISO "
           "32000-1 is RASIM458E", "bulk", query={"filename": S}, auth=True, status=201, upload=PDF_TYPES)
def attach_document(bulk_input_id: int, line: int, query: dict, token: str) -> Any:
    received = receive_capped(_edition().residence_files_max_bytes)
    return as_user(token, bulk_filing.attach_row_document, bulk_input_id, line, query.get("filename", ""), received,
                   files_dir())


@operation(bp, P, "DELETE", "/bulk-inputs/<int:bulk_input_id>/rows/<int:line>/files/<int:file_id>",
           "removeBulkRowFile", "Edition 2026: [削除] of a row's photo or document (its file_id in the read result)",
           "bulk", auth=True)
def remove_file(bulk_input_id: int, line: int, file_id: int, token: str) -> Any:
    return as_user(token, bulk_filing.remove_row_file, bulk_input_id, line, file_id)


def _edition() -> Any:
    from simulator.catalog import edition

    return edition(current_app.config["RASIM_EDITION"])
