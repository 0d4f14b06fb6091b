"""The screens (Jinja, ja/en): the pages of the 2023 manual for lawyers and scriveners (S01–S34),
registration, the mail-link pages, and the test-support mailbox and bureau console."""
from __future__ import annotations

from typing import Any

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from simulator.web.screens import (applications, applications_list, bulk, bulk_read, bulk_templates, card, coe_receipt,  # noqa: F401
                                   forms, guard,
                                   public, support, support_applications, ui, user)  # (routes)
from simulator.web.screens import receipt_change, status_list  # noqa: F401,E402  (routes: 003 §7.1, §7.3)
from simulator.web.screens import procedure_requests, support_procedure_requests  # noqa: F401,E402  (routes: 003 §3.3, §6)
from simulator.web.screens import procedures  # noqa: F401,E402 - 003 §4.1, §8.1, §9 (routes)
from simulator.web.screens import input_reuse  # noqa: F401,E402  (routes: 003 §8.2, §8.3)
from simulator.web.screens import access_2026  # noqa: F401,E402  (routes: 003 §2.3, §2.4, §3.2)
from simulator.web.screens import input_files  # noqa: F401,E402  (routes: 003 §4.2.2, §4.2.3)
from simulator.web.screens import procedure_request_saves  # noqa: F401,E402  (routes: 003 §8.2 on 利用申出 / 定期報告)
from simulator.web.screens import receipt_change_saves  # noqa: F401,E402  (routes: 003 §8.2 on 受領方法変更申出)
from simulator.web.screens.base import bp


def init_app(app: Flask) -> None:
    ui.install(app)
    forms.install(app)
    app.jinja_env.globals.update(csrf_field=guard.csrf_field, csrf_token=guard.csrf_token,
                                 screen_fields=guard.screen_fields,
                                 logged_in=guard.logged_in, session_warning=guard.session_warning)
    app.register_blueprint(bp)
    app.register_blueprint(support.bp)


SCREEN_CODES = {400: "RASIM400E", 404: "RASIM404E", 405: "RASIM405E", 413: "RASIM413E"}


def render_http_error(exc: BaseException) -> Any:
    """A friendly page in place of any HTTP error or unexpected exception: never a traceback."""
    status = exc.code if isinstance(exc, HTTPException) and exc.code else 500
    code = SCREEN_CODES.get(status, "WZBAM098E")
    if status == 413 and request.endpoint == applications_list.DOCUMENTS_ENDPOINT:
        code = "RASIM452E"   # a PDF over the limit: 「サーバーメンテナンス中です」 (FAQ Q4-3)
    params = {"理由": exc.description or ""} if status == 400 and isinstance(exc, HTTPException) else {}
    try:
        body, _ = ui.message_page([code], status, **params)
        return guard.no_store(Response(body, status, mimetype="text/html"))
    except Exception:  # noqa: BLE001 - the last line of defence must not fail itself
        from simulator import catalog

        text = f"{code}：{catalog.message(code).ja}"
        return Response(text, status, mimetype="text/plain; charset=utf-8")
