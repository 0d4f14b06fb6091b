"""Parallel requests against a real server: `rasim serve` with one threaded process and with four
gunicorn workers, on SQLite (first pass of `make test`) and on PostgreSQL (second pass). Wrong
passwords in parallel lock the account after exactly five failures, parallel logins and password
changes never answer 5xx, and the audit trail has one entry per attempt."""
from __future__ import annotations

import re
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests

from conformance.server import SimulatorServer
from tests.support.api import LAWYER, PASSWORD, registration_body

WRONG = "Wrong123!"
PARALLEL = 20


class Http:
    """Each call on a fresh connection, so gunicorn hands it to whichever worker is free."""

    def __init__(self, base: str) -> None:
        self.base = base

    def call(self, method: str, path: str, json: Any = None, expect: int | None = None, **kw: Any) -> requests.Response:
        if json is None and method in ("POST", "PUT", "PATCH") and "data" not in kw:
            json = {}
        headers = {"Connection": "close", **kw.pop("headers", {})}
        r = requests.request(method, self.base + path, json=json, timeout=60, headers=headers, **kw)
        if expect is not None:
            assert r.status_code == expect, (method, path, r.status_code, r.text[:500])
        return r

    def register(self, number: str, email: str) -> str:
        self.call("PUT", "/test-support/registry/agent-certificates",
                  {**LAWYER, "number": number, "valid_until": "2030-03-31"}, expect=200)
        self.call("POST", "/api/v1/registrations/agent", registration_body(number, email=email), expect=201)
        mails = self.call("GET", "/test-support/mails", params={"to": email}, expect=200).json()["mails"]
        token = re.search(r"token=([\w-]+)", mails[-1]["url"]).group(1)
        return self.call("POST", "/api/v1/registrations/password",
                         {"token": token, "password": PASSWORD, "password_confirm": PASSWORD},
                         expect=200).json()["auth_id"]

    def audit(self, action: str, actor: str) -> list[dict]:
        params = {"action": action, "actor": actor, "limit": 1000}
        return self.call("GET", "/test-support/audit", params=params, expect=200).json()["entries"]


def in_parallel(fn: Any, n: int = PARALLEL) -> list[requests.Response]:
    with ThreadPoolExecutor(n) as pool:
        answers = list(pool.map(lambda _: fn(), range(n)))
    fives = [(r.status_code, r.text[:300]) for r in answers if r.status_code >= 500]
    assert not fives, fives
    return answers


def code(r: requests.Response) -> str:
    return r.json()["errors"][0]["code"] if r.status_code >= 400 else str(r.status_code)


@pytest.fixture(scope="module", params=[1, 4], ids=["1-process", "4-workers"])
def served(request: pytest.FixtureRequest, database_server: str | None, tmp_path_factory) -> Iterator[SimulatorServer]:
    if database_server is None:
        url = f"sqlite:///{Path(tmp_path_factory.mktemp('conc'))}/rasim.sqlite3"
    else:
        from tests.support.postgres import create_database

        url = create_database(database_server, f"cc_{uuid.uuid4().hex[:12]}")
    with SimulatorServer(database_url=url, workers=request.param, startup_timeout=90) as server:
        Http(server.url).call("POST", "/test-support/clock/set", {"now": "2024-04-01T09:00:00"}, expect=200)
        yield server


@pytest.fixture
def http(served: SimulatorServer) -> Http:
    return Http(served.url)


def fresh_lawyer(http: Http) -> str:
    n = uuid.uuid4().int % 10**6
    return http.register(f"132010{n:06d}", f"c{n}@example.jp")


def test_parallel_wrong_passwords_lock_after_exactly_five(http: Http):
    auth_id = fresh_lawyer(http)
    answers = in_parallel(lambda: http.call("POST", "/api/v1/session", {"auth_id": auth_id, "password": WRONG}))
    assert Counter(code(r) for r in answers) == {"WZBAM270E": 4, "WZBAM153E": PARALLEL - 4}
    assert len(http.audit("login.failed", auth_id)) == 5
    assert len(http.audit("account.locked", auth_id)) == 1
    assert len(http.audit("login.refused", auth_id)) == PARALLEL - 5   # refused by the lock, uncounted
    r = http.call("POST", "/api/v1/session", {"auth_id": auth_id, "password": PASSWORD})
    assert r.status_code == 423 and code(r) == "WZBAM153E"


def test_parallel_wrong_guesses_on_the_expired_password_route_lock_too(http: Http):
    auth_id = fresh_lawyer(http)
    body = {"auth_id": auth_id, "current_password": WRONG, "new_password": "CD67890?", "new_password_confirm": "CD67890?"}
    answers = in_parallel(lambda: http.call("POST", "/api/v1/password/expired", body))
    assert Counter(code(r) for r in answers) == {"WZBAM270E": 4, "WZBAM153E": PARALLEL - 4}


def test_parallel_correct_logins_all_succeed_and_one_session_stays(http: Http):
    auth_id = fresh_lawyer(http)
    answers = in_parallel(lambda: http.call("POST", "/api/v1/session", {"auth_id": auth_id, "password": PASSWORD}))
    assert [r.status_code for r in answers] == [201] * PARALLEL
    alive = [r for r in answers
             if http.call("GET", "/api/v1/session", headers={"Authorization": f"Bearer {r.json()['token']}"})
             .status_code == 200]
    assert len(alive) == 1   # every login ended the one before it (double login, WZBAM099E)
    assert len(http.audit("login", auth_id)) == PARALLEL


def test_parallel_password_changes_change_it_once(http: Http):
    auth_id = fresh_lawyer(http)
    token = http.call("POST", "/api/v1/session", {"auth_id": auth_id, "password": PASSWORD}, expect=201).json()["token"]
    new = "CD67890?"
    answers = in_parallel(lambda: http.call(
        "POST", "/api/v1/password/change", {"current_password": PASSWORD, "new_password": new,
                                            "new_password_confirm": new},
        headers={"Authorization": f"Bearer {token}"}), n=8)
    counts = Counter(code(r) for r in answers)
    assert counts["200"] == 1 and set(counts) <= {"200", "WZBAM154E", "WZBAM153E", "RASIM401E"}, counts
    assert len(http.audit("password.changed", auth_id)) == 1
    # seven wrong current passwords: five counted, the account locked
    assert counts["WZBAM154E"] == 4 and counts["WZBAM153E"] + counts["RASIM401E"] == 3, counts


def test_parallel_screen_logins_never_show_the_error_page(http: Http):
    auth_id = fresh_lawyer(http)

    def screen_login() -> requests.Response:
        s = requests.Session()
        page = s.get(http.base + "/login", timeout=60).text
        fields = dict(re.findall(r'name="(csrf_token|screen_token)" value="([^"]+)"', page))
        return s.post(http.base + "/login", data={**fields, "auth_id": auth_id, "password": PASSWORD},
                      allow_redirects=False, timeout=60)

    answers = in_parallel(screen_login, n=10)
    assert [r.status_code for r in answers] == [302] * 10, [r.text[:200] for r in answers if r.status_code != 302]


def test_the_server_header_names_no_software_version(http: Http, served: SimulatorServer):
    server = http.call("GET", "/").headers.get("Server", "")
    assert server in ("rasim", "gunicorn"), server
