"""Test-support screens: the mailbox (the outbox of every mail sent) and a small bureau console
(usage requests, periodic reports, account states, the agent-certificate registry, clock and
maintenance). Served only when RASIM_TEST_SUPPORT is on; every action calls the same services
as /test-support."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, current_app, flash, get_flashed_messages, redirect, request, url_for

from simulator.domain.errors import RuleViolation
from simulator.services import clock, organisations, outbox, registry, system
from simulator.web.runtime import run
from simulator.web.screens.base import attach_hooks
from simulator.web.screens.ui import message_line, page, t

bp = Blueprint("screens_support", __name__)


@bp.before_request
def _enabled() -> None:
    if not current_app.config.get("RASIM_TEST_SUPPORT", True):
        abort(404)


attach_hooks(bp)


# --- mailbox -------------------------------------------------------------------------------------------------

@bp.get("/mailbox")
def mailbox() -> Any:
    to = request.args.get("to", "").strip()[:100]
    mails = run(outbox.list_mails, {"to": to or None, "limit": 1000})["mails"]
    return page("mailbox.html", mails=list(reversed(mails)), to=to)


@bp.get("/mailbox/<int(max=2147483647):mail_id>")
def mail(mail_id: int) -> Any:
    found = run(outbox.get_mail, mail_id)
    if found is None:
        abort(404)
    return page("mail.html", mail=found)


# --- bureau console ------------------------------------------------------------------------------------------

@bp.get("/bureau")
def bureau() -> Any:
    return page("bureau.html", requests=run(organisations.list_usage_requests),
                organisations=run(organisations.list_organisations), reports=run(organisations.list_periodic_reports),
                certificates=run(registry.list_certificates), clock=run(clock.get_clock),
                maintenance=run(system.status)["maintenance"],
                notices=get_flashed_messages(with_categories=True))


def _act(use_case: Callable[..., Any], *args: Any, back: str = "screens_support.bureau") -> Any:
    """Run a bureau action; the console page `back` shows the result or the problems at the top."""
    try:
        run(use_case, *args, actor="bureau")
    except RuleViolation as refused:
        for p in refused.problems:
            flash(message_line(p), "error")
    else:
        flash(t("bureau.done"), "ok")
    return redirect(url_for(back))


def _form(*keys: str) -> dict[str, Any]:
    """The non-empty fields of the posted form (empty ones are left to the service's defaults)."""
    return {k: request.form[k].strip() for k in keys if request.form.get(k, "").strip()}


def _int(value: str | None) -> int | str | None:
    """Digits as a number the database can hold; anything else stays text for the service to refuse."""
    if value and value.strip().isascii() and value.strip().isdigit() and int(value) <= 2**31 - 1:
        return int(value)
    return value


@bp.post("/bureau/usage-requests")
def file_usage_request() -> Any:
    values = _form("organisation_id", "organisation_name", "organisation_kind", "organisation_address",
                   "name", "email", "phone", "birth_date")
    if "organisation_id" in values:
        values["organisation_id"] = _int(values["organisation_id"])
    return _act(organisations.file_usage_request, values)


@bp.post("/bureau/usage-requests/<int(max=2147483647):request_id>/decision")
def decide_usage_request(request_id: int) -> Any:
    return _act(organisations.decide_usage_request, request_id, request.form.get("decision") == "approve")


@bp.post("/bureau/organisations/<int(max=2147483647):organisation_id>/periodic-reports")
def file_periodic_report(organisation_id: int) -> Any:
    return _act(organisations.file_periodic_report, organisation_id)


@bp.post("/bureau/periodic-reports/<int(max=2147483647):report_id>/decision")
def decide_periodic_report(report_id: int) -> Any:
    return _act(organisations.decide_periodic_report, report_id, request.form.get("decision") == "approve")


@bp.post("/bureau/accounts")
def set_account_state() -> Any:
    return _act(organisations.set_account_state, request.form.get("auth_id", "").strip()[:40],
                request.form.get("action", ""))


@bp.post("/bureau/registry")
def put_certificate() -> Any:
    return _act(registry.put_certificate,
                _form("number", "kind", "name", "birth_date", "status", "valid_until", "bureau"))


@bp.post("/bureau/clock/advance")
def advance_clock() -> Any:
    values: dict[str, Any] = {}
    for unit in ("days", "hours", "minutes"):
        raw = request.form.get(unit, "").strip()
        if raw:
            values[unit] = _int(raw)
    return _act(clock.advance_clock, values)


@bp.post("/bureau/maintenance")
def set_maintenance() -> Any:
    return _act(system.set_maintenance, request.form.get("active") == "on")
