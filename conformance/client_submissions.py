"""利用申出 and 定期報告 online (edition 2026, 003 §3.3, §6, §7.2) as calls of RasimClient: [申込] of a procedure,
its PDFs, [申込む], the user's 申込, and the bureau's list and actions and a staff account registered without an
approved usage request (test support)."""
from __future__ import annotations

from typing import Any

API = "/api/v1"
TS = "/test-support"
SUBMIT_PATHS = {"usage-request": "usage-request", "periodic-report": "periodic-report"}


class SubmissionCalls:
    """Mixed into RasimClient (which provides call and upload)."""

    def start_procedure_request(self, token: str | None, slug: str) -> Any:
        return self.call("POST", f"{API}/procedures/{slug}/requests", token=token)  # type: ignore[attr-defined]

    def attach_procedure_request_file(self, token: str | None, request_id: int, data: bytes,
                                      filename: str = "document.pdf") -> Any:
        return self.upload("POST", f"{API}/procedure-requests/{request_id}/files", data,  # type: ignore[attr-defined]
                           "application/pdf", token=token, params={"filename": filename})

    def submit_procedure_request(self, token: str | None, request_id: int, slug: str, values: dict[str, Any]) -> Any:
        return self.call("POST", f"{API}/procedure-requests/{request_id}/{SUBMIT_PATHS[slug]}", values,  # type: ignore[attr-defined]
                         token=token)

    def procedure_request(self, token: str | None, request_id: int) -> Any:
        return self.call("GET", f"{API}/procedure-requests/{request_id}", token=token)  # type: ignore[attr-defined]

    def procedure_requests(self, token: str | None) -> Any:
        return self.call("GET", f"{API}/procedure-requests", token=token)  # type: ignore[attr-defined]

    def act_on_procedure_request(self, request_id: int, action: str, note: str = "") -> Any:
        return self.call("POST", f"{TS}/bureau/procedure-requests/{request_id}/actions",  # type: ignore[attr-defined]
                         {"action": action, "note": note})

    def register_staff_account(self, name: str, email: str, password: str) -> Any:
        return self.call("POST", f"{TS}/staff-accounts",  # type: ignore[attr-defined]
                         {"name": name, "email": email, "password": password})


class InputFileCalls:
    """The photo and PDFs of one person's [申込] and 「申込む」 (edition 2026, 003 §4.2.2 – §4.2.4); mixed into
    RasimClient."""

    def input_files(self, token: str | None) -> Any:
        return self.call("GET", f"{API}/application-input/files", token=token)  # type: ignore[attr-defined]

    def attach_input_photo(self, token: str | None, filename: str, data: bytes) -> Any:
        return self.upload("PUT", f"{API}/application-input/photo", data, "image/jpeg",  # type: ignore[attr-defined]
                           token=token, params={"filename": filename})

    def attach_input_document(self, token: str | None, filename: str, data: bytes) -> Any:
        return self.upload("POST", f"{API}/application-input/documents", data,  # type: ignore[attr-defined]
                           "application/pdf", token=token, params={"filename": filename})

    def delete_input_file(self, token: str | None, file_id: int) -> Any:
        return self.call("DELETE", f"{API}/application-input/files/{file_id}", token=token)  # type: ignore[attr-defined]

    def apply_application_input(self, token: str | None, values: dict[str, Any]) -> Any:
        return self.call("POST", f"{API}/application-input/filing", {"values": values},  # type: ignore[attr-defined]
                         token=token)
