"""The person behind an application against the bureau's record of them: the card-face cross-checks of
身分事項 (WZBAM114E/115E/235E/236E/112E; one mismatch marks every item and never says which, FAQ Q4-21,
004 §1.4 #4) and the date rules (WZBAM113E from 3 months before expiry, WZBAM204E until the day before,
FAQ Q4-10/Q4-11; WZBAM289E on the day of a 転入届, while abroad, 30 days after birth for an acquisition,
Q4-11, Q4-12, Q4-17). Pure: no Flask, no SQL."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from simulator import catalog
from simulator.domain.errors import Problem

CARD_FACE_FIELDS = ("nationality", "applicant_name", "sex_applicant", "birth_date_applicant", "residence_pref_city",
                    "residence_card_number_applicant")
ED_FIELDS = ("nationality", "applicant_name", "sex_applicant", "birth_date_applicant", "ed_number")
STAY_FIELDS = ("current_status", "current_period", "stay_expires_on")
CARD_PROCEDURES = ("change_of_status", "extension_of_stay", "work_qualification_certificate", "re_entry_permit",
                   "permission_outside_status")
EXTENSION_WINDOW_MONTHS = 3     # WZBAM113E
ACQUISITION_DAYS = 30           # FAQ Q4-11


@dataclass(frozen=True)
class Record:
    """A residence record as the rules see it (adapters.db_applications.ResidenceRecord)."""

    name: str                       # as on the card: HOUMU MIDDLE TAROU
    nationality: str
    sex: str
    birth_date: dt.date
    address_municipality: str
    residence_card_number: str | None = None
    ed_number: str | None = None
    period_of_stay: str | None = None
    status_of_residence: str | None = None
    stay_expires_on: dt.date | None = None
    moved_in_on: dt.date | None = None
    abroad: bool = False


def name_as_typed(card_name: str) -> str:
    """The card's name as the screens want it: spaces become half-width commas (Q4-21)."""
    return ",".join(card_name.split())


def _same(record: Record, values: dict[str, Any], with_address: bool) -> bool:
    return (values.get("nationality") == record.nationality and values.get("applicant_name") == name_as_typed(record.name)
            and values.get("sex_applicant") == record.sex and values.get("birth_date_applicant") == record.birth_date
            and (not with_address or values.get("residence_pref_city") == record.address_municipality))


def card_face_problems(values: dict[str, Any], record: Record | None) -> list[Problem]:
    """身分事項1 and the card number (or ED number) of 身分事項2 against the record found by that number."""
    if values.get("residence_card_number_applicant"):
        if record is None:
            return [Problem("WZBAM115E", "residence_card_number_applicant")]
        if not _same(record, values, with_address=True):
            return [Problem("WZBAM236E", f) for f in CARD_FACE_FIELDS]
        if "current_period" in values and (values.get("current_period") != record.period_of_stay
                                           or values.get("stay_expires_on") != record.stay_expires_on
                                           or (record.status_of_residence and "current_status" in values
                                               and values["current_status"] != record.status_of_residence)):
            return [Problem("WZBAM114E", f) for f in STAY_FIELDS]
        return []
    if values.get("ed_number"):
        if record is None or not _same(record, values, with_address=False):
            return [Problem("WZBAM235E", f) for f in ED_FIELDS]
    return []


def matches_without_card(record: Record, values: dict[str, Any]) -> bool:
    """An acquisition's newborn has no card: found by the facts of 身分事項1."""
    return record.residence_card_number is None and _same(record, values, with_address=True)


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


def _contact_bureau(key: str) -> Problem:
    return Problem("WZBAM289E", None, catalog.refusal(key))


def date_problems(procedure: str, record: Record | None, values: dict[str, Any], today: dt.date) -> list[Problem]:
    """The day rules of an application on `today` (checked on 身分事項2 and again at submission)."""
    out: list[Problem] = []
    if record is not None and record.abroad:
        out.append(_contact_bureau("applicant_abroad"))
    if record is not None and record.moved_in_on == today:
        out.append(_contact_bureau("moved_in_today"))
    expires = record.stay_expires_on if record is not None else None
    if procedure in CARD_PROCEDURES and expires is not None:
        if today >= expires:
            out.append(Problem("WZBAM204E", "stay_expires_on"))
        elif procedure == "extension_of_stay" and today < add_months(expires, -EXTENSION_WINDOW_MONTHS):
            out.append(Problem("WZBAM113E", "stay_expires_on"))
    event = values.get("acquisition_event_date")
    if procedure == "acquisition_of_status" and isinstance(event, dt.date) \
            and today > event + dt.timedelta(days=ACQUISITION_DAYS):
        out.append(_contact_bureau("acquisition_too_late"))
    return out
