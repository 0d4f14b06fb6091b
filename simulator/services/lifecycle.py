"""Every move of an application goes through here: the state machine of the serving edition decides
(domain.applications.next_state), the move is stored with who and when (FAQ Q13-1: the audit trail), and
the history is what the list, the API and the bureau console show."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from simulator.adapters.db_applications import Application
from simulator.adapters.db_decisions import Transition
from simulator.domain.applications import next_state, state_labels
from simulator.services.context import Ctx


def record(ctx: Ctx, app: Application, event: str, from_state: str | None) -> None:
    ctx.db.add(Transition(application_id=app.id, at=ctx.now, actor=ctx.actor or "system", event=event,
                          from_state=from_state, to_state=app.state, photo_state=app.photo_state,
                          document_state=app.document_state))


def move(ctx: Ctx, app: Application, event: str) -> None:
    """The application after `event` (IllegalTransition when the edition has no such move), recorded."""
    before = app.state
    app.state = next_state(ctx.ed.applications_edition, before, event)
    if app.id is None:
        ctx.db.flush()
    record(ctx, app, event, before)


def history(ctx: Ctx, application_id: int) -> list[dict[str, Any]]:
    labels = state_labels(ctx.ed.applications_edition)
    rows = ctx.db.scalars(select(Transition).where(Transition.application_id == application_id)
                          .order_by(Transition.at, Transition.id))
    return [{"at": t.at.isoformat(), "actor": t.actor, "event": t.event, "from_state": t.from_state,
             "to_state": t.to_state, "to_state_label": labels.get(t.to_state, (t.to_state, ""))[0],
             "photo_state": t.photo_state, "document_state": t.document_state} for t in rows]
