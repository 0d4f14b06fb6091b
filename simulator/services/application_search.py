"""[申込一覧] of the current system (003 §7.1, edition 2026): the user's 申込 (applications made, bulk rows among
them) found by [キーワードで探す] — ① 関連情報 (受付仮番号, 受付番号 or 氏名, a part of one: rasim), ② 手続き名
(keywords separated by spaces, all of them: AND), ③ 申込日 (a range of days typed YYYYMMDD) — sorted by 申込日時
(降順 by default; 昇順: rasim) and shown 10 or 20 a page (the edition's status_list_page_sizes). The screens and the
API call `search`; [過去申込一覧] (003 §8.3) calls it with `procedures` to keep one procedure's rows."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select, union_all

from simulator import catalog
from simulator.adapters.db import Account
from simulator.adapters.db_applications import Application
from simulator.domain.applications import state_labels
from simulator.domain.errors import Problems, RuleViolation
from simulator.services import submission_sources as sources
from simulator.services.context import Ctx

SORTS = ("applied_at_desc", "applied_at_asc")    # 「申込日時 降順」 (003 §7.1) and its reverse (rasim)
DAY = re.compile(r"^\d{8}$")
KEYS = ("related", "procedure_name", "applied_from", "applied_to", "sort", "per_page", "page")


def offered(ctx: Ctx) -> None:
    """The edition has [申込一覧] (its page sizes are data); another edition's user gets RASIM487E (404)."""
    if not ctx.ed.status_list_page_sizes:
        raise RuleViolation.one("RASIM487E", status=404)


def _day(text: Any, field: str, problems: Problems) -> dt.date | None:
    """申込日 as YYYYMMDD (「入力例) 2000年1月23日は20000123と入力」); anything else: RASIM484E."""
    if text in (None, ""):
        return None
    value = str(text).strip()
    label = catalog.labels()["ja"][f"status_list.{field}"]
    if not DAY.match(value):
        problems.add("RASIM484E", field, 項目=label)
        return None
    try:
        return dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        problems.add("RASIM484E", field, 項目=label)
        return None


def checked(ctx: Ctx, query: dict[str, Any]) -> dict[str, Any]:
    """The criteria, each as the search uses it; every problem at once (400, nothing searched)."""
    offered(ctx)
    problems = Problems()
    start = _day(query.get("applied_from"), "applied_from", problems)
    end = _day(query.get("applied_to"), "applied_to", problems)
    if start and end and start > end:
        problems.add("RASIM485E", "applied_from")
    sort = str(query.get("sort") or SORTS[0])
    if sort not in SORTS:
        problems.add("RASIM486E", "sort", 項目="sort", 値="|".join(SORTS))
    sizes = ctx.ed.status_list_page_sizes
    per_page = str(query.get("per_page") or sizes[0])
    if not (per_page.isascii() and per_page.isdigit() and int(per_page) in sizes):
        problems.add("RASIM486E", "per_page", 項目="per_page", 値="|".join(str(s) for s in sizes))
    page = str(query.get("page") or 1)
    if not (page.isascii() and page.isdigit() and 1 <= int(page) <= 100000):
        problems.add("RASIM486E", "page", 項目="page", 値="1-100000")
    for key in ("related", "procedure_name"):
        if len(str(query.get(key) or "")) > 200:
            problems.add("RASIM486E", key, 項目=key, 値="≤ 200 characters")
    problems.raise_if_any(status=400)
    return {"related": str(query.get("related") or "").strip(), "words": str(query.get("procedure_name") or "").split(),
            "start": start, "end": end, "sort": sort, "per_page": int(per_page), "page": int(page),
            "start_at": dt.datetime.combine(start, dt.time()) if start else None,
            "end_at": dt.datetime.combine(end, dt.time.max) if end else None}      # 99991231 too


def procedure_name(ctx: Ctx, app: Application) -> str:
    """The 手続き名 column of a residence application: a bulk row as 「<手続き名> 一括申請」 (003 §7.1)."""
    return sources.procedure_name(ctx, sources.APPLICATION, app.procedure, app.bulk_input_id is not None)


def _shown(ctx: Ctx, kind: str, id_: int, procedure: str, bulk: bool, provisional: str | None, receipt: str | None,
           name: str | None, applied_at: dt.datetime | None, state: str) -> dict[str, Any]:
    labels = state_labels(ctx.ed.applications_edition)
    return {"kind": kind, "id": id_, "procedure": procedure,
            "procedure_name": sources.procedure_name(ctx, kind, procedure, bulk), "bulk": bulk,
            "provisional_number": provisional or "", "receipt_number": receipt or "", "applicant_name": name or "",
            "applied_at": applied_at.isoformat() if applied_at else None,
            "state": state, "state_label": labels.get(state, (state, ""))[0]}


def row(ctx: Ctx, app: Application) -> dict[str, Any]:
    return _shown(ctx, sources.APPLICATION, app.id, app.procedure, app.bulk_input_id is not None,
                  app.provisional_number, app.receipt_number, app.applicant_name, app.submitted_at, app.state)


def search(ctx: Ctx, account: Account, query: dict[str, Any],
           procedures: Iterable[str] | None = None) -> dict[str, Any]:
    """The page of the user's 申込 the criteria find (none: all of them) — residence applications, 利用申出 / 定期報告
    and 受領方法変更申出 alike (services/submission_sources.py); `procedures` keeps only those applications."""
    c = checked(ctx, {k: query.get(k) for k in KEYS})
    united = union_all(*sources.every_source(ctx, account, c, list(procedures) if procedures is not None else None))
    u = united.subquery()
    total = ctx.db.scalar(select(func.count()).select_from(u)) or 0
    size = c["per_page"]
    pages = max(1, (total + size - 1) // size)
    page = min(c["page"], pages)      # rasim: a page past the last shows the last
    order = (u.c.applied_at.desc(), u.c.kind, u.c.id.desc()) if c["sort"] == "applied_at_desc" \
        else (u.c.applied_at.asc(), u.c.kind, u.c.id.asc())
    found = ctx.db.execute(select(u).order_by(*order).limit(size).offset((page - 1) * size)).all()
    return {"as_of": ctx.now.isoformat(timespec="minutes"), "total": total, "page": page, "pages": pages,
            "per_page": size, "sort": c["sort"],
            "rows": [_listed(ctx, r) for r in found]}


def reference_number(app: Application) -> str:
    """整理番号 of an application (003 §1.7): rasim derives it from the row (the year of 申込 and the id)."""
    year = app.submitted_at.year if app.submitted_at else app.input_completed_at.year
    return f"A{year:04d}{app.id:010d}"


def detail(ctx: Ctx, account: Account, application_id: int) -> dict[str, Any]:
    """[申込詳細] (003 §7.1): the row, its 整理番号, フリー欄, the face photo's and the documents' file names, and
    whether 「修正する >」 is offered (the operation matrix: 返却中 only). Another user's: RASIM404E."""
    import json

    from simulator.domain.applications import refusal
    from simulator.services.application_rows import rule_row
    from simulator.services.applications import own_application
    from simulator.services.attachments import application_files

    app = own_application(ctx, account, application_id)   # first: another user's is unknown in any edition
    offered(ctx)
    if app.submitted_at is None:
        raise RuleViolation.one("RASIM404E", "application_id")
    files = application_files(ctx, app)
    values = json.loads(app.values_json or "{}")
    return row(ctx, app) | {
        "reference_number": reference_number(app), "free_text": str(values.get("free_text") or ""),
        "photo": [f.filename for f in files if f.kind == "photo"],
        "documents": [f.filename for f in files if f.kind != "photo"],
        "correctable": not refusal(ctx.ed.applications_edition, "resubmit", rule_row(app))}


def _listed(ctx: Ctx, r: Any) -> dict[str, Any]:
    return _shown(ctx, r.kind, r.id, r.procedure, bool(r.bulk), r.provisional_number, r.receipt_number,
                  r.applicant_name, r.applied_at, r.state)


def procedure_request_detail(ctx: Ctx, account: Account, request_id: int) -> dict[str, Any]:
    """[申込詳細] of a 利用申出 / 定期報告 (003 §7.1, §7.2): its row of [申込一覧], its 整理番号, its PDFs, what the
    bureau asked for, and 「修正する >」 while 返却中. Another user's, or one not applied for yet: RASIM404E."""
    from simulator.services import procedure_requests as requests_

    offered(ctx)
    r = sources.one_row(ctx, account, sources.PROCEDURE_REQUEST, request_id)
    if r is None:
        raise RuleViolation.one("RASIM404E", "id")
    req = requests_.own(ctx, account, request_id)
    return _listed(ctx, r) | {"reference_number": req.reference_number or "", "free_text": "", "photo": [],
                              "documents": [f.filename for _a, f in requests_.files_of(ctx, req)], "note": req.note,
                              "correctable": requests_.correctable(req.state)}


def receipt_change_detail(ctx: Ctx, account: Account, change_id: int) -> dict[str, Any]:
    """[申込詳細] of a 受領方法変更申出 (003 §7.1, §7.3): its row of [申込一覧] and its 整理番号; nothing to correct.
    Another user's: RASIM404E."""
    from simulator.adapters.db_decisions import ReceiptMethodChange

    offered(ctx)
    r = sources.one_row(ctx, account, sources.RECEIPT_CHANGE, change_id)
    if r is None:
        raise RuleViolation.one("RASIM404E", "id")
    change = ctx.db.get(ReceiptMethodChange, change_id)
    return _listed(ctx, r) | {"reference_number": change.reference_number, "free_text": "", "photo": [],
                              "documents": [], "note": "", "correctable": False}
