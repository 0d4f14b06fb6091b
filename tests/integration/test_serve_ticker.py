"""Issue 11 point 8: `rasim serve` answers through gunicorn even with one worker, and its ticker fires what
falls due with no request to carry it: a queued bulk batch is registered while nobody asks (the SQLite
file is read directly, not through the server). With RASIM_TICK_SECONDS=0 the same batch waits for the
next request — which proves it is the ticker that did it."""
from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from conformance.server import SimulatorServer
from simulator.bulk_generate import generate, put_records
from tests.postgres.test_multiprocess import Http, register_lawyer


def queue_a_batch(served: SimulatorServer) -> tuple[int, dict[str, str]]:
    http = Http(served.url)
    http.call("POST", "/test-support/clock/set", {"now": "2024-04-01T09:00:00"}, expect=200)
    token = http.call("POST", "/api/v1/session", {"auth_id": register_lawyer(http, "tick@example.jp", "132010700089"),
                                                   "password": "AB12345!"}, expect=201).json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    made = generate(5, "extension_of_stay", "professor", category="lawyer", seed=4, today=dt.date(2024, 4, 1))
    put_records(served.url, made.records)
    r = requests.post(served.url + "/api/v1/bulk-inputs", data=made.csv, params={**made.step1, "filename": "教授.csv"},
                      headers={**auth, "Content-Type": "text/csv"}, timeout=60)
    assert r.status_code == 201, r.text[:500]
    bulk = r.json()["id"]
    r = requests.post(f"{served.url}/api/v1/bulk-inputs/{bulk}/completion", json={"bulk_confirmed": True, "kept_copy": True},
                      headers=auth, timeout=60)
    assert r.status_code == 202, r.text[:500]
    return bulk, auth


def state_in_the_file(served: SimulatorServer, bulk: int) -> str:
    engine = sa.create_engine(served.database_url)
    try:
        with engine.connect() as db:
            return db.execute(sa.text("select state from bulk_inputs where id = :b"), {"b": bulk}).scalar()
    finally:
        engine.dispose()


@pytest.mark.parametrize("tick", ["1", "0"])
def test_the_ticker_registers_a_queued_batch_without_a_request(tick: str) -> None:
    with SimulatorServer(env={"RASIM_TICK_SECONDS": tick, "RASIM_PASSWORD_HASH": "scrypt:16384:8:1"}) as served:
        assert "gunicorn" in requests.get(served.url + "/", timeout=30).headers.get("Server", "")
        bulk, auth = queue_a_batch(served)
        deadline = time.monotonic() + 8
        while state_in_the_file(served, bulk) != "processed" and time.monotonic() < deadline:
            time.sleep(0.2)
        if tick == "1":
            assert state_in_the_file(served, bulk) == "processed"
        else:
            assert state_in_the_file(served, bulk) == "queued"
            r = requests.get(f"{served.url}/api/v1/bulk-inputs/{bulk}", headers=auth, timeout=60)  # a request runs it
            assert r.json()["state"] == "processed"


def test_a_tick_that_is_no_number_is_a_clear_error(tmp_path) -> None:  # noqa: ANN001
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "simulator.cli", "serve", "--no-migrate", "--no-card-stack"],
                          capture_output=True, text=True, timeout=60, cwd=Path(__file__).resolve().parents[2],
                          env={"PATH": "/usr/bin:/bin", "RASIM_TICK_SECONDS": "soon", "RASIM_VAR_DIR": str(tmp_path)})
    assert done.returncode == 1
    assert "RASIM_TICK_SECONDS='soon' is not a number of seconds" in done.stderr
