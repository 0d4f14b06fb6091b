"""A small driver over Flask's test client (or anything with the same get/post/... methods) for the
integration tests: the clock, the registry, the outbox, and the account flows end to end."""
from __future__ import annotations

import re
from typing import Any

PASSWORD = "AB12345!"
LAWYER = {"number": "132010700050", "kind": "lawyer", "name": "法務太郎", "birth_date": "1980-01-02",
          "valid_until": "2024-06-30"}
PRINTED = "(東) 弁10第50号"   # the 届出済証明書 form of 132010700050 (seed 001)


def registration_body(number: str = LAWYER["number"], email: str = "lawyer@example.jp", **over: Any) -> dict[str, Any]:
    body = {"agent_certificate_number": number, "name": "法務太郎", "birth_date": "1980-01-02",
            "address_pref_city": "東京都千代田区", "address_street": "霞が関１－１－１", "phone": "0312345678",
            "email": email, "email_confirm": email, "agree_terms": True}
    body.update(over)
    return {k: v for k, v in body.items() if v is not ...}


def use_edition(app: Any, name: str) -> None:
    """Switch a test app to another edition between requests (test plumbing: the unit-of-work
    settings are made again on the next request)."""
    app.config["RASIM_EDITION"] = name
    app.extensions.pop("rasim.uow", None)


class Api:
    def __init__(self, client: Any) -> None:
        self.client = client

    # -- raw calls ----------------------------------------------------------------------------------------
    def call(self, method: str, path: str, json: Any = None, token: str | None = None,
             expect: int | None = None, **kw: Any) -> Any:
        headers = dict(kw.pop("headers", {}) or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if json is None and method.upper() in ("POST", "PUT", "PATCH") and "data" not in kw:
            json = {}   # every write takes a JSON object, if only {}
        if json is not None:
            kw["json"] = json
        r = getattr(self.client, method.lower())(path, headers=headers, **kw)
        if expect is not None:
            assert r.status_code == expect, (method, path, r.status_code, r.get_data(as_text=True)[:800])
        return r

    @staticmethod
    def codes(r: Any) -> list[str]:
        return [e["code"] for e in r.get_json()["errors"]]

    def refused(self, method: str, path: str, json: Any = None, token: str | None = None,
                status: int | None = None) -> list[str]:
        r = self.call(method, path, json, token)
        assert 400 <= r.status_code < 500, (path, r.status_code, r.get_data(as_text=True)[:500])
        if status is not None:
            assert r.status_code == status, (path, r.status_code, r.get_json())
        return self.codes(r)

    # -- clock -----------------------------------------------------------------------------------------------
    def set_clock(self, when: str) -> dict:
        return self.call("POST", "/test-support/clock/set", {"now": when}, expect=200).get_json()

    def advance(self, **delta: float) -> list[dict]:
        return self.call("POST", "/test-support/clock/advance", delta, expect=200).get_json()["fired"]

    def now(self) -> str:
        return self.call("GET", "/test-support/clock", expect=200).get_json()["now"]

    # -- registry, mails, audit ----------------------------------------------------------------------------------
    def put_certificate(self, **values: Any) -> dict:
        body = {**LAWYER, **values}
        return self.call("PUT", "/test-support/registry/agent-certificates", body, expect=200).get_json()

    def mails(self, to: str | None = None, kind: str | None = None) -> list[dict]:
        q = {k: v for k, v in {"to": to, "kind": kind}.items() if v}
        return self.call("GET", "/test-support/mails", query_string=q, expect=200).get_json()["mails"]

    def link_token(self, to: str, kind: str) -> str:
        mails = self.mails(to=to, kind=kind)
        assert mails, f"no {kind} mail to {to}"
        m = re.search(r"token=([\w-]+)", mails[-1]["url"] or mails[-1]["body"])
        assert m, mails[-1]
        return m.group(1)

    def audit(self, action: str | None = None, **q: Any) -> list[dict]:
        if action:
            q["action"] = action
        return self.call("GET", "/test-support/audit", query_string=q, expect=200).get_json()["entries"]

    def account(self, auth_id: str) -> dict:
        return self.call("GET", f"/test-support/accounts/{auth_id}", expect=200).get_json()

    # -- flows ----------------------------------------------------------------------------------------------------
    def register_agent(self, email: str = "lawyer@example.jp", password: str = PASSWORD, **body: Any) -> str:
        self.call("POST", "/api/v1/registrations/agent", registration_body(email=email, **body), expect=201)
        token = self.link_token(email, "registration_received")
        r = self.call("POST", "/api/v1/registrations/password",
                      {"token": token, "password": password, "password_confirm": password}, expect=200)
        return r.get_json()["auth_id"]

    def login(self, auth_id: str, password: str = PASSWORD) -> str:
        return self.call("POST", "/api/v1/session", {"auth_id": auth_id, "password": password},
                         expect=201).get_json()["token"]

    def file_usage_request(self, email: str = "staff@example.jp", name: str = "所属太郎",
                           organisation_id: int | None = None, **over: Any) -> dict:
        body: dict[str, Any] = {"name": name, "email": email}
        if organisation_id is None:
            body |= {"organisation_name": "株式会社テスト商事", "organisation_kind": "host"}
        else:
            body["organisation_id"] = organisation_id
        body |= over
        return self.call("POST", "/test-support/usage-requests", body, expect=201).get_json()

    def approve_usage_request(self, request_id: int, approve: bool = True) -> dict:
        return self.call("POST", f"/test-support/usage-requests/{request_id}/decision", {"approve": approve},
                         expect=200).get_json()

    def staff(self, email: str = "staff@example.jp", password: str = PASSWORD, **over: Any) -> tuple[str, int]:
        """A usage request, approved, password set: (auth_id, organisation_id)."""
        req = self.file_usage_request(email=email, **over)
        decided = self.approve_usage_request(req["id"])
        token = self.link_token(email, "usage_request_approved")
        self.call("POST", "/api/v1/registrations/password",
                  {"token": token, "password": password, "password_confirm": password}, expect=200)
        return decided["auth_id"], req["organisation"]["id"]
