"""The HTTP boundary every request crosses, screens and API alike: what input is refused before any
view sees it, and the headers every response carries.

- Input: no NUL character in a query parameter or a form field (no text of the system holds one,
  and PostgreSQL cannot store it). The JSON body of the API is checked by web.operations with the
  same `has_nul`.
- Headers: nosniff, no framing, no referrer (mail links carry tokens in their query), and
  `Cache-Control: no-store` on every answer that carries data (JSON, screens); a Content Security
  Policy on pages; `Allow` on 405 answers (set by the error handler in web.app).
"""
from __future__ import annotations

from typing import Any

from flask import Flask, Response, abort, current_app, request


SWITCH_VALUES = {"1": True, "true": True, "yes": True, "on": True, "0": False, "false": False, "no": False,
                 "off": False}


def parse_switch(name: str, value: Any) -> bool:
    """An on/off setting. Anything but 1/0, true/false, yes/no, on/off is refused: a misspelt
    RASIM_TEST_SUPPORT=Flase must not leave test support on."""
    if isinstance(value, bool):
        return value
    key = str(value).strip().lower()
    if key not in SWITCH_VALUES:
        raise ValueError(f"{name}={value!r} is neither on (1, true, yes, on) nor off (0, false, no, off)")
    return SWITCH_VALUES[key]


def has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(has_nul(v) for v in value)
    return False


def _refuse_nul() -> None:
    # the JSON operations read their own body (web.operations); a form parser here would consume it
    json_only = request.path.startswith(("/api/", "/test-support/"))
    for values in (request.args,) if json_only else (request.args, request.form):
        for key, items in values.lists():
            if has_nul(key) or has_nul(items):
                abort(400, description="NUL characters are not allowed")


def _content_security_policy() -> str:
    bridge = current_app.config["RASIM_CARD_BRIDGE_URL"].rstrip("/")
    return ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            f"connect-src 'self' {bridge}; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
            "object-src 'none'")


def _headers(response: Response) -> Response:
    h = response.headers
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("X-Frame-Options", "DENY")
    h.setdefault("Referrer-Policy", "no-referrer")
    if response.mimetype in ("application/json", "text/html", "text/plain"):
        h["Cache-Control"] = "no-store"
    if response.mimetype == "text/html":
        h.setdefault("Content-Security-Policy", _content_security_policy())
    return response


def install(app: Flask) -> None:
    app.before_request(_refuse_nul)
    app.after_request(_headers)


