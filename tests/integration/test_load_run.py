"""Issue 11 point 7: `rasim load run` end to end, short (PostgreSQL it starts itself, `rasim serve` with 2
gunicorn workers, Locust headless in distributed mode with one local worker process, the invariants); and
the invariants themselves, each shown to fail when what it names is broken (on a real bulk batch in
process)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from simulator import load_invariants as inv
from simulator.adapters.db import Mail
from simulator.adapters.db_applications import Application
from tests.support.api import Api
from tests.support.application_flow import lawyer
from tests.support.bulk_flow import Bulk, csv_of, professor, row_values

ROOT = Path(__file__).resolve().parents[2]


def test_a_short_load_run_passes_every_invariant(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "simulator.cli", "load", "run", "--users", "3", "--duration", "12",
                           "--bulk-rows", "20", "--workers", "2", "--locust-workers", "1", "--csv-dir", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
                          env={**os.environ, "RASIM_PASSWORD_HASH": "scrypt:16384:8:1"})
    out = done.stdout + done.stderr
    assert done.returncode == 0, out[-6000:]
    assert "Locust: 3 users for 12 s, 1 worker processes" in out
    assert re.search(r"^\s+Aggregated\s+\d+\s+0\(0\.00%\)", out, re.M), out[-4000:]   # Locust's table
    assert re.search(r"^figures: \d+ requests, [\d.]+/s, median \d+ ms, 95% \d+ ms, .*; uploads \(POST /api/v1/bulk-inputs\): "
                     r"\d+, median \d+ ms, 95% \d+ ms$", out, re.M), out[-3000:]
    for name in ("every confirmed upload processed", "accepted rows = stored applications of the bulk uploads",
                 "every defective row reported once", "no person twice in progress", "every mail sent exactly once",
                 "no 5xx in Locust's stats", "no failed request, check or task"):
        assert f"[pass] {name}:" in out, (name, out[-3000:])
    assert "load run: every invariant holds" in out
    assert (tmp_path / "locust_stats.csv").exists()



def invariants(app: Any, prefix: Path) -> dict[str, inv.Invariant]:
    with app.extensions["rasim.sessions"]() as db:
        return {i.name: i for i in inv.all_invariants(db, prefix)}


def test_each_invariant_fails_when_what_it_names_is_broken(app: Any, api: Api, tmp_path: Path) -> None:
    b = Bulk(api, lawyer(api))
    people = [professor(api, c, n) for c, n in (("AB12345678CD", "SATO HANAKO"), ("AB12345679CD", "NGUYEN VAN AN"))]
    done = b.file(csv_of([row_values(people[0]), row_values(people[1], step2_1={"home_town": "Hanoi"})]))
    api.advance(minutes=5)   # the error mail
    prefix = tmp_path / "locust"
    Path(f"{prefix}_stats.csv").write_text("Type,Name,Request Count,Failure Count\n,Aggregated,10,0\n", encoding="utf-8")
    found = invariants(app, prefix)
    assert all(i.ok for i in found.values()), [i.line() for i in found.values() if not i.ok]

    engine = app.extensions["rasim.engine"]
    with engine.begin() as db:   # a mail twice
        mail = db.execute(sa.select(Mail.__table__).where(Mail.kind == "bulk_registration_error")).mappings().one()
        db.execute(sa.insert(Mail.__table__).values({k: v for k, v in mail.items() if k != "id"}))
    assert not invariants(app, prefix)["every mail sent exactly once"].ok
    with engine.begin() as db:   # an accepted row without its application
        db.execute(sa.delete(Application.__table__).where(Application.id == done["application_ids"][0]))
    assert not invariants(app, prefix)["accepted rows = stored applications of the bulk uploads"].ok
    with engine.begin() as db:   # the defective row reported twice
        raw = db.execute(sa.text("select defects_json from bulk_inputs")).scalar()
        db.execute(sa.text("update bulk_inputs set defects_json = :d"), {"d": raw[:-1] + "," + raw[1:]})
    assert not invariants(app, prefix)["every defective row reported once"].ok
    with engine.begin() as db:   # an upload left queued
        db.execute(sa.text("update bulk_inputs set state = 'queued'"))
    assert not invariants(app, prefix)["every confirmed upload processed"].ok
    Path(f"{prefix}_failures.csv").write_text("Method,Name,Error,Occurrences\nPOST,/api/v1/bulk-inputs,"
                                              "HTTP 500: boom,1\n", encoding="utf-8")
    found = invariants(app, prefix)
    assert not found["no 5xx in Locust's stats"].ok and not found["no failed request, check or task"].ok
