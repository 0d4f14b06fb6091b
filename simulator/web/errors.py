"""The error body of the design notes, built from the catalogue."""
from __future__ import annotations

from typing import Any

from flask import current_app, has_app_context, jsonify

from simulator import catalog
from simulator.domain.errors import Problem, RuleViolation


def problem_json(p: Problem, ed: catalog.Edition | None = None) -> dict[str, Any]:
    msg = catalog.message(p.code)
    ja, en = msg.render(p.params)
    if ed is None:
        ed = catalog.edition(current_app.config["RASIM_EDITION"]) if has_app_context() else catalog.edition()
    out = {"code": p.code, "message": catalog.fill(ja, ed, "ja"), "message_en": catalog.fill(en, ed, "en"),
           "field": p.field}
    reason = p.params.get("理由")
    if reason and reason not in ja:   # why, where the system's message does not say (141E, 143E: which row, what)
        out["reason"] = reason
    return out


def error_response(v: RuleViolation):  # noqa: ANN201
    body: dict[str, Any] = {"errors": [problem_json(p) for p in v.problems]}
    body.update(v.extra)
    return jsonify(body), v.status


def http_error(code: str, status: int, field: str | None = None, **params: str):  # noqa: ANN201
    return error_response(RuleViolation.one(code, field, status=status, **params))
