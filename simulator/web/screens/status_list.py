"""[申込一覧], [申込詳細] and [申込内容印刷] of the current system (003 §7.1; edition 2026, whose
status_list_page_sizes say it has them): the search [キーワードで探す] as a GET form (the criteria stay in the
URL, so paging, sorting and 表示数変更 keep them), the rows of services.application_search, and 「修正する >」
(services.receipt_changes.resubmit) on a 返却中 application. Problems are shown under their field, without code
(003 §1.6); the API (GET /api/v1/submissions) gives the codes."""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask import redirect, request, session, url_for
from markupsafe import Markup

from simulator.domain.errors import RuleViolation
from simulator.services import application_search, receipt_changes
from simulator.web.screens import guard
from simulator.web.screens.base import bp
from simulator.web.screens.field_errors import messages_by_item as field_messages
from simulator.web.screens.ui import edition, message_page, page, t

CRITERIA = ("related", "procedure_name", "applied_from", "applied_to")
NOTICE = "status_list_notice"


@bp.app_template_filter("applied_hour")
def applied_hour(value: str | None) -> str:
    """申込日時 as the list prints it: 「2025年6月6日20時」 (003 §7.1)."""
    if not value:
        return ""
    when = dt.datetime.fromisoformat(value)
    return f"{when.year}年{when.month}月{when.day}日{when.hour}時"


def as_of(value: str) -> str:
    """「2025年10月21日 20時34分」 (003 §7.1), before 「現在」."""
    return dt.datetime.fromisoformat(value).strftime("%Y年%m月%d日 %H時%M分")


def _offered() -> None:
    if not edition().status_list_page_sizes:
        raise RuleViolation.one("RASIM487E", status=404)


@bp.get("/applications/status")
def status_list() -> Any:
    """[申込一覧]: every 申込 without criteria (rasim: an empty search lists all), 10 a page by default."""
    try:
        _offered()
    except RuleViolation as refused:
        return message_page(["RASIM487E"], refused.status)
    shown = {k: str(request.args.get(k, ""))[:200] for k in CRITERIA}
    query = {**shown, **{k: request.args.get(k, "") for k in ("sort", "per_page", "page")}}
    errors: dict[str, list[str]] = {}
    status = 200
    try:
        found = guard.as_user(application_search.search, query)
    except RuleViolation as refused:
        errors, status = field_messages(refused), refused.status
        found = guard.as_user(application_search.search, {})
    sizes = edition().status_list_page_sizes
    pages = found["pages"]
    start = max(1, min(found["page"] - 2, pages - 4))
    keep = {k: v for k, v in shown.items() if v} | {"sort": found["sort"], "per_page": found["per_page"]}
    return page("status_list.html", status, found=found, shown=shown, errors=errors, sizes=sizes,
                sorts=application_search.SORTS, keep=keep, pager=list(range(start, min(pages, start + 4) + 1)),
                as_of=as_of(found["as_of"]), notice=session.pop(NOTICE, None))


def _detail(application_id: int) -> dict[str, Any]:
    return guard.as_user(application_search.detail, application_id)


@bp.get("/applications/<int(max=2147483647):application_id>/detail")
def status_detail(application_id: int) -> Any:
    """[申込詳細]: another user's application is as unknown as a missing one (404)."""
    try:
        shown = _detail(application_id)
    except RuleViolation as refused:
        return message_page(list(dict.fromkeys(p.code for p in refused.problems)), refused.status)
    return page("status_detail.html", row=shown, errors={})


@bp.get("/procedure-requests/<int(max=2147483647):request_id>/detail")
def procedure_request_detail(request_id: int) -> Any:
    """[申込詳細] of a 利用申出 / 定期報告 (003 §7.2): 「修正する >」 while 返却中 opens its [申込] again."""
    return _other_detail(application_search.procedure_request_detail, request_id)


@bp.get("/receipt-method-changes/<int(max=2147483647):change_id>/detail")
def receipt_change_detail(change_id: int) -> Any:
    """[申込詳細] of a 受領方法変更申出 (003 §7.3)."""
    return _other_detail(application_search.receipt_change_detail, change_id)


def _other_detail(use_case: Any, record_id: int) -> Any:
    try:
        _offered()
        shown = guard.as_user(use_case, record_id)
    except RuleViolation as refused:
        return message_page(list(dict.fromkeys(p.code for p in refused.problems)), refused.status)
    return page("status_detail.html", row=shown, errors={})


DETAILS = {"application": ("screens.status_detail", "application_id"),
           "procedure_request": ("screens.procedure_request_detail", "request_id"),
           "receipt_change": ("screens.receipt_change_detail", "change_id")}


@bp.app_template_global("detail_url")
def detail_url(row: dict[str, Any]) -> str:
    """[詳細 >] of a row of [申込一覧]: the [申込詳細] of its kind (services/submission_sources.py)."""
    endpoint, name = DETAILS[row.get("kind", "application")]
    return url_for(endpoint, **{name: row["id"]})


@bp.get("/applications/<int(max=2147483647):application_id>/print")
def status_print(application_id: int) -> Any:
    """[申込内容印刷]: the same content, a page made for printing (no header, menus or buttons)."""
    try:
        shown = _detail(application_id)
    except RuleViolation as refused:
        return message_page(list(dict.fromkeys(p.code for p in refused.problems)), refused.status)
    return page("status_print.html", row=shown)


@bp.post("/applications/<int(max=2147483647):application_id>/correction")
def status_correct(application_id: int) -> Any:
    """「修正する >」: 返却中 → applied again (RASIM472E until what was asked for is attached: shown on the page)."""
    try:
        guard.as_user(receipt_changes.resubmit, application_id)
    except RuleViolation as refused:
        if any(p.code == "RASIM404E" for p in refused.problems):
            return message_page(["RASIM404E"], 404)
        shown = _detail(application_id)
        return page("status_detail.html", refused.status, row=shown,
                    errors=field_messages(refused))
    session[NOTICE] = t("status_detail.corrected")
    return redirect(url_for("screens.status_list"))


def page_link(keep: dict[str, Any], **over: Any) -> str:
    return url_for("screens.status_list", **{**keep, **over})


@bp.app_template_global("status_page_link")
def _page_link(keep: dict[str, Any], **over: Any) -> Markup:
    return Markup.escape(page_link(keep, **over))
