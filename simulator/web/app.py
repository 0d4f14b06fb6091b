"""The application factory."""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask, request
from werkzeug.exceptions import HTTPException

from simulator import catalog
from simulator.adapters.db import make_engine, make_session_factory
from simulator.web import boundary
from simulator.web.boundary import parse_switch

DEFAULT_DB = "sqlite:///var/rasim.sqlite3"
DEFAULT_CARD_BRIDGE_URL = "http://127.0.0.1:35980"   # where the pages look for `rasim card bridge`
DEFAULT_MAX_REQUEST_BYTES = 1 << 20                   # a JSON body (rasim's limit)


def _secret_key(var_dir: Path) -> str:
    """One secret per installation, shared by every worker (kept in var/secret_key)."""
    env = os.environ.get("RASIM_SECRET_KEY")
    if env:
        return env
    path = var_dir / "secret_key"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def config_from_env() -> dict[str, Any]:
    var_dir = Path(os.environ.get("RASIM_VAR_DIR", "var"))
    return {
        "RASIM_DATABASE_URL": os.environ.get("RASIM_DATABASE_URL", DEFAULT_DB),
        "RASIM_EDITION": os.environ.get("RASIM_EDITION", catalog.edition().name),
        "RASIM_TEST_SUPPORT": os.environ.get("RASIM_TEST_SUPPORT", "1"),
        "RASIM_SMTP_URL": os.environ.get("RASIM_SMTP_URL") or None,
        "RASIM_BASE_URL": os.environ.get("RASIM_BASE_URL") or None,
        "RASIM_CARDS_DIR": os.environ.get("RASIM_CARDS_DIR", str(var_dir / "cards")),
        "RASIM_JPKI_TRUST_DIR": os.environ.get("RASIM_JPKI_TRUST_DIR") or None,   # default: the cards' test CA
        "RASIM_CARD_BRIDGE_URL": os.environ.get("RASIM_CARD_BRIDGE_URL") or DEFAULT_CARD_BRIDGE_URL,
        "RASIM_MAX_REQUEST_BYTES": int(os.environ.get("RASIM_MAX_REQUEST_BYTES") or DEFAULT_MAX_REQUEST_BYTES),
        "RASIM_VAR_DIR": str(var_dir),
        "RASIM_FILES_DIR": os.environ.get("RASIM_FILES_DIR") or None,   # attached documents (default var/files)
    }


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(config_from_env())
    app.config.update(overrides or {})
    catalog.edition(app.config["RASIM_EDITION"])   # unknown edition: fail at start, clearly
    app.config["RASIM_TEST_SUPPORT"] = parse_switch("RASIM_TEST_SUPPORT", app.config["RASIM_TEST_SUPPORT"])
    app.config["SECRET_KEY"] = app.config.get("SECRET_KEY") or _secret_key(Path(app.config["RASIM_VAR_DIR"]))
    app.config["MAX_CONTENT_LENGTH"] = app.config["RASIM_MAX_REQUEST_BYTES"] * 2
    # Flask's defaults already hold these keys (SAMESITE None), so setdefault would never apply
    overrides = overrides or {}
    app.config["SESSION_COOKIE_HTTPONLY"] = overrides.get("SESSION_COOKIE_HTTPONLY", True)
    app.config["SESSION_COOKIE_SAMESITE"] = overrides.get("SESSION_COOKIE_SAMESITE", "Lax")
    url = app.config["RASIM_DATABASE_URL"]
    engine = make_engine(url)
    app.extensions["rasim.engine"] = engine
    app.extensions["rasim.sessions"] = make_session_factory(engine)
    from simulator.adapters.jpki import JpkiVerifier

    app.extensions["rasim.jpki"] = JpkiVerifier(app.config["RASIM_CARDS_DIR"], app.config["RASIM_JPKI_TRUST_DIR"])

    from simulator.web import (api, api_applications, api_bulk, api_decisions, test_support,  # noqa: F401
                               test_support_applications, test_support_bureau)

    app.register_blueprint(api.bp)
    app.register_blueprint(api_applications.bp)
    app.register_blueprint(api_bulk.bp)
    app.register_blueprint(api_decisions.bp)
    from simulator.web import api_procedures

    app.register_blueprint(api_procedures.bp)
    from simulator.web import api_input_reuse

    app.register_blueprint(api_input_reuse.bp)
    from simulator.web import api_procedure_requests

    app.register_blueprint(api_procedure_requests.bp)
    from simulator.web import api_access_2026

    app.register_blueprint(api_access_2026.bp)
    app.register_blueprint(test_support.bp)
    api.register_openapi(app)
    try:
        from simulator.web import screens
    except ImportError:  # pragma: no cover - screens arrive in their own module
        screens = None
    if screens is not None:
        screens.init_app(app)
    _error_handlers(app)
    boundary.install(app)
    from simulator.web.body_drain import BodyDrain

    app.wsgi_app = BodyDrain(app.wsgi_app)   # type: ignore[method-assign]   # a body left unread: read on, bounded
    return app


def _with_allow(response: Any, exc: HTTPException) -> Any:
    """A 405 names the methods that are allowed (RFC 9110 §15.5.6)."""
    allow = dict(exc.get_headers()).get("Allow")
    if allow:
        body, status = response if isinstance(response, tuple) else (response, None)
        body.headers["Allow"] = allow
        return (body, status) if status is not None else body
    return response


def _error_handlers(app: Flask) -> None:
    from simulator.web.errors import http_error

    codes = {400: "RASIM400E", 401: "RASIM401E", 403: "RASIM403E", 404: "RASIM404E", 405: "RASIM405E",
             413: "RASIM413E", 415: "RASIM415E"}

    def wants_json() -> bool:
        return request.path.startswith(("/api", "/test-support")) or request.accept_mimetypes.best == "application/json"

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):  # noqa: ANN202
        status = exc.code or 500
        if wants_json() or "screens" not in app.blueprints:
            params = {"理由": exc.description or ""} if status == 400 else {}
            response = http_error(codes.get(status, "RASIM400E"), status, **params)
        else:
            from simulator.web.screens import render_http_error

            response = render_http_error(exc)
        return _with_allow(response, exc)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):  # noqa: ANN202
        app.logger.exception("unexpected error")
        if wants_json() or "screens" not in app.blueprints:
            return http_error("WZBAM098E", 500)
        from simulator.web.screens import render_http_error

        return render_http_error(exc)
