"""Demo cards with documented PINs, created by `rasim seed --demo` (idempotent).

All demo cards: authentication PIN (and card-info PIN) ``1234``, signature PIN ``ABC123``.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from .cardinfo import INFO_PIN_TRIES
from .issuing import issue_card
from .jpki import AUTH_PIN_TRIES, SIGN_PIN_TRIES
from .model import BasicFour
from .store import CardStore

DEMO_AUTH_PIN = "1234"
DEMO_SIGN_PIN = "ABC123"

DEMO_CARDS = [
    ("demo-foreign-national", "foreign national",
     BasicFour("NGUYEN VAN AN", "東京都新宿区西新宿二丁目8番1号", date(1995, 4, 15), "1"), "123456789018"),
    ("demo-legal-representative", "legal representative",
     BasicFour("山田　花子", "東京都千代田区霞が関一丁目1番1号", date(1980, 7, 1), "2"), "234567890121"),
    ("demo-relative", "relative",
     BasicFour("LI MEILING", "大阪府大阪市北区中之島一丁目3番20号", date(1972, 11, 30), "2"), "345678901234"),
]


def ensure_demo_cards(cards_dir: Path | str | None = None, reset_pins: bool = False) -> list[dict]:
    """Create the demo cards that are missing; return all of them.

    Each entry: ``{"id", "role", "name", "auth_pin", "sign_pin", "info_pin", "folder"}``.
    With ``reset_pins`` the tries left of existing demo cards go back to the maximum.
    """
    store = CardStore(cards_dir)
    out = []
    for card_id, role, holder, my_number in DEMO_CARDS:
        if not store.exists(card_id):
            issue_card(store, holder, auth_pin=DEMO_AUTH_PIN, sign_pin=DEMO_SIGN_PIN,
                       my_number=my_number, card_id=card_id)
        elif reset_pins:
            store.write_tries(card_id, {"jpki.auth": AUTH_PIN_TRIES, "jpki.sign": SIGN_PIN_TRIES,
                                        "info": INFO_PIN_TRIES})
        out.append({"id": card_id, "role": role, "name": holder.name, "auth_pin": DEMO_AUTH_PIN,
                    "sign_pin": DEMO_SIGN_PIN, "info_pin": DEMO_AUTH_PIN,
                    "folder": str(store.root / card_id)})
    return out
