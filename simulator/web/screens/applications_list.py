"""申請情報検索 (S15), 申請情報一覧 (S16) and what its buttons open: 顔写真添付・受領方法 (S17), 顔写真確認 (S18),
資料添付 with the D3 confirmation (S19), 申請受付完了 (S20) and 登録エラー内容 (S26). Each page calls the same
service as the API (services.applications, attachments, submission); the only rule of its own is the
screen's WZBAM138E (an operation button pressed without a row chosen). The PDF of S19 is copied in chunks
to a temporary file under a hard cap (adapters.uploads), the request body limited to the edition's
document_max_bytes + 64 KB; a bigger body gets the page 「サーバーメンテナンス中です」 (RASIM452E, 413; FAQ Q4-3)."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

from flask import Response, abort, redirect, request, session, url_for

from simulator import catalog
from simulator.adapters import uploads
from simulator.domain import receipt
from simulator.domain.applications import operations, state_labels, substate_labels
from simulator.domain.errors import RuleViolation
from simulator.services import applications, attachments, receipt_changes, submission
from simulator.web.api_applications import files_dir
from simulator.web.screens import guard
from simulator.web.screens.base import bp
from simulator.web.screens.ui import FormErrors, edition, edition_form, lang, message_page, page, t

SEARCH = "application_search"        # the criteria of the last 検索, for the list's pages and sorting
ACCEPTED = "application_accepted"    # what S20 shows after 「入管庁に申請を行う」
PENDING = "application_document"     # the PDF received, waiting for D3's 確認
NOTICE = "application_notice"
OPERATIONS = ("attach_documents", "attach_photo", "add_companion", "change_receipt_method", "check_photo",
              "show_bulk_errors", "delete", "submit", "resubmit")   # S16's buttons, in the manual's order; the
# edition's operation matrix (catalog/application_operations.csv) says which of them it has (2026: 修正する)


def edition_operations() -> tuple[str, ...]:
    have = operations(edition().applications_edition)
    return tuple(op for op in OPERATIONS if op in have)
OPENS = {"attach_documents": "screens.application_documents", "attach_photo": "screens.application_photo",
         "add_companion": "screens.companion_step1", "change_receipt_method": "screens.application_receipt_method",
         "show_bulk_errors": "screens.application_bulk_errors"}
COLUMNS = ("select", "number", "receipt_number", "state", "photo_state", "document_state", "companion", "receipt_method",
           "receiving_office", "procedure", "desired", "applied_at", "residence_card_number")
SORTABLE = set(applications.SORTS)
CRITERIA = ("office", "procedure", "receipt_from", "receipt_to", "state")
WHEN_PARTS = ("y", "m", "d", "h", "i")
DOCUMENTS_ENDPOINT = "screens.application_documents"
MULTIPART_ALLOWANCE = 64 * 1024


def refusals_as_page(view: Callable[..., Any]) -> Callable[..., Any]:
    """A row that is not the user's (RASIM404E) or a refusal no page shows inline: the message page."""

    @wraps(view)
    def shown(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except RuleViolation as refused:
            return message_page(list(dict.fromkeys(p.code for p in refused.problems)), refused.status)

    return shown


# --- S15 申請情報検索 -----------------------------------------------------------------------------------------

def _when(form: Any, name: str) -> str:
    """年/月/日 時:分 as YYYY-MM-DDTHH:MM; a partial one stays partial, for the service's 131E/133E."""
    raw = [str(form.get(f"{name}__{p}", "")).strip() for p in WHEN_PARTS]
    if not any(raw):
        return ""
    if all(r.isascii() and r.isdigit() for r in raw):
        y, mo, d, h, mi = (int(r) for r in raw)
        return f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}"
    return "{}-{}-{}T{}:{}".format(*raw)


def _search_page(shown: dict[str, str], errors: FormErrors, status: int = 200) -> Any:
    ed = edition().applications_edition
    states = [(r["key"], r["label_en"] if lang() == "en" else r["label_ja"])
              for r in catalog.table("application_statuses.csv") if r["edition"] == ed]
    procedures = [(r["key"], r["label_en"] if lang() == "en" else r["label_ja"])
                  for r in catalog.table("procedures.csv") if r["standalone"] == "true"]
    bureaus = [(r["key"], r["name_en"] if lang() == "en" else r["name_ja"]) for r in catalog.table("bureaus.csv")]
    return page("application_search.html", status, errors=errors, shown=shown, states=states, procedures=procedures,
                bureaus=bureaus)


@bp.route("/applications/search", methods=["GET", "POST"])
@guard.from_latest_screen
def application_search() -> Any:
    """S15: 「検索」 → S16 (every criterion optional: none lists all, FAQ Q4-8), 「クリア」, 「戻る」 → S03."""
    if request.method == "GET":
        guard.as_user(lambda ctx, account: None)
        kept = session.get(SEARCH, {}) if request.args.get("keep") else {}
        return _search_page(dict(kept.get("shown", {})), FormErrors())
    if request.form.get("action") == "clear":
        session.pop(SEARCH, None)
        return _search_page({}, FormErrors())
    shown = {k: str(request.form.get(k, "")).strip() for k in CRITERIA}
    shown |= {f"{w}__{p}": str(request.form.get(f"{w}__{p}", "")) for w in ("applied_from", "applied_to") for p in WHEN_PARTS}
    query = {k: shown[k] for k in CRITERIA if shown[k]}
    query |= {w: _when(request.form, w) for w in ("applied_from", "applied_to") if _when(request.form, w)}
    try:
        guard.as_user(applications.search, query)
    except RuleViolation as refused:
        return _search_page(shown, FormErrors.of(refused), refused.status)
    session[SEARCH] = {"query": query, "shown": shown}
    return redirect(url_for("screens.application_list"))


# --- S16 申請情報一覧 -------------------------------------------------------------------------------------------

def _words(row: dict[str, Any]) -> dict[str, Any]:
    """A row's labels in the page's language (the services give the Japanese)."""
    if lang() != "en":
        return row
    ed = edition().applications_edition
    subs = substate_labels(ed)
    method_list = "coe_receipt_methods" if row["procedure"] == "coe" else "card_receipt_methods"
    office = {r["key"]: r["name_en"] for r in catalog.table("bureaus.csv")}
    procedure = {r["key"]: r["label_en"] for r in catalog.table("procedures.csv")}
    return {**row, "state_label": state_labels(ed).get(row["state"], (row["state"], row["state"]))[1],
            "photo_label": subs.get(("photo", row["photo_state"]), ("", ""))[1],
            "document_label": subs.get(("document", row["document_state"]), ("", ""))[1],
            "companion_label": subs[("companion", "some" if row["companion"] else "none")][1],
            "receipt_method_label": catalog.list_label(method_list, row["receipt_method"], "en") if row["receipt_method"] else "",
            "receiving_office_label": office.get(row["receiving_office"] or "", ""),
            "procedure_label": procedure.get(row["procedure"], row["procedure"])}


def _view() -> dict[str, Any]:
    """The list's page, sort and order: from the query (a pager or header link), kept for the next visit."""
    kept = dict(session.get(SEARCH) or {"query": {}, "shown": {}})
    view = dict(kept.get("view", {"page": "1", "sort": "applied_at", "order": "desc"}))
    for key in ("page", "sort", "order"):
        value = request.values.get(key)
        if value:
            view[key] = value[:40]
    if view["sort"] not in SORTABLE or view["order"] not in ("asc", "desc"):
        view.update(sort="applied_at", order="desc")
    if not (view["page"].isascii() and view["page"].isdigit() and 1 <= int(view["page"]) <= 100):
        view["page"] = "1"
    kept["view"] = view
    session[SEARCH] = kept
    return {**kept["query"], **view, "page": int(view["page"])}


def _list_page(errors: FormErrors, status: int = 200, notice: str | None = None) -> Any:
    query = _view()
    try:
        found = guard.as_user(applications.search, query)
    except RuleViolation as refused:
        found = {"total": 0, "rows": [], "pages": 0, "page": 1, "first": 0, "last": 0}
        if not errors:
            errors = FormErrors.of(refused)
    pages = found["pages"]
    start = max(1, min(found["page"] - 2, pages - 4))
    return page("application_list.html", status, errors=errors, found=found, rows=[_words(r) for r in found["rows"]],
                pager=list(range(start, min(pages, start + 4) + 1)) if pages else [], sort=query["sort"],
                order=query["order"], columns=COLUMNS, sortable=SORTABLE, operations=edition_operations(), notice=notice)


@bp.route("/applications/list", methods=["GET", "POST"])
@guard.from_latest_screen
def application_list() -> Any:
    """S16: the rows of the last search (`?all=1`: every row), 10 a page, and the operation buttons."""
    if request.method == "GET":
        if request.args.get("all"):
            session[SEARCH] = {"query": {}, "shown": {}}
        return _list_page(FormErrors(), notice=session.pop(NOTICE, None))
    operation = request.form.get("operation", "")
    if operation not in edition_operations():
        abort(400)
    chosen = str(request.form.get("selected", ""))
    if not (chosen.isascii() and chosen.isdigit() and len(chosen) <= 9):
        label = t(f"app_list.op_{operation}")
        return _list_page(FormErrors.of(RuleViolation.one("WZBAM138E", "selected", 操作ボタン=label)), 400)
    application_id = int(chosen)
    try:
        return _operate(operation, application_id)
    except RuleViolation as refused:
        return _list_page(FormErrors.of(refused), refused.status)


def _allowed(ctx: Any, account: Any, application_id: int, operation: str) -> None:
    applications.check_operation(ctx, applications.own_application(ctx, account, application_id), operation)


def _operate(operation: str, application_id: int) -> Any:
    if operation == "delete":
        guard.as_user(applications.delete, application_id)
        session[NOTICE] = t("app_list.deleted")
        return redirect(url_for("screens.application_list"))
    if operation == "submit":
        done = guard.as_user(submission.submit, application_id)
        session[ACCEPTED] = {"email": done["notified_to"][0]}
        return redirect(url_for("screens.application_accepted"))
    if operation == "resubmit":
        guard.as_user(receipt_changes.resubmit, application_id)
        session[NOTICE] = t("app_list.resubmitted")
        return redirect(url_for("screens.application_list"))
    if operation == "check_photo":
        guard.as_user(attachments.photo, application_id)
        return redirect(url_for("screens.application_photo_check", application_id=application_id))
    guard.as_user(_allowed, application_id, operation)
    return redirect(url_for(OPENS[operation], application_id=application_id))


@bp.get("/applications/accepted")
def application_accepted() -> Any:
    """S20 申請受付完了: the registered address the receipt mail goes to, and the help desk."""
    email = guard.as_user(lambda ctx, account: account.email)
    accepted = session.get(ACCEPTED) or {"email": email}
    return page("application_accepted.html", email=accepted["email"])


@bp.get("/applications/<int(max=2147483647):application_id>/bulk-errors")
@refusals_as_page
def application_bulk_errors(application_id: int) -> Any:
    """S26 登録エラー内容 of a row in エラー(一括登録): per 受付仮番号-枝番, its messages without codes (a message
    that marks several items, like WZBAM236E, once; a field's input-rule error as the generic WZBAM018E, Q4-26)."""
    from simulator.domain.bulk_format import screen_messages
    from simulator.services import bulk_filing

    guard.as_user(_allowed, application_id, "show_bulk_errors")
    detail = guard.as_user(bulk_filing.errors, application_id)
    entries = [{"branch": e["branch"], "messages": screen_messages(e["errors"])} for e in detail["entries"]]
    return page("application_bulk_errors.html", entries=entries)


# --- S17 顔写真添付・受領方法 ---------------------------------------------------------------------------------

def _photo_page(application_id: int, mode: str, values: dict[str, str], errors: FormErrors, status: int = 200) -> Any:
    row = guard.as_user(applications.get, application_id)
    form = edition_form("receipt_method")
    method = form.field(receipt.method_field(row["procedure"]))
    if not values and not errors:
        values = {method.key: row["receipt_method"] or "", "receiving_office": row["receiving_office"] or ""}
    return page("application_photo.html", status, errors=errors, row=row, mode=mode, values=values, method=method,
                office=form.field("receiving_office"), coe=row["procedure"] == "coe")


def _register(application_id: int, mode: str, values: dict[str, str]) -> None:
    """登録: the photo (when one is chosen, or the row still needs one) and the receipt method, in one unit of
    work, so that the problems of both are shown together and nothing is kept unless both are right."""
    limit = attachments.photo_limit(edition())
    chosen = request.files.get("photo")
    filename = (chosen.filename or "") if chosen else ""
    data = chosen.stream.read(limit + 1) if chosen and filename else b""

    def register(ctx: Any, account: Any) -> None:
        problems = []
        if mode == "photo":
            app = applications.own_application(ctx, account, application_id)
            if filename or app.photo_state in ("none", "awaiting_supplement"):
                try:
                    attachments.attach_photo(ctx, account, application_id, filename, data)
                except RuleViolation as refused:
                    problems += refused.problems
        try:
            attachments.set_receipt_method(ctx, account, application_id, values)
        except RuleViolation as refused:
            problems += [p for p in refused.problems if p not in problems]
        if problems:
            raise RuleViolation(problems)

    guard.as_user(register)


def _photo_screen(application_id: int, mode: str) -> Any:
    if request.method == "GET":
        return _photo_page(application_id, mode, {}, FormErrors())
    action = request.form.get("action", "register")
    if action == "back":
        return redirect(url_for("screens.application_list"))
    row = guard.as_user(applications.get, application_id)
    field = receipt.method_field(row["procedure"])
    values = {field: request.form.get(field, ""), "receiving_office": request.form.get("receiving_office", "")}
    if action == "clear":
        return _photo_page(application_id, mode, {field: "", "receiving_office": ""}, FormErrors())
    try:
        _register(application_id, mode, values)
    except RuleViolation as refused:
        return _photo_page(application_id, mode, values, FormErrors.of(refused), refused.status)
    return redirect(url_for("screens.application_list"))


@bp.route("/applications/<int(max=2147483647):application_id>/photo", methods=["GET", "POST"])
@guard.from_latest_screen
@refusals_as_page
def application_photo(application_id: int) -> Any:
    """S17 for 「顔写真を添付する」: the photo and the receipt method."""
    return _photo_screen(application_id, "photo")


@bp.route("/applications/<int(max=2147483647):application_id>/receipt-method", methods=["GET", "POST"])
@guard.from_latest_screen
@refusals_as_page
def application_receipt_method(application_id: int) -> Any:
    """S17 for 「在留カード・在留資格認定証明書の受取方法を変更する」: the receipt method only."""
    return _photo_screen(application_id, "receipt")


# --- S18 顔写真確認 -------------------------------------------------------------------------------------------

@bp.get("/applications/<int(max=2147483647):application_id>/photo/check")
@refusals_as_page
def application_photo_check(application_id: int) -> Any:
    return page("application_photo_check.html", row=guard.as_user(applications.get, application_id))


@bp.get("/applications/<int(max=2147483647):application_id>/photo.jpg")
def application_photo_image(application_id: int) -> Any:
    """The registered photo itself, for S18's <img> (attachments.photo: WZBAM241E without one)."""
    try:
        data, _name = guard.as_user(attachments.photo, application_id)
    except RuleViolation:
        abort(404)
    return Response(data, mimetype="image/jpeg")


# --- S19 資料添付 and D3 --------------------------------------------------------------------------------------

@bp.url_value_preprocessor
def _document_body_limit(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Before anything reads the form of S19 (the NUL check of web.boundary does): the body may carry one
    PDF of document_max_bytes and the form around it, no more (app-wide MAX_CONTENT_LENGTH is smaller)."""
    if endpoint == DOCUMENTS_ENDPOINT and request.method == "POST":
        request.max_content_length = attachments.document_limit(edition()) + MULTIPART_ALLOWANCE


def _documents_page(application_id: int, errors: FormErrors, status: int = 200, pending: str | None = None) -> Any:
    return page("application_documents.html", status, errors=errors, row=guard.as_user(applications.get, application_id),
                pending=pending)


def _discard_pending() -> None:
    pending = session.pop(PENDING, None)
    if pending:
        uploads.discard(uploads.Received(Path(pending["path"]), 0, "", False))


@bp.route("/applications/<int(max=2147483647):application_id>/documents", methods=["GET", "POST"])
@guard.from_latest_screen
@refusals_as_page
def application_documents(application_id: int) -> Any:
    """S19: 「登録」 receives the PDF (in chunks, capped), D3 asks, 「確認」 registers it (once only), 「取消」 stays."""
    if request.method == "GET":
        return _documents_page(application_id, FormErrors())
    action = request.form.get("action", "register")
    if action == "back":
        _discard_pending()
        return redirect(url_for("screens.application_list"))
    if action == "cancel":
        _discard_pending()
        return _documents_page(application_id, FormErrors())
    if action == "confirm":
        pending = session.get(PENDING)
        if not pending or pending["id"] != application_id:
            return _documents_page(application_id, FormErrors.of(RuleViolation.one("WZBAM001E", "document")), 400)
        received = uploads.Received(Path(pending["path"]), pending["size"], pending["sha256"], False)
        session.pop(PENDING, None)
        return _attach(application_id, pending["filename"], received)
    _discard_pending()
    chosen = request.files.get("document")
    if chosen is None or not chosen.filename:
        return _documents_page(application_id, FormErrors.of(RuleViolation.one("WZBAM001E", "document")), 400)
    received = uploads.receive(chosen.stream, attachments.document_limit(edition()), files_dir() / "incoming")
    if received.too_large or received.size == 0:
        return _attach(application_id, chosen.filename, received)   # the service's 184E / 183E, without D3
    session[PENDING] = {"id": application_id, "path": str(received.path), "size": received.size,
                        "sha256": received.sha256, "filename": chosen.filename[:255]}
    return _documents_page(application_id, FormErrors(), pending=chosen.filename[:255])


def _attach(application_id: int, filename: str, received: uploads.Received) -> Any:
    try:
        guard.as_user(attachments.attach_documents, application_id, filename, received, files_dir())
    except RuleViolation as refused:
        return _documents_page(application_id, FormErrors.of(refused), refused.status)
    return redirect(url_for("screens.application_list"))
