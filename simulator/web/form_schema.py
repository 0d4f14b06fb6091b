"""A form declaration as JSON for API clients: what each input step asks, so that a vendor's product
can build its own screens (fields, labels, kinds, lengths, options, conditions, repeat groups, rules)."""
from __future__ import annotations

from typing import Any

from simulator import catalog
from simulator.domain.errors import RuleViolation
from simulator.domain.validators import json_type_of

PUBLISHED_PREFIXES = ("application_", "identity", "details_", "activity_", "hsp_points", "companion_", "receipt_method")


def _condition(c: Any) -> dict[str, Any] | None:
    if c is None:
        return None
    out: dict[str, Any] = {"field": c.field}
    if c.filled is not None:
        out["filled"] = c.filled
    elif c.one_of:
        out["in"] = list(c.one_of)
    else:
        out["equals"] = c.equals
    return out


def _options(spec: catalog.FieldSpec) -> list[dict[str, str]] | None:
    if spec.kind.startswith("list:"):
        return [{"value": i.value, "label_ja": i.label_ja, "label_en": i.label_en}
                for i in catalog.choice_list(spec.kind.split(":", 1)[1])]
    if spec.kind.startswith("choice:"):
        return [{"value": v} for v in spec.choices]
    return None


def _field(f: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"key": f.key, "label_ja": f.spec.label_ja, "label_en": f.spec.label_en,
                           "kind": f.spec.kind.split(":", 1)[0], "type": json_type_of(f.kind),
                           "required": f.required, "item": f.item}
    for name, value in (("max_length", f.spec.max_len), ("exact_length", f.spec.exact_len),
                        ("required_when", _condition(f.required_when)), ("when_code", f.when_code),
                        ("forbidden_when", _condition(f.forbidden_when)), ("options", _options(f.spec))):
        if value is not None:
            out[name] = value
    if f.repeat_max:
        out["type"], out["repeat_max"] = "array", f.repeat_max
        out["parts"] = [_field(p) for p in f.parts]
    return out


def describe_form(key: str, ed: catalog.Edition | None = None) -> dict[str, Any]:
    """The form as the edition `ed` declares it (its catalog/forms overlay: limits, items)."""
    if not key.startswith(PUBLISHED_PREFIXES) or key not in catalog.form_names():
        raise RuleViolation.one("RASIM404E", "form_key")
    form = catalog.form(key, ed)
    return {"key": form.key, "source": form.source,
            "steps": [{"key": s.key, "sections": [{"key": sec.key, "fields": [_field(f) for f in sec.fields]}
                                                  for sec in s.sections]} for s in form.steps],
            "rules": form.extra.get("rules", [])}
