"""The 申請情報検索 and 申請情報一覧 (S15, S16; 004 §2.6–§2.10) and what a user does to a row: search and
list, delete, the photo and the receipt method (S17, S18), the documents (S19), submission (S20). Each
operation checks the row against the operation matrix of the catalogue first (domain.applications)."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import func, select

from simulator import catalog
from simulator.adapters.db import Account
from simulator.adapters.db_applications import Application
from simulator.domain.applications import refusal
from simulator.domain.errors import Problems, RuleViolation
from simulator.services.application_rows import row_of, rule_row
from simulator.services.context import Ctx

SORTS = {"receipt_number": Application.receipt_number, "state": Application.state,
         "photo_state": Application.photo_state, "document_state": Application.document_state,
         "receipt_method": Application.receipt_method, "receiving_office": Application.receiving_office,
         "procedure": Application.procedure, "applied_at": Application.submitted_at,
         "residence_card_number": Application.residence_card_number}
DATETIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$")
SERIAL = re.compile(r"^\d{1,6}$")


def own_application(ctx: Ctx, account: Account, application_id: Any, lock: bool = False) -> Application:
    """One of the user's own applications; another user's is as unknown as a missing one (RASIM404E)."""
    q = select(Application).where(Application.id == application_id, Application.account_id == account.id)
    if lock:
        q = q.with_for_update()
    app = ctx.db.scalars(q).first() if isinstance(application_id, int) else None
    if app is None:
        raise RuleViolation.one("RASIM404E", "application_id")
    return app


def check_operation(ctx: Ctx, app: Application, operation: str) -> None:
    code = refusal(ctx.ed.applications_edition, operation, rule_row(app))
    if code:
        raise RuleViolation.one(code)


def _when(text: Any, partial_code: str, real_code: str, field: str, problems: Problems) -> dt.datetime | None:
    """年/月/日 時:分 as YYYY-MM-DDTHH:MM: all five parts or none (131E/133E), a real date (132E/134E)."""
    if text in (None, ""):
        return None
    m = DATETIME.match(str(text))
    if not m:
        problems.add(partial_code, field)
        return None
    try:
        return dt.datetime(*(int(g) for g in m.groups()))
    except ValueError:
        problems.add(real_code, field)
        return None


def search(ctx: Ctx, account: Account, query: dict[str, Any]) -> dict[str, Any]:
    """申請情報検索 → 申請情報一覧: the user's applications matching every criterion given (none: all, FAQ
    Q4-8), 10 a page; more hits than the list may show → WZBAM137E, none → WZBAM136E."""
    problems = Problems()
    serials = {}
    for key in ("receipt_from", "receipt_to"):
        value = query.get(key)
        if value not in (None, ""):
            if not SERIAL.match(str(value)):
                problems.add("WZBAM005E", key, 入力項目名=catalog.field(key).label_ja)
            else:
                serials[key] = int(value)
    if len(serials) == 2 and serials["receipt_from"] > serials["receipt_to"]:
        problems.add("WZBAM130E", "receipt_from")
    start = _when(query.get("applied_from"), "WZBAM131E", "WZBAM132E", "applied_from", problems)
    end = _when(query.get("applied_to"), "WZBAM133E", "WZBAM134E", "applied_to", problems)
    if start and end and start > end:
        problems.add("WZBAM135E", "applied_from")
    for key, kind in (("office", "bureaus.csv"), ("procedure", "procedures.csv")):
        if query.get(key) and query[key] not in {r["key"] for r in catalog.table(kind)}:
            problems.add("WZBAM005E", key, 入力項目名=catalog.field(key).label_ja)
    if query.get("state") and query["state"] not in {r["key"] for r in catalog.table("application_statuses.csv")
                                                     if r["edition"] == ctx.ed.applications_edition}:
        problems.add("WZBAM005E", "state", 入力項目名=catalog.field("state").label_ja)
    sort, order = query.get("sort") or "applied_at", query.get("order") or "desc"
    if sort not in SORTS or order not in ("asc", "desc"):
        problems.add("RASIM400E", "sort", 理由="sort is one of " + ", ".join(SORTS) + "; order asc or desc")
    # every query that reaches here passed the documented schema (strings without NUL, pages 1–100): a
    # refusal is of a well-formed request, 422 as for a body (web.operations.refusal_status)
    problems.raise_if_any(status=422)

    q = select(Application).where(Application.account_id == account.id, Application.parent_id.is_(None))
    if query.get("office"):
        q = q.where(Application.bureau == query["office"])
    if query.get("procedure"):
        q = q.where(Application.procedure == query["procedure"])
    if query.get("state"):
        q = q.where(Application.state == query["state"])
    serial = func.substr(Application.receipt_number, func.length(Application.receipt_number) - 5, 6)
    if "receipt_from" in serials:
        q = q.where(Application.receipt_number.is_not(None), serial >= f"{serials['receipt_from']:06d}")
    if "receipt_to" in serials:
        q = q.where(Application.receipt_number.is_not(None), serial <= f"{serials['receipt_to']:06d}")
    if start:
        q = q.where(Application.submitted_at >= start)
    if end:
        q = q.where(Application.submitted_at <= end + dt.timedelta(seconds=59))
    total = ctx.db.scalar(select(func.count()).select_from(q.subquery())) or 0
    if total > ctx.ed.search_max_hits:
        raise RuleViolation.one("WZBAM137E", status=422, 件数=f"{ctx.ed.search_max_hits}件")
    if total == 0:
        raise RuleViolation.one("WZBAM136E")
    size = ctx.ed.list_page_size
    page = max(1, int(query.get("page") or 1))
    column = SORTS[sort]
    ordered = [column.desc() if order == "desc" else column.asc(), Application.id.desc()]
    if sort == "applied_at":   # not yet applied rows (no 申請日時) first when newest first
        ordered.insert(0, Application.submitted_at.is_(None).desc() if order == "desc"
                       else Application.submitted_at.is_(None).asc())
    apps = list(ctx.db.scalars(q.order_by(*ordered).limit(size).offset((page - 1) * size)))
    companions: dict[int, list[Application]] = {a.id: [] for a in apps}
    if apps:
        for c in ctx.db.scalars(select(Application).where(Application.parent_id.in_(list(companions)))
                                .order_by(Application.id)):
            companions[c.parent_id].append(c)   # type: ignore[index]
    return {"total": total, "page": page, "page_size": size, "pages": (total + size - 1) // size,
            "first": (page - 1) * size + 1 if apps else 0, "last": (page - 1) * size + len(apps),
            "rows": [row_of(ctx, a, companions[a.id]) for a in apps]}


def get(ctx: Ctx, account: Account, application_id: int) -> dict[str, Any]:
    return row_of(ctx, own_application(ctx, account, application_id))


def delete(ctx: Ctx, account: Account, application_id: int) -> dict[str, Any]:
    """申請情報の削除: only 入力完了(申請未了) and エラー(一括登録) rows (WZBAM172E), at once, with their
    simultaneous applications and files."""
    from simulator.services.attachments import delete_files, remove_files

    app = own_application(ctx, account, application_id, lock=True)
    check_operation(ctx, app, "delete")
    for companion in ctx.db.scalars(select(Application).where(Application.parent_id == app.id)):
        ctx.db.delete(companion)
    files = remove_files(ctx, app)
    ctx.db.delete(app)
    ctx.db.flush()
    delete_files(ctx, files)
    ctx.audit("application.deleted", f"application:{application_id}")
    return {"deleted": application_id}
