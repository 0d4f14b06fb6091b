"""Forms as data. A form (catalog/forms/<key>.toml) is ordered steps → sections → fields; a field
names its catalogue row (fields.csv: label, kind, limits) and declares what the form adds: required,
or required / forbidden when another field has a value; its item number on the screen, its bulk-CSV
header, its API property name, the widget and the hint keys of the screen, a repeat group with its
maximum. From one declaration come the screen's inputs, the validation with the system's codes, the
JSON Schema of the API body and the CSV columns. Pure: no Flask, no SQL."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from simulator.domain.errors import Problems
from simulator.domain.validators import Invalid, validate


@dataclass(frozen=True)
class Condition:
    """`{field = "receipt_method", equals = "窓口"}` or `{field = …, in = [...]}` or `{field = …, filled = true}`."""

    field: str
    equals: Any = None
    one_of: tuple[Any, ...] = ()
    filled: bool | None = None

    def holds(self, values: dict[str, Any]) -> bool:
        value = values.get(self.field)
        if self.filled is not None:
            return is_empty(value) is not self.filled
        if self.one_of:
            return value in self.one_of
        return value == self.equals

    @classmethod
    def parse(cls, data: dict[str, Any] | None) -> Condition | None:
        if not data:
            return None
        unknown = set(data) - {"field", "equals", "in", "filled"}
        if unknown or "field" not in data:
            raise ValueError(f"a condition has a field and equals / in / filled, not {sorted(data)}")
        return cls(data["field"], data.get("equals"), tuple(data.get("in", ())), data.get("filled"))


@dataclass(frozen=True)
class FormField:
    key: str                       # the row of catalog/fields.csv
    spec: Any                      # its catalog.FieldSpec
    required: bool = False
    required_when: Condition | None = None
    forbidden_when: Condition | None = None
    api: str = ""                  # the property of the API body (default: key)
    csv: str | None = None         # the header of the bulk CSV column
    item: str | None = None        # the item number printed on the screen, e.g. "(8)"
    screen: bool = True            # shown on the screen (False: API only, e.g. certificates from the card)
    widget: str = ""               # how the screen asks for it (default from the kind)
    hint: str | None = None        # label keys of catalog/labels.toml
    example: str | None = None
    note: str | None = None
    easy: str | None = None        # the やさしい日本語 line beside the label
    placeholder: str | None = None
    autocomplete: str = "off"
    repeat_max: int | None = None  # a repeat group of this many at most (its value is a list)
    parts: tuple[FormField, ...] = ()
    when_code: str | None = None   # the code when required_when holds and it is empty (WZBAM101E/102E; default 001E)
    missing_code: str | None = None   # the code when a required field is empty, where the system has its own (243E)

    def __post_init__(self) -> None:
        if not self.api:
            object.__setattr__(self, "api", self.key)

    @property
    def kind(self) -> str:
        return self.spec.kind

    def is_required(self, values: dict[str, Any]) -> bool:
        if self.forbidden_when is not None and self.forbidden_when.holds(values):
            return False
        return self.required or (self.required_when is not None and self.required_when.holds(values))


@dataclass(frozen=True)
class Section:
    key: str
    title: str | None
    intro: str | None
    fields: tuple[FormField, ...]


@dataclass(frozen=True)
class Step:
    key: str
    title: str | None
    sections: tuple[Section, ...]


@dataclass(frozen=True)
class Form:
    key: str
    source: str
    title: str | None
    steps: tuple[Step, ...]
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def fields(self) -> tuple[FormField, ...]:
        return tuple(f for step in self.steps for section in step.sections for f in section.fields)

    def field(self, key: str) -> FormField:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(f"form {self.key!r} has no field {key!r}")

    @property
    def screen_fields(self) -> tuple[FormField, ...]:
        return tuple(f for f in self.fields if f.screen)

    @property
    def always_required(self) -> list[str]:
        """The API properties required whatever the other values (the OpenAPI `required` list)."""
        return [f.api for f in self.fields if f.required and f.forbidden_when is None]

    def csv_columns(self) -> list[tuple[str, str]]:
        """(header, field key) of every field with a bulk-CSV column, in form order; a repeat group
        gives its parts once per repetition, `{n}` in a header standing for the number."""
        out: list[tuple[str, str]] = []
        for f in self.fields:
            if f.repeat_max:
                for n in range(1, f.repeat_max + 1):
                    out += [(p.csv.replace("{n}", str(n)), f"{f.key}[{n - 1}].{p.key}") for p in f.parts if p.csv]
            elif f.csv:
                out.append((f.csv, f.key))
        return out


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "") or value == []


def _label(form: Form, key: str) -> str:
    try:
        return form.field(key).spec.label_ja
    except KeyError:
        return key


def _choice_words(form: Form, cond: Condition) -> str:
    """The condition's value as the screen shows it (「有」, not yes): WZBAM101E's 【選択肢】."""
    from simulator import catalog

    values = [cond.equals] if cond.equals is not None else list(cond.one_of)
    try:
        kind = form.field(cond.field).spec.kind
    except KeyError:
        kind = ""
    if kind.startswith("list:"):
        values = [catalog.list_label(kind.split(":", 1)[1], str(v)) for v in values]
    return "・".join(str(v) for v in values)


def check_rules(form: Form, values: dict[str, Any], problems: Problems, only: list[str] | None = None) -> None:
    """The form's own rules across fields (`[[rules]]` of its file): `one_of = [a, b]` — at least one of them
    (WZBAM105E, e.g. 電話番号 / 携帯電話番号 on 身分事項2)."""
    for rule in form.extra.get("rules", []):
        keys = rule.get("one_of", [])
        if only is not None and not set(keys) & set(only):
            continue
        if keys and all(is_empty(values.get(k)) for k in keys) and not any(problems.has(k) for k in keys):
            params = {f"入力項目{i + 1}": _label(form, k) for i, k in enumerate(keys)}
            for k in keys:
                problems.add(rule.get("code", "WZBAM105E"), k, **params)


def validate_form(form: Form, values: dict[str, Any], problems: Problems, only: list[str] | None = None,
                  ) -> dict[str, Any]:
    """Check the values (keyed by field key) against the form; the cleaned values, with every problem
    added under its field (repeat groups as `group[i].part`). `only` limits the check to some fields."""
    cleaned: dict[str, Any] = {}
    for f in form.fields:
        if only is not None and f.key not in only:
            continue
        raw = values.get(f.key)
        if f.forbidden_when is not None and f.forbidden_when.holds(values) and not is_empty(raw):
            problems.add("WZBAM005E", f.key, 入力項目名=f.spec.label_ja)
            continue
        if (f.when_code and f.required_when is not None and is_empty(raw) and f.required_when.holds(values)
                and not (f.forbidden_when is not None and f.forbidden_when.holds(values))):
            cond = f.required_when
            problems.add(f.when_code, f.key, 入力項目名=_label(form, cond.field), 選択肢=_choice_words(form, cond))
            continue
        if f.repeat_max:   # after the when-rule: a repeat group may be required when another field says so
            items = _check_repeat(f, raw, problems)
            if items is not None:
                cleaned[f.key] = items
            continue
        value = _check_field(f, f.key, raw, f.is_required(values), problems)
        if value is not None:
            cleaned[f.key] = value
    check_rules(form, values, problems, only)
    return cleaned


def _check_field(f: FormField, name: str, raw: Any, required: bool, problems: Problems) -> Any:
    if f.kind.startswith("accept"):
        if required or raw not in (None, False, ""):
            return _validated(f, name, raw, problems)
        return None
    if is_empty(raw):
        if required:
            problems.add(f.missing_code or "WZBAM001E", name)
        return None
    return _validated(f, name, raw, problems)


def _validated(f: FormField, name: str, raw: Any, problems: Problems) -> Any:
    try:
        return validate(f.spec, raw)
    except Invalid as invalid:
        problems.add(invalid.code, name, **invalid.params)
        return None


def _check_repeat(f: FormField, raw: Any, problems: Problems) -> list[dict[str, Any]] | None:
    if is_empty(raw):
        if f.required:
            problems.add("WZBAM001E", f.key)
        return None
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        problems.add("WZBAM005E", f.key, 入力項目名=f.spec.label_ja)
        return None
    if len(raw) > (f.repeat_max or 0):
        problems.add("WZBAM024E", f.key, 入力項目名=f.spec.label_ja, 件数=str(f.repeat_max))
        return None
    out = []
    for i, item in enumerate(raw):
        row = {}
        for part in f.parts:
            value = _check_field(part, f"{f.key}[{i}].{part.key}", item.get(part.key), part.is_required(item),
                                 problems)
            if value is not None:
                row[part.key] = value
        out.append(row)
    return out
