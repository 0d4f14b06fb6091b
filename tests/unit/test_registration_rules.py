"""The registration rules (simulator/domain/registration.py) without Flask or a database."""
from __future__ import annotations

import datetime as dt

import pytest

from simulator.domain.registration import RegistryEntry, card_disagreement, certificate_refusal

TODAY = dt.date(2024, 4, 1)
BIRTH = dt.date(1980, 1, 2)
GOOD = RegistryEntry("active", dt.date(2025, 3, 31), BIRTH)


@pytest.mark.parametrize("entry, taken, birth, expected", [
    (None, False, BIRTH, ("WZBAM246E", "agent_certificate_number")),
    (RegistryEntry("cancelled", GOOD.valid_until, BIRTH), False, BIRTH, ("WZBAM247E", "agent_certificate_number")),
    (RegistryEntry("suspended", GOOD.valid_until, BIRTH), False, BIRTH, ("WZBAM249E", "agent_certificate_number")),
    (RegistryEntry("active", dt.date(2024, 3, 31), BIRTH), False, BIRTH, ("WZBAM248E", "agent_certificate_number")),
    (RegistryEntry("active", TODAY, BIRTH), False, BIRTH, None),          # the last valid day is still valid
    (GOOD, True, BIRTH, ("WZBAM261E", "agent_certificate_number")),
    (GOOD, False, dt.date(1980, 1, 3), ("WZBAM262E", "birth_date")),
    (GOOD, False, None, None),
    (GOOD, False, BIRTH, None),
])
def test_certificate_refusal(entry, taken, birth, expected):  # noqa: ANN001
    assert certificate_refusal(entry, TODAY, taken, birth) == expected


def test_the_registry_is_asked_in_order():
    """A cancelled certificate that another account holds and whose birth date differs says 247E."""
    entry = RegistryEntry("cancelled", dt.date(2020, 1, 1), dt.date(1999, 9, 9))
    assert certificate_refusal(entry, TODAY, True, BIRTH)[0] == "WZBAM247E"
    entry = RegistryEntry("active", dt.date(2020, 1, 1), dt.date(1999, 9, 9))
    assert certificate_refusal(entry, TODAY, True, BIRTH)[0] == "WZBAM248E"


def test_card_disagreement():
    card = {"name": "TRAN THI BINH", "sex": "female", "birth_date": "1998-02-03"}
    assert card_disagreement({}, card) is None
    assert card_disagreement({"name": "TRAN THI BINH"}, card) is None
    assert card_disagreement({"sex": "male"}, card) == "sex"
    assert card_disagreement({"name": "X", "birth_date": "2000-01-01"}, card) == "name"
    assert card_disagreement({"name": "X"}, {"name": None}) is None
    assert card_disagreement({"birth_date": "2000-01-01"}, card) == "birth_date"
    assert card_disagreement({"name": "TRAN THI BINH", "sex": "female", "birth_date": "1998-02-03"}, card) is None
