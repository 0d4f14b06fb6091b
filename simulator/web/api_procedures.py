"""JSON API of choosing a procedure (edition 2026, 003 §4.1, §6; the keyword search §8.1), the favourites
(§9.2) and the [利用者詳細] of My Page (§9.3), under /api/v1. Every operation calls the same service as the
screens (services.procedures)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, url_for
from werkzeug.routing import BuildError

from simulator.services import procedures
from simulator.web.api_applications import as_user
from simulator.web.operations import BadRequest, operation

bp = Blueprint("api_procedures", __name__, url_prefix="/api/v1")
P = "/api/v1"
KEY = "/procedures/<key>"
SEARCH_QUERY: dict[str, Any] = {
    "keywords": "string",
    "synonyms": {"type": "string", "enum": ["true", "false"]},
    "sort": {"type": "string", "enum": ["desc", "asc"]},
    "page": {"type": "integer", "minimum": 1},
    "per_page": {"type": "integer", "enum": [10, 20]},
}


# screens that read their first choice from the login session rather than the URL: the screen's [同意する] puts
# the procedure there (the bulk STEP1 of screens/bulk.py keeps its choice under this key)
SESSION_CHOICE = {"screens.bulk_step1": "bulk_step1"}


def start_url(endpoint: str, files: str | None) -> str | None:
    """The screen [同意する] leads to, where this deployment serves it (None: it does not); the procedure it files
    is preselected by `?procedure=` (or, for the screens of SESSION_CHOICE, by the login session)."""
    if endpoint not in current_app.view_functions:
        return None
    try:
        return url_for(endpoint, procedure=files) if files and endpoint not in SESSION_CHOICE else url_for(endpoint)
    except BuildError:   # pragma: no cover - an endpoint that needs other arguments
        return None


@operation(bp, P, "GET", "/procedures", "searchProcedures",
           "[オンライン申請手続き] (003 §4.1, §8.1): 手続き一覧, or キーワード検索 — keywords separated by spaces (ASCII or "
           "full-width) all found in the name or 説明 (AND), synonyms=true also finds their 類義語; sort desc (受付開始日時 "
           "降順, the default) or asc; per_page 10 or 20; the total is 「検索結果 N 件」", "procedures",
           query=SEARCH_QUERY, auth=True)
def search(query: dict, token: str) -> Any:
    for name in ("synonyms", "sort"):   # the enums of SEARCH_QUERY (the query reader checks types and lengths)
        if name in query and query[name] not in SEARCH_QUERY[name]["enum"]:
            raise BadRequest(f"{name} is one of {', '.join(SEARCH_QUERY[name]['enum'])}", field=name)
    q = dict(query, synonyms=query.get("synonyms") == "true")
    return as_user(token, procedures.search, q)


@operation(bp, P, "GET", KEY, "getProcedure",
           "[手続き説明] (003 §6.2): 手続き名, whether it is a favourite, 説明, 受付時期, 問い合わせ先, ダウンロードファイル",
           "procedures", auth=True)
def detail(key: str, token: str) -> Any:
    return as_user(token, procedures.detail, key)


@operation(bp, P, "POST", f"{KEY}/agreement", "agreeProcedureTerms",
           "[同意する] of [手続き説明]: the 利用規約 accepted for this procedure (audited); answers where its input starts "
           "(kind, the procedure it files, the screen). RASIM480E for the 電子届出システム's 利用申出 (003 §3.3.2 重要)",
           "procedures", auth=True)
def agree(key: str, token: str) -> Any:
    out = as_user(token, procedures.agree, key)
    out["url"] = start_url(out["start"], out["files"])
    return out


@operation(bp, P, "GET", "/favourite-procedures", "listFavouriteProcedures",
           "[お気に入り手続き一覧] (003 §9.2): the user's favourite procedures", "procedures", auth=True)
def list_favourites(token: str) -> Any:
    return as_user(token, procedures.favourites)


@operation(bp, P, "PUT", "/favourite-procedures/<key>", "addFavouriteProcedure",
           "[★ お気に入り登録] → [登録する] (003 §9.2); RASIM482E when it is a favourite already", "procedures",
           auth=True)
def add_favourite(key: str, token: str) -> Any:
    return as_user(token, procedures.add_favourite, key)


@operation(bp, P, "DELETE", "/favourite-procedures/<key>", "deleteFavouriteProcedure",
           "[お気に入りから削除] → [削除する] (003 §9.2); RASIM483E when it is not a favourite", "procedures",
           auth=True)
def delete_favourite(key: str, token: str) -> Any:
    return as_user(token, procedures.remove_favourite, key)


@operation(bp, P, "GET", "/me/detail", "getUserDetail",
           "[利用者詳細] of My Page (003 §9.3): its rows in order — 利用者区分, 利用者ID, 氏名 (英字), 生年月日, 機関所在地, "
           "電話番号, メールアドレス", "user", auth=True)
def user_detail(token: str) -> Any:
    return as_user(token, procedures.user_detail)
