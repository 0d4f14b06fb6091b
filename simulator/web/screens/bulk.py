"""申請情報入力(一括), the screens S11–S14 (004 §2.5.4–§2.5.7): STEP1 as for one application, the file
(STEP2), the two ticks (STEP3), the completion (STEP4); the same use cases of services.bulk_filing as the
API. The STEP1 choice waits in the login session until the file is chosen; the file waits in the database
(an upload in state `uploaded`) until STEP3."""
from __future__ import annotations

from typing import Any

from flask import redirect, request, session, url_for

from simulator import catalog
from simulator.domain.errors import RuleViolation
from simulator.services import bulk_filing
from simulator.web.screens import forms, guard
from simulator.web.screens.base import bp
from simulator.web.screens.forms import procedure_label
from simulator.web.screens.ui import FormErrors, edition, edition_form, page, t

CHOICE = "bulk_step1"     # the session's STEP1 choice of the bulk input
UPLOAD_ENDPOINT = "screens.bulk_upload"
MULTIPART_ALLOWANCE = 64 * 1024
BAR = [("STEP1", "bulk.step1"), ("STEP2", "bulk.step2"), ("STEP3", "bulk.step3"), ("STEP4", "bulk.step4")]


def step_bar(current: str) -> list[dict[str, Any]]:
    return [{"label": t("application.step_of", title=t(key), step=code), "current": code == current}
            for code, key in BAR]


def _heading(procedure: str | None = None) -> str:
    return t("bulk.heading_of", procedure=procedure_label(procedure)) if procedure else t("bulk.heading")


def _step1_page(shown: dict[str, str], errors: FormErrors, status: int = 200) -> Any:
    form = edition_form("application_step1")
    return page("application_step.html", status, errors=errors, shown=shown,
                skip=["bureau_contacted", "applicant_cannot_apply"], results={}, heading=_heading(),
                bar=step_bar("STEP1"), step="step1", form=form, action_url=url_for("screens.bulk_step1"),
                submit_key="bulk.input", warnings=None)


@bp.route("/applications/bulk", methods=["GET", "POST"])
@guard.from_latest_screen
def bulk_step1() -> Any:
    """S11 申請種別及び在留資格選択(STEP1): 「入力」 → S12 (the choice checked as for one application), 「戻る」 the menu."""
    form = edition_form("application_step1")
    if request.method == "GET":
        return _step1_page(forms.shown_of(form.screen_fields, session.get(CHOICE, {})), FormErrors())
    if request.form.get("action") == "back":
        return redirect(url_for("screens.menu"))
    shown, values, _ = forms.read_fields(form.screen_fields, request.form)
    try:
        chosen = guard.as_user(bulk_filing.check_upload_step1, values)
    except RuleViolation as refused:
        return _step1_page(shown, FormErrors.of(refused), refused.status)
    session[CHOICE] = {k: v for k, v in chosen.items() if v}
    return redirect(url_for("screens.bulk_upload"))


@bp.url_value_preprocessor
def _bulk_body_limit(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Before anything reads the form of S12: one bulk file of bulk_max_bytes and the form around it."""
    if endpoint == UPLOAD_ENDPOINT and request.method == "POST":
        request.max_content_length = edition().bulk_max_bytes + MULTIPART_ALLOWANCE


def _upload_page(errors: FormErrors, status: int = 200) -> Any:
    chosen = session.get(CHOICE) or {}
    try:   # 「前回保存された一括申請からの再開」 when an upload read before is saved (003 §5.2)
        saved = guard.as_user(bulk_filing.saved)
    except RuleViolation:
        saved = None
    return page("bulk_upload.html", status, errors=errors, heading=_heading(chosen.get("procedure")),
                bar=step_bar("STEP2"), saved=saved)


@bp.route("/applications/bulk/file", methods=["GET", "POST"])
@guard.from_latest_screen
def bulk_upload() -> Any:
    """S12 一括申請ファイルアップロード(STEP2): 「次へ」 → S13 when the file is one the system takes, 「戻る」 → S11."""
    chosen = session.get(CHOICE)
    if not chosen:
        return redirect(url_for("screens.bulk_step1"))
    if request.method == "GET":
        return _upload_page(FormErrors())
    if request.form.get("action") == "back":
        return redirect(url_for("screens.bulk_step1"))
    file = request.files.get("bulk_file")
    if file is None or not file.filename:
        return _upload_page(FormErrors.of(RuleViolation.one("WZBAM001E", "bulk_file")), 400)
    data = file.stream.read(edition().bulk_max_bytes + 1)
    try:
        bulk = guard.as_user(bulk_filing.upload, chosen, file.filename, data)
    except RuleViolation as refused:
        return _upload_page(FormErrors.of(refused), refused.status)
    if "read_result" in bulk:   # read at once (003 §5.3.1): [一括申請読込結果]
        return redirect(url_for("screens.bulk_read", bulk_input_id=bulk["id"]))
    return redirect(url_for("screens.bulk_confirm", bulk_input_id=bulk["id"]))


def _confirm_page(bulk: dict[str, Any], shown: dict[str, str], errors: FormErrors, status: int = 200) -> Any:
    return page("bulk_confirm.html", status, errors=errors, shown=shown, bulk=bulk, form=edition_form("bulk_confirm"),
                heading=_heading(bulk["procedure"]), bar=step_bar("STEP3"), status_label=_status_label(bulk),
                hsp_label=catalog.list_label("hsp_activities", bulk["hsp_activity"]) if bulk["hsp_activity"] else "")


def _status_label(bulk: dict[str, Any]) -> str:
    return next((r["label_ja"] for r in catalog.table("statuses_of_residence.csv")
                 if r["key"] == bulk["status_of_residence"]), "")


@bp.route("/applications/bulk/<int(max=2147483647):bulk_input_id>/confirm", methods=["GET", "POST"])
@guard.from_latest_screen
@guard.refuses_bookmark
def bulk_confirm(bulk_input_id: int) -> Any:
    """S13 入力情報確認(STEP3): 「修正」 back to S11 or S12; 「申請情報入力」 with both ticks → S14."""
    try:
        bulk = guard.as_user(bulk_filing.show, bulk_input_id)
    except RuleViolation:
        return redirect(url_for("screens.bulk_step1"))
    if request.method == "GET":
        return _confirm_page(bulk, {}, FormErrors())
    action = request.form.get("action", "complete")
    if action == "edit:step1":
        return redirect(url_for("screens.bulk_step1"))
    if action == "edit:step2":
        return redirect(url_for("screens.bulk_upload"))
    form = edition_form("bulk_confirm")
    shown, values, _ = forms.read_fields(form.screen_fields, request.form)
    try:
        guard.as_user(bulk_filing.confirm, bulk_input_id, values)
    except RuleViolation as refused:
        return _confirm_page(bulk, shown, FormErrors.of(refused), refused.status)
    session.pop(CHOICE, None)
    return redirect(url_for("screens.bulk_done"))


@bp.get("/applications/bulk/done")
@guard.refuses_bookmark
def bulk_done() -> Any:
    """S14 申請情報入力完了(STEP4): the rows appear in the list once the worker has run."""
    return page("bulk_done.html", heading=t("bulk.heading"), bar=step_bar("STEP4"))
