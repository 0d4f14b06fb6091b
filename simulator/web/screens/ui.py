"""What every screen shows: the language, labels from catalog/labels.toml, field names from
fields.csv, and problems as the real screens print them (`WZBAM001E：…` plus a '！' mark)."""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from pathlib import Path
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from flask import Flask, current_app, render_template, request, session
from markupsafe import Markup, escape

from simulator import catalog
from simulator.domain.errors import Problem, RuleViolation

LANGS = ("ja", "en")
_URL = re.compile(r"https?://[^\s<>\"']+")


def lang() -> str:
    value = session.get("lang")
    return value if value in LANGS else "ja"


def remember_language() -> None:
    """`?lang=en` (or ja) on any screen switches the language for the rest of the visit."""
    wanted = request.args.get("lang")
    if wanted in LANGS:
        session["lang"] = wanted
    from simulator.web.screens import header   # an edition's other menu languages (003 §1.6)

    header.remember_menu_language(wanted)


def lang_url(code: str) -> str:
    """The current page in another language (the other query parameters, e.g. a link token, kept).
    A query-only reference: the path is never echoed, so `/\\evil.example/x` cannot become a link to
    another host."""
    args = {k: v for k, v in request.args.items() if k != "lang"}
    args["lang"] = code
    return f"?{urlencode(args)}"


def t(key: str, in_lang: str | None = None, **params: Any) -> str:
    """A label of labels.toml in the edition's wording; English falls back to Japanese when a label has
    no English text. Braces are filled from `params`, then from the edition ({id_label}, …)."""
    ed = edition()
    labels = catalog.labels(ed.name)
    chosen = in_lang or lang()
    text = labels[chosen].get(key)
    if text is None:
        text = labels["ja"].get(key)
    if text is None:
        raise KeyError(f"label {key!r} is missing in catalog/labels.toml")
    for name, value in {**ed.placeholders(chosen), **{k: str(v) for k, v in params.items()}}.items():
        text = text.replace("{" + name + "}", value)
    return text


def edition() -> catalog.Edition:
    return catalog.edition(current_app.config["RASIM_EDITION"])


def edition_form(key: str) -> Any:
    """The form declaration as this deployment's edition has it (its catalog/forms overlay, if any)."""
    return catalog.form(key, edition())


def edition_field(key: str) -> catalog.FieldSpec:
    """A field row as this deployment's edition has it (its catalog/forms/<overlay>/fields.csv, if any)."""
    return catalog.field(key, edition())


def field_label(key: str) -> str:
    spec = edition_field(key)
    chosen = lang()
    return catalog.fill(spec.label_en if chosen == "en" else spec.label_ja, edition(), chosen)


def id_label() -> str:
    ed = edition()
    return ed.id_label_en if lang() == "en" else ed.id_label_ja


def message_line(p: Problem, in_lang: str | None = None) -> str:
    ja, en = catalog.message(p.code).render(p.params)
    chosen = in_lang or lang()
    text = catalog.fill(en if chosen == "en" else ja, edition(), chosen)
    return t("common.error_line", chosen, code=p.code, message=text)


@dataclass
class FormErrors:
    """The red block at the top (one line per distinct message) and the fields that get a '！'."""

    lines: list[str] = field(default_factory=list)
    fields: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)   # as found, for pages that name the item (2026)

    def __bool__(self) -> bool:
        return bool(self.lines)

    @classmethod
    def of(cls, violation: RuleViolation, renamed: dict[str, str] | None = None) -> FormErrors:
        out = cls()
        for p in violation.problems:
            out.problems.append(Problem(p.code, (renamed or {}).get(p.field, p.field) if p.field else None, p.params))
            line = message_line(p)
            if line not in out.lines:
                out.lines.append(line)
            if p.field:
                out.fields.add((renamed or {}).get(p.field, p.field))
        return out


def ymdhm(value: str | dt.datetime | None) -> str:
    """Date-time as the screens print it: YYYY/MM/DD HH:MM."""
    if not value:
        return ""
    when = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return when.strftime("%Y/%m/%d %H:%M")


def ymd(value: str | dt.date | None) -> str:
    if not value:
        return ""
    day = dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value
    return day.strftime("%Y/%m/%d")


def linkify(text: str) -> Markup:
    """Escape a mail body and make its URLs clickable."""
    escaped = str(escape(text))
    return Markup(_URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped))


def page(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    """A page drawn from the edition's own template where it has one (templates/<edition.templates>/…,
    e.g. templates/2026/application_list.html), else the shared one: screens differ by templates."""
    overlay = edition().templates
    names = [f"{overlay}/{template}", template] if overlay else [template]
    return render_template(names, **context), status


def message_page(codes: list[str], status: int, title_key: str = "error.title", to_login: bool = False,
                 **params: str) -> tuple[str, int]:
    problems = [Problem(code, None, dict(params)) for code in codes]
    lines = [message_line(p, "ja") for p in problems]   # the system's own (Japanese) text, always
    if lang() == "en":
        lines += [message_line(p, "en") for p in problems]
    return page("message.html", status, title_key=title_key, lines=lines, to_login=to_login)


def _overlay_join(app: Flask) -> Any:
    """Jinja's join_path for `{% extends %}`, `{% include %}` and `{% import %}`: under an edition with a folder of
    templates, a name it has there (e.g. base.html → 2026/base.html) is loaded from it. The name differs, so the
    template cache never gives one edition's page to another (tests switch editions on one app)."""
    root = Path(app.root_path) / (app.template_folder or "templates")

    def join_path(template: str, parent: str) -> str:
        try:
            folder = edition().templates
        except RuntimeError:            # no app context (not while a page is drawn)
            return template
        overlay = f"{folder}/{template}"
        if folder and not template.startswith(folder + "/") and parent != overlay and _exists(root / overlay):
            return overlay             # (an overlay naming its own shared page gets the shared one)
        return template

    return join_path


@lru_cache(maxsize=512)
def _exists(path: Path) -> bool:
    return path.is_file()


def install(app: Flask) -> None:
    """Template helpers for every page (the error pages of other blueprints too)."""
    app.jinja_env.join_path = _overlay_join(app)  # type: ignore[method-assign]
    app.jinja_env.globals.update(t=t, field_label=field_label, id_label=id_label, lang=lang, lang_url=lang_url)
    from simulator.web.screens import field_errors, header   # edition 2026's item-named messages and header

    field_errors.install(app)
    header.install(app)
    app.jinja_env.filters.update(ymdhm=ymdhm, ymd=ymd, linkify=linkify)
