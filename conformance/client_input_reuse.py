"""The temporary save of input in progress (003 §8.2) and the reuse of past input (§8.3), as calls of
RasimClient: the saved file comes back as base64 in JSON (`Accept: application/json`), as the load takes it."""
from __future__ import annotations

from typing import Any

API = "/api/v1"


class InputReuseCalls:
    """Mixed into RasimClient (which provides call and transport)."""

    def save_input_temporarily(self, token: str | None, values: dict[str, Any] | None = None) -> Any:
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.transport.request("POST", f"{API}/application-input/temporary-save",  # type: ignore[attr-defined]
                                      {"values": values} if values else {}, None, headers)

    def load_temporary_save(self, token: str | None, file_base64: str) -> Any:
        return self.call("POST", f"{API}/application-input/temporary-load", {"file": file_base64},  # type: ignore[attr-defined]
                         token=token)

    def reusable_applications(self, token: str | None, **criteria: Any) -> Any:
        params = {k: v for k, v in criteria.items() if v not in (None, "")}
        return self.call("GET", f"{API}/application-input/reusable-applications", token=token,  # type: ignore[attr-defined]
                         params=params or None)

    def reuse_past_application(self, token: str | None, application_id: int) -> Any:
        return self.call("POST", f"{API}/application-input/reuse", {"application_id": application_id},  # type: ignore[attr-defined]
                         token=token)
