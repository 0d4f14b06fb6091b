"""The JPKI application (公的個人認証AP) of the My Number Card.

EF map (as on real cards and as OpenSC's card-jpki.c expects it):
0001 signature certificate, 0002 its CA certificate, 000A authentication certificate,
000B its CA certificate, 0006 token information, 0017 authentication key, 0018 authentication
PIN (4 digits, 3 tries), 001A signature key, 001B signature PIN (6-16 characters, 5 tries).
Certificates are readable without a PIN; a key signs only after its PIN was verified.
"""
from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from .files import Application, BinaryFile, KeyFile, PinFile

JPKI_AID = bytes.fromhex("D392F000260100000001")

EF_SIGN_CERT = 0x0001
EF_SIGN_CA = 0x0002
EF_TOKEN = 0x0006
EF_AUTH_CERT = 0x000A
EF_AUTH_CA = 0x000B
EF_AUTH_KEY = 0x0017
EF_AUTH_PIN = 0x0018
EF_SIGN_KEY = 0x001A
EF_SIGN_PIN = 0x001B

AUTH_PIN = "jpki.auth"
SIGN_PIN = "jpki.sign"
AUTH_PIN_TRIES = 3
SIGN_PIN_TRIES = 5

TOKEN = b"JPKIAPICCTOKEN2".ljust(32, b" ")


@dataclass(frozen=True)
class JpkiContents:
    auth_key: RSAPrivateKey
    auth_cert: bytes  # DER
    auth_ca: bytes
    sign_key: RSAPrivateKey
    sign_cert: bytes
    sign_ca: bytes


def build_jpki_application(c: JpkiContents) -> Application:
    app = Application(JPKI_AID, "JPKI")
    app.add(BinaryFile(EF_SIGN_CERT, c.sign_cert))
    app.add(BinaryFile(EF_SIGN_CA, c.sign_ca))
    app.add(BinaryFile(EF_TOKEN, TOKEN))
    app.add(BinaryFile(EF_AUTH_CERT, c.auth_cert))
    app.add(BinaryFile(EF_AUTH_CA, c.auth_ca))
    app.add(KeyFile(EF_AUTH_KEY, c.auth_key, AUTH_PIN))
    app.add(PinFile(EF_AUTH_PIN, AUTH_PIN))
    app.add(KeyFile(EF_SIGN_KEY, c.sign_key, SIGN_PIN))
    app.add(PinFile(EF_SIGN_PIN, SIGN_PIN))
    return app


def valid_auth_pin(pin: str) -> bool:
    return len(pin) == 4 and pin.isascii() and pin.isdigit()


def valid_sign_pin(pin: str) -> bool:
    """6-16 characters, upper-case letters and digits (JPKI convention)."""
    return 6 <= len(pin) <= 16 and pin.isascii() and all(ch.isdigit() or ch.isupper() for ch in pin)
