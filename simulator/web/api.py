"""JSON API under /api/v1: every operation a user does on the account side."""
from __future__ import annotations

from typing import Any, Callable

from flask import Blueprint, jsonify

from simulator import catalog
from simulator.services import agents, cards, password_changes, registration, sessions, system
from simulator.services import profile as user_info
from simulator.services.context import Ctx
from simulator.web.operations import operation, openapi
from simulator.web.runtime import run

bp = Blueprint("api", __name__, url_prefix="/api/v1")
P = "/api/v1"
S, B, INT = "string", "boolean", "integer"


def as_user(token: str, fn: Callable[..., Any], *args: Any) -> Any:
    def use_case(ctx: Ctx) -> Any:
        account, _session = sessions.authenticate(ctx, token)
        return fn(ctx, account, *args)

    return run(use_case)


@operation(bp, P, "POST", "/registrations/agent", "registerAgent",
           "Register a lawyer or administrative scrivener with the 12-digit agent certificate number", "registration",
           faq="Q2-13 Q2-14 Q2-15 Q2-17", status=201, form="agent_registration")
def register_agent(body: dict) -> Any:
    return run(agents.register_agent, body)


@operation(bp, P, "POST", "/card/challenges", "createCardChallenge",
           "A fresh challenge for the My Number Card to sign (registration or login); single use, 5 minutes",
           "card", faq="Q2-7 Q13-3", status=201, form="card_challenge")
def create_card_challenge(body: dict) -> Any:
    return run(cards.new_challenge, body.get("purpose"))


@operation(bp, P, "POST", "/registrations/card", "registerWithCard",
           "利用者情報登録 with the My Number Card (外国人本人, 法定代理人, 親族): both certificates and signatures "
           "over a challenge; name, sex and date of birth come from the signature certificate", "registration",
           faq="Q2-7 Q2-8 Q2-10 Q2-11 Q2-12 Q2-16", status=201, form="card_registration")
def register_with_card(body: dict) -> Any:
    return run(cards.register_with_card, body)


@operation(bp, P, "POST", "/session/card", "loginWithCard",
           "Log in with the My Number Card (authentication certificate, signature over a login challenge) "
           "and the ID and password", "session",
           faq="Q13-3 Q2-16", status=201, form="card_login")
def login_with_card(body: dict) -> Any:
    return run(cards.login_with_card, body)


@operation(bp, P, "POST", "/links/inspect", "inspectLink", "What a link from a mail is for, and whether it is valid",
           "registration", form="mail_link")
def inspect_link(body: dict) -> Any:
    return run(registration.describe_link, body.get("token"))


@operation(bp, P, "POST", "/registrations/password", "setInitialPassword",
           "Set the initial password from the registration or approval mail; issues or confirms the ID",
           "registration", faq="Q2-5 Q3-7", form="initial_password")
def set_initial_password(body: dict) -> Any:
    return run(registration.set_initial_password, body.get("token"), body.get("password"), body.get("password_confirm"))


@operation(bp, P, "POST", "/session", "login", "Log in with the ID and password", "session",
           faq="Q12-7", status=201, form="login")
def login(body: dict) -> Any:
    return run(sessions.login, body.get("auth_id"), body.get("password"))


@operation(bp, P, "GET", "/session", "getSession",
           "The session's user, when it ends without activity (timeout_at) and when the edition warns of it "
           "(warning_at: 003 §2.6, 10 minutes before; null in 2024). Asking is activity too", "session", auth=True)
def get_session(token: str) -> Any:
    def use_case(ctx: Ctx) -> Any:
        account, session = sessions.authenticate(ctx, token)
        return {"auth_id": account.auth_id, "category": account.category, "name": account.name,
                **sessions.session_times(ctx, session)}

    return run(use_case)


@operation(bp, P, "POST", "/session/extension", "extendSession",
           "[OK] on the timeout warning (003 §2.6): the logout is 3 hours (the edition's session time) from now",
           "session", auth=True)
def extend_session(token: str) -> Any:
    return run(sessions.extend, token)


@operation(bp, P, "DELETE", "/session", "logout", "Log out", "session", auth=True)
def logout(token: str) -> Any:
    return run(sessions.logout, token)


@operation(bp, P, "POST", "/password/change", "changePassword", "Change the password (利用者情報更新)", "password",
           auth=True, faq="Q12-6", form="password_change")
def change_password(body: dict, token: str) -> Any:
    return as_user(token, password_changes.change_password, body.get("current_password"), body.get("new_password"),
                   body.get("new_password_confirm"))


@operation(bp, P, "POST", "/password/expired", "changeExpiredPassword",
           "Change an expired password (after WZBAM158E) without a session", "password", form="expired_password_change")
def change_expired_password(body: dict) -> Any:
    return run(password_changes.change_expired_password, body.get("auth_id"), body.get("current_password"),
               body.get("new_password"), body.get("new_password_confirm"))


@operation(bp, P, "POST", "/password-reset", "requestPasswordReset",
           "パスワードを忘れた場合: send a reset link to the registered address", "password",
           faq="Q12-4", form="password_reset_request")
def request_password_reset(body: dict) -> Any:
    return run(password_changes.request_password_reset, body.get("auth_id"), body.get("email"))


@operation(bp, P, "POST", "/password-reset/complete", "resetPassword",
           "Set a new password from the reset link; lifts a lock", "password",
           faq="Q12-4 Q12-7", form="password_reset")
def reset_password(body: dict) -> Any:
    return run(password_changes.reset_password, body.get("token"), body.get("password"), body.get("password_confirm"))


@operation(bp, P, "GET", "/me", "getUserInformation", "利用者情報表示: name, ID, e-mail and more", "user",
           auth=True, faq="Q10-1")
def get_me(token: str) -> Any:
    return as_user(token, user_info.profile)


@operation(bp, P, "PATCH", "/me", "changeUserInformation", "利用者情報変更: address, phone, e-mail, certificate number",
           "user", auth=True,
           faq="Q10-2 Q12-2 Q12-3", form="profile_change")
def change_me(body: dict, token: str) -> Any:
    return as_user(token, user_info.change_profile, body)


@operation(bp, P, "POST", "/me/email/confirm", "confirmEmailChange", "Confirm a new e-mail address from its link",
           "user", faq="Q12-2", form="mail_link")
def confirm_email(body: dict) -> Any:
    return run(user_info.confirm_email_change, body.get("token"))


@operation(bp, P, "GET", "/registration/categories", "listRegistrationCategories",
           "User categories and how each gets an account (online registration or usage request)", "registration",
           faq="Q1-1 Q2-2")
def list_categories() -> Any:
    return {"categories": [
        {"key": c.key, "number": c.number, "label_ja": c.label_ja, "label_en": c.label_en, "route": c.route,
         "registers_online": c.registers_online, "button_ja": c.group_ja} for c in catalog.categories()]}


@operation(bp, P, "GET", "/messages/<code>", "getMessage", "One message of the catalogue", "catalogue")
def get_message(code: str) -> Any:
    from simulator.domain.errors import RuleViolation

    try:
        m = catalog.message(code[:20])
    except KeyError:
        raise RuleViolation.one("RASIM404E", "code") from None
    return {"code": m.code, "message": m.ja, "message_en": m.en, "remedy": m.remedy_ja}


@operation(bp, P, "GET", "/system/status", "getSystemStatus", "Notices and maintenance state of the top page",
           "system", faq="Q2-3")
def system_status() -> Any:
    return run(system.status)


def register_openapi(app) -> None:  # noqa: ANN001
    @app.get("/api/openapi.json")
    def openapi_json():  # noqa: ANN202
        """The API and, while test support is on, its operations too (off: not a word of them)."""
        prefixes = (P, "/test-support") if app.config["RASIM_TEST_SUPPORT"] else (P,)
        return jsonify(openapi("rasim — Residence Application Online System simulator", "0.1.0",
                               catalog.edition(app.config["RASIM_EDITION"]), prefixes))
