"""The 受領登録 of an electronic COE on the screens: edition 2024's own login page from the mail's URL (S27
電子在留資格認定証明書受領登録 / ログイン(受領登録), the dialog D4 with the number, S28 受領登録完了; 004 §2.14)
and edition 2026's [受領登録] list after the ordinary login (003 §7.4). Both call services.electronic_coe."""
from __future__ import annotations

import time
from typing import Any

from flask import redirect, request, session, url_for

from simulator.domain.errors import RuleViolation
from simulator.services import electronic_coe
from simulator.web.runtime import run
from simulator.web.screens import guard
from simulator.web.screens.base import bp
from simulator.web.screens.ui import FormErrors, message_page, page

PROOF = "coe_receipt"        # the session's record that the credentials were right, for D4
PROOF_SECONDS = 600          # rasim: how long D4 may wait for 「OK」


@bp.route("/coe-receipt/<int(max=2147483647):coe_id>", methods=["GET", "POST"])
def coe_receipt_login(coe_id: int) -> Any:
    """S27: the ID and password; without an error, D4 with the certificate's number."""
    errors, auth_id = FormErrors(), ""
    if request.method == "POST":
        auth_id = request.form.get("auth_id", "")
        try:
            checked = run(electronic_coe.register_by_login, auth_id, request.form.get("password", ""), coe_id, False)
        except RuleViolation as refused:
            errors = FormErrors.of(refused)
        else:
            session[PROOF] = {"coe_id": coe_id, "account_id": checked["account_id"], "at": time.time()}
            return page("coe_receipt_confirm.html", coe=checked, coe_id=coe_id)
    return page("coe_receipt_login.html", errors=errors, auth_id=auth_id, coe_id=coe_id)


@bp.post("/coe-receipt/<int(max=2147483647):coe_id>/confirm")
def coe_receipt_confirm(coe_id: int) -> Any:
    """D4 「OK」 → S28; 「Cancel」 stays on S27."""
    proof = session.pop(PROOF, None)
    if request.form.get("answer") != "ok":
        return redirect(url_for("screens.coe_receipt_login", coe_id=coe_id))
    if not proof or proof.get("coe_id") != coe_id or time.time() - proof.get("at", 0) > PROOF_SECONDS:
        return redirect(url_for("screens.coe_receipt_login", coe_id=coe_id))
    try:
        done = run(electronic_coe.register_confirmed, proof.get("account_id"), coe_id)
    except RuleViolation as refused:
        return message_page([p.code for p in refused.problems], refused.status)
    return page("coe_receipt_done.html", coe=done)


@bp.get("/coe-receipts")
def coe_receipts() -> Any:
    """[受領登録] 受領登録一覧 (003 §7.4)."""
    return page("coe_receipts.html", coes=guard.as_user(electronic_coe.list_coes)["coes"],
                notice=request.args.get("done"))


@bp.post("/coe-receipts/<int(max=2147483647):coe_id>")
def coe_receipts_register(coe_id: int) -> Any:
    try:
        guard.as_user(electronic_coe.register, coe_id)
    except RuleViolation as refused:
        return message_page([p.code for p in refused.problems], refused.status)
    return redirect(url_for("screens.coe_receipts", done=coe_id))
