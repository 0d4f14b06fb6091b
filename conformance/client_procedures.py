"""Choosing a procedure and My Page (003 §4.1, §6, §8.1, §9), as calls of RasimClient: the catalogue search,
[手続き説明], [同意する], the favourites and [利用者詳細]."""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

API = "/api/v1"


class ProcedureCalls:
    """Mixed into RasimClient (which provides call)."""

    def search_procedures(self, token: str | None, keywords: str = "", synonyms: bool = False, sort: str | None = None,
                          page: int | None = None, per_page: int | None = None) -> Any:
        params: dict[str, Any] = {"keywords": keywords} if keywords else {}
        if synonyms:
            params["synonyms"] = "true"
        params |= {k: v for k, v in {"sort": sort, "page": page, "per_page": per_page}.items() if v is not None}
        return self.call("GET", f"{API}/procedures", token=token, params=params or None)  # type: ignore[attr-defined]

    def procedure(self, token: str | None, key: str) -> Any:
        return self.call("GET", f"{API}/procedures/{quote(key)}", token=token)  # type: ignore[attr-defined]

    def agree_procedure(self, token: str | None, key: str) -> Any:
        return self.call("POST", f"{API}/procedures/{quote(key)}/agreement", token=token)  # type: ignore[attr-defined]

    def favourite_procedures(self, token: str | None) -> Any:
        return self.call("GET", f"{API}/favourite-procedures", token=token)  # type: ignore[attr-defined]

    def add_favourite_procedure(self, token: str | None, key: str) -> Any:
        return self.call("PUT", f"{API}/favourite-procedures/{quote(key)}", token=token)  # type: ignore[attr-defined]

    def delete_favourite_procedure(self, token: str | None, key: str) -> Any:
        return self.call("DELETE", f"{API}/favourite-procedures/{quote(key)}", token=token)  # type: ignore[attr-defined]

    def user_detail(self, token: str | None) -> Any:
        return self.call("GET", f"{API}/me/detail", token=token)  # type: ignore[attr-defined]
