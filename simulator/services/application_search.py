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

from sqlalchemy import and_, false, func, or_, select

from simulator import catalog
from simulator.adapters.db import Account
from simulator.adapters.db_applications import Application
from simulator.domain.applications import state_labels
from simulator.domain.errors import Problems, RuleViolation
from simulator.services.context import Ctx

SORTS = ("applied_at_desc", "applied_at_asc")    # 「申込日時 降順」 (003 §7.1) and its reverse (rasim)
DAY = re.compile(r"^\d{8}$")
KEYS = ("related", "procedure_name", "applied_from", "applied_to", "sort", "per_page", "page")


def bulk_word(ctx: Ctx) -> str:
    return catalog.labels(ctx.ed.name)["ja"]["status_list.bulk"]


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
            "start": start, "end": end, "sort": sort, "per_page": int(per_page), "page": int(page)}


def _procedure_names(ctx: Ctx) -> dict[str, str]:
    return {r["key"]: r["label_ja"] for r in catalog.table("procedures.csv")}


def procedure_name(ctx: Ctx, app: Application) -> str:
    """The 手続き名 column: a bulk row as 「<手続き名> 一括申請」 (003 §7.1)."""
    name = _procedure_names(ctx).get(app.procedure, app.procedure)
    return f"{name} {bulk_word(ctx)}" if app.bulk_input_id is not None else name


def _by_name(ctx: Ctx, words: list[str]) -> Any:
    """②: the procedures whose name holds every keyword; a bulk row's name holds 「一括申請」 too."""
    if not words:
        return None
    names, bulk = _procedure_names(ctx), bulk_word(ctx)
    single = [k for k, n in names.items() if all(w in n for w in words)]
    as_bulk = [k for k, n in names.items() if all(w in f"{n} {bulk}" for w in words)]
    return or_(Application.procedure.in_(single) if single else false(),
               and_(Application.procedure.in_(as_bulk), Application.bulk_input_id.is_not(None))
               if as_bulk else false())


def _by_related(text: str) -> Any:
    """①: a part of the 受付仮番号, the 受付番号 or the 氏名 (rasim: partial, letters in either case, the name's parts
    separated by spaces or commas as it is typed: HOUMU,TARO)."""
    return or_(Application.provisional_number.icontains(text, autoescape=True),
               Application.receipt_number.icontains(text, autoescape=True),
               Application.applicant_name.icontains(",".join(text.replace(",", " ").split()), autoescape=True))


def row(ctx: Ctx, app: Application) -> dict[str, Any]:
    labels = state_labels(ctx.ed.applications_edition)
    return {"id": app.id, "procedure": app.procedure, "procedure_name": procedure_name(ctx, app),
            "bulk": app.bulk_input_id is not None, "provisional_number": app.provisional_number or "",
            "receipt_number": app.receipt_number or "", "applicant_name": app.applicant_name,
            "applied_at": app.submitted_at.isoformat() if app.submitted_at else None,
            "state": app.state, "state_label": labels.get(app.state, (app.state, ""))[0]}


def search(ctx: Ctx, account: Account, query: dict[str, Any],
           procedures: Iterable[str] | None = None) -> dict[str, Any]:
    """The page of the user's 申込 the criteria find (none: all of them); `procedures` keeps only those."""
    c = checked(ctx, {k: query.get(k) for k in KEYS})
    q = select(Application).where(Application.account_id == account.id, Application.parent_id.is_(None),
                                  Application.submitted_at.is_not(None))
    if procedures is not None:
        q = q.where(Application.procedure.in_(list(procedures)))
    if c["related"]:
        q = q.where(_by_related(c["related"]))
    named = _by_name(ctx, c["words"])
    if named is not None:
        q = q.where(named)
    if c["start"]:
        q = q.where(Application.submitted_at >= dt.datetime.combine(c["start"], dt.time()))
    if c["end"]:
        q = q.where(Application.submitted_at <= dt.datetime.combine(c["end"], dt.time.max))   # 99991231 too
    total = ctx.db.scalar(select(func.count()).select_from(q.subquery())) or 0
    size = c["per_page"]
    pages = max(1, (total + size - 1) // size)
    page = min(c["page"], pages)      # rasim: a page past the last shows the last
    order = (Application.submitted_at.desc(), Application.id.desc()) if c["sort"] == "applied_at_desc" \
        else (Application.submitted_at.asc(), Application.id.asc())
    apps = ctx.db.scalars(q.order_by(*order).limit(size).offset((page - 1) * size))
    return {"as_of": ctx.now.isoformat(timespec="minutes"), "total": total, "page": page, "pages": pages,
            "per_page": size, "sort": c["sort"], "rows": [row(ctx, a) for a in apps]}


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
