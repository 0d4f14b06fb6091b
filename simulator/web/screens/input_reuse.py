"""The screens of 入力中のデータを保存する／読み込む (003 §8.2) and 過去の申込から入力値を自動設定する (§8.3) on [申込] (the
STEP2 pages of the application input): the panel at the bottom (templates/_temporary_save.html, shown where the
edition has `temporary_save`), [↓ 入力中のデータを保存する] → the file; [↑ 保存データの読み込み] → [ファイル読み込] →
[ファイル読込確認] → [読込む] → back to [申込]; [過去の申込から入力値を自動設定する] → [過去申込一覧] → [選択 >] → [申込]
with the values. Each calls the same service as the API (services.temporary_save, services.input_reuse)."""
from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Any

from flask import abort, current_app, redirect, request, url_for

from simulator.domain import input_plan
from simulator.domain import temporary_save as rules
from simulator.domain.errors import RuleViolation
from simulator.services import application_input, input_reuse, temporary_save
from simulator.web.api_input_reuse import file_response
from simulator.web.screens import forms, guard
from simulator.web.screens.base import bp
from simulator.web.screens.forms import procedure_label
from simulator.web.screens.ui import FormErrors, edition, edition_form, page

GONE = ("RASIM440E", "RASIM442E")


def panel(step: Any = "") -> dict[str, str] | None:
    """What the include templates need on a STEP2 page of [申込] (None: not offered here)."""
    ed = edition()
    if not isinstance(step, str) or not step.startswith("step2") or not (ed.temporary_save or ed.input_reuse_years):
        return None
    return {"save_url": url_for("screens.temporary_save", step=step) if ed.temporary_save else "",
            "load_url": url_for("screens.temporary_load", step=step) if ed.temporary_save else "",
            "past_url": url_for("screens.past_applications", step=step) if ed.input_reuse_years else ""}


@bp.record_once
def _install(state: Any) -> None:
    state.app.jinja_env.globals.update(input_reuse_panel=panel)


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


def _input(step: str, feature: str) -> dict[str, Any]:
    if not getattr(edition(), feature) or not step.startswith("step2"):
        abort(404)
    inp = guard.as_user(application_input.show)
    if step not in {s["step"] for s in inp["steps"]}:
        abort(404)
    return inp


def _back(inp: dict[str, Any], step: str | None = None) -> Any:
    return redirect(url_for("screens.application_step", step=step or inp["next_step"]))


def _gone(refused: RuleViolation) -> Any:
    if any(p.code in GONE for p in refused.problems):
        return redirect(url_for("screens.application_step1", resume=1))
    return None


# --- 一時保存 ---------------------------------------------------------------------------------------------

@bp.post("/applications/input/<step>/temporary-save", endpoint="temporary_save")
def temporary_save_file(step: str) -> Any:
    """[↓ 入力中のデータを保存する]: the file; with the page's fields (the step form's button), what is typed too."""
    try:
        inp = _input(step, "temporary_save")
    except RuleViolation as refused:
        return _gone(refused) or abort(404)
    typed: dict[str, dict[str, Any]] = {}
    if guard.SCREEN in request.form:   # posted with the step's own form: its fields as typed (unchecked)
        form = edition_form(dict((s["step"], s["form"]) for s in inp["steps"])[step])
        _shown, values, _ = forms.read_fields(form.screen_fields, request.form)
        typed[step] = values
    data, name = guard.as_user(temporary_save.save_input, _secret(), typed)
    return file_response(data, name)


def _load_page(inp: dict[str, Any], step: str, state: str, errors: FormErrors | None = None, status: int = 200,
               **context: Any) -> Any:
    context.setdefault("back_url", url_for("screens.application_step", step=step))
    return page("temporary_load.html", status, errors=errors or FormErrors(), state=state, step=step,
                procedure=procedure_label(inp["procedure"]), action_url=url_for("screens.temporary_load", step=step),
                **context)


@bp.route("/applications/input/<step>/temporary-load", methods=["GET", "POST"])
@guard.from_latest_screen
@guard.refuses_bookmark
def temporary_load(step: str) -> Any:
    """[ファイル読み込] (choose) → [確認へ進む >] → [ファイル読込確認] (confirm) → [読込む] → loaded → [< 入力へ戻る]."""
    try:
        inp = _input(step, "temporary_save")
    except RuleViolation as refused:
        return _gone(refused) or abort(404)
    if request.method == "GET":
        return _load_page(inp, step, "choose")
    action = request.form.get("action", "confirm")
    if action == "back":
        return _back(inp, step)
    try:
        state, context = load_steps(
            action, lambda data: guard.as_user(temporary_save.check_file, _secret(), data),
            lambda data: {"back_url": url_for("screens.application_step", step=guard.as_user(
                temporary_save.load_input, _secret(), data)["next_step"])})
    except RuleViolation as refused:
        return _gone(refused) or _load_page(inp, step, "choose", FormErrors.of(refused), refused.status)
    return _load_page(inp, step, state, **context)


def load_steps(action: str, check: Callable[[bytes], Any], load: Callable[[bytes], dict[str, Any]]
               ) -> tuple[str, dict[str, Any]]:
    """The POST of [ファイル読み込] and [ファイル読込確認], for any [申込] with a temporary save: [確認へ進む >] with
    the file chosen (WZBAM001E without one; never more than the edition's limit + 1 bytes read) → `check(data)`
    → ("confirm", the file's name and its bytes to carry); [読込む] → `load(data)` → ("loaded", what it answers).
    A refusal is raised as the RuleViolation of the use case."""
    limit = edition().temporary_save_max_bytes
    if action == "load":
        return "loaded", load(carried_file(request.form.get("file_data", ""), limit))
    chosen = request.files.get("file")
    if chosen is None or not chosen.filename:
        raise RuleViolation.one("WZBAM001E", "file")
    data = chosen.stream.read(limit + 1)
    check(data)
    return "confirm", {"file_name": chosen.filename[:120], "file_data": base64.b64encode(data).decode("ascii")}


def carried_file(text: str, limit: int) -> bytes:
    """The file carried from [ファイル読込確認] (it is sealed: an edit shows as RASIM488E when it is opened)."""
    if len(text) > (limit // 3 + 1) * 4 + 4:
        raise RuleViolation.one(rules.NOT_OURS, "file")
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeError, ValueError):
        raise RuleViolation.one(rules.NOT_OURS, "file") from None


# --- 過去申込一覧 -----------------------------------------------------------------------------------------

SEARCH_KEYS = ("related", "procedure_name", "applied_from", "applied_to", "sort", "per_page", "page")


def _query() -> dict[str, Any]:
    return {k: request.args.get(k, "")[:200] for k in SEARCH_KEYS if request.args.get(k)}


@bp.get("/applications/input/<step>/past")
@guard.refuses_bookmark
def past_applications(step: str) -> Any:
    """[過去申込一覧]: the search panel of [申込一覧], 申込日時 sort, 10 / 20 a page, 「選択 >」 per row."""
    try:
        inp = _input(step, "input_reuse_years")
    except RuleViolation as refused:
        return _gone(refused) or abort(404)
    query = _query()
    errors, status = FormErrors(), 200
    try:
        found = guard.as_user(input_reuse.search, query)
    except RuleViolation as refused:
        errors, status = FormErrors.of(refused), refused.status
        found = guard.as_user(input_reuse.search, {})
    return page("past_applications.html", status, errors=errors, step=step, query=query, found=found,
                sizes=edition().status_list_page_sizes, procedure=procedure_label(inp["procedure"]),
                back_url=url_for("screens.application_step", step=step))


@bp.post("/applications/input/<step>/past/<int(max=2147483647):application_id>")
def reuse_past_application(step: str, application_id: int) -> Any:
    """[選択 >]: back to [申込] with the past values set (another user's application: 404)."""
    try:
        _input(step, "input_reuse_years")
        done = guard.as_user(input_reuse.apply, application_id)
    except RuleViolation as refused:
        gone = _gone(refused)
        if gone is not None:
            return gone
        if refused.status == 404:
            abort(404)
        from simulator.web.screens.ui import message_page

        return message_page([p.code for p in refused.problems], refused.status, **refused.problems[0].params)
    return redirect(url_for("screens.application_step", step=done["next_step"] or input_plan.STEP3))
