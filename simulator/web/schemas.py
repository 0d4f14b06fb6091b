"""JSON Schemas of request bodies, derived from the operation's declaration and, for every field the
catalogue knows (catalog/fields.csv), from the catalogue: lengths, choices, dates, digits, the
edition's password lengths. The same schema is written into /api/openapi.json and decides the
status of a refusal: a body the schema refuses is malformed (400); a body it admits but the
system's rules refuse is well-formed and refused (422), with the system's own code either way."""
from __future__ import annotations

from typing import Any

from jsonschema import Draft7Validator, FormatChecker

from simulator import catalog
from simulator.catalog import Edition

NO_NUL = r"^[^\x00]*$"   # no text of the system holds a NUL (and PostgreSQL cannot store one)
_DIGITS = r"^\s*[0-9]+\s*$"   # the system trims what is typed around the digits


def _catalogue_field(key: str, ed: Edition | None = None) -> catalog.FieldSpec | None:
    try:
        return catalog.field(key, ed)
    except KeyError:
        return None


def property_schema(key: str, declared: str | dict[str, Any], ed: Edition, required: bool) -> dict[str, Any]:
    """The schema of one body property: the declaration (a JSON type, or a schema of its own),
    refined by the catalogue's field of the same name."""
    schema: dict[str, Any] = dict(declared) if isinstance(declared, dict) else {"type": declared}
    spec = _catalogue_field(key, ed) if schema.get("type") == "string" else None
    if spec is not None:
        _refine(schema, spec, ed)
    if schema.get("type") == "integer":
        schema.setdefault("minimum", -(2**31))
        schema.setdefault("maximum", 2**31 - 1)
    if schema.get("type") == "string":
        if required:
            schema.setdefault("minLength", 1)
        schema.setdefault("pattern", NO_NUL)
        if "maxLength" not in schema and "enum" not in schema and "format" not in schema:
            schema["maxLength"] = 1000
    if spec is not None and spec.kind.startswith("accept"):
        schema = {"type": "boolean"}
    return schema


def _refine(schema: dict[str, Any], spec: catalog.FieldSpec, ed: Edition) -> None:
    if spec.kind.startswith(("choice:", "list:")):
        schema["enum"] = spec.choices
    elif spec.kind == "category":
        schema["enum"] = [c.key for c in catalog.categories()]
    elif spec.kind == "date":
        schema["format"] = "date"
    elif spec.kind == "digits":
        schema["pattern"] = _DIGITS
    elif spec.kind in ("password", "password_confirm"):
        schema["maxLength"] = ed.password_max
    if spec.max_len and spec.kind not in ("password", "password_confirm"):
        schema["maxLength"] = spec.max_len
    if spec.exact_len and spec.kind != "agent_certificate":
        schema["maxLength"] = spec.exact_len


def query_schema(declared: str | dict[str, Any]) -> dict[str, Any]:
    """A query parameter: integers are ids and counts (0 … 999,999,999 unless declared), text at
    most 200 characters without NUL."""
    schema: dict[str, Any] = dict(declared) if isinstance(declared, dict) else {"type": declared}
    if schema["type"] == "integer":
        schema.setdefault("minimum", 0)
        schema.setdefault("maximum", 999_999_999)
    else:
        schema.setdefault("maxLength", 200)
        schema.setdefault("pattern", NO_NUL)
    return schema


def body_schema(body: dict[str, Any], required: list[str], ed: Edition) -> dict[str, Any]:
    return {"type": "object", "additionalProperties": False,
            "properties": {k: property_schema(k, t, ed, k in required) for k, t in body.items()},
            **({"required": list(required)} if required else {})}


def form_schema(form: Any, ed: Edition) -> dict[str, Any]:
    """The JSON Schema of an API body that carries a form (domain.forms.Form)."""
    from simulator.domain.validators import json_type_of

    return body_schema({f.api: json_type_of(f.kind) for f in form.fields}, form.always_required, ed)


def json_type(declared: str | dict[str, Any]) -> str:
    return declared["type"] if isinstance(declared, dict) else declared


def admits(schema: dict[str, Any], value: Any) -> bool:
    """True when `value` is valid under `schema` (formats such as date checked too)."""
    return Draft7Validator(schema, format_checker=FormatChecker()).is_valid(value)
