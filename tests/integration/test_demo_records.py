"""`rasim seed --demo` seeds the people behind the demo applications (residence records), prints them
(and with --json), stays idempotent, and each demo user can file for them: the demo lawyer and the demo
staff member an application for a foreign national, the demo card holder one of his own."""
from __future__ import annotations

import base64
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from simulator.cli import main
from simulator.services.demo import DEMO_PASSWORD
from simulator.web.app import create_app
from tests.support.api import Api
from tests.support.application_flow import Flow, details_extension, details_wqc, identity, pdf


@pytest.fixture
def seeded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("RASIM_DATABASE_URL", f"sqlite:///{tmp_path}/rasim.sqlite3")
    monkeypatch.setenv("RASIM_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("RASIM_CARDS_DIR", str(tmp_path / "cards"))
    monkeypatch.delenv("RASIM_JPKI_TRUST_DIR", raising=False)
    runs = []
    for _ in range(2):   # idempotent: the second run finds everything there
        result = CliRunner().invoke(main, ["seed", "--demo", "--json"])
        assert result.exit_code == 0, result.output
        runs.append(json.loads(result.output))
    assert runs[0]["residence_records"] == runs[1]["residence_records"]
    text = CliRunner().invoke(main, ["seed", "--demo"])
    assert text.exit_code == 0, text.output
    return {"json": runs[1], "text": text.output, "tmp": tmp_path}


def test_the_demo_people_are_seeded_and_printed(seeded: dict) -> None:
    records = {r["name"]: r for r in seeded["json"]["residence_records"]}
    assert {r["for"] for r in records.values()} >= {"demoforeign01", "demolawyer01", "demohost01"}
    assert records["NGUYEN VAN AN"]["for"] == "demoforeign01"   # the demo card's holder
    today = dt.date.today()
    for r in records.values():
        expires = dt.date.fromisoformat(r["stay_expires_on"])
        assert today < expires <= today + dt.timedelta(days=89), r   # inside the extension window
        assert r["address"] and r["residence_card_number"] in seeded["text"]
    assert "residence records" in seeded["text"] and "横浜市中区" in seeded["text"]


def _app(tmp: Path) -> Any:
    return create_app({"RASIM_DATABASE_URL": f"sqlite:///{tmp}/rasim.sqlite3", "RASIM_VAR_DIR": str(tmp / "var"),
                       "RASIM_CARDS_DIR": str(tmp / "cards"), "SECRET_KEY": "test", "TESTING": True})


def _record(seeded: dict, user: str) -> dict[str, Any]:
    found = next(r for r in seeded["json"]["residence_records"] if r["for"] == user)
    return {"residence_card_number": found["residence_card_number"], "name": found["name"],
            "nationality": found["nationality"], "sex": found["sex"], "birth_date": found["birth_date"],
            "address_municipality": found["address_municipality"], "status_of_residence": found["status_of_residence"],
            "period_of_stay": found["period_of_stay"], "stay_expires_on": found["stay_expires_on"]}


@pytest.mark.parametrize("user", ["demolawyer01", "demohost01"])
def test_a_demo_agent_files_for_a_demo_foreign_national(seeded: dict, user: str) -> None:
    app = _app(seeded["tmp"])
    try:
        api = Api(app.test_client())
        f = Flow(api, api.login(user, DEMO_PASSWORD))
        record = _record(seeded, user)
        f.start("work_qualification_certificate", record["status_of_residence"])
        f.step("step2_1", identity(record))
        f.step("step2_2", details_wqc(record, work_period_from=dt.date.today().isoformat()))
        row = f.complete().get_json()
        assert row["state"] == "input_complete"
        f.documents(row["id"], pdf(), expect=200)
        assert f.submit(row["id"]).get_json()["state"] == "submitted"
    finally:
        app.extensions["rasim.engine"].dispose()


def test_the_demo_card_holder_files_his_own_extension(seeded: dict) -> None:
    from virtual_card.client import JpkiClient
    from virtual_card.demo import DEMO_AUTH_PIN
    from virtual_card.store import CardStore

    app = _app(seeded["tmp"])
    try:
        api = Api(app.test_client())
        card = JpkiClient.in_process(CardStore(seeded["tmp"] / "cards").open_card("demo-foreign-national"))
        made = api.call("POST", "/api/v1/card/challenges", {"purpose": "login"}, expect=201).get_json()
        card.verify_pin("auth", DEMO_AUTH_PIN)
        token = api.call("POST", "/api/v1/session/card", {
            "challenge_id": made["challenge_id"], "auth_id": "demoforeign01", "password": DEMO_PASSWORD,
            "authentication_certificate": base64.b64encode(card.read_certificate("auth")).decode(),
            "signature": base64.b64encode(card.sign(base64.b64decode(made["challenge"]), "auth")).decode()},
            expect=201).get_json()["token"]
        himself = Flow(api, token)
        record = _record(seeded, "demoforeign01")
        himself.start("extension_of_stay", record["status_of_residence"])
        himself.step("step2_1", identity(record))
        # FAQ Q5-11: a 外国人本人's input of this status stops at STEP2-2
        shown = himself.step("step2_2", details_extension(record, agent_name=None) | {"agent_name": "NGUYEN VAN AN"})
        assert shown.get_json()["next_step"] == "step3"
        assert himself.complete().get_json()["state"] == "input_complete"
    finally:
        app.extensions["rasim.engine"].dispose()
