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
APPLICANT_NAME = re.compile(r"^[A-Z]+(?:,[A-Z]+)*$")          # 氏名 of an application: HOUMU,MIDDLE,TAROU (004 §2.4.3)
ED_NUMBER = re.compile(r"^[A-Z]{2}\d{8}$")                    # ED番号 (英字2 + 数字8): rasim, the seeds give no format
ALNUM_CAPITALS = re.compile(r"^[A-Z0-9]+$")                   # 旅券番号: half-width capitals and digits
YEAR_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class Invalid(Exception):
    def __init__(self, code: str, **params: str) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")   # Unicode's category Cc, exactly


def has_control(text: str) -> bool:
    return CONTROL.search(text) is not None


def is_gaiji(text: str) -> bool:
    """True when a character lies outside JIS X 0208 levels 1 and 2 (the system's character set;
    cp932 is its superset on the PC, so NEC/IBM extensions count as 外字 as well)."""
    if text.isascii():
        return False
    try:
        whole = text.encode("cp932")
    except UnicodeEncodeError:
        return True
    if not any(b == 0x87 or b >= 0xED for b in whole):   # no byte that could lead an extension: none
        return False
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


def is_kana_or_symbol(ch: str) -> bool:
    """全角半角カナ・記号 (003 §6.1): katakana of either width, the long-vowel mark, spaces and symbols."""
    if "\u30a0" <= ch <= "\u30ff" or "\uff65" <= ch <= "\uff9f" or ch in " \u3000":
        return True
    return unicodedata.category(ch)[0] in ("P", "S")


@kind("kana")
def _kana(text: str, spec: FieldSpec) -> str:
    if not all(is_kana_or_symbol(ch) for ch in text):
        raise _pattern(spec)
    return text


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


@kind("applicant_name")
def _applicant_name(text: str, spec: FieldSpec) -> str:
    """Half-width capitals, the parts separated by commas instead of spaces (004 §2.4.3, FAQ Q4-21)."""
    if APPLICANT_NAME.match(text):
        return text
    if re.fullmatch(r"[A-Z]+(?:[ ,]+[A-Z]+)+", text):
        raise Invalid("WZBAM006E", 入力項目名=spec.label_ja)
    raise _pattern(spec)


@kind("ed_number")
def _ed_number(text: str, spec: FieldSpec) -> str:
    if not ED_NUMBER.match(text):
        raise _pattern(spec)
    return text


@kind("alnum_capitals")
def _alnum_capitals(text: str, spec: FieldSpec) -> str:
    if not ALNUM_CAPITALS.match(text):
        raise _pattern(spec)
    return text


@kind("year_month")
def _year_month(text: str, spec: FieldSpec) -> str:
    m = YEAR_MONTH.match(text)
    if not m:
        raise _pattern(spec)
    if not (1 <= int(m.group(2)) <= 12 and int(m.group(1)) >= 1900):
        raise Invalid("WZBAM111E")
    return text


@kind("municipality")
def _municipality(text: str, spec: FieldSpec) -> str:
    """A municipality code chosen through 「検索」 (S05, S06): unknown → WZBAM103E."""
    from simulator.catalog import places

    if not text.isascii() or places.municipality(text) is None:
        raise Invalid("WZBAM103E", 入力項目名=spec.label_ja.split("(")[0])
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


@kind("status_of_residence")
def _status_of_residence(text: str, spec: FieldSpec) -> str:
    from simulator import catalog

    if text not in {r["key"] for r in catalog.table("statuses_of_residence.csv")}:
        raise _pattern(spec)
    return text


@kind("bureau")
def _bureau(text: str, spec: FieldSpec) -> str:
    from simulator import catalog

    if text not in {r["key"] for r in catalog.table("bureaus.csv")}:
        raise _pattern(spec)
    return text


def _as_is(text: str, spec: FieldSpec) -> str:
    return text


# checked by rules of their own (the edition's password policy, the certificate-number notation)
for _name in ("password", "password_confirm", "agent_certificate", "opaque"):
    REGISTRY[_name] = _as_is

# ticks, each with the code of its own refusal: the terms (256E), the applicant's intention (110E), the
# representative's confirmation (121E) and the kept copy (122E) of STEP3
ACCEPT_CODES = {"accept": "WZBAM256E", "accept_consent": "WZBAM110E", "accept_representative": "WZBAM121E",
                "accept_copy": "WZBAM122E"}
JSON_TYPES = {"id": "integer"} | {name: "boolean" for name in ACCEPT_CODES}   # every other kind travels as a JSON string


def json_type_of(kind_name: str) -> str:
    return JSON_TYPES.get(kind_name, "string")


UNSTRIPPED = ("password", "password_confirm", "text", "opaque")   # kinds whose value is checked as typed


def validate(spec: FieldSpec, raw: Any) -> Any:
    """The cleaned value of one non-empty field, or Invalid. Lengths and control characters are
    checked for every kind of text before the kind's own rule."""
    if spec.kind in ACCEPT_CODES:
        if raw is not True and raw not in ("on", "true", "1", "yes"):
            raise Invalid(ACCEPT_CODES[spec.kind])
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
    base = "choice" if spec.kind.startswith(("choice:", "list:")) else spec.kind
    try:
        validator = REGISTRY[base]
    except KeyError:
        raise KeyError(f"field {spec.key!r} has kind {spec.kind!r}, which no validator knows") from None
    return validator(text, spec)
