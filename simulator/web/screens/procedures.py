"""Choosing a procedure (003 §4.1, §6): [オンライン申請手続き] with [キーワードで探す] (§8.1) and [手続き一覧] (sort,
page size, pages) → [手続き説明] (its rows, the 利用規約, the favourite mark) → [同意する] → the procedure's input
screen, named by its catalogue row (catalog/online_procedures.csv `start`); and My Page (§9): [マイページ],
[お気に入り手続き一覧] (§9.2) and [利用者詳細] (§9.3). Served where the edition has a procedure catalogue
(editions.toml `procedure_catalogue`); every page calls services.procedures, as the API does."""
from __future__ import annotations

from typing import Any

from flask import abort, current_app, redirect, request, session, url_for

from simulator.domain import procedure_catalogue as pc
from simulator.domain.errors import RuleViolation
from simulator.services import procedures
from simulator.web.api_procedures import SESSION_CHOICE, start_url
from simulator.web.runtime import run
from simulator.web.screens import guard
from simulator.web.screens.base import bp
from simulator.web.screens.ui import edition, message_page, page


@bp.app_context_processor
def _catalogue_flag() -> dict[str, Any]:
    """base.html shows 手続き検索 and マイページ in the header where the edition has the catalogue."""
    try:
        return {"procedure_catalogue": edition().procedure_catalogue}
    except Exception:  # noqa: BLE001 - outside a configured app (never in a request of ours)
        return {"procedure_catalogue": False}


def _served() -> None:
    if not edition().procedure_catalogue:
        abort(404)


def _as_visitor(use_case: Any, *args: Any) -> Any:
    """The list and [手続き説明] are open before login too (003 §1.5: the logged-out header has 手続き検索); a
    logged-in user sees the favourite marks. [同意する] and the favourites need the login."""
    if guard.logged_in():
        return guard.as_user(use_case, *args)
    return run(lambda ctx: use_case(ctx, None, *args))


def _int_arg(name: str, default: int) -> int:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and len(value) < 7 else default


@bp.get("/procedures")
def procedure_list() -> Any:
    """[オンライン申請手続き]: [キーワードで探す] and [手続き一覧] (GET: the search is a link one can keep)."""
    _served()
    query = {"keywords": request.args.get("keywords", "")[:200], "synonyms": request.args.get("synonyms") == "1",
             "sort": request.args.get("sort") if request.args.get("sort") in pc.SORTS else pc.SORTS[0],
             "per_page": _int_arg("per_page", pc.PAGE_SIZES[0]), "page": _int_arg("page", 1)}
    if query["per_page"] not in pc.PAGE_SIZES:
        query["per_page"] = pc.PAGE_SIZES[0]
    found = _as_visitor(procedures.search, query)
    return page("procedures.html", found=found, query=query, sizes=pc.PAGE_SIZES, sorts=pc.SORTS)


def _detail_page(key: str, panel: str = "") -> Any:
    try:
        proc = _as_visitor(procedures.detail, key)
    except RuleViolation as refused:
        return message_page([p.code for p in refused.problems], refused.status)
    return page("procedure_detail.html", proc=proc, panel=panel)


@bp.get("/procedures/<key>")
def procedure_detail(key: str) -> Any:
    """[手続き説明]; ?panel=favourite shows the お気に入り登録 panel (003 §9.2 step 2)."""
    _served()
    return _detail_page(key, "favourite" if request.args.get("panel") == "favourite" else "")


@bp.post("/procedures/<key>/agreement")
def procedure_agree(key: str) -> Any:
    """[同意する]: the terms accepted (audited) → the procedure's input screen, the procedure chosen."""
    _served()
    try:
        out = guard.as_user(procedures.agree, key)
    except RuleViolation as refused:
        return message_page([p.code for p in refused.problems], refused.status, **refused.problems[0].params)
    if out["start"] in SESSION_CHOICE and out["files"]:
        session[SESSION_CHOICE[out["start"]]] = {"procedure": out["files"]}
    target = start_url(out["start"], out["files"])
    if target is None:
        detail = guard.as_user(procedures.detail, key)
        return message_page(["RASIM481E"], 404, 手続き=detail["name"])
    return redirect(target)


def _back(key: str) -> str:
    if request.values.get("back") == "favourites":
        return url_for("screens.mypage_favourites")
    return url_for("screens.procedure_detail", key=key)


@bp.post("/procedures/<key>/favourite")
def procedure_favourite_add(key: str) -> Any:
    """[登録する] of the お気に入り登録 panel → [★ お気に入り登録済]."""
    _served()
    try:
        guard.as_user(procedures.add_favourite, key)
    except RuleViolation as refused:
        return message_page([p.code for p in refused.problems], refused.status)
    return redirect(url_for("screens.procedure_detail", key=key))


@bp.route("/procedures/<key>/favourite/delete", methods=["GET", "POST"])
def procedure_favourite_delete(key: str) -> Any:
    """The confirmation screen of [お気に入り登録済] / [お気に入りから削除] → [削除する] (003 §9.2)."""
    _served()
    try:
        if request.method == "POST":
            guard.as_user(procedures.remove_favourite, key)
            return redirect(_back(key))
        proc = guard.as_user(procedures.detail, key)
    except RuleViolation as refused:
        return message_page([p.code for p in refused.problems], refused.status)
    if not proc["favourite"]:
        return message_page(["RASIM483E"], 404)
    return page("procedure_favourite_delete.html", proc=proc, back=request.args.get("back", ""),
                back_url=_back(key))


# --- マイページ (003 §9) ----------------------------------------------------------------------------------------

# 申請内容の確認 opens [申込一覧] (003 §9.1 → §7.1): the current system's list where it is served, else S16's
APPLICATION_LISTS = ("screens.status_list", "screens.application_list")


@bp.get("/mypage")
def mypage() -> Any:
    _served()
    guard.as_user(procedures.favourites)   # logged in (the hub shows no data of its own)
    listing = next(e for e in APPLICATION_LISTS if e in current_app.view_functions)
    return page("mypage.html", applications_url=url_for(listing))


@bp.get("/mypage/favourites")
def mypage_favourites() -> Any:
    _served()
    return page("mypage_favourites.html", favourites=guard.as_user(procedures.favourites)["procedures"])


@bp.get("/mypage/user")
def mypage_user() -> Any:
    _served()
    return page("user_detail.html", detail=guard.as_user(procedures.user_detail))
