"""A form declaration on the screens: what a widget sends (three pull-downs for a date, a checkbox
for the terms) turned into the values the service checks, and the values the page shows back.

The application input screens (screens/applications.py) read their forms with `read_fields`: every
field under its own name (`<key>`, a date as `<key>__y/__m/__d`, a repeat group's entries as
`<group>__<i>__<part>` with the count in `<group>__n`), the pull-downs, radios, checkboxes and the
municipality chosen through 「検索」 (`<key>` holds the code, `<key>__pref` / `<key>__q` the search)."""
from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from simulator import catalog
from simulator.catalog import places
from simulator.domain.forms import is_empty
from simulator.web.screens.ui import edition_form, field_label, lang, t

WIDGET_OF_KIND = {"date": "date_selects", "accept": "terms", "password": "password", "password_confirm": "password",
                  "email": "email", "digits": "tel", "phone": "tel", "status_of_residence": "select", "bureau": "select",
                  "municipality": "place_search", "accept_consent": "consent", "accept_representative": "check",
                  "accept_copy": "check", "year_month": "year_month"}
RADIO_MAX = 3            # a list: field of at most this many options shows radios, a longer one a pull-down
DATE_PARTS = {"date": ("y", "m", "d"), "year_month": ("y", "m")}
TICKS = ("check", "consent", "terms")


def widget_of(f: Any) -> str:
    """The default widget of a field: by its kind, radios for a choice (or a short list), else a text box."""
    if f.repeat_max:
        return "repeat"
    if f.kind.startswith("choice:"):
        return "radios"
    if f.kind.startswith("list:"):
        return "radios" if len(f.spec.choices) <= RADIO_MAX else "select"
    return WIDGET_OF_KIND.get(f.kind, "text")


@cache
def _procedures() -> dict[str, dict[str, str]]:
    return {r["key"]: r for r in catalog.table("procedures.csv")}


def procedure_label(key: str | None) -> str:
    row = _procedures().get(key or "")
    if row is None:
        return key or ""
    return row["label_en"] if lang() == "en" else row["label_ja"]


def choice_label(field_key: str, value: str) -> str:
    """The screen's word for a choice (labels.toml [choice] `<field>_<value>`, the application screens'
    [app_choice], a procedure's name), else the value."""
    for key in (f"choice.{field_key}_{value}", f"app_choice.{field_key}_{value}"):
        try:
            return t(key)
        except KeyError:
            continue
    return procedure_label(value) if value in _procedures() else value


def _both(ja: str, en: str) -> str:
    """A list option as the system prints it: 「アフガニスタン Afghanistan」."""
    return f"{ja} {en}" if en and en != ja else ja


def _offered_in_step1(status: str) -> bool:
    from simulator.domain import eligibility

    return any(eligibility.status_problem(p, status) is None for p, r in _procedures().items() if r["standalone"] == "true")


def options_of(f: Any) -> list[tuple[str, str]]:
    """(value, label) of a pull-down or radio field: a choice, a list of catalog/lists/, a status of
    residence (STEP1 offers only those that may be filed online), a bureau."""
    kind = f.kind
    if kind.startswith("choice:"):
        return [(c, choice_label(f.key, c)) for c in f.spec.choices]
    if kind.startswith("list:"):
        return [(i.value, _both(i.label_ja, i.label_en)) for i in catalog.choice_list(kind.split(":", 1)[1])]
    if kind == "status_of_residence":
        rows = [r for r in catalog.table("statuses_of_residence.csv")
                if f.key != "status_of_residence" or _offered_in_step1(r["key"])]
        return [(r["key"], _both(r["label_ja"], r["label_en"])) for r in rows]
    if kind == "bureau":
        return [(r["key"], r["name_en"] if lang() == "en" else r["name_ja"]) for r in catalog.table("bureaus.csv")]
    return []


def field_text(f: Any) -> str:
    """A field's name as STEP3 prints it: its item number, then its label."""
    return f"{f.item} {field_label(f.key)}" if f.item else field_label(f.key)


def place_name(code: str | None) -> str:
    found = places.municipality(code) if code else None
    return found.full_name if found else ""


def value_text(f: Any, value: Any) -> str:
    """A saved value as STEP3 shows it, read-only (a choice by its label, a date as YYYY/MM/DD)."""
    if is_empty(value) or value is False:
        return ""
    widget = f.widget or widget_of(f)
    if value is True:
        return t("application.agreed") if widget == "consent" else t("application.checked")
    if widget == "place_search":
        return place_name(str(value)) or str(value)
    if widget in DATE_PARTS or f.kind in ("date", "year_month"):
        return str(value).replace("-", "/")
    labels = dict(options_of(f))
    return labels.get(str(value), str(value))


def app_years() -> range:
    """The years of a date on the application screens: birth dates back 100 years, expiry dates 10 ahead."""
    this_year = dt.date.today().year
    return range(this_year - 100, this_year + 11)


def _joined(posted: Any, name: str, parts: tuple[str, ...]) -> str:
    """Pull-downs to YYYY-MM-DD (or YYYY-MM); a partial date stays malformed for the validator."""
    raw = [str(posted.get(f"{name}__{p}", "")).strip() for p in parts]
    if not any(raw):
        return ""
    if all(r.isascii() and r.isdigit() for r in raw):
        return "-".join(f"{int(r):0{4 if i == 0 else 2}d}" for i, r in enumerate(raw))
    return "-".join(raw)


def entry_count(posted: Any, name: str, most: int) -> int:
    raw = str(posted.get(f"{name}__n", "1"))
    n = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 3 else 1
    return max(1, min(n, most))


def read_fields(fields: Any, posted: Any, prefix: str = "") -> tuple[dict[str, str], dict[str, Any], dict[str, str]]:
    """(what the page shows back, the values for the service, the problem fields renamed for the page) of
    posted application-screen fields. A repeat group's empty entries are left out of the values; the
    renaming maps the service's `group[i].part` back to the entry on the page."""
    shown: dict[str, str] = {}
    body: dict[str, Any] = {}
    renamed: dict[str, str] = {}
    for f in fields:
        if not f.screen:
            continue
        name = prefix + f.key
        widget = f.widget or widget_of(f)
        if f.repeat_max:
            n = entry_count(posted, name, f.repeat_max)
            shown[f"{name}__n"] = str(n)
            items: list[dict[str, Any]] = []
            for i in range(n):
                part_shown, part_body, _ = read_fields(f.parts, posted, f"{name}__{i}__")
                shown.update(part_shown)
                if any(not is_empty(v) and v is not False for v in part_body.values()):
                    for p in f.parts:
                        renamed[f"{f.key}[{len(items)}].{p.key}"] = f"{f.key}[{i}].{p.key}"
                    items.append(part_body)
            body[f.key] = items
        elif widget in DATE_PARTS:
            for p in DATE_PARTS[widget]:
                shown[f"{name}__{p}"] = str(posted.get(f"{name}__{p}", ""))
            body[f.key] = _joined(posted, name, DATE_PARTS[widget])
        elif widget in TICKS:
            on = posted.get(name) == "on"
            shown[name], body[f.key] = ("on" if on else ""), on
        elif widget == "place_search":
            for suffix in ("", "__pref", "__q"):
                shown[name + suffix] = str(posted.get(name + suffix, "")).strip()
            body[f.key] = shown[name]
        else:
            shown[name] = body[f.key] = str(posted.get(name, ""))
    return shown, body, renamed


def shown_of(fields: Any, values: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """What a page shows of values saved before (the reverse of read_fields)."""
    shown: dict[str, str] = {}
    for f in fields:
        if not f.screen:
            continue
        name, value = prefix + f.key, values.get(f.key)
        widget = f.widget or widget_of(f)
        if f.repeat_max:
            items = [i for i in value if isinstance(i, dict)] if isinstance(value, list) else []
            shown[f"{name}__n"] = str(max(1, len(items)))
            for i, item in enumerate(items):
                shown.update(shown_of(f.parts, item, f"{name}__{i}__"))
        elif widget in DATE_PARTS:
            pieces = (str(value or "").split("-") + ["", "", ""])[:len(DATE_PARTS[widget])]
            for p, piece in zip(DATE_PARTS[widget], pieces, strict=True):
                shown[f"{name}__{p}"] = str(int(piece)) if piece.isascii() and piece.isdigit() else piece
        elif widget in TICKS:
            shown[name] = "on" if value is True or value == "on" else ""
        elif widget == "place_search":
            shown[name] = str(value or "")
            shown[f"{name}__pref"] = shown[name][:2]
        else:
            shown[name] = "" if value is None else str(value)
    return shown


def add_entry(shown: dict[str, str], name: str, most: int) -> None:
    """「追加」: one more entry of a repeat group (up to its maximum)."""
    n = int(shown.get(f"{name}__n", "1"))
    shown[f"{name}__n"] = str(min(n + 1, most))


def remove_entry(shown: dict[str, str], name: str, index: int) -> None:
    """「削除」 of an added entry (never the first): the later entries move up."""
    n = int(shown.get(f"{name}__n", "1"))
    if not 1 <= index < n:
        return
    entries = [{k[len(f"{name}__{i}__"):]: v for k, v in shown.items() if k.startswith(f"{name}__{i}__")}
               for i in range(n)]
    for k in [k for k in shown if k.startswith(f"{name}__") and k != f"{name}__n"]:
        del shown[k]
    del entries[index]
    for i, entry in enumerate(entries):
        shown.update({f"{name}__{i}__{k}": v for k, v in entry.items()})
    shown[f"{name}__n"] = str(n - 1)


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
    for f in edition_form(form_key).screen_fields:
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
                                 form_of=catalog.form, options_of=options_of, place_name=place_name,
                                 prefectures=places.prefectures, app_years=app_years, value_text=value_text,
                                 procedure_label=procedure_label,
                                 category_needs_residence_card=lambda key: catalog.category(key).needs_residence_card)
