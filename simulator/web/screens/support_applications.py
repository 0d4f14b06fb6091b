"""The bureau console's applications page (test support): every submitted application with its state, its
sub-states and the bureau's actions as buttons, its history, the scripted outcome of a user's next
applications and the auto-bureau. Every button calls the same service as /test-support/bureau."""
from __future__ import annotations

from typing import Any

from flask import get_flashed_messages, request

from simulator.services import bureau, bureau_scripts, clock, lifecycle
from simulator.web.runtime import run
from simulator.web.screens.support import _act, _int, bp
from simulator.web.screens.ui import page


@bp.get("/bureau/applications")
def bureau_applications() -> Any:
    listed = run(bureau.list_applications, {"limit": 200})
    histories = {a["id"]: run(lifecycle.history, a["id"]) for a in listed["applications"][:50]}
    return page("bureau_applications.html", applications=listed["applications"], actions=listed["actions"],
                histories=histories, clock=run(clock.get_clock), notices=get_flashed_messages(with_categories=True))


def _back(use_case: Any, *args: Any) -> Any:
    return _act(use_case, *args, back="screens_support.bureau_applications")


@bp.post("/bureau/applications/<int(max=2147483647):application_id>/actions")
def bureau_act(application_id: int) -> Any:
    return _back(bureau.act, application_id, request.form.get("action", "")[:40])


@bp.post("/bureau/auto")
def bureau_auto() -> Any:
    return _back(bureau_scripts.set_auto, {"days": _int(request.form.get("days", "").strip() or "0"),
                                           "outcome": request.form.get("outcome", "approve")})


@bp.post("/bureau/scripts")
def bureau_script() -> Any:
    """`steps` typed as 「1:start_examination 5:approve」 (days after receipt : action)."""
    steps: list[dict[str, Any]] = []
    for part in request.form.get("steps", "").split()[:50]:
        days, _, action = part.partition(":")
        steps.append({"after_days": _int(days), "action": action})
    body: dict[str, Any] = {"steps": steps, "auth_id": request.form.get("auth_id", "").strip()[:40],
                            "count": _int(request.form.get("count", "").strip() or "1")}
    return _back(bureau_scripts.set_script, body)
