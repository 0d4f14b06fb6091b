"""A small registry of JSON operations: each route is declared once with its operationId, body
and query schema; the same declaration checks the request and writes /api/openapi.json."""
from __future__ import annotations

import inspect
import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from flask import Blueprint, Response, current_app, jsonify, request

from simulator import catalog
from simulator.domain.errors import RuleViolation
from simulator.domain.validators import json_type_of
from simulator.web.boundary import has_nul
from simulator.web.errors import error_response
from simulator.web.schemas import admits, body_schema, json_type, query_schema

JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,), "boolean": (bool,), "integer": (int,), "number": (int, float), "object": (dict,),
    "array": (list,),
}


@dataclass
class Operation:
    operation_id: str
    method: str
    path: str            # Flask rule relative to the blueprint, e.g. /usage-requests/<int:request_id>
    prefix: str
    summary: str
    tag: str
    body: dict[str, str] | None = None
    required: list[str] = field(default_factory=list)
    query: dict[str, str] = field(default_factory=dict)
    auth: bool = False
    faq: str = ""
    status: int = 200    # the status of success: 201 where something is created
    upload: tuple[str, ...] = ()   # a file in the body, of these media types (not JSON; read by the use case)
    edition_flag: str = ""         # an Edition field: the operation is in an edition's OpenAPI only when it is set

    def __post_init__(self) -> None:
        if self.method in WRITE_METHODS and self.body is None and not self.upload:
            self.body = {}   # a write always takes a JSON object, if only {} (no cross-site form posts)

    @property
    def openapi_path(self) -> str:
        return self.prefix + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", self.path)


REGISTRY: list[Operation] = []
WRITE_METHODS = ("POST", "PUT", "PATCH")
INT_MIN, INT_MAX = -(2**31), 2**31 - 1   # integers of the API are ids and counts: a database INTEGER


class BadRequest(RuleViolation):
    def __init__(self, reason: str, field: str | None = None, code: str = "RASIM400E", status: int = 400):
        from simulator.domain.errors import Problem

        params = {"理由": reason} if code == "RASIM400E" else {}
        super().__init__([Problem(code, field, params)], status=status)


def _no_constant(name: str) -> Any:
    """NaN, Infinity and -Infinity are not JSON (RFC 8259), though Python's parser takes them."""
    raise ValueError(f"{name} is not JSON")


def _read_body(op: Operation) -> dict[str, Any]:
    if op.body is None:
        return {}
    limit = current_app.config.get("RASIM_MAX_REQUEST_BYTES", 1 << 20)
    if request.content_length is not None and request.content_length > limit:
        raise BadRequest("too large", code="RASIM413E", status=413)
    # JSON only, whatever the body: a browser's cross-site form post (form-urlencoded, multipart,
    # text/plain) never reaches a use case, not even one that needs no fields
    if request.mimetype != "application/json":
        raise BadRequest("", code="RASIM415E", status=415)
    raw = request.get_data(cache=True)
    if len(raw) > limit:
        raise BadRequest("too large", code="RASIM413E", status=413)
    if not raw.strip():
        raise BadRequest("the body must be a JSON object ({} when there is nothing to send)")
    else:
        try:
            data = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
            # a lone surrogate (\ud800) decodes but is no character: refuse it here, not deep in a hash or a query
            json.dumps(data, ensure_ascii=False).encode("utf-8")
            nul = has_nul(data)
        except (UnicodeError, ValueError, RecursionError):
            raise BadRequest("malformed JSON") from None
        if nul:   # NUL: no text of the system holds it, and PostgreSQL cannot store it
            raise BadRequest("NUL characters are not allowed")
    if not isinstance(data, dict):
        raise BadRequest("the body must be a JSON object")
    for key, value in data.items():
        if key not in op.body:
            raise BadRequest(f"unknown field {key[:40]!r}", field=key[:40])
        kind = json_type(op.body[key])
        if not isinstance(value, JSON_TYPES[kind]) or (kind in ("integer", "number") and isinstance(value, bool)):
            raise BadRequest(f"{key} must be {kind}" + (" (leave it out rather than null)" if value is None else ""),
                             field=key)
        if kind == "integer" and not (INT_MIN <= value <= INT_MAX):
            raise BadRequest(f"{key} is out of range", field=key)
    return data


def _edition() -> Any:
    return catalog.edition(current_app.config["RASIM_EDITION"])


def refusal_status(op: Operation, v: RuleViolation, body: dict[str, Any] | None) -> int:
    """A use case refuses with 400 what it finds wrong; when the body was well-formed under the
    documented schema, the refusal is of a well-formed request: 422 (the system's code the same)."""
    if v.status == 400 and op.upload:   # any bytes are a well-formed file body (binary in the OpenAPI document)
        return 422
    if v.status != 400 or op.body is None or body is None:
        return v.status
    return 422 if admits(body_schema(op.body, op.required, _edition()), body) else 400


def _read_query(op: Operation) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in request.args.items():
        if key not in op.query:
            raise BadRequest(f"unknown query parameter {key[:40]!r}", field=key[:40])
        if "\x00" in value:
            raise BadRequest("NUL characters are not allowed", field=key)
        schema = query_schema(op.query[key])
        if schema["type"] == "integer":
            if not re.fullmatch(r"-?\d{1,10}", value) or not schema["minimum"] <= int(value) <= schema["maximum"]:
                raise BadRequest(f"{key} must be an integer from {schema['minimum']} to {schema['maximum']}", field=key)
            out[key] = int(value)
        else:
            if len(value) > schema["maxLength"]:
                raise BadRequest(f"{key} is longer than {schema['maxLength']} characters", field=key)
            out[key] = value
    return out


def form_body(form_key: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The body of an operation that takes a form: one property per field, typed by its kind."""
    declared = {f.api: json_type_of(f.kind) for f in catalog.form(form_key).fields}
    return declared | (extra or {})


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return header[7:].strip()
    return None


def operation(bp: Blueprint, prefix: str, method: str, path: str, operation_id: str, summary: str, tag: str,
              body: dict[str, str] | None = None, required: list[str] | None = None,
              query: dict[str, str] | None = None, auth: bool = False, faq: str = "", status: int = 200,
              form: str | None = None, upload: tuple[str, ...] = (), edition_flag: str = "") -> Callable:
    """Declare a JSON operation. With `form`, the body and its required properties come from the form
    declaration of catalog/forms/ (never typed twice); `body` may add properties of its own."""
    if form is not None:
        body, required = form_body(form, body), list(required or []) + catalog.form(form).always_required
    op = Operation(operation_id, method, path, prefix, summary, tag, body, required or [], query or {}, auth, faq,
                   status, upload, edition_flag)
    REGISTRY.append(op)

    def decorator(fn: Callable[..., Any]) -> Callable[..., Any]:
        takes_body = "body" in inspect.signature(fn).parameters

        def view(**path_args: Any):  # noqa: ANN202
            try:
                if any(isinstance(v, int) and not INT_MIN <= v <= INT_MAX or isinstance(v, str) and "\x00" in v
                       for v in path_args.values()):
                    raise RuleViolation.one("RASIM404E")   # no row can have that id
                kwargs: dict[str, Any] = dict(path_args)
                body = None
                if op.upload and request.mimetype not in op.upload:
                    raise BadRequest("", code="RASIM416E", status=415)
                if op.body is not None:
                    body = _read_body(op)
                    if takes_body:
                        kwargs["body"] = body
                if op.query:
                    kwargs["query"] = _read_query(op)
                elif request.args:
                    raise BadRequest("this operation takes no query parameters")
                if op.auth:
                    token = bearer_token()
                    if not token:
                        raise RuleViolation.one("RASIM401E")
                    kwargs["token"] = token
                try:
                    result = fn(**kwargs)
                except RuleViolation as refused:
                    refused.status = refusal_status(op, refused, body)
                    raise
            except RuleViolation as v:
                return error_response(v)
            if isinstance(result, Response):   # a file (a photo), not JSON
                return result
            return jsonify(result), op.status

        view.__name__ = operation_id
        bp.add_url_rule(path, endpoint=operation_id, view_func=view, methods=[method])
        return fn

    return decorator


def openapi(title: str, version: str, ed: Any, prefixes: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The OpenAPI document of the operations under `prefixes` (all when None), for edition `ed`."""
    paths: dict[str, dict[str, Any]] = {}
    error_schema = {"$ref": "#/components/schemas/Errors"}
    for op in REGISTRY:
        if prefixes is not None and op.prefix not in prefixes:
            continue
        if op.edition_flag and not getattr(ed, op.edition_flag):
            continue   # a flow the edition does not have (its use case answers with the system's code)
        item: dict[str, Any] = {
            "operationId": op.operation_id, "summary": op.summary, "tags": [op.tag],
            "responses": {
                str(op.status): {"description": "Created" if op.status == 201 else "OK",
                                 "content": {"application/json": {"schema": {"type": "object"}}}},
                "4XX": {"description": "Refused with the system's own codes: 400 a body the schema refuses, "
                                       "401 not logged in or a wrong password, 403 not allowed, 404 not found, "
                                       "409 a conflicting state, 410 a link that expired or was used, "
                                       "415 not JSON, 422 a well-formed body the system's rules refuse, "
                                       "423 a locked account, 429 too many requests",
                        "content": {"application/json": {"schema": error_schema}}},
            },
        }
        if op.faq:
            item["x-faq"] = op.faq
        params = [{"name": n, "in": "path", "required": True, "schema": {"type": "integer" if f"int:{n}" in op.path
                                                                           else "string"}}
                  for n in re.findall(r"<(?:\w+:)?(\w+)>", op.path)]
        params += [{"name": n, "in": "query", "required": False, "schema": query_schema(t)} for n, t in op.query.items()]
        if params:
            item["parameters"] = params
        if op.upload:
            item["requestBody"] = {"required": True, "content": {
                t: {"schema": {"type": "string", "format": "binary"}} for t in op.upload}}
        if op.body is not None:
            item["requestBody"] = {"required": op.method in WRITE_METHODS or bool(op.required), "content": {
                "application/json": {"schema": body_schema(op.body, op.required, ed)}}}
        if op.auth:
            item["security"] = [{"session": []}]
        paths.setdefault(op.openapi_path, {})[op.method.lower()] = item
    return {
        "openapi": "3.0.3",
        "info": {"title": title, "version": version},
        "paths": paths,
        "components": {
            "securitySchemes": {"session": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Errors": {"type": "object", "required": ["errors"], "properties": {"errors": {
                "type": "array", "items": {"type": "object", "properties": {
                    "code": {"type": "string"}, "message": {"type": "string"}, "message_en": {"type": "string"},
                    "field": {"type": "string", "nullable": True},
                    "reason": {"type": "string", "description": "rasim: why, where the message does not say"}}}}}}},
        },
    }
