"""One application as a row of the 申請情報一覧 (S16; 004 §2.7): the columns the manual shows, each with
its label from the catalogue, for the screens and the API alike. The content typed in is not shown:
the system offers no view of it (FAQ Q4-28)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from simulator import catalog
from simulator.adapters.db_applications import Application
from simulator.domain import input_plan
from simulator.domain.applications import Row, state_labels, substate_labels
from simulator.services.context import Ctx


def rule_row(app: Application) -> Row:
    return Row(app.state, app.photo_state, app.document_state, app.procedure)


def _label(name: str, value: str | None) -> str:
    return catalog.list_label(name, value) if value else ""


def bureau_name(key: str | None) -> str:
    for r in catalog.table("bureaus.csv"):
        if r["key"] == key:
            return r["name_ja"]
    return ""


def _procedure_label(key: str) -> str:
    for r in catalog.table("procedures.csv"):
        if r["key"] == key:
            return r["label_ja"]
    return key


def _status_label(key: str | None) -> str:
    for r in catalog.table("statuses_of_residence.csv"):
        if r["key"] == key:
            return r["label_ja"]
    return ""


def receipt_prefix(app: Application) -> str:
    """The start of the receipt number, which a row shows before its number exists (004 §5.1)."""
    bureau = next(r for r in catalog.table("bureaus.csv") if r["key"] == app.bureau)
    proc = next(r for r in catalog.table("procedures.csv") if r["key"] == app.procedure)
    code = proc["receipt_number_code"]
    group = "" if code in ("W", "A") else input_plan.group_of(app.status_of_residence)
    return f"{bureau['receipt_prefix']}{code}{group}"


def row_of(ctx: Ctx, app: Application, companions: list[Application] | None = None) -> dict[str, Any]:
    ed = ctx.ed.applications_edition
    subs = substate_labels(ed)
    if companions is None:
        companions = list(ctx.db.scalars(select(Application).where(Application.parent_id == app.id)
                                         .order_by(Application.id)))
    desired = _status_label(app.status_of_residence)
    if app.desired_period and app.procedure != "coe":
        desired = f"{desired}({_label('periods_of_stay', app.desired_period)})"
    method_list = "coe_receipt_methods" if app.procedure == "coe" else "card_receipt_methods"
    return {
        "id": app.id, "receipt_number": app.receipt_number,
        "receipt_prefix": receipt_prefix(app) if app.parent_id is None else "",
        "provisional_number": app.provisional_number, "state": app.state,
        "state_label": state_labels(ed).get(app.state, (app.state, ""))[0],
        "photo_state": app.photo_state, "photo_label": subs.get(("photo", app.photo_state), ("", ""))[0],
        "document_state": app.document_state, "document_label": subs.get(("document", app.document_state), ("", ""))[0],
        "companion": bool(companions), "companion_label": subs[("companion", "some" if companions else "none")][0],
        "companions": [{"id": c.id, "procedure": c.procedure, "procedure_label": _procedure_label(c.procedure),
                        "state": c.state} for c in companions],
        "receipt_method": app.receipt_method, "receipt_method_label": _label(method_list, app.receipt_method),
        "receiving_office": app.receiving_office, "receiving_office_label": bureau_name(app.receiving_office),
        "procedure": app.procedure, "procedure_label": _procedure_label(app.procedure),
        "status_of_residence": app.status_of_residence, "desired": desired,
        "applied_at": app.submitted_at.isoformat() if app.submitted_at else None,
        "received_on": app.received_on.isoformat() if app.received_on else None,
        "residence_card_number": app.residence_card_number, "bureau": app.bureau,
        "bureau_label": bureau_name(app.bureau), "parent_id": app.parent_id,
    }
