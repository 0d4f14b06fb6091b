"""Placeholders for the My Number Card routes of 外国人本人・その他 (foreign nationals, legal
representatives, relatives). The card flow replaces this module: keep the endpoint names
(screens.card_registration, screens.card_login) so the top page links stay valid."""
from __future__ import annotations

from typing import Any

from simulator.web.screens.base import bp
from simulator.web.screens.ui import page


@bp.get("/registration/card")
def card_registration() -> Any:
    return page("card_placeholder.html", title_key="card.registration_title")


@bp.get("/login/card")
def card_login() -> Any:
    return page("card_placeholder.html", title_key="card.login_title")
