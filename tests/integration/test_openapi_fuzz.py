"""The OpenAPI document tells the truth: schemathesis generates requests from /api/openapi.json for
every operation (API and test support), anonymously and logged in, and runs all of its checks —
no 5xx, only documented statuses and content types, schema-valid bodies accepted (or refused by a
documented rule: 401, 403, 404, 409, 410, 422, 423, 429), schema-invalid bodies refused, 405 with
`Allow`, authentication not ignored. Bounded (10 generated examples per operation and phase, plus
the coverage phase) and with a fixed seed, so a run is repeatable; a longer run:
`RASIM_FUZZ_EXAMPLES=200 pytest tests/integration/test_openapi_fuzz.py`."""
from __future__ import annotations

import os

import pytest
import schemathesis
from sqlalchemy import select

from tests.support.api import Api
from tests.support.application_flow import Flow, person, without_card

from simulator.adapters.db_applications import Application
from simulator.web import api_applications, api_bulk, test_support_applications  # noqa: F401 - their operations, registered
from simulator.web.operations import REGISTRY

POSITIVE_STATUSES = ["2xx", "3xx", "401", "403", "404", "409", "410", "422", "423", "429", "5xx"]
# a free-form object (the `values` of an input step: its keys are the step's form) cannot say "no NUL
# anywhere inside" in its schema; the system refuses NUL in every text (400), so none is generated there
FREE_FORM = [op.operation_id for op in REGISTRY if any(t == "object" for t in (op.body or {}).values())]
CONFIG = schemathesis.Config.from_dict({
    "seed": 20241129,
    "generation": {"max-examples": int(os.environ.get("RASIM_FUZZ_EXAMPLES", "10")), "database": "none"},
    "checks": {"positive_data_acceptance": {"expected-statuses": POSITIVE_STATUSES}},
    "operations": [{"include-operation-id": op_id, "generation": {"allow-x00": False}} for op_id in FREE_FORM],
})


@pytest.fixture
def api_schema(app):  # noqa: ANN001, ANN201
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app, config=CONFIG)


@pytest.fixture
def token(app) -> str:  # noqa: ANN001
    api = Api(app.test_client())
    api.set_clock("2024-04-01T09:00:00")
    api.put_certificate(valid_until="2030-03-31")
    return api.login(api.register_agent())


@pytest.fixture
def own(app, token: str):  # noqa: ANN001, ANN201
    """The id of an application of the logged-in user in 入力完了(申請未了), waiting for its photo and
    documents (a new one when the walk deleted or submitted the last): generated bodies reach the use
    cases and the upload checks, not only 404."""
    api = Api(app.test_client())
    person(api)
    last = [0]

    def current() -> int:
        with app.extensions["rasim.sessions"]() as db:
            found = db.scalars(select(Application.id).where(Application.state == "input_complete",
                                                            Application.parent_id.is_(None))).first()
        if found is None:
            try:
                name = "HOUMU ADULT" + chr(ord("A") + last[0] % 26) * (1 + last[0] // 26)
                found = Flow(api, token).acquisition(without_card(api, name=name), "2024-03-20")["id"]
            except AssertionError:   # the walk moved the clock or ended the session: any id will do
                found = last[0]
        last[0] = found
        return found

    return current


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
def test_anonymous(case) -> None:  # noqa: ANN001
    case.call_and_validate()


@schema.parametrize()
def test_logged_in(case, token: str, own) -> None:  # noqa: ANN001
    if "application_id" in (case.path_parameters or {}) and case.method != "DELETE":
        case.path_parameters["application_id"] = own()
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"})
