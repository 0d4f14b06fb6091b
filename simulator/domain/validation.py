"""Field checks driven by catalog/fields.csv. One function per kind of field; the codes are the
system's (WZBAM001E required, 003E too long, 004E wrong fixed length, 005E bad pattern, 008E not
full-width, 011E 外字, 019E consecutive spaces, 020E control characters, 021E e-mail, 111E date)."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from simulator import catalog
from simulator.domain.errors import Problems

_EMAIL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_ASCII_PRINTABLE = re.compile(r"^[\x21-\x7e]+$")


def _label(key: str) -> str:
    return catalog.field(key).label_ja


def _has_control(text: str) -> bool:
    return any(unicodedata.category(ch) == "Cc" for ch in text)


def _gaiji(text: str) -> bool:
    """True when a character cannot be written in the system's character set (JIS X 0208 via cp932)."""
    try:
        text.encode("cp932")
        return False
    except UnicodeEncodeError:
        return True


def is_fullwidth(text: str) -> bool:
    return all(unicodedata.east_asian_width(ch) in ("F", "W") for ch in text)


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
    spec = catalog.field(key)
    kind = spec.kind
    label = spec.label_ja
    if kind == "accept":
        if raw is not True and raw not in ("on", "true", "1", "yes"):
            problems.add("WZBAM256E", key)
            return None
        return True
    if not isinstance(raw, str):
        problems.add("WZBAM005E", key, 入力項目名=label)
        return None
    text = raw.strip() if kind not in ("password", "password_confirm", "text") else raw
    if _has_control(text):
        problems.add("WZBAM020E", key, 入力項目名=label)
        return None
    if spec.exact_len and kind != "agent_certificate" and len(text) != spec.exact_len:
        problems.add("WZBAM004E", key, 入力項目名=label, 文字数=str(spec.exact_len))
        return None
    if spec.max_len and len(text) > spec.max_len:
        problems.add("WZBAM003E", key, 入力項目名=label, 文字数=str(spec.max_len))
        return None
    if kind == "email":
        if not _EMAIL.match(text):
            problems.add("WZBAM021E", key)
            return None
        return text
    if kind == "ascii":
        if not _ASCII_PRINTABLE.match(text) or (spec.min_len and len(text) < spec.min_len):
            problems.add("WZBAM005E", key, 入力項目名=label)
            return None
        return text
    if kind == "digits":
        if not text.isascii() or not text.isdigit():
            problems.add("WZBAM005E", key, 入力項目名=label)
            return None
        return text
    if kind == "fullwidth":
        if not is_fullwidth(text):
            problems.add("WZBAM008E", key, 入力項目名=label)
            return None
        if _gaiji(text):
            problems.add("WZBAM011E", key, 入力項目名=label)
            return None
        return text
    if kind == "text":
        stripped = text.strip()
        if "  " in stripped or "\u3000\u3000" in stripped:
            problems.add("WZBAM019E", key, 入力項目名=label)
            return None
        if _gaiji(stripped):
            problems.add("WZBAM011E", key, 入力項目名=label)
            return None
        return stripped if key not in ("current_password",) else text
    if kind == "date":
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                problems.add("WZBAM111E", key)
            else:
                problems.add("WZBAM005E", key, 入力項目名=label)
            return None
    if kind.startswith("choice:"):
        if text not in spec.choices:
            problems.add("WZBAM005E", key, 入力項目名=label)
            return None
        return text
    if kind == "category":
        keys = [c.key for c in catalog.categories()]
        if text not in keys:
            problems.add("WZBAM005E", key, 入力項目名=label)
            return None
        return text
    # password, password_confirm and agent_certificate are checked by their own rules
    return text
