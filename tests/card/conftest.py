"""Fixtures for the virtual card tests.

In-process fixtures give each test its own copy of a cards folder issued once per session
(RSA key generation is the slow part). The pcscd fixtures start the real PC/SC stack through
:mod:`virtual_card.testing`; if pcscd cannot start they FAIL with the reason — never skip.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from virtual_card.client import JpkiClient
from virtual_card.issuing import issue_card
from virtual_card.store import CardStore
from virtual_card.testing import TEST_AUTH_PIN as AUTH_PIN
from virtual_card.testing import TEST_HOLDER as HOLDER
from virtual_card.testing import TEST_MY_NUMBER as MY_NUMBER
from virtual_card.testing import TEST_SIGN_PIN as SIGN_PIN
from virtual_card.testing import Pcscd, PcscdError, ServedCard


@pytest.fixture(scope="session")
def template_cards(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("template-cards")
    store = CardStore(root)
    issue_card(store, HOLDER, auth_pin=AUTH_PIN, sign_pin=SIGN_PIN, my_number=MY_NUMBER, card_id="good")
    issue_card(store, HOLDER, auth_pin=AUTH_PIN, sign_pin=SIGN_PIN, card_id="expired", expired=True)
    issue_card(store, HOLDER, auth_pin=AUTH_PIN, sign_pin=SIGN_PIN, card_id="revoked", revoked=True)
    issue_card(store, HOLDER, auth_pin=AUTH_PIN, sign_pin=SIGN_PIN, card_id="blocked", blocked=True)
    return root


@pytest.fixture
def cards_dir(template_cards: Path, tmp_path: Path) -> Path:
    target = tmp_path / "cards"
    shutil.copytree(template_cards, target)
    return target


@pytest.fixture
def store(cards_dir: Path) -> CardStore:
    return CardStore(cards_dir)


@pytest.fixture
def card(store: CardStore):
    return store.open_card("good")


@pytest.fixture
def client(card) -> JpkiClient:
    return JpkiClient.in_process(card)


# -- the real PC/SC stack ----------------------------------------------------------------
@pytest.fixture(scope="session")
def pcscd():
    daemon = Pcscd()
    try:
        daemon.start()
    except PcscdError as exc:
        pytest.fail(f"pcscd could not start: {exc}", pytrace=False)
    yield daemon
    daemon.stop()


@pytest.fixture
def served(pcscd, cards_dir: Path):
    """The `good` card served by a `card serve` subprocess in "Virtual PCD 00 00"."""
    server = ServedCard(cards_dir, "good")
    try:
        server.start()
    except PcscdError as exc:
        pytest.fail(f"card server could not start: {exc}", pytrace=False)
    yield server
    server.stop()
