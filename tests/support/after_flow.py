"""Helpers of the tests of what follows submission: a lawyer who logs in again after the clock moved on, a
就労資格証明書交付申請 submitted and numbered, a COE with e-mail receipt submitted and numbered, the bureau's
actions over test support."""
from __future__ import annotations

from typing import Any

from tests.support.api import Api
from tests.support.application_flow import Flow, details_coe, identity_coe, jpeg, person
from tests.support.bulk_flow import ACTIVITY


def lawyer_flow(api: Api) -> Flow:
    """A lawyer logged in (its 認証ID kept to log in again), the default person in the registry."""
    person(api)
    api.put_certificate(valid_until="2030-03-31")
    flow = Flow(api, "")
    flow.auth_id = api.register_agent(email="lawyer@example.jp")   # type: ignore[attr-defined]
    flow.token = api.login(flow.auth_id)   # type: ignore[attr-defined]
    return flow


def later(f: Flow, **delta: float) -> None:
    """The clock moved on: what fell due has fired; the user logs in again (the session has timed out)."""
    f.api.advance(**delta)
    f.token = f.api.login(f.auth_id)   # type: ignore[attr-defined]


def act(api: Api, application_id: int, action: str, expect: int | None = 200) -> Any:
    return api.call("POST", f"/test-support/bureau/applications/{application_id}/actions", {"action": action},
                    expect=expect)


def submitted_wqc(f: Flow, api: Api, **step1: Any) -> int:
    """A 就労資格証明書交付申請 (no photo), submitted and numbered the next day."""
    app_id = f.wqc(**step1)["id"]
    f.submit(app_id)
    later(f, days=1)
    assert f.row(app_id)["receipt_number"]
    return app_id


def codes(r: Any) -> list[str]:
    return [e["code"] for e in r.get_json()["errors"]]


def coe_submitted(f: Flow, api: Api) -> int:
    f.start("coe", "professor")
    f.step("step2_1", identity_coe())
    f.step("step2_2", details_coe())
    f.step("step2_3", ACTIVITY)
    app_id = f.complete().get_json()["id"]
    f.photo(app_id, jpeg(), expect=200)
    f.submit(app_id)
    later(f, days=1)
    return app_id


