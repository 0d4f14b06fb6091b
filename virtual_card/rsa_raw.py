"""RSA PKCS#1 v1.5 signature over caller-supplied bytes (a DigestInfo), as the card's chip does.

pyca/cryptography hashes or wraps the digest itself; a card receives the DigestInfo already
built, pads it (block type 01) and applies the private key. That step is done here with the
key's CRT numbers.
"""
from __future__ import annotations

from functools import lru_cache

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPrivateNumbers


def max_input(key: RSAPrivateKey) -> int:
    return key.key_size // 8 - 11


@lru_cache(maxsize=64)
def _numbers(key: RSAPrivateKey) -> RSAPrivateNumbers:
    return key.private_numbers()


def sign_pkcs1_v15(key: RSAPrivateKey, data: bytes) -> bytes:
    """Pad ``data`` with EMSA-PKCS1-v1_5 block type 01 and apply the private key."""
    k = key.key_size // 8
    if not 0 < len(data) <= k - 11:
        raise ValueError("input too long for the modulus")
    encoded = b"\x00\x01" + b"\xff" * (k - 3 - len(data)) + b"\x00" + data
    nums = _numbers(key)
    m = int.from_bytes(encoded, "big")
    m1 = pow(m, nums.dmp1, nums.p)
    m2 = pow(m, nums.dmq1, nums.q)
    h = (nums.iqmp * (m1 - m2)) % nums.p
    s = m2 + h * nums.q
    return s.to_bytes(k, "big")
