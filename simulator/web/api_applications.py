"""JSON API of individual applications (004 §2.4–§2.10), under /api/v1: the input steps, the list and
its operations, photo and documents (the file itself as the body, `?filename=`), submission. Every
operation calls the same service as the screens."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, request

from simulator.adapters import uploads
from simulator.services import (application_input, application_search, applications, attachments, input_files, sessions,
                                submission)
from simulator.services.context import Ctx
from simulator.web.operations import operation
from simulator.web.runtime import run

bp = Blueprint("api_applications", __name__, url_prefix="/api/v1")
P = "/api/v1"
S, B, INT, OBJ = "string", "boolean", "integer", "object"
VALUES = {"values": OBJ}
PHOTO_TYPES = ("image/jpeg", "application/octet-stream")
PDF_TYPES = ("application/pdf", "application/octet-stream")
SEARCH = {"office": S, "procedure": S, "state": S, "receipt_from": S, "receipt_to": S, "applied_from": S,
          "applied_to": S, "page": {"type": INT, "minimum": 1, "maximum": 100}, "sort": S, "order": S}
SUBMISSION_SEARCH = {"related": S, "procedure_name": S, "applied_from": S, "applied_to": S, "sort": S, "per_page": S,
                     "page": {"type": INT, "minimum": 1, "maximum": 100000}}   # services.application_search


def as_user(token: str, fn: Any, *args: Any) -> Any:
    def use_case(ctx: Ctx) -> Any:
        account, _session = sessions.authenticate(ctx, token)
        return fn(ctx, account, *args)

    return run(use_case)


def _values(body: dict) -> dict:
    return body.get("values") or {}


# --- input: STEP1 → STEP3 ---------------------------------------------------------------------------

@operation(bp, P, "POST", "/application-input", "startApplicationInput",
           "STEP1 申請種別及び在留資格選択: procedure, status of residence (and 主たる活動内容 for 高度専門職); "
           "replaces any input in progress. `values` as the form application_step1", "applications",
           body=VALUES, required=["values"], auth=True, faq="Q1-4 Q1-5", status=201)
def start_input(body: dict, token: str) -> Any:
    return as_user(token, application_input.start, _values(body))


@operation(bp, P, "GET", "/application-input", "getApplicationInput",
           "The input in progress: its steps, what was entered, the next step; showing it restarts the 30 minutes",
           "applications", auth=True, faq="Q4-27")
def get_input(token: str) -> Any:
    return as_user(token, application_input.show)


@operation(bp, P, "PUT", "/application-input/steps/<step>", "saveApplicationInputStep",
           "次へ/確認 of STEP2-1 … STEP2-4: `values` as the step's form (GET /api/v1/application-forms/{form})",
           "applications", body=VALUES, required=["values"], auth=True, faq="Q4-21 Q4-22 Q4-27 Q4-40 Q5-11")
def save_step(step: str, body: dict, token: str) -> Any:
    return as_user(token, application_input.save_step, step[:20], _values(body))


@operation(bp, P, "POST", "/application-input/completion", "completeApplicationInput",
           "STEP3 申請情報入力: both ticks; the application is created in 入力完了(申請未了) (STEP4)",
           "applications", body=VALUES, required=["values"], auth=True, faq="Q4-8 Q4-28", status=201)
def complete_input(body: dict, token: str) -> Any:
    return as_user(token, application_input.complete, _values(body))


# --- 2026: the photo and PDFs on [申込], and 申込む (003 §4.2.2 – §4.2.4) ---------------------------------

@operation(bp, P, "GET", "/application-input/files", "listApplicationInputFiles",
           "2026 [申込]: the photo and the PDFs attached to the input in progress, how many and how large together "
           "(RASIM473E in an edition without files on [申込])", "applications", auth=True)
def input_files_list(token: str) -> Any:
    return as_user(token, input_files.files)


@operation(bp, P, "PUT", "/application-input/photo", "attachApplicationInputPhoto",
           "2026 [申込] 顔写真: a JPEG (.jpg / .jpeg) of 縦4:横3 as the body (?filename=), registered at once and "
           "replacing the one before; counted in the 20 files / 25 MB", "applications", query={"filename": S},
           auth=True, upload=PHOTO_TYPES)
def input_photo(query: dict, token: str) -> Any:
    return as_user(token, input_files.attach_photo, query.get("filename", ""), photo_body())


@operation(bp, P, "POST", "/application-input/documents", "attachApplicationInputDocument",
           "2026 [申込] 添付ファイル [添付する]: one PDF as the body (?filename=); the photo and the PDFs together at "
           "most 20 files and 25 MB (RASIM456E, RASIM457E), no restricted or non-ISO 32000-1 PDF (RASIM458E)",
           "applications", query={"filename": S}, auth=True, upload=PDF_TYPES, status=201)
def input_document(query: dict, token: str) -> Any:
    from simulator.catalog import edition

    received = receive_capped(attachments.document_limit(edition(current_app.config["RASIM_EDITION"])))
    return as_user(token, input_files.attach_document, query.get("filename", ""), received, files_dir())


@operation(bp, P, "DELETE", "/application-input/files/<int:file_id>", "deleteApplicationInputFile",
           "2026 [申込] [削除]: the photo or a PDF of the input (RASIM404E for one that is not its)", "applications",
           auth=True)
def input_file_delete(file_id: int, token: str) -> Any:
    return as_user(token, input_files.remove, file_id)


@operation(bp, P, "POST", "/application-input/filing", "applyApplicationInput",
           "2026 [申込確認] 「申込む」: both ticks, the input completed with its photo and PDFs and filed at once — "
           "the 整理番号 and the パスワード (each mailed), the 受付仮番号 mail, the 申請受付番号 the next day; a refusal "
           "changes nothing", "applications", body=VALUES, required=["values"], auth=True,
           status=201)
def input_apply(body: dict, token: str) -> Any:
    return as_user(token, input_files.apply, _values(body))


@operation(bp, P, "GET", "/application-forms/<form_key>", "getApplicationForm",
           "A form declaration of the input steps: its fields, labels, kinds, limits, options and rules",
           "applications")
def get_form(form_key: str) -> Any:
    from simulator.catalog import edition
    from simulator.web.form_schema import describe_form

    return describe_form(form_key[:60], edition(current_app.config["RASIM_EDITION"]))


# --- the list ----------------------------------------------------------------------------------------

@operation(bp, P, "GET", "/applications", "searchApplications",
           "申請情報検索 → 申請情報一覧: every criterion optional (none: all), 10 a page, sortable",
           "applications", query=SEARCH, auth=True, faq="Q4-8 Q4-34 Q4-35")
def search(query: dict, token: str) -> Any:
    return as_user(token, applications.search, query)


@operation(bp, P, "GET", "/submissions", "searchSubmissions",
           "[申込一覧] (edition 2026, 003 §7.1): the user's 申込 — residence applications, 利用申出 / 定期報告 and "
           "受領方法変更申出, each row with its `kind` — 関連情報 (a part of 受付仮番号 / 受付番号 / 氏名), "
           "手続き名 (keywords separated by spaces, AND), 申込日 from / to as YYYYMMDD, sort applied_at_desc (default) or "
           "applied_at_asc, per_page 10 or 20 (the edition's); 400 RASIM484E–486E, 404 RASIM487E in an edition without it",
           "applications", query=SUBMISSION_SEARCH, auth=True)
def search_submissions(query: dict, token: str) -> Any:
    return as_user(token, application_search.search, query)


@operation(bp, P, "GET", "/submissions/<int:application_id>", "getSubmission",
           "[申込詳細] (edition 2026, 003 §7.1): the row, 整理番号, フリー欄, the photo's and documents' file names and "
           "whether 修正する is offered (返却中 only); another user's: 404 RASIM404E", "applications", auth=True)
def get_submission(application_id: int, token: str) -> Any:
    return as_user(token, application_search.detail, application_id)


@operation(bp, P, "GET", "/submissions/procedure-requests/<int:request_id>", "getProcedureRequestSubmission",
           "[申込詳細] of a row of kind procedure_request (003 §7.1, §7.2): a 利用申出 / 定期報告 with its 整理番号, PDFs, "
           "what the bureau asked for (note) and whether 修正する is offered (返却中 only); another user's: 404 RASIM404E",
           "applications", auth=True)
def get_procedure_request_submission(request_id: int, token: str) -> Any:
    return as_user(token, application_search.procedure_request_detail, request_id)


@operation(bp, P, "GET", "/submissions/receipt-method-changes/<int:change_id>", "getReceiptMethodChangeSubmission",
           "[申込詳細] of a row of kind receipt_change (003 §7.1, §7.3): a 受領方法変更申出 with its 整理番号 and the "
           "numbers and name it was made for; another user's: 404 RASIM404E", "applications", auth=True)
def get_receipt_change_submission(change_id: int, token: str) -> Any:
    return as_user(token, application_search.receipt_change_detail, change_id)


@operation(bp, P, "GET", "/applications/<int:application_id>", "getApplication",
           "One row of the list (the content typed in is not shown: FAQ Q4-28)", "applications", auth=True,
           faq="Q4-28 Q4-34")
def get_application(application_id: int, token: str) -> Any:
    return as_user(token, applications.get, application_id)


@operation(bp, P, "DELETE", "/applications/<int:application_id>", "deleteApplication",
           "申請情報の削除: only 入力完了(申請未了) or エラー(一括登録) (WZBAM172E)", "applications", auth=True,
           faq="Q4-25 Q4-32")
def delete_application(application_id: int, token: str) -> Any:
    return as_user(token, applications.delete, application_id)


@operation(bp, P, "PUT", "/applications/<int:application_id>/photo", "attachPhoto",
           "顔写真を添付する: a JPEG of at most 50 KB as the body, its file name in ?filename=", "applications",
           query={"filename": S}, auth=True, faq="Q4-6 Q4-7", upload=PHOTO_TYPES)
def attach_photo(application_id: int, query: dict, token: str) -> Any:
    return as_user(token, attachments.attach_photo, application_id, query.get("filename", ""), photo_body())


def photo_body() -> bytes:
    """The photo of the body, never more than the edition's limit + 1 bytes read: a body declared larger stands
    as limit + 1 bytes, refused as too large without reading it (WZBAM147E; 2026 RASIM457E)."""
    from simulator.catalog import edition

    limit = attachments.photo_limit(edition(current_app.config["RASIM_EDITION"]))
    if request.content_length is not None and request.content_length > limit:
        return b"\0" * (limit + 1)
    return request.stream.read(limit + 1)


@operation(bp, P, "GET", "/applications/<int:application_id>/photo", "getPhoto",
           "顔写真確認: the registered photo (WZBAM241E without one)", "applications", auth=True, faq="Q4-6")
def get_photo(application_id: int, token: str) -> Any:
    data, _name = as_user(token, attachments.photo, application_id)
    return Response(data, mimetype="image/jpeg")


@operation(bp, P, "PUT", "/applications/<int:application_id>/receipt-method", "setReceiptMethod",
           "受領方法 and 受領官署 (S17): before submission, or the change of FAQ Q5-1 while 申請完了 / 審査中",
           "applications", body={"card_receipt_method": S, "coe_receipt_method": S, "receiving_office": S},
           auth=True, faq="Q5-1")
def set_receipt_method(application_id: int, body: dict, token: str) -> Any:
    return as_user(token, attachments.set_receipt_method, application_id, body)


@operation(bp, P, "PUT", "/applications/<int:application_id>/documents", "attachDocuments",
           "資料を添付する: one PDF as the body (?filename=), streamed with a hard cap; 2024: at most 10 MB, once; 2026: "
           "one more each time, 20 files and 25 MB with the photo (RASIM456E, RASIM457E)",
           "applications", query={"filename": S}, auth=True, faq="Q4-1 Q4-2 Q4-3 Q4-5", upload=PDF_TYPES)
def attach_documents(application_id: int, query: dict, token: str) -> Any:
    from simulator.catalog import edition

    limit = attachments.document_limit(edition(current_app.config["RASIM_EDITION"]))
    received = receive_capped(limit)
    return as_user(token, attachments.attach_documents, application_id, query.get("filename", ""), received,
                   files_dir())


def files_dir() -> Any:
    from pathlib import Path

    return Path(current_app.config.get("RASIM_FILES_DIR") or Path(current_app.config["RASIM_VAR_DIR"]) / "files")


def receive_capped(limit: int) -> uploads.Received:
    """The body streamed to a temporary file, never more than `limit` + 1 bytes read."""
    if request.content_length is not None and request.content_length > limit:
        return uploads.Received(None, request.content_length, "", True)
    request.max_content_length = limit + 1   # the cap is ours, per chunk (None would mean MAX_CONTENT_LENGTH)
    return uploads.receive(request.stream, limit, files_dir() / "incoming")


@operation(bp, P, "POST", "/applications/<int:application_id>/companions", "startCompanionInput",
           "再入国許可・資格外活動許可も同時に申請する: STEP1 of S21 for a 入力完了(申請未了) change / extension / "
           "acquisition (WZBAM203E); then the same input steps", "applications", body=VALUES, required=["values"],
           auth=True, faq="Q1-4 Q4-33", status=201)
def start_companion(application_id: int, body: dict, token: str) -> Any:
    return as_user(token, application_input.start_companion, application_id, _values(body))


@operation(bp, P, "POST", "/applications/<int:application_id>/submission", "submitApplication",
           "入管庁に申請を行う: checks photo and dates again; 申請完了, the 申請受付仮番号 mail now and the 申請受付番号 "
           "the next day", "applications", auth=True, faq="Q4-7 Q4-9 Q4-10 Q4-11 Q4-14 Q4-15 Q4-16 Q4-30 Q4-37")
def submit(application_id: int, token: str) -> Any:
    return as_user(token, submission.submit, application_id)
