"""A test JPKI certification authority kept in a folder.

Files in the folder: ``ca_key.pem`` (root private key), ``ca_cert.pem``/``ca_cert.der`` (self-signed
root), ``issued.json`` (serial → card id, kind, validity, revocation), ``crl.pem``/``crl.der``
(the current CRL, rewritten on every revocation). One root issues both kinds of end-entity
certificate, and is stored on the card as both CA certificates (EF 0002 and 000B).

The simulator checks a login or registration with :meth:`TestCA.verify_chain` (chain to the root,
validity at the test clock's ``at``, revocation) and a signature with :func:`verify_signature`.
"""
from __future__ import annotations

import fcntl
import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from . import certprofile
from .fsutil import write_bytes_atomic, write_json_atomic
from .model import BasicFour

Status = Literal["good", "revoked", "expired", "unknown"]
Kind = Literal["auth", "sign"]

CA_NAME = x509.Name([
    x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
    x509.NameAttribute(NameOID.ORGANIZATION_NAME, "JPKI"),
    x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "rasim test CA (not the real JPKI)"),
    x509.NameAttribute(NameOID.COMMON_NAME, "rasim Test JPKI CA"),
])
ROOT_NOT_BEFORE = datetime(2000, 1, 1, tzinfo=UTC)
ROOT_NOT_AFTER = datetime(2099, 12, 31, 23, 59, 59, tzinfo=UTC)
CERT_YEARS = 5


def now() -> datetime:
    return datetime.now(UTC)


def _aware(at: datetime | None) -> datetime:
    if at is None:
        return now()
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def add_years(day: datetime, years: int) -> datetime:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def new_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class ChainResult:
    """Outcome of :meth:`TestCA.verify_chain`; ``ok`` is True only for status "good"."""

    ok: bool
    status: Status
    reason: str
    kind: str | None = None  # "auth" | "sign" | None when not ours
    serial: int | None = None
    card_id: str | None = None
    not_before: datetime | None = None
    not_after: datetime | None = None
    basic_four: dict | None = None  # only for signature certificates
    details: dict = field(default_factory=dict)


def verify_signature(cert: x509.Certificate | bytes, data: bytes, signature: bytes,
                     hash_algorithm: hashes.HashAlgorithm | None = None) -> bool:
    """True if ``signature`` is a PKCS#1 v1.5 signature of ``data`` (SHA-256 by default) by ``cert``."""
    if isinstance(cert, (bytes, bytearray)):
        cert = load_certificate(bytes(cert))
    key = cert.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        return False
    try:
        key.verify(signature, data, padding.PKCS1v15(), hash_algorithm or hashes.SHA256())
        return True
    except InvalidSignature:
        return False


def load_certificate(data: bytes) -> x509.Certificate:
    """Load a certificate given as DER or PEM."""
    if data.lstrip().startswith(b"-----BEGIN"):
        return x509.load_pem_x509_certificate(data)
    return x509.load_der_x509_certificate(data)


class TestCA:
    __test__ = False  # not a pytest test class

    def __init__(self, folder: Path, key: rsa.RSAPrivateKey, cert: x509.Certificate):
        self.folder = Path(folder)
        self.key = key
        self.cert = cert
        self._crl_cache: tuple[tuple[int, int], x509.CertificateRevocationList] | None = None

    # -- create / load -------------------------------------------------------------------
    @classmethod
    def open(cls, folder: Path | str, create: bool = True) -> TestCA:
        folder = Path(folder)
        with _locked(folder):
            key_path = folder / "ca_key.pem"
            if key_path.exists():
                key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
                cert = x509.load_pem_x509_certificate((folder / "ca_cert.pem").read_bytes())
                assert isinstance(key, rsa.RSAPrivateKey)
                return cls(folder, key, cert)
            if not create:
                raise FileNotFoundError(f"no test CA in {folder}")
            ca = cls._create(folder)
            ca._write_crl({})
            return ca

    @classmethod
    def _create(cls, folder: Path) -> TestCA:
        key = new_rsa_key()
        ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
        cert = (
            x509.CertificateBuilder()
            .subject_name(CA_NAME).issuer_name(CA_NAME)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(ROOT_NOT_BEFORE).not_valid_after(ROOT_NOT_AFTER)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False),
                           critical=True)
            .add_extension(ski, critical=False)
            .sign(key, hashes.SHA256())
        )
        pem_key = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
        write_bytes_atomic(folder / "ca_key.pem", pem_key)
        write_bytes_atomic(folder / "ca_cert.pem", cert.public_bytes(serialization.Encoding.PEM), 0o644)
        write_bytes_atomic(folder / "ca_cert.der", cert.public_bytes(serialization.Encoding.DER), 0o644)
        write_json_atomic(folder / "issued.json", {})
        return cls(folder, key, cert)

    @property
    def cert_der(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.DER)

    # -- issue ---------------------------------------------------------------------------
    def issue(self, kind: Kind, public_key: rsa.RSAPublicKey, card_id: str,
              basic_four: BasicFour | None = None, not_before: datetime | None = None,
              not_after: datetime | None = None) -> x509.Certificate:
        """Issue an authentication ("auth") or signature ("sign") certificate for a card key."""
        if kind == "sign" and basic_four is None:
            raise ValueError("a signature certificate needs the basic four")
        start = _aware(not_before) if not_before else now().replace(microsecond=0)
        end = _aware(not_after) if not_after else add_years(start, CERT_YEARS)
        serial = x509.random_serial_number()
        builder = (
            x509.CertificateBuilder()
            .subject_name(certprofile.subject(f"{kind.upper()}{secrets.token_hex(8).upper()}"))
            .issuer_name(self.cert.subject)
            .public_key(public_key)
            .serial_number(serial)
            .not_valid_before(start).not_valid_after(end)
            .add_extension(certprofile.key_usage(non_repudiation=(kind == "sign")), critical=True)
            .add_extension(certprofile.issuer_alt_name(), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()),
                           critical=False)
        )
        if kind == "sign":
            assert basic_four is not None
            builder = builder.add_extension(certprofile.basic_four_alt_names(basic_four), critical=False)
        cert = builder.sign(self.key, hashes.SHA256())
        with _locked(self.folder):
            issued = self._issued()
            issued[str(serial)] = {"card_id": card_id, "kind": kind, "not_before": start.isoformat(),
                                   "not_after": end.isoformat(), "revoked_at": None}
            write_json_atomic(self.folder / "issued.json", issued)
        return cert

    # -- revoke --------------------------------------------------------------------------
    def revoke(self, cert_or_serial: x509.Certificate | int, at: datetime | None = None) -> None:
        serial = cert_or_serial if isinstance(cert_or_serial, int) else cert_or_serial.serial_number
        with _locked(self.folder):
            issued = self._issued()
            entry = issued.get(str(serial))
            if entry is None:
                raise KeyError(f"certificate serial {serial} was not issued by this CA")
            if entry["revoked_at"] is None:
                entry["revoked_at"] = _aware(at).replace(microsecond=0).isoformat()
                write_json_atomic(self.folder / "issued.json", issued)
            self._write_crl(issued)

    def _write_crl(self, issued: dict) -> None:
        stamp = now().replace(microsecond=0)
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.cert.subject)
            .last_update(stamp).next_update(stamp + timedelta(days=30))
        )
        for serial, entry in sorted(issued.items()):
            if entry.get("revoked_at"):
                revoked = (x509.RevokedCertificateBuilder().serial_number(int(serial))
                           .revocation_date(datetime.fromisoformat(entry["revoked_at"])).build())
                builder = builder.add_revoked_certificate(revoked)
        crl = builder.sign(self.key, hashes.SHA256())
        write_bytes_atomic(self.folder / "crl.pem", crl.public_bytes(serialization.Encoding.PEM), 0o644)
        write_bytes_atomic(self.folder / "crl.der", crl.public_bytes(serialization.Encoding.DER), 0o644)

    def crl(self) -> x509.CertificateRevocationList:
        """The current CRL, re-read whenever another process rewrote it."""
        path = self.folder / "crl.der"
        st = path.stat()
        key = (st.st_mtime_ns, st.st_size)
        if self._crl_cache is None or self._crl_cache[0] != key:
            self._crl_cache = (key, x509.load_der_x509_crl(path.read_bytes()))
        return self._crl_cache[1]

    def _issued(self) -> dict:
        path = self.folder / "issued.json"
        return json.loads(path.read_text("utf-8")) if path.exists() else {}

    # -- check ---------------------------------------------------------------------------
    def issued_by_us(self, cert: x509.Certificate) -> bool:
        if cert.issuer != self.cert.subject:
            return False
        try:
            cert.verify_directly_issued_by(self.cert)
            return True
        except (ValueError, TypeError, InvalidSignature):
            return False

    def status(self, cert: x509.Certificate | bytes, at: datetime | None = None) -> Status:
        return self.verify_chain(cert, at).status

    def verify_chain(self, cert: x509.Certificate | bytes, at: datetime | None = None) -> ChainResult:
        """Chain to the root, validity at ``at`` (default: now), revocation via the CRL."""
        if isinstance(cert, (bytes, bytearray)):
            try:
                cert = load_certificate(bytes(cert))
            except ValueError as exc:
                return ChainResult(False, "unknown", f"not a certificate: {exc}")
        when = _aware(at)
        if not self.issued_by_us(cert):
            return ChainResult(False, "unknown", "not issued by the test JPKI CA")
        entry = self._issued().get(str(cert.serial_number), {})
        base = {
            "kind": entry.get("kind") or _kind_of(cert), "serial": cert.serial_number,
            "card_id": entry.get("card_id"), "not_before": cert.not_valid_before_utc,
            "not_after": cert.not_valid_after_utc, "basic_four": certprofile.basic_four_from_certificate(cert),
        }
        if not (ROOT_NOT_BEFORE <= when <= ROOT_NOT_AFTER):
            return ChainResult(False, "expired", "the CA certificate is not valid at that time", **base)
        revoked = self.crl().get_revoked_certificate_by_serial_number(cert.serial_number)
        if revoked is not None:
            return ChainResult(False, "revoked",
                               f"revoked on {revoked.revocation_date_utc.isoformat()}", **base)
        if when < cert.not_valid_before_utc:
            return ChainResult(False, "expired", "not yet valid at that time", **base)
        if when > cert.not_valid_after_utc:
            return ChainResult(False, "expired", f"expired on {cert.not_valid_after_utc.isoformat()}", **base)
        return ChainResult(True, "good", "valid", **base)


def _kind_of(cert: x509.Certificate) -> str:
    try:
        ku = cert.extensions.get_extension_for_class(x509.KeyUsage).value
        return "sign" if ku.content_commitment else "auth"
    except x509.ExtensionNotFound:
        return "auth"


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Serialise CA writes between processes (CLI revoking while a test issues)."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
