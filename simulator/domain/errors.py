"""Problems the system reports with its own codes (WZBAM…, or rasim's RASIM… for HTTP matters)."""
from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field


@dataclass(frozen=True)
class Problem:
    code: str
    field: str | None = None
    params: dict[str, str] = dc_field(default_factory=dict)


class RuleViolation(Exception):
    """One or more problems; nothing has been stored. `status` is the HTTP status to answer: by
    default the catalogue's for the first code (catalog/http-statuses.csv; 400 when it names none),
    given explicitly only where a context answers otherwise."""

    def __init__(self, problems: list[Problem] | Problem, status: int | None = None, extra: dict | None = None):
        from simulator import catalog

        self.problems = problems if isinstance(problems, list) else [problems]
        self.status = status if status is not None else catalog.http_status(self.problems[0].code)
        self.extra = extra or {}
        super().__init__(", ".join(p.code for p in self.problems))

    @classmethod
    def one(cls, code: str, field: str | None = None, status: int | None = None, **params: str) -> "RuleViolation":
        return cls([Problem(code, field, dict(params))], status=status)


class Problems:
    """Collects problems while a form is checked; raise_if_any() at the end."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, code: str, field: str | None = None, **params: str) -> None:
        self.items.append(Problem(code, field, dict(params)))

    def has(self, field: str) -> bool:
        return any(p.field == field for p in self.items)

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self, status: int | None = None) -> None:
        if self.items:
            raise RuleViolation(list(self.items), status=status)
