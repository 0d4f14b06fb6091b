"""Screens after login: the menu (S03), user information (S29), its change (S30, S31), the
password change (S32), and the e-mail confirmation link. Every page authenticates through
services.sessions in the same unit of work as what it shows or changes."""
from __future__ import annotations

from typing import Any

from flask import request

from simulator.adapters.db import Account
from simulator.domain.errors import RuleViolation
from simulator.services import password_changes, registration
from simulator.services import profile as user_info
from simulator.services.context import Ctx
from simulator.web.runtime import run
from simulator.web.screens import guard
from simulator.web.screens.base import bp
from simulator.web.screens.ui import FormErrors, message_page, page


def _profile(ctx: Ctx, account: Account) -> dict[str, Any]:
    return user_info.profile(ctx, account)


@bp.get("/menu")
def menu() -> Any:
    guard.as_user(_profile)
    return page("menu.html")


@bp.get("/profile")
def profile() -> Any:
    return page("profile.html", profile=guard.as_user(_profile))


# --- S30, S31 change of user information ---------------------------------------------------------------

@bp.route("/profile/edit", methods=["GET", "POST"])
@guard.from_latest_screen
def profile_edit() -> Any:
    errors = FormErrors()
    values = {k: "" for k in user_info.CHANGE_FIELDS}
    if request.method == "POST":
        values = {k: request.form.get(k, "") for k in values}

        def change(ctx: Ctx, account: Account) -> dict[str, Any]:
            return user_info.change_profile(ctx, account, values)

        try:
            result = guard.as_user(change)
        except RuleViolation as refused:
            errors = FormErrors.of(refused)
        else:
            return page("profile_done.html", pending_email=result.get("email_confirmation_sent_to"),
                        mailed_to=None)
    return page("profile_edit.html", errors=errors, values=values, profile=guard.as_user(_profile))


# --- S32 password change -----------------------------------------------------------------------------------

@bp.route("/profile/password", methods=["GET", "POST"])
@guard.from_latest_screen
def profile_password() -> Any:
    errors = FormErrors()
    if request.method == "POST":
        form = request.form

        def change(ctx: Ctx, account: Account) -> str:
            password_changes.change_password(ctx, account, form.get("current_password", ""), form.get("new_password", ""),
                                     form.get("new_password_confirm", ""))
            return account.email

        try:
            email = guard.as_user(change)
        except RuleViolation as refused:
            errors = FormErrors.of(refused)
        else:
            return page("profile_done.html", pending_email=None, mailed_to=email)
    else:
        guard.as_user(_profile)
    return page("password_change.html", errors=errors)


@bp.route("/password/expired", methods=["GET", "POST"])
@guard.from_latest_screen
def password_expired() -> Any:
    """After WZBAM158E at login: change the expired password without a session."""
    errors, auth_id = FormErrors(), request.values.get("auth_id", "")
    if request.method == "POST":
        form = request.form
        try:
            run(password_changes.change_expired_password, auth_id, form.get("current_password", ""),
                form.get("new_password", ""), form.get("new_password_confirm", ""))
        except RuleViolation as refused:
            errors = FormErrors.of(refused)
        else:
            return page("password_link_done.html", title_key="password_change.title", auth_id=None, initial=False)
    return page("password_change.html", errors=errors, expired=True, auth_id=auth_id)


# --- the link of the e-mail change mail ----------------------------------------------------------------------

@bp.route("/profile/email/confirm", methods=["GET", "POST"])
def email_confirm() -> Any:
    token = request.values.get("token", "")
    if request.method == "POST":
        try:
            done = run(user_info.confirm_email_change, token)
        except RuleViolation as invalid:
            return message_page([p.code for p in invalid.problems], invalid.status, to_login=True)
        return page("email_confirmed.html", email=done["email"])
    try:
        link = run(registration.describe_link, token)
    except RuleViolation as invalid:
        return message_page([p.code for p in invalid.problems], invalid.status, to_login=True)
    if link["purpose"] != "email_change":
        return message_page(["RASIM410E"], 410, to_login=True)
    return page("email_confirm.html", token=token, link=link)
