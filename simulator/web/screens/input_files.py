"""The 添付ファイル page of one person's [申込], edition 2026 (003 §4.2.2, §4.2.3): the face photo registered on
[登録する], a PDF by [添付する] — repeated for more — and [削除] for either, within 20 files and 25 MB with the
photo; 「入力へ戻る」 back to the input. The counts are shown on [申込確認] too (the template global
`input_files_view`). Every action calls services.input_files, as the API does; an edition without files on
[申込] answers its refusal (RASIM473E) as a message page."""
from __future__ import annotations

from typing import Any

from flask import redirect, request, url_for

from simulator.adapters import uploads
from simulator.domain.errors import RuleViolation
from simulator.services import application_input, input_files
from simulator.web.api_applications import files_dir
from simulator.web.screens import guard
from simulator.web.screens.base import bp
from simulator.web.screens.ui import FormErrors, edition, message_page, page, t

ENDPOINT = "screens.application_input_files"
MULTIPART_ALLOWANCE = 64 * 1024   # the form around the file


@bp.url_value_preprocessor
def _body_limit(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """The page takes a photo or a PDF: up to the whole allowance of the files and the form around it."""
    if endpoint == ENDPOINT and request.method == "POST":
        request.max_content_length = edition().residence_files_max_bytes + MULTIPART_ALLOWANCE


@bp.app_template_global("input_files_view")
def input_files_view() -> dict[str, Any] | None:
    """The files of the input in progress (None where there is none, or the edition has no files on [申込])."""
    try:
        return guard.as_user(input_files.files)
    except RuleViolation:
        return None


def _page(errors: FormErrors, status: int = 200) -> Any:
    ed = edition()
    inp = guard.as_user(application_input.show)
    return page("application_files.html", status, errors=errors, files=guard.as_user(input_files.files),
                procedure=inp["procedure"], back_step=inp["next_step"],
                files_note=t("apply2026.files_note", files=ed.residence_files_max,
                             mb=ed.residence_files_max_bytes // (1024 * 1024)))


@bp.route("/applications/input/files", methods=["GET", "POST"])
@guard.from_latest_screen
@guard.refuses_bookmark
def application_input_files() -> Any:
    try:
        if request.method == "GET":
            return _page(FormErrors())
        action = request.form.get("action", "")
        if action == "back":
            return redirect(url_for("screens.application_step", step=guard.as_user(application_input.show)["next_step"]))
        _act(action)
    except RuleViolation as refused:
        if any(p.code in ("RASIM473E", "RASIM440E", "RASIM442E") for p in refused.problems):
            return message_page([p.code for p in refused.problems], refused.status)
        return _page(FormErrors.of(refused), refused.status)
    return _page(FormErrors())


def _act(action: str) -> None:
    if action == "photo":
        chosen = request.files.get("photo")
        if chosen is None or not chosen.filename:
            raise RuleViolation.one("WZBAM001E", "photo")
        data = chosen.stream.read(edition().residence_files_max_bytes + 1)
        guard.as_user(input_files.attach_photo, chosen.filename, data)
    elif action == "document":
        chosen = request.files.get("document")
        if chosen is None or not chosen.filename:
            raise RuleViolation.one("WZBAM001E", "document")
        received = uploads.receive(chosen.stream, edition().residence_files_max_bytes, files_dir() / "incoming")
        guard.as_user(input_files.attach_document, chosen.filename, received, files_dir())
    elif action.startswith("delete:") and action[7:].isdigit():
        guard.as_user(input_files.remove, int(action[7:]))
    else:
        raise RuleViolation.one("RASIM400E", "action", 理由="unknown action")
