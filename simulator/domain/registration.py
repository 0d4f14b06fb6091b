"""Registration rules as pure functions over plain facts (the services gather them): the registry's
answer on an entered 申請等取次者証明書 (FAQ Q2-13 – Q2-17, WZBAM246E – 262E) and the agreement of
typed facts with the card's (Q2-11, WZBAM112E). No Flask, no SQL."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from simulator.domain.accounts import AgentCertificateStatus


@dataclass(frozen=True)
class RegistryEntry:
    """What the registry says of a certificate number (None when it has no entry)."""

    status: str
    valid_until: dt.date
    birth_date: dt.date


def certificate_refusal(entry: RegistryEntry | None, today: dt.date, taken_by_another: bool,
                        birth_date: dt.date | None) -> tuple[str, str] | None:
    """(code, field) refusing a certificate number, in the order the system checks, or None."""
    if entry is None:
        return "WZBAM246E", "agent_certificate_number"
    if entry.status == AgentCertificateStatus.CANCELLED:
        return "WZBAM247E", "agent_certificate_number"
    if entry.status == AgentCertificateStatus.SUSPENDED:
        return "WZBAM249E", "agent_certificate_number"
    if entry.valid_until < today:
        return "WZBAM248E", "agent_certificate_number"
    if taken_by_another:
        return "WZBAM261E", "agent_certificate_number"
    if birth_date is not None and entry.birth_date != birth_date:
        return "WZBAM262E", "birth_date"
    return None


def card_disagreement(typed: dict[str, str | None], card: dict[str, str | None]) -> str | None:
    """The first of name, sex, date of birth typed differently from the card (WZBAM112E), or None.
    Facts not typed, or not on the card, do not disagree."""
    for key in ("name", "sex", "birth_date"):
        mine, theirs = typed.get(key), card.get(key)
        if mine is not None and theirs is not None and mine != theirs:
            return key
    return None
