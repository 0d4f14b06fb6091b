"""[申込一覧] and [申込詳細] of the current system (003 §7.1) as calls of RasimClient: GET /api/v1/submissions with
the criteria of [キーワードで探す] (related, procedure_name, applied_from / applied_to as YYYYMMDD), sort and per_page,
page; GET /api/v1/submissions/{id} (and /submissions/procedure-requests/{id}, /submissions/receipt-method-changes/{id}
for the rows of the other kinds)."""
from __future__ import annotations

from typing import Any

API = "/api/v1"


class ListCalls:
    """Mixed into RasimClient (which provides call)."""

    def submissions(self, token: str | None, **query: Any) -> Any:
        params = {k: str(v) for k, v in query.items() if v not in (None, "")}
        return self.call("GET", f"{API}/submissions", token=token, params=params or None)  # type: ignore[attr-defined]

    def submission(self, token: str | None, application_id: int) -> Any:
        return self.call("GET", f"{API}/submissions/{application_id}", token=token)  # type: ignore[attr-defined]

    def submission_of_kind(self, token: str | None, kind: str, record_id: int) -> Any:
        """[申込詳細] of a row of [申込一覧] by its kind (application, procedure_request, receipt_change)."""
        paths = {"application": "", "procedure_request": "procedure-requests/", "receipt_change": "receipt-method-changes/"}
        return self.call("GET", f"{API}/submissions/{paths[kind]}{record_id}", token=token)  # type: ignore[attr-defined]
