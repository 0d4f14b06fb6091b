"""Who may file what (STEP1): the procedures of FAQ Q1-4 (the two companions only through the list), the
statuses that are not online (外交, 短期滞在, 特定活動(出国準備期間); 永住 only as acquisition, Q1-5), and
the per-category matrix of seed 001 with its conditions. Refusals carry the catalogue's codes: WZBAM117E
「入力された情報では利用できません。」 for a choice the user may not make, WZBAM289E 「…最寄りの官署に
ご連絡ください。」 where a condition sends the user to a bureau first. Pure: no Flask, no SQL."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

from simulator import catalog
from simulator.domain.errors import Problem

NOT_ONLINE = "WZBAM117E"
CONTACT_BUREAU = "WZBAM289E"


@dataclass(frozen=True)
class Permission:
    allowed: str                 # yes | no | conditional
    condition_no: str
    statuses: frozenset[str]     # condition 2: the statuses a relative's COE may seek


@cache
def _permissions() -> dict[tuple[str, str], Permission]:
    return {(r["category"], r["procedure"]): Permission(r["allowed"], r["condition_no"],
                                                        frozenset(s for s in r["condition_status_keys"].split("|") if s))
            for r in catalog.table("permissions.csv")}


@cache
def _statuses() -> dict[str, dict[str, str]]:
    return {r["key"]: r for r in catalog.table("statuses_of_residence.csv")}


@cache
def _procedures() -> dict[str, dict[str, str]]:
    return {r["key"]: r for r in catalog.table("procedures.csv")}


def procedure_label(procedure: str) -> str:
    return _procedures()[procedure]["label_ja"]


def is_online_status(status: str) -> bool:
    row = _statuses().get(status)
    return row is not None and row["online"] == "true"


def offered_statuses(procedure: str) -> list[str]:
    """The 在留資格 pull-down of STEP1 for a procedure: online statuses (永住者 only for acquisition)."""
    return [k for k in _statuses() if is_online_status(k) and status_problem(procedure, k) is None]


def status_problem(procedure: str, status: str) -> str | None:
    if not is_online_status(status):
        return NOT_ONLINE
    if status == "permanent_resident" and procedure != "acquisition_of_status":
        return NOT_ONLINE          # 永住許可申請 is not online (Q1-5); a COE cannot be issued for it (003 §4)
    if status == "highly_skilled_professional":
        return NOT_ONLINE          # the pull-down offers its 号 (004 §2.4.2), not the parent status
    return None


def step1_problems(category: str, procedure: str, status: str, bureau_contacted: bool) -> list[Problem]:
    """What refuses the STEP1 choice of a user of `category` (empty: allowed so far; the relatives'
    age condition is checked once the birth date is known, `applicant_condition_problem`)."""
    proc = _procedures().get(procedure)
    if proc is None or proc["standalone"] != "true":
        return [Problem(NOT_ONLINE, "procedure")]   # re-entry / outside-status only with a main one (Q1-4)
    code = status_problem(procedure, status)
    if code:
        return [Problem(code, "status_of_residence")]
    perm = _permissions().get((category, procedure), Permission("no", "", frozenset()))
    if perm.allowed == "no":
        return [Problem(NOT_ONLINE, "procedure")]
    if perm.allowed == "conditional" and perm.condition_no == "1" and not bureau_contacted:
        refusal = catalog.refusal("bureau_not_contacted", procedure=procedure_label(procedure))
        return [Problem(CONTACT_BUREAU, "bureau_contacted", refusal)]
    if perm.allowed == "conditional" and perm.condition_no == "2" and status not in perm.statuses:
        return [Problem(NOT_ONLINE, "status_of_residence")]
    return []


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def applicant_condition_problem(category: str, procedure: str, birth_date: dt.date | None, today: dt.date,
                                cannot_apply: bool) -> Problem | None:
    """Condition 3 of seed 001: a 親族 files a change, extension, acquisition or re-entry permit only for
    an applicant under 16, or one who cannot apply because of illness or another reason."""
    perm = _permissions().get((category, procedure))
    if perm is None or perm.condition_no != "3" or birth_date is None:
        return None
    if age_on(birth_date, today) < 16 or cannot_apply:
        return None
    return Problem(CONTACT_BUREAU, "applicant_cannot_apply",
                   catalog.refusal("applicant_can_apply", procedure=procedure_label(procedure)))
