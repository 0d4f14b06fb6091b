"""The access flows of organisation staff in edition 2026 (003 §2.4, §3.2) as calls of RasimClient: the e-mail
entry of 利用者登録, the mail's link, [確認へ進む], [登録する], and 利用者IDを忘れた場合."""
from __future__ import annotations

from typing import Any

API = "/api/v1"


class AccessCalls:
    """Mixed into RasimClient (which provides call)."""

    def start_staff_registration(self, email: str, confirm: str | None = None) -> Any:
        return self.call("POST", f"{API}/registrations/email",  # type: ignore[attr-defined]
                         {"email": email, "email_confirm": email if confirm is None else confirm})

    def open_staff_registration(self, token: str) -> Any:
        return self.call("POST", f"{API}/registrations/staff/link", {"token": token})  # type: ignore[attr-defined]

    def check_staff_registration(self, token: str, fields: dict[str, Any]) -> Any:
        return self.call("POST", f"{API}/registrations/staff/check", {"token": token, **fields})  # type: ignore[attr-defined]

    def register_staff(self, token: str, fields: dict[str, Any]) -> Any:
        return self.call("POST", f"{API}/registrations/staff", {"token": token, **fields})  # type: ignore[attr-defined]

    def remind_auth_id(self, email: str, name_en: str) -> Any:
        return self.call("POST", f"{API}/auth-id-reminders", {"email": email, "name_en": name_en})  # type: ignore[attr-defined]
