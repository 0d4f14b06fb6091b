"""JPKI verification: the simulator's side of the public certification service. It trusts the
test JPKI CA kept in the cards folder (virtual_card's TestCA) and asks it about chain, validity
at the test clock's time, and revocation (its CRL)."""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from virtual_card.ca import TestCA, load_certificate, verify_signature
from virtual_card.certprofile import basic_four_from_certificate
from virtual_card.store import CardStore

JST = dt.timezone(dt.timedelta(hours=9))
MAX_CERT_BYTES = 8192
MAX_SIGNATURE_BYTES = 1024


class JpkiUnavailable(Exception):
    """The certification service cannot be asked (WZBAM263E)."""


@dataclass(frozen=True)
class CertificateCheck:
    ok: bool
    status: str             # good | revoked | expired | unknown | malformed
    reason: str
    kind: str | None
    key_id: str | None      # SHA-256 of the subject public key: identifies the card's key pair
    not_after: dt.datetime | None   # naive Japan time, like every time in the simulator
    basic_four: dict | None
    certificate: x509.Certificate | None
    card: str | None = None   # the card both certificates were issued for (J-LIS's link of the two)


def decode_b64(value: object, limit: int) -> bytes | None:
    if not isinstance(value, str) or not value or len(value) > limit * 2:
        return None
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if 0 < len(raw) <= limit else None


def key_id(cert: x509.Certificate) -> str:
    spki = cert.public_key().public_bytes(serialization.Encoding.DER,
                                          serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(spki).hexdigest()


def basic_facts(cert_b64: object) -> dict | None:
    """The basic four written in a signature certificate, without judging whether it is genuine."""
    der = decode_b64(cert_b64, MAX_CERT_BYTES)
    if der is None:
        return None
    try:
        return basic_four_from_certificate(load_certificate(der))
    except ValueError:
        return None


class JpkiVerifier:
    def __init__(self, cards_dir: str | Path):
        self.cards_dir = Path(cards_dir)
        self._ca: TestCA | None = None

    @property
    def ca(self) -> TestCA:
        if self._ca is None:
            try:
                self._ca = TestCA.open(CardStore(self.cards_dir).ca_dir, create=True)
            except OSError as exc:
                raise JpkiUnavailable(str(exc)) from exc
        return self._ca

    def check(self, cert_b64: object, at: dt.datetime) -> CertificateCheck:
        der = decode_b64(cert_b64, MAX_CERT_BYTES)
        if der is None:
            return CertificateCheck(False, "malformed", "not base64 DER", None, None, None, None, None)
        try:
            cert = load_certificate(der)
        except ValueError as exc:
            return CertificateCheck(False, "malformed", f"not a certificate: {exc}", None, None, None, None, None)
        result = self.ca.verify_chain(cert, at.replace(tzinfo=JST))
        not_after = cert.not_valid_after_utc.astimezone(JST).replace(tzinfo=None)
        return CertificateCheck(result.ok, result.status, result.reason, result.kind, key_id(cert), not_after,
                                result.basic_four, cert, result.card_id)

    @staticmethod
    def signature_ok(check: CertificateCheck, data: bytes, signature_b64: object) -> bool:
        sig = decode_b64(signature_b64, MAX_SIGNATURE_BYTES)
        if sig is None or check.certificate is None:
            return False
        return verify_signature(check.certificate, data, sig)
