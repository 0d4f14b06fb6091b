"""Test support under /test-support: the clock, the mail outbox, the registry of agent
certificates, and the bureau's decisions. Switched off with RASIM_TEST_SUPPORT=0."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app

from simulator.services import cards, clock, organisations, outbox, registry, system
from simulator.web.operations import operation
from simulator.web.runtime import run

bp = Blueprint("test_support", __name__, url_prefix="/test-support")
P = "/test-support"
S, B, INT, N = "string", "boolean", "integer", "number"
LIMIT = {"type": "integer", "minimum": 1, "maximum": 1000}          # mails per answer
AUDIT_LIMIT = {"type": "integer", "minimum": 1, "maximum": 2000}    # audit entries per answer


@bp.before_request
def _enabled() -> Any:
    if not current_app.config.get("RASIM_TEST_SUPPORT", True):
        from simulator.web.errors import http_error

        return http_error("RASIM423E", 404)
    return None


# --- clock -------------------------------------------------------------------------------------------

@operation(bp, P, "GET", "/clock", "getClock", "The test clock", "clock")
def get_clock() -> Any:
    return run(clock.get_clock)


@operation(bp, P, "POST", "/clock/advance", "advanceClock",
           "Advance the clock; fires what fell due (unlocks, link expiries, reminder mails, expiries) in time order",
           "clock", body={"days": N, "hours": N, "minutes": N, "seconds": N})
def advance_clock(body: dict) -> Any:
    return run(clock.advance_clock, body, actor="test-support")


@operation(bp, P, "POST", "/clock/set", "setClock", "Set the clock to a time (frozen unless freeze=false)", "clock",
           body={"now": S, "freeze": B}, required=["now"])
def set_clock(body: dict) -> Any:
    return run(clock.set_clock, body, actor="test-support")


@operation(bp, P, "POST", "/clock/freeze", "freezeClock", "Stop the clock where it stands", "clock")
def freeze_clock() -> Any:
    return run(clock.freeze_clock, actor="test-support")


@operation(bp, P, "POST", "/clock/resume", "resumeClock",
           "Let the clock run again (real=true: back to real time)", "clock", body={"real": B})
def resume_clock(body: dict) -> Any:
    return run(clock.resume_clock, body, actor="test-support")


# --- mail outbox ---------------------------------------------------------------------------------------

@operation(bp, P, "GET", "/mails", "listMails", "Mails in the outbox, oldest first", "mail",
           query={"to": S, "kind": S, "after_id": INT, "limit": LIMIT}, faq="Q12-1")
def list_mails(query: dict) -> Any:
    return run(outbox.list_mails, query)


@operation(bp, P, "DELETE", "/mails", "clearMails", "Empty the outbox", "mail")
def clear_mails() -> Any:
    return run(outbox.clear_mails, actor="test-support")


# --- registry of agent certificates ------------------------------------------------------------------

@operation(bp, P, "PUT", "/registry/agent-certificates", "putAgentCertificate",
           "Create, renew, cancel or suspend a 申請等取次者証明書 in the registry", "registry",
           body={"number": S, "kind": S, "name": S, "birth_date": S, "status": S, "valid_until": S, "bureau": S},
           required=["number"], faq="Q2-14 Q2-17")
def put_certificate(body: dict) -> Any:
    return run(registry.put_certificate, body, actor="test-support")


@operation(bp, P, "GET", "/registry/agent-certificates", "listAgentCertificates", "The registry", "registry")
def list_certificates() -> Any:
    return {"certificates": run(registry.list_certificates)}


# --- the bureau: usage requests, periodic reports, account states -----------------------------------

@operation(bp, P, "POST", "/usage-requests", "fileUsageRequest",
           "Record a usage request (利用申出) handed in at a bureau", "bureau",
           faq="Q1-3 Q3-1", status=201, form="usage_request")
def file_usage_request(body: dict) -> Any:
    return run(organisations.file_usage_request, body, actor="bureau")


@operation(bp, P, "GET", "/usage-requests", "listUsageRequests", "Usage requests", "bureau", query={"status": S})
def list_usage_requests(query: dict) -> Any:
    return {"usage_requests": run(organisations.list_usage_requests, query.get("status"))}


@operation(bp, P, "POST", "/usage-requests/<int:request_id>/decision", "decideUsageRequest",
           "Approve or refuse a usage request (mails the result)", "bureau", body={"approve": B}, required=["approve"],
           faq="Q3-7 Q12-1")
def decide_usage_request(request_id: int, body: dict) -> Any:
    return run(organisations.decide_usage_request, request_id, body.get("approve"), actor="bureau")


@operation(bp, P, "POST", "/organisations/<int:organisation_id>/periodic-reports", "filePeriodicReport",
           "Record an organisation's periodic report (定期報告)", "bureau", faq="Q9-1 Q9-2", status=201)
def file_periodic_report(organisation_id: int) -> Any:
    return run(organisations.file_periodic_report, organisation_id, actor="bureau")


@operation(bp, P, "POST", "/periodic-reports/<int:report_id>/decision", "decidePeriodicReport",
           "Approve (validity + 1 year) or refuse a periodic report", "bureau", body={"approve": B},
           required=["approve"], faq="Q9-3 Q9-4")
def decide_periodic_report(report_id: int, body: dict) -> Any:
    return run(organisations.decide_periodic_report, report_id, body.get("approve"), actor="bureau")


@operation(bp, P, "POST", "/accounts/<auth_id>/state", "setAccountState",
           "Suspend, resume or delete (抹消, e.g. after a retirement report) an account", "bureau",
           body={"action": S}, required=["action"], faq="Q10-3 Q10-4")
def set_account_state(auth_id: str, body: dict) -> Any:
    return run(organisations.set_account_state, auth_id, body.get("action"), actor="bureau")


@operation(bp, P, "GET", "/accounts/<auth_id>", "inspectAccount", "An account as the bureau sees it", "bureau")
def inspect_account(auth_id: str) -> Any:
    return run(organisations.inspect_account, auth_id[:40])


@operation(bp, P, "GET", "/audit", "listAuditEntries", "The audit trail (証跡), newest first", "audit",
           query={"actor": S, "action": S, "target": S, "limit": AUDIT_LIMIT}, faq="Q13-1")
def list_audit(query: dict) -> Any:
    return run(outbox.list_audit, query)


@operation(bp, P, "POST", "/jpki", "setJpkiAvailability",
           "Make the public certification service unreachable (card checks answer WZBAM263E) or back", "system",
           body={"available": B}, required=["available"])
def set_jpki(body: dict) -> Any:
    return run(system.set_jpki_available, body.get("available"), actor="test-support")


@operation(bp, P, "POST", "/accounts/<auth_id>/applications-in-progress", "setApplicationsInProgress",
           "How many applications of the account are in progress (stand-in until applications exist)", "bureau",
           body={"count": {"type": "integer", "minimum": 0, "maximum": 10_000}}, required=["count"])
def set_applications(auth_id: str, body: dict) -> Any:
    return run(cards.set_applications_in_progress, auth_id, body.get("count"), actor="test-support")


@operation(bp, P, "POST", "/maintenance", "setMaintenance", "Switch the maintenance banner on or off", "system",
           body={"active": B}, required=["active"], faq="Q2-3")
def set_maintenance(body: dict) -> Any:
    return run(system.set_maintenance, body.get("active"), actor="test-support")
