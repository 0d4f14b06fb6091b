"""利用申出 and 定期報告 on the screens (edition 2026, 003 §3.3, §6, §7.2): [申込] (stable entries, the procedure
catalogue's links: /procedures/usage-request/apply, /procedures/periodic-report/apply) with its form and 資料添付
([添付する], [削除]), 「確認へ進む」 → [申込確認] → 「申込む」 (the dialog of 003 §3.3.4) → [申込完了] with the
整理番号 and パスワード; 「修正する」 of a 返却中 申込 (/procedure-requests/<id>/correct) brings back [申込] for the
correction. One page for both procedures, drawn from the form declaration; every action calls
services.procedure_requests, the API's use cases. Errors per 003 §1.6: under the item, no code."""
from __future__ import annotations

from typing import Any

from flask import redirect, request, session, url_for

from simulator import catalog
from simulator.adapters import uploads
from simulator.domain.errors import RuleViolation
from simulator.services import procedure_requests as requests_
from simulator.web.api_applications import files_dir
from simulator.web.screens import guard
from simulator.web.screens.base import bp
from simulator.web.screens.field_errors import messages_by_item
from simulator.web.screens.ui import edition, edition_field, edition_form, lang, message_page, page, t

DONE = "procedure_request_done"    # the numbers [申込完了] shows once
ALLOWANCE = 64 * 1024              # the multipart framing around one PDF


def item_label(key: str) -> str:
    spec = edition_field(key)
    return spec.label_en if lang() == "en" else spec.label_ja


def _messages(refused: RuleViolation) -> dict[str, list[str]]:
    """A required item left empty reads 「<項目名>は入力必須項目です。」 (003 §1.6); others their message's text."""
    return messages_by_item(refused, lambda key: t("procedure_request.files_label") if key == "files" else item_label(key))


def shown_value(f: Any, value: Any) -> str:
    if value in (None, ""):
        return ""
    if f.kind.startswith("list:"):
        return catalog.list_label(f.kind[5:], value, "en" if lang() == "en" else "ja")
    return str(value)


def posted_values(form_key: str) -> dict[str, str]:
    return {f.key: str(request.form.get(f.key, "")).strip()[:300] for f in edition_form(form_key).fields
            if request.form.get(f.key, "").strip()}


def _input_page(req: dict[str, Any], values: dict[str, Any], errors: dict[str, list[str]], status: int = 200) -> Any:
    form_key = requests_.offered_form(edition(), req["procedure"])
    form = edition_form(form_key)
    proc = requests_.procedure_of(form_key)
    options = {f.key: [(v, shown_value(f, v)) for v in f.spec.choices] for f in form.fields if f.kind.startswith("list:")}
    return page("procedure_request_apply.html", status, req=req, form=form, proc=proc, values=values, errors=errors,
                options=options, item_label=item_label, name=t(proc["label"]),
                required={f.key for f in form.fields if f.required},
                temporary_save_urls=_temporary_save_urls(req["id"]), temporary_form_id="procedure-request-form")


def _temporary_save_urls(request_id: int) -> dict[str, str] | None:
    """The buttons of the panel at the bottom of [申込] (003 §8.2; screens/procedure_request_saves.py)."""
    if not edition().temporary_save:
        return None
    return {"save_url": url_for("screens.procedure_request_temporary_save", request_id=request_id),
            "load_url": url_for("screens.procedure_request_temporary_load", request_id=request_id)}


def _offered(slug: str) -> str | None:
    try:
        return requests_.offered_form(edition(), slug)
    except RuleViolation:
        return None


def _entry(slug: str) -> Any:
    if _offered(slug) is None:
        return message_page(["RASIM499E"], 404)
    try:
        req = guard.as_user(requests_.start, slug)
    except RuleViolation as refused:
        return message_page([p.code for p in refused.problems], refused.status)
    return _act(req["id"])


@bp.route("/procedures/usage-request/apply", methods=["GET", "POST"])
@guard.from_latest_screen
@guard.refuses_bookmark
def usage_request_input() -> Any:
    """[申込] of 利用申出(新たに在留諸申請の実施を希望する所属機関等の方) (003 §3.3.2)."""
    return _entry("usage-request")


@bp.route("/procedures/periodic-report/apply", methods=["GET", "POST"])
@guard.from_latest_screen
@guard.refuses_bookmark
def periodic_report_input() -> Any:
    """[申込] of 定期報告 (003 §6.1): 「選択中の手続き名： 定期報告」."""
    return _entry("periodic-report")


@bp.route("/procedure-requests/<int(max=2147483647):request_id>/correct", methods=["GET", "POST"])
@guard.from_latest_screen
@guard.refuses_bookmark
def procedure_request_correct(request_id: int) -> Any:
    """「修正する >」 of a 返却中 申込 (003 §7.2): [申込] again, for the correction and the additional PDFs."""
    return _act(request_id)


def _act(request_id: int) -> Any:
    request.max_content_length = requests_.largest_upload_bytes() + ALLOWANCE
    try:
        req = guard.as_user(requests_.get, request_id)
    except RuleViolation as refused:
        return message_page([p.code for p in refused.problems], refused.status)
    form_key = requests_.offered_form(edition(), req["procedure"])
    if not requests_.open_for_input(req["state"]):
        return message_page(["RASIM470E"], 409, 状態=req["status_label"], 操作=t("procedure_request.correction_title"))
    values = dict(req["values"])
    if request.method == "GET":
        return _input_page(req, values, {})
    action = "remove" if request.form.get("remove") else request.form.get("action", "")
    posted = posted_values(form_key)
    try:
        if action == "attach":
            chosen = request.files.get("document")
            if chosen is None or not chosen.filename:
                raise RuleViolation.one("WZBAM183E", "document")
            received = uploads.receive(chosen.stream, requests_.largest_upload_bytes(), files_dir() / "incoming")
            req = guard.as_user(requests_.attach, request_id, chosen.filename, received, files_dir())
        elif action == "remove":
            req = guard.as_user(requests_.remove_file, request_id, request.form.get("remove", type=int) or 0)
        elif action == "confirm":
            req = guard.as_user(requests_.check, request_id, posted)
            form = edition_form(form_key)
            rows = [(item_label(f.key), shown_value(f, req["values"].get(f.key))) for f in form.fields
                    if req["values"].get(f.key) not in (None, "")]
            return page("procedure_request_confirm.html", req=req, rows=rows,
                        name=t(requests_.procedure_of(form_key)["label"]))
        elif action == "submit":
            done = guard.as_user(requests_.submit, request_id, None)
            session[DONE] = {"id": request_id, "reference_number": done["reference_number"],
                             "password": done.get("password"), "procedure": done["procedure"]}
            return redirect(url_for("screens.procedure_request_done", request_id=request_id))
    except RuleViolation as refused:
        return _input_page(req, posted or values, _messages(refused), refused.status)
    return _input_page(req, posted or values, {})


@bp.get("/procedure-requests/<int(max=2147483647):request_id>/done")
@guard.refuses_bookmark
def procedure_request_done(request_id: int) -> Any:
    """[申込完了]: 「<手続き名>の手続きの申込を受付しました。」, the 整理番号 and the パスワード (003 §3.3.4, §6.2)."""
    try:
        req = guard.as_user(requests_.get, request_id)
    except RuleViolation as refused:
        return message_page([p.code for p in refused.problems], refused.status)
    done = session.get(DONE) or {}
    if done.get("id") != request_id:
        done = {"reference_number": req["reference_number"], "password": None}
    proc = requests_.procedure_of(requests_.offered_form(edition(), req["procedure"]))
    return page("procedure_request_done.html", req=req, done=done, name=t(proc["label"]), lines=proc["done_lines"])
