"""The cards folder: one card per subfolder, plus the test CA in ``_ca``.

``<cards_dir>/<card_id>/``::

    card.json            holder (basic four), My Number, PIN values and limits, flags
    state.json           PIN tries left — rewritten atomically on every change
    auth_key.pem  sign_key.pem         the card's private keys
    auth_cert.der sign_cert.der        its certificates (DER, as stored on the chip)
    auth_ca.der   sign_ca.der          the CA certificates stored on the chip
    my_number_reads.jsonl              every READ BINARY of the My Number EF

PIN values are kept in clear text: these are test cards and `rasim card show` prints them.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from .cardinfo import INFO_PIN, build_info_application
from .cardos import CardOS
from .fsutil import append_json_line, read_json_lines, write_bytes_atomic, write_json_atomic
from .jpki import AUTH_PIN, SIGN_PIN, JpkiContents, build_jpki_application
from .model import BasicFour
from .pins import Pin, PinStore

CA_SUBDIR = "_ca"
CONTROL_SOCKET = "_serve.sock"


def default_cards_dir() -> Path:
    return Path(os.environ.get("RASIM_CARDS_DIR") or "./var/cards")


class UnknownCard(LookupError):
    def __init__(self, card_id: str, known: list[str]):
        self.card_id = card_id
        self.known = known
        listing = ", ".join(known) if known else "none — issue one with `rasim card issue`"
        super().__init__(f"unknown card {card_id!r}; known cards: {listing}")


@dataclass
class CardRecord:
    """What card.json holds."""

    card_id: str
    holder: BasicFour
    my_number: str
    pins: dict[str, dict]  # pin id -> {"value": str, "max_tries": int}
    issued_at: str
    flags: dict

    def to_json(self) -> dict:
        return {"id": self.card_id, "holder": self.holder.to_json(), "my_number": self.my_number,
                "pins": self.pins, "issued_at": self.issued_at, "flags": self.flags}

    @classmethod
    def from_json(cls, d: dict) -> CardRecord:
        return cls(d["id"], BasicFour.from_json(d["holder"]), d["my_number"], d["pins"],
                   d["issued_at"], d.get("flags", {}))


class CardStore:
    def __init__(self, cards_dir: Path | str | None = None):
        self.root = Path(cards_dir) if cards_dir else default_cards_dir()

    @property
    def ca_dir(self) -> Path:
        return self.root / CA_SUBDIR

    @property
    def control_socket(self) -> Path:
        return self.root / CONTROL_SOCKET

    def ids(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir()
                      if p.is_dir() and not p.name.startswith(("_", ".")) and (p / "card.json").exists())

    def exists(self, card_id: str) -> bool:
        return (self.root / card_id / "card.json").is_file()

    def folder(self, card_id: str) -> Path:
        if not card_id or "/" in card_id or card_id.startswith((".", "_")) or not self.exists(card_id):
            raise UnknownCard(card_id, self.ids())
        return self.root / card_id

    # -- write ---------------------------------------------------------------------------
    def save_new(self, record: CardRecord, jpki: JpkiContents, tries_left: dict[str, int]) -> Path:
        folder = self.root / record.card_id
        if folder.exists():
            raise FileExistsError(f"card {record.card_id!r} already exists in {self.root}")
        folder.mkdir(parents=True)
        for name, key in (("auth_key.pem", jpki.auth_key), ("sign_key.pem", jpki.sign_key)):
            write_bytes_atomic(folder / name, key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption()))
        for name, der in (("auth_cert.der", jpki.auth_cert), ("sign_cert.der", jpki.sign_cert),
                          ("auth_ca.der", jpki.auth_ca), ("sign_ca.der", jpki.sign_ca)):
            write_bytes_atomic(folder / name, der, 0o644)
        write_json_atomic(folder / "state.json", {"tries_left": tries_left})
        write_json_atomic(folder / "card.json", record.to_json())  # last: marks the card complete
        return folder

    def write_tries(self, card_id: str, tries_left: dict[str, int]) -> None:
        write_json_atomic(self.folder(card_id) / "state.json", {"tries_left": tries_left})

    def replace_certificate(self, card_id: str, kind: str, der: bytes) -> None:
        write_bytes_atomic(self.folder(card_id) / f"{kind}_cert.der", der, 0o644)

    # -- read ----------------------------------------------------------------------------
    def record(self, card_id: str) -> CardRecord:
        return CardRecord.from_json(json.loads((self.folder(card_id) / "card.json").read_text("utf-8")))

    def tries_left(self, card_id: str) -> dict[str, int]:
        return json.loads((self.folder(card_id) / "state.json").read_text("utf-8"))["tries_left"]

    def certificate(self, card_id: str, kind: str) -> bytes:
        return (self.folder(card_id) / f"{kind}_cert.der").read_bytes()

    def jpki_contents(self, card_id: str) -> JpkiContents:
        folder = self.folder(card_id)

        def key(name: str) -> rsa.RSAPrivateKey:
            k = serialization.load_pem_private_key((folder / name).read_bytes(), password=None)
            assert isinstance(k, rsa.RSAPrivateKey)
            return k

        return JpkiContents(
            auth_key=key("auth_key.pem"), auth_cert=(folder / "auth_cert.der").read_bytes(),
            auth_ca=(folder / "auth_ca.der").read_bytes(),
            sign_key=key("sign_key.pem"), sign_cert=(folder / "sign_cert.der").read_bytes(),
            sign_ca=(folder / "sign_ca.der").read_bytes(),
        )

    def my_number_reads(self, card_id: str) -> list[dict]:
        return read_json_lines(self.folder(card_id) / "my_number_reads.jsonl")

    # -- the card itself -----------------------------------------------------------------
    def open_card(self, card_id: str) -> CardOS:
        """A card OS for this card whose PIN counters and read log write through to disk."""
        folder = self.folder(card_id)
        record = self.record(card_id)
        tries = self.tries_left(card_id)
        pins = PinStore({
            pin_id: Pin(spec["value"], spec["max_tries"], tries.get(pin_id, spec["max_tries"]))
            for pin_id, spec in record.pins.items()
        }, on_change=lambda store: self.write_tries(card_id, store.snapshot()))
        log_path = folder / "my_number_reads.jsonl"

        def log_read(offset: int, length: int, sw: int) -> None:
            append_json_line(log_path, {"at": datetime.now(UTC).isoformat(),
                                        "offset": offset, "length": length, "sw": f"{sw:04X}",
                                        "pid": os.getpid()})

        apps = [build_jpki_application(self.jpki_contents(card_id)),
                build_info_application(record.holder, record.my_number, log_read)]
        return CardOS(apps, pins, label=card_id)


__all__ = [
    "AUTH_PIN",
    "INFO_PIN",
    "SIGN_PIN",
    "CardRecord",
    "CardStore",
    "UnknownCard",
    "default_cards_dir",
]
