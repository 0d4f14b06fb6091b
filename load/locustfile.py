"""The users of a load run: `locust -f load/locustfile.py --host URL` (test support on at URL).

BulkFiler      uploads a generated file of 300 applicants (a few with planted defects), confirms it, waits
               for the registration, checks the report against the planted defects, then attaches a photo
               and a PDF to each application made and submits it. Always exactly one (fixed_count).
IndividualFiler  one application through the input steps, photo, documents, submission, again and again.
ListBrowser    searches its list (a bulk upload of its own at the start) and pages through it.

Environment: RASIM_LOAD_BULK_ROWS (300), RASIM_LOAD_BULK_DEFECTS (share of defective rows, 0.05),
RASIM_LOAD_BULK_FILERS (how many BulkFilers, 1)."""
from __future__ import annotations

import os
import random
import sys
import uuid
from pathlib import Path

from gevent import get_hub
from locust import HttpUser, between, task

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))   # `locust -f load/locustfile.py` from anywhere

from load.api import FlowError, Filer  # noqa: E402
from simulator.bulk_generate import generate  # noqa: E402
from simulator.bulk_persons import PersonMaker  # noqa: E402

BULK_ROWS = int(os.environ.get("RASIM_LOAD_BULK_ROWS", "300"))
BULK_DEFECTS = float(os.environ.get("RASIM_LOAD_BULK_DEFECTS", "0.05"))
CHOICES = [("extension_of_stay", "professor"), ("change_of_status", "engineer_specialist_humanities_international"),
           ("extension_of_stay", "engineer_specialist_humanities_international")]
BROWSER_ROWS = 25


def made_aside(rows: int, procedure: str, status: str, **kw: object) -> object:
    """`generate` in gevent's thread pool: a 300-row file is a second of CPU, and 20 of them made on the event
    loop at once would starve it — a Locust worker then misses its heartbeats and the master stops the test."""
    return get_hub().threadpool.apply(generate, (rows, procedure, status), kw)


class Staff(HttpUser):
    """A user with an account of its own (所属機関の職員 of a new organisation)."""

    abstract = True

    def on_start(self) -> None:
        self.api = Filer(self.client)
        names = PersonMaker(random.Random(), self.api.today())
        self.auth_id = self.api.sign_up(names.japanese_name(), names.company())

    def file_bulk(self, rows: int, defects: float) -> dict:
        procedure, status = random.choice(CHOICES)
        made = made_aside(rows, procedure, status, defects=defects, today=self.api.today())
        return self.api.file_bulk(made, f"load-{uuid.uuid4().hex[:12]}.csv")


class BulkFiler(Staff):
    fixed_count = int(os.environ.get("RASIM_LOAD_BULK_FILERS", "1"))
    wait_time = between(1, 3)

    @task
    def file_and_submit(self) -> None:
        try:
            done = self.file_bulk(BULK_ROWS, BULK_DEFECTS)
            for application_id in done["application_ids"]:
                self.api.attach_and_submit(application_id)
        except FlowError:
            pass   # counted as a failed request already


class IndividualFiler(Staff):
    weight = 3
    wait_time = between(0.5, 2)

    @task
    def file_one(self) -> None:
        procedure, status = random.choice(CHOICES)
        made = made_aside(1, procedure, status, today=self.api.today())
        try:
            self.api.put_records(made.records)
            self.api.attach_and_submit(self.api.file_individual(made.rows[0].values))
        except FlowError:
            pass


class ListBrowser(Staff):
    weight = 1
    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        super().on_start()
        try:
            self.file_bulk(BROWSER_ROWS, 0.0)
        except FlowError:
            pass

    @task(3)
    def page_through(self) -> None:
        first = self.api.search(page=1)
        for page in range(2, (first["pages"] if first else 0) + 1):
            self.api.search(name="/api/v1/applications?page=[n]", page=page)

    @task(2)
    def search(self) -> None:
        query = random.choice([{"procedure": "extension_of_stay"}, {"state": "input_complete"},
                               {"state": "submitted", "sort": "receipt_number", "order": "asc"},
                               {"procedure": "coe"}, {"sort": "state", "order": "desc"}])
        self.api.search(name="/api/v1/applications?[criteria]", **query)

    @task(1)
    def open_one(self) -> None:
        first = self.api.search(name="/api/v1/applications?[criteria]", state="input_complete")
        if first and first["rows"]:
            row = random.choice(first["rows"])
            self.api.call("GET", f"/api/v1/applications/{row['id']}", name="/api/v1/applications/[id]")
