"""Running a use case from a request: the facts only the request knows (who, from where, on which
channel) handed to the one unit of work of services/unit_of_work.py."""
from __future__ import annotations

from typing import Any, Callable, TypeVar

from flask import current_app, request

from simulator.services import unit_of_work
from simulator.services.unit_of_work import DEFAULT_BASE_URL, Caller, Settings

T = TypeVar("T")


def base_url() -> str:
    """Where the links in mails point: RASIM_BASE_URL, never the request's Host header (a reset
    requested with `Host: evil.example` must not mail a link to evil.example)."""
    return current_app.config.get("RASIM_BASE_URL") or DEFAULT_BASE_URL


def channel() -> str:
    """Which kind of client a login session belongs to: the JSON API or the screens."""
    try:
        return "api" if request.path.startswith("/api/") else "screen"
    except RuntimeError:
        return "cli"


def settings() -> Settings:
    """The installation's unit-of-work settings, made once per app."""
    app = current_app
    found = app.extensions.get("rasim.uow")
    if found is None:
        found = app.extensions["rasim.uow"] = Settings(
            sessions=app.extensions["rasim.sessions"], edition=app.config["RASIM_EDITION"],
            smtp_url=app.config.get("RASIM_SMTP_URL"), jpki=app.extensions.get("rasim.jpki"))
    return found


def run(use_case: Callable[..., T], *args: Any, actor: str = "anonymous", **kwargs: Any) -> T:
    try:
        remote = request.remote_addr
    except RuntimeError:
        remote = None
    try:
        reads = request.method in ("GET", "HEAD")
    except RuntimeError:
        reads = False
    caller = Caller(actor=actor, remote_addr=remote, channel=channel(), base_url=base_url(), reads_mostly=reads)
    return unit_of_work.run(settings(), caller, use_case, *args, **kwargs)
