"""JSON API of what follows submission, under /api/v1: an application's history (every transition, who and
when: FAQ Q13-1), 修正する of a 返却中 application and the 受領方法変更申出 (edition 2026, 003 §7.2–§7.3), and
the electronic COEs with their 受領登録 (004 §2.14, 003 §7.4). Every operation calls the same service as the
screens."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from simulator.services import electronic_coe, lifecycle, receipt_changes
from simulator.services.applications import own_application
from simulator.services.context import Ctx
from simulator.web.api_applications import as_user
from simulator.web.operations import operation
from simulator.web.runtime import run

bp = Blueprint("api_decisions", __name__, url_prefix="/api/v1")
P = "/api/v1"
S, INT = "string", "integer"


def _history(ctx: Ctx, account: Any, application_id: int) -> dict[str, Any]:
    own_application(ctx, account, application_id)
    return {"application_id": application_id, "transitions": lifecycle.history(ctx, application_id)}


@operation(bp, P, "GET", "/applications/<int:application_id>/history", "getApplicationHistory",
           "Every transition of the application since submission: event, from, to, 顔写真 / 添付資料, who and when",
           "applications", auth=True, faq="Q4-34 Q4-35 Q13-1")
def history(application_id: int, token: str) -> Any:
    return as_user(token, _history, application_id)


@operation(bp, P, "POST", "/applications/<int:application_id>/resubmission", "resubmitApplication",
           "修正する → 申込 (edition 2026, 003 §7.2): a 返却中 application again under examination once the photo or "
           "documents asked for are attached (RASIM472E before; RASIM470E in another state)", "applications",
           auth=True)
def resubmit(application_id: int, token: str) -> Any:
    return as_user(token, receipt_changes.resubmit, application_id)


@operation(bp, P, "POST", "/receipt-method-change-requests", "requestReceiptMethodChange",
           "受領方法変更申出 (edition 2026, 003 §7.3): taken at once with its 整理番号; the result (changed, or not "
           "because the examination ended or the document is not a card / 就労資格証明書) comes by mail later",
           "receipt", form="receipt_method_change_request", auth=True, status=201)
def request_change(body: dict, token: str) -> Any:
    return as_user(token, receipt_changes.request_change, body)


@operation(bp, P, "GET", "/receipt-method-change-requests", "listReceiptMethodChangeRequests",
           "The user's 受領方法変更申出 with their results", "receipt", auth=True)
def list_changes(token: str) -> Any:
    return as_user(token, receipt_changes.list_changes)


@operation(bp, P, "GET", "/electronic-coes", "listElectronicCoes",
           "受領登録一覧 (003 §7.4): the user's electronic COEs, number, 受領登録依頼日時, 受領登録日時, 受領登録状況",
           "receipt", auth=True, faq="Q8-1 Q8-6")
def list_coes(token: str) -> Any:
    return as_user(token, electronic_coe.list_coes)


@operation(bp, P, "GET", "/electronic-coes/<int:coe_id>/pdf", "getElectronicCoePdf",
           "The electronic COE as the mail attached it: a PDF with the paper COE's items and no photo", "receipt",
           auth=True, faq="Q8-2")
def coe_pdf(coe_id: int, token: str) -> Any:
    data, name = as_user(token, electronic_coe.pdf_of, coe_id)
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": "attachment; filename*=UTF-8''" + _quote(name)})


@operation(bp, P, "POST", "/electronic-coes/<int:coe_id>/receipt", "registerCoeReceipt",
           "受領登録する (003 §7.4; 004 §2.14): once only (WZBAM271E after); 2026: 発行待ち → 完了", "receipt",
           auth=True, faq="Q8-1")
def register(coe_id: int, token: str) -> Any:
    return as_user(token, electronic_coe.register, coe_id)


@operation(bp, P, "POST", "/coe-receipt-logins", "registerCoeReceiptByLogin",
           "ログイン(受領登録) of S27 (004 §2.14.2): the ID and password of the mail's user register the receipt of "
           "`coe_id` without opening a session (WZBAM001E, WZBAM270E, the lock rules; WZBAM271E when registered)",
           "receipt", body={"auth_id": S, "password": S, "coe_id": INT}, required=["coe_id"], faq="Q8-1")
def register_by_login(body: dict) -> Any:
    return run(electronic_coe.register_by_login, body.get("auth_id"), body.get("password"), body.get("coe_id"),
               True)


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)
