"""Start pcscd and a served virtual card for tests, and tear them down.

Used by tests/card/conftest.py and by other suites (browser tests) that need a card in the
"Virtual PCD" reader::

    from virtual_card.testing import card_stack

    with card_stack(tmp_path / "cards") as stack:      # pcscd + `card serve` subprocess
        with stack.client() as client:                 # JpkiClient over PC/SC
            client.verify_pin("auth", stack.card.auth_pin)

pcscd is started only if none is running (it is then stopped again at the end); it must run
as root (or with access to /run/pcscd) and needs Debian's vsmartcard-vpcd. When it cannot start,
:class:`PcscdError` carries the reason — tests must fail with it, not skip. The process helpers
(:class:`Pcscd`, :class:`ServedCard`, :class:`ManagedProcess`) live in :mod:`virtual_card.stack`,
which `rasim serve` uses too; they are re-exported here.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .client import JpkiClient
from .issuing import IssuedCard, issue_card
from .model import BasicFour
from .stack import (  # noqa: F401 - re-exported: the tests import the process helpers from here
    PCSCD_SOCKET,
    VPCD_DRIVER,
    ManagedProcess,
    Pcscd,
    PcscdError,
    ServedCard,
    card_present,
    list_readers,
    pcscd_running,
    wait_until,
)
from .store import CardStore

TEST_AUTH_PIN = "1234"
TEST_SIGN_PIN = "ABC123"
TEST_MY_NUMBER = "123456789018"
TEST_HOLDER = BasicFour("NGUYEN VAN AN", "東京都新宿区西新宿二丁目8番1号", date(1995, 4, 15), "1")
DEFAULT_HOLDER = TEST_HOLDER


@dataclass
class CardStack:
    pcscd: Pcscd
    served: ServedCard
    store: CardStore
    card: IssuedCard

    def client(self) -> JpkiClient:
        return JpkiClient.pcsc()


@contextmanager
def card_stack(cards_dir: Path | str, holder: BasicFour = DEFAULT_HOLDER, auth_pin: str = TEST_AUTH_PIN,
               sign_pin: str = TEST_SIGN_PIN, card_id: str = "test-card", debug_pcscd: bool = False,
               **issue_options) -> Iterator[CardStack]:
    """pcscd (started if needed) + a fresh card served in the "Virtual PCD 00 00" slot."""
    store = CardStore(cards_dir)
    if store.exists(card_id):
        rec = store.record(card_id)
        card = IssuedCard(card_id, rec.pins["jpki.auth"]["value"], rec.pins["jpki.sign"]["value"],
                          rec.pins["info"]["value"], store.root / card_id)
    else:
        card = issue_card(store, holder, auth_pin=auth_pin, sign_pin=sign_pin, card_id=card_id,
                          **issue_options)
    with Pcscd(debug=debug_pcscd) as pcscd, ServedCard(store.root, card_id) as served:
        yield CardStack(pcscd, served, store, card)
