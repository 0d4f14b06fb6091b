"""The header of edition 2026's pages (seed 003 §2.1, §1.6): the [Language] menu of the edition's languages
(catalog/lists/<language_menu>.csv; 8 in 2026), of which rasim has texts in Japanese and English only — another
choice shows the pages in Japanese, the menu showing the name chosen (rasim) — and on [申込] and the pages after
it only those two can be chosen; 配色変更 [標準] [青] [黄] [黒] as a cookie read into a CSS class; and links to
endpoints only where the app has them (`link_to`)."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, redirect, request, session, url_for

from simulator import catalog
from simulator.web.screens import ui
from simulator.web.screens.base import bp

COLOUR_COOKIE = "rasim_colour"
MENU_LANG = "menu_lang"


def menu_languages() -> tuple[catalog.ListItem, ...]:
    name = ui.edition().language_menu
    return catalog.choice_list(name) if name else ()


def remember_menu_language(wanted: str | None) -> None:
    """`?lang=<code>` of a language of the menu without texts: the pages stay Japanese, the menu shows it."""
    if wanted in ui.LANGS:
        session.pop(MENU_LANG, None)
    elif wanted and any(item.value == wanted for item in menu_languages()):
        session["lang"] = "ja"
        session[MENU_LANG] = wanted


def language_menu(apply_pages: bool = False) -> list[dict[str, Any]]:
    """The menu's entries; on [申込] and after (`apply_pages`) only the languages with texts can be chosen and
    the current one is the language the page is drawn in."""
    chosen = ui.lang() if apply_pages else (session.get(MENU_LANG) or ui.lang())
    return [{"value": item.value, "label": item.label_ja, "url": ui.lang_url(item.value),
             "current": item.value == chosen, "enabled": not apply_pages or item.value in ui.LANGS}
            for item in menu_languages()]


def colour_schemes() -> tuple[catalog.ListItem, ...]:
    return catalog.choice_list("colour_schemes")


def colour_scheme() -> str:
    wanted = request.cookies.get(COLOUR_COOKIE, "")
    schemes = [item.value for item in colour_schemes()]
    return wanted if wanted in schemes else schemes[0]


def link_to(endpoint: str, **values: Any) -> str | None:
    """The URL of `endpoint` when the app has it, else None (a header link to a page not built is not drawn)."""
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, **values)


def _local(target: str | None) -> str:
    """A path of this site to go back to (never another host: `//x`, `/\\x` and absolute URLs are refused)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return url_for("screens.top")
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else url_for("screens.top")


@bp.get("/colour/<scheme>")
def colour(scheme: str) -> Any:
    """配色変更 (003 §2.1 ⑨): the scheme kept in a cookie for a year (rasim), back to the page it was chosen on."""
    response = redirect(_local(request.args.get("next")))
    if any(item.value == scheme for item in colour_schemes()):
        response.set_cookie(COLOUR_COOKIE, scheme, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
                            secure=request.is_secure)
    return response


def install(app: Flask) -> None:
    app.jinja_env.globals.update(language_menu=language_menu, colour_schemes=colour_schemes,
                                 colour_scheme=colour_scheme, link_to=link_to)
