"""BER-TLV helpers: enough for the card-info AP's records and for reading a DER length."""
from __future__ import annotations


def encode_length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def tlv(tag: bytes, value: bytes) -> bytes:
    return tag + encode_length(len(value)) + value


def read_header(data: bytes) -> tuple[bytes, int, int]:
    """Return (tag, header length, value length) of the TLV at the start of ``data``.

    Raises ValueError when ``data`` is too short or malformed.
    """
    if not data:
        raise ValueError("empty TLV")
    i = 1
    if data[0] & 0x1F == 0x1F:  # multi-byte tag
        while True:
            if i >= len(data):
                raise ValueError("truncated tag")
            i += 1
            if not data[i - 1] & 0x80:
                break
    tag = data[:i]
    if i >= len(data):
        raise ValueError("missing length")
    first = data[i]
    i += 1
    if first < 0x80:
        return tag, i, first
    count = first & 0x7F
    if count == 0 or count > 3 or i + count > len(data):
        raise ValueError("bad length")
    length = int.from_bytes(data[i : i + count], "big")
    return tag, i + count, length


def parse_all(data: bytes) -> list[tuple[bytes, bytes]]:
    """Split concatenated TLVs into (tag, value) pairs."""
    out = []
    pos = 0
    while pos < len(data):
        tag, hlen, vlen = read_header(data[pos:])
        start = pos + hlen
        if start + vlen > len(data):
            raise ValueError("value runs past the end")
        out.append((tag, data[start : start + vlen]))
        pos = start + vlen
    return out


def total_length(header: bytes) -> int:
    """Full size of the TLV whose first bytes are ``header`` (how clients size a certificate)."""
    _, hlen, vlen = read_header(header)
    return hlen + vlen
