"""Screens before login: the top page (S01), login (S02), logout, password reset (S33, S34), the
registration of lawyers and scriveners, and the pages the mail links open."""
from __future__ import annotations

from typing import Any

from flask import redirect, request, session, url_for

from simulator import catalog
from simulator.domain.errors import RuleViolation
from simulator.services import agents, password_changes, registration, sessions, system
from simulator.web.runtime import run
from simulator.web.screens import forms, guard
from simulator.web.screens.base import bp
from simulator.web.screens.ui import FormErrors, lang, message_page, page

AGENT_TEXT_FIELDS = ["agent_certificate_number", "name", "address_pref_city", "address_street", "phone", "email",
                     "email_confirm"]


# --- S01 top page ---------------------------------------------------------------------------------------

@bp.get("/")
def top() -> Any:
    state = run(system.status)
    english = lang() == "en"
    # status() lets the maintenance_banner rows through as notices and never finds a banner (it
    # looks for kind "maintenance"): keep the notices proper, and show the "under maintenance now" row.
    notices = [{"date": n["date"].replace("-", "/"), "text": n["text_en"] if english else n["text_ja"],
                "text_en": "" if english else n["text_en"]}
               for n in state["notices"] if n.get("kind", "notice") == "notice"]
    maintenance = None
    if state["maintenance"]:
        rows = {n["key"]: n for n in catalog.table("notices.csv")}
        row = rows.get("maintenance_now") or state["maintenance_message"] or {}
        maintenance = row.get("text_en" if english else "text_ja", "")
    return page("top.html", notices=notices, maintenance=maintenance)


# --- S02 login, logout ----------------------------------------------------------------------------------

@bp.route("/login", methods=["GET", "POST"])
@guard.from_latest_screen
def login() -> Any:
    return guard.login_screen(lambda auth_id, password: run(sessions.login, auth_id, password), "login.html")


@bp.post("/logout")
def logout() -> Any:
    token = session.get(guard.TOKEN)
    if token:
        try:
            run(sessions.logout, token)
        except RuleViolation:
            pass   # already ended: logging out is still what the user wanted
    guard.forget_session()
    return redirect(url_for("screens.top"))


# --- the Back button itself (Q4-20): static/navigation.js reports a back/forward navigation ---------------

@bp.post("/session/illegal-transition")
def back_navigation() -> Any:
    """A page of the login session was reached with Back/Forward: the session ends (RASIM409E).
    Without a session nothing happens. Either way on to the page that says what happened."""
    ended = guard.end_for_illegal_transition()
    if ended is not None:
        session[guard.ENDED] = {"codes": [p.code for p in ended.problems], "status": ended.status}
    return redirect(url_for("screens.session_ended"), 303)


@bp.get("/session/ended")
def session_ended() -> Any:
    """The message of the session navigation.js ended, once; otherwise the login page."""
    ended = session.pop(guard.ENDED, None)
    if not ended:
        return redirect(url_for("screens.login"))
    kept = set(ended["codes"]) <= sessions.KEEPS_SESSION   # 003 §1.3: an error, still logged in
    return message_page(list(ended["codes"]), int(ended["status"]), title_key="error.title" if kept else
                        "error.session_title", to_login=not kept)


# --- the timeout warning (003 §2.6): static/session.js asks before the logout; [OK] extends --------------

@bp.post("/session/extension")
def session_extension() -> Any:
    """[OK] on the warning: the session runs the edition's time again from now; answers the new times."""
    token = session.get(guard.TOKEN)
    if not token:
        return {"errors": [{"code": "RASIM401E"}]}, 401
    try:
        times = run(sessions.extend, token)
    except RuleViolation as ended:
        guard.forget_session()
        return {"errors": [{"code": p.code} for p in ended.problems]}, ended.status or 401
    return {**times, "text": guard.warning_text(times)}


# --- S33, S34 password reset ---------------------------------------------------------------------------

@bp.route("/password-reset", methods=["GET", "POST"])
@guard.from_latest_screen
def password_reset() -> Any:
    errors, values = FormErrors(), {"auth_id": "", "email": ""}
    if request.method == "POST":
        values = {k: request.form.get(k, "") for k in values}
        try:
            sent = run(password_changes.request_password_reset, values["auth_id"], values["email"])
        except RuleViolation as refused:
            errors = FormErrors.of(refused)
        else:
            return page("password_reset_sent.html", email=sent["sent_to"])
    return page("password_reset.html", errors=errors, values=values)


@bp.route("/password-reset/new", methods=["GET", "POST"])
@guard.from_latest_screen
def password_reset_new() -> Any:
    return _password_link(("password_reset",), password_changes.reset_password, "password_reset.title",
                          "password_reset.new_subheading", "password_reset.new_submit")


# --- registration of lawyers and scriveners (Q2-13 – Q2-17) ----------------------------------------------

@bp.route("/registration/agent", methods=["GET", "POST"])
@guard.from_latest_screen
def registration_agent() -> Any:
    """The form agent_registration of catalog/forms/, rendered and read field by field."""
    errors = FormErrors()
    shown, body = forms.read("agent_registration", request.form if request.method == "POST" else None)
    if request.method == "POST":
        try:
            run(agents.register_agent, body)
        except RuleViolation as refused:
            errors = FormErrors.of(refused)
        else:
            return page("registration_received.html", email=body["email"])
    return page("registration_agent.html", errors=errors, values=shown)


@bp.route("/registration/password", methods=["GET", "POST"])
@guard.from_latest_screen
def registration_password() -> Any:
    """The URL of the registration mail (Q2-5) and of the usage-request approval mail (Q3-7)."""
    return _password_link(("registration", "initial_password"), registration.set_initial_password,
                          "initial_password.title", "initial_password.subheading", "initial_password.submit")


def _password_link(purposes: tuple[str, ...], use_case: Any, title_key: str, subheading_key: str,
                   submit_key: str) -> Any:
    """A page opened from a mail link that sets a password (initial password or reset)."""
    token = request.values.get("token", "")
    try:
        link = run(registration.describe_link, token)
    except RuleViolation as invalid:
        return message_page([p.code for p in invalid.problems], invalid.status, to_login=True)
    if link["purpose"] not in purposes:
        return message_page(["RASIM410E"], 410, to_login=True)
    errors = FormErrors()
    if request.method == "POST":
        try:
            done = run(use_case, token, request.form.get("password", ""), request.form.get("password_confirm", ""))
        except RuleViolation as refused:
            if any(p.field == "token" for p in refused.problems):
                return message_page([p.code for p in refused.problems], refused.status, to_login=True)
            errors = FormErrors.of(refused)
        else:
            return page("password_link_done.html", title_key=title_key, auth_id=done.get("auth_id"),
                        initial=link["purpose"] != "password_reset")
    return page("password_link.html", errors=errors, link=link, token=token, title_key=title_key,
                subheading_key=subheading_key, submit_key=submit_key,
                initial=link["purpose"] != "password_reset")
