"""入力中のデータを保存する／読み込む (003 §8.2) on the [申込] of 利用申出 and 定期報告: the panel at the bottom of the
page posts the [申込] form to /procedure-requests/<id>/temporary-save (the file, what is typed included);
[↑ 保存データの読み込み] opens [ファイル読み込] → [確認へ進む >] → [ファイル読込確認] → [読込む] → 「< 入力へ戻る」,
the pages of the application input's temporary load (templates/temporary_load.html). Each calls
services.procedure_request_saves."""
from __future__ import annotations

from typing import Any

from flask import current_app, redirect, request, url_for

from simulator.domain.errors import RuleViolation
from simulator.services import procedure_request_saves as saves
from simulator.services import procedure_requests as requests_
from simulator.services import temporary_save
from simulator.web.api_input_reuse import file_response
from simulator.web.screens import guard
from simulator.web.screens.base import bp
from simulator.web.screens.input_reuse import load_steps
from simulator.web.screens.procedure_requests import posted_values
from simulator.web.screens.ui import FormErrors, edition, message_page, page, t


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


def _refused(refused: RuleViolation) -> Any:
    return message_page([p.code for p in refused.problems], refused.status or 400, **refused.problems[0].params)


@bp.post("/procedure-requests/<int(max=2147483647):request_id>/temporary-save")
def procedure_request_temporary_save(request_id: int) -> Any:
    """[↓ 入力中のデータを保存する]: the file of the 申込's values, with the [申込] form's fields as typed."""
    try:
        req = guard.as_user(requests_.get, request_id)
        typed = posted_values(requests_.offered_form(edition(), req["procedure"])) if guard.SCREEN in request.form else {}
        data, name = guard.as_user(saves.save, _secret(), request_id, typed)
    except RuleViolation as refused:
        return _refused(refused)
    return file_response(data, name)


def _load_page(req: dict[str, Any], state: str, errors: FormErrors | None = None, status: int = 200,
               **context: Any) -> Any:
    form_key = requests_.offered_form(edition(), req["procedure"])
    return page("temporary_load.html", status, errors=errors or FormErrors(), state=state,
                procedure=t(requests_.procedure_of(form_key)["label"]),
                action_url=url_for("screens.procedure_request_temporary_load", request_id=req["id"]),
                back_url=url_for("screens.procedure_request_correct", request_id=req["id"]), **context)


@bp.route("/procedure-requests/<int(max=2147483647):request_id>/temporary-load", methods=["GET", "POST"])
@guard.from_latest_screen
@guard.refuses_bookmark
def procedure_request_temporary_load(request_id: int) -> Any:
    """[ファイル読み込] (choose) → [ファイル読込確認] (confirm) → [読込む] → loaded → 「< 入力へ戻る」 ([申込])."""
    try:
        req = guard.as_user(requests_.get, request_id)
        guard.as_user(lambda ctx, account: temporary_save.offered(ctx))   # RASIM404E where the edition has none
    except RuleViolation as refused:
        return _refused(refused)
    if request.method == "GET":
        return _load_page(req, "choose")
    action = request.form.get("action", "confirm")
    if action == "back":
        return redirect(url_for("screens.procedure_request_correct", request_id=request_id))
    try:
        state, context = load_steps(action, lambda data: guard.as_user(saves.check_file, _secret(), request_id, data),
                                    lambda data: _loaded(request_id, data))
    except RuleViolation as refused:
        return _load_page(req, "choose", FormErrors.of(refused), refused.status or 400)
    return _load_page(req, state, **context)


def _loaded(request_id: int, data: bytes) -> dict[str, Any]:
    """[読込む]: the file's values replace those of the 申込 (the page then says so and leads back to [申込])."""
    guard.as_user(saves.load, _secret(), request_id, data)
    return {}
