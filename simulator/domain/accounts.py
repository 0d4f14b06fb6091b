"""Account rules: who may log in, when an account lapses, how an ID looks. Pure functions over
plain values; the service layer passes in the account row, the current time and the edition."""
from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from simulator.catalog import Edition


class Status:
    """Account lifecycle (利用者の状態)."""

    PENDING_PASSWORD = "pending_password"   # registered / approved, initial password not set yet
    ACTIVE = "active"
    SUSPENDED = "suspended"                 # 利用停止 (WZBAM155E)
    DELETED = "deleted"                     # 抹消, e.g. after a retirement report (WZBAM156E)
    LAPSED = "lapsed"                       # initial password not set in time (Q3-7)


class AgentCertificateStatus:
    ACTIVE = "active"
    CANCELLED = "cancelled"    # 取消 (WZBAM247E / 257E)
    SUSPENDED = "suspended"    # 停止 (WZBAM249E / 259E)


class ReportStatus:
    NONE = "none"
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"        # WZBAM152E


@dataclass(frozen=True)
class LoginFacts:
    """What the login rule needs to know about an account, gathered by the service."""

    status: str
    route: str                              # card | agent_certificate | usage_request
    valid_until: dt.datetime | None         # account validity (Q2-16, Q2-17, Q3-7)
    password_expires_at: dt.datetime | None
    locked_until: dt.datetime | None
    certificate_status: str | None = None   # lawyers / scriveners: their registry entry
    certificate_valid_until: dt.date | None = None
    certificate_number_matches: bool = True
    report_status: str | None = None        # organisation staff: last periodic report
    application_grace: bool = False         # card categories: an application is in progress


def lock_code(facts: LoginFacts, now: dt.datetime) -> str | None:
    if facts.locked_until and facts.locked_until > now:
        return "WZBAM153E"
    return None


def state_code(facts: LoginFacts) -> str | None:
    """Refusals that do not depend on time: deleted, suspended."""
    return status_code(facts.status)


def status_code(status: str) -> str | None:
    """The refusal of an account's state alone (deleted 156E, suspended 155E, not active 150E)."""
    if status == Status.DELETED:
        return "WZBAM156E"
    if status == Status.SUSPENDED:
        return "WZBAM155E"
    if status in (Status.PENDING_PASSWORD, Status.LAPSED):
        return "WZBAM150E"
    return None


def validity_code(facts: LoginFacts, now: dt.datetime) -> str | None:
    """Refusals once the password is known to be right: lapsed validity and the like."""
    if facts.route == "agent_certificate":
        if facts.certificate_status == AgentCertificateStatus.CANCELLED or not facts.certificate_number_matches:
            return "WZBAM257E"
        if facts.certificate_status == AgentCertificateStatus.SUSPENDED:
            return "WZBAM259E"
        if facts.certificate_valid_until and facts.certificate_valid_until < now.date():
            return "WZBAM258E"
    if facts.route == "usage_request":
        if facts.report_status == ReportStatus.REFUSED:
            return "WZBAM152E"
        if facts.valid_until and facts.valid_until <= now:
            return "WZBAM151E"
    if facts.route == "card" and facts.valid_until and facts.valid_until <= now and not facts.application_grace:
        return "WZBAM157E"
    return None


def card_route_code(facts: LoginFacts, now: dt.datetime, via_card: bool, applications_in_progress: int) -> str | None:
    """Card categories log in with the card and the ID/password together (Q13-3). With ID and
    password alone only when the card's certificate expired while an application is in progress
    (seed 001: 申請中にMNCの有効期限が切れた場合、認証IDでログイン)."""
    if facts.route != "card" or via_card:
        return None
    expired = facts.valid_until is not None and facts.valid_until <= now
    if expired and applications_in_progress > 0:
        return None
    if expired:
        return "WZBAM157E"
    return "WZBAM167E"


def password_code(facts: LoginFacts, now: dt.datetime) -> str | None:
    if facts.password_expires_at and facts.password_expires_at <= now:
        return "WZBAM158E"
    return None


# --- the login sequence: state, lock, password, then route, validity and expiry ----------------------

def before_password_code(facts: LoginFacts, now: dt.datetime) -> str | None:
    """Refused before the password is looked at: the account's state first (a deleted, locked account
    says 156E), then the lock (153E, which no right password gets past)."""
    return state_code(facts) or lock_code(facts, now)


def failure_outcome(failures: int, ed: Edition, wrong_code: str = "WZBAM270E") -> tuple[str, bool]:
    """After a wrong password, with `failures` consecutive failures counted so far: (code, lock?).
    The edition's n-th failure locks (FAQ Q12-7; 003: 「5回続けて」)."""
    if failures >= ed.lock_after_failures:
        return "WZBAM153E", True
    return wrong_code, False


def admission_code(facts: LoginFacts, now: dt.datetime, via_card: bool, applications_in_progress: int) -> str | None:
    """Once the password is right: the card route (Q13-3), the account's validity, the password's expiry."""
    return (card_route_code(facts, now, via_card, applications_in_progress) or validity_code(facts, now)
            or password_code(facts, now))


def new_auth_id(ed: Edition, taken: set[str] | None = None) -> str:
    """A fresh 認証ID like the manual's example 'mctay42863' (pattern from the edition)."""
    letters = "".join(c for c in ed.auth_id_alphabet if c.isalpha())
    digits = "".join(c for c in ed.auth_id_alphabet if c.isdigit())
    while True:
        value = "".join(secrets.choice(letters if p == "l" else digits) for p in ed.auth_id_pattern)
        if not taken or value not in taken:
            return value


def add_years(when: dt.datetime, years: int) -> dt.datetime:
    try:
        return when.replace(year=when.year + years)
    except ValueError:  # 29 February
        return when.replace(year=when.year + years, day=28)


def add_months(when: dt.datetime, months: int) -> dt.datetime:
    month0 = when.month - 1 + months
    year, month = when.year + month0 // 12, month0 % 12 + 1
    for day in (when.day, 30, 29, 28):
        try:
            return when.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise ValueError(when)
