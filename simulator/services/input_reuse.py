"""過去の申請で入力した事項を再利用する (003 §8.3): [過去申込一覧] lists the user's own applications of the same
procedure as the input in progress, entered (「入力してから」) no more than the edition's `input_reuse_years`
(2) years ago and submitted; [選択 >] sets their values in the input. Items the current forms no longer
declare, or whose content changed so that their checks refuse the old value, stay empty
(「自動で設定されないことがあります」).

The search has the panel of [申込一覧] (関連情報, 手続き名 keywords, 申込日 YYYYMMDD from/to), its sort (申込日時)
and page sizes. rasim: written here over the same rows, the list's own search service of edition 2026 not
being there when this was written."""
from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from sqlalchemy import select

from simulator.adapters.db import Account
from simulator.adapters.db_applications import Application
from simulator.domain import temporary_save as rules
from simulator.domain.errors import Problems, RuleViolation
from simulator.services import application_input
from simulator.services.application_rows import row_of
from simulator.services.applications import own_application
from simulator.services.context import Ctx
from simulator.services.temporary_save import replace_values

PAGE_SIZES = (10, 20)            # 003 §7.1 / §8.3 「表示数変更 10件ずつ表示」 (10 or 20)
ORDERS = ("desc", "asc")         # 「並び替え 申込日時 降順」
YMD = re.compile(r"^\d{8}$")


def _offered(ctx: Ctx) -> None:
    if ctx.ed.input_reuse_years <= 0:
        raise RuleViolation.one("RASIM404E")


def _day(text: Any, key: str, problems: Problems) -> dt.date | None:
    """申込日 as YYYYMMDD (「入力例) 2000年1月23日は20000123と入力」)."""
    if text in (None, ""):
        return None
    try:
        if not YMD.match(str(text)):
            raise ValueError
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        problems.add("WZBAM005E", key, 入力項目名="申込日")
        return None


def _since(ctx: Ctx) -> dt.datetime:
    years = ctx.ed.input_reuse_years
    try:
        return ctx.now.replace(year=ctx.now.year - years)
    except ValueError:
        return ctx.now.replace(year=ctx.now.year - years, day=28)


def _candidates(ctx: Ctx, account: Account, procedure: str) -> list[Application]:
    q = (select(Application).where(Application.account_id == account.id, Application.procedure == procedure,
                                   Application.submitted_at.is_not(None), Application.input_completed_at >= _since(ctx)))
    return list(ctx.db.scalars(q))


def _related(row: dict[str, Any], app: Application) -> str:
    return f"受付仮番号:{row['provisional_number'] or ''} 受付番号:{row['receipt_number'] or ''} 氏名:{app.applicant_name}"


def search(ctx: Ctx, account: Account, query: dict[str, Any]) -> dict[str, Any]:
    """[過去申込一覧]: the reusable past applications matching every criterion given."""
    _offered(ctx)
    inp = application_input.current(ctx, account)
    problems = Problems()
    start = _day(query.get("applied_from"), "applied_from", problems)
    end = _day(query.get("applied_to"), "applied_to", problems)
    if start and end and start > end:
        problems.add("WZBAM135E", "applied_from")
    size = query.get("page_size") or PAGE_SIZES[0]
    if size not in PAGE_SIZES:
        problems.add("RASIM400E", "page_size", 理由=f"page_size is one of {PAGE_SIZES}")
    order = query.get("order") or ORDERS[0]
    if order not in ORDERS:
        problems.add("RASIM400E", "order", 理由=f"order is one of {ORDERS}")
    problems.raise_if_any()
    related = str(query.get("related") or "").strip()
    words = str(query.get("procedure_name") or "").split()
    rows = []
    for app in _candidates(ctx, account, inp.procedure):
        row = row_of(ctx, app, companions=[])
        day = app.submitted_at.date() if app.submitted_at else None
        if start and (day is None or day < start) or end and (day is None or day > end):
            continue
        if related and related not in _related(row, app):
            continue
        if any(w not in row["procedure_label"] for w in words):   # 2 or more words: all of them (AND)
            continue
        rows.append({"id": app.id, "procedure": app.procedure, "procedure_label": row["procedure_label"],
                     "related": {"provisional_number": row["provisional_number"], "receipt_number": row["receipt_number"],
                                 "applicant_name": app.applicant_name},
                     "applied_at": row["applied_at"], "entered_at": app.input_completed_at.isoformat(),
                     "state": row["state"], "state_label": row["state_label"]})
    rows.sort(key=lambda r: (r["applied_at"] or "", r["id"]), reverse=order == "desc")
    pages = max(1, -(-len(rows) // size))
    page = min(max(1, int(query.get("page") or 1)), pages)
    return {"procedure": inp.procedure, "total": len(rows), "page": page, "pages": pages, "page_size": size,
            "order": order, "years": ctx.ed.input_reuse_years, "now": ctx.now.isoformat(timespec="minutes"),
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
