"""JPKI verification: the simulator's side of the public certification service (公的個人認証サービス).

It trusts a folder of CA certificates, the trust folder (``RASIM_JPKI_TRUST_DIR``; by default the
virtual card's test CA in ``<cards_dir>/_ca``), and checks a certificate as a relying party does:
signed by a trusted CA, valid at the test clock's time, not on that CA's CRL (PEM or DER CRL
files in the same folder). It reads the JPKI certificate profile itself: no code of the card's.

Files in the trust folder: CA certificates as PEM (``-----BEGIN CERTIFICATE-----``, several per
file allowed), CRLs as PEM or DER, and optionally registers (``*.json``, as the test CA's
``issued.json``) of which card each certificate belongs to (serial → ``{"card_id", "kind"}``), as
J-LIS links a card's two certificates; a certificate in no register belongs to the card named by
its subject. DER certificates are read too. Anything else (private keys, unreadable files, dot
files) is ignored. A change to the folder counts at once.
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

JST = dt.timezone(dt.timedelta(hours=9))
MAX_CERT_BYTES = 8192
MAX_SIGNATURE_BYTES = 1024
MAX_TRUST_FILE_BYTES = 16 * 1024 * 1024
CARD_CA_SUBDIR = "_ca"          # where the virtual card keeps its test CA inside the cards folder

# the basic four (基本4情報) in the signature certificate's subjectAltName otherNames
JPKI_ARC = "1.2.392.200149.8.5.5"
OID_NAME, OID_GENDER, OID_DATE_OF_BIRTH, OID_ADDRESS = (f"{JPKI_ARC}.{n}" for n in (1, 3, 4, 5))
SEX_FROM_GENDER = {"1": "1", "2": "2"}   # certificate coding (1 male, 2 female, 3 not known) -> ISO 5218

_PEM_BLOCK = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----.+?-----END \1-----", re.DOTALL)
_DER_STRINGS = {0x0C: "utf-8", 0x13: "ascii", 0x16: "ascii", 0x1A: "ascii", 0x1E: "utf-16-be"}
log = logging.getLogger(__name__)


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


def load_certificate(data: bytes) -> x509.Certificate:
    """A certificate given as DER or PEM (ValueError otherwise)."""
    if data.lstrip().startswith(b"-----BEGIN"):
        return x509.load_pem_x509_certificate(data)
    return x509.load_der_x509_certificate(data)


def key_id(cert: x509.Certificate) -> str:
    spki = cert.public_key().public_bytes(serialization.Encoding.DER,
                                          serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(spki).hexdigest()


# --- the certificate profile -------------------------------------------------------------------------

def _der_text(der: bytes) -> str | None:
    """The text of a DER string (UTF8String, PrintableString, IA5String, VisibleString, BMPString)."""
    if len(der) < 2 or der[0] not in _DER_STRINGS:
        return None
    size, start = der[1], 2
    if size & 0x80:   # long form: the next (size & 0x7F) bytes, at least one, hold the length
        start += size & 0x7F
        size = int.from_bytes(der[2:start], "big") if start > 2 else -1
    if start + size != len(der):
        return None
    try:
        return der[start:].decode(_DER_STRINGS[der[0]])
    except UnicodeDecodeError:
        return None


def _birth_date(raw: str) -> str | None:
    """Era digit + Gregorian YYYYMMDD (e.g. 419950415) -> ISO date."""
    if len(raw) != 9 or not raw.isdigit():
        return None
    try:
        return dt.date(int(raw[1:5]), int(raw[5:7]), int(raw[7:9])).isoformat()
    except ValueError:
        return None


def basic_four_from_certificate(cert: x509.Certificate) -> dict | None:
    """The basic four of a JPKI signature certificate, or None for a certificate without them:
    ``{"name", "address", "date_of_birth" (ISO), "date_of_birth_raw", "sex" (ISO 5218), "gender_code"}``."""
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (x509.ExtensionNotFound, ValueError):
        return None
    values: dict[str, str] = {}
    for other in san.get_values_for_type(x509.OtherName):
        text = _der_text(other.value)
        if text is not None:
            values[other.type_id.dotted_string] = text
    if OID_NAME not in values:
        return None
    raw_dob, gender = values.get(OID_DATE_OF_BIRTH, ""), values.get(OID_GENDER, "3")
    return {"name": values[OID_NAME], "address": values.get(OID_ADDRESS, ""), "date_of_birth": _birth_date(raw_dob),
            "date_of_birth_raw": raw_dob, "sex": SEX_FROM_GENDER.get(gender, "0"), "gender_code": gender}


def basic_facts(cert_b64: object) -> dict | None:
    """The basic four written in a signature certificate, without judging whether it is genuine."""
    der = decode_b64(cert_b64, MAX_CERT_BYTES)
    if der is None:
        return None
    try:
        return basic_four_from_certificate(load_certificate(der))
    except ValueError:
        return None


def _kind_of(cert: x509.Certificate) -> str:
    """Signature certificates (署名用) carry nonRepudiation, authentication ones (利用者証明用) do not."""
    try:
        return "sign" if cert.extensions.get_extension_for_class(x509.KeyUsage).value.content_commitment else "auth"
    except (x509.ExtensionNotFound, ValueError):
        return "auth"


# --- the trust folder ----------------------------------------------------------------------------------

@dataclass
class Trust:
    """What the trust folder holds at one moment."""

    anchors: list[x509.Certificate] = field(default_factory=list)
    crls: list[x509.CertificateRevocationList] = field(default_factory=list)
    register: dict[str, dict] = field(default_factory=dict)

    def issuer_of(self, cert: x509.Certificate) -> x509.Certificate | None:
        for ca in self.anchors:
            if ca.subject != cert.issuer:
                continue
            try:
                cert.verify_directly_issued_by(ca)
                return ca
            except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
                continue
        return None

    def revocation(self, ca: x509.Certificate, serial: int) -> x509.RevokedCertificate | None:
        """The entry of ``serial`` on a CRL that ``ca`` signed, if any."""
        for crl in self.crls:
            if crl.issuer != ca.subject or not _signed_by(crl, ca):
                continue
            entry = crl.get_revoked_certificate_by_serial_number(serial)
            if entry is not None:
                return entry
        return None


def _signed_by(crl: x509.CertificateRevocationList, ca: x509.Certificate) -> bool:
    try:
        return crl.is_signature_valid(ca.public_key())  # type: ignore[arg-type]
    except (TypeError, ValueError, UnsupportedAlgorithm):
        return False


def _parse_trust_file(name: str, data: bytes) -> tuple[list, list, dict]:
    if name.endswith(".json"):   # a register of the cards, like the test CA's issued.json
        register = json.loads(data)
        return [], [], register if isinstance(register, dict) else {}
    if b"-----BEGIN" not in data:   # DER: a CRL, or a CA certificate
        try:
            return [], [x509.load_der_x509_crl(data)], {}
        except ValueError:
            return [x509.load_der_x509_certificate(data)], [], {}
    certs, crls = [], []
    for block in _PEM_BLOCK.finditer(data):
        if block.group(1) == b"CERTIFICATE":
            certs.append(x509.load_pem_x509_certificate(block.group(0)))
        elif block.group(1) == b"X509 CRL":
            crls.append(x509.load_pem_x509_crl(block.group(0)))
    return certs, crls, {}


class TrustFolder:
    """The trust folder, read again whenever a file in it changes (a revocation in another process)."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self._files: dict[str, tuple[tuple[int, int, int], tuple[list, list, dict]]] = {}
        self._trust: tuple[tuple, Trust] | None = None

    def current(self) -> Trust:
        try:
            entries = sorted((e for e in os.scandir(self.folder) if not e.name.startswith(".")), key=lambda e: e.name)
        except FileNotFoundError:
            return Trust()   # nothing issued yet: nothing to trust
        except OSError as exc:
            raise JpkiUnavailable(str(exc)) from exc
        files: dict[str, tuple[tuple[int, int, int], tuple[list, list, dict]]] = {}
        for entry in entries:
            try:
                st = entry.stat()
            except OSError:
                continue   # replaced while we looked
            stamp = (st.st_ino, st.st_mtime_ns, st.st_size)
            known = self._files.get(entry.name)
            if known is not None and known[0] == stamp:
                files[entry.name] = known
                continue
            if not entry.is_file() or st.st_size > MAX_TRUST_FILE_BYTES:
                continue
            try:
                files[entry.name] = (stamp, _parse_trust_file(entry.name, Path(entry.path).read_bytes()))
            except FileNotFoundError:
                continue
            except (OSError, ValueError) as exc:
                log.warning("JPKI trust folder: %s ignored (%s)", entry.path, exc)
                files[entry.name] = (stamp, ([], [], {}))   # said once, not on every check
        self._files = files
        snapshot = tuple((name, stamp) for name, (stamp, _) in files.items())
        if self._trust is None or self._trust[0] != snapshot:
            trust = Trust()
            for _, (certs, crls, register) in files.values():   # the same CA or CRL in PEM and DER: once
                trust.anchors += [c for c in certs if c not in trust.anchors]
                trust.crls += [c for c in crls if c not in trust.crls]
                trust.register.update(register)
            self._trust = (snapshot, trust)
        return self._trust[1]


class JpkiVerifier:
    def __init__(self, cards_dir: str | Path, trust_dir: str | Path | None = None):
        self.cards_dir = Path(cards_dir)
        self.trust_dir = Path(trust_dir) if trust_dir else self.cards_dir / CARD_CA_SUBDIR
        self.trust = TrustFolder(self.trust_dir)

    def check(self, cert_b64: object, at: dt.datetime) -> CertificateCheck:
        der = decode_b64(cert_b64, MAX_CERT_BYTES)
        if der is None:
            return CertificateCheck(False, "malformed", "not base64 DER", None, None, None, None, None)
        try:
            cert = load_certificate(der)
        except ValueError as exc:
            return CertificateCheck(False, "malformed", f"not a certificate: {exc}", None, None, None, None, None)
        trust = self.trust.current()
        status, reason, ca = self._status(trust, cert, at.replace(tzinfo=JST))
        not_after = cert.not_valid_after_utc.astimezone(JST).replace(tzinfo=None)
        if ca is None:
            return CertificateCheck(False, status, reason, None, key_id(cert), not_after, None, cert)
        entry = trust.register.get(str(cert.serial_number))
        entry = entry if isinstance(entry, dict) else {}
        card = entry.get("card_id") or f"{ca.subject.rfc4514_string()}|{cert.subject.rfc4514_string()}"
        return CertificateCheck(status == "good", status, reason, entry.get("kind") or _kind_of(cert), key_id(cert),
                                not_after, basic_four_from_certificate(cert), cert, card)

    @staticmethod
    def _status(trust: Trust, cert: x509.Certificate, when: dt.datetime) -> tuple[str, str, x509.Certificate | None]:
        """Chain (signed by a trusted CA), the CA's validity, revocation, then the certificate's validity."""
        ca = trust.issuer_of(cert)
        if ca is None:
            return "unknown", "not issued by a trusted JPKI CA", None
        if not ca.not_valid_before_utc <= when <= ca.not_valid_after_utc:
            return "expired", "the CA certificate is not valid at that time", ca
        revoked = trust.revocation(ca, cert.serial_number)
        if revoked is not None:
            return "revoked", f"revoked on {revoked.revocation_date_utc.isoformat()}", ca
        if when < cert.not_valid_before_utc:
            return "expired", "not yet valid at that time", ca
        if when > cert.not_valid_after_utc:
            return "expired", f"expired on {cert.not_valid_after_utc.isoformat()}", ca
        return "good", "valid", ca

    @staticmethod
    def signature_ok(check: CertificateCheck, data: bytes, signature_b64: object) -> bool:
        """A PKCS#1 v1.5 signature over SHA-256 of ``data`` by the certificate's key (as the card makes)."""
        sig = decode_b64(signature_b64, MAX_SIGNATURE_BYTES)
        key = check.certificate.public_key() if check.certificate is not None else None
        if sig is None or not isinstance(key, rsa.RSAPublicKey):
            return False
        try:
            key.verify(sig, data, padding.PKCS1v15(), hashes.SHA256())
            return True
        except InvalidSignature:
            return False
