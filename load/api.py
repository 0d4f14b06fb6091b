"""What a load user does over the API, on Locust's HTTP client: its own account (a usage request the bureau
approves through test support, the password from the mail's link: nothing shared with another user, so
any number of them may sign up at once), the residence records of its applicants, a bulk upload from
upload to registration, an individual input STEP1 → STEP3, the photo, the documents, the submission,
the list. Requests are named by route ("/api/v1/applications/[id]/photo") so Locust's table adds them up;
a check of what the server answered is reported to Locust as a request of type CHECK."""
from __future__ import annotations

import datetime as dt
import re
import time
import uuid
from typing import Any

from locust import events
from locust.exception import StopUser
from locust.runners import STATE_CLEANUP, STATE_STOPPED, STATE_STOPPING

from load import files
from simulator.bulk_generate import BATCH

PASSWORD = "Ld12345!"
TS = "/test-support"
CONFIRM_INPUT = {"confirmed_with_representative": True, "kept_copy": True}
CONFIRM_BULK = {"bulk_confirmed": True, "kept_copy": True}
POLL_SECONDS, PROCESS_TIMEOUT = 0.5, 600.0


class FlowError(Exception):
    """A step answered what the flow cannot go on from (already counted as a failed request)."""


def check(name: str, ok: bool, detail: str = "") -> None:
    """A check of the answers, in Locust's table as request type CHECK (a failure when it does not hold)."""
    events.request.fire(request_type="CHECK", name=name, response_time=0, response_length=0,
                        exception=None if ok else AssertionError(detail[:500]), context={})


def stopping(client: Any) -> bool:
    """True once Locust is stopping its users (the time is up): a request that then gets no answer at all (status
    0: the connection cut while the user is stopped) is no failure of the server. Any other status, and a status
    0 while the run goes on, still count."""
    user = getattr(client, "user", None)
    runner = getattr(getattr(user, "environment", None), "runner", None)
    return runner is not None and runner.state in (STATE_STOPPING, STATE_STOPPED, STATE_CLEANUP)


class Filer:
    def __init__(self, client: Any) -> None:
        self.client, self.token = client, ""

    # -- raw calls ------------------------------------------------------------------------------------
    def call(self, method: str, path: str, expect: tuple[int, ...] = (200,), name: str | None = None,
             **kw: Any) -> Any:
        headers = kw.pop("headers", {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        with self.client.request(method, path, name=name or path.split("?")[0], headers=headers,
                                 catch_response=True, **kw) as r:
            if r.status_code == 0 and stopping(self.client):
                raise StopUser()   # cut off by Locust's own stop: not reported as a request (see stopping)
            if r.status_code not in expect:
                r.failure(f"HTTP {r.status_code}: {r.text[:300]}")
                raise FlowError(f"{method} {name or path}: HTTP {r.status_code} {r.text[:300]}")
            r.success()
            return r.json() if "json" in r.headers.get("Content-Type", "") else r

    # -- the account ----------------------------------------------------------------------------------
    def sign_up(self, name: str, organisation: str) -> str:
        """A staff account of a new host organisation (所属機関の職員), logged in: its auth id."""
        email = f"load-{uuid.uuid4().hex[:16]}@example.jp"
        request = self.call("POST", f"{TS}/usage-requests", (201,), json={
            "name": name, "email": email, "organisation_name": organisation, "organisation_kind": "host"})
        self.call("POST", f"{TS}/usage-requests/[id]/decision".replace("[id]", str(request["id"])),
                  name=f"{TS}/usage-requests/[id]/decision", json={"approve": True})
        mails = self.call("GET", f"{TS}/mails", params={"to": email, "kind": "usage_request_approved"})["mails"]
        link = re.search(r"token=([\w-]+)", mails[-1]["url"] or mails[-1]["body"]) if mails else None
        if link is None:
            raise FlowError(f"no usage_request_approved mail with a link to {email}")
        auth_id = self.call("POST", "/api/v1/registrations/password", json={
            "token": link.group(1), "password": PASSWORD, "password_confirm": PASSWORD})["auth_id"]
        self.token = self.call("POST", "/api/v1/session", (201,), json={"auth_id": auth_id, "password": PASSWORD})["token"]
        return auth_id

    def today(self) -> dt.date:
        """The server's day (its test clock), which the generated stays are valid on."""
        return dt.datetime.fromisoformat(self.call("GET", f"{TS}/clock")["now"]).date()

    def put_records(self, records: list[dict[str, Any]]) -> None:
        for start in range(0, len(records), BATCH):   # the most putResidenceRecords takes
            self.call("POST", f"{TS}/residence-record-batches", json={"records": records[start:start + BATCH]})

    # -- bulk -----------------------------------------------------------------------------------------
    def upload(self, step1: dict[str, str], filename: str, data: bytes) -> dict[str, Any]:
        return self.call("POST", "/api/v1/bulk-inputs", (201,), params={**step1, "filename": filename}, data=data,
                         headers={"Content-Type": "text/csv"})

    def confirm(self, bulk_id: int) -> None:
        self.call("POST", f"/api/v1/bulk-inputs/{bulk_id}/completion", (202,), name="/api/v1/bulk-inputs/[id]/completion",
                  json=CONFIRM_BULK)

    def processed(self, bulk_id: int) -> dict[str, Any]:
        """Polled until the worker has registered the rows (the due event fires on a request or the ticker)."""
        deadline = time.monotonic() + PROCESS_TIMEOUT
        while True:
            bulk = self.call("GET", f"/api/v1/bulk-inputs/{bulk_id}", name="/api/v1/bulk-inputs/[id]")
            if bulk["state"] == "processed":
                return bulk
            if time.monotonic() > deadline:
                raise FlowError(f"bulk input {bulk_id} still {bulk['state']} after {PROCESS_TIMEOUT:.0f} s")
            time.sleep(POLL_SECONDS)

    def bulk_errors(self, application_id: int) -> list[dict[str, Any]]:
        return self.call("GET", f"/api/v1/applications/{application_id}/bulk-errors",
                         name="/api/v1/applications/[id]/bulk-errors")["entries"]

    def file_bulk(self, made: Any, filename: str) -> dict[str, Any]:
        """Records, upload, STEP3, registration; then the server's report against the planted defects."""
        self.put_records(made.records)
        bulk = self.upload(made.step1, filename, made.csv)
        self.confirm(bulk["id"])
        done = self.processed(bulk["id"])
        planted = sorted((d.line, d.column, d.code) for d in made.defects)
        lines = {d.line for d in made.defects}
        check("bulk: accepted rows = sound rows", done["accepted"] == len(made.rows) - len(lines)
              and done["defective"] == len(lines), f"{done} for {len(lines)} defective rows")
        reported: list[tuple[int, str, str]] = []
        if done["error_application_id"]:
            for entry in self.bulk_errors(done["error_application_id"]):
                reported += [(e["line"], e["column"], e["code"]) for e in entry["errors"]]
        check("bulk: reported defects = planted defects", sorted(reported) == planted,
              f"reported {sorted(reported)[:8]}, planted {planted[:8]}")
        return done

    # -- an individual input --------------------------------------------------------------------------
    def file_individual(self, values: dict[str, dict[str, Any]]) -> int:
        """STEP1 → STEP2-n → STEP3 with the values of one generated row: the application's id."""
        self.call("POST", "/api/v1/application-input", (201,), json={"values": values["step1"]})
        for step, step_values in values.items():
            if step != "step1":
                self.call("PUT", f"/api/v1/application-input/steps/{step}", name="/api/v1/application-input/steps/[step]",
                          json={"values": step_values})
        return self.call("POST", "/api/v1/application-input/completion", (201,), json={"values": CONFIRM_INPUT})["id"]

    # -- attachments and submission -------------------------------------------------------------------
    def attach_and_submit(self, application_id: int) -> dict[str, Any]:
        path = f"/api/v1/applications/{application_id}"
        self.call("PUT", f"{path}/photo", params={"filename": "face.jpg"}, data=files.photo(),
                  headers={"Content-Type": "image/jpeg"}, name="/api/v1/applications/[id]/photo")
        self.call("PUT", f"{path}/documents", params={"filename": "documents.pdf"}, data=files.documents(),
                  headers={"Content-Type": "application/pdf"}, name="/api/v1/applications/[id]/documents")
        return self.call("POST", f"{path}/submission", name="/api/v1/applications/[id]/submission", json={})

    # -- the list -------------------------------------------------------------------------------------
    def search(self, name: str = "/api/v1/applications", **query: Any) -> dict[str, Any] | None:
        """One page of the list; None when nothing matches (WZBAM136E, an answer the list expects)."""
        found = self.call("GET", "/api/v1/applications", (200, 404), name=name, params=query)
        if not isinstance(found, dict) or "rows" not in found:
            codes = [e.get("code") for e in found.get("errors", [])] if isinstance(found, dict) else []
            check("list: no hits is WZBAM136E", codes == ["WZBAM136E"], str(found)[:300])
            return None
        return found
