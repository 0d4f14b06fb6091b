"""Validators by kind of field, in one registry. A validator takes the typed value and the field's
catalogue row and returns the cleaned value, or raises `Invalid` with the system's code (WZBAM005E
pattern, 003E too long, 004E wrong fixed length, 008E not full-width, 011E 外字, 019E consecutive
spaces, 020E control characters, 021E e-mail, 111E date, 251E residence card number, 256E terms).
`Invalid` carries the code and its placeholders; the caller names the field. Pure: no Flask, no SQL."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from simulator.catalog import FieldSpec

EMAIL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
ASCII_PRINTABLE = re.compile(r"^[\x21-\x7e]+$")
RESIDENCE_CARD = re.compile(r"^[A-Z]{2}\d{8}[A-Z]{2}$")       # 在留カード番号 AB12345678CD
ROMAN_NAME = re.compile(r"^[A-Z]+(?:[ ,][A-Z]+)*$")          # 氏名(英字): capitals, words by space or comma
POSTAL_CODE = re.compile(r"^\d{3}-?\d{4}$")                  # 郵便番号 123-4567 or 1234567
PHONE = re.compile(r"^\d{1,12}$")                             # 電話番号: digits only, no hyphens


class Invalid(Exception):
    def __init__(self, code: str, **params: str) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def has_control(text: str) -> bool:
    return any(unicodedata.category(ch) == "Cc" for ch in text)


def is_gaiji(text: str) -> bool:
    """True when a character lies outside JIS X 0208 levels 1 and 2 (the system's character set;
    cp932 is its superset on the PC, so NEC/IBM extensions count as 外字 as well)."""
    for ch in text:
        try:
            raw = ch.encode("cp932")
        except UnicodeEncodeError:
            return True
        if len(raw) == 2 and (0x87 == raw[0] or raw[0] >= 0xED):   # NEC row 13, NEC/IBM selected extensions
            return True
    return False


def is_fullwidth(text: str) -> bool:
    return all(unicodedata.east_asian_width(ch) in ("F", "W") for ch in text)


Validator = Callable[[str, FieldSpec], Any]
REGISTRY: dict[str, Validator] = {}


def kind(name: str) -> Callable[[Validator], Validator]:
    def register(fn: Validator) -> Validator:
        REGISTRY[name] = fn
        return fn
    return register


def _pattern(spec: FieldSpec) -> Invalid:
    return Invalid("WZBAM005E", 入力項目名=spec.label_ja)


@kind("ascii")
def _ascii(text: str, spec: FieldSpec) -> str:
    if not ASCII_PRINTABLE.match(text) or (spec.min_len and len(text) < spec.min_len):
        raise _pattern(spec)
    return text


@kind("digits")
def _digits(text: str, spec: FieldSpec) -> str:
    if not text.isascii() or not text.isdigit():
        raise _pattern(spec)
    return text


@kind("phone")
def _phone(text: str, spec: FieldSpec) -> str:
    if not PHONE.match(text):
        raise _pattern(spec)
    return text


@kind("email")
def _email(text: str, spec: FieldSpec) -> str:
    if not EMAIL.match(text):
        raise Invalid("WZBAM021E")
    return text


@kind("fullwidth")
def _fullwidth(text: str, spec: FieldSpec) -> str:
    if not is_fullwidth(text):
        raise Invalid("WZBAM008E", 入力項目名=spec.label_ja)
    if is_gaiji(text):
        raise Invalid("WZBAM011E", 入力項目名=spec.label_ja)
    return text


@kind("text")
def _text(text: str, spec: FieldSpec) -> str:
    stripped = text.strip()
    if "  " in stripped or "\u3000\u3000" in stripped:
        raise Invalid("WZBAM019E", 入力項目名=spec.label_ja)
    if is_gaiji(stripped):
        raise Invalid("WZBAM011E", 入力項目名=spec.label_ja)
    return stripped


@kind("roman_name")
def _roman_name(text: str, spec: FieldSpec) -> str:
    if not ROMAN_NAME.match(text):
        raise _pattern(spec)
    return text


@kind("residence_card_number")
def _residence_card_number(text: str, spec: FieldSpec) -> str:
    if not RESIDENCE_CARD.match(text):
        raise Invalid("WZBAM251E")
    return text


@kind("postal_code")
def _postal_code(text: str, spec: FieldSpec) -> str:
    if not POSTAL_CODE.match(text):
        raise _pattern(spec)
    return text.replace("-", "")


@kind("date")
def _date(text: str, spec: FieldSpec) -> dt.date:
    try:
        return dt.date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else _raise(spec)
    except ValueError:
        raise Invalid("WZBAM111E") from None


def _raise(spec: FieldSpec) -> Any:
    raise _pattern(spec)


@kind("choice")
def _choice(text: str, spec: FieldSpec) -> str:
    if text not in spec.choices:
        raise _pattern(spec)
    return text


@kind("category")
def _category(text: str, spec: FieldSpec) -> str:
    from simulator import catalog

    if text not in [c.key for c in catalog.categories()]:
        raise _pattern(spec)
    return text


def _as_is(text: str, spec: FieldSpec) -> str:
    return text


# checked by rules of their own (the edition's password policy, the certificate-number notation)
for _name in ("password", "password_confirm", "agent_certificate", "opaque"):
    REGISTRY[_name] = _as_is

JSON_TYPES = {"accept": "boolean", "id": "integer"}   # every other kind travels as a JSON string


def json_type_of(kind_name: str) -> str:
    return JSON_TYPES.get(kind_name, "string")


UNSTRIPPED = ("password", "password_confirm", "text", "opaque")   # kinds whose value is checked as typed


def validate(spec: FieldSpec, raw: Any) -> Any:
    """The cleaned value of one non-empty field, or Invalid. Lengths and control characters are
    checked for every kind of text before the kind's own rule."""
    if spec.kind == "accept":
        if raw is not True and raw not in ("on", "true", "1", "yes"):
            raise Invalid("WZBAM256E")
        return True
    if spec.kind == "id":
        if isinstance(raw, bool) or not isinstance(raw, int) or raw < 1:
            raise _pattern(spec)
        return raw
    if not isinstance(raw, str):
        raise _pattern(spec)
    text = raw if spec.kind in UNSTRIPPED else raw.strip()
    if has_control(text):
        raise Invalid("WZBAM020E", 入力項目名=spec.label_ja)
    if spec.exact_len and spec.kind != "agent_certificate" and len(text) != spec.exact_len:
        raise Invalid("WZBAM004E", 入力項目名=spec.label_ja, 文字数=str(spec.exact_len))
    if spec.max_len and len(text) > spec.max_len:
        raise Invalid("WZBAM003E", 入力項目名=spec.label_ja, 文字数=str(spec.max_len))
    base = "choice" if spec.kind.startswith("choice:") else spec.kind
    try:
        validator = REGISTRY[base]
    except KeyError:
        raise KeyError(f"field {spec.key!r} has kind {spec.kind!r}, which no validator knows") from None
    return validator(text, spec)
