"""The one client through which every conformance step reaches the system under test.

Everything goes through HTTP-shaped calls: the JSON API under /api/v1 and the test-support API
under /test-support. Two transports sit behind the same interface:

- ``HttpTransport``: a ``requests.Session`` against a base URL (any deployment, local or remote);
- ``InProcessTransport``: a Flask test client of ``simulator.web.app.create_app`` (only for speed
  in ``make test``).

Each method returns a ``Reply`` — a ``(status, json)`` pair — so a step can check both. The steps
never learn which transport they have.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple, Protocol
from urllib.parse import parse_qs, urlsplit

from conformance.client_access import AccessCalls
from conformance.client_bulk import BulkCalls
from conformance.client_decisions import DecisionCalls
from conformance.client_procedures import ProcedureCalls
from conformance.client_submissions import InputFileCalls, SubmissionCalls
from conformance.client_input_reuse import InputReuseCalls
from conformance.client_list import ListCalls

API = "/api/v1"
TS = "/test-support"


class Reply(NamedTuple):
    """What one call answered: the HTTP status and the decoded JSON body (None when not JSON)."""

    status: int
    json: Any

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def codes(self) -> list[str]:
        """The error codes of a refusal, in order (empty for a success)."""
        if isinstance(self.json, dict) and isinstance(self.json.get("errors"), list):
            return [str(e.get("code")) for e in self.json["errors"] if isinstance(e, dict)]
        return []

    @property
    def errors(self) -> list[dict[str, Any]]:
        if isinstance(self.json, dict) and isinstance(self.json.get("errors"), list):
            return [e for e in self.json["errors"] if isinstance(e, dict)]
        return []

    def describe(self) -> str:
        text = repr(self.json)
        return f"HTTP {self.status} {text[:600]}"


class Download(NamedTuple):
    """A reply that is not JSON (an image, a static file): status, body bytes, content type."""

    status: int
    content: bytes
    content_type: str

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class Transport(Protocol):
    name: str
    base_url: str

    def request(self, method: str, path: str, json: Any = None, params: dict[str, Any] | None = None,
                headers: dict[str, str] | None = None, data: bytes | None = None) -> Reply: ...

    def download(self, path: str, headers: dict[str, str] | None = None) -> Download: ...

    def close(self) -> None: ...


class HttpTransport:
    """Real HTTP against a base URL, e.g. http://127.0.0.1:8080."""

    name = "http"

    def __init__(self, base_url: str, timeout: float = 30.0) -> None:
        import requests

        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()

    def request(self, method: str, path: str, json: Any = None, params: dict[str, Any] | None = None,
                headers: dict[str, str] | None = None, data: bytes | None = None) -> Reply:
        r = self.session.request(method, self.base_url + path, json=json if data is None else None, data=data,
                                 params=params, headers=headers, timeout=self.timeout)
        try:
            body = r.json()
        except ValueError:
            body = None
        return Reply(r.status_code, body)

    def download(self, path: str, headers: dict[str, str] | None = None) -> Download:
        r = self.session.get(self.base_url + path, headers=headers, timeout=self.timeout)
        return Download(r.status_code, r.content, r.headers.get("Content-Type", ""))

    def close(self) -> None:
        self.session.close()


class InProcessTransport:
    """A Flask test client of the simulator in this process (no sockets)."""

    name = "in-process"

    def __init__(self, app: Any) -> None:
        self.app = app
        self.client = app.test_client()
        self.base_url = "http://localhost"

    def request(self, method: str, path: str, json: Any = None, params: dict[str, Any] | None = None,
                headers: dict[str, str] | None = None, data: bytes | None = None) -> Reply:
        kwargs: dict[str, Any] = {"headers": dict(headers or {})}
        if data is not None:
            kwargs["data"] = data
            kwargs["content_type"] = kwargs["headers"].pop("Content-Type", "application/octet-stream")
        elif json is not None:
            kwargs["json"] = json
        if params:
            kwargs["query_string"] = params
        r = self.client.open(path, method=method, **kwargs)
        return Reply(r.status_code, r.get_json(silent=True))

    def download(self, path: str, headers: dict[str, str] | None = None) -> Download:
        r = self.client.get(path, headers=headers or {})
        return Download(r.status_code, r.data, r.content_type or "")

    def close(self) -> None:
        pass


def token_from_url(url: str | None) -> str:
    """The ``token`` query parameter of a link sent by mail."""
    if not url:
        raise ValueError("the mail carries no URL")
    values = parse_qs(urlsplit(url).query).get("token")
    if not values:
        raise ValueError(f"no token in the URL {url!r}")
    return values[0]


class RasimClient(BulkCalls, DecisionCalls, ProcedureCalls, SubmissionCalls, InputFileCalls, InputReuseCalls, ListCalls,
                  AccessCalls):
    """One method per operation the steps need; each returns a Reply (status, json)."""

    def __init__(self, transport: Transport, cards_dir: str | None = None) -> None:
        self.transport = transport
        # the folder of the test JPKI CA the target trusts (RASIM_CARDS_DIR), where the card
        # scenarios issue their virtual cards; None when unknown (card scenarios are skipped)
        self.cards_dir = cards_dir

    @classmethod
    def over_http(cls, base_url: str, cards_dir: str | None = None) -> RasimClient:
        return cls(HttpTransport(base_url), cards_dir)

    @classmethod
    def in_process(cls, app: Any) -> RasimClient:
        cards = app.config.get("RASIM_CARDS_DIR")
        return cls(InProcessTransport(app), str(cards) if cards else None)

    @property
    def target(self) -> str:
        return self.transport.base_url

    def close(self) -> None:
        self.transport.close()

    # -- raw -------------------------------------------------------------------------------------------
    def call(self, method: str, path: str, json: Any = None, token: str | None = None,
             params: dict[str, Any] | None = None) -> Reply:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if json is None and method.upper() in ("POST", "PUT", "PATCH"):
            json = {}   # the API takes every write as a JSON object, if only {}
        return self.transport.request(method, path, json=json, params=params, headers=headers)

    def upload(self, method: str, path: str, data: bytes, content_type: str, token: str | None = None,
               params: dict[str, Any] | None = None) -> Reply:
        """A write whose body is a file itself (a photo, a PDF), not JSON."""
        headers = {"Content-Type": content_type}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.transport.request(method, path, params=params, headers=headers, data=data)

    def download(self, path: str, token: str | None = None) -> Download:
        """A GET whose answer is a file (an image, a static file of the target)."""
        return self.transport.download(path, {"Authorization": f"Bearer {token}"} if token else None)

    # -- system and catalogue ------------------------------------------------------------------------
    def system_status(self) -> Reply:
        return self.call("GET", f"{API}/system/status")

    def registration_categories(self) -> Reply:
        return self.call("GET", f"{API}/registration/categories")

    def message(self, code: str) -> Reply:
        return self.call("GET", f"{API}/messages/{code}")

    def openapi(self) -> Reply:
        return self.call("GET", "/api/openapi.json")

    # -- registration --------------------------------------------------------------------------------
    def register_agent(self, **fields: Any) -> Reply:
        return self.call("POST", f"{API}/registrations/agent", fields)

    def inspect_link(self, token: str) -> Reply:
        return self.call("POST", f"{API}/links/inspect", {"token": token})

    def set_initial_password(self, token: str, password: str, confirm: str | None = None) -> Reply:
        return self.call("POST", f"{API}/registrations/password",
                         {"token": token, "password": password,
                          "password_confirm": password if confirm is None else confirm})

    # -- the My Number Card (foreign nationals, legal representatives, relatives) ---------------------
    def card_challenge(self, purpose: str) -> Reply:
        return self.call("POST", f"{API}/card/challenges", {"purpose": purpose})

    def register_with_card(self, **fields: Any) -> Reply:
        return self.call("POST", f"{API}/registrations/card", fields)

    def login_with_card(self, **fields: Any) -> Reply:
        return self.call("POST", f"{API}/session/card", fields)

    # -- session -------------------------------------------------------------------------------------
    def login(self, auth_id: str, password: str) -> Reply:
        return self.call("POST", f"{API}/session", {"auth_id": auth_id, "password": password})

    def session(self, token: str | None) -> Reply:
        return self.call("GET", f"{API}/session", token=token)

    def logout(self, token: str | None) -> Reply:
        return self.call("DELETE", f"{API}/session", token=token)

    # -- passwords -----------------------------------------------------------------------------------
    def change_password(self, token: str | None, current: str, new: str, confirm: str | None = None) -> Reply:
        return self.call("POST", f"{API}/password/change",
                         {"current_password": current, "new_password": new,
                          "new_password_confirm": new if confirm is None else confirm}, token=token)

    def change_expired_password(self, auth_id: str, current: str, new: str, confirm: str | None = None) -> Reply:
        return self.call("POST", f"{API}/password/expired",
                         {"auth_id": auth_id, "current_password": current, "new_password": new,
                          "new_password_confirm": new if confirm is None else confirm})

    def request_password_reset(self, auth_id: str, email: str) -> Reply:
        return self.call("POST", f"{API}/password-reset", {"auth_id": auth_id, "email": email})

    def reset_password(self, token: str, password: str, confirm: str | None = None) -> Reply:
        return self.call("POST", f"{API}/password-reset/complete",
                         {"token": token, "password": password,
                          "password_confirm": password if confirm is None else confirm})

    # -- user information ----------------------------------------------------------------------------
    def me(self, token: str | None) -> Reply:
        return self.call("GET", f"{API}/me", token=token)

    def change_me(self, token: str | None, **fields: Any) -> Reply:
        return self.call("PATCH", f"{API}/me", fields, token=token)

    def confirm_email_change(self, token: str) -> Reply:
        return self.call("POST", f"{API}/me/email/confirm", {"token": token})

    # -- test support: clock ----------------------------------------------------------------------------
    def clock(self) -> Reply:
        return self.call("GET", f"{TS}/clock")

    def set_clock(self, now: str | dt.datetime, freeze: bool = True) -> Reply:
        value = now.isoformat() if isinstance(now, dt.datetime) else now
        return self.call("POST", f"{TS}/clock/set", {"now": value, "freeze": freeze})

    def advance_clock(self, days: float = 0, hours: float = 0, minutes: float = 0, seconds: float = 0) -> Reply:
        body = {k: v for k, v in {"days": days, "hours": hours, "minutes": minutes, "seconds": seconds}.items() if v}
        return self.call("POST", f"{TS}/clock/advance", body or {"seconds": 0})

    def freeze_clock(self) -> Reply:
        return self.call("POST", f"{TS}/clock/freeze")

    def resume_clock(self, real: bool = False) -> Reply:
        return self.call("POST", f"{TS}/clock/resume", {"real": real})

    # -- test support: mail outbox -------------------------------------------------------------------------
    def mails(self, to: str | None = None, kind: str | None = None) -> list[dict[str, Any]]:
        """The outbox (oldest first), filtered by recipient and kind. Raises when the call fails."""
        params = {k: v for k, v in {"to": to, "kind": kind}.items() if v}
        reply = self.call("GET", f"{TS}/mails", params=params)
        if reply.status != 200:
            raise AssertionError(f"listMails failed: {reply.describe()}")
        return list(reply.json["mails"])

    def last_mail(self, to: str, kind: str | None = None) -> dict[str, Any]:
        found = self.mails(to=to, kind=kind)
        if not found:
            raise AssertionError(f"no mail{' of kind ' + kind if kind else ''} to {to}")
        return found[-1]

    def link_from_last_mail(self, to: str, kind: str | None = None) -> str:
        """The token of the link in the newest mail to `to` (of `kind`)."""
        return token_from_url(self.last_mail(to, kind).get("url"))

    # -- test support: registry ------------------------------------------------------------------------------
    def put_agent_certificate(self, **fields: Any) -> Reply:
        return self.call("PUT", f"{TS}/registry/agent-certificates", fields)

    def agent_certificates(self) -> Reply:
        return self.call("GET", f"{TS}/registry/agent-certificates")

    # -- test support: the bureau ------------------------------------------------------------------------------
    def file_usage_request(self, **fields: Any) -> Reply:
        return self.call("POST", f"{TS}/usage-requests", fields)

    def usage_requests(self, status: str | None = None) -> Reply:
        return self.call("GET", f"{TS}/usage-requests", params={"status": status} if status else None)

    def decide_usage_request(self, request_id: int, approve: bool) -> Reply:
        return self.call("POST", f"{TS}/usage-requests/{request_id}/decision", {"approve": approve})

    def file_periodic_report(self, organisation_id: int) -> Reply:
        return self.call("POST", f"{TS}/organisations/{organisation_id}/periodic-reports")

    def decide_periodic_report(self, report_id: int, approve: bool) -> Reply:
        return self.call("POST", f"{TS}/periodic-reports/{report_id}/decision", {"approve": approve})

    def set_account_state(self, auth_id: str, action: str) -> Reply:
        return self.call("POST", f"{TS}/accounts/{auth_id}/state", {"action": action})

    def inspect_account(self, auth_id: str) -> Reply:
        return self.call("GET", f"{TS}/accounts/{auth_id}")

    def audit_entries(self, actor: str | None = None, action: str | None = None, target: str | None = None,
                      limit: int | None = None) -> Reply:
        params = {k: v for k, v in {"actor": actor, "action": action, "target": target, "limit": limit}.items()
                  if v is not None}
        return self.call("GET", f"{TS}/audit", params=params)

    def set_jpki_available(self, available: bool) -> Reply:
        return self.call("POST", f"{TS}/jpki", {"available": available})

    def set_applications_in_progress(self, auth_id: str, count: int) -> Reply:
        return self.call("POST", f"{TS}/accounts/{auth_id}/applications-in-progress", {"count": count})

    def set_maintenance(self, active: bool) -> Reply:
        return self.call("POST", f"{TS}/maintenance", {"active": active})

    # -- applications: the input, STEP1 → STEP3 ----------------------------------------------------------
    def start_application_input(self, token: str | None, values: dict[str, Any]) -> Reply:
        return self.call("POST", f"{API}/application-input", {"values": values}, token=token)

    def application_input(self, token: str | None) -> Reply:
        return self.call("GET", f"{API}/application-input", token=token)

    def save_application_step(self, token: str | None, step: str, values: dict[str, Any]) -> Reply:
        return self.call("PUT", f"{API}/application-input/steps/{step}", {"values": values}, token=token)

    def complete_application_input(self, token: str | None, values: dict[str, Any]) -> Reply:
        return self.call("POST", f"{API}/application-input/completion", {"values": values}, token=token)

    def application_form(self, form_key: str) -> Reply:
        return self.call("GET", f"{API}/application-forms/{form_key}")

    # -- applications: the list and its operations ---------------------------------------------------------
    def search_applications(self, token: str | None, **criteria: Any) -> Reply:
        params = {k: v for k, v in criteria.items() if v not in (None, "")}
        return self.call("GET", f"{API}/applications", token=token, params=params or None)

    def application(self, token: str | None, application_id: int) -> Reply:
        return self.call("GET", f"{API}/applications/{application_id}", token=token)

    def delete_application(self, token: str | None, application_id: int) -> Reply:
        return self.call("DELETE", f"{API}/applications/{application_id}", token=token)

    def attach_photo(self, token: str | None, application_id: int, filename: str, data: bytes,
                     content_type: str = "image/jpeg") -> Reply:
        return self.upload("PUT", f"{API}/applications/{application_id}/photo", data, content_type, token=token,
                           params={"filename": filename})

    def photo(self, token: str | None, application_id: int) -> Download:
        return self.download(f"{API}/applications/{application_id}/photo", token=token)

    def set_receipt_method(self, token: str | None, application_id: int, **fields: Any) -> Reply:
        return self.call("PUT", f"{API}/applications/{application_id}/receipt-method", fields, token=token)

    def attach_documents(self, token: str | None, application_id: int, filename: str, data: bytes,
                         content_type: str = "application/pdf") -> Reply:
        return self.upload("PUT", f"{API}/applications/{application_id}/documents", data, content_type, token=token,
                           params={"filename": filename})

    def start_companion_input(self, token: str | None, application_id: int, values: dict[str, Any]) -> Reply:
        return self.call("POST", f"{API}/applications/{application_id}/companions", {"values": values}, token=token)

    def submit_application(self, token: str | None, application_id: int) -> Reply:
        return self.call("POST", f"{API}/applications/{application_id}/submission", token=token)

    # -- test support: the person behind an application, receipt numbering ----------------------------------
    def put_residence_record(self, **fields: Any) -> Reply:
        return self.call("PUT", f"{TS}/residence-records", fields)

    def residence_record(self, number: str) -> Reply:
        return self.call("GET", f"{TS}/residence-records/{number}")

    def set_receipt_numbering_fault(self, count: int) -> Reply:
        return self.call("POST", f"{TS}/faults/receipt-numbering", {"count": count})
