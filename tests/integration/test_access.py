"""One user can never read or change another's data; secrets are stored hashed; test support can
be switched off."""
from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from simulator.adapters.db import Account, Link, LoginSession
from simulator.web.app import create_app
from tests.support.api import PASSWORD, Api, use_edition

OTHER_PASSWORD = "EF24680#"


@pytest.fixture
def two(api: Api) -> tuple[str, str]:
    api.put_certificate(valid_until="2030-03-31")
    api.put_certificate(number="172015200123", kind="scrivener", name="行政花子", birth_date="1985-05-06",
                        valid_until="2030-03-31")
    a = api.register_agent(email="a@example.jp")
    b = api.register_agent(email="b@example.jp", agent_certificate_number="172015200123", name="行政花子",
                           birth_date="1985-05-06")
    return a, b


def rows(app, model, **where):  # noqa: ANN001, ANN201
    with app.extensions["rasim.sessions"]() as db:
        return list(db.scalars(select(model).filter_by(**where)))


def test_each_token_sees_only_its_own_account(api: Api, two):  # noqa: ANN001
    a, b = two
    ta, tb = api.login(a), api.login(b)
    assert api.call("GET", "/api/v1/me", token=ta).get_json()["auth_id"] == a
    assert api.call("GET", "/api/v1/me", token=tb).get_json()["auth_id"] == b
    assert api.call("GET", "/api/v1/session", token=tb).get_json()["auth_id"] == b
    # no way to name another user
    assert api.refused("GET", f"/api/v1/me?auth_id={b}", token=ta, status=400) == ["RASIM400E"]
    assert api.refused("PATCH", "/api/v1/me", {"auth_id": b, "new_phone": "0399999999"}, ta) == ["WZBAM173E"]
    assert api.call("GET", "/api/v1/me", token=tb).get_json()["phone"] == "0312345678"


def test_patch_me_changes_only_the_caller(api: Api, two):  # noqa: ANN001
    a, b = two
    ta, tb = api.login(a), api.login(b)
    before_b = api.call("GET", "/api/v1/me", token=tb).get_json()
    api.call("PATCH", "/api/v1/me", {"new_phone": "0399999999", "new_address_pref_city": "大阪府大阪市",
                                     "new_address_street": "大手前１－１"}, ta, expect=200)
    assert api.call("GET", "/api/v1/me", token=ta).get_json()["phone"] == "0399999999"
    assert api.call("GET", "/api/v1/me", token=tb).get_json() == before_b


def test_logout_ends_only_the_callers_session(api: Api, two):  # noqa: ANN001
    a, b = two
    ta, tb = api.login(a), api.login(b)
    api.call("DELETE", "/api/v1/session", token=ta, expect=200)
    api.call("GET", "/api/v1/me", token=tb, expect=200)
    assert api.refused("GET", "/api/v1/me", token=ta, status=401) == ["RASIM401E"]


def test_an_email_change_link_changes_only_its_own_account(api: Api, two, app):  # noqa: ANN001
    use_edition(app, "2026")   # the edition whose e-mail change goes through a link (003)
    a, b = two
    ta, tb = api.login(a), api.login(b)
    api.call("PATCH", "/api/v1/me", {"new_email": "a2@example.jp", "new_email_confirm": "a2@example.jp"}, ta,
             expect=200)
    link = api.link_token("a2@example.jp", "email_change_confirm")
    # presented by B (with B's session): it still changes A, never B
    api.call("POST", "/api/v1/me/email/confirm", {"token": link}, tb, expect=200)
    assert api.call("GET", "/api/v1/me", token=tb).get_json()["email"] == "b@example.jp"
    assert api.call("GET", "/api/v1/me", token=ta).get_json()["email"] == "a2@example.jp"


def test_a_reset_link_sets_only_its_own_password_and_cannot_be_replayed(api: Api, two):  # noqa: ANN001
    a, b = two
    api.call("POST", "/api/v1/password-reset", {"auth_id": a, "email": "a@example.jp"}, expect=200)
    # B cannot get a reset link sent for A by giving B's address
    assert api.refused("POST", "/api/v1/password-reset", {"auth_id": a, "email": "b@example.jp"}) == ["WZBAM168E"]
    token = api.link_token("a@example.jp", "password_reset_link")
    body = {"token": token, "password": OTHER_PASSWORD, "password_confirm": OTHER_PASSWORD}
    assert api.call("POST", "/api/v1/password-reset/complete", body, expect=200).get_json()["auth_id"] == a
    assert api.refused("POST", "/api/v1/password-reset/complete", body, status=410) == ["RASIM410E"]
    assert api.refused("POST", "/api/v1/password-reset/complete",
                       body | {"password": "GH13579$", "password_confirm": "GH13579$"}, status=410)
    assert api.login(a, OTHER_PASSWORD) and api.login(b, PASSWORD)
    assert api.refused("POST", "/api/v1/session", {"auth_id": a, "password": PASSWORD}) == ["WZBAM270E"]


def test_links_are_bound_to_their_purpose(api: Api, two):  # noqa: ANN001
    a, _ = two
    api.call("POST", "/api/v1/password-reset", {"auth_id": a, "email": "a@example.jp"}, expect=200)
    reset = api.link_token("a@example.jp", "password_reset_link")
    registration = api.link_token("a@example.jp", "registration_received")   # used already
    assert api.refused("POST", "/api/v1/me/email/confirm", {"token": reset}, status=410)
    assert api.refused("POST", "/api/v1/registrations/password",
                       {"token": reset, "password": OTHER_PASSWORD, "password_confirm": OTHER_PASSWORD}, status=410)
    assert api.refused("POST", "/api/v1/password-reset/complete",
                       {"token": registration, "password": OTHER_PASSWORD, "password_confirm": OTHER_PASSWORD},
                       status=410)
    assert api.login(a, PASSWORD)


def test_a_registration_link_sets_only_its_own_account(api: Api, app):  # noqa: ANN001
    api.put_certificate(valid_until="2030-03-31")
    api.put_certificate(number="172015200123", kind="scrivener", name="行政花子", birth_date="1985-05-06",
                        valid_until="2030-03-31")
    from tests.support.api import registration_body

    api.call("POST", "/api/v1/registrations/agent", registration_body(email="a@example.jp"), expect=201)
    api.call("POST", "/api/v1/registrations/agent",
             registration_body("172015200123", email="b@example.jp", name="行政花子", birth_date="1985-05-06"),
             expect=201)
    token_a = api.link_token("a@example.jp", "registration_received")
    done = api.call("POST", "/api/v1/registrations/password",
                    {"token": token_a, "password": PASSWORD, "password_confirm": PASSWORD}, expect=200).get_json()
    assert api.account(done["auth_id"])["email"] == "a@example.jp"
    [b] = rows(app, Account, email="b@example.jp")
    assert b.status == "pending_password" and b.password_hash is None and b.auth_id is None


def test_passwords_are_stored_hashed_with_scrypt(api: Api, app, two):  # noqa: ANN001
    a, b = two
    stored = {acc.auth_id: acc.password_hash for acc in rows(app, Account)}
    for auth_id in (a, b):
        h = stored[auth_id]
        assert h.startswith("scrypt:") and PASSWORD not in h
        method, salt, digest = h.split("$")
        assert len(salt) >= 16 and len(digest) == 128
    assert stored[a] != stored[b], "salted: the same password gives different hashes"
    from werkzeug.security import check_password_hash

    assert check_password_hash(stored[a], PASSWORD)


def test_production_cost_of_the_hash_is_werkzeug_scrypt():
    import importlib
    import os

    from simulator.services import passwords

    saved = os.environ.pop("RASIM_PASSWORD_HASH", None)
    try:
        assert importlib.reload(passwords)._METHOD == "scrypt:32768:8:1"
    finally:
        if saved is not None:
            os.environ["RASIM_PASSWORD_HASH"] = saved
        importlib.reload(passwords)


def test_link_and_session_tokens_are_stored_hashed(api: Api, app, two):  # noqa: ANN001
    a, _ = two
    token = api.login(a)
    [session] = [s for s in rows(app, LoginSession) if s.ended_at is None and s.token_hash ==
                 hashlib.sha256(token.encode()).hexdigest()]
    assert token not in session.token_hash
    link_token = api.link_token("a@example.jp", "registration_received")
    assert all(link_token not in link.token_hash and link_token not in link.payload for link in rows(app, Link))


def test_test_support_can_be_switched_off(db_url, tmp_path):  # noqa: ANN001
    app = create_app({"RASIM_DATABASE_URL": db_url, "RASIM_VAR_DIR": str(tmp_path / "var"), "SECRET_KEY": "t",
                      "RASIM_TEST_SUPPORT": False})
    try:
        c = app.test_client()
        for method, path in (("GET", "/test-support/clock"), ("POST", "/test-support/clock/advance"),
                             ("GET", "/test-support/mails"), ("PUT", "/test-support/registry/agent-certificates"),
                             ("GET", "/test-support/audit"), ("POST", "/test-support/maintenance")):
            r = c.open(path, method=method, json={"days": 1})
            assert r.status_code == 404 and r.get_json()["errors"][0]["code"] == "RASIM423E", path
        assert c.get("/api/v1/system/status").status_code == 200
    finally:
        app.extensions["rasim.engine"].dispose()


def test_test_support_switch_from_the_environment(db_url, tmp_path, monkeypatch):  # noqa: ANN001
    monkeypatch.setenv("RASIM_TEST_SUPPORT", "0")
    monkeypatch.setenv("RASIM_DATABASE_URL", db_url)
    monkeypatch.setenv("RASIM_VAR_DIR", str(tmp_path / "var"))
    app = create_app()
    try:
        assert app.test_client().get("/test-support/clock").status_code == 404
    finally:
        app.extensions["rasim.engine"].dispose()
    monkeypatch.setenv("RASIM_TEST_SUPPORT", "1")
    app = create_app()
    try:
        assert app.test_client().get("/test-support/clock").status_code == 200
    finally:
        app.extensions["rasim.engine"].dispose()


# --- applications: one user never reads or changes another's --------------------------------------------------

def _applications_of_two(api: Api) -> tuple[str, str, dict]:
    """A (lawyer) with an application waiting for its photo and documents, a photo and a companion of
    another one, and an input in progress; B (scrivener) with nothing."""
    from tests.support.application_flow import Flow, jpeg, person, without_card

    api.put_certificate(valid_until="2030-03-31")
    api.put_certificate(number="172015200123", kind="scrivener", name="行政花子", birth_date="1985-05-06",
                        valid_until="2030-03-31")
    ta = api.login(api.register_agent(email="a@example.jp"))
    tb = api.login(api.register_agent(email="b@example.jp", agent_certificate_number="172015200123", name="行政花子",
                                      birth_date="1985-05-06"))
    person(api)
    a = Flow(api, ta)
    mine = a.acquisition(without_card(api), "2024-03-20")
    a.photo(mine["id"], jpeg(), expect=200)
    a.start("work_qualification_certificate")   # an input in progress, STEP1 done
    return ta, tb, mine


def _file_of(op_id: str) -> tuple[bytes, str, str]:
    from tests.support.application_flow import jpeg, pdf

    return {"attachPhoto": (jpeg(200, 260), "image/jpeg", "face.jpg"),
            "attachDocuments": (pdf(), "application/pdf", "documents.pdf")}[op_id]


APPLICATION_BODIES = {"setReceiptMethod": {"card_receipt_method": "counter", "receiving_office": "tokyo"},
                      "startCompanionInput": {"values": {"companion_procedure": "re_entry_permit"}},
                      "submitApplication": {}}


def test_another_users_application_is_not_found_by_any_operation(api: Api, app) -> None:  # noqa: ANN001
    """Every operation on an application id, with another user's id: RASIM404E and nothing changed."""
    from simulator.web.operations import REGISTRY
    from tests.support.application_flow import snapshot

    ta, tb, mine = _applications_of_two(api)
    ops = [op for op in REGISTRY if "<int:application_id>" in op.path and op.prefix != "/test-support"]   # the user's
    assert {op.operation_id for op in ops} >= {"getApplication", "deleteApplication", "attachPhoto", "getPhoto",
                                               "setReceiptMethod", "attachDocuments", "startCompanionInput",
                                               "submitApplication"}
    before = snapshot(app)
    for op in ops:
        path = op.prefix + op.path.replace("<int:application_id>", str(mine["id"]))
        kw: dict = {"headers": {"Authorization": f"Bearer {tb}"}}
        if op.upload:
            data, ctype, name = _file_of(op.operation_id)
            kw |= {"data": data, "content_type": ctype, "query_string": {"filename": name}}
        elif op.body is not None:
            kw["json"] = APPLICATION_BODIES.get(op.operation_id, {})
        r = api.client.open(path, method=op.method, **kw)
        assert r.status_code == 404 and r.get_json()["errors"][0]["code"] == "RASIM404E", (op.operation_id,
                                                                                           r.get_json())
        assert snapshot(app) == before, op.operation_id
    # the same calls by the owner work (so the ids above were right)
    a = api.call("GET", f"/api/v1/applications/{mine['id']}", token=ta, expect=200).get_json()
    assert a["photo_state"] == "registered"
    api.call("GET", f"/api/v1/applications/{mine['id']}/photo", token=ta, expect=200)


def test_another_users_input_and_list_are_out_of_reach(api: Api, app) -> None:  # noqa: ANN001
    from tests.support.application_flow import CONFIRM, identity, snapshot

    ta, tb, mine = _applications_of_two(api)
    before = snapshot(app)
    assert api.refused("GET", "/api/v1/application-input", token=tb, status=404) == ["RASIM442E"]
    assert api.refused("PUT", "/api/v1/application-input/steps/step2_1", {"values": identity()}, tb,
                       status=404) == ["RASIM442E"]
    assert api.refused("POST", "/api/v1/application-input/completion", {"values": CONFIRM}, tb,
                       status=404) == ["RASIM442E"]
    assert api.refused("GET", "/api/v1/applications", token=tb, status=404) == ["WZBAM136E"]
    assert api.refused("GET", "/api/v1/applications?receipt_from=0&procedure=acquisition_of_status", token=tb,
                       status=404) == ["WZBAM136E"]
    assert snapshot(app) == before
    # B starting an input of his own leaves A's input alone
    api.call("POST", "/api/v1/application-input", {"values": {"procedure": "coe", "status_of_residence": "student"}},
             token=tb, expect=201)
    shown = api.call("GET", "/api/v1/application-input", token=ta, expect=200).get_json()
    assert shown["procedure"] == "work_qualification_certificate"
    assert [r["id"] for r in api.call("GET", "/api/v1/applications", token=ta, expect=200).get_json()["rows"]] == [
        mine["id"]]
