"""What follows submission, as calls of RasimClient: the bureau's actions, scripted outcomes and the auto-bureau
(test support), an application's history, the electronic COEs with their 受領登録 (FAQ Q8, 004 §2.14, 003 §7.4),
修正する and the 受領方法変更申出 (003 §7.2, §7.3)."""
from __future__ import annotations

from typing import Any

API = "/api/v1"
TS = "/test-support"


class DecisionCalls:
    """Mixed into RasimClient (which provides call, upload and download)."""

    # -- the bureau (test support) ---------------------------------------------------------------------------
    def bureau_act(self, application_id: int, action: str) -> Any:
        return self.call("POST", f"{TS}/bureau/applications/{application_id}/actions", {"action": action})  # type: ignore[attr-defined]

    def bureau_applications(self, state: str | None = None) -> Any:
        return self.call("GET", f"{TS}/bureau/applications", params={"state": state} if state else None)  # type: ignore[attr-defined]

    def bureau_script(self, steps: list[dict[str, Any]], application_id: int | None = None,
                      auth_id: str | None = None, count: int | None = None) -> Any:
        body: dict[str, Any] = {"steps": steps}
        body |= {k: v for k, v in {"application_id": application_id, "auth_id": auth_id, "count": count}.items()
                 if v is not None}
        return self.call("POST", f"{TS}/bureau/scripts", body)  # type: ignore[attr-defined]

    def auto_bureau(self, days: int, outcome: str = "approve") -> Any:
        return self.call("PUT", f"{TS}/bureau/auto", {"days": days, "outcome": outcome})  # type: ignore[attr-defined]

    def mail_attachment(self, path: str) -> Any:
        return self.download(path)  # type: ignore[attr-defined]

    # -- the user ----------------------------------------------------------------------------------------------
    def application_history(self, token: str | None, application_id: int) -> Any:
        return self.call("GET", f"{API}/applications/{application_id}/history", token=token)  # type: ignore[attr-defined]

    def resubmit_application(self, token: str | None, application_id: int) -> Any:
        return self.call("POST", f"{API}/applications/{application_id}/resubmission", token=token)  # type: ignore[attr-defined]

    def request_receipt_method_change(self, token: str | None, **fields: Any) -> Any:
        return self.call("POST", f"{API}/receipt-method-change-requests", fields, token=token)  # type: ignore[attr-defined]

    def receipt_method_change_requests(self, token: str | None) -> Any:
        return self.call("GET", f"{API}/receipt-method-change-requests", token=token)  # type: ignore[attr-defined]

    def electronic_coes(self, token: str | None) -> Any:
        return self.call("GET", f"{API}/electronic-coes", token=token)  # type: ignore[attr-defined]

    def electronic_coe_pdf(self, token: str | None, coe_id: int) -> Any:
        return self.download(f"{API}/electronic-coes/{coe_id}/pdf", token=token)  # type: ignore[attr-defined]

    def register_coe_receipt(self, token: str | None, coe_id: int) -> Any:
        return self.call("POST", f"{API}/electronic-coes/{coe_id}/receipt", token=token)  # type: ignore[attr-defined]

    def register_coe_receipt_by_login(self, auth_id: str, password: str, coe_id: int) -> Any:
        return self.call("POST", f"{API}/coe-receipt-logins",  # type: ignore[attr-defined]
                         {"auth_id": auth_id, "password": password, "coe_id": coe_id})

    # -- the 「(窓口申請)在留資格認定証明書電子交付希望者」 (FAQ Q1-1 注1, Q8-1) -----------------------------------------
    def register_coe_registrant(self, name: str, email: str) -> Any:
        return self.call("POST", f"{TS}/bureau/coe-registrants", {"name": name, "email": email})  # type: ignore[attr-defined]

    def issue_counter_coe(self, **body: Any) -> Any:
        return self.call("POST", f"{TS}/bureau/counter-coes", body)  # type: ignore[attr-defined]
