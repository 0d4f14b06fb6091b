"""Two gunicorn workers on one PostgreSQL database share every piece of state: the test clock,
account locks, and the events that fall due (fired once, however many advances race)."""
from __future__ import annotations

import datetime as dt
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from conformance.server import SimulatorServer
from tests.support.api import LAWYER, PASSWORD, registration_body

pytestmark = pytest.mark.postgres


class Http:
    """Every call on a fresh connection, so gunicorn hands them to whichever worker is free."""

    def __init__(self, base: str) -> None:
        self.base = base

    def call(self, method: str, path: str, json=None, expect: int | None = None, **kw):  # noqa: ANN001, ANN201
        r = requests.request(method, self.base + path, json=json, timeout=30,
                             headers={"Connection": "close"}, **kw)
        assert r.status_code < 500, (path, r.status_code, r.text[:500])
        if expect is not None:
            assert r.status_code == expect, (method, path, r.status_code, r.text[:500])
        return r

    def clock(self) -> str:
        return self.call("GET", "/test-support/clock", expect=200).json()["now"]

    def mails(self, **q) -> list[dict]:  # noqa: ANN003
        return self.call("GET", "/test-support/mails", params=q, expect=200).json()["mails"]


def worker_pids(server: SimulatorServer, path: str) -> set[str]:
    return set(re.findall(r"pid=<?(\d+)>? \w+ " + re.escape(path), server.log_path.read_text(errors="replace")))


@pytest.fixture
def http(served: SimulatorServer) -> Http:
    h = Http(served.url)
    h.call("DELETE", "/test-support/mails", expect=200)
    return h


def register_lawyer(http: Http, email: str, number: str, printed: str | None = None) -> str:
    http.call("PUT", "/test-support/registry/agent-certificates",
              {**LAWYER, "number": number, "valid_until": "2030-03-31"}, expect=200)
    http.call("POST", "/api/v1/registrations/agent", registration_body(printed or number, email=email), expect=201)
    url = http.mails(to=email, kind="registration_received")[-1]["url"]
    token = re.search(r"token=([\w-]+)", url).group(1)
    return http.call("POST", "/api/v1/registrations/password",
                     {"token": token, "password": PASSWORD, "password_confirm": PASSWORD}, expect=200).json()["auth_id"]


def test_both_workers_answer_and_agree_on_the_clock(served: SimulatorServer, http: Http):
    http.call("POST", "/test-support/clock/set", {"now": "2024-04-01T09:00:00"}, expect=200)
    start = dt.datetime(2024, 4, 1, 9)
    with ThreadPoolExecutor(8) as pool:
        for step in range(1, 16):
            http.call("POST", "/test-support/clock/advance", {"hours": 1}, expect=200)
            expected = (start + dt.timedelta(hours=step)).isoformat()
            answers = list(pool.map(lambda _: http.clock(), range(8)))
            assert answers == [expected] * 8, step
    assert len(worker_pids(served, "/test-support/clock")) == 2, served.log_tail(1500)


def test_a_lock_made_through_one_connection_is_seen_by_every_worker(served: SimulatorServer, http: Http):
    http.call("POST", "/test-support/clock/set", {"now": "2024-04-01T09:00:00"}, expect=200)
    auth_id = register_lawyer(http, "lock@example.jp", "132010700077")
    codes = [http.call("POST", "/api/v1/session", {"auth_id": auth_id, "password": "Wrong123!"}).json()
             ["errors"][0]["code"] for _ in range(5)]
    assert codes == ["WZBAM270E"] * 4 + ["WZBAM153E"]
    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(lambda _: http.call("POST", "/api/v1/session",
                                                    {"auth_id": auth_id, "password": PASSWORD}), range(12)))
    assert {(r.status_code, r.json()["errors"][0]["code"]) for r in answers} == {(423, "WZBAM153E")}
    assert len(worker_pids(served, "/api/v1/session")) == 2
    fired = http.call("POST", "/test-support/clock/advance", {"hours": 24}, expect=200).json()["fired"]
    assert [f["kind"] for f in fired] == ["unlock"]
    for _ in range(6):
        assert http.call("POST", "/api/v1/session", {"auth_id": auth_id, "password": PASSWORD}).status_code == 201


def test_concurrent_advances_fire_each_event_once(served: SimulatorServer, http: Http):
    http.call("POST", "/test-support/clock/set", {"now": "2024-04-01T09:00:00"}, expect=200)
    emails = [f"race{i}@example.jp" for i in range(4)]
    for i, email in enumerate(emails):
        register_lawyer(http, email, f"1320107001{i:02d}")
    http.call("DELETE", "/test-support/mails", expect=200)
    # each account has a password-expiry notice due at 2024-09-14 09:00 (180 - 14 days): 4 mails in all
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: http.call("POST", "/test-support/clock/advance", {"days": 30}), range(8)))
    assert all(r.status_code == 200 for r in results)
    # eight advances of 30 days each: none is lost (each one starts where the one before ended)
    assert http.clock() == (dt.datetime(2024, 4, 1, 9) + dt.timedelta(days=240)).isoformat()
    assert len({r.json()["now"] for r in results}) == 8
    fired = [f["account_id"] for r in results for f in r.json()["fired"] if f["kind"] == "password_expiry_notice"]
    assert len(fired) == len(set(fired)) >= 4, "an event fired twice"
    mails = [m for m in http.mails(kind="password_expiry") if m["to"] in emails]
    assert sorted(m["to"] for m in mails) == sorted(emails)
    assert {m["sent_at"] for m in mails} == {"2024-09-14T09:00:00"}
