"""The `screens` blueprint and the hooks every screen blueprint shares."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from simulator.web.screens import guard
from simulator.web.screens.ui import remember_language

bp = Blueprint("screens", __name__)


def attach_hooks(blueprint: Blueprint) -> None:
    """Language switch, CSRF check before any POST handler, no-store, and the session-ended page."""

    @blueprint.before_request
    def _before() -> Any:
        remember_language()
        return guard.csrf_refused()

    @blueprint.after_request
    def _after(response: Response) -> Response:
        return guard.no_store(response)

    @blueprint.errorhandler(guard.SessionEnded)
    def _ended(exc: guard.SessionEnded) -> Any:
        return guard.session_ended_page(exc.violation)


attach_hooks(bp)
