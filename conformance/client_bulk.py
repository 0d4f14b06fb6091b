"""The bulk input's calls of RasimClient (申請情報入力(一括), FAQ Q4-23–Q4-26): the file's layout, the upload
(the file itself as the body, STEP1 in the query), STEP3, the upload's progress, the 登録エラー内容 and the
template downloads of the menu."""
from __future__ import annotations

from typing import Any

API = "/api/v1"


class BulkCalls:
    """Mixed into RasimClient (which provides call, upload and download)."""

    def bulk_layout(self, token: str | None, step1: dict[str, str]) -> Any:
        return self.call("GET", f"{API}/bulk-layouts", token=token, params=step1)  # type: ignore[attr-defined]

    def upload_bulk_input(self, token: str | None, step1: dict[str, str], filename: str, data: bytes) -> Any:
        return self.upload("POST", f"{API}/bulk-inputs", data, "text/csv", token=token,  # type: ignore[attr-defined]
                           params={**step1, "filename": filename})

    def complete_bulk_input(self, token: str | None, bulk_id: int, ticks: dict[str, Any]) -> Any:
        return self.call("POST", f"{API}/bulk-inputs/{bulk_id}/completion", ticks, token=token)  # type: ignore[attr-defined]

    def bulk_input(self, token: str | None, bulk_id: int) -> Any:
        return self.call("GET", f"{API}/bulk-inputs/{bulk_id}", token=token)  # type: ignore[attr-defined]

    def bulk_errors(self, token: str | None, application_id: int) -> Any:
        return self.call("GET", f"{API}/applications/{application_id}/bulk-errors", token=token)  # type: ignore[attr-defined]

    def bulk_template_page(self, procedure: str) -> Any:
        return self.download(f"/templates/bulk/{procedure}")  # type: ignore[attr-defined]

    def bulk_template(self, procedure: str, status: str) -> Any:
        return self.download(f"/templates/bulk/{procedure}/template.xlsx?status={status}")  # type: ignore[attr-defined]

    # -- edition 2026 (003 §5.2–§5.3.5) -------------------------------------------------------------------
    def saved_bulk_input(self, token: str | None) -> Any:
        return self.call("GET", f"{API}/bulk-inputs/saved", token=token)  # type: ignore[attr-defined]

    def fix_bulk_row(self, token: str | None, bulk_id: int, line: int, values: dict[str, Any]) -> Any:
        return self.call("PUT", f"{API}/bulk-inputs/{bulk_id}/rows/{line}", {"values": values},  # type: ignore[attr-defined]
                         token=token)

    def bulk_row_photo(self, token: str | None, bulk_id: int, line: int, filename: str, data: bytes) -> Any:
        return self.upload("PUT", f"{API}/bulk-inputs/{bulk_id}/rows/{line}/photo", data,  # type: ignore[attr-defined]
                           "image/jpeg", token=token, params={"filename": filename})

    def bulk_row_document(self, token: str | None, bulk_id: int, line: int, filename: str, data: bytes) -> Any:
        return self.upload("POST", f"{API}/bulk-inputs/{bulk_id}/rows/{line}/documents", data,  # type: ignore[attr-defined]
                           "application/pdf", token=token, params={"filename": filename})

    def remove_bulk_row_file(self, token: str | None, bulk_id: int, line: int, file_id: int) -> Any:
        return self.call("DELETE", f"{API}/bulk-inputs/{bulk_id}/rows/{line}/files/{file_id}",  # type: ignore[attr-defined]
                         token=token)

    def submit_bulk_input(self, token: str | None, bulk_id: int) -> Any:
        return self.call("POST", f"{API}/bulk-inputs/{bulk_id}/submission", {}, token=token)  # type: ignore[attr-defined]
