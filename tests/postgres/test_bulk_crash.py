"""Issue 11 point 9: a server killed in the middle of a bulk batch leaves no half batch. Two gunicorn workers
on PostgreSQL; a 300-row file is queued; while a worker registers it (paced by test support so the batch
takes seconds) every worker process is killed with SIGKILL; the master starts new ones; the batch is
registered again from the start by the ticker of a new worker: 300 applications, each person once, and
the error item or nothing."""
from __future__ import annotations

import datetime as dt
import os
import signal
import time
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from conformance.server import SimulatorServer
from simulator.bulk_generate import generate, put_records
from tests.postgres.test_multiprocess import Http, register_lawyer

pytestmark = pytest.mark.postgres


def children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def test_a_batch_killed_midway_is_registered_whole_after_restart(served: SimulatorServer) -> None:
    http = Http(served.url)
    http.call("POST", "/test-support/clock/set", {"now": "2024-04-01T09:00:00"}, expect=200)
    token = http.call("POST", "/api/v1/session", {"auth_id": register_lawyer(http, "bulk@example.jp", "132010700088"),
                                                   "password": "AB12345!"}, expect=201).json()["token"]
    auth = {"Authorization": f"Bearer {token}", "Connection": "close"}

    def call(method: str, path: str, expect: int, **kw: object) -> dict:
        r = requests.request(method, served.url + path, headers={**auth, **kw.pop("headers", {})}, timeout=60, **kw)
        assert r.status_code == expect, (path, r.status_code, r.text[:500])
        return r.json()

    made = generate(300, "extension_of_stay", "professor", category="lawyer", defects=0.05, seed=11,
                    today=dt.date(2024, 4, 1))
    put_records(served.url, made.records)
    bulk = call("POST", "/api/v1/bulk-inputs", 201, data=made.csv, params={**made.step1, "filename": "教授.csv"},
                headers={"Content-Type": "text/csv"})
    http.call("POST", "/test-support/faults/bulk-registration-pace", {"row_delay_ms": 20}, expect=200)
    call("POST", f"/api/v1/bulk-inputs/{bulk['id']}/completion", 202, json={"bulk_confirmed": True, "kept_copy": True})

    engine = sa.create_engine(served.database_url)

    def held_by_a_worker() -> bool:
        """The due batch is locked (FOR UPDATE) by a worker's open transaction: it is being registered."""
        with engine.connect() as db:
            due = db.execute(sa.text("select count(*) from scheduled_events where fired_at is null")).scalar()
            free = db.execute(sa.text("select id from scheduled_events where fired_at is null "
                                      "for update skip locked")).all()
            db.rollback()
        return due > 0 and len(free) < due

    deadline = time.monotonic() + 10   # a worker's ticker takes the batch within a second or so
    while not held_by_a_worker():
        assert time.monotonic() < deadline, "no worker took the batch within 10 s"
        time.sleep(0.1)
    time.sleep(1.0)   # well into the batch (6 s at 20 ms a row)
    assert held_by_a_worker(), "the batch was registered before the kill: the test proves nothing"
    workers = children(served.process.pid)
    assert len(workers) == 2, workers
    for pid in workers:
        os.kill(pid, signal.SIGKILL)

    try:
        with engine.connect() as db:
            assert db.execute(sa.text("select count(*) from applications")).scalar() == 0
            assert db.execute(sa.text("select state from bulk_inputs")).scalar() == "queued"
        http.call("POST", "/test-support/faults/bulk-registration-pace", {"row_delay_ms": 0}, expect=200)
        deadline = time.monotonic() + 60
        while True:   # the new workers register it again, from the start
            state = call("GET", f"/api/v1/bulk-inputs/{bulk['id']}", 200)
            if state["state"] == "processed" or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert state["state"] == "processed", state
        planted = {d.line for d in made.defects}
        assert (state["accepted"], state["defective"]) == (300 - len(planted), len(planted))
        with engine.connect() as db:
            apps = db.execute(sa.text("select state, record_id from applications where bulk_input_id = :b"),
                              {"b": bulk["id"]}).all()
        sound = [a.record_id for a in apps if a.state == "input_complete"]
        assert len(sound) == 300 - len(planted) and len(set(sound)) == len(sound)   # each person once
        assert [a.state for a in apps].count("bulk_error") == (1 if planted else 0)
    finally:
        engine.dispose()
