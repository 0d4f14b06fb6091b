"""A property of the state machine, in both editions: random sequences of what the bureau and the user may try
on an application (the bureau's actions, submission, the receipt method, the photo and documents, 修正する,
受領登録, the clock moving on) never give a 5xx; a refused operation leaves the application as it was; and the
stored state is always one of the edition's states, every recorded move one the catalogue allows
(catalog/application_transitions.csv, or a bureau action that keeps the state). Bounded: 25 sequences of up to
12 steps per edition (derandomised); `RASIM_PROPERTY_EXAMPLES` runs more."""
from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.adapters.db_applications import Application
from simulator.adapters.db_decisions import Transition
from simulator.domain.applications import next_state
from simulator.domain.lifecycle import bureau_actions, states
from tests.support.api import Api, use_edition
from tests.support.application_flow import Flow, details_coe, identity_coe, jpeg, pdf, rows
from tests.support.bulk_flow import ACTIVITY

EXAMPLES = int(os.environ.get("RASIM_PROPERTY_EXAMPLES", "25"))
BUREAU = sorted({a for ed in ("2024", "2026") for a in bureau_actions(ed)})
USER = ["submit", "receipt_post", "receipt_counter", "photo", "documents", "resubmit", "coe_receipt", "next_day"]
OPERATIONS = st.lists(st.one_of(st.sampled_from([("bureau", a) for a in BUREAU]),
                                st.sampled_from([("user", u) for u in USER])), min_size=1, max_size=12)



def _user_op(f: Flow, op: str, app_id: int) -> Any:
    if op == "submit":
        return f.submit(app_id, expect=None)
    if op == "receipt_post":
        return f.call("PUT", f"/api/v1/applications/{app_id}/receipt-method", {"coe_receipt_method": "post"})
    if op == "receipt_counter":   # a COE has no counter: refused by the method rules, never by a crash
        return f.call("PUT", f"/api/v1/applications/{app_id}/receipt-method", {"coe_receipt_method": "mail"})
    if op == "photo":
        return f.photo(app_id, jpeg())
    if op == "documents":
        return f.documents(app_id, pdf())
    if op == "resubmit":
        return f.call("POST", f"/api/v1/applications/{app_id}/resubmission")
    if op == "coe_receipt":
        coes = f.call("GET", "/api/v1/electronic-coes", expect=200).get_json()["coes"]
        return f.call("POST", f"/api/v1/electronic-coes/{coes[0]['id']}/receipt") if coes else None
    raise AssertionError(op)


def _check(app: Any, edition: str, app_id: int) -> Application:
    found = rows(app, Application, id=app_id)[0]
    assert found.state in states(edition), found.state
    for t in rows(app, Transition, application_id=app_id):
        if t.event in bureau_actions(edition):   # an action that keeps the state (2024 追完)
            assert t.from_state == t.to_state, (t.event, t.from_state, t.to_state)
        else:
            assert next_state(edition, t.from_state, t.event) == t.to_state, (t.event, t.from_state, t.to_state)
    return found


@pytest.mark.parametrize("edition", ["2024", "2026"])
def test_random_sequences_keep_the_state_machine(app: Any, api: Api, edition: str) -> None:
    person_api = api
    person_api.put_certificate(valid_until="2030-03-31")
    auth_id = person_api.register_agent(email="lawyer@example.jp")
    use_edition(app, edition)
    made = {"n": 0}

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(st.booleans(), OPERATIONS)
    def walk(prepared: bool, operations: list[tuple[str, str]]) -> None:
        f = Flow(api, api.login(auth_id))
        f.start("coe", "professor")
        f.step("step2_1", identity_coe(applicant_name="HOUMU," + "".join(
            chr(65 + made["n"] // 26 ** i % 26) for i in range(3))))
        f.step("step2_2", details_coe())
        f.step("step2_3", ACTIVITY)
        app_id = f.complete().get_json()["id"]
        made["n"] += 1
        if prepared:   # from 審査中, so that the walk reaches the decisions too
            operations = [("user", "photo"), ("user", "submit"), ("user", "next_day"),
                          ("bureau", "start_examination"), *operations]
        for kind, op in operations:
            before = rows(app, Application, id=app_id)[0]
            if kind == "bureau":
                r = api.call("POST", f"/test-support/bureau/applications/{app_id}/actions", {"action": op})
            elif op == "next_day":
                api.advance(days=1)
                f.token = api.login(auth_id)
                r = None
            else:
                r = _user_op(f, op, app_id)
            if r is not None:
                assert r.status_code < 500, (op, r.status_code, r.get_data(as_text=True)[:300])
                if r.status_code >= 400:
                    after = rows(app, Application, id=app_id)[0]
                    assert (after.state, after.photo_state, after.document_state) == (
                        before.state, before.photo_state, before.document_state), (op, r.get_json())
            seen.add(_check(app, edition, app_id).state)

    seen: set[str] = set()
    walk()
    assert made["n"] >= EXAMPLES // 2
    # the walk went past submission into the bureau's decisions (else it proves little)
    assert {"under_examination", "completed"} <= seen, seen
