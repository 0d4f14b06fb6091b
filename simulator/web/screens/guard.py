"""The screens' side of security: the API session token kept in the Flask session cookie, the
CSRF token of every form, and the screen token of input pages (the Back-button rule, Q4-20)."""
from __future__ import annotations

import datetime as dt
import hmac
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Response, redirect, request, session, url_for
from markupsafe import Markup, escape

from simulator import catalog
from simulator.domain.errors import RuleViolation
from simulator.services import sessions
from simulator.services.context import Ctx
from simulator.web.runtime import run
from simulator.web.screens import ui
from simulator.web.screens.ui import FormErrors, message_page, page

T = TypeVar("T")
TOKEN = "api_token"          # the session token of services.sessions.login
CSRF = "csrf_token"
SCREEN = "screen_token"
USER = "user"                # {"name", "auth_id", "previous_login_at"} for the page header
ENDED = "ended_by"           # {"codes", "status"} of a session navigation.js ended, shown once


class SessionEnded(Exception):
    """The login session is over (not logged in, timeout, Back button, double login, account state);
    the service has committed the ended session already (ctx.keep)."""

    def __init__(self, violation: RuleViolation) -> None:
        super().__init__(str(violation))
        self.violation = violation


# --- the login session ------------------------------------------------------------------------------

def start_session(login_result: dict[str, Any]) -> None:
    session.pop(TOKEN, None)
    session[TOKEN] = login_result["token"]
    session[USER] = {"name": login_result.get("name"), "auth_id": login_result.get("auth_id"),
                     "previous_login_at": login_result.get("previous_login_at")}
    session[CSRF] = secrets.token_urlsafe(32)   # a new login gets a new CSRF token
    session.pop(ENDED, None)


def forget_session() -> None:
    for key in (TOKEN, USER, SCREEN):
        session.pop(key, None)


def logged_in() -> bool:
    return bool(session.get(TOKEN))


def session_warning() -> dict[str, Any] | None:
    """What static/session.js needs for the timeout warning (003 §2.6), or None: not logged in, or the
    edition shows no warning (2024)."""
    token = session.get(TOKEN)
    minutes = ui.edition().session_warning_minutes
    if not token or not minutes or request.blueprint == "screens_support":
        return None
    try:
        times = run(sessions.times_of, token)
    except RuleViolation:
        return None
    timeout_in = times["warning_in_seconds"] + minutes * 60
    return {**times, "timeout_in_seconds": timeout_in, "text": warning_text(times)}


def warning_text(times: dict[str, Any]) -> str:
    when = dt.datetime.fromisoformat(times["timeout_at"]).strftime(ui.t("session_warning.timeout_format"))
    return ui.t("session_warning.text", warning_minutes=ui.edition().session_warning_minutes, timeout_at=when)


def as_user(use_case: Callable[..., T], *args: Any) -> T:
    """Run a use case for the logged-in user: authenticate and act in one unit of work."""
    token = session.get(TOKEN)

    def with_account(ctx: Ctx) -> T:
        try:
            account, _session = sessions.authenticate(ctx, token)
        except RuleViolation as ended:
            raise SessionEnded(ended) from None
        return use_case(ctx, account, *args)

    return run(with_account)


def session_ended_page(violation: RuleViolation) -> tuple[str, int]:
    forget_session()
    codes = [p.code for p in violation.problems]
    return message_page(codes, violation.status, title_key="error.session_title", to_login=True)


# --- CSRF ----------------------------------------------------------------------------------------------

def csrf_token() -> str:
    if not session.get(CSRF):
        session[CSRF] = secrets.token_urlsafe(32)
    return session[CSRF]


def csrf_field() -> Markup:
    return Markup(f'<input type="hidden" name="{CSRF}" value="{escape(csrf_token())}">')


def csrf_refused() -> tuple[str, int] | None:
    """Checked before every POST handler; a failure changes nothing and answers 400 (RASIM419E)."""
    if request.method != "POST":
        return None
    expected = session.get(CSRF)
    sent = request.form.get(CSRF, "")
    if expected and sent and hmac.compare_digest(str(expected), str(sent)):
        return None
    return message_page(["RASIM419E"], 400)


# --- screen tokens (the Back-button rule) ---------------------------------------------------------------

def screen_fields() -> Markup:
    """The hidden fields of an input page: CSRF and a fresh screen token, now the only valid one."""
    token = secrets.token_urlsafe(16)
    session[SCREEN] = token
    return csrf_field() + Markup(f'<input type="hidden" name="{SCREEN}" value="{token}">')


def end_for_illegal_transition() -> RuleViolation | None:
    """End the login session for an illegal screen transition (services.sessions.illegal_transition):
    the violation that ended it (RASIM409E, or why the session was already over), None without one."""
    token = session.get(TOKEN)
    session.pop(SCREEN, None)
    if not token:
        return None
    try:
        run(sessions.illegal_transition, token)
    except RuleViolation as ended:
        if not {p.code for p in ended.problems} <= sessions.KEEPS_SESSION:
            forget_session()
        return ended
    forget_session()  # pragma: no cover
    return RuleViolation.one("RASIM409E")  # pragma: no cover


def illegal_transition() -> tuple[str, int]:
    """An old screen was submitted (Back button, second window): the session ends (RASIM409E)."""
    ended = end_for_illegal_transition()
    if ended is None:
        return message_page(["RASIM409E"], 409, to_login=True)
    return session_ended_page(ended)


def from_latest_screen(view: Callable[..., Any]) -> Callable[..., Any]:
    """A POST must carry the screen token of the input page rendered last."""

    @wraps(view)
    def checked(*args: Any, **kwargs: Any) -> Any:
        if request.method == "POST":
            sent = request.form.get(SCREEN, "")
            latest = session.get(SCREEN)
            if not (sent and latest and hmac.compare_digest(str(sent), str(latest))):
                return illegal_transition()
        return view(*args, **kwargs)

    return checked


# --- bookmarks (003 §1.3): [申込] and the screens after it are reached only from the site's own pages -------

OUTSIDE_NAVIGATION = frozenset({"none", "cross-site"})   # Fetch Metadata: a bookmark, a typed address, another site


def refuses_bookmark(view: Callable[..., Any]) -> Callable[..., Any]:
    """A screen of [申込] or later (003 §1.3 「ブラウザのブックマークから呼び出すことはできません」): where the
    edition refuses bookmarks, a GET the browser opened from outside the site's pages (Sec-Fetch-Site
    none or cross-site: a bookmark, a typed or pasted address, a link from elsewhere) answers RASIM431E
    (403) and shows nothing of the input; the user stays logged in. A client that sends no Fetch
    Metadata (a script, an HTTP library) is not a browser's bookmark and is served (rasim)."""

    @wraps(view)
    def checked(*args: Any, **kwargs: Any) -> Any:
        if (request.method == "GET" and ui.edition().bookmarks_refused
                and request.headers.get("Sec-Fetch-Site", "").lower() in OUTSIDE_NAVIGATION):
            return message_page(["RASIM431E"], catalog.http_status("RASIM431E"))
        return view(*args, **kwargs)

    return checked


def no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response


def login_screen(attempt: Callable[[str, str], dict], template: str, **context: Any) -> Any:
    """The login form shared by the ID/password page and the card page: on POST, `attempt(auth_id,
    password)` is the service call; success opens the session and goes to the menu."""
    errors, auth_id, expired = FormErrors(), "", False
    if request.method == "POST":
        auth_id = request.form.get("auth_id", "")
        try:
            result = attempt(auth_id, request.form.get("password", ""))
        except RuleViolation as refused:
            errors = FormErrors.of(refused)
            expired = bool(refused.extra.get("password_change_required"))
        else:
            start_session(result)
            return redirect(url_for("screens.menu"))
    return page(template, errors=errors, auth_id=auth_id, expired=expired, **context)
