"""A JPKI client: what the JPKI client software (利用者クライアントソフト) does with the card.

The same :class:`JpkiClient` runs over PC/SC (:class:`PcscTransport`, through pcscd and the
"Virtual PCD" reader) or in-process (:class:`InProcessTransport`, straight to a card object)::

    with JpkiClient.pcsc() as client:
        cert = client.read_certificate("auth")
        client.verify_pin("auth", "1234")
        signature = client.sign(b"challenge", key="auth")
"""
from __future__ import annotations

from typing import Literal, Self

from cryptography.hazmat.primitives import hashes

from .apdu import SW, build
from .cardinfo import EF_BASIC_FOUR, EF_INFO_PIN, EF_MY_NUMBER, INFO_AID, decode_basic_four, decode_my_number
from .cardos import CardOS
from .jpki import (
    EF_AUTH_CA,
    EF_AUTH_CERT,
    EF_AUTH_KEY,
    EF_AUTH_PIN,
    EF_SIGN_CA,
    EF_SIGN_CERT,
    EF_SIGN_KEY,
    EF_SIGN_PIN,
    JPKI_AID,
)
from .model import BasicFour
from .rsa_raw import DIGEST_INFO_PREFIXES
from .tlv import total_length
from .transport import (
    DEFAULT_READER,
    CardError,
    InProcessTransport,
    NoCard,
    NoReader,
    PcscTransport,
    PinBlocked,
    Transport,
    WrongPin,
)

__all__ = [
    "CardError",
    "InProcessTransport",
    "JpkiClient",
    "NoCard",
    "NoReader",
    "PcscTransport",
    "PinBlocked",
    "WrongPin",
    "digest_info",
]

Which = Literal["auth", "sign", "info"]
CertName = Literal["auth", "sign", "auth_ca", "sign_ca"]

_CERT_EF = {"auth": EF_AUTH_CERT, "sign": EF_SIGN_CERT, "auth_ca": EF_AUTH_CA, "sign_ca": EF_SIGN_CA}
_PIN_EF = {"auth": (JPKI_AID, EF_AUTH_PIN), "sign": (JPKI_AID, EF_SIGN_PIN), "info": (INFO_AID, EF_INFO_PIN)}
_KEY_EF = {"auth": EF_AUTH_KEY, "sign": EF_SIGN_KEY}

_DIGEST_INFO_PREFIX = {alg.name: prefix for prefix, alg in DIGEST_INFO_PREFIXES.items()}


def digest_info(data: bytes, algorithm: hashes.HashAlgorithm | None = None) -> bytes:
    """DigestInfo (algorithm identifier + hash of ``data``), what the card's signature covers."""
    algorithm = algorithm or hashes.SHA256()
    h = hashes.Hash(algorithm)
    h.update(data)
    return _DIGEST_INFO_PREFIX[algorithm.name] + h.finalize()


class JpkiClient:
    def __init__(self, transport: Transport):
        self.transport = transport

    @classmethod
    def pcsc(cls, reader: str = DEFAULT_READER) -> JpkiClient:
        """Find the reader (default: "Virtual PCD") and the card in it, through pcscd."""
        return cls(PcscTransport(reader))

    @classmethod
    def in_process(cls, card: CardOS) -> JpkiClient:
        return cls(InProcessTransport(card))

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.transport.close()

    # -- primitives ----------------------------------------------------------------------
    def _send(self, apdu: bytes) -> tuple[bytes, int]:
        return self.transport.transmit(apdu)

    def _expect_ok(self, apdu: bytes, what: str) -> bytes:
        data, sw = self._send(apdu)
        if sw != SW.OK:
            raise CardError(f"{what} failed", sw)
        return data

    def select_application(self, aid: bytes) -> None:
        _data, sw = self._send(build(0x00, 0xA4, 0x04, 0x0C, aid))
        if sw != SW.OK:
            raise CardError(f"SELECT application {aid.hex().upper()} failed", sw)

    def _ensure_application(self, aid: bytes) -> None:
        # Always re-select, as the JPKI client software does: another program may have
        # selected something else in between (the reader is shared).
        self.select_application(aid)

    def select_file(self, fid: int) -> None:
        self._expect_ok(build(0x00, 0xA4, 0x02, 0x0C, fid.to_bytes(2, "big")), f"SELECT EF {fid:04X}")

    def read_binary(self, offset: int, length: int) -> tuple[bytes, int]:
        return self._send(build(0x00, 0xB0, (offset >> 8) & 0x7F, offset & 0xFF, ne=length))

    def read_file(self, size: int) -> bytes:
        """Read ``size`` bytes of the selected EF in chunks of at most 256 bytes."""
        out = bytearray()
        while len(out) < size:
            chunk, sw = self.read_binary(len(out), min(256, size - len(out)))
            if sw not in (SW.OK, SW.END_OF_FILE):
                raise CardError("READ BINARY failed", sw)
            out += chunk
            if sw == SW.END_OF_FILE or not chunk:
                break
        return bytes(out)

    def read_tlv_file(self) -> bytes:
        """Read the selected EF as clients read a DER object: header first, then the rest."""
        head, sw = self.read_binary(0, 4)
        if sw == SW.SECURITY_NOT_SATISFIED:
            raise CardError("reading needs a verified PIN", sw)
        if sw not in (SW.OK, SW.END_OF_FILE):
            raise CardError("READ BINARY failed", sw)
        size = total_length(head)
        return head + self._read_from(len(head), size - len(head))

    def _read_from(self, offset: int, count: int) -> bytes:
        out = bytearray()
        while len(out) < count:
            chunk, sw = self.read_binary(offset + len(out), min(256, count - len(out)))
            if sw != SW.OK:
                raise CardError("READ BINARY failed", sw)
            out += chunk
        return bytes(out)

    # -- JPKI ----------------------------------------------------------------------------
    def read_certificate(self, name: CertName = "auth") -> bytes:
        """DER bytes of "auth", "sign", "auth_ca" or "sign_ca"; no PIN needed."""
        self._ensure_application(JPKI_AID)
        self.select_file(_CERT_EF[name])
        return self.read_tlv_file()

    def pin_tries_left(self, which: Which = "auth") -> int:
        aid, ef = _PIN_EF[which]
        self._ensure_application(aid)
        self.select_file(ef)
        _, sw = self._send(build(0x00, 0x20, 0x00, 0x80))
        if sw & 0xFFF0 == 0x63C0:
            return sw & 0x0F
        if sw == SW.AUTH_BLOCKED:
            return 0
        raise CardError("PIN status failed", sw)

    def verify_pin(self, which: Which, pin: str) -> None:
        """VERIFY; raises WrongPin(tries_left) or PinBlocked."""
        aid, ef = _PIN_EF[which]
        self._ensure_application(aid)
        self.select_file(ef)
        _, sw = self._send(build(0x00, 0x20, 0x00, 0x80, pin.encode("ascii")))
        if sw == SW.OK:
            return
        if sw == SW.AUTH_BLOCKED or sw == 0x63C0:
            raise PinBlocked(sw)
        if sw & 0xFFF0 == 0x63C0:
            raise WrongPin(sw & 0x0F, sw)
        raise CardError("VERIFY failed", sw)

    def sign_digest_info(self, digest_info_der: bytes, key: Literal["auth", "sign"] = "auth") -> bytes:
        """COMPUTE DIGITAL SIGNATURE over a ready DigestInfo with the auth or sign key."""
        self._ensure_application(JPKI_AID)
        self.select_file(_KEY_EF[key])
        data, sw = self._send(build(0x80, 0x2A, 0x00, 0x80, digest_info_der, ne=256))
        if sw == SW.SECURITY_NOT_SATISFIED:
            raise CardError(f"the {key} PIN has not been verified", sw)
        if sw != SW.OK:
            raise CardError("COMPUTE DIGITAL SIGNATURE failed", sw)
        return data

    def sign(self, data: bytes, key: Literal["auth", "sign"] = "auth",
             algorithm: hashes.HashAlgorithm | None = None) -> bytes:
        """RSA PKCS#1 v1.5 signature of ``data`` (hashed with SHA-256 by default)."""
        return self.sign_digest_info(digest_info(data, algorithm), key)

    def authenticate(self, pin: str, challenge: bytes) -> tuple[bytes, bytes]:
        """The login dance: read the auth certificate, verify the PIN, sign the challenge."""
        cert = self.read_certificate("auth")
        self.verify_pin("auth", pin)
        return cert, self.sign(challenge, "auth")

    # -- card-info AP --------------------------------------------------------------------
    def read_basic_four(self, pin: str) -> BasicFour:
        self.verify_pin("info", pin)
        self.select_file(EF_BASIC_FOUR)
        return decode_basic_four(self.read_tlv_file())

    def read_my_number(self, pin: str) -> str:
        """Read the My Number. The system must never do this (FAQ Q2-8); the card logs it."""
        self.verify_pin("info", pin)
        self.select_file(EF_MY_NUMBER)
        data = self.read_file(16)
        return decode_my_number(data)
