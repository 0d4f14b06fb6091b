"""入力中のデータを保存する／読み込む (003 §7.3 → §8.2) on the [申込] of 受領方法変更申出: the panel at the bottom
posts the [申込] form to /procedures/receipt-method-change/temporary-save (the file of what is typed);
[↑ 保存データの読み込み] → [ファイル読み込] → [ファイル読込確認] → [読込む] → 「< 入力へ戻る」 ([申込] with the
values: what [申込] keeps for 「< 入力へ戻る」 of [申込確認]). The pages are the application input's
(templates/temporary_load.html); the use cases services.receipt_changes.save_input / open_input."""
from __future__ import annotations

from typing import Any

from flask import current_app, redirect, request, session, url_for

from simulator.domain.errors import RuleViolation
from simulator.services import receipt_changes, temporary_save
from simulator.web.api_input_reuse import file_response
from simulator.web.screens import guard
from simulator.web.screens.base import bp
from simulator.web.screens.input_reuse import load_steps
from simulator.web.screens.receipt_change import KEPT, offered, posted_values
from simulator.web.screens.ui import FormErrors, message_page, page, t


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


def _refused() -> Any:
    """RASIM473E where the edition has no 受領方法変更申出, RASIM404E where it has no temporary save (the service's
    check); None when the user, logged in, may save and load here."""
    if offered():
        return message_page(["RASIM473E"], 404)
    try:
        guard.as_user(lambda ctx, account: temporary_save.offered(ctx))
    except RuleViolation as refused:
        return message_page([p.code for p in refused.problems], refused.status or 404)
    return None


@bp.post("/procedures/receipt-method-change/temporary-save")
def receipt_change_temporary_save() -> Any:
    """[↓ 入力中のデータを保存する]: the file (nothing stored, nothing applied)."""
    refused = _refused()
    if refused:
        return refused
    data, name = guard.as_user(receipt_changes.save_input, _secret(), posted_values())
    return file_response(data, name)


def _load_page(state: str, errors: FormErrors | None = None, status: int = 200, **context: Any) -> Any:
    return page("temporary_load.html", status, errors=errors or FormErrors(), state=state,
                procedure=t("receipt_change.heading"), action_url=url_for("screens.receipt_change_temporary_load"),
                back_url=url_for("screens.receipt_change_apply", back=1), **context)


@bp.route("/procedures/receipt-method-change/temporary-load", methods=["GET", "POST"])
@guard.from_latest_screen
@guard.refuses_bookmark
def receipt_change_temporary_load() -> Any:
    """[ファイル読み込] (choose) → [ファイル読込確認] (confirm) → [読込む] → loaded → 「< 入力へ戻る」 ([申込])."""
    refused = _refused()
    if refused:
        return refused
    if request.method == "GET":
        return _load_page("choose")
    action = request.form.get("action", "confirm")
    if action == "back":
        return redirect(url_for("screens.receipt_change_apply", back=1))
    try:
        state, context = load_steps(action, lambda data: guard.as_user(receipt_changes.open_input, _secret(), data),
                                    _loaded)
    except RuleViolation as refused:
        return _load_page("choose", FormErrors.of(refused), refused.status or 400)
    return _load_page(state, **context)


def _loaded(data: bytes) -> dict[str, Any]:
    """[読込む]: the file's values become what [申込] shows (as its 「< 入力へ戻る」 does)."""
    values = guard.as_user(receipt_changes.open_input, _secret(), data)
    session[KEPT] = {k: str(v) for k, v in values.items()}
    return {}
