"""Issuing a card: keys, certificates from the test CA, PINs, and the deliberate faults
(expired certificates, revoked certificates, blocked PINs) tests need."""
from __future__ import annotations

import secrets
import string
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from .ca import CERT_YEARS, TestCA, add_years, new_rsa_key, now
from .cardinfo import INFO_PIN, INFO_PIN_TRIES, my_number_check_digit
from .jpki import (
    AUTH_PIN,
    AUTH_PIN_TRIES,
    SIGN_PIN,
    SIGN_PIN_TRIES,
    JpkiContents,
    valid_auth_pin,
    valid_sign_pin,
)
from .model import BasicFour
from .store import CardRecord, CardStore


@dataclass
class IssuedCard:
    card_id: str
    auth_pin: str
    sign_pin: str
    info_pin: str
    folder: Path

    def to_json(self) -> dict:
        return {"id": self.card_id, "auth_pin": self.auth_pin, "sign_pin": self.sign_pin,
                "info_pin": self.info_pin, "folder": str(self.folder)}


def random_auth_pin() -> str:
    return "".join(secrets.choice(string.digits) for _ in range(4))


def random_sign_pin() -> str:
    alphabet = string.ascii_uppercase + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(8))


def random_my_number() -> str:
    first = str(secrets.randbelow(9) + 1) + "".join(secrets.choice(string.digits) for _ in range(10))
    return first + my_number_check_digit(first)


def new_card_id(store: CardStore) -> str:
    while True:
        card_id = "card-" + secrets.token_hex(3)
        if not store.exists(card_id):
            return card_id


def issue_card(store: CardStore, holder: BasicFour, *, auth_pin: str | None = None,
               sign_pin: str | None = None, my_number: str | None = None, card_id: str | None = None,
               expired: bool = False, revoked: bool = False, blocked: bool = False,
               blocked_sign: bool = False, not_after: datetime | None = None,
               ca: TestCA | None = None) -> IssuedCard:
    """Make a card and keep it in ``store``; returns its id and PINs.

    ``expired``: both certificates ended yesterday. ``revoked``: both are on the CRL.
    ``blocked``: the authentication PIN has no tries left (``blocked_sign``: the signature PIN).
    """
    auth_pin = auth_pin or random_auth_pin()
    sign_pin = sign_pin or random_sign_pin()
    if not valid_auth_pin(auth_pin):
        raise ValueError("the authentication PIN is 4 digits")
    if not valid_sign_pin(sign_pin):
        raise ValueError("the signature PIN is 6-16 upper-case letters and digits")
    if card_id is not None and (not card_id or card_id.startswith(("_", ".")) or "/" in card_id):
        raise ValueError(f"bad card id {card_id!r}")
    card_id = card_id or new_card_id(store)
    if store.exists(card_id):
        raise FileExistsError(f"card {card_id!r} already exists")
    my_number = my_number or random_my_number()
    ca = ca or TestCA.open(store.ca_dir)

    start = now().replace(microsecond=0)
    end = not_after
    if expired:
        end = start - timedelta(days=1)
        start = add_years(end, -CERT_YEARS)
    auth_key, sign_key = new_rsa_key(), new_rsa_key()
    auth_cert = ca.issue("auth", auth_key.public_key(), card_id, not_before=start, not_after=end)
    sign_cert = ca.issue("sign", sign_key.public_key(), card_id, basic_four=holder,
                         not_before=start, not_after=end)
    if revoked:
        ca.revoke(auth_cert)
        ca.revoke(sign_cert)

    der = serialization.Encoding.DER
    contents = JpkiContents(auth_key, auth_cert.public_bytes(der), ca.cert_der,
                            sign_key, sign_cert.public_bytes(der), ca.cert_der)
    pins = {AUTH_PIN: {"value": auth_pin, "max_tries": AUTH_PIN_TRIES},
            SIGN_PIN: {"value": sign_pin, "max_tries": SIGN_PIN_TRIES},
            INFO_PIN: {"value": auth_pin, "max_tries": INFO_PIN_TRIES}}
    tries = {AUTH_PIN: 0 if blocked else AUTH_PIN_TRIES, SIGN_PIN: 0 if blocked_sign else SIGN_PIN_TRIES,
             INFO_PIN: INFO_PIN_TRIES}
    flags = {"expired": expired, "revoked": revoked, "blocked": blocked, "blocked_sign": blocked_sign,
             "auth_serial": str(auth_cert.serial_number), "sign_serial": str(sign_cert.serial_number)}
    record = CardRecord(card_id, holder, my_number, pins, start.isoformat(), flags)
    folder = store.save_new(record, contents, tries)
    return IssuedCard(card_id, auth_pin, sign_pin, auth_pin, folder)


def revoke_card(store: CardStore, card_id: str, ca: TestCA | None = None) -> list[int]:
    """Put both certificates of a card on the CRL; returns their serials."""
    from .ca import load_certificate

    ca = ca or TestCA.open(store.ca_dir)
    serials = []
    for kind in ("auth", "sign"):
        cert = load_certificate(store.certificate(card_id, kind))
        ca.revoke(cert)
        serials.append(cert.serial_number)
    return serials
