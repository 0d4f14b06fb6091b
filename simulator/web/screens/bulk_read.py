"""一括申請, edition 2026 (003 §5.2–§5.3.5): [一括申請読込結果] (ファイル行数 | 氏名 | 生年月日 | ステータス | 操作),
[申込詳細] of a row (the ▲ items re-entered and 「修正する」, the photo, the PDFs and [削除]), 「申込む」 with the
popup, [一括申請完了] with 一括申請番号 and 一括申請件数. Which screen follows an upload is the upload's state
(read at once: here; queued for the worker: S13), not the edition. The use cases of services.bulk_filing,
as the API's."""
from __future__ import annotations

from typing import Any

from flask import redirect, request, url_for

from simulator.adapters import uploads
from simulator.domain import bulk_format
from simulator.domain.errors import RuleViolation
from simulator.services import bulk_filing
from simulator.web.api_applications import files_dir
from simulator.web.screens import guard
from simulator.web.screens.base import bp
from simulator.web.screens.ui import FormErrors, edition, page, t

ROW_ENDPOINT = "screens.bulk_row"
MULTIPART_ALLOWANCE = 64 * 1024
ID = "int(max=2147483647)"


@bp.url_value_preprocessor
def _row_body_limit(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """[申込詳細] takes a photo or a PDF: up to the row's whole allowance and the form around it."""
    if endpoint == ROW_ENDPOINT and request.method == "POST":
        request.max_content_length = edition().residence_files_max_bytes + MULTIPART_ALLOWANCE


def _load(bulk_input_id: int) -> dict[str, Any] | None:
    try:
        return guard.as_user(bulk_filing.show, bulk_input_id)
    except RuleViolation:
        return None


def _read_page(bulk: dict[str, Any], errors: FormErrors, status: int = 200) -> Any:
    size = edition().list_page_size
    rows = bulk["read_result"]
    pages = max(1, -(-len(rows) // size))
    current = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
    return page("bulk_read.html", status, errors=errors, bulk=bulk, rows=rows[(current - 1) * size:current * size],
                page_no=current, pages=pages, heading=t("bulk.read_title"))


@bp.route(f"/applications/bulk/<{ID}:bulk_input_id>/read", methods=["GET", "POST"])
@guard.from_latest_screen
def bulk_read(bulk_input_id: int) -> Any:
    """[一括申請読込結果]: 「詳細 >」 per row; 「申込む」 (after the popup's OK) → [一括申請完了]."""
    bulk = _load(bulk_input_id)
    if bulk is None or "read_result" not in bulk:
        return redirect(url_for("screens.bulk_upload"))
    if request.method == "GET":
        return _read_page(bulk, FormErrors())
    try:
        done = guard.as_user(bulk_filing.submit_read, bulk_input_id)
    except RuleViolation as refused:
        return _read_page(guard.as_user(bulk_filing.show, bulk_input_id), FormErrors.of(refused), refused.status)
    return redirect(url_for("screens.bulk_applied", bulk_input_id=done["id"]))


def _columns(bulk: dict[str, Any]) -> tuple[bulk_format.Layout, dict[str, int]]:
    lay = guard.as_user(bulk_filing.layout_for, bulk["id"])
    return lay, {c.header: i for i, c in enumerate(lay.columns)}


def _row_page(bulk: dict[str, Any], line: int, errors: FormErrors, status: int = 200,
              typed: dict[int, str] | None = None) -> Any:
    row = next(r for r in bulk["read_result"] if r["line"] == line)
    lay, index = _columns(bulk)
    cells = bulk_format.row_cells(lay, row["values"])
    items = []   # the ▲ items: each defect of a column, with the cell as the file had it (or as typed)
    for e in row["errors"]:
        i = index.get(e["column"]) if e["column"] else None
        items.append({"column": e["column"], "message": e["message"], "index": i,
                      "text": (typed or {}).get(i, cells[i]) if i is not None else ""})
    ed = edition()
    return page("bulk_row.html", status, errors=errors, bulk=bulk, row=row, items=items,
                heading=t("bulk.row_title"), files_note=t("bulk.files_note", files=ed.residence_files_max,
                                                          mb=ed.residence_files_max_bytes // (1024 * 1024)))


@bp.route(f"/applications/bulk/<{ID}:bulk_input_id>/rows/<{ID}:line>", methods=["GET", "POST"])
@guard.from_latest_screen
@guard.refuses_bookmark
def bulk_row(bulk_input_id: int, line: int) -> Any:
    """[申込詳細]: 「修正する >」 the ▲ items (back to the 読込結果 when the row is clean, else here again);
    the photo (registered on choosing), 「添付する」 a PDF, 「削除」 a file; 「< 読込結果一覧へ戻る」."""
    bulk = _load(bulk_input_id)
    if bulk is None or "read_result" not in bulk or not any(r["line"] == line for r in bulk["read_result"]):
        return redirect(url_for("screens.bulk_upload"))
    if request.method == "GET":
        return _row_page(bulk, line, FormErrors())
    action = request.form.get("action", "fix")
    if action == "back":
        return redirect(url_for("screens.bulk_read", bulk_input_id=bulk_input_id))
    try:
        if action == "photo":
            chosen = request.files.get("photo")
            if chosen is None or not chosen.filename:
                raise RuleViolation.one("WZBAM001E", "photo")
            data = chosen.stream.read(edition().residence_files_max_bytes + 1)
            bulk = guard.as_user(bulk_filing.attach_row_photo, bulk_input_id, line, chosen.filename, data)
        elif action == "document":
            chosen = request.files.get("document")
            if chosen is None or not chosen.filename:
                raise RuleViolation.one("WZBAM001E", "document")
            received = uploads.receive(chosen.stream, edition().residence_files_max_bytes, files_dir() / "incoming")
            bulk = guard.as_user(bulk_filing.attach_row_document, bulk_input_id, line, chosen.filename, received,
                                 files_dir())
        elif action.startswith("delete:") and action[7:].isdigit():
            bulk = guard.as_user(bulk_filing.remove_row_file, bulk_input_id, line, int(action[7:]))
        else:
            return _fix(bulk, line)
    except RuleViolation as refused:
        return _row_page(_load(bulk_input_id) or bulk, line, FormErrors.of(refused), refused.status)
    return _row_page(bulk, line, FormErrors())


def _fix(bulk: dict[str, Any], line: int) -> Any:
    """The row's cells with the ▲ items as typed, read as the upload reads a row, then checked again."""
    row = next(r for r in bulk["read_result"] if r["line"] == line)
    lay, _index = _columns(bulk)
    cells = bulk_format.row_cells(lay, row["values"])
    typed = {}
    for key, text in request.form.items():
        if key.startswith("cell:") and key[5:].isdigit() and int(key[5:]) < len(cells):
            typed[int(key[5:])] = text[:1000]
    for i, text in typed.items():
        cells[i] = text
    values = bulk_format.step_values(lay, cells)
    try:
        fixed = guard.as_user(bulk_filing.fix_row, bulk["id"], line, values)
    except RuleViolation as refused:
        return _row_page(bulk, line, FormErrors.of(refused), refused.status, typed)
    now = next(r for r in fixed["read_result"] if r["line"] == line)
    if now["errors"]:
        return _row_page(fixed, line, FormErrors(), 200)
    return redirect(url_for("screens.bulk_read", bulk_input_id=bulk["id"]))


@bp.get(f"/applications/bulk/<{ID}:bulk_input_id>/applied")
@guard.refuses_bookmark
def bulk_applied(bulk_input_id: int) -> Any:
    """[一括申請完了]: 一括申請番号 and 一括申請件数; 「< 一覧へ戻る」 → the procedures (003 §5.3.5 #5)."""
    bulk = _load(bulk_input_id)
    if bulk is None or not bulk.get("bulk_number"):
        return redirect(url_for("screens.menu"))
    return page("bulk_applied.html", bulk=bulk, heading=t("bulk.applied_title"))
