"""RSA PKCS#1 v1.5 signature over caller-supplied bytes (a DigestInfo), as the card's chip does.

pyca/cryptography hashes or wraps the digest itself; a card receives the DigestInfo already
built, pads it (block type 01) and applies the private key. That step is done here with the
key's CRT numbers.
"""
from __future__ import annotations

from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPrivateNumbers
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

# DER prefixes of DigestInfo (RFC 8017 §9.2, note 1) and the hash each announces
DIGEST_INFO_PREFIXES: dict[bytes, hashes.HashAlgorithm] = {
    bytes.fromhex("3021300906052b0e03021a05000414"): hashes.SHA1(),
    bytes.fromhex("302d300d06096086480165030402040500041c"): hashes.SHA224(),
    bytes.fromhex("3031300d060960864801650304020105000420"): hashes.SHA256(),
    bytes.fromhex("3041300d060960864801650304020205000430"): hashes.SHA384(),
    bytes.fromhex("3051300d060960864801650304020305000440"): hashes.SHA512(),
}


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
    for prefix, algorithm in DIGEST_INFO_PREFIXES.items():
        if data.startswith(prefix) and len(data) == len(prefix) + algorithm.digest_size:
            # same bytes on the wire, computed by OpenSSL (RSA signatures are deterministic)
            return key.sign(data[len(prefix):], padding.PKCS1v15(), Prehashed(algorithm))
    return _raw(key, data, k)


def _raw(key: RSAPrivateKey, data: bytes, k: int) -> bytes:
    encoded = b"\x00\x01" + b"\xff" * (k - 3 - len(data)) + b"\x00" + data
    nums = _numbers(key)
    m = int.from_bytes(encoded, "big")
    m1 = pow(m, nums.dmp1, nums.p)
    m2 = pow(m, nums.dmq1, nums.q)
    h = (nums.iqmp * (m1 - m2)) % nums.p
    s = m2 + h * nums.q
    return s.to_bytes(k, "big")
