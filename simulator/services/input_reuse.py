"""過去の申請で入力した事項を再利用する (003 §8.3): [過去申込一覧] lists the user's own applications of the same
procedure as the input in progress, entered (「入力してから」) no more than the edition's `input_reuse_years`
(2) years ago and submitted; [選択 >] sets their values in the input. Items the current forms no longer
declare, or whose content changed so that their checks refuse the old value, stay empty
(「自動で設定されないことがあります」).

The search has the panel of [申込一覧] (関連情報, 手続き名 keywords, 申込日 YYYYMMDD from/to), its sort (申込日時)
and page sizes: the criteria are checked by [申込一覧]'s own service (services.application_search, the same keys
and codes) and the rows have its shape; the rows themselves are chosen here (the procedure, the 2 years)."""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import select

from simulator.adapters.db import Account
from simulator.adapters.db_applications import Application
from simulator.domain import temporary_save as rules
from simulator.domain.errors import RuleViolation
from simulator.services import application_input, application_search
from simulator.services.applications import own_application
from simulator.services.context import Ctx
from simulator.services.temporary_save import replace_values


def _since(ctx: Ctx) -> dt.datetime:
    years = ctx.ed.input_reuse_years
    try:
        return ctx.now.replace(year=ctx.now.year - years)
    except ValueError:   # 29 February
        return ctx.now.replace(year=ctx.now.year - years, day=28)


def _offered(ctx: Ctx) -> None:
    if ctx.ed.input_reuse_years <= 0:
        raise RuleViolation.one("RASIM404E")


def search(ctx: Ctx, account: Account, query: dict[str, Any]) -> dict[str, Any]:
    """[過去申込一覧]: the reusable past applications matching every criterion given — the criteria, their codes
    and the rows as [申込一覧]'s (services.application_search), kept to the procedure of the input in progress and
    to what was entered within the edition's years."""
    _offered(ctx)
    inp = application_input.current(ctx, account)
    c = application_search.checked(ctx, {k: query.get(k) for k in application_search.KEYS})
    q = select(Application).where(Application.account_id == account.id, Application.parent_id.is_(None),
                                  Application.procedure == inp.procedure, Application.submitted_at.is_not(None),
                                  Application.input_completed_at >= _since(ctx))
    rows = []
    for app in ctx.db.scalars(q):
        row = application_search.row(ctx, app)
        day = app.submitted_at.date() if app.submitted_at else None
        if c["start"] and (day is None or day < c["start"]) or c["end"] and (day is None or day > c["end"]):
            continue
        related = f"{row['provisional_number']} {row['receipt_number']} {app.applicant_name}".lower()
        if c["related"] and ",".join(c["related"].replace(",", " ").split()).lower() not in related \
                and c["related"].lower() not in related:
            continue
        if any(w not in row["procedure_name"] for w in c["words"]):   # 2 or more words: all of them (AND)
            continue
        rows.append(row | {"procedure_label": row["procedure_name"], "entered_at": app.input_completed_at.isoformat(),
                           "related": {"provisional_number": row["provisional_number"],
                                       "receipt_number": row["receipt_number"], "applicant_name": app.applicant_name}})
    rows.sort(key=lambda r: (r["applied_at"] or "", r["id"]), reverse=c["sort"] == application_search.SORTS[0])
    size = c["per_page"]
    pages = max(1, -(-len(rows) // size))
    page = min(c["page"], pages)
    return {"procedure": inp.procedure, "as_of": ctx.now.isoformat(timespec="minutes"), "total": len(rows),
            "page": page, "pages": pages, "per_page": size, "sort": c["sort"], "years": ctx.ed.input_reuse_years,
            "rows": rows[(page - 1) * size: page * size]}


def apply(ctx: Ctx, account: Account, application_id: Any) -> dict[str, Any]:
    """[選択 >]: the past application's values set in the input in progress (another user's: RASIM404E; another
    procedure or entered too long ago: RASIM491E)."""
    _offered(ctx)
    inp = application_input.current(ctx, account)
    app = own_application(ctx, account, application_id)
    if (app.procedure != inp.procedure or app.submitted_at is None
            or not rules.reusable(app.input_completed_at, ctx.now, ctx.ed.input_reuse_years)):
        raise RuleViolation.one(rules.NOT_REUSABLE, "application_id", 年数=str(ctx.ed.input_reuse_years))
    saved = json.loads(app.values_json or "{}")
    return replace_values(ctx, account, inp, saved, check=True, action="application_input.past_input_reused",
                          application=app.id)
