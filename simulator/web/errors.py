"""The error body of the design notes, built from the catalogue."""
from __future__ import annotations

from typing import Any

from flask import jsonify

from simulator import catalog
from simulator.domain.errors import Problem, RuleViolation


def problem_json(p: Problem) -> dict[str, Any]:
    msg = catalog.message(p.code)
    ja, en = msg.render(p.params)
    return {"code": p.code, "message": ja, "message_en": en, "field": p.field}


def error_response(v: RuleViolation):  # noqa: ANN201
    body: dict[str, Any] = {"errors": [problem_json(p) for p in v.problems]}
    body.update(v.extra)
    return jsonify(body), v.status


def http_error(code: str, status: int, field: str | None = None, **params: str):  # noqa: ANN201
    return error_response(RuleViolation.one(code, field, status=status, **params))
