"""Screens of the access of organisation staff in the current system (edition 2026, 003 §2.3, §2.4, §3.2):
[利用者登録説明] → [メールアドレス入力(利用者登録)] → [メール送信完了(利用者登録)]; the mail's URL → [利用者登録] →
[利用者登録確認] → [利用者登録完了]; [メールアドレス入力(利用者 ID 通知)]; [利用者ログアウト確認]. [利用者ログイン] is
the shared login route with the 2026 template. An edition without these flows shows RASIM494E."""
from __future__ import annotations

from typing import Any

from flask import request

from simulator.domain.errors import RuleViolation
from simulator.services import access_2026
from simulator.web.runtime import run
from simulator.web.screens import guard
from simulator.web.screens.base import bp
from simulator.web.screens.ui import FormErrors, message_line, message_page, page

FORM_FIELDS = ("staff_category", "name_en", "birth_date", "corporate_number", "staff_organisation_name",
               "postal_code", "staff_organisation_address", "staff_phone", "password", "password_confirm")


def _invalid_link(refused: RuleViolation) -> Any:
    """The link expired (RASIM492E), was used or is unknown: the message and the way back to the e-mail entry."""
    lines = [message_line(p, "ja") for p in refused.problems]
    return page("access_link_invalid.html", refused.status, lines=lines)


def _choices() -> list[dict[str, str]]:
    return run(access_2026.choices)


@bp.get("/registration/staff/explain")
@guard.from_latest_screen
def staff_registration_explain() -> Any:
    if not _choices():
        return message_page(["RASIM494E"], 404)
    return page("access_explain.html")


@bp.route("/registration/staff/email", methods=["GET", "POST"])
@guard.from_latest_screen
def staff_registration_email() -> Any:
    errors, values = FormErrors(), {"email": "", "email_confirm": ""}
    if request.method == "POST":
        values = {k: request.form.get(k, "") for k in values}
        try:
            sent = run(access_2026.start_registration, values)
        except RuleViolation as refused:
            if refused.status == 404:
                return message_page([p.code for p in refused.problems], 404)
            errors = FormErrors.of(refused)
        else:
            return page("access_sent.html", email=sent["sent_to"])
    elif not _choices():
        return message_page(["RASIM494E"], 404)
    return page("access_email.html", errors=errors, values=values)


@bp.route("/registration/staff", methods=["GET", "POST"])
@guard.from_latest_screen
def staff_registration() -> Any:
    """The mail's URL: [利用者登録] (GET, or 入力へ戻る), [確認へ進む] → [利用者登録確認], [登録する] → [利用者登録完了]."""
    token = request.values.get("token", "")
    try:
        link = run(access_2026.open_registration, token)
    except RuleViolation as invalid:
        return _invalid_link(invalid)
    values = {k: request.form.get(k, "") for k in FORM_FIELDS}
    errors, action = FormErrors(), request.form.get("action", "")
    if request.method == "POST" and action in ("confirm", "register"):
        use_case = access_2026.check_registration if action == "confirm" else access_2026.register
        try:
            done = run(use_case, token, values)
        except RuleViolation as refused:
            if any(p.field == "token" for p in refused.problems):
                return _invalid_link(refused)
            errors = FormErrors.of(refused)
        else:
            if action == "register":
                return page("access_done.html", auth_id=done["auth_id"])
            label = {c["key"]: c["label_ja"] for c in link["choices"]}.get(done["staff_category"], "")
            return page("access_confirm.html", token=token, values=values, shown=done, category_label=label,
                        email=link["email"])
    return page("access_register.html", token=token, values=values, errors=errors, choices=link["choices"],
                email=link["email"])


@bp.route("/auth-id-reminder", methods=["GET", "POST"])
@guard.from_latest_screen
def auth_id_reminder() -> Any:
    errors, values = FormErrors(), {"email": "", "name_en": ""}
    if request.method == "POST":
        values = {k: request.form.get(k, "") for k in values}
        try:
            run(access_2026.remind_auth_id, values)
        except RuleViolation as refused:
            if refused.status == 404:
                return message_page([p.code for p in refused.problems], 404)
            errors = FormErrors.of(refused)
        else:
            return page("access_reminder_done.html")
    return page("access_reminder.html", errors=errors, values=values)


@bp.get("/logout/confirm")
def logout_confirm() -> Any:
    return page("access_logout.html")
