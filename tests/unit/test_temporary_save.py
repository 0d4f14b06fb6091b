"""The temporary save's file (003 §8.2), pure: sealed and opened again; not readable on the PC; an edited,
foreign, oversized or differently keyed file refused; another version or procedure refused by the rules; the
past-input window of §8.3."""
from __future__ import annotations

import datetime as dt

import pytest

from simulator import catalog
from simulator.adapters.temporary_save import MAGIC, NotASealedFile, open_sealed_payload, seal_payload
from simulator.domain import temporary_save as rules

KEY = "a-secret-key-of-the-installation"
NOW = dt.datetime(2026, 12, 3, 10, 0, 0)
VALUES = {"step2_1": {"applicant_name": "HOUMU,TAROU", "home_town": "ハノイ市"}}


def sealed(procedure: str = "application:extension_of_stay:-:-", version: int = 1) -> bytes:
    return seal_payload(rules.payload(procedure, version, VALUES, NOW, "在留期間更新許可申請"), KEY)


def test_round_trip_gives_the_values_back_and_the_file_shows_none_of_them() -> None:
    data = sealed()
    assert data.startswith(MAGIC)
    for text in ("HOUMU", "ハノイ".encode(), "applicant_name"):
        assert (text if isinstance(text, bytes) else text.encode()) not in data
    saved = open_sealed_payload(data, KEY, 1 << 20)
    assert saved["values"] == VALUES and saved["format"] == rules.FORMAT
    assert rules.refusal_of(saved, "application:extension_of_stay:-:-", 1) is None


@pytest.mark.parametrize("position", [len(MAGIC) + 5, len(MAGIC) + 60, -3])
def test_an_edited_file_is_refused(position: int) -> None:
    data = bytearray(sealed())
    data[position] = ord("A") if data[position] != ord("A") else ord("B")
    with pytest.raises(NotASealedFile):
        open_sealed_payload(bytes(data), KEY, 1 << 20)


@pytest.mark.parametrize("data", [b"", b"PK\x03\x04 a zip", MAGIC, MAGIC + b"not a token", "テキスト".encode()])
def test_a_foreign_file_is_refused(data: bytes) -> None:
    with pytest.raises(NotASealedFile):
        open_sealed_payload(data, KEY, 1 << 20)


def test_another_installation_cannot_open_it_and_a_file_over_the_cap_is_not_read() -> None:
    with pytest.raises(NotASealedFile):
        open_sealed_payload(sealed(), "another-installation", 1 << 20)
    data = sealed()
    with pytest.raises(NotASealedFile):
        open_sealed_payload(data, KEY, len(data) - 1)


def test_another_version_or_procedure_is_refused_with_its_code() -> None:
    saved = open_sealed_payload(sealed(version=1), KEY, 1 << 20)
    assert rules.refusal_of(saved, "application:extension_of_stay:-:-", 2) == rules.OUTDATED
    assert rules.refusal_of(saved, "application:change_of_status:-:-", 1) == rules.OTHER_PROCEDURE
    assert rules.refusal_of({**saved, "format": "x"}, "application:extension_of_stay:-:-", 1) == rules.NOT_OURS


def test_only_items_the_form_still_declares_are_kept() -> None:
    form = catalog.form("identity")
    kept = rules.kept_values(form, {"applicant_name": "HOUMU,TAROU", "withdrawn_item": "x", "sex_applicant": "male"})
    assert kept == {"applicant_name": "HOUMU,TAROU", "sex_applicant": "male"}
    # with the checks: a value the item no longer takes (an option withdrawn) is left empty
    assert rules.kept_values(form, {"sex_applicant": "withdrawn_option"}, check=True) == {}
    assert rules.kept_values(form, {"sex_applicant": "withdrawn_option"}) == {"sex_applicant": "withdrawn_option"}


def test_past_input_is_reusable_for_two_years_after_it_was_entered() -> None:
    assert rules.reusable(dt.datetime(2024, 12, 3, 10, 0), NOW, 2)
    assert not rules.reusable(dt.datetime(2024, 12, 3, 9, 59), NOW, 2)
    assert not rules.reusable(NOW, NOW, 0)
    assert rules.file_name("coe", NOW, "rasim") == "coe_20261203100000.rasim"
    assert rules.file_name("../x y", NOW, "rasim") == "___x_y_20261203100000.rasim"
