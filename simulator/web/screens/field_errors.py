"""Problems as the pages of edition 2026 show them (seed 003 §1.6): the item's name turns yellow, a red ⚠ is
drawn and the message stands under the item's heading — 「<項目名>は入力必須項目です。」 for an item left empty,
else the catalogue's text — and no message code is printed (the API still answers the codes). Templates call
`item_messages(errors, name)` and `page_messages(errors)` on the FormErrors a screen made (ui.FormErrors keeps
its problems); templates/2026/_fields_2026.html draws them."""
from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from flask import Flask

from simulator import catalog
from simulator.domain.errors import Problem, RuleViolation
from simulator.web.screens import ui

_INDEX = re.compile(r"\[\d+\]")


@lru_cache(maxsize=1)
def missing_codes() -> frozenset[str]:
    """The codes that say "left empty": the form checks' own (domain.forms: WZBAM001E, a choice WZBAM002E)
    and every `missing_code` a form declaration gives a field."""
    from simulator.catalog.forms import form_names

    declared = {p.missing_code for key in form_names() for f in catalog.form(key).fields
                for p in (f, *f.parts) if p.missing_code}
    return frozenset({"WZBAM001E", "WZBAM002E", *declared})


def item_label(name: str) -> str:
    """The item a problem's field names: the last part of `group[1].part`, from fields.csv (else the name)."""
    key = _INDEX.sub("", name).rsplit(".", 1)[-1]
    try:
        return ui.field_label(key)
    except KeyError:
        return key


def problem_text(p: Problem, label: Callable[[str], str] = item_label) -> str:
    """One problem's words without its code: the 2026 pattern for an empty item, else the catalogue's text."""
    if p.field and p.code in missing_codes():
        return ui.t("apply2026.required_message", field=label(p.field))
    ja, en = catalog.message(p.code).render(p.params)
    return catalog.fill(en if ui.lang() == "en" else ja, ui.edition(), ui.lang())


def messages_by_item(refused: RuleViolation, label: Callable[[str], str] = item_label) -> dict[str, list[str]]:
    """{item: [messages]} of a refusal as a 2026 page prints them under the items ("" for the page's own):
    for the screens that draw their items themselves ([申込一覧]'s search, 受領方法変更申出, 利用申出, 定期報告)."""
    out: dict[str, list[str]] = {}
    for p in refused.problems:
        text = problem_text(p, label)
        if text not in out.setdefault(p.field or "", []):
            out[p.field or ""].append(text)
    return out


def _distinct(texts: list[str]) -> list[str]:
    return list(dict.fromkeys(texts))


def item_messages(errors: object, name: str) -> list[str]:
    """The messages under the heading of item `name` (a repeat group's part: `group[i].part`). `errors` is
    the FormErrors of a screen, or a plain mapping {name: [message, …]}."""
    if isinstance(errors, dict):
        return list(errors.get(name, []))
    return _distinct([problem_text(p) for p in getattr(errors, "problems", []) if p.field == name])


def page_messages(errors: object, shown: tuple[str, ...] = ()) -> list[str]:
    """The messages of problems that name no item, or an item not among `shown` (drawn at the top)."""
    if isinstance(errors, dict):
        return list(errors.get("", []))
    return _distinct([problem_text(p) for p in getattr(errors, "problems", [])
                      if not p.field or (shown and p.field not in shown)])


def install(app: Flask) -> None:
    app.jinja_env.globals.update(item_messages=item_messages, page_messages=page_messages)
