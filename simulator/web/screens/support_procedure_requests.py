"""The bureau console's page of 利用申出 / 定期報告 (test support, edition 2026, 003 §3.3.4, §6, §7.2): every 申込
after [申込む] with its 処理状況, and the bureau's actions (examine, return with what to correct, approve, refuse)
as buttons. Every button calls services.procedure_requests, as /test-support/bureau/procedure-requests does."""
from __future__ import annotations

from typing import Any

from flask import get_flashed_messages, request

from simulator.services import clock
from simulator.services import procedure_requests as requests_
from simulator.web.runtime import run
from simulator.web.screens.support import _act, bp
from simulator.web.screens.ui import page


@bp.get("/bureau/procedure-requests")
def bureau_procedure_requests() -> Any:
    listed = run(requests_.bureau_list, None)["procedure_requests"]
    return page("bureau_procedure_requests.html", requests=listed, actions=list(requests_.machine()["actions"]),
                clock=run(clock.get_clock), notices=get_flashed_messages(with_categories=True))


@bp.post("/bureau/procedure-requests/<int(max=2147483647):request_id>/actions")
def bureau_procedure_request_act(request_id: int) -> Any:
    return _act(requests_.bureau_act, request_id, request.form.get("action", "")[:40],
                request.form.get("note", "")[:400], back="screens_support.bureau_procedure_requests")
