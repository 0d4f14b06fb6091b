"""JSON API of the 申込 of 利用申出 and 定期報告 (edition 2026, 003 §3.3, §6), under /api/v1: start the 申込
of a procedure (its slug: usage-request, periodic-report), attach and remove its PDFs, [申込む] with the form's
values (one operation per form, so the schema is the form's), list and read the user's 申込. Test support:
the bureau's list and actions, and an organisation staff account registered without an approved usage
request (until the online 利用者登録 of edition 2026 serves). Every operation calls services.procedure_requests."""
from __future__ import annotations

from typing import Any

from flask import Blueprint

from simulator.adapters.db import Account
from simulator.domain.accounts import Status
from simulator.domain.errors import Problems, RuleViolation
from simulator.services import procedure_requests as requests_
from simulator.services.context import Ctx
from simulator.services.passwords import check_new_password
from simulator.services.registration import new_auth_id, start_password_life
from simulator.web import test_support
from simulator.web.api_applications import PDF_TYPES, as_user, files_dir, receive_capped
from simulator.web.operations import operation
from simulator.web.runtime import run

bp = Blueprint("api_procedure_requests", __name__, url_prefix="/api/v1")
P = "/api/v1"
S = "string"


@operation(bp, P, "POST", "/procedures/<slug>/requests", "startProcedureRequest",
           "[同意する] → [申込] of 利用申出 (usage-request) or 定期報告 (periodic-report), edition 2026: the user's "
           "input in progress of that procedure, or a new one (RASIM499E for a procedure the edition does not offer)",
           "procedure_requests", auth=True, status=201, edition_flag="procedure_requests")
def start(slug: str, token: str) -> Any:
    return as_user(token, requests_.start, slug)


@operation(bp, P, "GET", "/procedure-requests", "listProcedureRequests",
           "The user's 利用申出 / 定期報告 after [申込む], newest first, with 整理番号 and 処理状況", "procedure_requests",
           auth=True, edition_flag="procedure_requests")
def list_mine(token: str) -> Any:
    return as_user(token, requests_.list_mine)


@operation(bp, P, "GET", "/procedure-requests/<int:request_id>", "getProcedureRequest",
           "One 申込: values, files (with the round they came in), 処理状況, 整理番号, 定期報告受付番号, the bureau's note",
           "procedure_requests", auth=True, edition_flag="procedure_requests")
def get(request_id: int, token: str) -> Any:
    return as_user(token, requests_.get, request_id)


@operation(bp, P, "POST", "/procedure-requests/<int:request_id>/files", "attachProcedureRequestFile",
           "[添付する]: one PDF as the body (?filename=), repeated for more: at most 20 files and 20 MB (RASIM496E, "
           "497E; on 返却中 the additional files of the correction, up to 20 MB); a PDF with security settings or not "
           "ISO 32000-1 is RASIM458E", "procedure_requests", query={"filename": S}, auth=True, status=201,
           upload=PDF_TYPES, edition_flag="procedure_requests")
def attach(request_id: int, query: dict, token: str) -> Any:
    received = receive_capped(requests_.largest_upload_bytes())   # the procedure's own limit: the service
    return as_user(token, requests_.attach, request_id, query.get("filename", ""), received, files_dir())


@operation(bp, P, "DELETE", "/procedure-requests/<int:request_id>/files/<int:file_id>", "removeProcedureRequestFile",
           "[削除] of a file of the current round", "procedure_requests", auth=True, edition_flag="procedure_requests")
def remove(request_id: int, file_id: int, token: str) -> Any:
    return as_user(token, requests_.remove_file, request_id, file_id)


def _submit(ctx: Ctx, account: Account, request_id: int, body: dict, form_key: str) -> Any:
    if requests_.own(ctx, account, request_id).form != form_key:
        raise RuleViolation.one("RASIM404E", "id")
    return requests_.submit(ctx, account, request_id, body)


@operation(bp, P, "POST", "/procedure-requests/<int:request_id>/usage-request", "submitUsageRequest",
           "[申込む] of a 利用申出 (003 §3.3.4): 整理番号 and パスワード (shown once) in two mails, 処理待ち; on 返却中 the "
           "correction applied again", "procedure_requests", form="online_usage_request", auth=True,
           edition_flag="procedure_requests")
def submit_usage_request(request_id: int, body: dict, token: str) -> Any:
    return as_user(token, _submit, request_id, body, "online_usage_request")


@operation(bp, P, "POST", "/procedure-requests/<int:request_id>/periodic-report", "submitPeriodicReport",
           "[申込む] of a 定期報告 (003 §6.2): 整理番号 and パスワード in two mails, then the 定期報告受付番号 mail; on "
           "返却中 the correction applied again", "procedure_requests", form="online_periodic_report", auth=True,
           edition_flag="procedure_requests")
def submit_periodic_report(request_id: int, body: dict, token: str) -> Any:
    return as_user(token, _submit, request_id, body, "online_periodic_report")


# -- test support (off with RASIM_TEST_SUPPORT=0) ------------------------------------------------------------------
TP = test_support.P


@operation(test_support.bp, TP, "GET", "/bureau/procedure-requests", "listBureauProcedureRequests",
           "Every 利用申出 / 定期報告 after [申込む], newest first (`state` filters)", "bureau", query={"state": S})
def bureau_list(query: dict) -> Any:
    return run(requests_.bureau_list, query.get("state"))


@operation(test_support.bp, TP, "POST", "/bureau/procedure-requests/<int:request_id>/actions", "actOnProcedureRequest",
           "The bureau on a 利用申出 / 定期報告: examine, return (返却中, `note` says what to correct; the mail again "
           "after 7 days without a correction), approve (a 利用申出: its user may file residence applications), "
           "refuse", "bureau", body={"action": S, "note": S}, required=["action"])
def bureau_act(request_id: int, body: dict) -> Any:
    return run(requests_.bureau_act, request_id, body.get("action"), body.get("note") or "", actor="bureau")


def _register_staff(ctx: Ctx, body: dict) -> dict[str, Any]:
    from simulator import catalog

    category = body.get("category") or "host_org_staff"
    if category not in {c.key for c in catalog.categories() if c.route == "usage_request"}:
        raise RuleViolation.one("RASIM400E", "category", 理由="category must be an organisation staff category")
    problems = Problems()
    for key in ("name", "email"):
        if not isinstance(body.get(key), str) or not body[key] or len(body[key]) > 100:
            problems.add("WZBAM001E", key, 入力項目名=key)
    check_new_password(ctx.ed, problems, body.get("password"), body.get("password"), "password", "password",
                       "WZBAM160E")
    problems.raise_if_any(status=422)
    account = Account(auth_id=new_auth_id(ctx), category=category, status=Status.ACTIVE, name=body["name"],
                      email=body["email"], address_pref_city="", address_street="", created_at=ctx.now)
    ctx.db.add(account)
    ctx.db.flush()
    start_password_life(ctx, account, body["password"])
    ctx.audit("account.registered_by_test_support", f"account:{account.id}", auth_id=account.auth_id)
    return {"auth_id": account.auth_id, "category": category, "status": account.status}


@operation(test_support.bp, TP, "POST", "/staff-accounts", "registerStaffAccount",
           "An organisation staff account as 利用者登録 leaves it (003 §3.2): logged in with its password, no usage "
           "request approved yet, so residence applications are refused (RASIM498E) until one is", "accounts",
           body={"name": S, "email": S, "password": S, "category": S}, required=["name", "email", "password"],
           status=201)
def register_staff(body: dict) -> Any:
    return run(_register_staff, body)
