"""Defects planted in a generated bulk file, each with what the server must report for it (the line, the
column header, the code): mistakes of a field — half-width text in a full-width field (WZBAM008E), a name in
lower case or a pull-down word the template does not offer (WZBAM005E), a text too long (WZBAM003E) — and
a person who differs from the bureau's record — another card face (WZBAM236E on every item, FAQ Q4-21), another
stay (WZBAM114E), an unknown card (WZBAM115E), a stay already ended (WZBAM204E) or not yet in its last three
months (WZBAM113E). A field mistake is one defect (the row's forms fail before the registry is asked);
a registry one marks the items the system marks."""
from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from simulator import catalog
from simulator.bulk_persons import Person, PersonMaker, settings
from simulator.domain import bulk_format, input_plan
from simulator.domain import person_checks as checks


@dataclass(frozen=True)
class PlantedDefect:
    line: int
    column: str      # the header, as the report names it
    code: str
    kind: str        # halfwidth, lowercase_name, … (catalog/bulk_generate.toml)

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "code": self.code, "kind": self.kind}


@dataclass
class Row:
    line: int
    person: Person
    values: dict[str, dict[str, Any]]
    record: dict[str, Any] | None
    registered: bool = True          # False: the record is kept out of the registry (WZBAM115E)
    defects: list[PlantedDefect] = field(default_factory=list)


def kinds(procedure: str) -> list[str]:
    conf = settings()
    out = list(conf["field_defects"])
    if procedure in checks.CARD_PROCEDURES:
        out += conf["registry_defects"]
    if procedure == "extension_of_stay":
        out += conf["extension_defects"]
    return out


class Planter:
    def __init__(self, maker: PersonMaker, lay: bulk_format.Layout, category: str) -> None:
        self.maker, self.lay, self.rng = maker, lay, maker.rng
        self.conditions = _condition_fields(category, lay)

    def plant(self, row: Row, kind: str) -> None:
        getattr(self, kind)(row)

    # -- mistakes of a field --------------------------------------------------------------------------
    def _columns(self, row: Row, test: Any) -> list[bulk_format.Column]:
        return [c for c in self.lay.columns if c.step != input_plan.STEP1 and c.part is None
                and c.field not in self.conditions and not _empty(row.values.get(c.step, {}).get(c.field))
                and test(c)]

    def _set(self, row: Row, col: bulk_format.Column, value: str, code: str, kind: str) -> None:
        row.values[col.step][col.field] = value
        row.defects.append(PlantedDefect(row.line, col.header, code, kind))

    def halfwidth(self, row: Row) -> None:
        col = self.rng.choice(self._columns(row, lambda c: c.spec.kind == "fullwidth"))
        text = unicodedata.normalize("NFKC", row.values[col.step][col.field])
        text = text if not all(unicodedata.east_asian_width(ch) in ("F", "W") for ch in text) else text + "1-2"
        self._set(row, col, text[: col.spec.max_len or None], "WZBAM008E", "halfwidth")

    def lowercase_name(self, row: Row) -> None:
        col = next(c for c in self._columns(row, lambda c: c.field == "applicant_name"))
        self._set(row, col, row.values[col.step][col.field].lower(), "WZBAM005E", "lowercase_name")

    def unknown_choice(self, row: Row) -> None:
        """The English word of the option (「Yes」 for 有), which the template's pull-down never holds."""
        col = self.rng.choice(self._columns(row, lambda c: c.spec.kind.startswith("list:")))
        name = col.spec.kind.split(":", 1)[1]
        item = next(i for i in catalog.choice_list(name) if i.value == row.values[col.step][col.field])
        word = item.label_en
        if not word or word in col.spec.choices or bulk_format.to_value(col.spec, word) != word:
            word = f"{item.label_ja}?"
        self._set(row, col, word, "WZBAM005E", "unknown_choice")

    def too_long(self, row: Row) -> None:
        col = self.rng.choice(self._columns(row, lambda c: c.spec.kind in ("text", "fullwidth") and c.spec.max_len))
        text = row.values[col.step][col.field]
        while len(text) <= col.spec.max_len:
            text += text
        self._set(row, col, text[: col.spec.max_len + self.rng.randint(1, 20)], "WZBAM003E", "too_long")

    # -- the person against the record ----------------------------------------------------------------
    def _marks(self, row: Row, fields: tuple[str, ...], code: str, kind: str) -> None:
        row.defects += [PlantedDefect(row.line, self.lay.header_of("", f), code, kind) for f in fields]

    def card_face(self, row: Row) -> None:
        """The record says another birth date, sex, name, nationality or address than the row."""
        rec, p, rng = row.record, row.person, self.rng
        assert rec is not None
        what = rng.choice(["birth_date", "sex", "name", "nationality", "address_municipality"])
        if what == "birth_date":
            rec["birth_date"] = (p.birth_date - dt.timedelta(days=rng.randint(1, 400))).isoformat()
        elif what == "sex":
            rec["sex"] = "female" if p.sex == "male" else "male"
        elif what == "name":
            rec["name"] = " ".join([*p.names[:-1], p.names[-1] + "A"])
        elif what == "nationality":
            rec["nationality"] = rng.choice([n["code"] for n in settings()["nationalities"] if n["code"] != p.nationality])
        else:
            rec["address_municipality"] = next(m for m in iter(self.maker.municipality, None) if m != p.municipality)
        self._marks(row, checks.CARD_FACE_FIELDS, "WZBAM236E", "card_face")

    def stay(self, row: Row) -> None:
        assert row.record is not None
        row.record["period_of_stay"] = self.rng.choice([k for k in settings()["periods"] if k != row.person.period])
        self._marks(row, checks.STAY_FIELDS, "WZBAM114E", "stay")

    def unknown_card(self, row: Row) -> None:
        row.registered = False
        self._marks(row, ("residence_card_number_applicant",), "WZBAM115E", "unknown_card")

    def _expiry(self, row: Row, day: dt.date) -> None:
        assert row.record is not None
        row.values["step2_2"]["stay_expires_on"] = day.isoformat()
        row.record["stay_expires_on"] = row.record["card_valid_until"] = day.isoformat()

    def expired(self, row: Row) -> None:
        self._expiry(row, self.maker.today - dt.timedelta(days=self.rng.randint(0, 60)))
        self._marks(row, ("stay_expires_on",), "WZBAM204E", "expired")

    def expiry_window(self, row: Row) -> None:
        self._expiry(row, self.maker.expiry_outside_window())
        self._marks(row, ("stay_expires_on",), "WZBAM113E", "expiry_window")


def _empty(value: Any) -> bool:
    return value is None or value == "" or isinstance(value, (list, bool))


def _condition_fields(category: str, lay: bulk_format.Layout) -> set[str]:
    """Fields another field depends on (required_when, forbidden_when) or that the person rules read: a
    mistake there would say more than one thing."""
    out = {"card_receipt_method", "coe_receipt_method", "receiving_office", "phone_applicant", "mobile_applicant"}
    for _step, form_key in input_plan.plan(category, lay.procedure, lay.status).steps:
        for f in catalog.form(form_key, catalog.edition(lay.edition) if lay.edition else None).fields:
            for part in (f, *f.parts):
                out |= {c.field for c in (part.required_when, part.forbidden_when) if c is not None}
    return out


def pick_lines(rng: random.Random, rows: int, rate: float) -> list[int]:
    """Which rows (0-based) are defective: round(rows × rate) of them."""
    return sorted(rng.sample(range(rows), round(rows * rate)))
