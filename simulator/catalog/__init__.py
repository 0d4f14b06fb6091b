"""The catalogue: messages, categories, editions, fields and mails, read from the data files
in this folder. Everything user-visible that comes from the seeds is looked up here by key."""
from __future__ import annotations

import csv
import dataclasses
import json
import os
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from simulator.catalog.editions import Edition  # noqa: E402,F401 - the typed edition, re-exported
from simulator.catalog.editions import make as make_edition  # noqa: E402

HERE = Path(__file__).resolve().parent
_PLACEHOLDER = re.compile(r"【[^】]+】")


def _rows(name: str) -> list[dict[str, str]]:
    with open(HERE / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def table(name: str) -> list[dict[str, str]]:
    """Rows of any CSV file of the catalogue, e.g. table('bureaus.csv')."""
    return _cached_table(name)


@lru_cache(maxsize=None)
def _cached_table(name: str) -> list[dict[str, str]]:
    return _rows(name)


@dataclass(frozen=True)
class Message:
    code: str
    ja: str
    en: str
    remedy_ja: str

    def render(self, params: dict[str, str] | None = None) -> tuple[str, str]:
        """Fill the 【…】 placeholders; the same keys serve the Japanese and English text."""
        ja, en = self.ja, self.en
        for key, value in (params or {}).items():
            ja = ja.replace(f"【{key}】", str(value))
            en = en.replace(f"【{key}】", str(value))
        return ja, en


@lru_cache(maxsize=None)
def _messages() -> dict[str, Message]:
    out: dict[str, Message] = {}
    for fname in ("messages.csv", "rasim-messages.csv"):
        for r in _rows(fname):
            out[r["code"]] = Message(r["code"], r["message_ja"], r["message_en"], r.get("remedy_ja", ""))
    return out


def message(code: str) -> Message:
    try:
        return _messages()[code]
    except KeyError:
        raise KeyError(f"unknown message code {code!r}") from None


def all_messages() -> list[Message]:
    return list(_messages().values())


@dataclass(frozen=True)
class Category:
    key: str
    number: int
    label_ja: str
    label_en: str
    group_ja: str
    route: str  # card | agent_certificate | usage_request
    registers_online: bool
    card_holder: bool
    organisation_kind: str
    can_change_address: bool
    needs_residence_card: bool = False   # 外国人本人 give their 在留カード (002 Step2; the 30/7-day mails)


@lru_cache(maxsize=None)
def _categories() -> dict[str, Category]:
    return {
        r["key"]: Category(
            r["key"], int(r["number"]), r["label_ja"], r["label_en"], r["group_ja"], r["route"],
            r["registers_online"] == "yes", r["card_holder"] == "yes", r["organisation_kind"],
            r["can_change_address"] == "yes", r.get("needs_residence_card") == "yes",
        )
        for r in _rows("categories.csv")
    }


def categories() -> list[Category]:
    return list(_categories().values())


def category(key: str) -> Category:
    return _categories()[key]


def online_registration(edition_name: str) -> list[dict[str, str]]:
    """The categories that register online by e-mail first in an edition (catalog/category_editions.csv:
    an edition's row replaces categories.csv's registers_online; 003 §3.2), as the 利用者区分 choices."""
    return [r for r in _cached_table("category_editions.csv")
            if r["edition"] == edition_name and r["registers_online"] == "yes" and r["registration"] == "email_first"]


def category_for_organisation(kind: str) -> Category:
    for c in categories():
        if c.organisation_kind == kind:
            return c
    raise KeyError(kind)


@lru_cache(maxsize=None)
def _editions() -> dict[str, Any]:
    with open(HERE / "editions.toml", "rb") as f:
        return tomllib.load(f)


@lru_cache(maxsize=None)
def edition(name: str | None = None) -> Edition:
    """The edition `name` (default: editions.toml's `default`).

    Test hook: the environment variable RASIM_EDITION_OVERRIDES, JSON such as
    `{"2024": {"lock_hours": 25}}`, replaces settings of the named editions after they are built
    (lists become tuples). `rasim conformance mutate` uses it to run the FAQ suite against mutants
    of the catalogue without touching the files; a deployment never sets it."""
    data = _editions()
    name = name or data["default"]
    if name not in data["edition"]:
        raise KeyError(f"unknown edition {name!r}; known: {', '.join(data['edition'])}")
    ed = make_edition(name, data["edition"][name])
    overrides = json.loads(os.environ.get("RASIM_EDITION_OVERRIDES") or "{}").get(name)
    if overrides:
        ed = dataclasses.replace(ed, **{k: tuple(v) if isinstance(v, list) else v for k, v in overrides.items()})
    return ed


def edition_names() -> list[str]:
    return list(_editions()["edition"])


@dataclass(frozen=True)
class FieldSpec:
    key: str
    label_ja: str
    label_en: str
    kind: str
    min_len: int | None
    max_len: int | None
    exact_len: int | None

    @property
    def choices(self) -> list[str]:
        if self.kind.startswith("choice:"):
            return self.kind.split(":", 1)[1].split("|")
        if self.kind.startswith("list:"):
            return [item.value for item in choice_list(self.kind.split(":", 1)[1])]
        return []


FIELD_FILES = HERE / "fields"   # more rows of the same table, one file per form family (catalog/fields/*.csv)


@lru_cache(maxsize=None)
def _fields(overlay: str = "") -> dict[str, FieldSpec]:
    """The field rows; with an edition's overlay (catalog/forms/<overlay>/fields.csv) its rows replace
    the shared rows of the same key, and a key the shared files do not declare stops the load."""
    def num(v: str) -> int | None:
        return int(v) if v else None

    def spec(r: dict[str, str]) -> FieldSpec:
        return FieldSpec(r["key"], r["label_ja"], r["label_en"], r["kind"], num(r["min_len"]), num(r["max_len"]),
                         num(r["exact_len"]))

    if overlay:
        out = dict(_fields())
        fname = f"forms/{overlay}/fields.csv"
        for r in _rows(fname) if (HERE / fname).exists() else []:
            if r["key"] not in out:
                raise ValueError(f"catalog/{fname}: field {r['key']!r} has no shared row to replace")
            out[r["key"]] = spec(r)
        return out
    out = {}
    files = ["fields.csv"] + [f"fields/{p.name}" for p in sorted(FIELD_FILES.glob("*.csv"))]
    for fname in files:
        for r in _rows(fname):
            if r["key"] in out:
                raise ValueError(f"catalog/{fname}: field {r['key']!r} is already declared")
            out[r["key"]] = spec(r)
    return out


@dataclass(frozen=True)
class ListItem:
    """One option of a pull-down (catalog/lists/<name>.csv): the value sent, and its labels."""

    value: str
    label_ja: str
    label_en: str


@lru_cache(maxsize=None)
def choice_list(name: str) -> tuple[ListItem, ...]:
    """The options of a pull-down, e.g. choice_list('nationalities'); a field of kind `list:<name>` takes one."""
    path = HERE / "lists" / f"{name}.csv"
    if not path.exists():
        raise KeyError(f"no list {name!r} (catalog/lists/{name}.csv)")
    return tuple(ListItem(r["value"], r["label_ja"], r.get("label_en", "")) for r in _rows(f"lists/{name}.csv"))


def list_label(name: str, value: str, lang: str = "ja") -> str:
    for item in choice_list(name):
        if item.value == value:
            return item.label_en if lang == "en" and item.label_en else item.label_ja
    return value


def field(key: str, ed: Edition | None = None) -> FieldSpec:
    """A field row of catalog/fields*.csv; with an edition, its overlay's row where it has one."""
    return _fields(ed.forms if ed else "")[key]


def form(key: str, ed: Edition | None = None) -> Any:
    """A form declaration of catalog/forms/ (a domain.forms.Form). With an edition whose `forms` names an
    overlay (catalog/forms/<name>/), the overlay's <key>.toml replaces the shared file and its fields.csv
    rows replace the shared field rows: what the edition's screens, API, bulk rows and saves check.
    Without one, the shared declaration (what every edition shares, e.g. the field keys)."""
    from simulator.catalog.forms import form as load

    return load(key, overlay=ed.forms if ed else "")


@lru_cache(maxsize=None)
def _mails() -> dict[str, Any]:
    with open(HERE / "mails.toml", "rb") as f:
        return tomllib.load(f)


@lru_cache(maxsize=None)
def receipt() -> dict[str, Any]:
    """catalog/receipt.toml: fees, documents and postal exclusions of receiving a card or certificate."""
    with open(HERE / "receipt.toml", "rb") as f:
        return tomllib.load(f)


def mail_template(kind: str) -> dict[str, str]:
    data = _mails()
    t = dict(data["kind"][kind])
    t["footer"] = data["footer"]
    return t


def mail_word(key: str, **values: str) -> str:
    """A word the services put into a mail placeholder, e.g. mail_word('password_changed')."""
    return _mails()["words"][key].format(**values)


def refusal(key: str, **values: str) -> dict[str, str]:
    """The 【原因】 and 【処理内容】 of a WZBAM173E refusal, from refusals.csv."""
    for row in table("refusals.csv"):
        if row["key"] == key:
            return {"原因": row["cause_ja"].format(**values), "処理内容": row["action_ja"].format(**values)}
    raise KeyError(f"unknown refusal {key!r}")


def mail_kinds() -> list[str]:
    return list(_mails()["kind"])


@lru_cache(maxsize=None)
def _label_file() -> dict[str, Any]:
    """labels.toml and the files of catalog/labels/ (one per screen family); a table may appear in one file only."""
    out: dict[str, Any] = {}
    for path in [HERE / "labels.toml"] + sorted((HERE / "labels").glob("*.toml")):
        if not path.exists():
            continue
        with open(path, "rb") as f:
            data = tomllib.load(f)
        for key, value in data.items():
            if key in out:
                raise ValueError(f"catalog/{path.name}: label table [{key}] is declared twice")
            out[key] = value
    return out


@lru_cache(maxsize=None)
def labels(edition_name: str | None = None) -> dict[str, dict[str, str]]:
    """Screen labels: labels()['ja']['login.title']. An entry may carry an edition's own wording,
    `{ ja = …, en = …, "2026" = { ja = …, en = … } }`, which wins for that edition. Braces such as
    {id_label} are filled from the edition by the screens (Edition.placeholders)."""
    out: dict[str, dict[str, str]] = {"ja": {}, "en": {}}
    for key, value in _label_file().items():
        if isinstance(value, dict):
            for k2, v2 in value.items():
                if isinstance(v2, dict):
                    chosen = {**v2, **v2.get(edition_name or "", {})} if edition_name else v2
                    for lang in ("ja", "en"):
                        if lang in chosen:
                            out[lang][f"{key}.{k2}"] = chosen[lang]
    return out


def fill(text: str, ed: Edition, lang: str = "ja") -> str:
    """Braces of the edition ({id_label}, {password_min}, …) filled with its values."""
    if "{" not in text:
        return text
    for name, value in ed.placeholders(lang).items():
        text = text.replace("{" + name + "}", value)
    return text


@lru_cache(maxsize=None)
def _http_statuses() -> dict[str, int]:
    return {r["code"]: int(r["status"]) for r in _rows("http-statuses.csv")}


def http_status(code: str) -> int:
    """The HTTP status a refusal with this code answers (catalog/http-statuses.csv; 400 by default)."""
    return _http_statuses().get(code, 400)


def placeholders(text: str) -> list[str]:
    return [p[1:-1] for p in _PLACEHOLDER.findall(text)]


def form_names() -> list[str]:
    from simulator.catalog.forms import form_names as names

    return names()
