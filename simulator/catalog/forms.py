"""Loading the form declarations of catalog/forms/*.toml into domain.forms.Form (strictly: an unknown
key or a field without a catalogue row stops the load with the file and the key named)."""
from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

FOLDER = Path(__file__).resolve().parent / "forms"
FIELD_KEYS = {"key", "required", "required_when", "forbidden_when", "api", "csv", "item", "screen", "widget",
              "hint", "example", "note", "easy", "placeholder", "autocomplete", "repeat_max", "parts", "when_code",
              "missing_code"}


def form_names() -> list[str]:
    return sorted(p.stem for p in FOLDER.glob("*.toml"))


def overlays() -> list[str]:
    """The editions' overlay folders of catalog/forms/ (each named by an edition's `forms` setting)."""
    return sorted(p.name for p in FOLDER.iterdir() if p.is_dir() and p.name != "sections")


@lru_cache(maxsize=None)
def form(key: str, folder: Path | None = None, overlay: str = "") -> Any:
    """The form `key` (catalog/forms/<key>.toml, or a file of another folder, e.g. for a test). An
    overlay (catalog/forms/<overlay>/) replaces the file where it has one of the same name and the field
    rows its fields.csv declares; a form of an overlay must be a form every edition has."""
    path = (folder or FOLDER) / f"{key}.toml"
    if not path.exists():
        raise KeyError(f"no form {key!r} ({path})")
    if overlay and (FOLDER / overlay / f"{key}.toml").exists():
        path = FOLDER / overlay / f"{key}.toml"
    with open(path, "rb") as f:
        data = tomllib.load(f)
    try:
        return _form(data, key, overlay)
    except (KeyError, ValueError, TypeError) as exc:
        raise ValueError(f"{path.relative_to(FOLDER.parent) if path.is_relative_to(FOLDER.parent) else path.name}: "
                         f"{exc}") from None


def _form(data: dict[str, Any], key: str, overlay: str = "") -> Any:
    from simulator.domain.forms import Form, Section, Step

    if data.get("key") != key:
        raise ValueError(f"key = {data.get('key')!r} differs from the file name")
    rules = list(data.get("rules", []))

    def section(sec: dict[str, Any]) -> Any:
        if "include" in sec:   # a section several forms share: forms/sections/<name>.toml, with its rules
            sec = _shared_section(sec["include"])
            rules.extend(sec.get("rules", []))
        return Section(sec["key"], sec.get("title"), sec.get("intro"),
                       tuple(_field(f, overlay) for f in sec.get("fields", [])))

    steps = tuple(Step(s["key"], s.get("title"), tuple(section(sec) for sec in s.get("sections", [])))
                  for s in data.get("steps", []))
    extra = {k: v for k, v in data.items() if k not in ("key", "source", "title", "steps")}
    if rules:
        extra["rules"] = rules
    return Form(key, data.get("source", ""), data.get("title"), steps, extra)


@lru_cache(maxsize=None)
def _shared_section(name: str) -> dict[str, Any]:
    path = FOLDER / "sections" / f"{name}.toml"
    if not path.exists():
        raise KeyError(f"no shared section {name!r} ({path})")
    with open(path, "rb") as f:
        return tomllib.load(f)


def _field(data: dict[str, Any], overlay: str = "") -> Any:
    from simulator import catalog
    from simulator.domain.forms import Condition, FormField

    unknown = set(data) - FIELD_KEYS
    if unknown:
        raise ValueError(f"field {data.get('key')!r}: unknown {sorted(unknown)}")
    try:
        spec = catalog._fields(overlay)[data["key"]]
    except KeyError:
        raise ValueError(f"field {data['key']!r} has no row in catalog/fields.csv") from None
    values = {k: v for k, v in data.items() if k not in ("key", "required_when", "forbidden_when", "parts")}
    return FormField(key=data["key"], spec=spec, required_when=Condition.parse(data.get("required_when")),
                     forbidden_when=Condition.parse(data.get("forbidden_when")),
                     parts=tuple(_field(p, overlay) for p in data.get("parts", [])), **values)
