"""Field checks driven by catalog/fields.csv. One function per kind of field; the codes are the
system's (WZBAM001E required, 003E too long, 004E wrong fixed length, 005E bad pattern, 008E not
full-width, 011E 外字, 019E consecutive spaces, 020E control characters, 021E e-mail, 111E date)."""
from __future__ import annotations

from typing import Any

from simulator import catalog
from simulator.domain.errors import Problems
from simulator.domain.validators import Invalid, is_fullwidth, validate

__all__ = ["check", "check_one", "is_fullwidth"]


def check(values: dict[str, Any], required: list[str], optional: list[str], problems: Problems) -> dict[str, Any]:
    """Check every named field; returns the cleaned values (strings stripped, dates parsed)."""
    cleaned: dict[str, Any] = {}
    for key in required + optional:
        raw = values.get(key)
        if catalog.field(key).kind == "accept":
            if key in required and check_one(key, raw, problems):
                cleaned[key] = True
            continue
        if raw is None or (isinstance(raw, str) and raw.strip() == ""):
            if key in required:
                problems.add("WZBAM001E", key)
            continue
        value = check_one(key, raw, problems)
        if value is not None:
            cleaned[key] = value
    return cleaned


def check_one(key: str, raw: Any, problems: Problems) -> Any:
    """One field by its kind (domain/validators.py); a refusal is added to `problems`, None returned."""
    try:
        return validate(catalog.field(key), raw)
    except Invalid as invalid:
        problems.add(invalid.code, key, **invalid.params)
        return None
