"""Choosing a procedure in the current system (003 §4.1, §6 [オンライン申請手続き] → [手続き説明] → [同意する]), the
keyword search (§8.1), the favourites (§9.2) and the [利用者詳細] of My Page (§9.3). The procedures are the
edition's rows of catalog/online_procedures.csv; an edition without rows has an empty catalogue."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import select

from simulator import catalog
from simulator.adapters.db import Account, Organisation
from simulator.adapters.db_procedures import FavouriteProcedure
from simulator.domain import procedure_catalogue as pc
from simulator.domain.errors import RuleViolation
from simulator.services.context import Ctx

REFUSED_KINDS = {"notification_system": "RASIM480E"}   # [同意する] of the 電子届出システム's 利用申出 (003 §3.3.2 重要)
# the rows of [利用者詳細] (003 §9.3) in its order: the label key (labels/procedures.toml [user_detail]) and value
USER_DETAIL_ROWS = ("category", "auth_id", "name", "birth_date", "organisation_address", "phone", "email")


@lru_cache(maxsize=None)
def catalogue(edition_name: str) -> tuple[pc.OnlineProcedure, ...]:
    return tuple(pc.of_row(r) for r in catalog.table("online_procedures.csv") if r["edition"] == edition_name)


@lru_cache(maxsize=None)
def synonym_groups(edition_name: str) -> list[frozenset[str]]:
    return pc.synonym_groups([r["words"] for r in catalog.table("procedure_synonyms.csv")
                              if r["edition"] == edition_name])


def find(ctx: Ctx, key: str) -> pc.OnlineProcedure:
    for proc in catalogue(ctx.ed.name):
        if proc.key == key:
            return proc
    raise RuleViolation.one("RASIM404E", "procedure", status=404)


def _favourite_keys(ctx: Ctx, account: Account | None) -> set[str]:
    if account is None:   # the list and [手続き説明] seen before login (the logged-out header's 手続き検索)
        return set()
    return set(ctx.db.scalars(select(FavouriteProcedure.procedure_key)
                              .where(FavouriteProcedure.account_id == account.id)))


def view(proc: pc.OnlineProcedure, favourite: bool) -> dict[str, Any]:
    return {"key": proc.key, "name": proc.name_ja, "kind": proc.kind, "procedure": proc.procedure or None,
            "accepts_from": proc.accepts_from.isoformat(timespec="minutes"),
            "accepts_from_text": pc.list_time(proc.accepts_from),
            "accepts_until": proc.accepts_until.isoformat(timespec="minutes") if proc.accepts_until else None,
            "accepts_until_text": pc.list_time(proc.accepts_until) if proc.accepts_until else None,
            "period_text": pc.period_time(proc.accepts_from), "favourite": favourite}


def search(ctx: Ctx, account: Account | None, query: dict[str, Any]) -> dict[str, Any]:
    """[キーワード検索] and the pulldowns of [手続き一覧]: keywords (AND), synonyms, sort, page, per_page."""
    sort = query.get("sort") or pc.SORTS[0]
    per_page = query.get("per_page") or pc.PAGE_SIZES[0]
    if sort not in pc.SORTS:
        raise RuleViolation.one("RASIM400E", "sort", 理由=f"sort is one of {', '.join(pc.SORTS)}")
    if per_page not in pc.PAGE_SIZES:
        raise RuleViolation.one("RASIM400E", "per_page", 理由=f"per_page is one of {', '.join(map(str, pc.PAGE_SIZES))}")
    words = query.get("keywords") or ""
    groups = synonym_groups(ctx.ed.name) if query.get("synonyms") else None
    found = pc.ordered(pc.search(list(catalogue(ctx.ed.name)), words, groups), sort)
    page = pc.paginate(found, int(query.get("page") or 1), per_page)
    favourites = _favourite_keys(ctx, account)
    return {"now": ctx.now.isoformat(timespec="minutes"), "now_text": pc.list_time(ctx.now),
            "keywords": pc.keywords(words), "synonyms": bool(groups), "searched": bool(pc.keywords(words)),
            "total": page.total, "page": page.page, "pages": page.pages, "per_page": page.per_page, "sort": sort,
            "procedures": [view(p, p.key in favourites) for p in page.items]}


def detail(ctx: Ctx, account: Account | None, key: str) -> dict[str, Any]:
    """[手続き説明]: 手続き名 with the favourite mark, 説明, 受付時期, 問い合わせ先, ダウンロードファイル (003 §6.2)."""
    proc = find(ctx, key)
    out = view(proc, key in _favourite_keys(ctx, account))
    out |= {"description": proc.description_ja,
            "contact": {"name": proc.contact_name, "phone": proc.contact_phone, "fax": proc.contact_fax,
                        "email": proc.contact_email},
            "downloads": [{"name": n, "url": u} for n, u in proc.downloads]}
    return out


def agree(ctx: Ctx, account: Account, key: str) -> dict[str, Any]:
    """[同意する]: the terms accepted for this procedure (audited), and where its input starts."""
    proc = find(ctx, key)
    code = REFUSED_KINDS.get(proc.kind)
    if code or not proc.start:
        raise RuleViolation.one(code or "RASIM481E", "procedure", status=catalog.http_status(code or "RASIM481E"),
                                手続き=proc.name_ja)
    ctx.audit("procedure.terms_accepted", account.auth_id, procedure=proc.key, kind=proc.kind)
    return {"procedure": proc.key, "kind": proc.kind, "files": proc.procedure or None, "start": proc.start}


# --- お気に入り (003 §9.2) -----------------------------------------------------------------------------------

def favourites(ctx: Ctx, account: Account) -> dict[str, Any]:
    """[お気に入り手続き一覧]: in the catalogue's order of 手続き一覧 (受付開始日時 降順; rasim)."""
    keys = _favourite_keys(ctx, account)
    chosen = pc.ordered([p for p in catalogue(ctx.ed.name) if p.key in keys], pc.SORTS[0])
    return {"procedures": [view(p, True) for p in chosen]}


def add_favourite(ctx: Ctx, account: Account, key: str) -> dict[str, Any]:
    proc = find(ctx, key)
    if key in _favourite_keys(ctx, account):
        raise RuleViolation.one("RASIM482E", "procedure", status=409)
    ctx.db.add(FavouriteProcedure(account_id=account.id, procedure_key=proc.key, created_at=ctx.now))
    ctx.audit("procedure.favourite_added", account.auth_id, procedure=proc.key)
    return view(proc, True)


def remove_favourite(ctx: Ctx, account: Account, key: str) -> dict[str, Any]:
    proc = find(ctx, key)
    row = ctx.db.scalars(select(FavouriteProcedure).where(FavouriteProcedure.account_id == account.id,
                                                          FavouriteProcedure.procedure_key == key)).first()
    if row is None:
        raise RuleViolation.one("RASIM483E", "procedure", status=404)
    ctx.db.delete(row)
    ctx.audit("procedure.favourite_removed", account.auth_id, procedure=proc.key)
    return view(proc, False)


# --- [利用者詳細] (003 §9.3) -----------------------------------------------------------------------------------

def user_detail(ctx: Ctx, account: Account) -> dict[str, Any]:
    org = ctx.db.get(Organisation, account.organisation_id) if account.organisation_id else None
    values = {"category": catalog.category(account.category).label_ja, "auth_id": account.auth_id,
              "name": account.name or "", "birth_date": account.birth_date.isoformat() if account.birth_date else "",
              "organisation_address": (org.address or "") if org else "", "phone": account.phone or "",
              "email": account.email or ""}
    return {"rows": [{"key": k, "label": catalog.labels(ctx.ed.name)["ja"][f"user_detail.{k}"], "value": values[k]}
                     for k in USER_DETAIL_ROWS]}
