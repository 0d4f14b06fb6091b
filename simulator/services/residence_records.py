"""The registry of residence records (test support): what the bureau knows of the person behind an
application — the card face, the address and its move-in day, the status and its expiry, whether the
person is abroad. Seeded by `rasim seed`; vendors put their own test persons in through the API."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from simulator.adapters.db_applications import ResidenceRecord
from simulator.catalog import places
from simulator.domain import person_checks as checks
from simulator.domain.errors import Problem, Problems, RuleViolation
from simulator.domain.validators import Invalid, has_control, validate
from simulator.services.context import Ctx

# the body of putResidenceRecord: (field of the catalogue that checks it, required)
FIELDS: dict[str, tuple[str, bool]] = {
    "residence_card_number": ("residence_card_number_applicant", False), "ed_number": ("ed_number", False),
    "nationality": ("nationality", True), "sex": ("sex_applicant", True), "birth_date": ("birth_date_applicant", True),
    "address_municipality": ("residence_pref_city", True), "address_street": ("residence_street", False),
    "moved_in_on": ("birth_date_applicant", False), "status_of_residence": ("current_status", False),
    "period_of_stay": ("current_period", False), "stay_expires_on": ("stay_expires_on", False),
    "card_valid_until": ("stay_expires_on", False)}


def _check(body: dict[str, Any]) -> dict[str, Any]:
    from simulator import catalog

    problems, cleaned = Problems(), {}
    name = body.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 104 or not all(
            w.isascii() and w.isalpha() and w.isupper() for w in name.split()):
        problems.add("WZBAM005E", "name", 入力項目名="氏名")
    else:
        cleaned["name"] = " ".join(name.split())
    for key, (field_key, required) in FIELDS.items():
        raw = body.get(key)
        if raw in (None, ""):
            if required:
                problems.add("WZBAM001E", key)
            continue
        try:
            cleaned[key] = validate(catalog.field(field_key), raw)
        except Invalid as invalid:
            problems.add(invalid.code, key, **invalid.params)
    kanji = body.get("kanji_name") or None
    if kanji is not None and (not isinstance(kanji, str) or len(kanji) > 60 or has_control(kanji)):
        problems.add("WZBAM005E", "kanji_name", 入力項目名="漢字氏名")   # the column holds 60 characters
    problems.raise_if_any()
    cleaned["abroad"] = bool(body.get("abroad", False))
    cleaned["kanji_name"] = kanji
    return cleaned


def put(ctx: Ctx, body: dict[str, Any]) -> dict[str, Any]:
    """Create or replace the record of a card number (or ED number)."""
    cleaned = _check(body)
    record = None
    if cleaned.get("residence_card_number"):
        record = by_card(ctx, cleaned["residence_card_number"])
    elif cleaned.get("ed_number"):
        record = ctx.db.scalars(select(ResidenceRecord).where(ResidenceRecord.ed_number == cleaned["ed_number"])).first()
    if record is None:
        record = ResidenceRecord(created_at=ctx.now)
        ctx.db.add(record)
    for key in ("residence_card_number", "ed_number", "name", "nationality", "sex", "birth_date", "address_municipality",
                "address_street", "moved_in_on", "status_of_residence", "period_of_stay", "stay_expires_on",
                "card_valid_until", "abroad", "kanji_name"):
        setattr(record, key, cleaned.get(key))
    record.address_street = record.address_street or ""
    ctx.db.flush()
    ctx.audit("residence_record.put", f"residence_record:{record.id}")
    return view(record)


def put_many(ctx: Ctx, body: dict[str, Any]) -> dict[str, Any]:
    """Many records in one request (as many as a bulk file's persons): all are checked first, and one refused
    record stores none — each problem's field names the record (records[3].birth_date)."""
    records = body.get("records")
    limit = ctx.ed.bulk_max_rows
    if not isinstance(records, list) or not 1 <= len(records) <= limit:
        raise RuleViolation.one("RASIM400E", "records", 理由=f"records: a list of 1 to {limit} records")
    problems: list[Problem] = []
    for i, record in enumerate(records):
        if not isinstance(record, dict):
            problems.append(Problem("RASIM400E", f"records[{i}]", {"理由": "a record is an object"}))
            continue
        wrong = _wrong_types(record)
        if wrong:
            problems += [Problem("RASIM400E", f"records[{i}].{k}", {"理由": reason}) for k, reason in wrong]
            continue
        try:
            _check(record)
        except RuleViolation as refused:
            problems += [Problem(p.code, f"records[{i}].{p.field}", p.params) for p in refused.problems]
    if problems:
        raise RuleViolation(problems, status=422)
    return {"records": [put(ctx, record) for record in records]}


def _wrong_types(record: dict[str, Any]) -> list[tuple[str, str]]:
    """What the body of a single putResidenceRecord would refuse before the rules: an unknown key, a wrong type."""
    wrong = []
    for key, value in record.items():
        if key not in FIELDS and key not in ("name", "kanji_name", "abroad"):
            wrong.append((str(key)[:40], "unknown field"))
        elif key == "abroad" and not isinstance(value, bool):
            wrong.append((key, "abroad must be boolean"))
        elif key != "abroad" and not isinstance(value, str):
            wrong.append((key, f"{key} must be string"))
    return wrong


def view(record: ResidenceRecord) -> dict[str, Any]:
    place = places.municipality(record.address_municipality)
    return {"id": record.id, "residence_card_number": record.residence_card_number, "ed_number": record.ed_number,
            "name": record.name, "name_as_typed": checks.name_as_typed(record.name), "nationality": record.nationality,
            "sex": record.sex, "birth_date": record.birth_date.isoformat(),
            "address_municipality": record.address_municipality, "address": place.full_name if place else "",
            "address_street": record.address_street, "moved_in_on": _iso(record.moved_in_on),
            "status_of_residence": record.status_of_residence, "period_of_stay": record.period_of_stay,
            "stay_expires_on": _iso(record.stay_expires_on), "card_valid_until": _iso(record.card_valid_until),
            "abroad": record.abroad}


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def by_card(ctx: Ctx, number: str) -> ResidenceRecord | None:
    return ctx.db.scalars(select(ResidenceRecord).where(ResidenceRecord.residence_card_number == number)).first()


def get(ctx: Ctx, number: str) -> dict[str, Any]:
    record = by_card(ctx, number)
    if record is None:
        raise RuleViolation.one("RASIM404E", "residence_card_number")
    return view(record)


def facts(record: ResidenceRecord) -> checks.Record:
    return checks.Record(name=record.name, nationality=record.nationality, sex=record.sex, birth_date=record.birth_date,
                         address_municipality=record.address_municipality,
                         residence_card_number=record.residence_card_number, ed_number=record.ed_number,
                         period_of_stay=record.period_of_stay, status_of_residence=record.status_of_residence,
                         stay_expires_on=record.stay_expires_on,
                         moved_in_on=record.moved_in_on, abroad=record.abroad)


def for_values(ctx: Ctx, procedure: str, values: dict[str, Any]) -> ResidenceRecord | None:
    """The record an application's values point at: by card number, by ED number, or (an acquisition,
    whose applicant has neither) by the facts of 身分事項1."""
    if values.get("residence_card_number_applicant"):
        return by_card(ctx, values["residence_card_number_applicant"])
    if values.get("ed_number"):
        return ctx.db.scalars(select(ResidenceRecord).where(ResidenceRecord.ed_number == values["ed_number"])).first()
    if procedure == "acquisition_of_status" and isinstance(values.get("birth_date_applicant"), dt.date):
        for record in ctx.db.scalars(select(ResidenceRecord).where(
                ResidenceRecord.birth_date == values["birth_date_applicant"],
                ResidenceRecord.residence_card_number.is_(None))):
            if checks.matches_without_card(facts(record), values):
                return record
    return None
