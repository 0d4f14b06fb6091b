"""A form declaration on the screens: what a widget sends (three pull-downs for a date, a checkbox
for the terms) turned into the values the service checks, and the values the page shows back."""
from __future__ import annotations

import datetime as dt
from typing import Any

from simulator import catalog
from simulator.web.screens.ui import t

WIDGET_OF_KIND = {"date": "date_selects", "accept": "terms", "password": "password", "password_confirm": "password",
                  "email": "email", "digits": "tel", "phone": "tel"}


def widget_of(f: Any) -> str:
    """The default widget of a field: by its kind, radios for a choice, else a text box."""
    if f.kind.startswith("choice:"):
        return "radios"
    return WIDGET_OF_KIND.get(f.kind, "text")


def choice_label(field_key: str, value: str) -> str:
    """The screen's word for a choice (labels.toml [choice] `<field>_<value>`), else the value."""
    try:
        return t(f"choice.{field_key}_{value}")
    except KeyError:
        return value


def date_years() -> range:
    this_year = dt.date.today().year
    return range(this_year - 100, this_year + 1)


def _date(form: Any, prefix: str) -> str:
    """Three pull-downs (年/月/日) to YYYY-MM-DD; a partial date stays malformed for the validator."""
    parts = [form.get(f"{prefix}_year", ""), form.get(f"{prefix}_month", ""), form.get(f"{prefix}_day", "")]
    if not any(parts):
        return ""
    if all(p.isdigit() for p in parts):
        return f"{int(parts[0]):04d}-{int(parts[1]):02d}-{int(parts[2]):02d}"
    return "-".join(parts)


def read(form_key: str, posted: Any | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """(what the page shows back, the body for the service) of a form's screen fields; empty when
    nothing was posted."""
    shown: dict[str, Any] = {}
    body: dict[str, Any] = {}
    for f in catalog.form(form_key).screen_fields:
        widget = f.widget or widget_of(f)
        if widget == "date_selects":
            prefix = f.key.split("_")[0]
            for part in ("year", "month", "day"):
                shown[f"{prefix}_{part}"] = posted.get(f"{prefix}_{part}", "") if posted else ""
            body[f.key] = _date(posted, prefix) if posted else ""
        elif widget == "terms":
            shown[f.key] = body[f.key] = bool(posted) and posted.get(f.key) == "on"
        else:
            shown[f.key] = posted.get(f.key, "") if posted else ""
            body[f.key] = shown[f.key] if (shown[f.key] or not f.kind.startswith("choice:")) else None
    return shown, body


def install(app: Any) -> None:
    app.jinja_env.globals.update(widget_of=widget_of, choice_label=choice_label, date_years=date_years,
                                 form_of=catalog.form,
                                 category_needs_residence_card=lambda key: catalog.category(key).needs_residence_card)
