"""ISO 7816-4 command APDUs and status words.

Only the parsing and the constants live here; what a command *does* is the card OS's job.
A malformed APDU never raises out of :func:`parse`: it returns ``None`` and the card answers
``6700`` (wrong length).
"""
from __future__ import annotations

from dataclasses import dataclass


class SW:
    """Status words (SW1 SW2) used by the card, as two-byte values."""

    OK = 0x9000
    END_OF_FILE = 0x6282  # fewer bytes than Ne before the end of the EF
    WRONG_LENGTH = 0x6700
    INCOMPATIBLE_FILE = 0x6981  # command incompatible with file structure
    SECURITY_NOT_SATISFIED = 0x6982
    AUTH_BLOCKED = 0x6983
    CONDITIONS_NOT_SATISFIED = 0x6985
    NO_CURRENT_EF = 0x6986
    WRONG_DATA = 0x6A80
    FILE_NOT_FOUND = 0x6A82
    WRONG_P1P2 = 0x6A86
    WRONG_OFFSET = 0x6B00
    INS_NOT_SUPPORTED = 0x6D00
    CLA_NOT_SUPPORTED = 0x6E00
    UNKNOWN = 0x6F00

    @staticmethod
    def tries_left(n: int) -> int:
        """``63Cx``: verification failed, ``x`` tries left."""
        return 0x63C0 | max(0, min(n, 15))


@dataclass(frozen=True)
class Command:
    """A parsed command APDU (short or extended form)."""

    cla: int
    ins: int
    p1: int
    p2: int
    data: bytes = b""
    ne: int | None = None  # expected response length; None when Le is absent

    @property
    def header(self) -> bytes:
        return bytes((self.cla, self.ins, self.p1, self.p2))


def parse(raw: bytes) -> Command | None:
    """Parse the four ISO cases, short and extended; ``None`` if the length bytes do not add up."""
    n = len(raw)
    if n < 4:
        return None
    cla, ins, p1, p2 = raw[0], raw[1], raw[2], raw[3]
    body = raw[4:]
    if not body:  # case 1
        return Command(cla, ins, p1, p2)
    if len(body) == 1:  # case 2 short
        return Command(cla, ins, p1, p2, ne=body[0] or 256)
    if body[0] != 0:  # case 3/4 short
        lc = body[0]
        if len(body) == 1 + lc:
            return Command(cla, ins, p1, p2, data=bytes(body[1:]))
        if len(body) == 2 + lc:
            return Command(cla, ins, p1, p2, data=bytes(body[1 : 1 + lc]), ne=body[-1] or 256)
        return None
    # extended forms start with 00
    if len(body) == 3:  # case 2 extended
        le = int.from_bytes(body[1:3], "big")
        return Command(cla, ins, p1, p2, ne=le or 65536)
    lc = int.from_bytes(body[1:3], "big")
    if lc == 0:
        return None
    rest = body[3:]
    if len(rest) == lc:
        return Command(cla, ins, p1, p2, data=bytes(rest))
    if len(rest) == lc + 2:
        le = int.from_bytes(rest[lc:], "big")
        return Command(cla, ins, p1, p2, data=bytes(rest[:lc]), ne=le or 65536)
    return None


def response(sw: int, data: bytes = b"") -> bytes:
    """A response APDU: data then SW1 SW2."""
    return bytes(data) + sw.to_bytes(2, "big")


def build(cla: int, ins: int, p1: int, p2: int, data: bytes = b"", ne: int | None = None) -> bytes:
    """Encode a short command APDU (the form real JPKI clients send)."""
    out = bytearray((cla, ins, p1, p2))
    if data:
        if len(data) > 255:
            raise ValueError("short APDU data is at most 255 bytes")
        out.append(len(data))
        out += data
    if ne is not None:
        if not 0 < ne <= 256:
            raise ValueError("short APDU Ne is 1..256")
        out.append(ne & 0xFF)
    return bytes(out)
