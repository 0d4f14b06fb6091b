"""Which screens an application's input goes through (004 §2.4, §2.8; FAQ Q5-11), from
catalog/application_steps.toml and status_groups.csv: STEP1, 身分事項1 and 2 of the procedure, the
activity form of the status's group (STEP2-3), the 高度専門職 points (STEP2-4), STEP3."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from typing import Any

from simulator import catalog

STEP1, STEP3 = "step1", "step3"
COMPANION_PROCEDURES = ("re_entry_permit", "permission_outside_status")


@cache
def _data() -> dict[str, Any]:
    with open(catalog.HERE / "application_steps.toml", "rb") as f:
        return tomllib.load(f)


@cache
def _groups() -> dict[str, dict[str, str]]:
    return {r["status_key"]: r for r in catalog.table("status_groups.csv")}


def group_of(status: str | None) -> str:
    row = _groups().get(status or "")
    return row["group"] if row else ""


def activity_form(status: str | None) -> str:
    row = _groups().get(status or "")
    return f"activity_{row['activity_form'] if row else 'generic'}"


@dataclass(frozen=True)
class Plan:
    procedure: str
    steps: tuple[tuple[str, str], ...]     # (step key, form key), STEP1 and STEP3 included

    @property
    def keys(self) -> list[str]:
        return [k for k, _ in self.steps]

    def form_key(self, step: str) -> str:
        for k, form in self.steps:
            if k == step:
                return form
        raise KeyError(step)

    def after(self, step: str) -> str | None:
        keys = self.keys
        i = keys.index(step)
        return keys[i + 1] if i + 1 < len(keys) else None

    def before(self, step: str) -> str | None:
        keys = self.keys
        i = keys.index(step)
        return keys[i - 1] if i > 0 else None


def stops_after_step2_2(category: str, procedure: str, status: str | None) -> bool:
    rule = _data()["stops_after_step2_2"]
    return category in rule["categories"] and procedure in rule["procedures"] and status in rule["statuses"]


def plan(category: str, procedure: str, status: str | None) -> Plan:
    proc = _data()["procedure"][procedure]
    first = "companion_step1" if procedure in COMPANION_PROCEDURES else "application_step1"
    steps: list[tuple[str, str]] = [(STEP1, first)] + [(k, f) for k, f in proc["steps"]]
    if not stops_after_step2_2(category, procedure, status):
        if proc["activity"]:
            steps.append(("step2_3", activity_form(status)))
        if status in _data()["hsp"]["statuses"] and proc["activity"]:
            steps.append(("step2_4", _data()["hsp"]["form"]))
    steps.append((STEP3, "application_confirm"))
    return Plan(procedure, tuple(steps))
