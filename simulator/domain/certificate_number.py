"""The agent certificate number (申請等取次者証明書番号) of lawyers and scriveners.

The number is twelve half-width digits printed at the top right of the notification
certificate (届出済証明書). Older certificates print only a form such as 「(東) 弁10第50号」
(issuing office + category + two-digit year + serial); seed 001 explains how to turn it into
the twelve digits with two code tables, which live in bureaus.csv and
certificate_categories.csv:

    [office code: 2][year: 4, 20 + YY][category code: 1][serial: 5, zero-padded]
    (東) 弁10第50号  ->  13 | 2010 | 7 | 00050  ->  132010700050

Pure functions only: no Flask, no SQL.
"""
from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType

CATALOG_DIR = Path(__file__).resolve().parent.parent / "catalog"

AGENT_CERTIFICATE_NUMBER_LENGTH = 12
SERIAL_DIGITS = 5

# Characters a user may type between the digits: spaces of any width (NFKC folds U+3000 to a
# space) and hyphen-like marks, including the katakana long-vowel mark often typed for "-".
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−ー]+")
_TWELVE_DIGITS = re.compile(r"[0-9]{12}")
# After NFKC: optional matching parentheses around the office symbol, the category symbol,
# the last two digits of the year, then 第<serial>号.
_PRINTED_FORM = re.compile(
    r"(?:\((?P<office_p>[^()0-9])\)|(?P<office>[^()0-9]))"
    r"(?P<category>[^()0-9])"
    r"(?P<year>[0-9]{2})"
    r"第(?P<serial>[0-9]{1,5})号"
)


class InvalidCertificateNumber(ValueError):
    """The text is neither a 12-digit agent certificate number nor a 届出済証明書 number."""


@dataclass(frozen=True)
class NotificationCertificateNumber:
    """A number as printed on a 届出済証明書, e.g. 「(東) 弁10第50号」, already decoded."""

    office_symbol: str
    category_symbol: str
    year: int       # four digits, 20 + the printed two
    serial: int

    @property
    def agent_certificate_number(self) -> str:
        return (
            office_codes()[self.office_symbol]
            + f"{self.year:04d}"
            + category_codes()[self.category_symbol]
            + f"{self.serial:0{SERIAL_DIGITS}d}"
        )


def _read_catalog(name: str) -> list[dict[str, str]]:
    with open(CATALOG_DIR / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@cache
def office_codes() -> Mapping[str, str]:
    """Issuing-office symbol (札, 仙, 東 …) -> two-digit office code, from bureaus.csv."""
    return MappingProxyType(
        {row["certificate_office_symbol"]: row["certificate_office_code"] for row in _read_catalog("bureaus.csv")}
    )


@cache
def category_codes() -> Mapping[str, str]:
    """Category symbol (行, 弁) -> one-digit code, from certificate_categories.csv."""
    return MappingProxyType({row["symbol"]: row["code"] for row in _read_catalog("certificate_categories.csv")})


def _canonical(text: str) -> str:
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", text))


def parse_notification_certificate_number(text: str) -> NotificationCertificateNumber:
    """Decode 「(東) 弁10第50号」, 「（東）弁10第50号」 or 「東弁10第50号」; full-width digits are fine."""
    if not isinstance(text, str):
        raise InvalidCertificateNumber(f"not a text: {text!r}")
    match = _PRINTED_FORM.fullmatch(_canonical(text))
    if match is None:
        raise InvalidCertificateNumber(f"not a 届出済証明書 number: {text!r}")
    office = match["office_p"] or match["office"]
    if office not in office_codes():
        raise InvalidCertificateNumber(f"unknown issuing office {office!r} in {text!r}")
    if match["category"] not in category_codes():
        raise InvalidCertificateNumber(f"unknown category {match['category']!r} in {text!r}")
    serial = int(match["serial"])
    if serial == 0:
        raise InvalidCertificateNumber(f"serial number 0 in {text!r}")
    return NotificationCertificateNumber(office, match["category"], 2000 + int(match["year"]), serial)


def entered_agent_certificate_number(text: str) -> str:
    """The 12 half-width digits of what a lawyer or scrivener typed into the system's field (FAQ Q2-14,
    seed 001: the user converts a printed 届出済証明書 form with the code tables; the system takes
    only the digits). Full-width digits, spaces and hyphens are tolerated; the printed form is not."""
    if not isinstance(text, str):
        raise InvalidCertificateNumber(f"not a text: {text!r}")
    canonical = _canonical(text)
    if _TWELVE_DIGITS.fullmatch(canonical):
        return canonical
    if canonical.isascii() and canonical.isdigit():
        raise InvalidCertificateNumber(
            f"an agent certificate number has {AGENT_CERTIFICATE_NUMBER_LENGTH} digits, got {len(canonical)}"
        )
    raise InvalidCertificateNumber(f"not twelve digits: {text!r}")


def normalize_agent_certificate_number(text: str) -> str:
    """The 12 half-width digits for what a lawyer or scrivener typed.

    Accepts the 12-digit number (full-width digits, spaces and hyphens are tolerated) or the
    printed 届出済証明書 form, which is converted with the code tables. The 12-digit form is not
    checked against the tables: the seeds' own examples (123456789012, 201203100011) do not
    follow them, and no seed says the system checks it.
    """
    try:
        return entered_agent_certificate_number(text)
    except InvalidCertificateNumber:
        if not isinstance(text, str) or (_canonical(text).isascii() and _canonical(text).isdigit()):
            raise   # not a text, or digits of the wrong length: no printed form either
    return parse_notification_certificate_number(text).agent_certificate_number
