"""The menu's template downloads (FAQ Q4-23; 004 §2.5.1): for each bulk procedure, a page choosing the status
of residence, then the .xlsx of `rasim bulk template` for the user's category (simulator/bulk_template.py)."""
from __future__ import annotations

from typing import Any

from flask import Response, abort, request, url_for

from simulator import catalog
from simulator.bulk_generate import PROCEDURES, choice_problem
from simulator.bulk_template import template
from simulator.domain import bulk_format
from simulator.web.screens import guard
from simulator.web.screens.base import bp
from simulator.web.screens.ui import edition, page, t

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _category() -> str:
    if guard.logged_in():
        return guard.as_user(lambda ctx, account: account.category)
    return bulk_format.settings()["templates"]["visitor_category"]   # a visitor not logged in


def _statuses(category: str, procedure: str) -> list[dict[str, str]]:
    return [{"key": r["key"], "label": r["label_ja"]} for r in catalog.table("statuses_of_residence.csv")
            if choice_problem(category, procedure, r["key"]) is None]


def _procedure_label(procedure: str) -> str:
    return next(r["label_ja"] for r in catalog.table("procedures.csv") if r["key"] == procedure)


@bp.get("/templates/bulk/<procedure>")
def bulk_templates(procedure: str) -> Any:
    """The statuses of residence of one procedure's template, each downloadable."""
    if procedure not in PROCEDURES:
        abort(404)
    category = _category()
    return page("bulk_templates.html", procedure=procedure, procedure_label=_procedure_label(procedure),
                statuses=_statuses(category, procedure),
                action=url_for("screens.bulk_template_download", procedure=procedure), heading=t("menu.templates_title"))


@bp.get("/templates/bulk/<procedure>/template.xlsx")
def bulk_template_download(procedure: str) -> Any:
    status = request.args.get("status", "")
    if procedure not in PROCEDURES or len(status) > 80:
        abort(404)
    if choice_problem(_category(), procedure, status) is not None:
        abort(404)
    data = template(procedure, status, _category(), edition().name)
    name = f"template-{procedure}-{status}.xlsx"
    return Response(data, mimetype=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'})
