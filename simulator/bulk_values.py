"""The values of one applicant's input steps as the screens would send them (list values = keys of
catalog/lists, dates ISO, a municipality its 5-digit code), for a generated bulk file or an individual input
of the load tests. The forms say what to fill: every field of each step of the input plan that is required,
or required because of another value (`required_when`, never one `forbidden_when` rules out), and a share
of the optional ones; the person (bulk_persons) gives what the registry cross-checks. Each step is checked
with the form's own validation and a value it refuses is drawn again, so a row is sound by construction."""
from __future__ import annotations

from typing import Any

from simulator import catalog
from simulator.bulk_persons import Person, PersonMaker, settings
from simulator.domain import input_plan
from simulator.domain.errors import Problems
from simulator.domain.forms import Form, FormField, is_empty, validate_form

SKIPPED_OPTIONAL = ("postal_code", "ed_number", "bureau", "id", "opaque")   # never filled unless required
PERSON_NAMES = ("relative_name", "spouse_name", "sponsor_name", "guarantor_name", "supporter_name")
ORGANISATIONS = ("employer", "org_name", "institution", "dispatch_name", "company", "workplace", "school_name",
                 "_office")
AMOUNTS = ("salary", "income", "pay", "amount", "capital", "sales", "tax", "expense")
COUNTS = ("employees", "years", "months", "count", "hours", "period")
TRIES = 25


def step_values(maker: PersonMaker, person: Person, category: str, procedure: str, status: str,
                edition: str | None = None) -> dict[str, dict[str, Any]]:
    """{"step1": …, "step2_1": …, …}: every input step of the plan (STEP3's ticks are the upload's)."""
    ed = catalog.edition(edition) if edition else None
    out: dict[str, dict[str, Any]] = {input_plan.STEP1: {"procedure": procedure, "status_of_residence": status}}
    for step, form_key in input_plan.plan(category, procedure, status).steps:
        if step not in (input_plan.STEP1, input_plan.STEP3):
            out[step] = FormFiller(maker, person, procedure).fill(catalog.form(form_key, ed))
    return out


class FormFiller:
    def __init__(self, maker: PersonMaker, person: Person, procedure: str) -> None:
        self.maker, self.person, self.procedure, self.rng = maker, person, procedure, maker.rng

    def fixed(self) -> dict[str, Any]:
        """What the person is (the registry's card face and stay), whatever form asks for it."""
        p = self.person
        out: dict[str, Any] = {"nationality": p.nationality, "applicant_name": p.typed_name,
                               "birth_date_applicant": p.birth_date.isoformat(), "sex_applicant": p.sex,
                               "residence_pref_city": p.municipality, "residence_street": p.street,
                               "applicant_email": p.email, "mobile_applicant": p.mobile, "applicant_consent": True}
        if p.card_number:
            out |= {"current_status": p.status, "current_period": p.period, "has_residence_card": "yes",
                    "residence_card_number_applicant": p.card_number,
                    "stay_expires_on": p.stay_expires_on.isoformat() if p.stay_expires_on else None}
        return out

    def fill(self, form: Form) -> dict[str, Any]:
        fixed = self.fixed()
        values: dict[str, Any] = {}
        for first in (True, False):   # a second pass for what a later value made required
            for f in form.fields:
                if not f.screen or f.key in values or (f.forbidden_when and f.forbidden_when.holds(values)):
                    continue
                if f.key in fixed and fixed[f.key] is not None:
                    values[f.key] = fixed[f.key]
                elif f.is_required(values) or (first and self.wanted(f)):
                    values[f.key] = self.value(f, values)
        for keys in self.one_of(form):   # the form's rules across fields: one of them filled (WZBAM105E)
            if all(is_empty(values.get(k)) for k in keys):
                values[keys[0]] = self.value(form.field(keys[0]), values)
        self.receipt(values)
        return self.repaired(form, values, fixed)

    @staticmethod
    def one_of(form: Form) -> list[list[str]]:
        return [rule["one_of"] for rule in form.extra.get("rules", []) if rule.get("one_of")]

    def wanted(self, f: FormField) -> bool:
        return f.kind.split(":")[0] not in SKIPPED_OPTIONAL and not f.kind.startswith("accept") \
            and self.rng.random() < settings()["optional_share"]

    def receipt(self, values: dict[str, Any]) -> None:
        """受領方法 by post, no 受領官署 (WZBAM139E), and so no period of 3 months or less (RASIM471E). Not the
        counter: bulk_format.to_text writes a bureau's cell from bureaus.csv's `label_ja`, a column that file
        does not have (it has name_ja), so the office would be an empty cell and the row WZBAM140E."""
        values.pop("receiving_office", None)
        if "card_receipt_method" in values:
            values["card_receipt_method"] = "post"
        no_card = catalog.receipt()["postal_exclusions"]["no_card_periods"]
        if values.get("desired_period") in no_card:   # a stamp, no card: no post (FAQ Q5-1 (1)); a longer period
            values["desired_period"] = self.rng.choice(
                [c.value for c in catalog.choice_list("periods_of_stay") if c.value not in no_card])

    def repaired(self, form: Form, values: dict[str, Any], fixed: dict[str, Any]) -> dict[str, Any]:
        """The form's check on the values; a value it refuses is drawn again (dropped when optional)."""
        for _ in range(TRIES):
            problems = Problems()
            validate_form(form, values, problems)
            if not problems:
                return {k: v for k, v in values.items() if not is_empty(v)}
            for key in {(p.field or "").split("[", 1)[0] for p in problems.items}:
                if key in fixed:
                    raise ValueError(f"{form.key}: the person's {key} is refused: {problems.items}")
                f = form.field(key)
                if f.is_required(values) or f.repeat_max or any(key in keys for keys in self.one_of(form)):
                    values[key] = self.value(f, values)
                else:
                    values.pop(key, None)
        raise ValueError(f"{form.key}: no sound values after {TRIES} draws: {problems.items}")

    # -- one value ------------------------------------------------------------------------------------
    def value(self, f: FormField, values: dict[str, Any]) -> Any:
        if f.repeat_max:
            return [self.item(f) for _ in range(self.rng.randint(1, min(f.repeat_max, settings()["repeat_max"])))]
        return self.of_kind(f.key, f.spec)

    def item(self, group: FormField) -> dict[str, Any]:
        item: dict[str, Any] = {}
        for p in group.parts:
            if p.is_required(item) or self.wanted(p):
                item[p.key] = self.of_kind(p.key, p.spec)
        return item

    def of_kind(self, key: str, spec: Any) -> Any:
        kind, rng, maker = spec.kind.split(":")[0], self.rng, self.maker
        if kind.startswith("accept"):
            return True
        if kind in ("list", "choice"):
            return self.choice(key, spec)
        if kind == "status_of_residence":
            return rng.choice(self.online_statuses())
        if kind == "date":
            return maker.day(key).isoformat()
        if kind == "year_month":
            return maker.day(key).strftime("%Y-%m")
        if kind == "municipality":
            return maker.municipality()
        if kind == "fullwidth":
            return self.fullwidth(key, spec)
        if kind == "text":
            return self.text(key, spec)
        if kind == "digits":
            return self.digits(key, spec)
        if kind == "phone":
            return f"0{rng.randint(1, 9)}{rng.randint(0, 10**8 - 1):08d}"
        if kind == "email":
            return self.person.email
        if kind == "residence_card_number":
            return maker.card_number()
        if kind in ("applicant_name", "roman_name"):
            return (",".join if kind == "applicant_name" else " ".join)(maker.names(self.person.locale, "female", 60))
        if kind == "alnum_capitals":
            return maker.card_number()[:2] + f"{rng.randint(0, 10**7 - 1):07d}"
        if kind == "ed_number":
            return maker.card_number()[:10]
        if kind == "bureau":
            return rng.choice([r["key"] for r in catalog.table("bureaus.csv")])
        if kind == "postal_code":
            return None
        return None

    def choice(self, key: str, spec: Any) -> str:
        choices = spec.choices
        if key.endswith("nationality") and self.rng.random() < 0.7:
            return self.person.nationality
        if set(choices) == {"yes", "no"}:
            return "yes" if self.rng.random() < settings()["yes_share"] else "no"
        return self.rng.choice(choices)

    def online_statuses(self) -> list[str]:
        from simulator.domain import eligibility

        return [r["key"] for r in catalog.table("statuses_of_residence.csv") if eligibility.is_online_status(r["key"])]

    def fullwidth(self, key: str, spec: Any) -> str:
        if key.endswith("_street"):
            return self.maker.street(key)
        if key == "home_town":
            return catalog.list_label("nationalities", self.person.nationality)
        return self.maker.company()[: spec.max_len or None]

    def text(self, key: str, spec: Any) -> str:
        maker, limit = self.maker, spec.max_len or 40
        if key in PERSON_NAMES:
            return " ".join(maker.names(self.person.locale, self.rng.choice(["male", "female"]), limit))
        if key == "agent_name":
            return maker.japanese_name()[:limit]
        if any(w in key for w in ORGANISATIONS):
            return maker.company()[:limit]
        if key.endswith("_branch"):
            return maker.ja.city()[:limit]
        if key in ("birth_place", "visa_place"):
            return maker.city_abroad(self.person)[:limit]
        if key == "stay_length":
            return catalog.list_label("periods_of_stay", self.rng.choice(settings()["periods"]))
        if key in ("occupation", "position_title"):
            return maker.job()[:limit]
        return maker.text(limit)

    def digits(self, key: str, spec: Any) -> str:
        rng = self.rng
        if spec.exact_len:
            return str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(spec.exact_len - 1))
        top = 10 ** (spec.max_len or 3) - 1
        if any(w in key for w in AMOUNTS):
            return str(min(top, rng.randrange(150_000, 9_000_000, 1000)))
        if any(w in key for w in COUNTS):
            return str(min(top, rng.randint(1, 36)))
        return str(rng.randint(1, min(top, 999)))

