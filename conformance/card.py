"""The My Number Card of the conformance steps: virtual cards issued into the cards folder whose
test JPKI CA the target trusts, read and used through the in-process card client.

The real system's pages reach the card through the JPKI client software; the conformance driver
talks to the card directly (`virtual_card.client.JpkiClient.in_process`) — the same APDUs, no
pcscd, no browser. The browser path is covered by tests/browser.

Where the cards folder comes from:

- in process: the app's config ``RASIM_CARDS_DIR``;
- a simulator started by the run (conformance/server.py): its ``cards_dir``;
- an external target: ``rasim conformance run --cards-dir DIR`` (a folder whose CA the target
  trusts). Without it, a run that selects card scenarios is refused with ``UNKNOWN_CARDS_DIR``.

The cards keep their own PIN counters and their log of My Number reads on disk, so a scenario can
prove that the system never read the My Number (FAQ Q2-8) and that a wrong PIN never left the card
(Q2-9)."""
from __future__ import annotations

import base64
import datetime as dt
import tempfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Literal

UNKNOWN_CARDS_DIR = ("the My Number Card scenarios (@jpki) need the target's JPKI CA folder: give --cards-dir DIR, "
                     "or leave them out on purpose with --without-card-scenarios")
JST = dt.timezone(dt.timedelta(hours=9))
SEX_CODES = {"男": "1", "女": "2"}

Key = Literal["auth", "sign"]


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@dataclass
class Card:
    """One virtual card: its id and PINs in a store; every use opens the card afresh (the PIN
    counters and the read log write through to the card's folder)."""

    store: object          # virtual_card.store.CardStore
    card_id: str
    auth_pin: str
    sign_pin: str
    holder: object          # virtual_card.model.BasicFour

    def _client(self):  # noqa: ANN202
        from virtual_card.client import JpkiClient

        return JpkiClient.in_process(self.store.open_card(self.card_id))  # type: ignore[attr-defined]

    def certificate(self, kind: Key) -> str:
        """The certificate (base64 DER) as the client software reads it: no PIN needed."""
        return b64(self._client().read_certificate(kind))

    def sign(self, data: bytes, key: Key, pin: str | None = None) -> str:
        """VERIFY the PIN of `key`, then SIGN `data` with it (PKCS#1 v1.5, SHA-256) — on the card."""
        client = self._client()
        client.verify_pin(key, pin if pin is not None else (self.auth_pin if key == "auth" else self.sign_pin))
        return b64(client.sign(data, key=key))

    def verify_pin(self, key: Key, pin: str) -> None:
        """Only the PIN check, on the card (raises virtual_card's WrongPin / PinBlocked)."""
        self._client().verify_pin(key, pin)

    def tries_left(self, key: Key) -> int:
        return self._client().pin_tries_left(key)

    def my_number(self) -> str:
        return str(self.store.record(self.card_id).my_number)  # type: ignore[attr-defined]

    def my_number_reads(self) -> list[dict]:
        return list(self.store.my_number_reads(self.card_id))  # type: ignore[attr-defined]


class CardDriver:
    """Issues cards into one cards folder (the CA the target trusts), and cards from another CA."""

    def __init__(self, cards_dir: str | Path) -> None:
        self.cards_dir = Path(cards_dir)

    @cached_property
    def store(self):  # noqa: ANN202
        from virtual_card.store import CardStore

        return CardStore(self.cards_dir)

    @cached_property
    def other_ca(self):  # noqa: ANN202
        """A second test CA in a folder of its own: its certificates chain to nothing the target trusts."""
        from virtual_card.ca import TestCA

        return TestCA.open(Path(tempfile.mkdtemp(prefix="rasim-other-ca-")))

    def issue(self, name: str, address: str, birth_date: str | dt.date, sex: str = "男", *,
              not_after: dt.datetime | None = None, expired: bool = False, revoked: bool = False,
              foreign_ca: bool = False) -> Card:
        from virtual_card.issuing import issue_card
        from virtual_card.model import BasicFour

        birth = birth_date if isinstance(birth_date, dt.date) else dt.date.fromisoformat(birth_date)
        holder = BasicFour(name, address, birth, SEX_CODES.get(sex, sex))
        issued = issue_card(self.store, holder, expired=expired, revoked=revoked, not_after=not_after,
                            ca=self.other_ca if foreign_ca else None)
        return Card(self.store, issued.card_id, issued.auth_pin, issued.sign_pin, holder)

    def revoke(self, card: Card) -> None:
        from virtual_card.issuing import revoke_card

        revoke_card(self.store, card.card_id)
